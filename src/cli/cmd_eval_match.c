/* `vcdiscover eval match`: parses its own options, hands every other one to
 * the option table of 'cluster' (so new cluster options pass through without
 * being listed twice), and prints vcd_eval_match's result. */
#include "cli.h"
#include "vcd/eval.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum {
    M_GOLD,
    M_SEED,
    M_SEEDS,
    M_HOLDOUT,
    M_ABSENT,
    M_THRESHOLD,
    M_WORK,
    M_ERRORS,
    M_JSON,
    M_COUNT
};

#define MAX_SEEDS 100

static int parse_seeds(const char *v, uint64_t *seeds, size_t *n)
{
    *n = 0;
    const char *p = v;
    while (*p) {
        char *end;
        errno = 0;
        unsigned long long x = strtoull(p, &end, 10);
        if (end == p || errno || *p == '-' || (*end && *end != ',') || *n == MAX_SEEDS)
            return cli_error(EXIT_USAGE, "--seeds: expected up to %d integers like 1,2,3, got '%s'",
                             MAX_SEEDS, v);
        seeds[(*n)++] = x;
        p = *end ? end + 1 : end;
    }
    if (!*n) return cli_error(EXIT_USAGE, "--seeds: no seed in '%s'", v);
    return 0;
}

static void usage(const cli_option *opts)
{
    cli_usage(stdout, "eval match",
              "--gold GOLD.jsonl --input COMMENTS [--format F] [--seeds 1,2,3] [cluster options]",
              opts, M_COUNT);
    printf("\nEvery other option goes to the cluster job (see 'vcdiscover cluster --help'),\n"
           "except --mentions and --out, which eval match sets per seed.\n");
}

static double pct(size_t a, size_t b)
{
    return b ? 100.0 * (double)a / (double)b : 0.0;
}

static void print_answer(const vcd_match_answer *a)
{
    printf("    %s \"%s\" (%s) -> ", a->absent ? "absent " : "held-out", a->query, a->entity);
    if (a->hit)
        printf("\"%s\" (%s) %.3f %s\n", a->hit, a->hit_entity ? a->hit_entity : "?", a->score,
               a->evidence ? a->evidence : "");
    else
        printf("no candidate\n");
}

static void print_wrong(const vcd_match_eval_run *r, size_t max)
{
    size_t shown = 0, wrong = 0;
    for (size_t i = 0; i < r->n_answers; i++)
        wrong += !r->answers[i].correct;
    if (!max || !wrong) return;
    printf(
        "  wrong answers (%zu; query (gold entity) -> top-1 (its gold entity) score evidence):\n",
        wrong);
    for (size_t i = 0; i < r->n_answers && shown < max; i++)
        if (!r->answers[i].correct) {
            print_answer(&r->answers[i]);
            shown++;
        }
}

static void print_text(const vcd_match_eval *e, const vcd_match_eval_options *o, size_t errors)
{
    printf("eval match: %zu gold mentions (%zu lines skipped); hold out %.2f of the entities "
           "with 2+ forms, remove %.2f of the entities; threshold ",
           e->gold_mentions, e->skipped_lines, o->holdout_frac, o->absent_frac);
    if (o->threshold < 0)
        printf("the linker model's\n");
    else
        printf("%.2f\n", o->threshold);
    for (size_t i = 0; i < e->n_runs; i++) {
        const vcd_match_eval_run *r = &e->runs[i];
        printf("seed %llu: state of %zu entities from %zu mentions\n", (unsigned long long)r->seed,
               r->state_entities, r->mentions_kept);
        printf("  held-out aliases %zu (of %zu entities with 2+ forms): top-1 correct %zu "
               "(%.2f%%), right entity below the threshold %zu, no match %zu\n",
               r->heldout, r->candidates, r->heldout_correct, pct(r->heldout_correct, r->heldout),
               r->heldout_top1_any - r->heldout_correct, r->heldout_no_match);
        printf("  absent entities %zu, names %zu: no match %zu (%.2f%%)\n", r->absent_entities,
               r->absent_queries, r->absent_no_match, pct(r->absent_no_match, r->absent_queries));
        print_wrong(r, errors);
    }
    printf("top-1 correct on held-out aliases: mean %.2f%% sd %.2f min %.2f max %.2f (target >= "
           "80%%)\n",
           100 * e->top1_mean, 100 * e->top1_sd, 100 * e->top1_min, 100 * e->top1_max);
    printf("no match on absent names: mean %.2f%% sd %.2f min %.2f max %.2f (target >= 90%%)\n",
           100 * e->absent_mean, 100 * e->absent_sd, 100 * e->absent_min, 100 * e->absent_max);
    printf("reliability of the top-1 score (every query with a hit; absent hits are wrong):\n");
    printf("  %-9s %7s %8s %10s %11s\n", "score", "count", "correct", "precision", "mean score");
    for (size_t b = 0; b < VCD_MATCH_BINS; b++) {
        const vcd_score_bin *x = &e->bins[b];
        printf("  %.1f-%.1f   %7zu %8zu", (double)b / VCD_MATCH_BINS,
               (double)(b + 1) / VCD_MATCH_BINS, x->count, x->correct);
        if (x->count)
            printf(" %9.2f%% %11.3f\n", pct(x->correct, x->count), x->score_sum / (double)x->count);
        else
            printf(" %10s %11s\n", "-", "-");
    }
}

