/* `vcdiscover pairs mine`: alias groups for train-encoder from evidence
 * inside single comments (vcd_pairs_mine). */
#include "cli.h"
#include "vcd/fileio.h"
#include "vcd/identity.h"
#include "vcd/mentions.h"

#include <string.h>
#include <unistd.h>

enum {
    P_INPUT,
    P_FORMAT,
    P_TAGGER,
    P_VECTORS,
    P_GAZETTEER,
    P_NICKNAMES,
    P_SYNTHETIC,
    P_SEED,
    P_MIN,
    P_OUT,
    P_COUNT
};

static cli_option pairs_options[P_COUNT] = {
    [P_INPUT] = {"input", 1, "comments (CSV, text or JSON Lines)"},
    [P_FORMAT] = {"format", 1, "csv | txt | jsonl (default: from the file extension)"},
    [P_TAGGER] = {"tagger", 1, "default | rules | model:DIR | bert:DIR (default: default)"},
    [P_VECTORS] = {"vectors", 1, "word vectors (default: data/vectors/glove-wiki-100d.vcdv)"},
    [P_GAZETTEER] = {"gazetteer", 1,
                     "name<TAB>TYPE file for the rules tagger (default: "
                     "data/gazetteer.tsv)"},
    [P_NICKNAMES] = {"nicknames", 1,
                     "nicknames.csv: add \"Chuck Barkley\" to \"Charles Barkley\" (with the "
                     "surname only)"},
    [P_SYNTHETIC] = {"synthetic-people", 1,
                     "with --nicknames: made-up people, a given name x a surname seen in the "
                     "comments, with their nickname variants (default: 0)"},
    [P_SEED] = {"seed", 1, "seed for --synthetic-people (default: 42)"},
    [P_MIN] = {"min-comments", 1, "weak patterns must recur in this many comments (default: 2)"},
    [P_OUT] = {"out", 1, "group<TAB>type<TAB>alias TSV, written atomically"},
};

static vcd_status tag(const char *input, vcd_input_format fmt, const char *spec, const char *vpath,
                      const char *gaz, vcd_corpus **c, vcd_vectors **v, vcd_mentions *ms)
{
    vcd_ingest_options io = {0};
    io.format = fmt;
    io.warn = cli_warn;
    vcd_status rc = vcd_corpus_load(input, &io, c);
    if (!rc && vpath) rc = vcd_vectors_open(vpath, v);
    vcd_tagger *t = NULL;
    if (!rc) rc = vcd_tagger_open(spec, gaz, *v, cli_warn, NULL, &t);
    if (!rc) rc = vcd_tagger_tag_corpus(t, *c, ms, NULL, NULL);
    vcd_tagger_free(t);
    return rc;
}

static int mine(void)
{
    const char *input = pairs_options[P_INPUT].value, *out = pairs_options[P_OUT].value;
    if (!input || !out) return cli_error(EXIT_USAGE, "pairs mine: --input and --out are required");
    vcd_input_format fmt = VCD_FORMAT_AUTO;
    vcd_pairs_options o = {2, NULL, 0, 0, 42};
    size_t seed = 42;
    if (cli_input_format(pairs_options[P_FORMAT].value, &fmt) ||
        cli_size(pairs_options, P_COUNT, "min-comments", 1, 1000, &o.min_comments) ||
        cli_size(pairs_options, P_COUNT, "synthetic-people", 0, 1000000, &o.synthetic_people) ||
        cli_size(pairs_options, P_COUNT, "seed", 0, SIZE_MAX, &seed))
        return EXIT_USAGE;
    o.seed = seed;
    const char *vpath = pairs_options[P_VECTORS].value, *gaz = pairs_options[P_GAZETTEER].value;
    if (!vpath && access(VCD_DATA_DIR "/vectors/glove-wiki-100d.vcdv", R_OK) == 0)
        vpath = VCD_DATA_DIR "/vectors/glove-wiki-100d.vcdv";
    if (!gaz && access(VCD_DATA_DIR "/gazetteer.tsv", R_OK) == 0)
        gaz = VCD_DATA_DIR "/gazetteer.tsv";
    vcd_corpus *c = NULL;
    vcd_vectors *v = NULL;
    vcd_mentions ms = {0};
    vcd_mapped_file nick = {0};
    vcd_status rc = tag(input, fmt, pairs_options[P_TAGGER].value, vpath, gaz, &c, &v, &ms);
    if (!rc && pairs_options[P_NICKNAMES].value) {
        rc = vcd_map_file(pairs_options[P_NICKNAMES].value, &nick);
        o.nicknames = nick.data, o.nicknames_len = nick.len;
    }
    vcd_buf b = {0};
    vcd_pairs_stats st;
    if (!rc) rc = vcd_pairs_mine(c, &ms, &o, &b, &st);
    if (!rc) rc = vcd_write_file_atomic(out, b.data ? b.data : "", b.len);
    if (!rc)
        printf("pairs mine: %zu mentions in %zu comments; %zu candidate pairs, %zu kept in %zu "
               "groups, %zu nickname aliases, %zu synthetic people; wrote %s\n",
               ms.n, c->n_docs, st.pairs_seen, st.pairs_kept, st.groups, st.nickname_aliases,
               st.synthetic_people, out);
    vcd_buf_free(&b);
    if (o.nicknames) vcd_unmap_file(&nick);
    vcd_mentions_free(&ms);
    vcd_vectors_close(v);
    vcd_corpus_free(c);
    return rc ? cli_fail(rc) : 0;
}

int cmd_pairs(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "mine") != 0) {
        if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
            cli_usage(stdout, "pairs mine", "--input COMMENTS --out GROUPS.tsv", pairs_options,
                      P_COUNT);
            return 0;
        }
        return cli_error(EXIT_USAGE, "pairs: expected 'pairs mine' (see vcdiscover pairs --help)");
    }
    size_t npos;
    int rc = cli_parse("pairs mine", argc - 1, argv + 1, pairs_options, P_COUNT, NULL, 0, &npos);
    if (rc < 0) {
        cli_usage(stdout, "pairs mine", "--input COMMENTS --out GROUPS.tsv", pairs_options,
                  P_COUNT);
        return 0;
    }
    return rc ? rc : mine();
}
