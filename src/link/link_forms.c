/* The facts about each distinct form that pair evidence reads: its words,
 * letters, initials, digits, KB entries, and the words around its mentions. */
#include "link_internal.h"
#include "vcd/text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* block layout: compact \0 initials \0 digits \0 token \0 token \0 ... */
void link_form_fill(link_form *f, const char *surface, size_t sn, const char *key, size_t kn)
{
    vcd_buf all = {0}, content = {0};
    size_t pieces = vcd_initials(surface, sn, &all, &content);
    size_t cap = 3 * kn + all.len + 8;
    char *b = vcd_xmalloc(cap), *w = b;
    f->block = b;
    f->compact = w;
    for (size_t i = 0; i < kn; i++)
        if (is_word_byte((unsigned char)key[i])) *w++ = lower(key[i]);
    f->compact_len = (size_t)(w - f->compact);
    *w++ = 0;
    f->initials = w;
    if (pieces >= 2 && vcd_written_as_name(surface, sn)) {
        memcpy(w, all.data, all.len);
        w += all.len;
    }
    f->initials_len = (size_t)(w - f->initials);
    *w++ = 0;
    f->digits = w;
    for (size_t i = 0; i < kn; i++)
        if (key[i] >= '0' && key[i] <= '9') *w++ = key[i];
    *w++ = 0;
    f->n_tokens = 0;
    for (size_t i = 0; i < kn;) {
        while (i < kn && !is_word_byte((unsigned char)key[i]))
            i++;
        size_t s = i;
        while (i < kn && is_word_byte((unsigned char)key[i]))
            i++;
        if (i == s) break;
        size_t e = i;
        /* The possessive clitic is not a word: "Logan's" is one word, a
         * first-word alias of "Logan Paul", not a two-word name that
         * conflicts with it. */
        if (e - s == 1 && key[s] == 's' && s > 0 && key[s - 1] == '\'') continue;
        if (e - s > 4 && memcmp(key + e - 4, "\xe2\x80\x99s", 4) == 0) e -= 4;
        if (f->n_tokens == LINK_MAX_TOKENS || e - s > 255) continue;
        f->tokens[f->n_tokens] = w;
        f->token_len[f->n_tokens++] = (uint8_t)(e - s);
        for (size_t k = s; k < e; k++)
            *w++ = lower(key[k]);
        *w++ = 0;
    }
    vcd_buf_free(&all);
    vcd_buf_free(&content);
}

void link_form_kb(const vcd_kb *kb, const char *surface, size_t n, link_form *f)
{
    f->n_kb = 0;
    if (!kb) return;
    vcd_kb_hit hits[16];
    size_t total = vcd_kb_lookup(kb, surface, n, hits, 16);
    for (size_t i = 0; i < total && i < 16 && f->n_kb < LINK_MAX_KB; i++) {
        /* "Barry" the person is not Barry the town in Wales: a typed form
         * names only entries of its type */
        if (f->type != VCD_TYPE_UNK && vcd_kb_type(kb, hits[i].entry) != f->type) continue;
        f->kb_strong[f->n_kb] = hits[i].strength == VCD_KB_STRONG;
        f->kb[f->n_kb++] = hits[i].entry;
    }
}

