/* Word features of the default tagger. Everything a word contributes is
 * computed from the word's own text and its sentence, so training on CoNLL
 * words and tagging comment tokens go through the same code. */
#include "ner_internal.h"

#include <stdlib.h>
#include <string.h>

void ner_features_reserve(ner_features *f, const ner_config *c, size_t rows)
{
    if (rows <= f->rows) return;
    f->rows = rows;
    f->dense = vcd_xrealloc(f->dense, rows * c->n_dense * sizeof *f->dense);
    f->ngrams = vcd_xrealloc(f->ngrams, rows * NER_MAX_NGRAMS * sizeof *f->ngrams);
    f->n_ngrams = vcd_xrealloc(f->n_ngrams, rows);
}

void ner_features_free(ner_features *f)
{
    free(f->dense);
    free(f->ngrams);
    free(f->n_ngrams);
    memset(f, 0, sizeof *f);
}

void ner_scratch_free(ner_scratch *s)
{
    vcd_buf_free(&s->join);
    vcd_tokens_free(&s->toks);
    for (size_t i = 0; i < s->cap_words; i++)
        vcd_buf_free(&s->word_keys[i]);
    free(s->word_keys);
    for (size_t i = 0; i < s->cap_kb; i++)
        vcd_buf_free(&s->kb_keys[i]);
    free(s->kb_keys);
    vcd_kb_key_scratch_free(&s->kb_key);
    memset(s, 0, sizeof *s);
}

void ner_word_key(const char *w, size_t n, vcd_buf *out)
{
    /* "#Marvel" and "@Marvel" name what "Marvel" names. */
    if (n > 1 && (w[0] == '#' || w[0] == '@')) w++, n--;
    vcd_match_key(w, n, out);
}

/* Kind and shape of one word, as the comment tokenizer would see it. */
static void word_kind_shape(const char *w, size_t n, vcd_tokens *toks, int *kind, int *shape)
{
    vcd_tokenize(w, n, toks);
    *kind = VCD_TOK_WORD;
    *shape = 0;
    if (toks->n == 0) {
        *kind = VCD_TOK_PUNCT;
        return;
    }
    *kind = toks->toks[0].kind;
    for (size_t i = 0; i < toks->n; i++)
        *shape |= toks->toks[i].shape;
    if (!(toks->toks[0].shape & VCD_SHAPE_UPPER_INITIAL)) *shape &= ~VCD_SHAPE_UPPER_INITIAL;
}

static void set_rank_flags(float *flags, long rank)
{
    static const long bands[4] = {1000, 10000, 50000, 150000};
    if (rank < 0) {
        flags[NER_F_OOV] = 1;
        return;
    }
    size_t b = 0;
    while (b < 4 && rank >= bands[b])
        b++;
    flags[NER_F_RANK + b] = 1;
}

/* Bucket ids of the word's character n-grams (of its match key, with '<'
 * and '>' marking the ends) and of the whole key. */
static size_t word_ngrams(const char *key, size_t n, size_t buckets, uint32_t *out)
{
    char b[128];
    size_t len = n + 2 < sizeof b ? n + 2 : sizeof b;
    b[0] = '<';
    memcpy(b + 1, key, len - 2);
    b[len - 1] = '>';
    size_t k = 0;
    out[k++] = (uint32_t)(vcd_hash64(b, len, 0x77) % buckets);
    for (size_t g = NER_NGRAM_MIN; g <= NER_NGRAM_MAX; g++)
        for (size_t i = 0; i + g <= len && k < NER_MAX_NGRAMS; i++)
            out[k++] = (uint32_t)(vcd_hash64(b + i, g, g) % buckets);
    return k;
}

static void word_features(const vcd_ner_model *m, const char *w, size_t n, const char *key,
                          size_t key_len, float *dense, uint32_t *ngrams, uint8_t *n_ngrams,
                          ner_scratch *sc)
{
    const ner_config *c = &m->cfg;
    long rank = key_len ? vcd_vectors_find(m->vec, key, key_len) : -1;
    if (rank >= 0) memcpy(dense, vcd_vectors_row(m->vec, (size_t)rank), c->vec_dim * sizeof *dense);
    float *flags = dense + c->vec_dim;
    int kind, shape;
    word_kind_shape(w, n, &sc->toks, &kind, &shape);
    static const int shape_bits[6] = {VCD_SHAPE_UPPER_INITIAL, VCD_SHAPE_ALL_UPPER,
                                      VCD_SHAPE_HAS_LOWER,     VCD_SHAPE_HAS_DIGIT,
                                      VCD_SHAPE_HAS_LETTER,    VCD_SHAPE_INNER_UPPER};
    for (int i = 0; i < 6; i++)
        flags[NER_F_UPPER_INITIAL + i] = (shape & shape_bits[i]) ? 1.0f : 0.0f;
    flags[NER_F_KIND + kind] = 1;
    flags[NER_F_SINGLE_CHAR] = vcd_utf8_length(w, n) == 1;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)w[i] >= 0x80) {
            flags[NER_F_NON_ASCII] = 1;
            break;
        }
    set_rank_flags(flags, rank);
    ner_case_features(m, key, key_len, dense);
    *n_ngrams =
        (uint8_t)word_ngrams(key_len ? key : w, key_len ? key_len : n, c->char_buckets, ngrams);
}

