#include "cli.h"
#include "vcd/combined_eval.h"
#include "vcd/fileio.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    O_GOLD,
    O_KNOWN,
    O_VECTORS,
    O_NO_VECTORS,
    O_GAZETTEER,
    O_TAGGER,
    O_THRESHOLD,
    O_WORK,
    O_JSON,
    O_OUT,
    O_COUNT
};

static void prf_row(const char *name, const vcd_ner_score *s, size_t added)
{
    double p, r, f;
    vcd_prf(s->tp, s->fp, s->fn, &p, &r, &f);
    printf("%-26s %9.2f %9.2f %9.2f %6zu %6zu %6zu %7zu\n", name, 100 * p, 100 * r, 100 * f, s->tp,
           s->fp, s->fn, added);
}

static void put_score(vcd_buf *b, const char *key, const vcd_ner_score *s)
{
    vcd_buf_printf(b, "\"%s\":", key);
    vcd_ner_score_json(s, b);
}

static void to_json(const vcd_combined_eval *e, const vcd_combined_eval_options *o, vcd_buf *b)
{
    double pa, ra, fa, pb, rb, fb;
    vcd_prf(e->alone.tp, e->alone.fp, e->alone.fn, &pa, &ra, &fa);
    vcd_prf(e->augmented.tp, e->augmented.fp, e->augmented.fn, &pb, &rb, &fb);
    vcd_buf_printf(b, "{\"schema\":\"vcdiscover.eval/1\",\"gold\":");
    vcd_buf_json_string(b, o->gold_path, strlen(o->gold_path));
    vcd_buf_puts(b, ",\"known\":");
    if (o->known_conll)
        vcd_buf_json_string(b, o->known_conll, strlen(o->known_conll));
    else
        vcd_buf_puts(b, "null");
    vcd_buf_printf(b,
                   ",\"tagger\":\"%s\",\"tagger_mentions\":%zu,\"known_entities\":{\"corpus\":%zu,"
                   "\"training\":%zu},\"candidates\":%zu,",
                   e->tagger, e->tagger_mentions, e->known_entities[0], e->known_entities[1],
                   e->candidates);
    put_score(b, "ner", &e->alone);
    vcd_buf_printf(b, ",\"augmentation\":{\"threshold\":%.4g,\"added\":%zu,", o->threshold,
                   e->added);
    put_score(b, "scores", &e->augmented);
    vcd_buf_printf(b, ",\"recall_gained\":%.17g,\"precision_paid\":%.17g,\"f1_change\":%.17g}",
                   rb - ra, pa - pb, fb - fa);
    vcd_buf_puts(b, ",\"sweep\":[");
    for (size_t i = 0; i < e->n_sweep; i++) {
        double p, r, f;
        const vcd_ner_score *s = &e->sweep[i].score;
        vcd_prf(s->tp, s->fp, s->fn, &p, &r, &f);
        vcd_buf_printf(b,
                       "%s{\"threshold\":%.4g,\"added\":%zu,\"precision\":%.17g,\"recall\":%.17g,"
                       "\"f1\":%.17g,\"tp\":%zu,\"fp\":%zu,\"fn\":%zu}",
                       i ? "," : "", e->sweep[i].threshold, e->sweep[i].added, p, r, f, s->tp,
                       s->fp, s->fn);
    }
    vcd_buf_puts(b, "],\"clusters\":null}\n");
}

static void print_table(const vcd_combined_eval *e, const vcd_combined_eval_options *o)
{
    printf("tagger: %s, %zu mentions; known entities: %zu from the corpus, %zu from %s; %zu "
           "candidates\n\n",
           o->tagger_spec ? o->tagger_spec : e->tagger, e->tagger_mentions, e->known_entities[0],
           e->known_entities[1], o->known_conll ? o->known_conll : "(no --known)", e->candidates);
    printf("%-26s %9s %9s %9s %6s %6s %6s %7s\n", "", "precision", "recall", "f1", "tp", "fp", "fn",
           "added");
    prf_row("NER alone", &e->alone, 0);
    char name[64];
    snprintf(name, sizeof name, "NER + augmentation @%.2f", o->threshold);
    prf_row(name, &e->augmented, e->added);
    printf("\nthreshold sweep:\n");
    for (size_t i = 0; i < e->n_sweep; i++) {
        snprintf(name, sizeof name, "  @%.2f", e->sweep[i].threshold);
        prf_row(name, &e->sweep[i].score, e->sweep[i].added);
    }
}

