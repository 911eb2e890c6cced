/* `train-ner` for the default CNN-CRF tagger: gold CoNLL (and optionally
 * silver CoNLL) in, a model folder out. Features are computed once, batches
 * of shuffled sentences are trained with Adam on the CRF's negative
 * log-likelihood, the dev set is scored with the project's conlleval scorer
 * after every epoch, and the best epoch is written. Same data and seed give
 * the same bytes: every random draw comes from one seeded generator and no
 * sum depends on the thread count. */
#include "ner_internal.h"
#include "vcd/fileio.h"

#include <cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NER_EVAL_ROWS 8192

void vcd_ner_train_options_default(vcd_ner_train_options *o)
{
    memset(o, 0, sizeof *o);
    /* The shipped model's settings, chosen on WNUT 2017 dev (README). */
    o->epochs = 20;
    o->batch = 32;
    o->char_buckets = 1 << 12;
    o->char_dim = 32;
    o->hidden = 256;
    o->lr = 1e-3f;
    o->dropout = 0.3f;
    o->weight_decay = 0;
    o->ema_decay = 0.998f;
    o->lowercase = 0;
    o->members = 1;
    o->seed = 42;
}

void vcd_ner_train_report_free(vcd_ner_train_report *r)
{
    free(r->epoch_loss);
    free(r->epoch_f1);
    free(r->epoch_f1_dev2);
    memset(r, 0, sizeof *r);
}

/* ---- data: CoNLL files as word sequences with gold chunks ---- */

typedef struct {
    vcd_conll *files;
    size_t n_files;
    vcd_word_seq *seqs;
    size_t n;          /* sentences */
    size_t n_first;    /* of them from the first file: gold */
    size_t n_labelled; /* gold and silver (full labels); partial ones follow */
    size_t n_open;     /* of the partial ones, the last n_open: the "open" scheme */
    size_t *row;       /* first word of each sentence in the flat arrays; n + 1 */
    const char **words;
    size_t *lens;
    const char **tags;
    vcd_chunk *chunks; /* per sentence: chunk_at[s] .. chunk_at[s + 1] */
    size_t *chunk_at;
    size_t *span_start, *span_end; /* chunk spans, sentence-relative */
    ner_own_spans *own;
} ner_set;

static void set_free(ner_set *d)
{
    for (size_t f = 0; f < d->n_files; f++)
        vcd_conll_free(&d->files[f]);
    free(d->files);
    free(d->seqs);
    free(d->row);
    free(d->words);
    free(d->lens);
    free(d->tags);
    free(d->chunks);
    free(d->chunk_at);
    free(d->span_start);
    free(d->span_end);
    free(d->own);
    memset(d, 0, sizeof *d);
}

static void set_index(ner_set *d, size_t limit)
{
    size_t sentences = 0, words = 0;
    for (size_t f = 0; f < d->n_files; f++) {
        sentences += d->files[f].n_sentences;
        words += d->files[f].n_tokens;
    }
    d->seqs = vcd_xcalloc(sentences + 1, sizeof *d->seqs);
    d->row = vcd_xcalloc(sentences + 1, sizeof *d->row);
    d->words = vcd_xcalloc(words + 1, sizeof *d->words);
    d->lens = vcd_xcalloc(words + 1, sizeof *d->lens);
    d->tags = vcd_xcalloc(words + 1, sizeof *d->tags);
    d->chunks = vcd_xcalloc(words + 1, sizeof *d->chunks);
    d->chunk_at = vcd_xcalloc(sentences + 1, sizeof *d->chunk_at);
    size_t w = 0, k = 0;
    for (size_t f = 0; f < d->n_files; f++) {
        const vcd_conll *c = &d->files[f];
        size_t take = f == 0 && limit && limit < c->n_sentences ? limit : c->n_sentences;
        for (size_t s = 0; s < take; s++) {
            size_t a = c->sentence_start[s], b = c->sentence_start[s + 1];
            d->row[d->n] = w;
            d->chunk_at[d->n] = k;
            for (size_t i = a; i < b; i++, w++) {
                d->words[w] = c->tokens[i].token;
                d->lens[w] = strlen(c->tokens[i].token);
                d->tags[w] = c->tokens[i].tag;
            }
            d->seqs[d->n] = (vcd_word_seq){d->words + d->row[d->n], d->lens + d->row[d->n], b - a};
            k += vcd_conll_chunks(d->tags + d->row[d->n], b - a, d->chunks + k);
            d->n++;
        }
        if (f == 0) d->n_first = d->n;
    }
    d->row[d->n] = w;
    d->chunk_at[d->n] = k;
    d->span_start = vcd_xcalloc(k + 1, sizeof *d->span_start);
    d->span_end = vcd_xcalloc(k + 1, sizeof *d->span_end);
    d->own = vcd_xcalloc(d->n + 1, sizeof *d->own);
    for (size_t s = 0; s < d->n; s++) {
        for (size_t j = d->chunk_at[s]; j < d->chunk_at[s + 1]; j++) {
            d->span_start[j] = d->chunks[j].start;
            d->span_end[j] = d->chunks[j].end;
        }
        d->own[s] = (ner_own_spans){d->span_start + d->chunk_at[s], d->span_end + d->chunk_at[s],
                                    d->chunk_at[s + 1] - d->chunk_at[s]};
    }
}

/* Loads first, then more[], then (if not NULL) a partially labelled file
 * and (if not NULL) an open-labelled one; scheme maps the first file's tags
 * (vcd_conll_map_types; NULL: as read). */
static vcd_status set_load(ner_set *d, const char *first, const char *scheme,
                           const char *const *more, size_t n_more, const char *partial,
                           const char *open, size_t limit)
{
    d->n_files = 1 + n_more + (partial != NULL) + (open != NULL);
    d->files = vcd_xcalloc(d->n_files, sizeof *d->files);
    vcd_status rc = vcd_conll_load_tagged(first, &d->files[0]);
    if (!rc && scheme) rc = vcd_conll_map_types(&d->files[0], scheme, first);
    for (size_t f = 1; !rc && f <= n_more; f++)
        rc = vcd_conll_load_tagged(more[f - 1], &d->files[f]);
    if (!rc && partial) rc = vcd_conll_load_tagged(partial, &d->files[1 + n_more]);
    if (!rc && open) rc = vcd_conll_load_tagged(open, &d->files[d->n_files - 1]);
    if (rc) return rc;
    set_index(d, limit);
    d->n_labelled = d->n;
    if (partial) d->n_labelled -= d->files[1 + n_more].n_sentences;
    if (open) {
        d->n_open = d->files[d->n_files - 1].n_sentences;
        d->n_labelled -= d->n_open;
    }
    /* their chunks name other types: no gold span to hide from the gazetteer */
    for (size_t s = d->n_labelled; s < d->n; s++)
        d->own[s].n = 0;
    return VCD_OK;
}

/* ---- labels and gazetteer from the training side ---- */

static int type_index(const ner_config *c, const char *s, size_t n)
{
    for (size_t t = 0; t < c->n_types; t++)
        if (strlen(c->types[t]) == n && memcmp(c->types[t], s, n) == 0) return (int)t;
    return -1;
}

