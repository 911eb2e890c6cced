#include "bert_span_encoder.h"
#include "vcd/encode.h"
#include "vcd/identity.h"
#include "vcd/text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vcd_encoder {
    bert_span_encoder *bert;      /* set: every call goes to the BERT encoder */
    vcd_identity_model *identity; /* set: every call goes to the identity encoder */
    char *model_dir;
    const vcd_vectors *vectors;
    vcd_encoder_options opt;
    size_t word_dim; /* 0 without vectors */
    size_t dim;
    char description[160];
    /* Scratch reused across calls: no allocation per mention. */
    vcd_tokens doc_toks, span_toks;
    vcd_buf key, split, split2;
    float *span_block;
};

void vcd_encoder_options_default(vcd_encoder_options *o)
{
    o->w_word = 1.0f;
    o->w_char = 1.0f;
    o->w_ctx = 0.35f;
    o->char_dim = 256;
    o->ctx_window = 8;
}

vcd_status vcd_encoder_pooled_new(const vcd_vectors *vectors, const vcd_encoder_options *opt,
                                  vcd_encoder **out)
{
    vcd_encoder_options o;
    vcd_encoder_options_default(&o);
    if (opt) o = *opt;
    if (o.char_dim < 16 || o.char_dim > 4096)
        return vcd_fail(VCD_EINPUT, "encoder: char_dim must be in 16..4096");
    if (!(o.w_word >= 0) || !(o.w_char >= 0) || !(o.w_ctx >= 0) || o.w_word + o.w_char <= 0)
        return vcd_fail(VCD_EINPUT, "encoder: weights must be >= 0 and not all zero");
    vcd_encoder *e = vcd_xcalloc(1, sizeof *e);
    e->vectors = vectors;
    e->opt = o;
    e->word_dim = vectors ? vcd_vectors_dim(vectors) : 0;
    e->dim = e->word_dim * 2 + o.char_dim;
    e->span_block = vcd_xmalloc(e->dim * sizeof(float));
    snprintf(e->description, sizeof e->description,
             "pooled(word=%g,char=%g,ctx=%g,char_dim=%zu,window=%zu,word_dim=%zu)", o.w_word,
             o.w_char, o.w_ctx, o.char_dim, o.ctx_window, e->word_dim);
    *out = e;
    return VCD_OK;
}

void vcd_encoder_free(vcd_encoder *e)
{
    if (!e) return;
    bert_span_encoder_free(e->bert);
    vcd_identity_free(e->identity);
    free(e->model_dir);
    vcd_tokens_free(&e->doc_toks);
    vcd_tokens_free(&e->span_toks);
    vcd_buf_free(&e->key);
    vcd_buf_free(&e->split);
    vcd_buf_free(&e->split2);
    free(e->span_block);
    free(e);
}

size_t vcd_encoder_dim(const vcd_encoder *e)
{
    return e->dim;
}

const char *vcd_encoder_describe(const vcd_encoder *e)
{
    return e->description;
}

static void normalise(float *v, size_t n, float weight)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)v[i] * v[i];
    if (s <= 0) return;
    float k = weight / (float)sqrt(s);
    for (size_t i = 0; i < n; i++)
        v[i] *= k;
}

void vcd_span_key(const char *span, size_t n, int is_hashtag, vcd_buf *out)
{
    if (is_hashtag) {
        vcd_buf split = {0};
        vcd_split_camel(span, n, &split);
        vcd_match_key(split.data ? split.data : "", split.len, out);
        vcd_buf_free(&split);
    } else {
        vcd_match_key(span, n, out);
    }
}

/* Adds the SIF-weighted vector of one word (by its match key); returns 1 if known. */
static int add_word(vcd_encoder *e, const char *key, size_t n, float *acc)
{
    long rank = vcd_vectors_find(e->vectors, key, n);
    if (rank < 0) return 0;
    const float *row = vcd_vectors_row(e->vectors, (size_t)rank);
    float w = vcd_vectors_sif_weight(e->vectors, (size_t)rank);
    for (size_t i = 0; i < e->word_dim; i++)
        acc[i] += w * row[i];
    return 1;
}

static void hash_feature(float *block, size_t dim, const char *f, size_t n, uint64_t salt, float w)
{
    uint64_t h = vcd_hash64(f, n, salt);
    block[h % dim] += (h >> 63) ? -w : w;
}