static int u64_cmp(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

/* Pairs of different forms in one comment, counted once per comment. The
 * first 32 mentions of a comment are enough: longer comments are lists. */
static void count_cooccurrence(vcd_link_forms *lf, const vcd_mentions *ms)
{
    size_t cap = 1024, n = 0;
    uint64_t *keys = vcd_xmalloc(cap * sizeof *keys);
    for (size_t i = 0; i < ms->n;) {
        size_t j = i;
        while (j < ms->n && ms->items[j].doc == ms->items[i].doc)
            j++;
        size_t end = j - i > 32 ? i + 32 : j;
        size_t first = n;
        for (size_t a = i; a < end; a++)
            for (size_t b = a + 1; b < end; b++) {
                uint32_t fa = (uint32_t)ms->items[a].form, fb = (uint32_t)ms->items[b].form;
                if (fa == fb) continue;
                if (fa > fb) {
                    uint32_t t = fa;
                    fa = fb;
                    fb = t;
                }
                if (n == cap) keys = vcd_xrealloc(keys, (cap *= 2) * sizeof *keys);
                keys[n++] = (uint64_t)fa << 32 | fb;
            }
        /* once per comment */
        qsort(keys + first, n - first, sizeof *keys, u64_cmp);
        size_t w = first;
        for (size_t k = first; k < n; k++)
            if (k == first || keys[k] != keys[w - 1]) keys[w++] = keys[k];
        n = w;
        i = j;
    }
    qsort(keys, n, sizeof *keys, u64_cmp);
    lf->cooc_keys = vcd_xmalloc((n ? n : 1) * sizeof *lf->cooc_keys);
    lf->cooc_counts = vcd_xmalloc((n ? n : 1) * sizeof *lf->cooc_counts);
    size_t u = 0;
    for (size_t k = 0; k < n; k++) {
        if (u && lf->cooc_keys[u - 1] == keys[k]) {
            lf->cooc_counts[u - 1]++;
            continue;
        }
        lf->cooc_keys[u] = keys[k];
        lf->cooc_counts[u++] = 1;
    }
    lf->n_cooc = u;
    free(keys);
}

static uint64_t u64_at(const void *keys, size_t i)
{
    return ((const uint64_t *)keys)[i];
}

uint32_t link_cooccurrence(const vcd_link_forms *lf, uint32_t a, uint32_t b)
{
    uint64_t key = (uint64_t)a << 32 | b;
    size_t lo = link_lower_bound(lf->cooc_keys, lf->n_cooc, u64_at, key);
    return lo < lf->n_cooc && lf->cooc_keys[lo] == key ? lf->cooc_counts[lo] : 0;
}

/* Context of a form: the SIF-weighted mean vector of the words of the
 * comments it is mentioned in, outside the span (comments are short: the
 * whole comment is the window). It separates two people who share a first
 * name by what is said around them. */
static void build_contexts(vcd_link_forms *lf, const vcd_link_input *in)
{
    const vcd_corpus *c = in->corpus;
    const vcd_mentions *ms = in->mentions;
    const vcd_vectors *words = in->words;
    size_t d = vcd_vectors_dim(words), first = 0;
    lf->ctx_dim = d;
    lf->context_sums = vcd_xcalloc(lf->n * d + 1, sizeof *lf->context_sums);
    if (in->prior_contexts && in->n_prior_contexts <= lf->n) {
        memcpy(lf->context_sums, in->prior_contexts,
               in->n_prior_contexts * d * sizeof *lf->context_sums);
        while (first < ms->n && ms->items[first].doc < in->skip_docs)
            first++;
    }
    vcd_tokens tk = {0};
    vcd_buf key = {0};
    for (size_t i = first; i < ms->n;) {
        size_t j = i;
        while (j < ms->n && ms->items[j].doc == ms->items[i].doc)
            j++;
        vcd_corpus_text_done(c, ms->items[i].doc); /* mentions are in document order */
        const char *text = c->docs[ms->items[i].doc].text;
        vcd_tokenize(text, strlen(text), &tk);
        for (size_t m = i; m < j; m++) {
            const vcd_mention *mm = &ms->items[m];
            float *acc = lf->context_sums + (size_t)mm->form * d;
            for (size_t t = 0; t < tk.n; t++) {
                const vcd_token *tok = &tk.toks[t];
                if (tok->kind != VCD_TOK_WORD) continue;
                if (tok->byte_end > mm->byte_start && tok->byte_start < mm->byte_end) continue;
                vcd_match_key(text + tok->byte_start, tok->byte_end - tok->byte_start, &key);
                long r = vcd_vectors_find(words, key.data, key.len);
                if (r < 0) continue;
                const float *row = vcd_vectors_row(words, (size_t)r);
                float w = vcd_vectors_sif_weight(words, (size_t)r);
                for (size_t k = 0; k < d; k++)
                    acc[k] += w * row[k];
            }
        }
        i = j;
    }
    vcd_corpus_text_done(c, c->n_docs);
    lf->contexts = vcd_xmalloc((lf->n * d + 1) * sizeof *lf->contexts);
    memcpy(lf->contexts, lf->context_sums, lf->n * d * sizeof *lf->contexts);
    for (size_t f = 0; f < lf->n; f++) {
        float *v = lf->contexts + f * d;
        double s = 0;
        for (size_t k = 0; k < d; k++)
            s += (double)v[k] * v[k];
        if (s > 0)
            for (size_t k = 0; k < d; k++)
                v[k] = (float)(v[k] / sqrt(s));
        lf->items[f].context = s > 0 ? v : NULL;
    }
    vcd_tokens_free(&tk);
    vcd_buf_free(&key);
}

uint64_t link_word_hash(const link_form *f, size_t i)
{
    return vcd_hash64(f->tokens[i], f->token_len[i], 0x746f6b);
}

static int word_cmp(const void *x, const void *y)
{
    const link_word *a = x, *b = y;
    if (a->hash != b->hash) return a->hash < b->hash ? -1 : 1;
    return (a->form > b->form) - (a->form < b->form);
}

static void build_words(vcd_link_forms *lf)
{
    size_t n = 0;
    for (size_t f = 0; f < lf->n; f++)
        if (lf->items[f].n_tokens >= 2) n += lf->items[f].n_tokens;
    lf->words = vcd_xmalloc((n ? n : 1) * sizeof *lf->words);
    for (size_t f = 0; f < lf->n; f++) {
        const link_form *x = &lf->items[f];
        if (x->n_tokens < 2) continue;
        for (size_t i = 0; i < x->n_tokens; i++)
            lf->words[lf->n_words++] = (link_word){link_word_hash(x, i), (uint32_t)f,
                                                   (uint8_t)(i == 0 || i + 1 == x->n_tokens)};
    }
    if (lf->n_words) qsort(lf->words, lf->n_words, sizeof *lf->words, word_cmp);
}

static uint64_t word_hash_at(const void *words, size_t i)
{
    return ((const link_word *)words)[i].hash;
}

size_t link_words_lower_bound(const vcd_link_forms *lf, uint64_t h)
{
    return link_lower_bound(lf->words, lf->n_words, word_hash_at, h);
}

int link_token_eq(const link_form *a, size_t i, const link_form *b, size_t j)
{
    return a->token_len[i] == b->token_len[j] &&
           memcmp(a->tokens[i], b->tokens[j], a->token_len[i]) == 0;
}

int link_tokens_inside(const vcd_kb *nicknames, const link_form *s, const link_form *l)
{
    for (size_t i = 0; i < s->n_tokens; i++) {
        int found = 0;
        for (size_t j = 0; j < l->n_tokens && !found; j++)
            found = link_token_eq(s, i, l, j);
        if (!found && nicknames)
            found = vcd_kb_nickname_pair(nicknames, s->tokens[i], s->token_len[i], l->tokens[0],
                                         l->token_len[0]);
        if (!found) return 0;
    }
    return 1;
}

static uint32_t holds_via(const vcd_link_forms *lf, const link_form *anchor, const link_form *other,
                          int person)
{
    uint32_t best = 0;
    uint64_t h = link_word_hash(anchor, 0);
    for (size_t k = link_words_lower_bound(lf, h); k < lf->n_words && lf->words[k].hash == h; k++) {
        const link_form *c = &lf->items[lf->words[k].form];
        if (c == anchor || c == other || c->count < LINK_CORE_COUNT || c->count <= best) continue;
        if (person && c->type != VCD_TYPE_PER) continue;
        if (link_tokens_inside(lf->kb, anchor, c) && link_tokens_inside(lf->kb, other, c))
            best = c->count;
    }
    return best;
}

uint32_t link_one_name_holds(const vcd_link_forms *lf, const link_form *a, const link_form *b,
                             int person)
{
    if (!a->n_tokens || !b->n_tokens) return 0;
    /* a's first word may be a nickname the longer name spells out, so look
     * from both sides */
    uint32_t x = holds_via(lf, a, b, person), y = holds_via(lf, b, a, person);
    return x > y ? x : y;
}

/* s is one word that starts or ends l, or spells l's initials. */
int link_fits_into(const link_form *s, const link_form *l)
{
    if (s->n_tokens == 1 && l->n_tokens >= 2 &&
        (link_token_eq(s, 0, l, 0) || link_token_eq(s, 0, l, (size_t)l->n_tokens - 1)))
        return 1;
    return l->initials_len >= 2 && l->initials_len == s->compact_len &&
           memcmp(l->initials, s->compact, s->compact_len) == 0;
}

/* Longer forms a one-word form starts or ends, at most LINK_MAX_PER_WORD
 * (the candidate pairs take the same ones). */
static void edge_fits(const vcd_link_forms *lf, const link_form *x, uint32_t *fits, uint64_t *mass)
{
    uint64_t h = link_word_hash(x, 0);
    size_t seen = 0;
    for (size_t k = link_words_lower_bound(lf, h);
         k < lf->n_words && lf->words[k].hash == h && seen < LINK_MAX_PER_WORD; k++) {
        const link_form *l = &lf->items[lf->words[k].form];
        if (l == x || !lf->words[k].edge) continue;
        *mass += l->count;
        seen++;
    }
    *fits += (uint32_t)seen;
}

static void build_fits(vcd_link_forms *lf)
{
    for (size_t f = 0; f < lf->n; f++)
        if (lf->items[f].n_tokens == 1)
            edge_fits(lf, &lf->items[f], &lf->items[f].fits, &lf->items[f].fit_mass);
    /* the form owning a compact key fits each multi-word form with those
     * initials */
    for (size_t f = 0; f < lf->n; f++) {
        const link_form *x = &lf->items[f];
        if (x->initials_len < 2) continue;
        size_t g = vcd_strmap_get(lf->by_compact, x->initials, x->initials_len, (size_t)-1);
        if (g != (size_t)-1 && g != f) lf->items[g].fits++;
    }
}

void link_query_fits(const vcd_link_forms *lf, const link_form *q, uint32_t *fits, uint64_t *mass)
{
    *fits = 0;
    *mass = 0;
    if (q->n_tokens == 1) edge_fits(lf, q, fits, mass);
    if (q->compact_len < 2) return;
    for (size_t f = 0; f < lf->n; f++)
        if (lf->items[f].initials_len == q->compact_len &&
            memcmp(lf->items[f].initials, q->compact, q->compact_len) == 0)
            ++*fits;
}

static int u32_cmp(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

/* A fixed random place for comment d among n: a 64-bit mix of its index.
 * (A permutation d -> a d mod n would not do: it maps evenly spaced comments
 * to evenly spaced places, three gap lengths at most, so their nearness
 * would not be chance's.) */
static uint32_t scattered(uint32_t d, uint64_t n)
{
    uint64_t x = ((uint64_t)d + 1) * 0x9E3779B97F4A7C15ull;
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 29;
    return (uint32_t)(x % n);
}

/* Share of the consecutive comments of each form (seen in two or more) that
 * lie within LINK_NEARBY_DOCS of each other: in the input's order, or with
 * every comment at its scattered place. */
static double near_share(const vcd_link_forms *lf, int scatter, uint64_t n, uint32_t *scratch)
{
    uint64_t near = 0, gaps = 0;
    for (size_t f = 0; f < lf->n; f++) {
        const link_form *x = &lf->items[f];
        if (x->n_docs < 2) continue;
        for (uint32_t i = 0; i < x->n_docs; i++)
            scratch[i] = scatter ? scattered(x->docs[i], n) : x->docs[i];
        if (scatter) qsort(scratch, x->n_docs, sizeof *scratch, u32_cmp);
        for (uint32_t i = 1; i < x->n_docs; i++)
            near += scratch[i] - scratch[i - 1] <= LINK_NEARBY_DOCS;
        gaps += x->n_docs - 1;
    }
    return gaps ? (double)near / (double)gaps : 0;
}

/* How much nearer one form's comments are to each other in the input's
 * order than scattered at random: an export lists one video's comments
 * together (a lift well above 0), a shuffled file or a stream of tweets
 * does not. */
static double order_lift(const vcd_link_forms *lf, uint64_t n)
{
    if (n < 4 * LINK_NEARBY_DOCS) return 0;
    uint32_t max_docs = 1;
    for (size_t f = 0; f < lf->n; f++)
        if (lf->items[f].n_docs > max_docs) max_docs = lf->items[f].n_docs;
    uint32_t *scratch = vcd_xmalloc(max_docs * sizeof *scratch);
    double lift = near_share(lf, 0, n, scratch) - near_share(lf, 1, n, scratch);
    free(scratch);
    return lift;
}

/* Mentions are sorted by document, so each form's list comes out sorted. */
static void collect_docs(vcd_link_forms *lf, const vcd_mentions *ms, size_t n_comments)
{
    for (size_t i = 0; i < ms->n; i++)
        lf->items[ms->items[i].form].n_docs++;
    for (size_t f = 0; f < lf->n; f++) {
        lf->items[f].docs = vcd_xmalloc((lf->items[f].n_docs + 1) * sizeof(uint32_t));
        lf->items[f].n_docs = 0;
    }
    for (size_t i = 0; i < ms->n; i++) {
        link_form *x = &lf->items[ms->items[i].form];
        if (x->n_docs && x->docs[x->n_docs - 1] == ms->items[i].doc) continue;
        x->docs[x->n_docs++] = ms->items[i].doc;
    }
    if (!n_comments && ms->n) n_comments = (size_t)ms->items[ms->n - 1].doc + 1;
    lf->order_lift = order_lift(lf, n_comments);
}

vcd_status vcd_link_forms_build(const vcd_link_input *in, vcd_link_forms **out)
{
    vcd_link_forms *lf = vcd_xcalloc(1, sizeof *lf);
    const vcd_forms *forms = in->forms;
    lf->n = forms->n;
    lf->dim = in->dim;
    lf->kb = in->kb;
    lf->items = vcd_xcalloc(lf->n ? lf->n : 1, sizeof *lf->items);
    lf->by_compact = vcd_strmap_new();
    for (size_t f = 0; f < lf->n; f++) {
        const vcd_form *fm = &forms->items[f];
        link_form *x = &lf->items[f];
        link_form_fill(x, fm->surface, strlen(fm->surface), fm->key, strlen(fm->key));
        x->count = fm->count;
        x->type = fm->type; /* before the KB lookup, which reads it */
        x->vector = in->vectors + f * in->dim;
        link_form_kb(in->kb, fm->surface, strlen(fm->surface), x);
        /* the most frequent form owns a shared compact key */
        vcd_strmap_upsert(lf->by_compact, x->compact, x->compact_len, f, NULL);
    }
    build_words(lf);
    build_fits(lf);
    if (in->mentions) {
        count_cooccurrence(lf, in->mentions);
        collect_docs(lf, in->mentions, in->corpus ? in->corpus->n_docs : 0);
    }
    if (in->mentions && in->corpus && in->words) build_contexts(lf, in);
    *out = lf;
    return VCD_OK;
}

double vcd_link_forms_order_lift(const vcd_link_forms *lf)
{
    return lf ? lf->order_lift : 0;
}

const float *vcd_link_forms_context_sums(const vcd_link_forms *lf, size_t *dim)
{
    *dim = lf && lf->context_sums ? lf->ctx_dim : 0;
    return lf ? lf->context_sums : NULL;
}

void vcd_link_forms_free(vcd_link_forms *lf)
{
    if (!lf) return;
    for (size_t f = 0; f < lf->n; f++) {
        free(lf->items[f].block);
        free(lf->items[f].docs);
    }
    free(lf->items);
    free(lf->contexts);
    free(lf->context_sums);
    free(lf->cooc_keys);
    free(lf->cooc_counts);
    free(lf->words);
    vcd_strmap_free(lf->by_compact);
    free(lf);
}
