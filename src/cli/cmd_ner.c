#include "cli.h"
#include "vcd/bert_ner.h"
#include "vcd/eval.h"
#include "vcd/fileio.h"
#include "vcd/ingest.h"
#include "vcd/mentions.h"
#include "vcd/ner_model.h"
#include "vcd/vectors.h"
#include "vcd/text.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    N_INPUT,
    N_FORMAT,
    N_OUT,
    N_OUTPUT_FORMAT,
    N_MODEL,
    N_TAGGER,
    N_GAZETTEER,
    N_VECTORS,
    N_COUNT
};

static cli_option ner_options[N_COUNT] = {
    [N_INPUT] = {"input", 1, "text to tag"},
    [N_FORMAT] = {"format", 1,
                  "conll | csv | txt | jsonl (default: from the extension; .conll = conll)"},
    [N_OUT] = {"out", 1, "output file, written atomically; - = stdout (default: -)"},
    [N_OUTPUT_FORMAT] = {"output", 1,
                         "conll | jsonl (default: conll for CoNLL input, jsonl mentions else)"},
    [N_MODEL] = {"model", 1,
                 "a model folder: the CNN-CRF kind train-ner writes by default, or a BERT "
                 "token-classification folder (default: data/models/default)"},
    [N_TAGGER] = {"tagger", 1, "default | rules | model:DIR | bert:DIR (default: default)"},
    [N_GAZETTEER] = {"gazetteer", 1, "gazetteer for the rule tagger (default: data/gazetteer.tsv)"},
    [N_VECTORS] = {"vectors", 1,
                   "word vectors for the CNN-CRF model (default: "
                   "data/vectors/glove-wiki-100d.vcdv)"},
};

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* A BERT model labels the CoNLL words as given, in its own label scheme;
 * the tags point at the model's label strings, so it outlives them. */
static vcd_status bert_tags(const char *dir, const vcd_conll *c, const char ***tags_out,
                            vcd_bert **model_out)
{
    vcd_bert *m;
    vcd_bert_labeler *lab = NULL;
    vcd_status rc = vcd_bert_open(dir, &m);
    if (rc) return rc;
    const char **tags = vcd_xmalloc((c->n_tokens + 1) * sizeof *tags);
    rc = vcd_bert_labeler_new(m, 32, 128, &lab);
    if (!rc) rc = vcd_bert_tag_conll(lab, c, tags);
    vcd_bert_labeler_free(lab);
    if (rc) {
        free(tags);
        vcd_bert_free(m);
        return rc;
    }
    *tags_out = tags;
    *model_out = m;
    return VCD_OK;
}

static void put_conll(const vcd_conll *c, const char *const *tags, vcd_buf *b)
{
    for (size_t s = 0; s < c->n_sentences; s++) {
        if (s) vcd_buf_putc(b, '\n');
        for (size_t t = c->sentence_start[s]; t < c->sentence_start[s + 1]; t++) {
            vcd_buf_puts(b, c->tokens[t].token);
            vcd_buf_putc(b, '\t');
            vcd_buf_puts(b, tags[t] ? tags[t] : "O");
            vcd_buf_putc(b, '\n');
        }
    }
}

/* The CNN-CRF folder that labels CoNLL words directly: model:DIR, or the
 * default model when it is installed and vectors are there. */
static const char *conll_model_dir(const char *spec, const vcd_vectors *vec)
{
    if (spec && strncmp(spec, "model:", 6) == 0) return spec + 6;
    if (spec && strcmp(spec, "default") != 0) return NULL;
    return vcd_default_ner_model_missing(vec) ? NULL : vcd_default_ner_model_dir();
}

static vcd_status model_tags(const char *dir, const vcd_vectors *vec, const vcd_conll *c,
                             vcd_buf *out)
{
    vcd_ner_model *m;
    vcd_status rc = vcd_ner_model_open(dir, vec, &m);
    if (rc) return rc;
    const char **tags = vcd_xmalloc((c->n_tokens + 1) * sizeof *tags);
    rc = vcd_ner_model_tag_conll(m, c, tags);
    if (!rc) put_conll(c, tags, out);
    free(tags);
    vcd_ner_model_free(m);
    return rc;
}

