#include "cli.h"
#include "vcd/fileio.h"
#include "vcd/kb_build.h"

#include <stdlib.h>
#include <string.h>

static const char kb_usage[] =
    "usage: vcdiscover kb import --out FILE.vcdkb [--geonames F]... [--countries F]...\n"
    "                            [--tickers F]... [--nicknames F]... [--tsv F]...\n"
    "                            [--min-population N] [--json]\n"
    "       vcdiscover kb lookup TEXT [--kb FILE] [--json] [--max N]\n"
    "       vcdiscover kb export [--kb FILE] [--out FILE.tsv]\n\n"
    "  import   build a knowledge base from GeoNames, countries.json, ticker CSVs,\n"
    "           nickname CSVs and id<TAB>name<TAB>alias<TAB>type[<TAB>weak] TSVs\n"
    "  lookup   the entries an alias names (default KB: %s)\n"
    "  export   alias groups as TSV lines id<TAB>type<TAB>alias\n";

static void stats_json(vcd_buf *o, vcd_kb_source src, const char *path,
                       const vcd_kb_import_stats *s)
{
    vcd_buf_printf(o, "{\"kind\":\"%s\",\"path\":", vcd_kb_source_name(src));
    vcd_buf_json_string(o, path, strlen(path));
    vcd_buf_printf(o,
                   ",\"rows\":%zu,\"entries\":%zu,\"merged\":%zu,\"aliases\":%zu,\"pairs\":%zu,"
                   "\"skipped\":{\"malformed\":%zu,\"encoding\":%zu,\"too_long\":%zu,"
                   "\"duplicate\":%zu,\"filtered\":%zu},\"names_dropped\":%zu}",
                   s->rows, s->entries, s->merged, s->aliases, s->pairs, s->skipped_malformed,
                   s->skipped_encoding, s->skipped_too_long, s->skipped_duplicate,
                   s->skipped_filtered, s->names_dropped);
}

static void stats_text(vcd_kb_source src, const char *path, const vcd_kb_import_stats *s)
{
    printf("%s %s: %zu rows, %zu entries (+%zu merged), %zu aliases, %zu nickname pairs; "
           "skipped %zu malformed, %zu encoding, %zu too long, %zu duplicate, %zu filtered; "
           "%zu names dropped\n",
           vcd_kb_source_name(src), path, s->rows, s->entries, s->merged, s->aliases, s->pairs,
           s->skipped_malformed, s->skipped_encoding, s->skipped_too_long, s->skipped_duplicate,
           s->skipped_filtered, s->names_dropped);
}

static const struct {
    const char *flag;
    vcd_kb_source src;
} source_flags[] = {{"--geonames", VCD_KB_SRC_GEONAMES},
                    {"--countries", VCD_KB_SRC_COUNTRIES},
                    {"--tickers", VCD_KB_SRC_TICKERS},
                    {"--nicknames", VCD_KB_SRC_NICKNAMES},
                    {"--tsv", VCD_KB_SRC_TSV}};

static int parse_population(const char *v, double *out)
{
    char *end;
    double x = strtod(v, &end);
    if (!*v || *end || !(x >= 0) || x > 1e12)
        return cli_error(EXIT_USAGE,
                         "kb import: --min-population: expected a number >= 0, got '%s'", v);
    *out = x;
    return 0;
}

/* Sources may repeat, so import parses its own arguments: the order of the
 * files is the order of the imports. */