static vcd_status collect_types(const ner_set *d, ner_config *c)
{
    vcd_strmap *seen = vcd_strmap_new();
    char **types = NULL;
    size_t n = 0;
    for (size_t k = 0; k < d->chunk_at[d->n_labelled]; k++) {
        int inserted;
        vcd_strmap_upsert(seen, d->chunks[k].type, d->chunks[k].type_len, n, &inserted);
        if (!inserted) continue;
        types = vcd_xrealloc(types, (n + 1) * sizeof *types);
        types[n++] = vcd_xstrndup(d->chunks[k].type, d->chunks[k].type_len);
    }
    vcd_strmap_free(seen);
    if (n == 0 || n > 31) {
        for (size_t i = 0; i < n; i++)
            free(types[i]);
        free(types);
        return vcd_fail(VCD_EINPUT, "train-ner: training data has %zu entity types (need 1..31)",
                        n);
    }
    ner_config_set_types(c, types, n);
    return VCD_OK;
}

static void gold_labels(const ner_set *d, const ner_config *c, int32_t *gold)
{
    memset(gold, 0, d->row[d->n] * sizeof *gold);
    for (size_t s = 0; s < d->n; s++)
        for (size_t j = d->chunk_at[s]; j < d->chunk_at[s + 1]; j++) {
            const vcd_chunk *ch = &d->chunks[j];
            int t = type_index(c, ch->type, ch->type_len);
            if (t < 0) continue;
            for (size_t w = ch->start; w < ch->end; w++)
                gold[d->row[s] + w] = 1 + 2 * t + (w > ch->start);
        }
}

/* ---- partial labels ---- */

/* Bit of the B- (bio 1) or I- (bio 2) label of a type; 0 if the model has
 * no such type. */
static uint64_t label_bit(const ner_config *c, const char *type, int bio)
{
    int t = type_index(c, type, strlen(type));
    return t < 0 ? 0 : (uint64_t)1 << (2 * t + bio);
}

static uint64_t type_bits(const ner_config *c, const char *const *types, size_t n, int bio)
{
    uint64_t bits = 0;
    for (size_t i = 0; i < n; i++)
        bits |= label_bit(c, types[i], bio);
    return bits;
}

/* The WNUT tags a BTC chunk of this type allows, B- or I- words. */
static uint64_t btc_chunk_bits(const ner_config *c, const vcd_chunk *ch, int bio)
{
    static const char *const per[] = {"person"}, *const loc[] = {"location"},
                             *const org[] = {"corporation", "group"};
    if (ch->type_len == 3 && memcmp(ch->type, "PER", 3) == 0) return type_bits(c, per, 1, bio);
    if (ch->type_len == 3 && memcmp(ch->type, "LOC", 3) == 0) return type_bits(c, loc, 1, bio);
    if (ch->type_len == 3 && memcmp(ch->type, "ORG", 3) == 0) return type_bits(c, org, 2, bio);
    return 0;
}

int ner_partial_scheme_known(const char *scheme)
{
    return scheme && (strcmp(scheme, "btc") == 0 || strcmp(scheme, "btc-org") == 0);
}

/* Per word of the partially labelled sentences, the tags their annotation
 * allows. BTC marks persons, locations and organisations only, so a word
 * it leaves outside may still be a product or creative work, and under
 * "btc" a group: those types are not taught as "O". "btc-org" reads BTC's
 * ORG as covering WNUT's groups too (bands, teams and parties are
 * organisations), so a BTC "O" word is not a group. Every set keeps a
 * BIO-valid path (O outside chunks, B- then I- of one type inside). */
static vcd_status partial_masks(const ner_set *d, const ner_config *c, const char *scheme,
                                const char *name, uint64_t *allowed)
{
    static const char *const unlabelled[] = {"product", "creative-work", "group"};
    if (!ner_partial_scheme_known(scheme))
        return vcd_fail(VCD_EINPUT,
                        "train-ner: unknown partial-label scheme '%s' (expected btc or btc-org)",
                        scheme ? scheme : "");
    size_t n_open = strcmp(scheme, "btc") == 0 ? 3 : 2;
    uint64_t outside =
        1 | type_bits(c, unlabelled, n_open, 1) | type_bits(c, unlabelled, n_open, 2);
    for (size_t s = d->n_labelled; s < d->n - d->n_open; s++) {
        uint64_t *a = allowed + d->row[s];
        for (size_t w = 0; w < d->seqs[s].n; w++)
            a[w] = outside;
        for (size_t j = d->chunk_at[s]; j < d->chunk_at[s + 1]; j++) {
            const vcd_chunk *ch = &d->chunks[j];
            uint64_t b = btc_chunk_bits(c, ch, 1), i = btc_chunk_bits(c, ch, 2);
            if (!b || !i)
                return vcd_fail(VCD_EINPUT,
                                "%s: BTC type '%.*s' is not PER, ORG or LOC, or the training "
                                "data lacks its WNUT types",
                                name, (int)ch->type_len, ch->type);
            for (size_t w = ch->start; w < ch->end; w++)
                a[w] = w == ch->start ? b : i;
        }
    }
    return VCD_OK;
}

vcd_status ner_open_mask(const ner_config *c, const vcd_chunk *chunks, size_t n_chunks,
                         size_t n_words, const char *name, uint64_t *allowed)
{
    uint64_t any = ((uint64_t)1 << c->n_labels) - 1, no_inside = 1;
    for (size_t t = 0; t < c->n_types; t++)
        no_inside |= (uint64_t)1 << (1 + 2 * t);
    for (size_t w = 0; w < n_words; w++)
        allowed[w] = any;
    for (size_t j = 0; j < n_chunks; j++) {
        const vcd_chunk *ch = &chunks[j];
        int t = type_index(c, ch->type, ch->type_len);
        int not_entity = ch->type_len == 10 && memcmp(ch->type, "not-entity", 10) == 0;
        if (t < 0 && !not_entity)
            return vcd_fail(VCD_EINPUT,
                            "%s: type '%.*s' is not one of the training data's types or "
                            "not-entity",
                            name, (int)ch->type_len, ch->type);
        for (size_t w = ch->start; w < ch->end; w++)
            allowed[w] = not_entity ? 1 : (uint64_t)1 << (1 + 2 * t + (w > ch->start));
        if (!not_entity && ch->end < n_words) allowed[ch->end] &= no_inside;
    }
    return VCD_OK;
}

/* The open-labelled sentences are the last d->n_open. */
static vcd_status open_masks(const ner_set *d, const ner_config *c, const char *name,
                             uint64_t *allowed)
{
    vcd_status rc = VCD_OK;
    for (size_t s = d->n - d->n_open; !rc && s < d->n; s++)
        rc = ner_open_mask(c, d->chunks + d->chunk_at[s], d->chunk_at[s + 1] - d->chunk_at[s],
                           d->seqs[s].n, name, allowed + d->row[s]);
    return rc;
}

/* The moves a partial path may make: the decoder's BIO rules (an I- tag
 * only continues its own type). */
static void bio_moves(const ner_config *c, uint8_t *trans_ok, uint8_t *start_ok)
{
    size_t L = c->n_labels;
    for (size_t i = 0; i < L; i++)
        for (size_t j = 0; j < L; j++)
            trans_ok[i * L + j] = !(c->label_bio[j] == 2 && c->label_type[i] != c->label_type[j]);
    for (size_t j = 0; j < L; j++)
        start_ok[j] = c->label_bio[j] != 2;
}