/* Character trigrams over "<key>" by code point, plus initials features that
 * let "AVP" meet "Apple Vision Pro" and "NYC" meet "New York City". */
static void char_block(vcd_encoder *e, const char *surface, size_t sn, const char *key, size_t kn,
                       float *block)
{
    size_t dim = e->opt.char_dim;
    size_t starts[256];
    size_t count = 0;
    /* code point boundaries of "<" key ">" (only the first 250 code points) */
    char padded[1100];
    size_t pn = 0;
    padded[pn++] = '<';
    for (size_t i = 0; i < kn && pn < sizeof padded - 2; i++)
        padded[pn++] = key[i] == ' ' ? '_' : key[i];
    padded[pn++] = '>';
    for (size_t i = 0; i < pn && count < 255; i++)
        if (((unsigned char)padded[i] & 0xC0) != 0x80) starts[count++] = i;
    starts[count] = pn;
    for (size_t i = 0; i + 3 <= count; i++)
        hash_feature(block, dim, padded + starts[i], starts[i + 3] - starts[i], 0x7269, 1.0f);
    if (count == 3) /* one-letter keys still need a feature */
        hash_feature(block, dim, padded, pn, 0x7269, 1.0f);

    /* "AVP" and "Apple Vision Pro" share one strong feature. */
    const float w_init = 4.0f;
    if (vcd_acronym_key(surface, sn, &e->split)) {
        hash_feature(block, dim, e->split.data, e->split.len, 0x696e, w_init);
    } else if (vcd_initials(surface, sn, &e->split, &e->split2) >= 2) {
        hash_feature(block, dim, e->split.data, e->split.len, 0x696e, w_init);
        if (e->split2.len != e->split.len && e->split2.len >= 2)
            hash_feature(block, dim, e->split2.data, e->split2.len, 0x696e, w_init);
    }
}

/* Word and char blocks of a span; the context block is left zero. */
static void encode_span(vcd_encoder *e, const char *surface, size_t sn, int is_hashtag, float *out)
{
    memset(out, 0, e->dim * sizeof *out);
    vcd_span_key(surface, sn, is_hashtag, &e->key);
    const char *key = e->key.data ? e->key.data : "";
    size_t kn = e->key.len;
    if (e->word_dim) {
        vcd_tokenize(key, kn, &e->span_toks);
        for (size_t i = 0; i < e->span_toks.n; i++) {
            const vcd_token *t = &e->span_toks.toks[i];
            add_word(e, key + t->byte_start, t->byte_end - t->byte_start, out);
        }
        normalise(out, e->word_dim, e->opt.w_word);
    }
    float *cb = out + e->word_dim;
    char_block(e, surface, sn, key, kn, cb);
    normalise(cb, e->opt.char_dim, e->opt.w_char);
}

void vcd_encode_query(vcd_encoder *e, const char *text, size_t len, float *out)
{
    if (e->bert) {
        bert_span_encode(e->bert, &text, &len, 1, out);
        return;
    }
    if (e->identity) {
        vcd_identity_encode(e->identity, &text, &len, 1, out);
        return;
    }
    int hashtag = len > 1 && text[0] == '#';
    encode_span(e, text + hashtag, len - (size_t)hashtag, hashtag, out);
    normalise(out, e->dim, 1.0f);
}

static void context_block(vcd_encoder *e, const char *text, const vcd_mention *m, float *ctx)
{
    const vcd_tokens *tk = &e->doc_toks;
    size_t first = 0;
    while (first < tk->n && tk->toks[first].byte_end <= m->byte_start)
        first++;
    size_t last = first;
    while (last < tk->n && tk->toks[last].byte_start < m->byte_end)
        last++;
    size_t w = e->opt.ctx_window;
    size_t lo = first > w ? first - w : 0;
    size_t hi = last + w < tk->n ? last + w : tk->n;
    for (size_t i = lo; i < hi; i++) {
        if (i >= first && i < last) continue;
        const vcd_token *t = &tk->toks[i];
        if (t->kind != VCD_TOK_WORD) continue;
        vcd_match_key(text + t->byte_start, t->byte_end - t->byte_start, &e->split);
        add_word(e, e->split.data, e->split.len, ctx);
    }
    normalise(ctx, e->word_dim, e->opt.w_ctx);
}

/* BERT and the identity encoder encode each mention's own text (a
 * hashtag keeps its '#'), in batches. */
