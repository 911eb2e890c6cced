/* The combined evaluation behind `vcdiscover eval --gold FILE.conll`:
 * tagger alone, then tagger + recall augmentation for a sweep of
 * thresholds, on gold-labelled text. */
#ifndef VCD_COMBINED_EVAL_H
#define VCD_COMBINED_EVAL_H

#include "vcd/eval.h"
#include "vcd/ingest.h"

typedef struct {
    const char *gold_path;
    const char *known_conll; /* training CoNLL whose gold entities are known; NULL: none */
    const char *vectors_path;
    const char *gazetteer_path;
    const char *tagger_spec; /* NULL: the default model (see vcd_tagger_open) */
    const char *work_dir;    /* temporary states are written here */
    double threshold;        /* the operating point reported as "augmented" */
    const double *sweep;
    size_t n_sweep;
    uint64_t seed;
    vcd_warn_fn warn; /* e.g. the default model is missing; may be NULL */
    void *warn_ctx;
} vcd_combined_eval_options;

typedef struct {
    double threshold;
    size_t added;
    vcd_ner_score score;
} vcd_sweep_point;

typedef struct {
    vcd_ner_score alone, augmented;
    char tagger[32]; /* the tagger that ran: cnn-crf, rules, bert */
    size_t tagger_mentions, candidates, added;
    size_t known_entities[2]; /* corpus state, training state */
    vcd_sweep_point *sweep;
    size_t n_sweep;
} vcd_combined_eval;

vcd_status vcd_combined_eval_run(const vcd_combined_eval_options *o, vcd_combined_eval *out);
void vcd_combined_eval_free(vcd_combined_eval *e);

#endif