/* Key of words [a, b) of the sentence whose keys sc holds: the words'
 * match keys joined by spaces; 0 if a word has no key. */
static int span_key(const ner_scratch *sc, size_t a, size_t b, vcd_buf *key)
{
    vcd_buf_clear(key);
    for (size_t w = a; w < b; w++) {
        const vcd_buf *k = &sc->word_keys[w];
        if (!k->len) return 0;
        if (w > a) vcd_buf_putc(key, ' ');
        vcd_buf_append(key, k->data, k->len);
    }
    return 1;
}

/* Entity names of the training chunks, each with its most frequent type and
 * its number of training mentions; names that are more often plain text
 * than an entity in the training data are left out. */
static void build_gazetteer(const ner_set *d, size_t n_sentences, const ner_config *c,
                            ner_gazetteer *out)
{
    ner_gazetteer all = {0};
    size_t T = c->n_types, cap = 0;
    uint32_t *by_type = NULL, *as_text = NULL;
    vcd_buf key = {0};
    ner_scratch sc = {0};
    for (size_t s = 0; s < n_sentences; s++) {
        ner_sentence_keys(&d->seqs[s], &sc);
        for (size_t j = d->chunk_at[s]; j < d->chunk_at[s + 1]; j++) {
            const vcd_chunk *ch = &d->chunks[j];
            int t = type_index(c, ch->type, ch->type_len);
            if (t < 0 || ch->end - ch->start > NER_GAZ_MAX_WORDS ||
                !span_key(&sc, ch->start, ch->end, &key))
                continue;
            ner_gazetteer_add(&all, key.data, key.len, 0, 1);
            if (all.n > cap) {
                cap = 2 * all.n;
                by_type = vcd_xrealloc(by_type, cap * T * sizeof *by_type);
                as_text = vcd_xrealloc(as_text, cap * sizeof *as_text);
            }
            size_t e = vcd_strmap_get(all.map, key.data, key.len, 0);
            if (all.count[e] == 1) { /* a new entry */
                memset(by_type + e * T, 0, T * sizeof *by_type);
                as_text[e] = 0;
            }
            by_type[e * T + (size_t)t]++;
        }
    }
    /* How often each name occurs at all (as any span of words). */
    for (size_t s = 0; s < n_sentences && all.n; s++) {
        ner_sentence_keys(&d->seqs[s], &sc);
        for (size_t a = 0; a < d->seqs[s].n; a++)
            for (size_t b = a + 1; b <= d->seqs[s].n && b - a <= NER_GAZ_MAX_WORDS; b++) {
                if (!span_key(&sc, a, b, &key)) break;
                size_t e = vcd_strmap_get(all.map, key.data, key.len, SIZE_MAX);
                if (e != SIZE_MAX) as_text[e]++;
            }
    }
    memset(out, 0, sizeof *out);
    for (size_t e = 0; e < all.n; e++) {
        if (2 * all.count[e] < as_text[e]) continue;
        size_t best = 0;
        for (size_t t = 1; t < T; t++)
            if (by_type[e * T + t] > by_type[e * T + best]) best = t;
        ner_gazetteer_add(out, all.key[e], strlen(all.key[e]), (int32_t)best, all.count[e]);
    }
    ner_gazetteer_free(&all);
    free(by_type);
    free(as_text);
    vcd_buf_free(&key);
    ner_scratch_free(&sc);
}

/* ---- the trainer ---- */

typedef struct {
    const vcd_ner_train_options *o;
    vcd_ner_model *m;
    vcd_kb *kb;              /* the knowledge base of the flags (o->kb_path), open while training */
    size_t case_words;       /* words in the capitalisation prior */
    ner_case_counter case_k; /* its counts, until the silver spans are vetted */
    size_t silver_case_dropped; /* silver spans relabelled O (silver_case_floor) */
    ner_set train, dev, dev2;
    int32_t *gold;     /* per training word */
    uint64_t *allowed; /* per training word of the partial sentences: nn_crf_allowed */
    uint64_t *batch_allowed;
    uint8_t *trans_ok, *start_ok, *batch_partial;
    size_t partial_skipped;
    ner_features train_f, dev_f, dev2_f, batch_f;
    ner_acts acts;
    float *grad, *adam_m, *adam_v, *best;
    float *ema; /* exponential moving average of the parameters (scored, kept) */
    ner_params g;
    size_t *order, *starts, *silver_order, *partial_order;
    int32_t *batch_gold, *dev_labels;
    float *dev_conf; /* per dev word, for the confidence floor */
    const char **dev_tags;
    float *crf_scratch;
    size_t crf_cap;
    vcd_rng rng;
    long step;
} trainer;

static void trainer_free(trainer *t)
{
    vcd_ner_model_free(t->m);
    vcd_kb_close(t->kb);
    ner_case_counter_free(&t->case_k);
    set_free(&t->train);
    set_free(&t->dev);
    set_free(&t->dev2);
    ner_features_free(&t->train_f);
    ner_features_free(&t->dev_f);
    ner_features_free(&t->dev2_f);
    ner_features_free(&t->batch_f);
    ner_acts_free(&t->acts);
    void *all[] = {t->gold,         t->grad,          t->adam_m,        t->adam_v,
                   t->best,         t->ema,           t->order,         t->starts,
                   t->batch_gold,   t->dev_labels,    t->dev_tags,      t->crf_scratch,
                   t->silver_order, t->allowed,       t->batch_allowed, t->trans_ok,
                   t->start_ok,     t->batch_partial, t->partial_order, t->dev_conf};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        free(all[i]);
}

/* PyTorch's nn.Linear initialisation: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
static void init_uniform(float *p, size_t n, float bound, vcd_rng *rng)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (float)((2 * vcd_rng_uniform(rng) - 1) * bound);
}

static void init_params(vcd_ner_model *m, vcd_rng *rng)
{
    const ner_config *c = &m->cfg;
    size_t D = c->in_dim, H = c->hidden, L = c->n_labels;
    init_uniform(m->member[0].char_emb, c->char_buckets * c->char_dim, 0.1f, rng);
    float b1 = 1.0f / sqrtf((float)(3 * D)), b2 = 1.0f / sqrtf((float)(3 * H));
    float b3 = 1.0f / sqrtf((float)H);
    init_uniform(m->member[0].w1, H * 3 * D, b1, rng);
    init_uniform(m->member[0].b1, H, b1, rng);
    size_t Hl = c->lstm, T = ner_top_width(c);
    if (Hl) {
        /* PyTorch's LSTM initialisation, with the forget gates' bias at 1
         * so that early gradients flow through the cell. */
        float bl = 1.0f / sqrtf((float)Hl);
        for (int d = 0; d < 2; d++) {
            init_uniform(m->member[0].lstm_w_ih[d], 4 * Hl * H, bl, rng);
            init_uniform(m->member[0].lstm_w_hh[d], 4 * Hl * Hl, bl, rng);
            init_uniform(m->member[0].lstm_b[d], 4 * Hl, bl, rng);
            for (size_t j = 0; j < Hl; j++)
                m->member[0].lstm_b[d][Hl + j] = 1.0f;
        }
    } else {
        init_uniform(m->member[0].w2, H * 3 * H, b2, rng);
        init_uniform(m->member[0].b2, H, b2, rng);
    }
    b3 = 1.0f / sqrtf((float)T);
    init_uniform(m->member[0].w3, L * T, b3, rng);
    init_uniform(m->member[0].b3, L, b3, rng);
}

