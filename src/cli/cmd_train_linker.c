/* `vcdiscover train-linker`: fits the identity pair model on gold mentions
 * (cluster --mentions format plus "entity"), prints the cross-validated
 * report and writes the model JSON. Every cluster option passes through to
 * the shared stages (encoder, KB, vectors, input format). */
#include "cli.h"
#include "vcd/linker_train.h"
#include "vcd/state.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { T_GOLD, T_MODEL_OUT, T_FOLDS, T_L2, T_CANNOT, T_FOLD_SEED, T_JSON, T_COUNT };

static void partition_json(vcd_buf *b, const char *name, const vcd_linker_partition *p)
{
    vcd_buf_printf(b,
                   "\"%s\":{\"bcubed_precision\":%.4f,\"bcubed_recall\":%.4f,\"bcubed_f1\":%.4f,"
                   "\"form_pair_recall\":%.4f,\"form_pair_precision\":%.4f,"
                   "\"same_entity_pairs\":%zu,\"together_pairs\":%zu,\"correct_pairs\":%zu}",
                   name, p->scores.bcubed_precision, p->scores.bcubed_recall, p->scores.bcubed_f1,
                   p->form_pairs.recall, p->form_pairs.precision, p->form_pairs.same_entity_pairs,
                   p->form_pairs.together_pairs, p->form_pairs.correct_pairs);
}

static void report_json(vcd_buf *b, const vcd_linker_fit_report *r,
                        const vcd_linker_train_options *t, const char *gold)
{
    vcd_buf_puts(b, "{\"gold\":");
    vcd_buf_json_string(b, gold, strlen(gold));
    vcd_buf_printf(b,
                   ",\"folds\":%zu,\"l2\":%g,\"fold_seed\":%llu,\"pairs\":%zu,"
                   "\"positive_pairs\":%zu,\"oof_log_loss\":%.5f,\"reliability\":[",
                   t->folds, t->l2, (unsigned long long)t->seed, r->pairs, r->positive_pairs,
                   r->oof_log_loss);
    for (int k = 0; k < VCD_LINKER_BINS; k++)
        vcd_buf_printf(b, "%s{\"bin\":%.1f,\"pairs\":%zu,\"mean_p\":%.4f,\"observed\":%.4f}",
                       k ? "," : "", k / 10.0, r->bin_count[k], r->bin_mean_p[k],
                       r->bin_count[k] ? (double)r->bin_positive[k] / (double)r->bin_count[k]
                                       : 0.0);
    vcd_buf_puts(b, "],");
    partition_json(b, "out_of_fold", &r->out_of_fold);
    vcd_buf_putc(b, ',');
    partition_json(b, "in_sample", &r->in_sample);
    for (int k = 0; k < 2; k++) {
        const vcd_linker_match_oof *m = &r->match[k];
        vcd_buf_printf(b, ",\"match_out_of_fold_%s\":{\"aliases\":%zu,\"absent\":%zu,\"grid\":[",
                       k ? "free_standing" : "with_comments", m->aliases, m->absent);
        for (int g = 0; g < VCD_MATCH_GRID; g++)
            vcd_buf_printf(b, "%s{\"threshold\":%.2f,\"top1\":%zu,\"no_match\":%zu}", g ? "," : "",
                           VCD_MATCH_GRID_STEP * (g + 1), m->top1[g], m->no_match[g]);
        vcd_buf_puts(b, "]}");
    }
    vcd_buf_putc(b, '}');
}

static void print_text(const vcd_linker_fit_report *r, const vcd_linker_model *m)
{
    printf("%zu labelled candidate pairs (%zu same entity)\n", r->pairs, r->positive_pairs);
    printf("out-of-fold log loss %.4f; reliability (P bin: pairs, mean P, observed):\n",
           r->oof_log_loss);
    for (int k = 0; k < VCD_LINKER_BINS; k++)
        if (r->bin_count[k])
            printf("  %.1f-%.1f: %6zu  %.3f  %.3f\n", k / 10.0, (k + 1) / 10.0, r->bin_count[k],
                   r->bin_mean_p[k], (double)r->bin_positive[k] / (double)r->bin_count[k]);
    const vcd_linker_partition *p[2] = {&r->out_of_fold, &r->in_sample};
    const char *name[2] = {"out of fold", "in sample"};
    for (int i = 0; i < 2; i++)
        printf("%s: B-cubed P %.2f R %.2f F1 %.2f; form pairs recall %.2f (%zu of %zu), "
               "precision %.2f (of %zu)\n",
               name[i], 100 * p[i]->scores.bcubed_precision, 100 * p[i]->scores.bcubed_recall,
               100 * p[i]->scores.bcubed_f1, 100 * p[i]->form_pairs.recall,
               p[i]->form_pairs.correct_pairs, p[i]->form_pairs.same_entity_pairs,
               100 * p[i]->form_pairs.precision, p[i]->form_pairs.together_pairs);
    for (int k = 0; k < 2; k++) {
        const vcd_linker_match_oof *mo = &r->match[k];
        printf("match out of fold, %s: %zu aliases left out (top-1 correct), %zu names of entities "
               "left out (no match), by threshold:\n",
               k ? "every name free-standing" : "with the comments", mo->aliases, mo->absent);
        for (int g = 0; g < VCD_MATCH_GRID; g++)
            printf("  %.2f: %6.2f%%  %6.2f%%%s\n", VCD_MATCH_GRID_STEP * (g + 1),
                   mo->aliases ? 100.0 * (double)mo->top1[g] / (double)mo->aliases : 0.0,
                   mo->absent ? 100.0 * (double)mo->no_match[g] / (double)mo->absent : 0.0,
                   fabs(VCD_MATCH_GRID_STEP * (g + 1) - VCD_MATCH_THRESHOLD) < 1e-9 ? "  (default)"
                                                                                    : "");
    }
    const vcd_linker_weights *w[2] = {&m->pair, &m->query};
    for (int i = 0; i < 2; i++) {
        printf("%s weights:", i ? "query" : "pair");
        for (int f = 0; f < VCD_EV_COUNT; f++)
            printf(" %s=%.3f", vcd_evidence_name((vcd_evidence_feature)f), w[i]->w[f]);
        printf(" bias=%.3f\n", w[i]->bias);
    }
    const vcd_linker_choice *c[2] = {&m->choice, &m->choice_corpus};
    for (int i = 0; i < 2; i++) {
        printf("%s weights:", i ? "choice_corpus" : "choice");
        for (int f = 0; f < VCD_CHOICE_FEATURES; f++)
            printf(" %s=%.3f", vcd_choice_feature_name(f), c[i]->w[f]);
        printf(" bias=%.3f\n", c[i]->bias);
    }
}

