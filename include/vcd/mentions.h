/* Mentions and the tagger interface: where a mention is born.
 *
 * A tagger turns documents into mentions (code-point spans with a type and a
 * source). The rule-based tagger here is the honest baseline; trained
 * taggers plug in behind the same vtable. Pre-extracted mentions can be read
 * from a JSON Lines file instead. */
#ifndef VCD_MENTIONS_H
#define VCD_MENTIONS_H

#include "vcd/common.h"
#include "vcd/ingest.h"

typedef enum {
    VCD_TYPE_UNK,
    VCD_TYPE_PER,
    VCD_TYPE_ORG,
    VCD_TYPE_PRODUCT,
    VCD_TYPE_LOC,
    VCD_TYPE_GROUP,
    VCD_TYPE_WORK,
    VCD_TYPE_EVENT,
    VCD_TYPE_COUNT
} vcd_entity_type;

const char *vcd_type_name(vcd_entity_type t);
/* Accepts the report families (PER, ORG, ...) and the WNUT 2017 names
 * (person, corporation, product, location, group, creative-work); -1 if unknown. */
int vcd_type_parse(const char *s);

typedef enum {
    VCD_SRC_CAPITALIZED,
    VCD_SRC_ACRONYM,
    VCD_SRC_HASHTAG,
    VCD_SRC_GAZETTEER,
    VCD_SRC_FILE,
    VCD_SRC_CLUSTER_MATCH,
    VCD_SRC_MODEL,
    VCD_SRC_COUNT
} vcd_mention_source;

const char *vcd_source_name(vcd_mention_source s);
/* Inverse of vcd_source_name; -1 if unknown. */
int vcd_source_parse(const char *s);

typedef struct {
    uint32_t doc;                  /* index into the corpus */
    uint32_t start, end;           /* code points, end exclusive */
    uint32_t byte_start, byte_end; /* into the document text */
    uint8_t type;
    uint8_t source;
    float score;       /* tagger confidence in [0, 1] */
    int32_t form;      /* filled by the pipeline: index of the distinct form */
    int32_t entity_id; /* filled by clustering: -1 = noise */
} vcd_mention;

typedef struct vcd_mentions {
    vcd_mention *items;
    size_t n;
    size_t cap;
} vcd_mentions;

void vcd_mentions_push(vcd_mentions *ms, const vcd_mention *m);
void vcd_mentions_free(vcd_mentions *ms);

typedef struct vcd_tagger vcd_tagger;

typedef struct {
    const char *name;
    /* Optional: sees the whole corpus before tagging (corpus statistics). */
    vcd_status (*prepare)(vcd_tagger *t, const vcd_corpus *c);
    vcd_status (*tag_doc)(vcd_tagger *t, const vcd_corpus *c, size_t doc, vcd_mentions *out);
    void (*destroy)(vcd_tagger *t);
    /* Optional (after prepare): the documents [*start, *end) labelled in one
     * batch with `doc`. NULL: every document is labelled alone. */
    void (*batch)(vcd_tagger *t, const vcd_corpus *c, size_t doc, size_t *start, size_t *end);
} vcd_tagger_ops;

struct vcd_tagger {
    const vcd_tagger_ops *ops;
};

/* prepare() (if any) then tag_doc() for every document; `progress` may be NULL. */
vcd_status vcd_tagger_tag_corpus(vcd_tagger *t, const vcd_corpus *c, vcd_mentions *out,
                                 vcd_progress_fn progress, void *progress_ctx);
vcd_status vcd_tagger_prepare(vcd_tagger *t, const vcd_corpus *c);
/* After prepare: the batch [*start, *end) the tagger labels `doc` in
 * (doc < c->n_docs). Tagging a part of the corpus that begins and ends on
 * batch bounds makes the labeller calls one pass over it all makes there,
 * none more: processes that split a corpus there share the work. */
void vcd_tagger_batch(vcd_tagger *t, const vcd_corpus *c, size_t doc, size_t *start, size_t *end);
const char *vcd_tagger_name(const vcd_tagger *t);
void vcd_tagger_free(vcd_tagger *t);

/* Reads a gazetteer file ("name<TAB>TYPE" lines, '#' comments, TYPE a
 * report family or WNUT name) and calls add() for every entry; a bad line
 * is an error naming it. */
vcd_status vcd_gazetteer_read(const char *path,
                              void (*add)(void *ctx, const char *name, size_t n, int type),
                              void *ctx);

struct vcd_vectors;
/* Rule-based tagger. `gazetteer_path` may be NULL (no gazetteer); `vocab` may
 * be NULL (then only a built-in stop list tells common words from names). */
vcd_status vcd_tagger_rules_new(const char *gazetteer_path, const struct vcd_vectors *vocab,
                                vcd_tagger **out);

/* A Hugging Face BertForTokenClassification folder as a tagger: mentions
 * from BIO/IOB2 labels on each word's first sub-token. */
vcd_status vcd_tagger_bert_new(const char *dir, vcd_tagger **out);
/* The default CNN-CRF tagger (vcd/ner_model.h) from a model folder; the
 * model borrows `vectors`, which must outlive the tagger. */
vcd_status vcd_tagger_model_new(const char *dir, const struct vcd_vectors *vectors,
                                vcd_tagger **out);
/* Where the default model lives: $VCDISCOVER_NER_MODEL if set, else the
 * shipped data/models/default. */
const char *vcd_default_ner_model_dir(void);
/* NULL when the default model can be used with these vectors, else why not
 * ("is missing", "needs word vectors"). */
const char *vcd_default_ner_model_missing(const struct vcd_vectors *vectors);
/* By name: NULL or "default" -> the shipped CNN-CRF model, or the rule
 * tagger (with a warning) when the model folder or the vectors are missing;
 * "rules" -> the rule tagger (with the gazetteer and vocabulary);
 * "model:DIR" -> a CNN-CRF model folder; "bert:DIR" -> vcd_tagger_bert_new(DIR). */
vcd_status vcd_tagger_open(const char *spec, const char *gazetteer_path,
                           const struct vcd_vectors *vocab, vcd_warn_fn warn, void *warn_ctx,
                           vcd_tagger **out);

typedef struct {
    size_t lines;
    size_t kept;
    size_t skipped_malformed; /* not JSON, missing fields, bad offsets */
    size_t skipped_unknown_doc;
    size_t skipped_text_mismatch;
} vcd_mentions_file_stats;

/* Reads {"doc_id","text","start","end"[,"type"]} lines; bad lines are
 * skipped, counted and warned about. */
vcd_status vcd_mentions_read_jsonl(const char *name, const unsigned char *data, size_t len,
                                   const vcd_corpus *c, vcd_mentions *out,
                                   vcd_mentions_file_stats *stats, vcd_warn_fn warn,
                                   void *warn_ctx);

#endif
