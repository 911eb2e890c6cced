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
} vcd_linker_fit_report;

/* `model` comes in with encoder and cannot_link set; leaves with weights. */
vcd_status vcd_linker_train(const vcd_link_run *run, const vcd_gold *gold,
                            const vcd_linker_train_options *opt, vcd_linker_model *model,
                            vcd_linker_fit_report *report);

#endif
