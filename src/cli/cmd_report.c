#include "cli.h"
#include "vcd/fileio.h"
#include "vcd/report.h"

#include <stdlib.h>
#include <string.h>

enum { O_STATE, O_OUT, O_TOP, O_CHART, O_TRENDS, O_COUNT = O_TRENDS + CLI_TREND_OPTION_COUNT };

static cli_option report_options[O_COUNT] = {
    [O_STATE] = {"state", 1, "state directory written by 'cluster' (default: out)"},
    [O_OUT] = {"out", 1, "HTML file to write (default: STATE/report.html)"},
    [O_TOP] = {"top", 1, "largest entities in the table and details (default: 100)"},
    [O_CHART] = {"chart", 1, "entities in the time-series chart (default: 8)"},
};

int cmd_report(int argc, char **argv)
{
    size_t npos;
    memcpy(report_options + O_TRENDS, cli_trend_options, sizeof cli_trend_options);
    int rc = cli_parse("report", argc, argv, report_options, O_COUNT, NULL, 0, &npos);
    if (rc < 0) {
        cli_usage(stdout, "report", "[--state DIR] [--out report.html]", report_options, O_COUNT);
        return 0;
    }
    vcd_report_options o;
    vcd_report_options_default(&o);
    if (rc || (rc = cli_trends_options(report_options, O_COUNT, &o.trends)) ||
        cli_size(report_options, O_COUNT, "top", 1, 100000, &o.top_entities) ||
        cli_size(report_options, O_COUNT, "chart", 1, 10, &o.chart_entities))
        return rc ? rc : EXIT_USAGE;
    const char *dir = report_options[O_STATE].value ? report_options[O_STATE].value : "out";
    vcd_records r;
    vcd_status st = vcd_records_load(dir, &r);
    if (st) return cli_fail(st);
    vcd_buf b = {0};
    st = vcd_report_html(&r, &o, &b);
    char *default_out = vcd_path_join(dir, "report.html");
    const char *out = report_options[O_OUT].value ? report_options[O_OUT].value : default_out;
    rc = st ? cli_fail(st) : cli_write_output(out, &b);
    if (!rc && strcmp(out, "-") != 0) printf("wrote %s (%zu bytes)\n", out, b.len);
    free(default_out);
    vcd_buf_free(&b);
    vcd_records_free(&r);
    return rc;
}