static void features_for_set(const vcd_ner_model *m, const ner_set *d, int own, ner_features *f)
{
    ner_features_reserve(f, &m->cfg, d->row[d->n] + 1);
    ner_features_batch(m, d->seqs, d->n, d->row, own ? d->own : NULL, f);
}

/* A view of rows [from, ...) of precomputed features. */
static ner_features features_view(const ner_features *f, const ner_config *c, size_t from)
{
    ner_features v = {f->rows - from, f->dense + from * c->n_dense,
                      f->ngrams + from * NER_MAX_NGRAMS, f->n_ngrams + from};
    return v;
}

/* Tags a dev set with the model as it stands; strict entity P, R, F1. */
static vcd_status score_set(trainer *t, const ner_set *d, const ner_features *f, double *p,
                            double *r, double *f1)
{
    const ner_config *c = &t->m->cfg;
    size_t s = 0;
    while (s < d->n) {
        size_t e = s + 1;
        while (e < d->n && d->row[e + 1] - d->row[s] <= NER_EVAL_ROWS)
            e++;
        for (size_t k = s; k <= e; k++)
            t->starts[k - s] = d->row[k] - d->row[s];
        ner_features view = features_view(f, c, d->row[s]);
        ner_acts_reserve(&t->acts, c, t->starts[e - s], 1);
        ner_emissions(t->m, &view, t->starts, e - s, &t->acts);
        float *conf = c->min_span_conf > 0 ? t->dev_conf + d->row[s] : NULL;
        ner_decode(t->m, &t->acts, t->starts, e - s, t->dev_labels + d->row[s], conf);
        ner_trim_verbs(c, d->seqs + s, e - s, t->starts, t->dev_labels + d->row[s]);
        if (conf) ner_drop_unsure(c, t->starts[e - s], conf, t->dev_labels + d->row[s]);
        s = e;
    }
    for (size_t w = 0; w < d->row[d->n]; w++)
        t->dev_tags[w] = c->labels[t->dev_labels[w]];
    vcd_ner_score sc;
    vcd_status rc = vcd_ner_score_tags(&d->files[0], t->dev_tags, &sc);
    if (rc) return rc;
    vcd_prf(sc.tp, sc.fp, sc.fn, p, r, f1);
    vcd_ner_score_free(&sc);
    return VCD_OK;
}

/* Dev scores of the model as it stands. sel is what selection maximises:
 * dev F1, or with a second dev set the mean of both (a gain on one domain
 * that costs as much on the other is no gain). p, r: dev's. */
typedef struct {
    double p, r, f1, f1_dev2, sel;
} dev_scores;

static vcd_status score_dev(trainer *t, dev_scores *s)
{
    memset(s, 0, sizeof *s);
    vcd_status rc = score_set(t, &t->dev, &t->dev_f, &s->p, &s->r, &s->f1);
    s->sel = s->f1;
    if (rc || !t->o->dev2_path) return rc;
    double p2, r2;
    rc = score_set(t, &t->dev2, &t->dev2_f, &p2, &r2, &s->f1_dev2);
    s->sel = 0.5 * (s->f1 + s->f1_dev2);
    return rc;
}

/* Scores the dev set with another parameter array (the average, a saved
 * best) in place of member 0's (the network being trained). */
static vcd_status score_dev_with(trainer *t, float *store, dev_scores *s)
{
    vcd_ner_model *m = t->m;
    ner_params live = m->member[0];
    ner_params_bind(&m->member[0], store, &m->cfg);
    ner_model_update_decoding(m);
    vcd_status rc = score_dev(t, s);
    m->member[0] = live;
    ner_model_update_decoding(m);
    return rc;
}

/* Makes a sentence's features read as if it were typed in lower case.
 * Comments often are, while the training tweets mostly are not; every
 * other feature (vectors, n-grams, gazetteer) is case-blind already. */
static void lowercase_rows(float *dense, size_t rows, const ner_config *c)
{
    for (size_t r = 0; r < rows; r++) {
        float *f = dense + r * c->n_dense + c->vec_dim;
        f[NER_F_UPPER_INITIAL] = f[NER_F_ALL_UPPER] = f[NER_F_INNER_UPPER] = 0;
        f[NER_F_HAS_LOWER] = f[NER_F_HAS_LETTER];
    }
}

/* Copies the batch's sentences' feature rows and gold labels together. */
static size_t gather_batch(trainer *t, const size_t *idx, size_t n)
{
    const ner_config *c = &t->m->cfg;
    const ner_set *d = &t->train;
    t->starts[0] = 0;
    for (size_t k = 0; k < n; k++)
        t->starts[k + 1] = t->starts[k] + d->seqs[idx[k]].n;
    size_t rows = t->starts[n];
    ner_features_reserve(&t->batch_f, c, rows);
    for (size_t k = 0; k < n; k++) {
        size_t src = d->row[idx[k]], dst = t->starts[k], len = d->seqs[idx[k]].n;
        memcpy(t->batch_f.dense + dst * c->n_dense, t->train_f.dense + src * c->n_dense,
               len * c->n_dense * sizeof(float));
        memcpy(t->batch_f.ngrams + dst * NER_MAX_NGRAMS, t->train_f.ngrams + src * NER_MAX_NGRAMS,
               len * NER_MAX_NGRAMS * sizeof(uint32_t));
        memcpy(t->batch_f.n_ngrams + dst, t->train_f.n_ngrams + src, len);
        memcpy(t->batch_gold + dst, t->gold + src, len * sizeof *t->gold);
        t->batch_partial[k] = idx[k] >= d->n_labelled;
        if (t->batch_partial[k])
            memcpy(t->batch_allowed + dst, t->allowed + src, len * sizeof *t->allowed);
        if (t->o->lowercase > 0 && vcd_rng_uniform(&t->rng) < (double)t->o->lowercase)
            lowercase_rows(t->batch_f.dense + dst * c->n_dense, len, c);
    }
    return rows;
}

/* CRF loss of every sentence; fills acts.d_emit and the CRF gradients,
 * both scaled to the batch mean. */
