#include "cli.h"
#include "vcd/fileio.h"
#include "vcd/linker.h"
#include "vcd/pipeline.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

enum {
    O_INPUT,
    O_OUT,
    O_FORMAT,
    O_TEXT_COL,
    O_ID_COL,
    O_DATE_COL,
    O_DELIM,
    O_MENTIONS,
    O_TAGGER,
    O_ENCODER,
    O_VECTORS,
    O_NO_VECTORS,
    O_GAZETTEER,
    O_LINK,
    O_KB,
    O_LINKER,
    O_CANNOT_LINK,
    O_ALGO,
    O_K,
    O_MCS,
    O_MS,
    O_SELECTION,
    O_SEED,
    O_INDEX,
    O_KEEP_TEXT,
    O_QUIET,
    O_JSON,
    O_COUNT
};

static cli_option cluster_options[O_COUNT] = {
    [O_INPUT] = {"input", 1,
                 "comments file (CSV, .txt, .jsonl) or a directory of them (read in name "
                 "order); default: data/sample_comments.csv"},
    [O_OUT] = {"out", 1, "state directory to write (default: out)"},
    [O_FORMAT] = {"format", 1, "csv | txt | jsonl (default: from the file extension)"},
    [O_TEXT_COL] = {"text-column", 1,
                    "CSV column holding the comment (default: Comment, text, ...)"},
    [O_ID_COL] = {"id-column", 1, "CSV column holding the comment id (default: ID, id)"},
    [O_DATE_COL] = {"date-column", 1, "CSV column holding the ISO 8601 date (default: Date, ...)"},
    [O_DELIM] = {"delimiter", 1, "CSV delimiter: one character, or 'tab' (default: ,)"},
    [O_MENTIONS] = {"mentions", 1,
                    "cluster these pre-extracted mentions (JSON Lines) instead of tagging"},
    [O_TAGGER] = {"tagger", 1,
                  "default | rules | model:DIR | bert:DIR (default: the shipped CNN-CRF model, "
                  "rules if it is missing)"},
    [O_ENCODER] = {"encoder", 1,
                   "pooled | identity[:DIR] (trained name encoder) | bert:DIR (a BERT folder, "
                   "mean-pooled); default: pooled"},
    [O_VECTORS] = {"vectors", 1,
                   "word vectors (.vcdv); default: data/vectors/glove-wiki-100d.vcdv"},
    [O_NO_VECTORS] = {"no-vectors", 0, "use character features and no word vectors"},
    [O_GAZETTEER] = {"gazetteer", 1, "gazetteer TSV (name<TAB>TYPE); default: data/gazetteer.tsv"},
    [O_LINK] = {"link", 1,
                "identity (pair evidence + KB, constrained linkage) | legacy (HDBSCAN on "
                "vectors, the old design); default: identity"},
    [O_KB] = {"kb", 1, "none | FILE.vcdkb (added to the shipped KB); default: the shipped KB"},
    [O_LINKER] = {"linker", 1, "pair model (train-linker output); default: data/models/linker"},
    [O_CANNOT_LINK] = {"cannot-link", 1,
                       "on | off: keep apart pairs the evidence separates "
                       "(default: on)"},
    [O_ALGO] = {"algo", 1, "hdbscan | kmeans over form vectors (implies --link legacy)"},
    [O_K] = {"k", 1, "number of clusters for kmeans"},
    [O_MCS] = {"min-cluster-size", 1, "HDBSCAN min_cluster_size in distinct forms (default: 2)"},
    [O_MS] = {"min-samples", 1, "HDBSCAN min_samples (default: 2)"},
    [O_SELECTION] = {"selection", 1, "HDBSCAN cluster selection: leaf | eom (default: leaf)"},
    [O_SEED] = {"seed", 1, "random seed for k-means and index training (default: 42)"},
    [O_INDEX] = {"index", 1, "auto | flat | ivf | hnsw (default: auto)"},
    [O_KEEP_TEXT] = {"no-text", 0,
                     "do not store comment text in docs.jsonl (reports then show no examples)"},
    [O_QUIET] = {"quiet", 0, "no progress bar"},
    [O_JSON] = {"json", 0, "print the run summary as JSON (schema vcdiscover.cluster-run/1)"},
};

