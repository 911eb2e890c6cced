/* A BERT token classifier as a tagger. Each comment is split into words by
 * the project's tokenizer (the units the classifier was trained on: CoNLL
 * words), every word is labelled from its first sub-token, and BIO/IOB2
 * chunks (conlleval rules) become mentions typed by their label suffix.
 * prepare() labels the whole corpus in batches; tag_doc() reads the labels
 * back, so batching does not depend on the caller's loop. */
#include "vcd/bert_ner.h"
#include "vcd/eval.h"
#include "vcd/mentions.h"
#include "vcd/text.h"

#include <stdlib.h>
#include <string.h>

#define DOCS_PER_CHUNK 512

typedef struct {
    vcd_tagger base;
    vcd_bert *model;
    vcd_bert_labeler *labeler;
    /* Filled by prepare(), per word of every document: */
    vcd_token *words; /* the word's spans in its document */
    int32_t *labels;
    float *conf;
    size_t *doc_word; /* first word of each document; n_docs + 1 */
    size_t n_docs, n_words, cap_words;
    vcd_tokens toks;
    const char **tags;
    vcd_chunk *chunks;
    size_t cap;
} bert_tagger;

static void reserve_words(bert_tagger *t, size_t n)
{
    if (n <= t->cap) return;
    t->cap = n;
    t->tags = vcd_xrealloc(t->tags, n * sizeof *t->tags);
    t->chunks = vcd_xrealloc(t->chunks, n * sizeof *t->chunks);
}

/* Labels documents [from, to). */
static vcd_status label_chunk(bert_tagger *t, const vcd_corpus *c, size_t from, size_t to)
{
    size_t base = t->doc_word[from], n = t->doc_word[to] - base;
    const char **w = vcd_xmalloc((n + 1) * sizeof *w);
    size_t *lens = vcd_xmalloc((n + 1) * sizeof *lens);
    vcd_word_seq *seqs = vcd_xmalloc((to - from) * sizeof *seqs);
    for (size_t d = from; d < to; d++) {
        size_t a = t->doc_word[d] - base, b = t->doc_word[d + 1] - base;
        seqs[d - from] = (vcd_word_seq){w + a, lens + a, b - a};
        for (size_t k = a; k < b; k++) {
            const vcd_token *tok = &t->words[base + k];
            w[k] = c->docs[d].text + tok->byte_start;
            lens[k] = tok->byte_end - tok->byte_start;
        }
    }
    vcd_status rc =
        vcd_bert_labeler_run(t->labeler, seqs, to - from, t->labels + base, t->conf + base);
    free(w);
    free(lens);
    free(seqs);
    return rc;
}

/* Tokenizes every document once and keeps the word spans. */
static void collect_words(bert_tagger *t, const vcd_corpus *c)
{
    t->n_docs = c->n_docs;
    t->doc_word = vcd_xrealloc(t->doc_word, (c->n_docs + 1) * sizeof *t->doc_word);
    t->n_words = 0;
    for (size_t d = 0; d < c->n_docs; d++) {
        t->doc_word[d] = t->n_words;
        vcd_tokenize(c->docs[d].text, strlen(c->docs[d].text), &t->toks);
        if (t->n_words + t->toks.n > t->cap_words) {
            t->cap_words = 2 * (t->n_words + t->toks.n) + 64;
            t->words = vcd_xrealloc(t->words, t->cap_words * sizeof *t->words);
        }
        memcpy(t->words + t->n_words, t->toks.toks, t->toks.n * sizeof *t->words);
        t->n_words += t->toks.n;
    }
    t->doc_word[c->n_docs] = t->n_words;
}

