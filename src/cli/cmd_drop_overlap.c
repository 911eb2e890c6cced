#include "cli.h"
#include "vcd/overlap.h"

enum { D_CONLL, D_INPUT, D_OUT, D_JSON, D_COUNT };

static cli_option drop_options[D_COUNT] = {
    [D_CONLL] = {"conll", 1, "labelled CoNLL whose texts to keep out (e.g. a dev set)"},
    [D_INPUT] = {"input", 1, "comments, one per line"},
    [D_OUT] = {"out", 1, "the lines that share no text with --conll, written atomically"},
    [D_JSON] = {"json", 0, "also print the counts as JSON on standard output"},
};

int cmd_drop_overlap(int argc, char **argv)
{
    size_t npos;
    int rc = cli_parse("drop-overlap", argc, argv, drop_options, D_COUNT, NULL, 0, &npos);
    if (rc < 0) {
        cli_usage(stdout, "drop-overlap", "--conll DEV.conll --input IN.txt --out OUT.txt",
                  drop_options, D_COUNT);
        return 0;
    }
    if (rc) return rc;
    const char *conll = drop_options[D_CONLL].value, *in = drop_options[D_INPUT].value,
               *out = drop_options[D_OUT].value;
    if (!conll || !in || !out)
        return cli_error(EXIT_USAGE, "drop-overlap: --conll, --input and --out are required");
    vcd_overlap *o;
    vcd_status st = vcd_overlap_load(conll, &o);
    if (st) return cli_fail(st);
    vcd_overlap_counts c;
    st = vcd_overlap_filter_file(o, in, out, &c);
    size_t probes = vcd_overlap_probe_count(o);
    vcd_overlap_free(o);
    if (st) return cli_fail(st);
    fprintf(stderr, "drop-overlap: %zu comments kept, %zu share a text with %s\n", c.kept,
            c.dropped, conll);
    if (c.invalid_lines)
        fprintf(stderr, "drop-overlap: %zu kept lines had invalid UTF-8 (written as U+FFFD)\n",
                c.invalid_lines);
    if (drop_options[D_JSON].value)
        printf("{\"schema\":\"vcdiscover.drop-overlap/1\",\"probes\":%zu,\"kept\":%zu,"
               "\"dropped\":%zu,\"invalid_lines\":%zu}\n",
               probes, c.kept, c.dropped, c.invalid_lines);
    return 0;
}
