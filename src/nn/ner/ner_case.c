/* Capitalisation prior of the default tagger (train-ner --case-prior): how
 * often each word is written with a capital letter (first or inner) when it
 * is not the first word of a sentence, counted on unlabelled text (the raw
 * comments, the training tweets' text). The hope: a name is capitalised
 * mid-sentence most of the time, "oh", "wifi", "spinner" rarely, and in a
 * lower-case comment the word's own shape cannot tell the two apart. On the
 * 58k comments it separates them only partly (reports/ner.md: names are
 * written in lower case there too), so the shipped model does not use it.
 *
 * The counts ship inside the model as a hashed table (model.safetensors
 * tensor "case_prior", [buckets, 2]): per bucket, the capitalised share
 * minus 0.5 and a confidence from the number of sightings, both 0 for a
 * word never seen. Words sharing a bucket pool their counts, so the table
 * does not depend on the order they were counted in. */
#include "ner_internal.h"
#include "vcd/fileio.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CASE_HASH_SEED 0xca5e
/* sightings for full confidence (log scale) */
#define CASE_FULL_COUNT 1000.0

void ner_case_counter_free(ner_case_counter *k)
{
    vcd_strmap_free(k->map);
    free(k->hash);
    free(k->mid);
    free(k->cap);
    vcd_tokens_free(&k->toks);
    vcd_buf_free(&k->key);
    vcd_buf_free(&k->join);
    memset(k, 0, sizeof *k);
}

uint64_t ner_case_hash(const char *key, size_t n)
{
    return vcd_hash64(key, n, CASE_HASH_SEED);
}

/* A text shouted in capitals says nothing about any word's case. */
static int shouted(const vcd_tokens *t)
{
    size_t words = 0, caps = 0;
    for (size_t i = 0; i < t->n; i++) {
        const vcd_token *k = &t->toks[i];
        if (k->kind != VCD_TOK_WORD || k->byte_end - k->byte_start < 2) continue;
        words++;
        caps += (k->shape & VCD_SHAPE_ALL_UPPER) != 0;
    }
    return words && 2 * caps > words;
}

static void sighting(ner_case_counter *k, int capitalised)
{
    int inserted;
    size_t *v = vcd_strmap_upsert(k->map, k->key.data, k->key.len, k->n, &inserted);
    if (inserted) {
        if (k->n == k->alloc) {
            k->alloc = k->alloc ? 2 * k->alloc : 1024;
            k->hash = vcd_xrealloc(k->hash, k->alloc * sizeof *k->hash);
            k->mid = vcd_xrealloc(k->mid, k->alloc * sizeof *k->mid);
            k->cap = vcd_xrealloc(k->cap, k->alloc * sizeof *k->cap);
        }
        k->hash[k->n] = ner_case_hash(k->key.data, k->key.len);
        k->mid[k->n] = k->cap[k->n] = 0;
        k->n++;
    }
    k->mid[*v]++;
    k->cap[*v] += capitalised != 0;
}

void ner_case_count_text(ner_case_counter *k, const char *text, size_t len)
{
    if (!k->map) k->map = vcd_strmap_new();
    vcd_tokenize(text, len, &k->toks);
    if (shouted(&k->toks)) return;
    int after_colon = 0; /* "RT @x : Text" starts a sentence too */
    for (size_t i = 0; i < k->toks.n; i++) {
        const vcd_token *t = &k->toks.toks[i];
        const char *w = text + t->byte_start;
        size_t n = t->byte_end - t->byte_start;
        int initial = t->sentence_start || after_colon;
        after_colon = t->kind == VCD_TOK_PUNCT && n == 1 && w[0] == ':';
        if (t->kind != VCD_TOK_WORD || !(t->shape & VCD_SHAPE_HAS_LETTER) || initial) continue;
        ner_word_key(w, n, &k->key);
        /* "iPhone" and "WiFi" are written with a capital too */
        if (k->key.len)
            sighting(k, t->shape & (VCD_SHAPE_UPPER_INITIAL | VCD_SHAPE_INNER_UPPER |
                                    VCD_SHAPE_ALL_UPPER));
    }
}

void ner_case_count_words(ner_case_counter *k, const vcd_word_seq *s)
{
    vcd_buf_clear(&k->join);
    for (size_t i = 0; i < s->n; i++) {
        if (i) vcd_buf_putc(&k->join, ' ');
        vcd_buf_append(&k->join, s->words[i], s->lens[i]);
    }
    if (k->join.len) ner_case_count_text(k, k->join.data, k->join.len);
}

vcd_status ner_case_count_file(ner_case_counter *k, const char *path)
{
    vcd_mapped_file f;
    vcd_status rc = vcd_map_file(path, &f);
    if (rc) return rc;
    const char *p = (const char *)f.data, *end = p + f.len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        if (e > p) ner_case_count_text(k, p, (size_t)(e - p));
        p = e + 1;
    }
    vcd_unmap_file(&f);
    return VCD_OK;
}

float *ner_case_table_build(const ner_case_counter *k, size_t buckets)
{
    double *mid = vcd_xcalloc(buckets, sizeof *mid), *cap = vcd_xcalloc(buckets, sizeof *cap);
    for (size_t i = 0; i < k->n; i++) {
        if (k->mid[i] < NER_CASE_MIN_COUNT) continue; /* too few to say anything */
        size_t b = (size_t)(k->hash[i] % buckets);
        mid[b] += k->mid[i];
        cap[b] += k->cap[i];
    }
    float *t = vcd_xcalloc(2 * buckets, sizeof *t);
    for (size_t b = 0; b < buckets; b++) {
        if (mid[b] == 0) continue;
        t[2 * b] = (float)((cap[b] + 1) / (mid[b] + 2) - 0.5);
        double conf = log1p(mid[b]) / log1p(CASE_FULL_COUNT);
        t[2 * b + 1] = (float)(conf < 1 ? conf : 1);
    }
    free(mid);
    free(cap);
    return t;
}

size_t ner_case_table_used(const float *table, size_t buckets)
{
    size_t used = 0;
    for (size_t b = 0; b < buckets; b++)
        used += table[2 * b + 1] > 0;
    return used;
}

int ner_case_table_valid(const float *table, size_t buckets)
{
    for (size_t b = 0; b < buckets; b++) {
        float r = table[2 * b], c = table[2 * b + 1];
        if (!(r >= -0.5f && r <= 0.5f && c >= 0 && c <= 1)) return 0;
    }
    return 1;
}

void ner_case_features(const vcd_ner_model *m, const char *key, size_t n, float *dense)
{
    const ner_config *c = &m->cfg;
    if (!c->case_buckets || !n) return;
    size_t b = (size_t)(ner_case_hash(key, n) % c->case_buckets);
    float *out = dense + ner_case_offset(c);
    out[0] = m->case_table[2 * b];
    out[1] = m->case_table[2 * b + 1];
}