static int ner_conll(const char *spec, const char *gazetteer, const vcd_vectors *vec, vcd_buf *out)
{
    vcd_conll c;
    vcd_status rc = vcd_conll_load(ner_options[N_INPUT].value, &c);
    if (rc) return cli_fail(rc);
    const char *model_dir = conll_model_dir(spec, vec);
    if (model_dir || (spec && strncmp(spec, "bert:", 5) == 0)) {
        if (model_dir) {
            rc = model_tags(model_dir, vec, &c, out);
        } else {
            const char **tags;
            vcd_bert *m;
            rc = bert_tags(spec + 5, &c, &tags, &m);
            if (!rc) {
                put_conll(&c, tags, out);
                free(tags);
                vcd_bert_free(m);
            }
        }
        vcd_conll_free(&c);
        return rc ? cli_fail(rc) : 0;
    }
    /* Any other tagger sees each sentence as a comment; its mentions go
     * back onto the words as IOB2 tags in the WNUT 2017 type names. */
    vcd_conll_corpus cc = {0};
    vcd_tagger *t = NULL;
    vcd_mentions ms = {0};
    rc = vcd_conll_corpus_build(&c, &cc);
    if (!rc) rc = vcd_tagger_open(spec, gazetteer, vec, cli_warn, NULL, &t);
    if (!rc) rc = vcd_tagger_tag_corpus(t, cc.corpus, &ms, NULL, NULL);
    if (!rc) {
        vcd_bio bio;
        vcd_mentions_to_bio(&c, &cc, &ms, vcd_wnut_type_name, &bio);
        put_conll(&c, bio.tags, out);
        vcd_bio_free(&bio);
    }
    vcd_mentions_free(&ms);
    vcd_tagger_free(t);
    vcd_conll_corpus_free(&cc);
    vcd_conll_free(&c);
    return rc ? cli_fail(rc) : 0;
}

static void put_mention_line(const vcd_corpus *c, const vcd_mention *m, vcd_buf *b)
{
    const vcd_doc *d = &c->docs[m->doc];
    vcd_buf_puts(b, "{\"doc_id\":");
    vcd_buf_json_string(b, d->id, strlen(d->id));
    vcd_buf_puts(b, ",\"text\":");
    vcd_buf_json_string(b, d->text + m->byte_start, m->byte_end - m->byte_start);
    vcd_buf_printf(b,
                   ",\"start\":%u,\"end\":%u,\"type\":\"%s\",\"source\":\"%s\",\"score\":%.4f}\n",
                   m->start, m->end, vcd_type_name((vcd_entity_type)m->type),
                   vcd_source_name((vcd_mention_source)m->source), m->score);
}

static int mention_order(const void *a, const void *b)
{
    const vcd_mention *x = a, *y = b;
    if (x->doc != y->doc) return x->doc < y->doc ? -1 : 1;
    return x->byte_start < y->byte_start ? -1 : x->byte_start > y->byte_start;
}

/* Comments (CSV, text, JSON Lines) -> mentions as JSON Lines (readable by
 * `cluster --mentions`), or CoNLL over the project's word tokens. */
static int ner_text(const char *spec, const char *gazetteer, const vcd_vectors *vec,
                    vcd_input_format fmt, int conll_out, vcd_buf *out)
{
    vcd_ingest_options io = {0};
    io.format = fmt;
    io.warn = cli_warn;
    vcd_corpus *c = NULL;
    vcd_tagger *t = NULL;
    vcd_mentions ms = {0};
    vcd_status rc = vcd_corpus_load(ner_options[N_INPUT].value, &io, &c);
    if (!rc) rc = vcd_tagger_open(spec, gazetteer, vec, cli_warn, NULL, &t);
    if (!rc) rc = vcd_tagger_tag_corpus(t, c, &ms, isatty(2) ? cli_progress : NULL, NULL);
    if (!rc) qsort(ms.items, ms.n, sizeof *ms.items, mention_order);
    if (!rc && !conll_out) {
        for (size_t i = 0; i < ms.n; i++)
            put_mention_line(c, &ms.items[i], out);
    }
    if (!rc && conll_out) {
        /* Mentions are in document order: walk each document's words. */
        vcd_tokens toks = {0};
        size_t k = 0;
        for (size_t d = 0; d < c->n_docs; d++) {
            const char *text = c->docs[d].text;
            vcd_tokenize(text, strlen(text), &toks);
            if (d) vcd_buf_putc(out, '\n');
            for (size_t w = 0; w < toks.n; w++) {
                const vcd_token *tk = &toks.toks[w];
                while (k < ms.n &&
                       (ms.items[k].doc < d ||
                        (ms.items[k].doc == d && ms.items[k].byte_end <= tk->byte_start)))
                    k++;
                const vcd_mention *m = k < ms.n ? &ms.items[k] : NULL;
                int inside = m && m->doc == d && m->byte_start <= tk->byte_start;
                const char *type = inside ? vcd_wnut_type_name(m->type) : NULL;
                vcd_buf_append(out, text + tk->byte_start, tk->byte_end - tk->byte_start);
                if (type)
                    vcd_buf_printf(out, "\t%s-%s\n", m->byte_start == tk->byte_start ? "B" : "I",
                                   type);
                else
                    vcd_buf_puts(out, "\tO\n");
            }
        }
        vcd_tokens_free(&toks);
    }
    vcd_mentions_free(&ms);
    vcd_tagger_free(t);
    vcd_corpus_free(c);
    return rc ? cli_fail(rc) : 0;
}