static const double default_sweep[] = {0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.65,
                                       0.70, 0.75, 0.80, 0.85, 0.90, 0.95, 1.00};

int cmd_eval_combined(int argc, char **argv)
{
    cli_option opts[O_COUNT] = {
        [O_GOLD] = {"gold", 1, "gold CoNLL file (token ... tag) to tag and score"},
        [O_KNOWN] = {"known", 1, "training CoNLL whose gold entities are known to the matcher"},
        [O_VECTORS] = {"vectors", 1, "word vectors (default: data/vectors/glove-wiki-100d.vcdv)"},
        [O_NO_VECTORS] = {"no-vectors", 0, "run without word vectors"},
        [O_GAZETTEER] = {"gazetteer", 1, "gazetteer TSV (default: data/gazetteer.tsv)"},
        [O_TAGGER] = {"tagger", 1, "default | rules | model:DIR | bert:DIR (default: default)"},
        [O_THRESHOLD] = {"threshold", 1, "augmentation threshold reported (default: 0.35)"},
        [O_WORK] = {"work-dir", 1, "where temporary states go (default: a new temp dir)"},
        [O_JSON] = {"json", 0, "print JSON (schema vcdiscover.eval/1)"},
        [O_OUT] = {"out", 1, "also write the JSON to this file"},
    };
    size_t npos;
    int rc = cli_parse("eval", argc, argv, opts, O_COUNT, NULL, 0, &npos);
    if (rc < 0) {
        cli_usage(
            stdout, "eval",
            "--gold GOLD.conll [--known TRAIN.conll] [--json]\n"
            "       vcdiscover eval ner --gold GOLD.conll --pred PRED.conll\n"
            "       vcdiscover eval clusters --gold GOLD.jsonl (--pred DIR | --baseline "
            "lowercase)\n"
            "       vcdiscover eval match --gold GOLD.jsonl --input COMMENTS [cluster options]",
            opts, O_COUNT);
        return 0;
    }
    if (rc) return rc;
    if (!opts[O_GOLD].value)
        return cli_error(EXIT_USAGE,
                         "eval: expected 'ner', 'clusters', 'match' or --gold FILE.conll");
    vcd_combined_eval_options o = {0};
    o.gold_path = opts[O_GOLD].value;
    o.known_conll = opts[O_KNOWN].value;
    o.tagger_spec = opts[O_TAGGER].value;
    o.threshold = 0.35; /* maximises F1 on WNUT 2017 dev, reports/augmentation.md */
    o.sweep = default_sweep;
    o.n_sweep = sizeof default_sweep / sizeof *default_sweep;
    o.seed = 42;
    o.warn = cli_warn;
    if (cli_real(opts, O_COUNT, "threshold", 0.0, 1.0, &o.threshold)) return EXIT_USAGE;
    const char *vec_default = VCD_DATA_DIR "/vectors/glove-wiki-100d.vcdv";
    o.vectors_path = opts[O_VECTORS].value                                   ? opts[O_VECTORS].value
                     : opts[O_NO_VECTORS].value || access(vec_default, R_OK) ? NULL
                                                                             : vec_default;
    const char *gaz_default = VCD_DATA_DIR "/gazetteer.tsv";
    o.gazetteer_path = opts[O_GAZETTEER].value          ? opts[O_GAZETTEER].value
                       : access(gaz_default, R_OK) == 0 ? gaz_default
                                                        : NULL;
    char tmpl[] = "/tmp/vcdiscover-eval-XXXXXX";
    int own_work = !opts[O_WORK].value;
    if (own_work && !mkdtemp(tmpl)) return cli_error(EXIT_RUNTIME, "cannot create a temp dir");
    o.work_dir = own_work ? tmpl : opts[O_WORK].value;
    vcd_combined_eval e;
    vcd_status st = vcd_combined_eval_run(&o, &e);
    if (own_work) vcd_remove_tree(tmpl);
    if (st) return cli_fail(st);
    vcd_buf b = {0};
    to_json(&e, &o, &b);
    if (opts[O_JSON].value)
        fputs(b.data, stdout);
    else
        print_table(&e, &o);
    if (opts[O_OUT].value) rc = cli_write_output(opts[O_OUT].value, &b);
    vcd_buf_free(&b);
    vcd_combined_eval_free(&e);
    return rc;
}