static vcd_status bert_prepare(vcd_tagger *base, const vcd_corpus *c)
{
    bert_tagger *t = (bert_tagger *)base;
    collect_words(t, c);
    t->labels = vcd_xrealloc(t->labels, (t->n_words + 1) * sizeof *t->labels);
    t->conf = vcd_xrealloc(t->conf, (t->n_words + 1) * sizeof *t->conf);
    for (size_t d = 0; d < c->n_docs; d += DOCS_PER_CHUNK) {
        size_t end = d + DOCS_PER_CHUNK < c->n_docs ? d + DOCS_PER_CHUNK : c->n_docs;
        vcd_status rc = label_chunk(t, c, d, end);
        if (rc) return rc;
    }
    return VCD_OK;
}

static vcd_status bert_tag_doc(vcd_tagger *base, const vcd_corpus *c, size_t doc, vcd_mentions *out)
{
    bert_tagger *t = (bert_tagger *)base;
    if (!t->doc_word || t->n_docs != c->n_docs)
        return vcd_fail(VCD_ERUNTIME, "bert tagger: tag_doc before prepare");
    size_t first = t->doc_word[doc], n = t->doc_word[doc + 1] - first;
    const vcd_token *words = t->words + first;
    reserve_words(t, n + 1);
    const vcd_bert_config *cfg = vcd_bert_get_config(t->model);
    for (size_t i = 0; i < n; i++)
        t->tags[i] = cfg->labels[t->labels[first + i]];
    size_t k = vcd_conll_chunks(t->tags, n, t->chunks);
    for (size_t i = 0; i < k; i++) {
        const vcd_chunk *ch = &t->chunks[i];
        char type[64];
        size_t tl = ch->type_len < sizeof type - 1 ? ch->type_len : sizeof type - 1;
        memcpy(type, ch->type, tl);
        type[tl] = '\0';
        int ty = vcd_type_parse(type);
        float score = 0;
        for (size_t w = ch->start; w < ch->end; w++)
            score += t->conf[first + w];
        const vcd_token *a = &words[ch->start], *b = &words[ch->end - 1];
        vcd_mention m = {.doc = (uint32_t)doc,
                         .start = a->cp_start,
                         .end = b->cp_end,
                         .byte_start = a->byte_start,
                         .byte_end = b->byte_end,
                         .type = (uint8_t)(ty < 0 ? VCD_TYPE_UNK : ty),
                         .source = VCD_SRC_MODEL,
                         .score = score / (float)(ch->end - ch->start),
                         .form = -1,
                         .entity_id = -1};
        vcd_mentions_push(out, &m);
    }
    return VCD_OK;
}

static void bert_destroy(vcd_tagger *base)
{
    bert_tagger *t = (bert_tagger *)base;
    vcd_bert_labeler_free(t->labeler);
    vcd_bert_free(t->model);
    free(t->words);
    free(t->labels);
    free(t->conf);
    free(t->doc_word);
    free(t->tags);
    free(t->chunks);
    vcd_tokens_free(&t->toks);
    free(t);
}

static const vcd_tagger_ops bert_ops = {"bert", bert_prepare, bert_tag_doc, bert_destroy};

vcd_status vcd_tagger_bert_new(const char *dir, vcd_tagger **out)
{
    *out = NULL;
    bert_tagger *t = vcd_xcalloc(1, sizeof *t);
    t->base.ops = &bert_ops;
    vcd_status rc = vcd_bert_open(dir, &t->model);
    if (!rc) rc = vcd_bert_labeler_new(t->model, 32, 128, &t->labeler);
    if (rc) {
        bert_destroy(&t->base);
        return rc;
    }
    *out = &t->base;
    return VCD_OK;
}

vcd_status vcd_tagger_open(const char *spec, const char *gazetteer_path,
                           const struct vcd_vectors *vocab, vcd_tagger **out)
{
    *out = NULL;
    if (!spec || strcmp(spec, "rules") == 0)
        return vcd_tagger_rules_new(gazetteer_path, vocab, out);
    if (strncmp(spec, "bert:", 5) == 0 && spec[5]) return vcd_tagger_bert_new(spec + 5, out);
    return vcd_fail(VCD_EINPUT, "tagger '%s': expected rules or bert:DIR", spec);
}
