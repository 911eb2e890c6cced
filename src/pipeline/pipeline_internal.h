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
/* The pair model for this encoder (checked to be fit with it). */
vcd_status cluster_linker_load(const vcd_cluster_options *o, const vcd_encoder *enc,
                               vcd_linker_model *model);
/* Membership of a form in its entity: the highest P(same) of a pair that
 * joins it to another form of the same entity. */
void cluster_pair_membership(const vcd_link_pairs *pairs, const int32_t *labels, size_t n,
                             double *membership);

#endif
