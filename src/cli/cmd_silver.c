#include "cli.h"
#include "vcd/silver.h"

#include <string.h>
#include <unistd.h>

enum {
    S_INPUT,
    S_FORMAT,
    S_STATE,
    S_GAZETTEER,
    S_NO_GAZETTEER,
    S_VECTORS,
    S_GOLD,
    S_MIN,
    S_KEEP,
    S_OUT,
    S_JSON,
    S_COUNT
};

static cli_option silver_options[S_COUNT] = {
    [S_INPUT] = {"input", 1, "comments to label (CSV, text or JSON Lines)"},
    [S_FORMAT] = {"format", 1, "csv | txt | jsonl (default: from the file extension)"},
    [S_STATE] = {"state", 1, "a 'cluster' state directory: its entities' aliases are names"},
    [S_GAZETTEER] = {"gazetteer", 1, "name<TAB>TYPE file (default: data/gazetteer.tsv)"},
    [S_NO_GAZETTEER] = {"no-gazetteer", 0, "use only the state's entities"},
    [S_VECTORS] = {"vectors", 1,
                   "word vectors whose ranks tell ordinary words from names (default: "
                   "data/vectors/glove-wiki-100d.vcdv)"},
    [S_GOLD] = {"gold", 1,
                "labelled CoNLL (e.g. the tagger's training data): names it leaves unlabelled "
                "more often than not are not used"},
    [S_MIN] = {"min-alias-count", 1, "state aliases seen fewer times are not used (default: 2)"},
    [S_KEEP] = {"keep-unlabelled", 0, "also write comments in which no name was found"},
    [S_OUT] = {"out", 1, "CoNLL output (word<TAB>tag), written atomically"},
    [S_JSON] = {"json", 0, "print the summary as JSON"},
};

static void print_report(const vcd_silver_report *r, const char *out, int json)
{
    static const vcd_entity_type types[] = {VCD_TYPE_PER, VCD_TYPE_ORG,   VCD_TYPE_PRODUCT,
                                            VCD_TYPE_LOC, VCD_TYPE_GROUP, VCD_TYPE_WORK};
    if (json) {
        printf("{\"schema\":\"vcdiscover.silver-run/1\",\"docs\":%zu,\"docs_written\":%zu,"
               "\"words\":%zu,\"names\":%zu,\"names_ambiguous\":%zu,\"names_lowercase\":%zu,"
               "\"names_gold_text\":%zu,\"spans\":%zu,\"by_type\":{",
               r->docs, r->docs_written, r->words_written, r->names, r->names_ambiguous,
               r->names_lowercase, r->names_gold_text, r->spans);
        for (size_t i = 0; i < sizeof types / sizeof *types; i++)
            printf("%s\"%s\":%zu", i ? "," : "", vcd_type_name(types[i]),
                   r->spans_by_type[types[i]]);
        printf("}}\n");
        return;
    }
    printf("%zu names used; left out: %zu ambiguous, %zu mostly lower case in the comments, %zu "
           "mostly unlabelled in --gold\n",
           r->names, r->names_ambiguous, r->names_lowercase, r->names_gold_text);
    printf("%zu spans in %zu of %zu comments (%zu words)\n", r->spans, r->docs_written, r->docs,
           r->words_written);
    for (size_t i = 0; i < sizeof types / sizeof *types; i++)
        printf("  %-8s %zu\n", vcd_type_name(types[i]), r->spans_by_type[types[i]]);
    printf("wrote %s\n", out);
}

int cmd_silver(int argc, char **argv)
{
    size_t npos;
    int rc = cli_parse("silver", argc, argv, silver_options, S_COUNT, NULL, 0, &npos);
    if (rc < 0) {
        cli_usage(stdout, "silver",
                  "--input COMMENTS [--state DIR] [--gazetteer FILE] --out SILVER.conll",
                  silver_options, S_COUNT);
        return 0;
    }
    if (rc) return rc;
    vcd_silver_options o;
    vcd_silver_options_default(&o);
    o.input = silver_options[S_INPUT].value;
    o.out_path = silver_options[S_OUT].value;
    o.state_dir = silver_options[S_STATE].value;
    o.gold_path = silver_options[S_GOLD].value;
    o.keep_unlabelled = silver_options[S_KEEP].value != NULL;
    o.ingest.warn = cli_warn;
    if (cli_input_format(silver_options[S_FORMAT].value, &o.ingest.format) ||
        cli_size(silver_options, S_COUNT, "min-alias-count", 1, SIZE_MAX, &o.min_alias_count))
        return EXIT_USAGE;
    const char *gaz = silver_options[S_GAZETTEER].value;
    if (silver_options[S_NO_GAZETTEER].value) {
        if (gaz) return cli_error(EXIT_USAGE, "silver: --gazetteer and --no-gazetteer conflict");
    } else if (!gaz && access(VCD_DATA_DIR "/gazetteer.tsv", R_OK) == 0) {
        gaz = VCD_DATA_DIR "/gazetteer.tsv";
    }
    o.gazetteer_path = gaz;
    o.vectors_path = silver_options[S_VECTORS].value;
    if (!o.vectors_path && access(VCD_DATA_DIR "/vectors/glove-wiki-100d.vcdv", R_OK) == 0)
        o.vectors_path = VCD_DATA_DIR "/vectors/glove-wiki-100d.vcdv";
    if (!o.input || !o.out_path)
        return cli_error(EXIT_USAGE, "silver: --input and --out are required");
    vcd_silver_report r;
    vcd_status st = vcd_silver_run(&o, &r);
    if (st) return cli_fail(st);
    print_report(&r, o.out_path, silver_options[S_JSON].value != NULL);
    return 0;
}