static int run(const cli_option *opts, const vcd_cluster_options *c)
{
    vcd_linker_train_options t = {5, 1.0, 1};
    double cannot = 0.02;
    size_t seed = 1;
    if (cli_size(opts, T_COUNT, "folds", 2, 50, &t.folds) ||
        cli_real(opts, T_COUNT, "l2", 0.0, 1e6, &t.l2) ||
        cli_real(opts, T_COUNT, "cannot-link-p", 0.0, 0.49, &cannot) ||
        cli_size(opts, T_COUNT, "fold-seed", 0, SIZE_MAX, &seed))
        return EXIT_USAGE;
    t.seed = seed;
    vcd_gold gold;
    vcd_status st = vcd_gold_load(opts[T_GOLD].value, &gold, cli_warn, NULL);
    if (st) {
        /* a failed load still owns what it read (the eval readers' convention) */
        vcd_gold_free(&gold);
        return cli_fail(st);
    }
    vcd_link_run lr;
    vcd_cluster_report rep;
    st = vcd_link_run_prepare(c, &lr, &rep);
    vcd_linker_model m;
    memset(&m, 0, sizeof m);
    m.cannot_link = cannot;
    vcd_linker_fit_report r;
    if (!st) {
        snprintf(m.encoder, sizeof m.encoder, "%s", vcd_encoder_kind(lr.encoder));
        st = vcd_linker_train(&lr, &gold, &t, &m, &r);
    }
    int code = 0;
    if (st) {
        code = cli_fail(st);
    } else {
        vcd_buf b = {0};
        report_json(&b, &r, &t, opts[T_GOLD].value);
        if (opts[T_JSON].value) /* the model file's "fit", with a schema of its own */
            printf("{\"schema\":\"vcdiscover.linker-fit/1\",%s\n", b.data + 1);
        else
            print_text(&r, &m);
        char *model = vcd_linker_model_json(&m, b.data);
        vcd_buf out = {0};
        vcd_buf_puts(&out, model);
        vcd_buf_putc(&out, '\n');
        if (opts[T_MODEL_OUT].value) code = cli_write_output(opts[T_MODEL_OUT].value, &out);
        free(model);
        vcd_buf_free(&out);
        vcd_buf_free(&b);
    }
    vcd_link_run_free(&lr);
    vcd_gold_free(&gold);
    return code;
}

int cmd_train_linker(int argc, char **argv)
{
    cli_option opts[T_COUNT] = {
        [T_GOLD] = {"gold", 1, "gold mentions JSONL (cluster --mentions format + entity)"},
        [T_MODEL_OUT] = {"model-out", 1, "write the fitted model JSON here"},
        [T_FOLDS] = {"folds", 1, "cross-validation folds by entity (default: 5)"},
        [T_L2] = {"l2", 1, "L2 penalty on the weights (default: 1)"},
        [T_CANNOT] = {"cannot-link-p", 1, "P below which a pair is a cannot-link (default: 0.02)"},
        [T_FOLD_SEED] = {"fold-seed", 1, "seed of the fold assignment (default: 1)"},
        [T_JSON] = {"json", 0, "print the fit report as JSON (schema vcdiscover.linker-fit/1)"},
    };
    char **mine = vcd_xmalloc(((size_t)argc + 1) * sizeof *mine);
    char **rest = vcd_xmalloc(((size_t)argc + 2) * sizeof *rest);
    int n_mine, n_rest;
    cli_split_args(argc, argv, opts, T_COUNT, mine, &n_mine, rest, &n_rest);
    size_t npos;
    int rc = cli_parse("train-linker", n_mine, mine, opts, T_COUNT, NULL, 0, &npos);
    vcd_cluster_options c;
    if (rc == 0 && opts[T_GOLD].value) {
        rest[n_rest++] = "--mentions";
        rest[n_rest++] = (char *)opts[T_GOLD].value;
    }
    if (rc == 0) rc = cli_cluster_options_parse("train-linker", n_rest, rest, &c);
    free(mine);
    free(rest);
    if (rc < 0) {
        cli_usage(stdout, "train-linker",
                  "--gold FILE --input COMMENTS [--model-out FILE] [cluster options]", opts,
                  T_COUNT);
        return 0;
    }
    if (rc) return rc;
    if (!opts[T_GOLD].value) return cli_error(EXIT_USAGE, "train-linker: --gold is required");
    return run(opts, &c);
}
