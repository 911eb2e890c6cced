/* The `cluster` job end to end: ingest -> mentions -> encode -> index ->
 * cluster -> entities -> state directory. The CLI only fills the options. */
#ifndef VCD_PIPELINE_H
#define VCD_PIPELINE_H

#include "vcd/cluster.h"
#include "vcd/encode.h"
#include "vcd/index.h"
#include "vcd/ingest.h"
#include "vcd/linker.h"

typedef enum { VCD_ALGO_HDBSCAN, VCD_ALGO_KMEANS } vcd_cluster_algo;

/* identity: candidates -> evidence -> P(same) -> constrained linkage
 * (vcd/linker.h); legacy: HDBSCAN on form vectors, split by cosine, joined by
 * acronyms (the 2026-11 design, kept for comparison). */
typedef enum { VCD_LINK_IDENTITY, VCD_LINK_LEGACY } vcd_link_mode;

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
    vcd_link_mode link;
    const char *kb_spec;     /* NULL: the shipped KB; "none": no KB; else the shipped KB + FILE */
    const char *linker_path; /* NULL: the shipped pair model */
    int cannot_link;         /* 0: no constraint (the ablation) */
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
    double order_lift; /* identity linking: vcd_link_forms_order_lift of the input */
    double seconds_ingest, seconds_tag, seconds_encode, seconds_cluster, seconds_index,
        seconds_write;
} vcd_cluster_report;

/* In a VCD_MPI build while MPI runs with more than one rank, every rank
 * calls this (src/pipeline/cluster_mpi.c): rank 0 writes the state and
 * fills the report, the others tag and encode their part. */
vcd_status vcd_run_cluster(const vcd_cluster_options *o, vcd_cluster_report *report);

/* Per-form sums of mention vectors in fixed point (2^32 = 1.0), as a state
 * stores them (form_sums.bin): the form vectors are these normalised. */
typedef struct {
    const int64_t *sums;    /* n_forms x dim */
    const uint64_t *counts; /* mentions summed into each form */
    size_t n_forms, dim;
    uint64_t keys_digest;  /* vcd_forms_keys_digest of those n_forms forms */
    const float *contexts; /* n_forms x ctx_dim raw context sums; NULL: none */
    size_t ctx_dim;
} vcd_form_sums_view;

/* The stages `cluster` and `train-linker` share: ingest, mentions, forms,
 * form vectors, the KB and the scored-later candidate pairs. */
typedef struct {
    vcd_corpus *corpus;
    vcd_vectors *vectors;
    vcd_mentions mentions; /* sorted by (document, offset) */
    vcd_forms forms;
    vcd_encoder *encoder;
    int64_t *form_sums;  /* forms.n x dim, what form_vectors normalise */
    float *form_vectors; /* forms.n x dim */
    size_t dim;
    char *tagger;
    vcd_kb *kb; /* NULL with --kb none */
    vcd_link_forms *link_forms;
    vcd_link_pairs pairs;
    /* Documents 0..linked_docs-1 are linked already (update): candidate
     * pairs then need a form that a later document mentions. 0: all. */
    size_t linked_docs;
    /* update: the state's sums over documents 0..linked_docs-1, used when
     * they are those of the first prior.n_forms forms (same keys, same
     * counts); then only later documents' mentions are encoded. */
    vcd_form_sums_view prior;
    int prior_used; /* the prior matched: only later documents were encoded */
    size_t mentions_encoded;
    int mentions_written; /* mentions.jsonl is in place (MPI: every rank wrote its part) */
    size_t mentions_part; /* MPI: this rank's part of the mentions (rank 0's: the first ones) */
} vcd_link_run;

vcd_status vcd_link_run_prepare(const vcd_cluster_options *o, vcd_link_run *run,
                                vcd_cluster_report *r);
/* The stages after tagging, on run->corpus and run->mentions (which the
 * caller filled, as `update` does with the state's and the new comments):
 * forms, form vectors, the KB, link facts and candidate pairs. */
vcd_status vcd_link_run_finish(const vcd_cluster_options *o, vcd_link_run *run,
                               vcd_cluster_report *r);
void vcd_link_run_free(vcd_link_run *run);

/* `vcdiscover update`: new comments into an existing state, entity ids kept.
 * The settings (tagger, encoder, vectors, KB, pair model) are the cluster
 * options and must be those the state was built with (checked against its
 * manifest). */
typedef struct {
    vcd_cluster_options cluster; /* .input: the new comments; .out_dir: ignored */
    const char *state_dir;
    const char *out_dir; /* NULL: replace state_dir */
} vcd_update_options;

typedef struct {
    size_t docs_read, docs_added, duplicates_skipped;
    size_t mentions_added, forms_added, entities_grown, new_entities, proposed_merges;
    size_t docs, mentions, forms, entities; /* of the state written */
    size_t mentions_encoded; /* the new ones, or every one without the state's sums */
    int written;             /* 0: nothing new, the state was left as it was */
    double seconds_read, seconds_ingest, seconds_tag, seconds_encode, seconds_link, seconds_write;
} vcd_update_report;

vcd_status vcd_run_update(const vcd_update_options *o, vcd_update_report *report);

#endif