static int parse_enums(vcd_cluster_options *o)
{
    const char *v;
    if (cli_input_format(cluster_options[O_FORMAT].value, &o->ingest.format)) return EXIT_USAGE;
    if ((v = cluster_options[O_DELIM].value)) {
        if (!strcasecmp(v, "tab") || !strcmp(v, "\\t"))
            o->ingest.delimiter = '\t';
        else if (strlen(v) == 1 && v[0] != '"' && v[0] != '\n')
            o->ingest.delimiter = v[0];
        else
            return cli_error(EXIT_USAGE, "--delimiter: expected one character or 'tab', got '%s'",
                             v);
    }
    if ((v = cluster_options[O_ALGO].value)) {
        if (!strcmp(v, "hdbscan"))
            o->algo = VCD_ALGO_HDBSCAN;
        else if (!strcmp(v, "kmeans"))
            o->algo = VCD_ALGO_KMEANS;
        else
            return cli_error(EXIT_USAGE, "--algo: expected hdbscan or kmeans, got '%s'", v);
    }
    if ((v = cluster_options[O_LINK].value)) {
        if (!strcmp(v, "identity"))
            o->link = VCD_LINK_IDENTITY;
        else if (!strcmp(v, "legacy"))
            o->link = VCD_LINK_LEGACY;
        else
            return cli_error(EXIT_USAGE, "--link: expected identity or legacy, got '%s'", v);
    }
    if ((v = cluster_options[O_CANNOT_LINK].value)) {
        if (strcmp(v, "on") && strcmp(v, "off"))
            return cli_error(EXIT_USAGE, "--cannot-link: expected on or off, got '%s'", v);
        o->cannot_link = !strcmp(v, "on");
    }
    /* --algo picks a vector clusterer, which only the legacy design has */
    if (cluster_options[O_ALGO].value) {
        if (cluster_options[O_LINK].value && o->link != VCD_LINK_LEGACY)
            return cli_error(EXIT_USAGE, "--algo: applies to --link legacy only");
        o->link = VCD_LINK_LEGACY;
    }
    if ((v = cluster_options[O_SELECTION].value)) {
        if (!strcmp(v, "leaf"))
            o->hdbscan.selection = VCD_SELECT_LEAF;
        else if (!strcmp(v, "eom"))
            o->hdbscan.selection = VCD_SELECT_EOM;
        else
            return cli_error(EXIT_USAGE, "--selection: expected leaf or eom, got '%s'", v);
    }
    if ((v = cluster_options[O_INDEX].value)) {
        if (!strcmp(v, "auto"))
            o->index_kind = VCD_INDEX_AUTO;
        else if (!strcmp(v, "flat"))
            o->index_kind = VCD_INDEX_FLAT;
        else if (!strcmp(v, "ivf"))
            o->index_kind = VCD_INDEX_IVF;
        else if (!strcmp(v, "hnsw"))
            o->index_kind = VCD_INDEX_HNSW;
        else
            return cli_error(EXIT_USAGE, "--index: expected auto, flat, ivf or hnsw, got '%s'", v);
    }
    return 0;
}

