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

enum { N_GOLD, N_PRED, N_GOLD_MAP, N_JSON, N_COUNT };

static int eval_ner(int argc, char **argv)
{
    cli_option opts[N_COUNT] = {
        [N_GOLD] = {"gold", 1, "gold CoNLL file (token ... tag)"},
        [N_PRED] = {"pred", 1, "predicted CoNLL file, same tokens (token ... tag)"},
        [N_GOLD_MAP] = {"gold-map", 1,
                        "read the gold tags as WNUT 2017 types: wnut16 (WNUT 2016 test; mapping "
                        "in ../shared/data/wnut16/README.md)"},
        [N_JSON] = {"json", 0, "print JSON (schema vcdiscover.eval-ner/1)"},
    };
    size_t npos;
    int rc = cli_parse("eval ner", argc, argv, opts, N_COUNT, NULL, 0, &npos);
    if (rc < 0) {
        cli_usage(stdout, "eval ner",
                  "--gold GOLD.conll --pred PRED.conll [--gold-map wnut16] [--json]", opts,
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
    const char *map = opts[N_GOLD_MAP].value;
    if (map) st = vcd_conll_map_types(&gold, map, opts[N_GOLD].value);
    if (st) {
        vcd_conll_free(&gold);
        return cli_fail(st);
    }
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

static void print_pct(const char *label, size_t num, size_t den)
{
    if (den)
        printf("%s %.2f (%zu of %zu)", label, 100.0 * (double)num / (double)den, num, den);
    else
        printf("%s - (0 pairs)", label);
}

static void print_errors(const char *title, const vcd_form_pair_error *e, size_t n, int merges)
{
    if (!n) return;
    printf("%s:\n", title);
    for (size_t i = 0; i < n; i++) {
        printf("  %5zu  \"%s\" (%zu, %s", e[i].count_b, e[i].surface_a, e[i].count_a,
               e[i].entity_a);
        if (!merges) printf(", cluster %lld", (long long)e[i].cluster_a);
        printf(") + \"%s\" (%zu, %s", e[i].surface_b, e[i].count_b, e[i].entity_b);
        if (!merges) printf(", cluster %lld", (long long)e[i].cluster_b);
        putchar(')');
        if (merges) printf(" in cluster %lld", (long long)e[i].cluster_a);
        putchar('\n');
    }
}

static void print_cluster_table(const vcd_cluster_eval *e, const char *baseline)
{
    const vcd_cluster_scores *s = &e->scores;
    if (baseline)
        printf("baseline %s: gold mentions %zu grouped by form\n", baseline, e->gold_mentions);
    else
        printf("gold mentions %zu (%zu found in the state, %zu linked to an entity, %zu missed)\n",
               e->gold_mentions, e->found, e->found_linked, e->missed);
    if (e->skipped_lines) printf("%zu gold lines skipped\n", e->skipped_lines);
    printf("gold entities %zu, predicted entities %zu, clusters scored %zu (missed and noise "
           "mentions count as singletons)\n",
           s->n_true, e->predicted_entities, s->n_pred);
    printf("  ARI %.4f  NMI %.4f  AMI %.4f\n", s->ari, s->nmi, s->ami);
    printf("  homogeneity %.4f  completeness %.4f  V-measure %.4f\n", s->homogeneity,
           s->completeness, s->v_measure);
    printf("  B-cubed precision %.4f  recall %.4f  F1 %.4f\n", s->bcubed_precision,
           s->bcubed_recall, s->bcubed_f1);
    const vcd_form_pairs *p = &e->form_pairs;
    printf("  form pairs (%zu forms, %zu mentions without a form):", p->forms, e->formless);
    print_pct(" recall", p->correct_pairs, p->same_entity_pairs);
    print_pct("  precision", p->correct_pairs, p->together_pairs);
    putchar('\n');
    if (e->has_silhouette)
        printf("  silhouette %.4f (%zu linked mentions)\n", e->silhouette, e->silhouette_items);
    print_errors("wrong merges (weight = mentions of the rarer form)", e->merges, e->n_merges, 1);
    print_errors("missed same-entity pairs (weight = mentions of the rarer form)", e->misses,
                 e->n_misses, 0);
}

static void errors_json(vcd_buf *b, const char *key, const vcd_form_pair_error *e, size_t n)
{
    vcd_buf_printf(b, ",\"%s\":[", key);
    for (size_t i = 0; i < n; i++) {
        vcd_buf_puts(b, i ? ",{\"a\":" : "{\"a\":");
        vcd_buf_json_string(b, e[i].surface_a, strlen(e[i].surface_a));
        vcd_buf_puts(b, ",\"b\":");
        vcd_buf_json_string(b, e[i].surface_b, strlen(e[i].surface_b));
        vcd_buf_printf(b, ",\"count_a\":%zu,\"count_b\":%zu,\"entity_a\":", e[i].count_a,
                       e[i].count_b);
        vcd_buf_json_string(b, e[i].entity_a, strlen(e[i].entity_a));
        vcd_buf_puts(b, ",\"entity_b\":");
        vcd_buf_json_string(b, e[i].entity_b, strlen(e[i].entity_b));
        vcd_buf_printf(b, ",\"cluster_a\":%lld,\"cluster_b\":%lld}", (long long)e[i].cluster_a,
                       (long long)e[i].cluster_b);
    }
    vcd_buf_putc(b, ']');
}

static void print_cluster_json(const vcd_cluster_eval *e, const char *baseline)
{
    vcd_buf b = {0};
    vcd_buf_puts(&b, "{\"schema\":\"vcdiscover.eval-clusters/2\",\"baseline\":");
    if (baseline)
        vcd_buf_json_string(&b, baseline, strlen(baseline));
    else
        vcd_buf_puts(&b, "null");
    vcd_buf_printf(&b,
                   ",\"gold_mentions\":%zu,\"found\":%zu,\"linked\":%zu,\"missed\":%zu,"
                   "\"skipped_lines\":%zu,\"predicted_entities\":%zu,\"scores\":",
                   e->gold_mentions, e->found, e->found_linked, e->missed, e->skipped_lines,
                   e->predicted_entities);
    vcd_cluster_scores_json(&e->scores, &b);
    vcd_buf_puts(&b, ",\"form_pairs\":");
    vcd_form_pairs_json(&e->form_pairs, &b);
    vcd_buf_printf(&b, ",\"formless_mentions\":%zu", e->formless);
    if (e->has_silhouette)
        vcd_buf_printf(&b, ",\"silhouette\":%.17g,\"silhouette_items\":%zu", e->silhouette,
                       e->silhouette_items);
    else
        vcd_buf_puts(&b, ",\"silhouette\":null");
    errors_json(&b, "wrong_merges", e->merges, e->n_merges);
    errors_json(&b, "missed_pairs", e->misses, e->n_misses);
    vcd_buf_puts(&b, "}\n");
    fputs(b.data, stdout);
    vcd_buf_free(&b);
}

enum { C_GOLD, C_PRED, C_BASELINE, C_ERRORS, C_VECTORS, C_SEED, C_JSON, C_COUNT };

static int eval_clusters(int argc, char **argv)
{
    cli_option opts[C_COUNT] = {
        [C_GOLD] = {"gold", 1,
                    "gold mentions JSONL: doc_id, start, end, entity (or entity_id), text"},
        [C_PRED] = {"pred", 1, "state directory written by 'cluster'"},
        [C_BASELINE] = {"baseline", 1,
                        "score a baseline instead of a state: lowercase (one cluster per form)"},
        [C_ERRORS] = {"errors", 1, "list the N most frequent wrong merges and missed pairs"},
        [C_VECTORS] = {"vectors", 1, "word vector file, if it moved since 'cluster'"},
        [C_SEED] = {"seed", 1, "seed of the silhouette sample (default: 42)"},
        [C_JSON] = {"json", 0, "print JSON (schema vcdiscover.eval-clusters/2)"},
    };
    size_t npos, seed = 42, errors = 0;
    int rc = cli_parse("eval clusters", argc, argv, opts, C_COUNT, NULL, 0, &npos);
    if (rc < 0) {
        cli_usage(stdout, "eval clusters",
                  "--gold GOLD.jsonl (--pred DIR | --baseline lowercase) [--errors N] [--json]",
                  opts, C_COUNT);
        return 0;
    }
    if (rc || cli_size(opts, C_COUNT, "seed", 0, SIZE_MAX, &seed) ||
        cli_size(opts, C_COUNT, "errors", 0, 100000, &errors))
        return EXIT_USAGE;
    const char *baseline = opts[C_BASELINE].value;
    if (baseline && strcmp(baseline, "lowercase") != 0)
        return cli_error(EXIT_USAGE, "eval clusters: --baseline: expected lowercase, got '%s'",
                         baseline);
    if (!opts[C_GOLD].value || !(opts[C_PRED].value || baseline))
        return cli_error(EXIT_USAGE,
                         "eval clusters: --gold and --pred (or --baseline) are required");
    if (opts[C_PRED].value && baseline)
        return cli_error(EXIT_USAGE, "eval clusters: --pred and --baseline exclude each other");
    vcd_cluster_eval_options o = {.gold_path = opts[C_GOLD].value,
                                  .state_dir = opts[C_PRED].value,
                                  .vectors_override = opts[C_VECTORS].value,
                                  .seed = seed,
                                  .baseline = baseline ? VCD_BASELINE_LOWERCASE : VCD_BASELINE_NONE,
                                  .max_errors = errors,
                                  .warn = cli_warn};
    vcd_cluster_eval e;
    vcd_status st = vcd_eval_clusters(&o, &e);
    if (st) {
        vcd_cluster_eval_free(&e);
        return cli_fail(st);
    }
    if (opts[C_JSON].value)
        print_cluster_json(&e, baseline);
    else
        print_cluster_table(&e, baseline);
    vcd_cluster_eval_free(&e);
    return 0;
}

int cmd_eval(int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "ner") == 0) return eval_ner(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "clusters") == 0) return eval_clusters(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "match") == 0) return cmd_eval_match(argc - 1, argv + 1);
    return cmd_eval_combined(argc, argv);
}