static double crf_loss(trainer *t, size_t n_seq)
{
    const ner_config *c = &t->m->cfg;
    size_t L = c->n_labels;
    const ner_params *p = &t->m->member[0];
    nn_crf crf = {p->trans, p->start, p->end, L};
    double loss = 0;
    for (size_t s = 0; s < n_seq; s++) {
        size_t a = t->starts[s], n = t->starts[s + 1] - a;
        if (!n) continue;
        if (n > t->crf_cap) {
            t->crf_cap = 2 * n;
            t->crf_scratch = vcd_xrealloc(
                t->crf_scratch, nn_crf_partial_scratch_floats(t->crf_cap, L) * sizeof(float));
        }
        if (!t->batch_partial[s]) {
            loss += nn_crf_nll(t->acts.d_emit + a * L, t->g.trans, t->g.start, t->g.end,
                               t->acts.emit + a * L, t->batch_gold + a, n, &crf, t->crf_scratch);
            continue;
        }
        nn_crf_allowed k = {t->batch_allowed + a, t->trans_ok, t->start_ok};
        double l = nn_crf_partial_nll(t->acts.d_emit + a * L, t->g.trans, t->g.start, t->g.end,
                                      t->acts.emit + a * L, &k, n, &crf, t->crf_scratch);
        if (isnan(l))
            t->partial_skipped++; /* no allowed path: no gradient (partial_masks prevents it) */
        else
            loss += l;
    }
    float inv = 1.0f / (float)n_seq;
    for (size_t i = 0; i < t->starts[n_seq] * L; i++)
        t->acts.d_emit[i] *= inv;
    for (size_t i = 0; i < L * L + 2 * L; i++)
        t->g.trans[i] *= inv; /* trans, start and end are contiguous */
    return loss / (double)n_seq;
}

static void clip_gradient(float *g, size_t n, double max_norm)
{
    double norm = nn_global_norm(g, n);
    if (norm <= max_norm) return;
    float scale = (float)(max_norm / norm);
    for (size_t i = 0; i < n; i++)
        g[i] *= scale;
}

static double train_step(trainer *t, const size_t *idx, size_t n_seq)
{
    const vcd_ner_train_options *o = t->o;
    vcd_ner_model *m = t->m;
    size_t rows = gather_batch(t, idx, n_seq);
    ner_acts_reserve(&t->acts, &m->cfg, rows, 1);
    memset(t->grad, 0, m->n_params * sizeof *t->grad);
    const ner_params *p = &m->member[0];
    ner_net_forward(&m->cfg, p, &t->batch_f, t->starts, n_seq, &t->acts, o->dropout, &t->rng);
    double loss = crf_loss(t, n_seq);
    ner_net_backward(&m->cfg, p, &t->batch_f, t->starts, n_seq, &t->acts, &t->g);
    clip_gradient(t->grad, m->n_params, 5.0);
    nn_adamw opt = {o->lr, 0.9f, 0.999f, 1e-8f, o->weight_decay};
    nn_adamw_update(m->store, t->grad, t->adam_m, t->adam_v, m->n_params, &opt, ++t->step,
                    o->weight_decay > 0);
    if (t->ema) {
        float d = o->ema_decay;
        for (size_t i = 0; i < m->n_params; i++)
            t->ema[i] = d * t->ema[i] + (1 - d) * m->store[i];
    }
    return loss;
}

/* Appends `per` sentences of pool (n of them) drawn afresh, or all of them
 * (in their order) when per is 0 or not less than n. */
static size_t draw(trainer *t, size_t at, size_t *pool, size_t n, size_t per)
{
    if (per && per < n) {
        vcd_rng_shuffle(pool, n, &t->rng);
        n = per;
    }
    memcpy(t->order + at, pool, n * sizeof *t->order);
    return at + n;
}

/* This epoch's sentences in t->order, shuffled: all of them, or every gold
 * sentence and fresh draws of silver_per_epoch silver and partial_per_epoch
 * partial ones, so that gold keeps its weight however much else there is.
 * Returns how many. */
static size_t epoch_order(trainer *t)
{
    const ner_set *d = &t->train;
    const vcd_ner_train_options *o = t->o;
    size_t gold = d->n_first, silver = d->n_labelled - gold, partial = d->n - d->n_labelled;
    size_t n = d->n;
    if ((o->silver_per_epoch && o->silver_per_epoch < silver) ||
        (o->partial_per_epoch && o->partial_per_epoch < partial)) {
        for (size_t i = 0; i < gold; i++)
            t->order[i] = i;
        n = draw(t, gold, t->silver_order, silver, o->silver_per_epoch);
        n = draw(t, n, t->partial_order, partial, o->partial_per_epoch);
    }
    vcd_rng_shuffle(t->order, n, &t->rng);
    return n;
}

static double run_epoch(trainer *t)
{
    const vcd_ner_train_options *o = t->o;
    size_t n = epoch_order(t);
    double sum = 0;
    size_t batches = 0;
    for (size_t from = 0; from < n; from += o->batch) {
        size_t to = from + o->batch < n ? from + o->batch : n;
        sum += train_step(t, t->order + from, to - from);
        batches++;
        if (o->progress) o->progress(o->progress_ctx, "train", to, n);
    }
    return batches ? sum / (double)batches : 0;
}

/* ---- driver ---- */

static vcd_status check_options(const vcd_ner_train_options *o)
{
    if (!o->train_path || !o->out_dir || !o->vectors_path)
        return vcd_fail(VCD_EINPUT, "train-ner: --train, --out and vectors are required");
    if (o->dev2_path && !o->dev_path)
        return vcd_fail(VCD_EINPUT, "train-ner: a second dev set needs a first (--dev)");
    if (o->tune_span_floor && !o->dev_path)
        return vcd_fail(VCD_EINPUT, "train-ner: a span confidence floor is chosen on --dev");
    if (o->dev2_scheme && !vcd_conll_scheme_known(o->dev2_scheme))
        return vcd_fail(VCD_EINPUT, "train-ner: unknown dev2 tag scheme '%s' (expected wnut16)",
                        o->dev2_scheme);
    if (o->partial_path && !ner_partial_scheme_known(o->partial_scheme))
        return vcd_fail(VCD_EINPUT,
                        "train-ner: unknown partial-label scheme '%s' (expected btc or btc-org)",
                        o->partial_scheme ? o->partial_scheme : "");
    if (o->silver_case_floor > 0 && !o->case_text_path)
        return vcd_fail(VCD_EINPUT, "train-ner: --silver-case-floor needs --case-prior");
    if (!(o->silver_case_floor >= 0 && o->silver_case_floor <= 1))
        return vcd_fail(VCD_EINPUT, "train-ner: --silver-case-floor must be in [0, 1]");
    if (o->case_text_path && !o->kb_path)
        return vcd_fail(VCD_EINPUT, "train-ner: a capitalisation prior (--case-prior) needs --kb");
    if (o->epochs < 1 || o->epochs > 1000 || o->batch < 1 || o->batch > 4096)
        return vcd_fail(VCD_EINPUT, "train-ner: epochs must be 1..1000 and batch 1..4096");
    if (!(o->lr > 0 && o->lr < 1) || !(o->dropout >= 0 && o->dropout < 1) ||
        !(o->ema_decay >= 0 && o->ema_decay < 1) || !(o->lowercase >= 0 && o->lowercase <= 1) ||
        !(o->weight_decay >= 0 && o->weight_decay < 1))
        return vcd_fail(VCD_EINPUT, "train-ner: need 0 < lr < 1 and dropout, ema, weight decay "
                                    "in [0, 1), lowercase in [0, 1]");
    if (o->char_buckets < 1 || o->char_buckets > (1u << 24) || o->char_dim < 1 ||
        o->char_dim > 512 || o->hidden < 1 || o->hidden > 4096 || o->lstm > 1024 ||
        o->members < 1 || o->members > 16)
        return vcd_fail(VCD_EINPUT, "train-ner: need char buckets 1..2^24, char dim 1..512, "
                                    "hidden 1..4096, lstm 0..1024, members 1..16");
    return VCD_OK;
}

