#include "cli.h"
#include "vcd/text.h"
#include "vcd/state.h"

#include <stdlib.h>
#include <string.h>

enum { O_STATE, O_TOP, O_THRESHOLD, O_VECTORS, O_JSON, O_COUNT };

static cli_option match_options[O_COUNT] = {
    [O_STATE] = {"state", 1, "state directory written by 'cluster' (default: out)"},
    [O_TOP] = {"top", 1, "number of candidates to show (default: 5)"},
    [O_THRESHOLD] = {"threshold", 1,
                     "minimum P(entity) for a match, 0..1 (default: the linker model's)"},
    [O_VECTORS] = {"vectors", 1, "word vector file, if it moved since 'cluster'"},
    [O_JSON] = {"json", 0, "print JSON (schema vcdiscover.match/1)"},
};

static void print_json(const char *query, const vcd_match_hit *hits, size_t n, double threshold)
{
    vcd_buf b = {0};
    vcd_buf_puts(&b, "{\"schema\":\"vcdiscover.match/1\",\"query\":");
    vcd_buf_json_string(&b, query, strlen(query));
    vcd_buf_printf(&b, ",\"threshold\":%.3f,\"matches\":[", threshold);
    for (size_t i = 0; i < n; i++) {
        const vcd_match_hit *h = &hits[i];
        vcd_buf_printf(&b, "%s{\"entity_id\":%d,\"name\":", i ? "," : "", h->entity_id);
        vcd_buf_json_string(&b, h->name, strlen(h->name));
        vcd_buf_printf(&b,
                       ",\"type\":\"%s\",\"size\":%zu,\"score\":%.4f,\"similarity\":%.4f,"
                       "\"evidence\":\"%s\",\"alias\":",
                       h->type, h->size, h->score, h->similarity, h->evidence);
        vcd_buf_json_string(&b, h->alias, strlen(h->alias));
        vcd_buf_putc(&b, '}');
    }
    vcd_buf_puts(&b, "]}\n");
    fputs(b.data, stdout);
    vcd_buf_free(&b);
}

int cmd_match(int argc, char **argv)
{
    const char *pos[1];
    size_t npos;
    int rc = cli_parse("match", argc, argv, match_options, O_COUNT, pos, 1, &npos);
    if (rc < 0) {
        cli_usage(stdout, "match", "TEXT [--state DIR] [--top K] [--json]", match_options, O_COUNT);
        return 0;
    }
    if (rc) return rc;
    if (npos != 1)
        return cli_error(EXIT_USAGE, "match: give the mention text, e.g. vcdiscover match \"AVP\"");
    if (!vcd_utf8_valid(pos[0], strlen(pos[0])))
        return cli_error(EXIT_USAGE, "match: the mention text is not valid UTF-8");
    size_t top = 5;
    double threshold = -1; /* the linker model's */
    if (cli_size(match_options, O_COUNT, "top", 1, 1000, &top) ||
        cli_real(match_options, O_COUNT, "threshold", 0.0, 1.0, &threshold))
        return EXIT_USAGE;
    const char *dir = match_options[O_STATE].value ? match_options[O_STATE].value : "out";
    vcd_state *s;
    vcd_status st = vcd_state_open(dir, match_options[O_VECTORS].value, &s);
    if (st) return cli_fail(st);
    vcd_match_hit *hits = vcd_xcalloc(top, sizeof *hits);
    size_t n = 0;
    if (threshold < 0) threshold = vcd_state_match_threshold(s, pos[0]);
    st = vcd_state_match(s, pos[0], top, threshold, hits, &n);
    if (st == VCD_OK) {
        if (match_options[O_JSON].value) {
            print_json(pos[0], hits, n, threshold);
        } else if (n == 0) {
            printf("no match for \"%s\" (no entity scores >= %.2f)\n", pos[0], threshold);
        } else {
            for (size_t i = 0; i < n; i++)
                printf("%zu. %s  [entity %d, %s, %zu mentions]  score %.3f  (%s via \"%s\")\n",
                       i + 1, hits[i].name, hits[i].entity_id, hits[i].type, hits[i].size,
                       hits[i].score, hits[i].evidence, hits[i].alias);
        }
    }
    free(hits);
    vcd_state_close(s);
    return st ? cli_fail(st) : 0;
}
