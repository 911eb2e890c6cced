#include "cli.h"
#include "vcd/eval.h"

#include <stdlib.h>
#include <string.h>

static void print_ner_table(const vcd_ner_score *s)
{
    double p, r, f;
    printf("%-16s %9s %9s %9s %6s %6s %6s\n", "type", "precision", "recall", "f1", "tp", "fp",
           "fn");
    for (size_t i = 0; i < s->n_types; i++) {
        const vcd_ner_type_score *t = &s->types[i];
        vcd_prf(t->tp, t->fp, t->fn, &p, &r, &f);
        printf("%-16s %9.2f %9.2f %9.2f %6zu %6zu %6zu\n", t->type, 100 * p, 100 * r, 100 * f,
               t->tp, t->fp, t->fn);
    }
    vcd_prf(s->tp, s->fp, s->fn, &p, &r, &f);
    printf("%-16s %9.2f %9.2f %9.2f %6zu %6zu %6zu\n", "overall", 100 * p, 100 * r, 100 * f, s->tp,
           s->fp, s->fn);
}

enum { N_GOLD, N_PRED, N_JSON, N_COUNT };

static int eval_ner(int argc, char **argv)
{
    cli_option opts[N_COUNT] = {
        [N_GOLD] = {"gold", 1, "gold CoNLL file (token ... tag)"},
        [N_PRED] = {"pred", 1, "predicted CoNLL file, same tokens (token ... tag)"},
        [N_JSON] = {"json", 0, "print JSON (schema vcdiscover.eval-ner/1)"},
    };
    size_t npos;
    int rc = cli_parse("eval ner", argc, argv, opts, N_COUNT, NULL, 0, &npos);
    if (rc < 0) {
        cli_usage(stdout, "eval ner", "--gold GOLD.conll --pred PRED.conll [--json]", opts,
                  N_COUNT);
        return 0;
    }
    if (rc) return rc;
    if (!opts[N_GOLD].value || !opts[N_PRED].value)
        return cli_error(EXIT_USAGE, "eval ner: --gold and --pred are required");
    vcd_conll gold, pred;
    vcd_ner_score s;
    vcd_status st = vcd_conll_load_tagged(opts[N_GOLD].value, &gold);
    if (st) return cli_fail(st);
    st = vcd_conll_load_tagged(opts[N_PRED].value, &pred);
    if (!st) st = vcd_ner_score_conll(&gold, &pred, &s);
    vcd_conll_free(&gold);
    vcd_conll_free(&pred);
    if (st) return cli_fail(st);
    if (opts[N_JSON].value) {
        vcd_buf b = {0};
        vcd_buf_puts(&b, "{\"schema\":\"vcdiscover.eval-ner/1\",\"scores\":");
        vcd_ner_score_json(&s, &b);
        vcd_buf_puts(&b, "}\n");
        fputs(b.data, stdout);
        vcd_buf_free(&b);
    } else {
        print_ner_table(&s);
    }
    vcd_ner_score_free(&s);
    return 0;
}

static void print_cluster_table(const vcd_cluster_eval *e)
{
    const vcd_cluster_scores *s = &e->scores;
    printf("gold mentions %zu (%zu found in the state, %zu linked to an entity, %zu missed)\n",
           e->gold_mentions, e->found, e->found_linked, e->missed);
    printf("gold entities %zu, predicted clusters %zu (missed and noise mentions count as "
           "singletons)\n",
           s->n_true, s->n_pred);
    printf("  ARI %.4f  NMI %.4f  AMI %.4f\n", s->ari, s->nmi, s->ami);
    printf("  homogeneity %.4f  completeness %.4f  V-measure %.4f\n", s->homogeneity,
           s->completeness, s->v_measure);
    printf("  B-cubed precision %.4f  recall %.4f  F1 %.4f\n", s->bcubed_precision,
           s->bcubed_recall, s->bcubed_f1);
    if (e->has_silhouette)
        printf("  silhouette %.4f (%zu linked mentions)\n", e->silhouette, e->silhouette_items);
}

enum { C_GOLD, C_PRED, C_VECTORS, C_SEED, C_JSON, C_COUNT };

static int eval_clusters(int argc, char **argv)
{
    cli_option opts[C_COUNT] = {
        [C_GOLD] = {"gold", 1, "gold mentions JSONL: doc_id, start, end, entity_id"},
        [C_PRED] = {"pred", 1, "state directory written by 'cluster'"},
        [C_VECTORS] = {"vectors", 1, "word vector file, if it moved since 'cluster'"},
        [C_SEED] = {"seed", 1, "seed of the silhouette sample (default: 42)"},
        [C_JSON] = {"json", 0, "print JSON (schema vcdiscover.eval-clusters/1)"},
    };
    size_t npos, seed = 42;
    int rc = cli_parse("eval clusters", argc, argv, opts, C_COUNT, NULL, 0, &npos);
    if (rc < 0) {
        cli_usage(stdout, "eval clusters", "--gold GOLD.jsonl --pred DIR [--json]", opts, C_COUNT);
        return 0;
    }
    if (rc || cli_size(opts, C_COUNT, "seed", 0, SIZE_MAX, &seed)) return EXIT_USAGE;
    if (!opts[C_GOLD].value || !opts[C_PRED].value)
        return cli_error(EXIT_USAGE, "eval clusters: --gold and --pred are required");
    vcd_cluster_eval e;
    vcd_status st = vcd_eval_clusters(opts[C_GOLD].value, opts[C_PRED].value, opts[C_VECTORS].value,
                                      seed, &e, cli_warn, NULL);
    if (st) return cli_fail(st);
    if (opts[C_JSON].value) {
        vcd_buf b = {0};
        vcd_buf_printf(&b,
                       "{\"schema\":\"vcdiscover.eval-clusters/1\",\"gold_mentions\":%zu,"
                       "\"found\":%zu,\"linked\":%zu,\"missed\":%zu,\"skipped_lines\":%zu,"
                       "\"scores\":",
                       e.gold_mentions, e.found, e.found_linked, e.missed, e.skipped_lines);
        vcd_cluster_scores_json(&e.scores, &b);
        if (e.has_silhouette)
            vcd_buf_printf(&b, ",\"silhouette\":%.17g,\"silhouette_items\":%zu", e.silhouette,
                           e.silhouette_items);
        else
            vcd_buf_puts(&b, ",\"silhouette\":null");
        vcd_buf_puts(&b, "}\n");
        fputs(b.data, stdout);
        vcd_buf_free(&b);
    } else {
        print_cluster_table(&e);
    }
    return 0;
}

int cmd_eval(int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "ner") == 0) return eval_ner(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "clusters") == 0) return eval_clusters(argc - 1, argv + 1);
    return cmd_eval_combined(argc, argv);
}
