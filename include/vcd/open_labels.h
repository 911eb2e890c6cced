/* Open labels: `vcdiscover label-mentions` turns hand-labelled mentions of a
 * user's comments (the `cluster --mentions` format with a "type", such as
 * ../shared/data/youtube_entities/) into CoNLL for `train-ner --open-labels`.
 *
 * Such labels judge the forms a tagger found, not every word: a comment's
 * labelled mention is a whole mention of its type, a form the reader judged
 * not a name is O wherever the comment writes it, and every other word is
 * unknown. The CoNLL says so in tags: B-/I- of the WNUT 2017 type for a
 * mention, B-/I-not-entity for a judged non-name, O for "unknown" (the open
 * scheme reads O as any tag). Words are the project's comment tokens, as in
 * `vcdiscover silver`. */
#ifndef VCD_OPEN_LABELS_H
#define VCD_OPEN_LABELS_H

#include "vcd/ingest.h"

typedef struct {
    const char *input; /* the comments the mentions point into */
    vcd_ingest_options ingest;
    const char *mentions_path;     /* JSONL: doc_id, text, start, end, type */
    const char *not_entities_path; /* TSV, first column a form (header "form" skipped); NULL */
    const char *exclude_conll;     /* comments sharing a text with it are left out; NULL */
    const char *out_path;          /* CoNLL, written atomically */
    vcd_warn_fn warn;
    void *warn_ctx;
} vcd_open_labels_options;

typedef struct {
    size_t docs, docs_excluded, docs_written, words_written;
    size_t mentions_read, mentions_skipped; /* skipped by the reader: malformed, unknown doc, ... */
    size_t mentions_written;
    size_t mentions_untyped;   /* no WNUT 2017 type (EVENT, none): left open */
    size_t mentions_unaligned; /* do not start and end on token boundaries */
    size_t mentions_overlap;   /* overlap an earlier mention of the same comment */
    size_t mentions_excluded;  /* in an excluded comment */
    size_t not_entity_forms, not_entity_spans;
} vcd_open_labels_report;

/* The CoNLL of one corpus, appended to `out`: mentions is the labelled
 * JSON Lines (bad lines are skipped, counted and warned about), forms the
 * not-entity TSV (NULL: none), exclude NULL or the texts to leave out. */
struct vcd_overlap;
vcd_status vcd_open_labels_build(const vcd_corpus *c, const char *mentions_name,
                                 const unsigned char *mentions, size_t mentions_len,
                                 const unsigned char *forms, size_t forms_len,
                                 const struct vcd_overlap *exclude, vcd_warn_fn warn,
                                 void *warn_ctx, vcd_buf *out, vcd_open_labels_report *r);
/* Reads the files of `o`, builds, writes the CoNLL atomically. */
vcd_status vcd_open_labels_run(const vcd_open_labels_options *o, vcd_open_labels_report *r);

#endif
