/* Recall augmentation: mentions the tagger missed, found by matching
 * candidate spans against known entities (one or more state directories:
 * the corpus's own clusters, a training corpus's entities).
 *
 * Candidates are spans that overlap no existing mention:
 *   alias n-grams    1-4 word tokens whose match key is an alias of a
 *                    known entity ("vision pro" for "Vision Pro")
 *   capitalised runs maximal runs of capitalised words
 *   hashtags/handles the body of #Tag and @name
 *   rare words       words of 3+ letters outside the vector vocabulary
 *   untyped mentions the tagger's own mentions of type UNK: linking gives
 *                    them the type of the entity they match
 * Each is scored with the state's match evidence (exact alias 1.0, acronym
 * 0.9, else 0.6 cosine + 0.4 trigram Dice), then discounted when it reads
 * like an ordinary word: an all-lower-case span made only of frequent
 * words (top 20,000 of the vectors) is scaled by 0.6, one of the top
 * 1,000 by 0.3. A candidate at or above the threshold becomes a mention
 * (source cluster-match, the entity's type); overlapping candidates are
 * resolved greedily, best score first, then longer first. */
#ifndef VCD_AUGMENT_H
#define VCD_AUGMENT_H

#include "vcd/mentions.h"
#include "vcd/state.h"

typedef struct {
    uint32_t doc, start, end; /* code points */
    uint32_t byte_start, byte_end;
    float score;
    uint8_t type;
    uint8_t kind;   /* 0 alias n-gram, 1 capitalised run, 2 hashtag/handle, 3 rare word,
                       4 an untyped tagger mention */
    uint8_t known;  /* which state */
    int32_t entity; /* entity id in that state */
} vcd_augment_candidate;

typedef struct {
    vcd_augment_candidate *items;
    size_t n, cap;
} vcd_augment_candidates;

/* Scores every candidate of every document against the known states. */
vcd_status vcd_augment_candidates_find(vcd_state *const *known, size_t n_known, const vcd_corpus *c,
                                       const vcd_mentions *existing, vcd_augment_candidates *out);
void vcd_augment_candidates_free(vcd_augment_candidates *c);
/* Appends the accepted candidates (score >= threshold, no overlap with
 * each other) to `out` as mentions; returns how many. `out` should hold
 * the typed tagger mentions only: accepted kind-4 candidates replace the
 * untyped ones. */
size_t vcd_augment_select(const vcd_augment_candidates *c, double threshold, vcd_mentions *out);

#endif