static int parse_numbers(vcd_cluster_options *o)
{
    size_t seed = 42;
    int rc =
        cli_size(cluster_options, O_COUNT, "k", 1, 1000000, &o->kmeans_k) ||
        cli_size(cluster_options, O_COUNT, "min-cluster-size", 2, 1000000,
                 &o->hdbscan.min_cluster_size) ||
        cli_size(cluster_options, O_COUNT, "min-samples", 1, 1000000, &o->hdbscan.min_samples) ||
        cli_size(cluster_options, O_COUNT, "seed", 0, SIZE_MAX, &seed);
    o->seed = seed;
    if (rc) return EXIT_USAGE;
    if (o->algo != VCD_ALGO_KMEANS && cli_get(cluster_options, O_COUNT, "k"))
        return cli_error(EXIT_USAGE, "--k: applies to --algo kmeans only");
    if (o->algo == VCD_ALGO_KMEANS && o->kmeans_k == 0)
        return cli_error(EXIT_USAGE, "--algo: kmeans needs --k N");
    return 0;
}

static const char *default_data_file(const char *name)
{
    static char buf[4][4096];
    static int slot;
    char *b = buf[slot++ & 3];
    snprintf(b, 4096, "%s/%s", VCD_DATA_DIR, name);
    return access(b, R_OK) == 0 ? b : NULL;
}

/* The files of a state directory (key in the JSON summary, file name), in
 * the order `cluster` writes them. */
static const char *const state_files[][2] = {{"entities", "entities.json"},
                                             {"mentions", "mentions.jsonl"},
                                             {"forms", "forms.jsonl"},
                                             {"docs", "docs.jsonl"},
                                             {"form_vectors", "form_vectors.bin"},
                                             {"form_sums", "form_sums.bin"},
                                             {"form_contexts", "form_contexts.bin"},
                                             {"manifest", "manifest.json"}};

/* vcdiscover.cluster-run/1: the counts, timings and where everything went,
 * for scripts (docs/JSON.md). */
static void print_json(const vcd_cluster_options *o, const vcd_cluster_report *r, double total)
{
    vcd_buf b = {0};
    vcd_buf_puts(&b, "{\"schema\":\"vcdiscover.cluster-run/1\",\"input\":");
    vcd_buf_json_string(&b, o->input, strlen(o->input));
    vcd_buf_puts(&b, ",\"out\":");
    vcd_buf_json_string(&b, o->out_dir, strlen(o->out_dir));
    vcd_buf_puts(&b, ",\"files\":{");
    for (size_t i = 0; i < sizeof state_files / sizeof *state_files; i++) {
        char *path = vcd_path_join(o->out_dir, state_files[i][1]);
        vcd_buf_printf(&b, "%s\"%s\":", i ? "," : "", state_files[i][0]);
        vcd_buf_json_string(&b, path, strlen(path));
        free(path);
    }
    vcd_buf_printf(
        &b,
        "},\"docs\":%zu,\"mentions\":%zu,\"forms\":%zu,\"entities\":%zu,\"noise_mentions\":%zu,"
        "\"skipped_rows\":%zu,\"skipped_mentions\":%zu,\"exact_mst\":%s,\"order_lift\":%.4f,"
        "\"seconds\":{"
        "\"ingest\":%.3f,\"tag\":%.3f,\"encode\":%.3f,\"cluster\":%.3f,\"index\":%.3f,"
        "\"write\":%.3f,\"total\":%.3f}}\n",
        r->docs, r->mentions, r->forms, r->entities, r->noise_mentions, r->skipped_rows,
        r->skipped_mentions, r->exact_mst ? "true" : "false", r->order_lift, r->seconds_ingest,
        r->seconds_tag, r->seconds_encode, r->seconds_cluster, r->seconds_index, r->seconds_write,
        total);
    fputs(b.data, stdout);
    vcd_buf_free(&b);
}