static int kb_import(int argc, char **argv)
{
    const char *out = NULL;
    int json = 0;
    vcd_kb_import_options opt = {0};
    size_t n_src = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--json")) {
            json = 1;
            continue;
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf(kb_usage, vcd_kb_default_path());
            return -1;
        }
        int known = !strcmp(a, "--out") || !strcmp(a, "--min-population");
        for (size_t s = 0; s < sizeof source_flags / sizeof *source_flags; s++)
            known |= !strcmp(a, source_flags[s].flag) ? (n_src++, 1) : 0;
        if (!known)
            return cli_error(EXIT_USAGE, "kb import: unexpected argument '%s' (see --help)", a);
        if (i + 1 >= argc) return cli_error(EXIT_USAGE, "kb import: %s needs a value", a);
        const char *v = argv[++i];
        if (!strcmp(a, "--out")) out = v;
        if (!strcmp(a, "--min-population") && parse_population(v, &opt.min_population))
            return EXIT_USAGE;
    }
    if (!out) return cli_error(EXIT_USAGE, "kb import: --out FILE.vcdkb is required");
    if (!n_src)
        return cli_error(EXIT_USAGE, "kb import: give at least one of --geonames, --countries, "
                                     "--tickers, --nicknames, --tsv");
    vcd_kb_builder *b = vcd_kb_builder_new(&opt);
    vcd_buf js = {0};
    vcd_buf_printf(&js,
                   "{\"schema\":\"vcdiscover.kb_import/1\",\"min_population\":%.0f,"
                   "\"sources\":[",
                   opt.min_population);
    size_t done = 0;
    for (int i = 0; i < argc; i++)
        for (size_t s = 0; s < sizeof source_flags / sizeof *source_flags; s++) {
            if (strcmp(argv[i], source_flags[s].flag) || i + 1 >= argc) continue;
            vcd_kb_import_stats st;
            vcd_status rc = vcd_kb_import(b, source_flags[s].src, argv[i + 1], &st);
            if (rc) {
                vcd_buf_free(&js);
                vcd_kb_builder_free(b);
                return cli_fail(rc);
            }
            if (done++) vcd_buf_putc(&js, ',');
            stats_json(&js, source_flags[s].src, argv[i + 1], &st);
            if (!json) stats_text(source_flags[s].src, argv[i + 1], &st);
        }
    vcd_kb_build_counts c;
    vcd_kb_builder_counts(b, &c);
    vcd_buf img = {0};
    vcd_status rc = vcd_kb_builder_serialize(b, &img);
    vcd_kb *check = NULL;
    if (!rc) rc = vcd_kb_open_memory(img.data, img.len, &check); /* own output must load */
    uint64_t digest = check ? vcd_kb_digest(check) : 0;
    vcd_kb_close(check);
    if (!rc) rc = vcd_write_file_atomic(out, img.data, img.len);
    vcd_kb_builder_free(b);
    if (rc) {
        vcd_buf_free(&img);
        vcd_buf_free(&js);
        return cli_fail(rc);
    }
    if (json) {
        vcd_buf_printf(&js, "],\"out\":");
        vcd_buf_json_string(&js, out, strlen(out));
        vcd_buf_printf(&js,
                       ",\"entries\":%zu,\"aliases\":%zu,\"keys\":%zu,\"nickname_pairs\":%zu,"
                       "\"bytes\":%zu,\"digest\":\"%016llx\"}\n",
                       c.entries, c.aliases, c.keys, c.pairs, img.len, (unsigned long long)digest);
        fputs(js.data, stdout);
    } else {
        printf("wrote %s: %zu entries, %zu aliases, %zu keys, %zu nickname pairs, %zu bytes\n", out,
               c.entries, c.aliases, c.keys, c.pairs, img.len);
    }
    vcd_buf_free(&img);
    vcd_buf_free(&js);
    return 0;
}

enum { L_KB, L_JSON, L_MAX, L_OUT, L_COUNT };

static cli_option kb_options[L_COUNT] = {
    [L_KB] = {"kb", 1, "knowledge base file (default: the shipped default KB)"},
    [L_JSON] = {"json", 0, "JSON output (lookup)"},
    [L_MAX] = {"max", 1, "at most N hits (lookup; default 20)"},
    [L_OUT] = {"out", 1, "output file (export; default stdout)"},
};