static void encode_mentions_alone(vcd_encoder *e, const char *text, const vcd_mention *ms, size_t n,
                                  float *out)
{
    enum { CHUNK = 64 };
    const char *spans[CHUNK];
    size_t lens[CHUNK];
    for (size_t from = 0; from < n; from += CHUNK) {
        size_t k = n - from < CHUNK ? n - from : CHUNK;
        for (size_t i = 0; i < k; i++) {
            const vcd_mention *m = &ms[from + i];
            /* A hashtag mention's span leaves out the '#' the identity
             * encoder reads as "split me at CamelCase". */
            size_t hash = e->identity && m->source == VCD_SRC_HASHTAG && m->byte_start > 0 &&
                          text[m->byte_start - 1] == '#';
            spans[i] = text + m->byte_start - hash;
            lens[i] = m->byte_end - m->byte_start + hash;
        }
        if (e->bert)
            bert_span_encode(e->bert, spans, lens, k, out + from * e->dim);
        else
            vcd_identity_encode(e->identity, spans, lens, k, out + from * e->dim);
    }
}

void vcd_encode_doc_mentions(vcd_encoder *e, const char *text, size_t len, const vcd_mention *ms,
                             size_t n, float *out)
{
    if (e->bert || e->identity) {
        encode_mentions_alone(e, text, ms, n, out);
        return;
    }
    if (e->word_dim) vcd_tokenize(text, len, &e->doc_toks);
    for (size_t k = 0; k < n; k++) {
        const vcd_mention *m = &ms[k];
        float *row = out + k * e->dim;
        int hashtag = m->source == VCD_SRC_HASHTAG;
        encode_span(e, text + m->byte_start, m->byte_end - m->byte_start, hashtag, row);
        if (e->word_dim && e->opt.w_ctx > 0)
            context_block(e, text, m, row + e->word_dim + e->opt.char_dim);
        normalise(row, e->dim, 1.0f);
    }
}

vcd_status vcd_encoder_bert_new(const char *dir, vcd_encoder **out)
{
    *out = NULL;
    bert_span_encoder *b;
    vcd_status rc = bert_span_encoder_new(dir, &b);
    if (rc) return rc;
    vcd_encoder *e = vcd_xcalloc(1, sizeof *e);
    e->bert = b;
    e->dim = bert_span_encoder_dim(b);
    snprintf(e->description, sizeof e->description, "bert(mean-pooled, normalised, dim=%zu)",
             e->dim);
    *out = e;
    return VCD_OK;
}

vcd_status vcd_encoder_identity_new(const char *dir, const vcd_vectors *vectors, vcd_encoder **out)
{
    *out = NULL;
    vcd_identity_model *m;
    vcd_status rc = vcd_identity_open(dir, vectors, &m);
    if (rc) return rc;
    vcd_encoder *e = vcd_xcalloc(1, sizeof *e);
    e->identity = m;
    e->model_dir = vcd_xstrdup(dir);
    e->dim = vcd_identity_dim(m);
    snprintf(e->description, sizeof e->description, "identity(surface only, normalised, dim=%zu)",
             e->dim);
    *out = e;
    return VCD_OK;
}

vcd_status vcd_encoder_open(const char *spec, const vcd_vectors *vectors,
                            const vcd_encoder_options *opt, vcd_encoder **out)
{
    *out = NULL;
    if (!spec || strcmp(spec, "pooled") == 0) return vcd_encoder_pooled_new(vectors, opt, out);
    if (strncmp(spec, "bert:", 5) == 0 && spec[5]) return vcd_encoder_bert_new(spec + 5, out);
    if (strcmp(spec, "identity") == 0)
        return vcd_encoder_identity_new(VCD_DATA_DIR "/models/identity", vectors, out);
    if (strncmp(spec, "identity:", 9) == 0 && spec[9])
        return vcd_encoder_identity_new(spec + 9, vectors, out);
    return vcd_fail(VCD_EINPUT, "encoder '%s': expected pooled, identity, identity:DIR or bert:DIR",
                    spec);
}

const char *vcd_encoder_kind(const vcd_encoder *e)
{
    return e->bert ? "bert" : e->identity ? "identity" : "pooled";
}

const char *vcd_encoder_model_dir(const vcd_encoder *e)
{
    return e->bert ? bert_span_encoder_dir(e->bert) : e->model_dir;
}
