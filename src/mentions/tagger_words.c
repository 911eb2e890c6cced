/* The word-labelling tagger shared by the default CNN-CRF model and BERT
 * classifiers; see tagger_words.h. */
#include "tagger_words.h"
#include "vcd/eval.h"

#include <stdlib.h>
#include <string.h>

/* Documents labelled per call: enough for the labeller to batch and
 * spread over threads, few enough to bound the word arrays (one chunk's
 * words are held at a time). */
#define DOCS_PER_CHUNK 16384
/* ... and at most this many words (unless one document has more), so long
 * comments do not make a chunk's word arrays (44 bytes a word) grow with
 * the text. Ordinary comments (10-20 words) never reach it. */
#define WORDS_PER_CHUNK (512u << 10)

typedef struct {
    vcd_tagger base;
    vcd_tagger_ops ops; /* named after the labeller */
    vcd_word_labeler labeler;
    void *ctx;
    size_t n_docs; /* of the corpus prepare() saw */
    /* Chunk k spans documents [bounds[k], bounds[k + 1]); found in order. */
    size_t *bounds;
    size_t n_bounds, cap_bounds;
    /* One chunk of documents [chunk, chunk_end) labelled at a time, per word: */
    size_t chunk, chunk_end;
    size_t collected, collected_end; /* the chunk the word arrays hold */
    vcd_token *words;                /* the word's spans in its document */
    int32_t *labels;
    float *conf;
    size_t *doc_word; /* first word of each document of the chunk; + 1 */
    size_t n_words, cap_words;
    vcd_tokens toks;
    const char **tags;
    vcd_chunk *chunks;
    size_t cap;
} words_tagger;

static void reserve_words(words_tagger *t, size_t n)
{
    if (n <= t->cap) return;
    t->cap = n;
    t->tags = vcd_xrealloc(t->tags, n * sizeof *t->tags);
    t->chunks = vcd_xrealloc(t->chunks, n * sizeof *t->chunks);
}

/* Tokenizes the chunk that starts at document `from` and keeps its word
 * spans; returns where it ends. */
static size_t collect_words(words_tagger *t, const vcd_corpus *c, size_t from)
{
    if (t->collected_end && t->collected == from) return t->collected_end;
    t->n_words = 0;
    size_t d = from;
    for (; d < c->n_docs && d - from < DOCS_PER_CHUNK; d++) {
        vcd_tokenize(c->docs[d].text, strlen(c->docs[d].text), &t->toks);
        if (d > from && t->n_words + t->toks.n > WORDS_PER_CHUNK) break;
        t->doc_word[d - from] = t->n_words;
        if (t->n_words + t->toks.n + 1 > t->cap_words) {
            t->cap_words = 2 * (t->n_words + t->toks.n) + 64;
            t->words = vcd_xrealloc(t->words, t->cap_words * sizeof *t->words);
            t->labels = vcd_xrealloc(t->labels, t->cap_words * sizeof *t->labels);
            t->conf = vcd_xrealloc(t->conf, t->cap_words * sizeof *t->conf);
        }
        memcpy(t->words + t->n_words, t->toks.toks, t->toks.n * sizeof *t->words);
        t->n_words += t->toks.n;
    }
    t->doc_word[d - from] = t->n_words;
    t->collected = from;
    t->collected_end = d;
    return d;
}

/* Start of the chunk holding `doc`. Chunk boundaries depend only on the
 * corpus (each chunk ends where the one before it did, by the same rule),
 * so the labeller always sees the same batches whatever the order of the
 * calls. Ends not known yet are found by tokenizing forward. */
static size_t chunk_index(words_tagger *t, const vcd_corpus *c, size_t doc)
{
    if (!t->n_bounds) {
        t->cap_bounds = 64;
        t->bounds = vcd_xrealloc(t->bounds, t->cap_bounds * sizeof *t->bounds);
        t->bounds[t->n_bounds++] = 0;
    }
    while (t->bounds[t->n_bounds - 1] <= doc) {
        size_t end = collect_words(t, c, t->bounds[t->n_bounds - 1]);
        if (t->n_bounds == t->cap_bounds) {
            t->cap_bounds *= 2;
            t->bounds = vcd_xrealloc(t->bounds, t->cap_bounds * sizeof *t->bounds);
        }
        t->bounds[t->n_bounds++] = end;
    }
    size_t lo = 0, hi = t->n_bounds - 1; /* bounds[lo] <= doc < bounds[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->bounds[mid] <= doc)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static size_t chunk_start(words_tagger *t, const vcd_corpus *c, size_t doc)
{
    size_t k = chunk_index(t, c, doc); /* may move t->bounds */
    return t->bounds[k];
}