static int own_span(const ner_own_spans *own, size_t a, size_t b)
{
    if (!own) return 0;
    for (size_t i = 0; i < own->n; i++)
        if (own->start[i] == a && own->end[i] == b) return 1;
    return 0;
}

/* Every gazetteer name in the sentence lights B-type on its first word and
 * I-type on the rest. In training, a name known only from this very
 * sentence stays dark, so the model learns how far to trust the gazetteer
 * on names it has not seen labelled. */
static void gazetteer_flags(const vcd_ner_model *m, const vcd_word_seq *s, const ner_own_spans *own,
                            ner_features *f, size_t base, ner_scratch *sc)
{
    const ner_config *c = &m->cfg;
    if (!m->gaz.map) return;
    size_t gaz0 = c->vec_dim + NER_FLAGS;
    for (size_t i = 0; i < s->n; i++) {
        vcd_buf_clear(&sc->join);
        for (size_t len = 1; len <= NER_GAZ_MAX_WORDS && i + len <= s->n; len++) {
            const vcd_buf *wk = &sc->word_keys[i + len - 1];
            if (!wk->len) break;
            if (len > 1) vcd_buf_putc(&sc->join, ' ');
            vcd_buf_append(&sc->join, wk->data, wk->len);
            size_t e = vcd_strmap_get(m->gaz.map, sc->join.data, sc->join.len, SIZE_MAX);
            if (e == SIZE_MAX) continue;
            if (m->gaz.count[e] <= 1 && own_span(own, i, i + len)) continue;
            size_t t = (size_t)m->gaz.type[e];
            for (size_t k = i; k < i + len; k++)
                f->dense[(base + k) * c->n_dense + gaz0 + 2 * t + (k > i)] = 1;
        }
    }
}

void ner_sentence_keys(const vcd_word_seq *s, ner_scratch *sc)
{
    if (s->n > sc->cap_words) {
        sc->word_keys = vcd_xrealloc(sc->word_keys, s->n * sizeof *sc->word_keys);
        memset(sc->word_keys + sc->cap_words, 0, (s->n - sc->cap_words) * sizeof *sc->word_keys);
        sc->cap_words = s->n;
    }
    for (size_t i = 0; i < s->n; i++)
        ner_word_key(s->words[i], s->lens[i], &sc->word_keys[i]);
}

void ner_features_sentence(const vcd_ner_model *m, const vcd_word_seq *s, const ner_own_spans *own,
                           ner_features *f, size_t base, ner_scratch *sc)
{
    const ner_config *c = &m->cfg;
    ner_sentence_keys(s, sc);
    memset(f->dense + base * c->n_dense, 0, s->n * c->n_dense * sizeof *f->dense);
    for (size_t i = 0; i < s->n; i++) {
        const vcd_buf *key = &sc->word_keys[i];
        size_t r = base + i;
        word_features(m, s->words[i], s->lens[i], key->data, key->len, f->dense + r * c->n_dense,
                      f->ngrams + r * NER_MAX_NGRAMS, &f->n_ngrams[r], sc);
        if (i == 0) f->dense[r * c->n_dense + c->vec_dim + NER_F_FIRST] = 1;
    }
    gazetteer_flags(m, s, own, f, base, sc);
    ner_kb_flags(m, s, f, base, sc);
}

void ner_features_batch(const vcd_ner_model *m, const vcd_word_seq *seqs, size_t n_seq,
                        const size_t *starts, const ner_own_spans *own, ner_features *f)
{
#pragma omp parallel
    {
        ner_scratch sc = {0};
#pragma omp for schedule(dynamic, 16)
        for (size_t s = 0; s < n_seq; s++)
            ner_features_sentence(m, &seqs[s], own ? &own[s] : NULL, f, starts[s], &sc);
        ner_scratch_free(&sc);
    }
}
