/* Pieces of the cluster job that `update` reuses (cluster_job.c). */
#ifndef VCD_PIPELINE_INTERNAL_H
#define VCD_PIPELINE_INTERNAL_H

#include "vcd/pipeline.h"

struct cJSON;

/* Mentions of corpus c: from o->mentions_path, else from the tagger. */
vcd_status cluster_find_mentions(const vcd_cluster_options *o, const vcd_corpus *c,
                                 const vcd_vectors *vec, vcd_mentions *ms, char **tagger_name,
                                 vcd_cluster_report *r);
/* The manifest of a state (schema, settings, counts, `files`, which it takes
 * ownership of), before it is printed. */
struct cJSON *cluster_manifest(const vcd_cluster_options *o, const vcd_corpus *c,
                               const vcd_encoder *enc, const vcd_vectors *vec, const vcd_kb *kb,
                               struct cJSON *files, const char *tagger,
                               const vcd_cluster_report *r);
/* Every state file but the manifest into dir, and their records for it. */
vcd_status cluster_write_files(const char *dir, const vcd_link_run *run, const double *probs,
                               const vcd_entities *entities, int keep_text,
                               struct cJSON **files_out);
vcd_status cluster_write_manifest(const char *dir, struct cJSON *manifest);
/* Scores the run's pairs with the pair model for its encoder (checked to
 * be fit with it); *cannot_p is the cannot-link level the options ask for
 * (0: off) and *order_lift the input's (vcd_link_forms_order_lift). */
vcd_status cluster_link_score(const vcd_cluster_options *o, vcd_link_run *run, double *cannot_p,
                              double *order_lift);
/* Membership of a form in its entity: the highest P(same) of a pair that
 * joins it to another form of the same entity. */
void cluster_pair_membership(const vcd_link_pairs *pairs, const int32_t *labels, size_t n,
                             double *membership);

/* The stages of vcd_link_run_prepare/finish, for the MPI job (cluster_mpi.c):
 * ingest (and the word vectors); mentions sorted and grouped into forms; the
 * KB, link facts and candidate pairs on the form vectors. */
vcd_status cluster_ingest(const vcd_cluster_options *o, vcd_link_run *run, vcd_cluster_report *r);
void cluster_build_forms(vcd_link_run *run);
vcd_status cluster_link_facts(const vcd_cluster_options *o, vcd_link_run *run,
                              vcd_cluster_report *r);
/* Adds the vectors of mentions ms[0..n) (in document order, forms set) to
 * their forms' sums, in fixed point: integer sums are exact, so any split of
 * the mentions over processes gives the same bits as one pass. */
void cluster_encode_sum(const vcd_cluster_options *o, vcd_encoder *enc, const vcd_corpus *c,
                        const vcd_mention *ms, size_t n, int64_t *sums);
/* Each form's sum, normalised: the form vectors (n_forms x dim, owned). */
float *cluster_form_vectors(const int64_t *sums, size_t n_forms, size_t dim);

/* The MPI job (cluster_mpi.c; without VCD_MPI, one process: size 1, rank 0).
 * cluster_mpi_prepare is vcd_link_run_prepare over every rank: rank 0 ends
 * with the whole run, the others with only their part. `rc`: this rank's
 * status so far; the first failing rank's error is every rank's. */
int cluster_mpi_size(void);
int cluster_mpi_rank(void);
vcd_status cluster_mpi_prepare(const vcd_cluster_options *o, vcd_link_run *run,
                               vcd_cluster_report *r, vcd_status rc);
/* Every rank, after rank 0 linked (rc: this rank's status so far): rank 0
 * broadcasts each form's entity and membership and each entity's KB id,
 * every rank renders the mentions.jsonl lines of its part (rank 0: the
 * first document range's, still at the head of its mentions; a worker: the
 * mentions it encoded) and writes them at its offset into one temporary
 * file, which rank 0 renames into dir: the bytes of one process's file. */
vcd_status cluster_mpi_write_mentions(const char *dir, vcd_link_run *run, const double *probs,
                                      const vcd_entities *e, vcd_status rc);

#endif