static void print_summary(const vcd_cluster_options *o, const vcd_cluster_report *r, int json)
{
    double total = r->seconds_ingest + r->seconds_tag + r->seconds_encode + r->seconds_cluster +
                   r->seconds_index + r->seconds_write;
    if (json) {
        print_json(o, r, total);
        return;
    }
    printf("%zu comments (%zu rows skipped), %zu mentions, %zu distinct forms\n", r->docs,
           r->skipped_rows, r->mentions, r->forms);
    printf("%zu entities; %zu mentions left as noise\n", r->entities, r->noise_mentions);
    /* nearness in the export is the linker's strongest evidence */
    if (o->link == VCD_LINK_IDENTITY && r->order_lift < VCD_LINK_ORDER_MIN_LIFT)
        printf("note: the input does not list comments about one thing together (order lift "
               "%.2f, below %.2f): the nearby-comments evidence the pair model weighs means "
               "little here (README, limitations)\n",
               r->order_lift, VCD_LINK_ORDER_MIN_LIFT);
    printf("time: ingest %.2fs, tag %.2fs, encode %.2fs, cluster %.2fs, index %.2fs, write %.2fs "
           "(total %.2fs)\n",
           r->seconds_ingest, r->seconds_tag, r->seconds_encode, r->seconds_cluster,
           r->seconds_index, r->seconds_write, total);
    printf("wrote "
           "%s/"
           "{manifest.json,entities.json,mentions.jsonl,forms.jsonl,docs.jsonl,form_vectors.bin,"
           "form_sums.bin,form_contexts.bin}\n",
           o->out_dir);
}

int cli_cluster_options_parse(const char *command, int argc, char **argv, vcd_cluster_options *out)
{
    const char *pos[1];
    size_t npos;
    int rc = cli_parse(command, argc, argv, cluster_options, O_COUNT, pos, 0, &npos);
    if (rc) return rc;
    vcd_cluster_options o;
    vcd_cluster_options_default(&o);
    if ((rc = parse_enums(&o)) || (rc = parse_numbers(&o))) return rc;
    o.input = cluster_options[O_INPUT].value ? cluster_options[O_INPUT].value
                                             : default_data_file("sample_comments.csv");
    if (!o.input) return cli_error(EXIT_USAGE, "no --input given and no bundled sample data found");
    if (cluster_options[O_OUT].value) o.out_dir = cluster_options[O_OUT].value;
    o.ingest.text_column = cluster_options[O_TEXT_COL].value;
    o.ingest.id_column = cluster_options[O_ID_COL].value;
    o.ingest.date_column = cluster_options[O_DATE_COL].value;
    o.ingest.warn = cli_warn;
    o.warn = cli_warn;
    o.mentions_path = cluster_options[O_MENTIONS].value;
    o.tagger_spec = cluster_options[O_TAGGER].value;
    o.encoder_spec = cluster_options[O_ENCODER].value;
    o.kb_spec = cluster_options[O_KB].value;
    o.linker_path = cluster_options[O_LINKER].value;
    o.gazetteer_path = cluster_options[O_GAZETTEER].value ? cluster_options[O_GAZETTEER].value
                                                          : default_data_file("gazetteer.tsv");
    if (!cluster_options[O_NO_VECTORS].value) {
        o.vectors_path = cluster_options[O_VECTORS].value
                             ? cluster_options[O_VECTORS].value
                             : default_data_file("vectors/glove-wiki-100d.vcdv");
        if (!o.vectors_path)
            cli_warn(NULL, "no word vectors (run scripts/setup.sh); using character features only");
    }
    o.keep_text = cluster_options[O_KEEP_TEXT].value == NULL;
    if (!cluster_options[O_QUIET].value && isatty(2)) o.progress = cli_progress;
    *out = o;
    return 0;
}

int cmd_cluster(int argc, char **argv)
{
    vcd_cluster_options o;
    int rc = cli_cluster_options_parse("cluster", argc, argv, &o);
    if (rc < 0) {
        cli_usage(stdout, "cluster", "[--input FILE] [--out DIR] [options]", cluster_options,
                  O_COUNT);
        return 0;
    }
    if (rc) return rc;
    vcd_cluster_report report;
    vcd_status st = vcd_run_cluster(&o, &report);
    if (st) return cli_fail(st);
    print_summary(&o, &report, cluster_options[O_JSON].value != NULL);
    return 0;
}