static void data_version(cJSON *parent, const char *key, const char *path)
{
    vcd_mapped_file f;
    if (!path || vcd_map_file(path, &f)) return;
    cJSON *o = cJSON_AddObjectToObject(parent, key);
    /* the repository's own files by their relative path: a log must not
     * record one machine's directories */
    const char *data_dir = VCD_DATA_DIR "/";
    size_t dn = strlen(data_dir);
    if (strncmp(path, data_dir, dn) == 0) {
        char rel[4096];
        snprintf(rel, sizeof rel, "data/%s", path + dn);
        cJSON_AddStringToObject(o, "path", rel);
    } else {
        cJSON_AddStringToObject(o, "path", path);
    }
    cJSON_AddNumberToObject(o, "bytes", (double)f.len);
    char hex[17];
    snprintf(hex, sizeof hex, "%016" PRIx64, vcd_hash64(f.data, f.len, 0));
    cJSON_AddStringToObject(o, "hash64", hex);
    vcd_unmap_file(&f);
}

static vcd_status write_log(const trainer *t, const vcd_ner_train_report *r, double saved_f1)
{
    const vcd_ner_train_options *o = t->o;
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "schema", "vcdiscover.train-ner/1");
    cJSON_AddStringToObject(j, "architecture", o->lstm ? "cnn-bilstm-crf" : "cnn-crf");
    if (o->command) cJSON_AddStringToObject(j, "command", o->command);
    if (o->note) cJSON_AddStringToObject(j, "note", o->note);
    cJSON *data = cJSON_AddObjectToObject(j, "data");
    data_version(data, "train", o->train_path);
    data_version(data, "dev", o->dev_path);
    data_version(data, "dev2", o->dev2_path);
    for (size_t i = 0; i < o->n_extra_train; i++)
        data_version(data, i == 0 ? "silver" : "extra", o->extra_train[i]);
    data_version(data, "partial", o->partial_path);
    data_version(data, "open_labels", o->open_path);
    if (o->dev2_scheme) cJSON_AddStringToObject(j, "dev2_scheme", o->dev2_scheme);
    if (o->dev2_path) cJSON_AddStringToObject(j, "selection", "mean of dev and dev2 F1");
    if (o->partial_path || o->open_path) {
        if (o->partial_path) cJSON_AddStringToObject(j, "partial_scheme", o->partial_scheme);
        cJSON_AddNumberToObject(j, "partial_sentences", (double)r->partial_sentences);
        if (o->open_path)
            cJSON_AddNumberToObject(j, "open_label_sentences", (double)r->open_sentences);
        if (o->partial_per_epoch)
            cJSON_AddNumberToObject(j, "partial_per_epoch", (double)o->partial_per_epoch);
        cJSON_AddNumberToObject(j, "partial_skipped", (double)r->partial_skipped);
    }
    data_version(data, "vectors", o->vectors_path);
    data_version(data, "kb", o->kb_path);
    data_version(data, "case_prior_text", o->case_text_path);
    if (o->case_text_path) {
        cJSON *cp = cJSON_AddObjectToObject(j, "case_prior");
        cJSON_AddNumberToObject(cp, "buckets", (double)t->m->cfg.case_buckets);
        cJSON_AddNumberToObject(cp, "words", (double)t->case_words);
        if (o->silver_case_floor > 0) {
            cJSON_AddNumberToObject(cp, "silver_case_floor", o->silver_case_floor);
            cJSON_AddNumberToObject(cp, "silver_spans_relabelled_o",
                                    (double)t->silver_case_dropped);
        }
        cJSON_AddNumberToObject(
            cp, "buckets_used",
            (double)ner_case_table_used(t->m->case_table, t->m->cfg.case_buckets));
    }
    cJSON_AddNumberToObject(j, "epochs", (double)o->epochs);
    if (o->silver_per_epoch)
        cJSON_AddNumberToObject(j, "silver_per_epoch", (double)o->silver_per_epoch);
    cJSON_AddNumberToObject(j, "batch", (double)o->batch);
    cJSON_AddNumberToObject(j, "lr", o->lr);
    cJSON_AddNumberToObject(j, "dropout", o->dropout);
    cJSON_AddNumberToObject(j, "weight_decay", o->weight_decay);
    cJSON_AddNumberToObject(j, "members", (double)o->members);
    cJSON_AddNumberToObject(j, "ema_decay", o->ema_decay);
    cJSON_AddNumberToObject(j, "lowercase", o->lowercase);
    cJSON_AddNumberToObject(j, "seed", (double)o->seed);
    cJSON_AddNumberToObject(j, "o_penalty", r->o_penalty);
    if (o->tune_span_floor) cJSON_AddNumberToObject(j, "min_span_confidence", r->min_span_conf);
    if (o->dev_path)
        cJSON_AddNumberToObject(j, "dev_f1_without_penalty", r->f1_before_penalty * 100);
    cJSON_AddStringToObject(j, "weights", o->f16 ? "F16" : "F32");
    cJSON_AddNumberToObject(j, "parameters", (double)t->m->n_params);
    cJSON_AddNumberToObject(j, "train_sentences", (double)r->train_sentences);
    cJSON_AddNumberToObject(j, "train_words", (double)r->train_words);
    cJSON_AddNumberToObject(j, "gazetteer_entries", (double)r->gazetteer_entries);
    cJSON_AddNumberToObject(j, "best_epoch", (double)r->best_epoch);
    if (o->dev_path) {
        cJSON_AddNumberToObject(j, "best_dev_f1", r->best_f1 * 100);
        cJSON_AddNumberToObject(j, "saved_dev_f1", saved_f1 * 100);
    }
    if (o->dev2_path) {
        cJSON_AddNumberToObject(j, "best_dev2_f1", r->best_f1_dev2 * 100);
        cJSON_AddNumberToObject(j, "saved_dev2_f1", r->saved_f1_dev2 * 100);
    }
    cJSON *ep = cJSON_AddArrayToObject(j, "per_epoch");
    for (size_t i = 0; i < r->epochs_run; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "member", (double)(i / o->epochs + 1));
        cJSON_AddNumberToObject(e, "epoch", (double)(i % o->epochs + 1));
        cJSON_AddNumberToObject(e, "train_loss", r->epoch_loss[i]);
        if (o->dev_path) cJSON_AddNumberToObject(e, "dev_f1", r->epoch_f1[i] * 100);
        if (o->dev2_path) cJSON_AddNumberToObject(e, "dev2_f1", r->epoch_f1_dev2[i] * 100);
        cJSON_AddItemToArray(ep, e);
    }
    char *text = cJSON_Print(j);
    cJSON_Delete(j);
    char *path = vcd_path_join(o->out_dir, "train_log.json");
    vcd_status rc = vcd_write_file_atomic(path, text, strlen(text));
    free(path);
    cJSON_free(text);
    return rc;
}

/* The capitalisation prior from the text file and the gold and partial
 * training sentences (not the silver ones: they are comments the file
 * already holds). */
