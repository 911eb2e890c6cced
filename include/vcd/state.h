/* The state directory written by `cluster` and read by `match` (and the
 * trends, report and eval commands):
 *   manifest.json   schema, versions, settings, counts, and the size, line
 *                   count and digest of every other file (written last)
 *   docs.jsonl      id, date, author, likes, replies (+ text with --keep-text)
 *   mentions.jsonl  doc_id, start, end, text, type, source, entity_id, score
 *   forms.jsonl     distinct forms: key, surface, count, entity_id
 *   entities.json   entities with canonical name, aliases, type, dates
 *   form_vectors.bin  unit form vectors (row = form), from which readers
 *                   rebuild the FAISS index (no FAISS file is written or read)
 * Every reader checks each file against the manifest before parsing it. */
#ifndef VCD_STATE_H
#define VCD_STATE_H

#include "vcd/encode.h"
#include "vcd/index.h"
#include "vcd/link.h"

#define VCD_STATE_MANIFEST_SCHEMA "vcdiscover.manifest/3"

typedef struct vcd_state vcd_state;

/* Opens a state directory. `vectors_override` replaces the vector file path
 * recorded in the manifest (its digest must still match). */
vcd_status vcd_state_open(const char *dir, const char *vectors_override, vcd_state **out);
void vcd_state_close(vcd_state *s);
size_t vcd_state_entity_count(const vcd_state *s);

typedef struct {
    int32_t entity_id;
    const char *name;
    const char *type;
    size_t size;
    double score;         /* calibrated combination, in [0, 1] */
    double similarity;    /* cosine of the best alias vector */
    const char *evidence; /* "exact-alias", "acronym", "embedding" */
    const char *alias;    /* the alias that matched best */
} vcd_match_hit;

/* The P(entity | query) below which match answers "no match" comes with
 * the linker model (vcd_linker_choice.threshold), one for a name found in
 * the comments and one for a free-standing name, chosen by train-linker:
 * the threshold of the grid 0.05, ..., 0.50 with the most aliases answered
 * right among those that leave at least 90% of unknown names unmatched,
 * out of fold (a wrong entity is worse than none). For the labelled dev
 * comments: 0.15 with the comments (80.5% / 91.4%), 0.35 free-standing
 * (74.7% / 90.9%); reports/clustering.md. This is the fallback of a model
 * without them and of a legacy state. */
#define VCD_MATCH_THRESHOLD 0.35

/* Ranks known entities for a query mention. Only hits with score >=
 * threshold are returned (none means "no match"); a threshold < 0 means
 * vcd_state_match_threshold's. */
vcd_status vcd_state_match(vcd_state *s, const char *query, size_t top_k, double threshold,
                           vcd_match_hit *hits, size_t *n_hits);
/* The model's threshold for this query: whether it occurs in the state's
 * comments picks which. A query error gives VCD_MATCH_THRESHOLD; the match
 * itself reports it. */
double vcd_state_match_threshold(vcd_state *s, const char *query);

/* The state's encoder applied to a mention without context (dimension
 * vcd_state_dim); used for silhouettes and augmentation candidates. */
size_t vcd_state_dim(const vcd_state *s);
void vcd_state_encode(vcd_state *s, const char *text, float *out);

/* The form whose match key is `key` and that belongs to an entity, or -1. */
long vcd_state_alias_form(vcd_state *s, const char *key, size_t n);
/* Frequency rank of a (lower-case) word in the state's vector file; -1 when
 * absent or when the state has no vectors. */
long vcd_state_word_rank(const vcd_state *s, const char *word, size_t n);

/* The records of a state directory, for the commands that read results
 * rather than match against them (trends, report, eval). Needs neither the
 * vector file nor the index. Malformed lines are errors naming the line:
 * the files were written by vcdiscover, so damage means a broken state. */
typedef struct {
    char *id;
    char *author;
    char *text;             /* NULL when the state was written with --no-text */
    int64_t time;           /* VCD_NO_DATE when absent */
    int64_t likes, replies; /* -1 when absent */
} vcd_record_doc;

typedef struct {
    uint32_t doc; /* index into docs */
    uint32_t start, end;
    int32_t entity_id; /* -1: noise */
    uint8_t type;
    uint8_t source; /* vcd_mention_source */
    char *text;
    float tagger_score; /* the tagger's confidence (update carries it over) */
} vcd_record_mention;

typedef struct {
    char *text;
    size_t count;
} vcd_record_alias;

typedef struct {
    int32_t id;
    char *name;
    uint8_t type;
    size_t size;
    vcd_record_alias *aliases;
    size_t n_aliases;
    char *kb_id; /* the KB entry it was linked to; NULL: newly discovered */
} vcd_record_entity;

/* A merge `update` proposed and did not make: entities a and b (a < b)
 * would have joined, by a pair of P(same) p. */
typedef struct {
    int32_t a, b;
    float p;
} vcd_record_merge;

typedef struct {
    int has_dates, has_likes, has_replies;
    char *input_path;
    vcd_record_doc *docs;
    size_t n_docs;
    vcd_record_mention *mentions;
    size_t n_mentions;
    vcd_record_entity *entities; /* entities[i].id == i */
    size_t n_entities;
    /* every update's listed proposals, each pair once with its latest p,
     * highest p first */
    vcd_record_merge *merges;
    size_t n_merges;
} vcd_records;

vcd_status vcd_records_load(const char *dir, vcd_records *out);
void vcd_records_free(vcd_records *r);
/* Linked mentions grouped by entity, each group in document order: the
 * mentions of entity e are order[start[e]] .. order[start[e + 1] - 1].
 * The caller frees both arrays. */
void vcd_records_group_by_entity(const vcd_records *r, size_t **order, size_t **start);

#endif