static int parse_format(const char *input, vcd_input_format *fmt, int *is_conll)
{
    const char *v = ner_options[N_FORMAT].value;
    *fmt = VCD_FORMAT_AUTO;
    *is_conll =
        v ? strcmp(v, "conll") == 0 : ends_with(input, ".conll") || ends_with(input, ".bio");
    if (!v || *is_conll) return 0;
    if (strcmp(v, "csv") && strcmp(v, "txt") && strcmp(v, "jsonl"))
        return cli_error(EXIT_USAGE, "--format: expected conll, csv, txt or jsonl, got '%s'", v);
    return cli_input_format(v, fmt);
}

int cmd_ner(int argc, char **argv)
{
    size_t npos;
    int rc = cli_parse("ner", argc, argv, ner_options, N_COUNT, NULL, 0, &npos);
    if (rc < 0) {
        cli_usage(stdout, "ner",
                  "--input FILE [--format conll|csv|txt|jsonl] [--out FILE] "
                  "[--model DIR]",
                  ner_options, N_COUNT);
        return 0;
    }
    if (rc) return rc;
    const char *input = ner_options[N_INPUT].value;
    if (!input) return cli_error(EXIT_USAGE, "ner: --input is required");
    vcd_input_format fmt;
    int is_conll;
    if ((rc = parse_format(input, &fmt, &is_conll))) return rc;
    const char *of = ner_options[N_OUTPUT_FORMAT].value;
    if (of && strcmp(of, "conll") != 0 && strcmp(of, "jsonl") != 0)
        return cli_error(EXIT_USAGE, "--output: expected conll or jsonl, got '%s'", of);
    int conll_out = of ? strcmp(of, "conll") == 0 : is_conll;
    if (is_conll && !conll_out)
        return cli_error(EXIT_USAGE, "ner: CoNLL input is written as CoNLL");
    char spec_buf[4096];
    const char *spec = ner_options[N_TAGGER].value;
    if (ner_options[N_MODEL].value) {
        if (spec) return cli_error(EXIT_USAGE, "ner: give --model or --tagger, not both");
        const char *dir = ner_options[N_MODEL].value;
        snprintf(spec_buf, sizeof spec_buf, "%s:%s",
                 vcd_ner_model_is_folder(dir) ? "model" : "bert", dir);
        spec = spec_buf;
    }
    const char *gaz = ner_options[N_GAZETTEER].value;
    if (!gaz && access(VCD_DATA_DIR "/gazetteer.tsv", R_OK) == 0)
        gaz = VCD_DATA_DIR "/gazetteer.tsv";
    /* Word vectors feed the CNN-CRF model and the rule tagger's vocabulary;
     * without them the default falls back to rules and says so. */
    const char *vec_path = ner_options[N_VECTORS].value;
    if (!vec_path && access(VCD_DATA_DIR "/vectors/glove-wiki-100d.vcdv", R_OK) == 0)
        vec_path = VCD_DATA_DIR "/vectors/glove-wiki-100d.vcdv";
    vcd_vectors *vec = NULL;
    if (vec_path && (rc = vcd_vectors_open(vec_path, &vec)) != 0) return cli_fail((vcd_status)rc);
    vcd_buf out = {0};
    vcd_buf_clear(&out);
    rc =
        is_conll ? ner_conll(spec, gaz, vec, &out) : ner_text(spec, gaz, vec, fmt, conll_out, &out);
    vcd_vectors_close(vec);
    if (!rc) {
        const char *path = ner_options[N_OUT].value ? ner_options[N_OUT].value : "-";
        rc = cli_write_output(path, &out);
    }
    vcd_buf_free(&out);
    return rc;
}
