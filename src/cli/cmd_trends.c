#include "cli.h"
#include "vcd/fileio.h"
#include "vcd/trends.h"

#include <stdlib.h>
#include <string.h>

/* Shared with 'report', which takes the same trend options. */
const cli_option cli_trend_options[CLI_TREND_OPTION_COUNT] = {
    {"bucket", 1, "day, week (ISO, Monday) or month, all UTC (default: week)"},
    {"since", 1, "first date to count (ISO 8601, inclusive)"},
    {"until", 1, "last date to count (ISO 8601, exclusive)"},
    {"window", 1, "buckets tested for emergence (default: 7 days/4 weeks/1 month)"},
    {"baseline", 1, "buckets of history before the window (default: 28/12/6)"},
    {"min-count", 1, "comments in the window to be emerging (default: 5)"},
    {"alpha", 1, "family-wise significance level (default: 0.01)"},
    {"min-ratio", 1, "minimum observed/expected ratio (default: 2)"},
};

enum { O_STATE, O_OUT, O_JSON, O_TRENDS, O_COUNT = O_TRENDS + CLI_TREND_OPTION_COUNT };

static cli_option trends_options[O_COUNT] = {
    [O_STATE] = {"state", 1, "state directory written by 'cluster' (default: out)"},
    [O_OUT] = {"out", 1, "output file, - for stdout (default: STATE/trends.json)"},
    [O_JSON] = {"json", 0,
                "also print the document (vcdiscover.trends/1) on stdout; the summary goes to "
                "stderr"},
};

int cli_trends_options(const cli_option *opts, size_t n, vcd_trends_options *o)
{
    vcd_trends_options_default(o);
    const char *bucket = cli_get(opts, n, "bucket");
    if (bucket) {
        if (strcmp(bucket, "day") == 0)
            o->unit = VCD_BUCKET_DAY;
        else if (strcmp(bucket, "week") == 0)
            o->unit = VCD_BUCKET_WEEK;
        else if (strcmp(bucket, "month") == 0)
            o->unit = VCD_BUCKET_MONTH;
        else
            return cli_error(EXIT_USAGE, "--bucket: expected day, week or month, got '%s'", bucket);
    }
    if (cli_date(opts, n, "since", &o->since) || cli_date(opts, n, "until", &o->until) ||
        cli_size(opts, n, "window", 1, 100000, &o->window) ||
        cli_size(opts, n, "baseline", 1, 100000, &o->baseline) ||
        cli_size(opts, n, "min-count", 1, 1000000000, &o->min_count) ||
        cli_real(opts, n, "alpha", 1e-300, 1.0, &o->alpha) ||
        cli_real(opts, n, "min-ratio", 0.0, 1e12, &o->min_ratio))
        return EXIT_USAGE;
    if (o->since != VCD_NO_DATE && o->until != VCD_NO_DATE && o->until <= o->since)
        return cli_error(EXIT_USAGE, "--until: must be after --since");
    return 0;
}

static void print_summary(FILE *f, const vcd_trends *t, const vcd_records *r, const char *out)
{
    size_t *order = vcd_xmalloc((t->n_entities + 1) * sizeof *order);
    size_t n = vcd_trends_emerging_order(t, order);
    char a[32], b[32];
    vcd_bucket_label(t->bucket_start[t->window_first], t->options.unit, a);
    vcd_bucket_label(t->bucket_start[t->n_buckets - 1], t->options.unit, b);
    fprintf(f,
            "%zu buckets (%s), window %s..%s: %zu comments; %zu of %zu entities tested, %zu "
            "emerging\n",
            t->n_buckets, vcd_bucket_unit_name(t->options.unit), a, b, t->window_total, t->tested,
            t->n_entities, n);
    for (size_t i = 0; i < n; i++) {
        const vcd_entity_trend *e = &t->entities[order[i]];
        fprintf(f, "  %-30s %4zu comments in window, expected %.1f (x%.1f, p=%.2g)%s\n",
                r->entities[order[i]].name, e->window_comments, e->expected, e->ratio, e->p_value,
                e->is_new ? "  NEW" : "");
    }
    if (t->undated_comments)
        fprintf(f, "%zu comments had no date (%zu entity mentions not in the series)\n",
                t->undated_comments, t->undated_mentions);
    if (strcmp(out, "-") != 0) fprintf(f, "wrote %s\n", out);
    free(order);
}

int cmd_trends(int argc, char **argv)
{
    size_t npos;
    memcpy(trends_options + O_TRENDS, cli_trend_options, sizeof cli_trend_options);
    int rc = cli_parse("trends", argc, argv, trends_options, O_COUNT, NULL, 0, &npos);
    if (rc < 0) {
        cli_usage(stdout, "trends", "[--state DIR] [--bucket day|week|month] [--out FILE] [--json]",
                  trends_options, O_COUNT);
        return 0;
    }
    vcd_trends_options o;
    if (rc || (rc = cli_trends_options(trends_options, O_COUNT, &o))) return rc;
    const char *dir = trends_options[O_STATE].value ? trends_options[O_STATE].value : "out";
    vcd_records r;
    vcd_status st = vcd_records_load(dir, &r);
    if (st) return cli_fail(st);
    vcd_trends t;
    st = vcd_trends_compute(&r, &o, &t);
    if (st) {
        vcd_records_free(&r);
        return cli_fail(vcd_fail(st, "%s: %s", dir, vcd_last_error())); /* <where>: <why> */
    }
    char *default_out = vcd_path_join(dir, "trends.json");
    const char *out = trends_options[O_OUT].value ? trends_options[O_OUT].value : default_out;
    vcd_buf b = {0};
    vcd_trends_json(&t, &r, &b);
    /* --json and --out - both put the document on stdout: once, with the
     * human summary on stderr so stdout stays one JSON value. */
    int json = trends_options[O_JSON].value != NULL, to_stdout = strcmp(out, "-") == 0;
    rc = cli_write_output(out, &b);
    if (!rc && json && !to_stdout) fputs(b.data, stdout);
    if (!rc) print_summary(json || to_stdout ? stderr : stdout, &t, &r, out);
    vcd_buf_free(&b);
    free(default_out);
    vcd_trends_free(&t);
    vcd_records_free(&r);
    return rc;
}
