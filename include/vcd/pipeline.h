/* The `cluster` job end to end: ingest -> mentions -> encode -> index ->
 * cluster -> entities -> state directory. The CLI only fills the options. */
#ifndef VCD_PIPELINE_H
#define VCD_PIPELINE_H

#include "vcd/cluster.h"
#include "vcd/encode.h"
#include "vcd/index.h"
#include "vcd/ingest.h"

typedef enum { VCD_ALGO_HDBSCAN, VCD_ALGO_KMEANS } vcd_cluster_algo;

typedef struct {
    const char *input;
    vcd_ingest_options ingest;
    const char *mentions_path;  /* NULL: tag with the tagger below */
    const char *tagger_spec;    /* NULL or "rules": rule-based; "bert:DIR": BERT classifier */
    const char *encoder_spec;   /* NULL or "pooled": word vectors + char n-grams; "bert:DIR" */
    const char *vectors_path;   /* NULL: no word vectors (char n-grams only) */
    const char *gazetteer_path; /* NULL: none */
    const char *out_dir;
    vcd_cluster_algo algo;
    vcd_hdbscan_params hdbscan;
    size_t kmeans_k;
    uint64_t seed;
    double min_similarity;      /* alias-to-entity cosine below which a form is noise */
    size_t min_entity_mentions; /* a lone form this frequent is an entity of its own */
    vcd_encoder_options encoder;
    vcd_index_kind index_kind;
    int keep_text;
    vcd_warn_fn warn;
    void *warn_ctx;
    vcd_progress_fn progress;
    void *progress_ctx;
} vcd_cluster_options;

void vcd_cluster_options_default(vcd_cluster_options *o);

typedef struct {
    size_t docs, mentions, forms, entities, noise_mentions;
    size_t skipped_rows, skipped_mentions;
    int exact_mst;
    double seconds_ingest, seconds_tag, seconds_encode, seconds_cluster, seconds_index,
        seconds_write;
} vcd_cluster_report;

vcd_status vcd_run_cluster(const vcd_cluster_options *o, vcd_cluster_report *report);

#endif
