/* Fitting the identity pair model (vcd/linker.h) on gold mentions, with
 * entity-grouped cross-validation. */
#ifndef VCD_LINKER_TRAIN_H
#define VCD_LINKER_TRAIN_H

#include "vcd/eval.h"
#include "vcd/linker.h"
#include "vcd/pipeline.h"

typedef struct {
    size_t folds; /* >= 2 */
    double l2;
    uint64_t seed; /* of the fold assignment */
} vcd_linker_train_options;

#define VCD_LINKER_BINS 10

/* Thresholds 0.05, 0.10, ..., 0.50. */
#define VCD_MATCH_GRID 10
#define VCD_MATCH_GRID_STEP 0.05

typedef struct {
    size_t aliases, absent;
    size_t top1[VCD_MATCH_GRID], no_match[VCD_MATCH_GRID];
} vcd_linker_match_oof;

typedef struct {
    vcd_cluster_scores scores; /* B-cubed and friends over the gold mentions */
    vcd_form_pairs form_pairs;
} vcd_linker_partition;

typedef struct {
    size_t pairs, positive_pairs; /* labelled candidate pairs */
    size_t oof_pairs;
    double oof_log_loss;
    /* reliability of the out-of-fold P: per tenth of [0, 1] */
    size_t bin_count[VCD_LINKER_BINS], bin_positive[VCD_LINKER_BINS];
    double bin_mean_p[VCD_LINKER_BINS];
    vcd_linker_partition out_of_fold, in_sample;
    /* match, out of fold (the choice models of 4/5 of the entities asked
     * about the fifth) at each threshold of VCD_MATCH_GRID: aliases asked
     * with themselves left out, and how many came back as their entity;
     * names asked with their entity left out, and how many got no match.
     * [0]: as match asks (with the comments where the name occurs), [1]:
     * every name free-standing. */
    vcd_linker_match_oof match[2];
} vcd_linker_fit_report;

/* Fits model->choice (vcd/linker.h) on queries simulated from the labelled
 * forms (ent: each run form's gold entity, -1 for none; fold: each gold
 * entity's fold), after model->query is fit; fills the match_* counts. */
vcd_status vcd_choice_train(const vcd_link_run *run, const int32_t *ent, size_t n_entities,
                            const int32_t *fold, const vcd_linker_train_options *opt,
                            vcd_linker_model *model, vcd_linker_fit_report *report);

/* `model` comes in with encoder and cannot_link set; leaves with weights. */
vcd_status vcd_linker_train(const vcd_link_run *run, const vcd_gold *gold,
                            const vcd_linker_train_options *opt, vcd_linker_model *model,
                            vcd_linker_fit_report *report);

#endif