static void rate_json(vcd_buf *b, const char *key, double mean, double sd, double lo, double hi)
{
    if (mean < 0)
        vcd_buf_printf(b, ",\"%s\":null", key);
    else
        vcd_buf_printf(b, ",\"%s\":{\"mean\":%.17g,\"sd\":%.17g,\"min\":%.17g,\"max\":%.17g}", key,
                       mean, sd, lo, hi);
}

static void json_str(vcd_buf *b, const char *key, const char *v)
{
    vcd_buf_printf(b, ",\"%s\":", key);
    if (v)
        vcd_buf_json_string(b, v, strlen(v));
    else
        vcd_buf_puts(b, "null");
}

static void wrong_json(vcd_buf *b, const vcd_match_eval_run *r, size_t max)
{
    vcd_buf_puts(b, ",\"wrong_answers\":[");
    size_t shown = 0;
    for (size_t i = 0; i < r->n_answers && shown < max; i++) {
        const vcd_match_answer *a = &r->answers[i];
        if (a->correct) continue;
        vcd_buf_printf(b, "%s{\"absent\":%s", shown++ ? "," : "", a->absent ? "true" : "false");
        json_str(b, "query", a->query);
        json_str(b, "entity", a->entity);
        json_str(b, "hit", a->hit);
        json_str(b, "hit_entity", a->hit_entity);
        json_str(b, "evidence", a->evidence);
        vcd_buf_printf(b, ",\"score\":%.17g}", a->score);
    }
    vcd_buf_putc(b, ']');
}

static void print_json(const vcd_match_eval *e, const vcd_match_eval_options *o, size_t errors)
{
    vcd_buf b = {0};
    vcd_buf_printf(&b,
                   "{\"schema\":\"vcdiscover.eval-match/1\",\"gold_mentions\":%zu,"
                   "\"skipped_lines\":%zu,\"holdout_frac\":%.17g,\"absent_frac\":%.17g,"
                   "\"threshold\":",
                   e->gold_mentions, e->skipped_lines, o->holdout_frac, o->absent_frac);
    if (o->threshold < 0)
        vcd_buf_puts(&b, "null,\"runs\":[");
    else
        vcd_buf_printf(&b, "%.17g,\"runs\":[", o->threshold);
    for (size_t i = 0; i < e->n_runs; i++) {
        const vcd_match_eval_run *r = &e->runs[i];
        vcd_buf_printf(&b,
                       "%s{\"seed\":%llu,\"candidates\":%zu,\"heldout\":%zu,"
                       "\"heldout_correct\":%zu,\"heldout_top1_any\":%zu,"
                       "\"heldout_no_match\":%zu,\"absent_entities\":%zu,"
                       "\"absent_queries\":%zu,\"absent_no_match\":%zu,"
                       "\"mentions_kept\":%zu,\"state_entities\":%zu",
                       i ? "," : "", (unsigned long long)r->seed, r->candidates, r->heldout,
                       r->heldout_correct, r->heldout_top1_any, r->heldout_no_match,
                       r->absent_entities, r->absent_queries, r->absent_no_match, r->mentions_kept,
                       r->state_entities);
        wrong_json(&b, r, errors);
        vcd_buf_putc(&b, '}');
    }
    vcd_buf_putc(&b, ']');
    rate_json(&b, "top1", e->top1_mean, e->top1_sd, e->top1_min, e->top1_max);
    rate_json(&b, "absent_no_match", e->absent_mean, e->absent_sd, e->absent_min, e->absent_max);
    vcd_buf_puts(&b, ",\"reliability\":[");
    for (size_t k = 0; k < VCD_MATCH_BINS; k++) {
        const vcd_score_bin *x = &e->bins[k];
        vcd_buf_printf(&b, "%s{\"lo\":%.1f,\"hi\":%.1f,\"count\":%zu,\"correct\":%zu", k ? "," : "",
                       (double)k / VCD_MATCH_BINS, (double)(k + 1) / VCD_MATCH_BINS, x->count,
                       x->correct);
        if (x->count)
            vcd_buf_printf(&b, ",\"precision\":%.17g,\"mean_score\":%.17g}",
                           (double)x->correct / (double)x->count, x->score_sum / (double)x->count);
        else
            vcd_buf_puts(&b, ",\"precision\":null,\"mean_score\":null}");
    }
    vcd_buf_puts(&b, "]}\n");
    fputs(b.data, stdout);
    vcd_buf_free(&b);
}

