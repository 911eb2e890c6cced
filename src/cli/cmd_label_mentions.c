#include "cli.h"
#include "vcd/open_labels.h"

enum { L_INPUT, L_FORMAT, L_MENTIONS, L_NOT_ENTITIES, L_EXCLUDE, L_OUT, L_JSON, L_COUNT };

static cli_option label_options[L_COUNT] = {
    [L_INPUT] = {"input", 1, "the comments the mentions point into (CSV, text or JSON Lines)"},
    [L_FORMAT] = {"format", 1, "csv | txt | jsonl (default: from the file extension)"},
    [L_MENTIONS] = {"mentions", 1,
                    "labelled mentions, JSON Lines: doc_id, text, start, end (code points), "
                    "type"},
    [L_NOT_ENTITIES] = {"not-entities", 1,
                        "forms judged not to be names, TSV (first column; a 'form' header is "
                        "skipped): O wherever a labelled comment writes them"},
    [L_EXCLUDE] = {"exclude", 1,
                   "CoNLL (e.g. a dev set): comments that share a text with it are left out"},
    [L_OUT] = {"out", 1, "CoNLL for train-ner --open-labels, written atomically"},
    [L_JSON] = {"json", 0, "print the summary as JSON"},
};

static void print_report(const vcd_open_labels_report *r, const char *out, int json)
{
    if (json) {
        printf("{\"schema\":\"vcdiscover.label-mentions/1\",\"docs\":%zu,\"docs_excluded\":%zu,"
               "\"docs_written\":%zu,\"words\":%zu,\"mentions_read\":%zu,"
               "\"mentions_skipped\":%zu,\"mentions_written\":%zu,\"mentions_untyped\":%zu,"
               "\"mentions_unaligned\":%zu,\"mentions_overlap\":%zu,\"mentions_excluded\":%zu,"
               "\"not_entity_forms\":%zu,\"not_entity_spans\":%zu}\n",
               r->docs, r->docs_excluded, r->docs_written, r->words_written, r->mentions_read,
               r->mentions_skipped, r->mentions_written, r->mentions_untyped, r->mentions_unaligned,
               r->mentions_overlap, r->mentions_excluded, r->not_entity_forms, r->not_entity_spans);
        return;
    }
    printf("%zu of %zu mentions written (left out: %zu with no WNUT type, %zu off token "
           "boundaries, %zu overlapping, %zu in %zu excluded comments; %zu bad lines)\n",
           r->mentions_written, r->mentions_read, r->mentions_untyped, r->mentions_unaligned,
           r->mentions_overlap, r->mentions_excluded, r->docs_excluded, r->mentions_skipped);
    printf("%zu not-entity spans of %zu forms; %zu of %zu comments written (%zu words)\n",
           r->not_entity_spans, r->not_entity_forms, r->docs_written, r->docs, r->words_written);
    printf("wrote %s\n", out);
}

int cmd_label_mentions(int argc, char **argv)
{
    size_t npos;
    int rc = cli_parse("label-mentions", argc, argv, label_options, L_COUNT, NULL, 0, &npos);
    if (rc < 0) {
        cli_usage(stdout, "label-mentions",
                  "--input COMMENTS --mentions LABELLED.jsonl [--not-entities FORMS.tsv] "
                  "[--exclude DEV.conll] --out OPEN.conll",
                  label_options, L_COUNT);
        return 0;
    }
    if (rc) return rc;
    vcd_open_labels_options o = {0};
    o.input = label_options[L_INPUT].value;
    o.mentions_path = label_options[L_MENTIONS].value;
    o.not_entities_path = label_options[L_NOT_ENTITIES].value;
    o.exclude_conll = label_options[L_EXCLUDE].value;
    o.out_path = label_options[L_OUT].value;
    o.ingest.warn = cli_warn;
    o.warn = cli_warn;
    if (cli_input_format(label_options[L_FORMAT].value, &o.ingest.format)) return EXIT_USAGE;
    if (!o.input || !o.mentions_path || !o.out_path)
        return cli_error(EXIT_USAGE, "label-mentions: --input, --mentions and --out are required");
    vcd_open_labels_report r;
    vcd_status st = vcd_open_labels_run(&o, &r);
    if (st) return cli_fail(st);
    print_report(&r, o.out_path, label_options[L_JSON].value != NULL);
    return 0;
}