static void lookup_print(const vcd_kb *kb, const char *text, const vcd_kb_hit *h, size_t shown,
                         size_t total, int json)
{
    vcd_buf o = {0};
    if (json) {
        vcd_buf_puts(&o, "{\"schema\":\"vcdiscover.kb_lookup/1\",\"query\":");
        vcd_buf_json_string(&o, text, strlen(text));
        vcd_buf key = {0};
        vcd_kb_key(text, strlen(text), &key);
        vcd_buf_puts(&o, ",\"key\":");
        vcd_buf_json_string(&o, key.data, key.len);
        vcd_buf_free(&key);
        vcd_buf_printf(&o, ",\"total\":%zu,\"hits\":[", total);
    }
    for (size_t i = 0; i < shown; i++) {
        const char *id = vcd_kb_id(kb, h[i].entry), *name = vcd_kb_name(kb, h[i].entry);
        const char *type = vcd_type_name(vcd_kb_type(kb, h[i].entry));
        const char *strength = h[i].strength == VCD_KB_WEAK ? "weak" : "strong";
        double prom = vcd_kb_prominence(kb, h[i].entry);
        if (!json) {
            vcd_buf_printf(&o, "%s\t%s\t%s\t%.0f\t%s\n", id, type, strength, prom, name);
            continue;
        }
        vcd_buf_puts(&o, i ? ",{\"id\":" : "{\"id\":");
        vcd_buf_json_string(&o, id, strlen(id));
        vcd_buf_puts(&o, ",\"name\":");
        vcd_buf_json_string(&o, name, strlen(name));
        vcd_buf_printf(&o, ",\"type\":\"%s\",\"strength\":\"%s\",\"prominence\":%.0f}", type,
                       strength, prom);
    }
    if (json) vcd_buf_puts(&o, "]}\n");
    if (o.data) fputs(o.data, stdout);
    vcd_buf_free(&o);
}

int cmd_kb(int argc, char **argv)
{
    const char *sub = argc >= 1 ? argv[0] : NULL;
    if (sub && (!strcmp(sub, "--help") || !strcmp(sub, "-h"))) {
        printf(kb_usage, vcd_kb_default_path());
        return 0;
    }
    if (sub && !strcmp(sub, "import")) {
        int rc = kb_import(argc - 1, argv + 1);
        return rc < 0 ? 0 : rc;
    }
    if (!sub || (strcmp(sub, "lookup") && strcmp(sub, "export")))
        return cli_error(EXIT_USAGE, "kb: expected 'kb import', 'kb lookup TEXT' or 'kb export'");
    const char *pos[1];
    size_t npos = 0;
    int lookup = !strcmp(sub, "lookup");
    int rc = cli_parse(lookup ? "kb lookup" : "kb export", argc - 1, argv + 1, kb_options, L_COUNT,
                       pos, lookup ? 1 : 0, &npos);
    if (rc < 0) {
        printf(kb_usage, vcd_kb_default_path());
        return 0;
    }
    if (rc) return rc;
    if (lookup && npos != 1) return cli_error(EXIT_USAGE, "kb lookup: give the TEXT to look up");
    size_t max = 20;
    if (cli_size(kb_options, L_COUNT, "max", 1, 100000, &max)) return EXIT_USAGE;
    const char *path = kb_options[L_KB].value ? kb_options[L_KB].value : vcd_kb_default_path();
    vcd_kb *kb = NULL;
    vcd_status s = vcd_kb_open(path, &kb);
    if (s) return cli_fail(s);
    if (lookup) {
        vcd_kb_hit *hits = vcd_xcalloc(max, sizeof *hits);
        size_t total = vcd_kb_lookup(kb, pos[0], strlen(pos[0]), hits, max);
        lookup_print(kb, pos[0], hits, total < max ? total : max, total,
                     kb_options[L_JSON].value != NULL);
        free(hits);
        vcd_kb_close(kb);
        return 0;
    }
    vcd_buf o = {0};
    vcd_kb_export_tsv(kb, &o);
    vcd_kb_close(kb);
    rc = cli_write_output(kb_options[L_OUT].value ? kb_options[L_OUT].value : "-", &o);
    vcd_buf_free(&o);
    return rc;
}
