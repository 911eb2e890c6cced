/* The identity encoder: a mention's surface string -> a unit vector whose
 * cosine says "same entity", trained the Sentence-BERT way (siamese encoder,
 * multiple-negatives ranking loss with hard negatives) on alias groups.
 *
 * Network (src/nn/identity/): two mean embedding bags over one hashed table
 * (character 2..5-grams of the match key with word-boundary markers; whole
 * words + initials), concatenated with the unit mean of the words' vectors
 * and a few shape features -> Linear + GELU -> Linear -> L2 normalise.
 * A model folder holds config.json and model.safetensors (F16 or F32). */
#ifndef VCD_IDENTITY_H
#define VCD_IDENTITY_H

#include "vcd/common.h"
#include "vcd/vectors.h"

typedef struct vcd_identity_model vcd_identity_model;

/* Loads DIR/config.json + DIR/model.safetensors, checking every shape and
 * value. `vectors` (borrowed) must be the store the model was trained with
 * when the model uses word vectors; NULL is an error then. */
vcd_status vcd_identity_open(const char *dir, const vcd_vectors *vectors, vcd_identity_model **out);
void vcd_identity_free(vcd_identity_model *m);
size_t vcd_identity_dim(const vcd_identity_model *m);
/* Encodes n surfaces (UTF-8, byte lengths; a leading '#' marks a hashtag)
 * into out (n x dim), unit rows. */
void vcd_identity_encode(vcd_identity_model *m, const char *const *texts, const size_t *lens,
                         size_t n, float *out);
/* Parses config.json text (fuzzing, tests): VCD_OK when valid. */
vcd_status vcd_identity_config_check(const char *name, const char *text, size_t len);

/* ---- training ---- */

/* Alias groups, `group<TAB>type<TAB>alias` lines, from several files. */
typedef struct vcd_alias_groups vcd_alias_groups;
vcd_alias_groups *vcd_alias_groups_new(void);
void vcd_alias_groups_free(vcd_alias_groups *g);
/* Adds one TSV (malformed lines are counted in *skipped, not fatal). */
vcd_status vcd_alias_groups_add_tsv(vcd_alias_groups *g, const char *name,
                                    const unsigned char *data, size_t len, size_t *skipped);
size_t vcd_alias_groups_count(const vcd_alias_groups *g);
/* Adds the capitalised initials of every alias of >= 3 word pieces ("New
 * York City" -> "NYC", "Apple Vision Pro" -> "AVP") to its group, the
 * convention comments use; returns how many were new. */
size_t vcd_alias_groups_add_acronyms(vcd_alias_groups *g);

typedef struct {
    size_t epochs;  /* default 30 */
    size_t batch;   /* anchors per step, default 128 */
    size_t dim;     /* output dimension, default 96 */
    size_t hidden;  /* default 256 */
    size_t emb;     /* embedding width per bag, default 64 */
    size_t buckets; /* hashed rows, default 28672 */
    size_t hard;    /* hard negatives per anchor, default 2 */
    float lr;       /* default 1e-2, decayed linearly to 0 */
    float scale;    /* MNRL scale, default 20 */
    int symmetric;  /* default 1 */
    uint64_t seed;  /* default 42 */
    int f16;        /* store F16, default 1 */
    int quiet;
    const vcd_vectors *vectors; /* optional */
} vcd_identity_train_options;

void vcd_identity_train_options_default(vcd_identity_train_options *o);

typedef struct {
    double loss;
    double recall_at_1;  /* held-out alias -> nearest other held-out alias in its group */
    double pos_cos;      /* mean cosine of held-out positive pairs */
    double hard_neg_cos; /* mean cosine of held-out hard-negative pairs */
} vcd_identity_epoch;

typedef struct {
    size_t groups_train, groups_heldout, aliases_train, aliases_heldout;
    size_t n_epochs;
    vcd_identity_epoch epoch[64];
} vcd_identity_report;

/* Trains on the groups and writes DIR/model.safetensors + DIR/config.json.
 * Deterministic for a seed. */
vcd_status vcd_identity_train(const vcd_alias_groups *g, const vcd_identity_train_options *o,
                              const char *dir, vcd_identity_report *report);

/* ---- alias groups mined from comments (`vcdiscover pairs mine`) ---- */

struct vcd_corpus;
struct vcd_mentions;

typedef struct {
    size_t min_comments; /* weak patterns must recur in this many comments (default 2) */
    /* nicknames.csv text (name1,has_nickname,name2) or NULL: "Charles Barkley"
     * also yields "Chuck Barkley" (only with the surname, never alone). */
    const unsigned char *nicknames;
    size_t nicknames_len;
    /* With nicknames: this many made-up people, a given name that has
     * nicknames x a surname the comments use ("Charles Tyson" / "Chuck
     * Tyson"), so that the same first name with another surname is a hard
     * negative. Drawn from `seed`. */
    size_t synthetic_people;
    uint64_t seed;
} vcd_pairs_options;

typedef struct {
    size_t pairs_seen, pairs_kept, groups, nickname_aliases, synthetic_people;
} vcd_pairs_stats;

/* Evidence inside one comment that two mentions name one entity: a PER name
 * and a later mention of its surname ("Charles Barkley ... Barkley"), a name
 * and a later word suffix of >= 2 words ("Apple Vision Pro ... Vision Pro"),
 * its acronym ("AVP"), a hashtag and its spaced form ("#VisionPro" / "Vision
 * Pro"), a possessive or plural ("Logan's" / "Logan"). Acronyms and hashtags
 * are strong (kept once), the rest need min_comments comments. Appends
 * `group<TAB>type<TAB>alias` lines to out, in first-seen order. */
vcd_status vcd_pairs_mine(const struct vcd_corpus *c, const struct vcd_mentions *ms,
                          const vcd_pairs_options *o, vcd_buf *out, vcd_pairs_stats *st);

#endif