static vcd_status case_prior(trainer *t)
{
    ner_case_counter *k = &t->case_k;
    vcd_status rc = ner_case_count_file(k, t->o->case_text_path);
    for (size_t s = 0; !rc && s < t->train.n; s++)
        if (s < t->train.n_first || s >= t->train.n_labelled)
            ner_case_count_words(k, &t->train.seqs[s]);
    if (!rc) {
        t->m->cfg.case_buckets = NER_CASE_BUCKETS_DEFAULT;
        t->m->case_table = ner_case_table_build(k, t->m->cfg.case_buckets);
        for (size_t i = 0; i < k->n; i++)
            t->case_words += k->mid[i] >= NER_CASE_MIN_COUNT;
    }
    return rc;
}

/* Relabels O every silver span whose words, pooled, were seen capitalised
 * less often than o->silver_case_floor of their (at least
 * NER_CASE_MIN_COUNT) mid-sentence sightings; a span with no counted word
 * stays. Chunks lose their type, which no label has. */
static void vet_silver_spans(trainer *t)
{
    ner_set *d = &t->train;
    const ner_case_counter *k = &t->case_k;
    vcd_buf key = {0};
    for (size_t s = d->n_first; s < d->n_labelled; s++)
        for (size_t j = d->chunk_at[s]; j < d->chunk_at[s + 1]; j++) {
            vcd_chunk *ch = &d->chunks[j];
            double mid = 0, cap = 0;
            for (size_t w = ch->start; w < ch->end; w++) {
                ner_word_key(d->seqs[s].words[w], d->seqs[s].lens[w], &key);
                size_t i = k->map ? vcd_strmap_get(k->map, key.data, key.len, SIZE_MAX) : SIZE_MAX;
                if (i == SIZE_MAX || k->mid[i] < NER_CASE_MIN_COUNT) continue;
                mid += k->mid[i];
                cap += k->cap[i];
            }
            if (mid > 0 && cap < t->o->silver_case_floor * mid) {
                ch->type_len = 0;
                t->silver_case_dropped++;
            }
        }
    vcd_buf_free(&key);
}

static vcd_status trainer_setup(trainer *t, const vcd_vectors *vec)
{
    const vcd_ner_train_options *o = t->o;
    vcd_status rc = set_load(&t->train, o->train_path, NULL, o->extra_train, o->n_extra_train,
                             o->partial_path, o->open_path, o->max_train_sentences);
    if (!rc && o->dev_path) rc = set_load(&t->dev, o->dev_path, NULL, NULL, 0, NULL, NULL, 0);
    if (!rc && o->dev2_path)
        rc = set_load(&t->dev2, o->dev2_path, o->dev2_scheme, NULL, 0, NULL, NULL, 0);
    if (rc) return rc;
    if (t->train.n == 0) return vcd_fail(VCD_EINPUT, "%s: no sentences", o->train_path);
    t->m = ner_model_alloc(vec);
    ner_config *c = &t->m->cfg;
    c->vec_dim = vcd_vectors_dim(vec);
    c->vectors_digest = vcd_vectors_digest(vec);
    c->char_buckets = o->char_buckets;
    c->char_dim = o->char_dim;
    c->hidden = o->hidden;
    c->lstm = o->lstm;
    c->members = o->members;
    if (o->kb_path) {
        if ((rc = vcd_kb_open(o->kb_path, &t->kb))) return rc;
        c->kb_sources = NER_KB_SOURCES;
        c->kb_digest = vcd_kb_digest(t->kb);
        ner_kb_index_build(t->kb, &t->m->kb);
    }
    if (o->case_text_path && (rc = case_prior(t))) return rc;
    if ((rc = collect_types(&t->train, c))) return rc;
    if (o->case_text_path && o->silver_case_floor > 0) vet_silver_spans(t);
    ner_model_alloc_params(t->m, o->members);
    /* Gold sentences only: silver labels are gazetteer matches themselves,
     * and their names would teach the model to trust the flags blindly. */
    build_gazetteer(&t->train, t->train.n_first, c, &t->m->gaz);
    size_t words = t->train.row[t->train.n];
    t->gold = vcd_xmalloc((words + 1) * sizeof *t->gold);
    gold_labels(&t->train, c, t->gold);
    size_t L = c->n_labels;
    t->allowed = vcd_xcalloc(words + 1, sizeof *t->allowed);
    t->batch_allowed = vcd_xcalloc(words + 1, sizeof *t->batch_allowed);
    t->trans_ok = vcd_xmalloc(L * L);
    t->start_ok = vcd_xmalloc(L);
    bio_moves(c, t->trans_ok, t->start_ok);
    if (o->partial_path &&
        (rc = partial_masks(&t->train, c, o->partial_scheme, o->partial_path, t->allowed)))
        return rc;
    if (o->open_path && (rc = open_masks(&t->train, c, o->open_path, t->allowed))) return rc;
    t->batch_partial = vcd_xcalloc(o->batch + 1, 1);
    features_for_set(t->m, &t->train, 1, &t->train_f);
    if (o->dev_path) {
        features_for_set(t->m, &t->dev, 0, &t->dev_f);
        size_t rows = t->dev.row[t->dev.n];
        if (o->dev2_path) {
            features_for_set(t->m, &t->dev2, 0, &t->dev2_f);
            if (t->dev2.row[t->dev2.n] > rows) rows = t->dev2.row[t->dev2.n];
        }
        t->dev_labels = vcd_xmalloc((rows + 1) * sizeof *t->dev_labels);
        t->dev_conf = vcd_xmalloc((rows + 1) * sizeof *t->dev_conf);
        t->dev_tags = vcd_xmalloc((rows + 1) * sizeof *t->dev_tags);
    }
    size_t n = t->m->n_params;
    t->grad = vcd_xcalloc(n, sizeof *t->grad);
    t->adam_m = vcd_xcalloc(n, sizeof *t->adam_m);
    t->adam_v = vcd_xcalloc(n, sizeof *t->adam_v);
    t->best = vcd_xmalloc(n * sizeof *t->best);
    if (o->ema_decay > 0) t->ema = vcd_xmalloc(n * sizeof *t->ema);
    ner_params_bind(&t->g, t->grad, c);
    t->order = vcd_xmalloc(t->train.n * sizeof *t->order);
    t->silver_order = vcd_xmalloc((t->train.n - t->train.n_first + 1) * sizeof *t->silver_order);
    t->partial_order =
        vcd_xmalloc((t->train.n - t->train.n_labelled + 1) * sizeof *t->partial_order);
    size_t max_seq = t->dev.n > o->batch ? t->dev.n : o->batch;
    if (t->dev2.n > max_seq) max_seq = t->dev2.n;
    t->starts = vcd_xmalloc((max_seq + 2) * sizeof *t->starts);
    t->batch_gold = vcd_xmalloc((words + 1) * sizeof *t->batch_gold);
    return VCD_OK;
}

/* Sets *knob to each step * k, k = 0..steps, and leaves it at the value with
 * the best selection score (ties: the smaller); the report takes that
 * value's dev scores, and *f1_at_zero (if given) the F1 at k = 0. */