static int parse_own(cli_option *opts, vcd_match_eval_options *m, uint64_t *seeds, size_t *errors)
{
    size_t seed = 1;
    m->holdout_frac = 0.2;
    m->absent_frac = 0.1;
    m->threshold = -1; /* the linker model's, per query */
    if (cli_size(opts, M_COUNT, "seed", 0, SIZE_MAX, &seed) ||
        cli_real(opts, M_COUNT, "holdout-frac", 0, 1, &m->holdout_frac) ||
        cli_real(opts, M_COUNT, "absent-frac", 0, 1, &m->absent_frac) ||
        cli_real(opts, M_COUNT, "threshold", 0, 1, &m->threshold) ||
        cli_size(opts, M_COUNT, "errors", 0, 100000, errors))
        return EXIT_USAGE;
    if (opts[M_SEED].value && opts[M_SEEDS].value)
        return cli_error(EXIT_USAGE, "eval match: --seed and --seeds exclude each other");
    seeds[0] = seed;
    m->n_seeds = 1;
    if (opts[M_SEEDS].value && parse_seeds(opts[M_SEEDS].value, seeds, &m->n_seeds))
        return EXIT_USAGE;
    m->seeds = seeds;
    m->gold_path = opts[M_GOLD].value;
    m->work_dir = opts[M_WORK].value;
    m->warn = cli_warn;
    if (!m->gold_path) return cli_error(EXIT_USAGE, "eval match: --gold is required");
    return 0;
}

int cmd_eval_match(int argc, char **argv)
{
    cli_option opts[M_COUNT] = {
        [M_GOLD] = {"gold", 1, "gold mentions JSONL (cluster --mentions format + entity)"},
        [M_SEED] = {"seed", 1, "seed of the held-out choice (default: 1)"},
        [M_SEEDS] = {"seeds", 1, "several seeds, e.g. 1,2,3: mean and spread"},
        [M_HOLDOUT] = {"holdout-frac", 1,
                       "entities with 2+ forms that lose one alias (default: 0.2)"},
        [M_ABSENT] = {"absent-frac", 1, "entities removed from the state (default: 0.1)"},
        [M_THRESHOLD] = {"threshold", 1,
                         "match score for 'a match' (default: the linker model's, as in match)"},
        [M_WORK] = {"work", 1, "keep the reduced gold files and states here (default: a temp dir)"},
        [M_ERRORS] = {"errors", 1, "list up to N wrong answers per seed"},
        [M_JSON] = {"json", 0, "print JSON (schema vcdiscover.eval-match/1)"},
    };
    char **mine = vcd_xmalloc(((size_t)argc + 1) * sizeof *mine);
    char **rest = vcd_xmalloc(((size_t)argc + 1) * sizeof *rest);
    int n_mine, n_rest, rc;
    cli_split_args(argc, argv, opts, M_COUNT, mine, &n_mine, rest, &n_rest);
    size_t npos;
    vcd_cluster_options c;
    uint64_t seeds[MAX_SEEDS];
    size_t errors = 0;
    vcd_match_eval_options m = {0};
    rc = cli_parse("eval match", n_mine, mine, opts, M_COUNT, NULL, 0, &npos);
    for (int i = 0; rc == 0 && i < n_rest; i++)
        if (cli_is_option(rest[i], "mentions") || cli_is_option(rest[i], "out"))
            rc = cli_error(EXIT_USAGE, "eval match: %s is set by eval match itself", rest[i]);
    if (rc == 0) rc = cli_cluster_options_parse("eval match", n_rest, rest, &c);
    if (rc == 0) rc = parse_own(opts, &m, seeds, &errors);
    free(mine);
    free(rest);
    if (rc < 0) {
        usage(opts);
        return 0;
    }
    if (rc) return rc;
    m.cluster = &c;
    vcd_match_eval e;
    vcd_status st = vcd_eval_match(&m, &e);
    if (st) {
        vcd_match_eval_free(&e);
        return cli_fail(st);
    }
    if (opts[M_JSON].value)
        print_json(&e, &m, errors);
    else
        print_text(&e, &m, errors);
    vcd_match_eval_free(&e);
    return 0;
}