/* Labels the chunk holding `doc`; only one chunk's words are held at a time. */
static vcd_status label_chunk(words_tagger *t, const vcd_corpus *c, size_t doc)
{
    t->chunk = t->chunk_end = 0;
    size_t from = chunk_start(t, c, doc);
    size_t to = collect_words(t, c, from);
    const char **w = vcd_xmalloc((t->n_words + 1) * sizeof *w);
    size_t *lens = vcd_xmalloc((t->n_words + 1) * sizeof *lens);
    vcd_word_seq *seqs = vcd_xmalloc((to - from) * sizeof *seqs);
    for (size_t d = from; d < to; d++) {
        size_t a = t->doc_word[d - from], b = t->doc_word[d - from + 1];
        seqs[d - from] = (vcd_word_seq){w + a, lens + a, b - a};
        for (size_t k = a; k < b; k++) {
            w[k] = c->docs[d].text + t->words[k].byte_start;
            lens[k] = t->words[k].byte_end - t->words[k].byte_start;
        }
    }
    vcd_status rc = t->labeler.label(t->ctx, seqs, to - from, t->labels, t->conf);
    free(w);
    free(lens);
    free(seqs);
    if (rc == VCD_OK) {
        t->chunk = from;
        t->chunk_end = to;
    }
    return rc;
}

static vcd_status words_prepare(vcd_tagger *base, const vcd_corpus *c)
{
    words_tagger *t = (words_tagger *)base;
    t->n_docs = c->n_docs;
    t->chunk = t->chunk_end = 0; /* labelled on demand, by tag_doc */
    t->n_bounds = t->collected_end = 0;
    if (!t->doc_word) t->doc_word = vcd_xmalloc((DOCS_PER_CHUNK + 1) * sizeof *t->doc_word);
    return VCD_OK;
}

static vcd_status words_tag_doc(vcd_tagger *base, const vcd_corpus *c, size_t doc,
                                vcd_mentions *out)
{
    words_tagger *t = (words_tagger *)base;
    if (!t->doc_word || t->n_docs != c->n_docs)
        return vcd_fail(VCD_ERUNTIME, "%s tagger: tag_doc before prepare", t->labeler.name);
    if (doc < t->chunk || doc >= t->chunk_end) {
        vcd_status rc = label_chunk(t, c, doc);
        if (rc) return rc;
    }
    size_t first = t->doc_word[doc - t->chunk], n = t->doc_word[doc - t->chunk + 1] - first;
    const vcd_token *words = t->words + first;
    reserve_words(t, n + 1);
    for (size_t i = 0; i < n; i++)
        t->tags[i] = t->labeler.label_name(t->ctx, t->labels[first + i]);
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

/* The chunk is the batch: chunk_index leaves the bound after it known. */
static void words_batch(vcd_tagger *base, const vcd_corpus *c, size_t doc, size_t *start,
                        size_t *end)
{
    words_tagger *t = (words_tagger *)base;
    if (!t->doc_word || t->n_docs != c->n_docs) return; /* before prepare: one document */
    size_t k = chunk_index(t, c, doc);
    *start = t->bounds[k];
    *end = t->bounds[k + 1];
}

static void words_destroy(vcd_tagger *base)
{
    words_tagger *t = (words_tagger *)base;
    t->labeler.free_ctx(t->ctx);
    free(t->words);
    free(t->labels);
    free(t->conf);
    free(t->doc_word);
    free(t->bounds);
    free(t->tags);
    free(t->chunks);
    vcd_tokens_free(&t->toks);
    free(t);
}

vcd_tagger *vcd_tagger_words_new(const vcd_word_labeler *l, void *ctx)
{
    words_tagger *t = vcd_xcalloc(1, sizeof *t);
    t->ops = (vcd_tagger_ops){l->name, words_prepare, words_tag_doc, words_destroy, words_batch};
    t->base.ops = &t->ops;
    t->labeler = *l;
    t->ctx = ctx;
    return &t->base;
}