static vcd_status tune_on_grid(trainer *t, float *knob, float step, int steps,
                               vcd_ner_train_report *r, double *f1_at_zero)
{
    float best = 0;
    double best_sel = -1;
    for (int k = 0; k <= steps; k++) {
        *knob = step * (float)k;
        dev_scores sc;
        vcd_status rc = score_dev(t, &sc);
        if (rc) return rc;
        if (k == 0 && f1_at_zero) *f1_at_zero = sc.f1;
        if (sc.sel > best_sel) {
            best_sel = sc.sel, best = *knob;
            r->best_precision = sc.p, r->best_recall = sc.r, r->best_f1 = sc.f1;
            r->best_f1_dev2 = sc.f1_dev2;
        }
    }
    *knob = best;
    return VCD_OK;
}

/* The "O" offset with the best dev F1 (or mean of both dev F1s), from a
 * grid 0, 0.25, .., 6. */
static vcd_status tune_o_penalty(trainer *t, vcd_ner_train_report *r)
{
    vcd_status rc = tune_on_grid(t, &t->m->cfg.o_penalty, 0.25f, 24, r, &r->f1_before_penalty);
    r->o_penalty = t->m->cfg.o_penalty;
    return rc;
}

/* With the offset fixed, the confidence floor with the best selection score
 * from a grid 0, 0.05, .., 0.6. */
static vcd_status tune_span_floor(trainer *t, vcd_ner_train_report *r)
{
    vcd_status rc = tune_on_grid(t, &t->m->cfg.min_span_conf, 0.05f, 12, r, NULL);
    r->min_span_conf = t->m->cfg.min_span_conf;
    return rc;
}

/* Trains member 0's slot from its current initialisation and leaves the
 * best epoch's (averaged) weights there. Epoch results are appended to r. */
static vcd_status train_member(trainer *t, size_t member, vcd_ner_train_report *r)
{
    const vcd_ner_train_options *o = t->o;
    size_t n = t->m->n_params;
    float *live = t->m->store;
    double best_sel = -1;
    for (size_t e = 0; e < o->epochs; e++) {
        size_t at = r->epochs_run++;
        r->epoch_loss[at] = run_epoch(t);
        float *scored = t->ema ? t->ema : live;
        int better = 1;
        if (o->dev_path) {
            dev_scores sc;
            vcd_status rc = score_dev_with(t, scored, &sc);
            if (rc) return rc;
            r->epoch_f1[at] = sc.f1;
            if (r->epoch_f1_dev2) r->epoch_f1_dev2[at] = sc.f1_dev2;
            better = sc.sel > best_sel;
            if (better) best_sel = sc.sel;
        }
        if (better) {
            r->best_epoch = e + 1;
            memcpy(t->best, scored, n * sizeof *t->best);
        }
        if (!o->quiet && o->dev2_path)
            fprintf(stderr,
                    "train-ner: member %zu epoch %zu/%zu loss %.4f dev F1 %.2f dev2 F1 %.2f\n",
                    member + 1, e + 1, o->epochs, r->epoch_loss[at], r->epoch_f1[at] * 100,
                    r->epoch_f1_dev2[at] * 100);
        else if (!o->quiet)
            fprintf(stderr, "train-ner: member %zu epoch %zu/%zu loss %.4f%s%.2f\n", member + 1,
                    e + 1, o->epochs, r->epoch_loss[at], o->dev_path ? " dev F1 " : "",
                    o->dev_path ? r->epoch_f1[at] * 100 : 0.0);
    }
    memcpy(live, t->best, n * sizeof *t->best);
    return VCD_OK;
}

/* Members are trained one after the other in member 0's slot, the last
 * being member 0 itself, with seeds seed + k: one member reproduces a
 * single model exactly. Dev scores the ensemble afterwards. */
static vcd_status train_ensemble(trainer *t, vcd_ner_train_report *r)
{
    const vcd_ner_train_options *o = t->o;
    vcd_ner_model *m = t->m;
    size_t n = m->n_params, K = o->members;
    r->epoch_loss = vcd_xcalloc(K * o->epochs, sizeof *r->epoch_loss);
    r->epoch_f1 = vcd_xcalloc(K * o->epochs, sizeof *r->epoch_f1);
    if (o->dev2_path) r->epoch_f1_dev2 = vcd_xcalloc(K * o->epochs, sizeof *r->epoch_f1_dev2);
    m->n_members = 1; /* while training, dev scores member 0 alone */
    for (size_t k = K; k-- > 0;) {
        vcd_rng_seed(&t->rng, o->seed + k);
        for (size_t i = 0; i < t->train.n; i++) /* each member shuffles from scratch */
            t->order[i] = i;
        for (size_t i = t->train.n_first; i < t->train.n_labelled; i++)
            t->silver_order[i - t->train.n_first] = i;
        for (size_t i = t->train.n_labelled; i < t->train.n; i++)
            t->partial_order[i - t->train.n_labelled] = i;
        init_params(m, &t->rng);
        memset(t->adam_m, 0, n * sizeof *t->adam_m);
        memset(t->adam_v, 0, n * sizeof *t->adam_v);
        t->step = 0;
        if (t->ema) memcpy(t->ema, m->store, n * sizeof *t->ema);
        vcd_status rc = train_member(t, K - 1 - k, r);
        if (rc) return rc;
        if (k) memcpy(m->store + k * n, m->store, n * sizeof *m->store);
    }
    m->n_members = K;
    ner_model_update_decoding(m);
    if (!o->dev_path) return VCD_OK;
    r->best_f1 = -1;
    vcd_status rc = tune_o_penalty(t, r);
    if (!rc && o->tune_span_floor) rc = tune_span_floor(t, r);
    return rc;
}

/* Scores the folder as written (F16 rounding included). */
static vcd_status score_saved(trainer *t, const vcd_vectors *vec, dev_scores *sc)
{
    vcd_ner_model *saved;
    vcd_status rc = ner_model_open_kb(t->o->out_dir, vec, t->kb, &saved);
    if (rc) return rc;
    vcd_ner_model *trained = t->m;
    t->m = saved;
    rc = score_dev(t, sc);
    t->m = trained;
    vcd_ner_model_free(saved);
    return rc;
}

vcd_status vcd_ner_train(const vcd_ner_train_options *o, vcd_ner_train_report *r)
{
    memset(r, 0, sizeof *r);
    vcd_status rc = check_options(o);
    if (rc) return rc;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    vcd_vectors *vec = NULL;
    rc = vcd_vectors_open(o->vectors_path, &vec);
    if (rc) return rc;
    trainer t = {.o = o};
    rc = trainer_setup(&t, vec);
    if (!rc) {
        r->train_sentences = t.train.n;
        r->train_words = t.train.row[t.train.n];
        r->gazetteer_entries = t.m->gaz.n;
        r->partial_sentences = t.train.n - t.train.n_labelled;
        r->open_sentences = t.train.n_open;
        rc = train_ensemble(&t, r);
        r->partial_skipped = t.partial_skipped;
    }
    if (!rc) rc = ner_model_save(t.m, o->out_dir, o->f16);
    dev_scores saved = {0};
    if (!rc && o->dev_path) rc = score_saved(&t, vec, &saved);
    double saved_f1 = saved.f1;
    r->saved_f1_dev2 = saved.f1_dev2;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    r->saved_f1 = saved_f1;
    if (!rc) rc = write_log(&t, r, saved_f1);
    trainer_free(&t);
    vcd_vectors_close(vec);
    return rc;
}
