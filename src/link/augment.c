/* Recall augmentation (method and weights in augment.h). One tokenizer
 * buffer, key buffer and occupancy array serve the whole corpus. */
#include "vcd/augment.h"
#include "vcd/encode.h"
#include "vcd/text.h"

#include <stdlib.h>
#include <string.h>

enum { KIND_ALIAS, KIND_CAPITALISED, KIND_TAG, KIND_RARE, KIND_RETYPE };

typedef struct {
    vcd_state *const *known;
    size_t n_known;
    const vcd_doc *doc;
    uint32_t doc_index;
    vcd_tokens toks;
    vcd_buf key, text;
    uint8_t *occupied;
    size_t occupied_cap;
    vcd_augment_candidates *out;
    int any_vectors; /* does any known state have word vectors? */
} augment_ctx;

static int is_word(const vcd_token *t)
{
    return t->kind == VCD_TOK_WORD || t->kind == VCD_TOK_NUMBER;
}

static int is_capitalised(const vcd_token *t)
{
    return t->kind == VCD_TOK_WORD && (t->shape & (VCD_SHAPE_UPPER_INITIAL | VCD_SHAPE_ALL_UPPER));
}

/* Frequency rank of a token's lower-case form in the first state with
 * vectors; -1 when out of vocabulary (or no vectors at all: then -2). */
static long token_rank(augment_ctx *x, const vcd_token *t)
{
    vcd_match_key(x->doc->text + t->byte_start, t->byte_end - t->byte_start, &x->key);
    for (size_t k = 0; k < x->n_known; k++) {
        long r = vcd_state_word_rank(x->known[k], x->key.data, x->key.len);
        if (r >= 0) return r;
    }
    return x->any_vectors ? -1 : -2;
}

/* Ordinary-word discount: lower-case spans of frequent words are usually
 * just words ("apple pie", "will"). */
static double ordinary_word_factor(augment_ctx *x, size_t first, size_t last)
{
    long worst = 0;
    for (size_t i = first; i <= last; i++) {
        const vcd_token *t = &x->toks.toks[i];
        if (t->shape & (VCD_SHAPE_UPPER_INITIAL | VCD_SHAPE_ALL_UPPER | VCD_SHAPE_INNER_UPPER))
            return 1.0;
        long r = token_rank(x, t);
        if (r < 0) return 1.0;
        if (r > worst) worst = r;
    }
    return worst < 1000 ? 0.3 : worst < 20000 ? 0.6 : 1.0;
}

static vcd_status score_span(augment_ctx *x, size_t first, size_t last, int kind)
{
    const vcd_token *a = &x->toks.toks[first], *b = &x->toks.toks[last];
    size_t skip = kind == KIND_TAG && x->doc->text[a->byte_start] == '@';
    vcd_buf_clear(&x->text);
    vcd_buf_append(&x->text, x->doc->text + a->byte_start + skip,
                   b->byte_end - a->byte_start - skip);
    vcd_augment_candidate best = {0};
    int found = 0;
    for (size_t k = 0; k < x->n_known; k++) {
        vcd_match_hit hits[3];
        size_t n;
        vcd_status rc = vcd_state_match(x->known[k], x->text.data, 3, 0.0, hits, &n);
        if (rc) return rc;
        /* an untyped mention is only helped by a typed entity */
        size_t h = 0;
        while (kind == KIND_RETYPE && h < n && vcd_type_parse(hits[h].type) <= 0)
            h++;
        if (h >= n || (found && hits[h].score <= best.score)) continue;
        int type = vcd_type_parse(hits[h].type);
        best = (vcd_augment_candidate){x->doc_index,
                                       a->cp_start,
                                       b->cp_end,
                                       a->byte_start,
                                       b->byte_end,
                                       (float)hits[h].score,
                                       (uint8_t)(type < 0 ? 0 : type),
                                       (uint8_t)kind,
                                       (uint8_t)k,
                                       hits[h].entity_id};
        found = 1;
    }
    if (!found) return VCD_OK;
    best.score = (float)(best.score * ordinary_word_factor(x, first, last));
    vcd_augment_candidates *c = x->out;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 1024;
        c->items = vcd_xrealloc(c->items, c->cap * sizeof *c->items);
    }
    c->items[c->n++] = best;
    return VCD_OK;
}

static int span_free(const augment_ctx *x, size_t first, size_t last)
{
    for (size_t i = first; i <= last; i++)
        if (x->occupied[i]) return 0;
    return 1;
}

static int is_known_alias(augment_ctx *x, size_t first, size_t last)
{
    const vcd_token *a = &x->toks.toks[first], *b = &x->toks.toks[last];
    vcd_span_key(x->doc->text + a->byte_start, b->byte_end - a->byte_start, 0, &x->key);
    for (size_t k = 0; k < x->n_known; k++)
        if (vcd_state_alias_form(x->known[k], x->key.data, x->key.len) >= 0) return 1;
    return 0;
}

static vcd_status find_in_doc(augment_ctx *x)
{
    const vcd_token *t = x->toks.toks;
    size_t n = x->toks.n;
    vcd_status rc = VCD_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        /* alias n-grams, longest first */
        for (size_t len = 4; !rc && len >= 1; len--) {
            size_t last = i + len - 1;
            if (last >= n || !span_free(x, i, last)) continue;
            int words = 1;
            for (size_t j = i; j <= last; j++)
                words &= is_word(&t[j]);
            if (words && t[last].cp_end - t[i].cp_start >= 2 && is_known_alias(x, i, last))
                rc = score_span(x, i, last, KIND_ALIAS);
        }
        if (rc || x->occupied[i]) continue;
        if (t[i].kind == VCD_TOK_HASHTAG || t[i].kind == VCD_TOK_HANDLE) {
            rc = score_span(x, i, i, KIND_TAG);
        } else if (is_capitalised(&t[i]) &&
                   (i == 0 || !is_capitalised(&t[i - 1]) || x->occupied[i - 1])) {
            size_t last = i;
            while (last + 1 < n && is_capitalised(&t[last + 1]) && !x->occupied[last + 1])
                last++;
            long rank = last == i && t[i].sentence_start ? token_rank(x, &t[i]) : -1;
            int lone_common = rank >= 0 && rank < 20000;
            if (!lone_common) rc = score_span(x, i, last, KIND_CAPITALISED);
        } else if (t[i].kind == VCD_TOK_WORD && !is_capitalised(&t[i]) &&
                   t[i].cp_end - t[i].cp_start >= 3 && token_rank(x, &t[i]) == -1) {
            rc = score_span(x, i, i, KIND_RARE);
        }
    }
    return rc;
}

/* A tagger mention without a type gets one by linking: it is a candidate
 * over its own tokens. */
static vcd_status retype_untyped(augment_ctx *x, const vcd_mention *m, size_t n_mentions)
{
    vcd_status rc = VCD_OK;
    for (size_t k = 0; !rc && k < n_mentions; k++) {
        if (m[k].type != VCD_TYPE_UNK) continue;
        size_t first = SIZE_MAX, last = 0;
        for (size_t i = 0; i < x->toks.n; i++)
            if (x->toks.toks[i].cp_start < m[k].end && x->toks.toks[i].cp_end > m[k].start) {
                if (first == SIZE_MAX) first = i;
                last = i;
            }
        if (first != SIZE_MAX) rc = score_span(x, first, last, KIND_RETYPE);
    }
    return rc;
}

/* Marks the tokens that an existing mention of this document overlaps. */
static void mark_occupied(augment_ctx *x, const vcd_mention *m, size_t n_mentions)
{
    if (x->toks.n > x->occupied_cap) {
        x->occupied_cap = x->toks.n * 2;
        x->occupied = vcd_xrealloc(x->occupied, x->occupied_cap);
    }
    memset(x->occupied, 0, x->toks.n);
    for (size_t k = 0; k < n_mentions; k++)
        for (size_t i = 0; i < x->toks.n; i++)
            if (x->toks.toks[i].cp_start < m[k].end && x->toks.toks[i].cp_end > m[k].start)
                x->occupied[i] = 1;
}

static int by_doc(const void *a, const void *b)
{
    const vcd_mention *x = a, *y = b;
    return x->doc < y->doc ? -1 : x->doc > y->doc;
}

vcd_status vcd_augment_candidates_find(vcd_state *const *known, size_t n_known, const vcd_corpus *c,
                                       const vcd_mentions *existing, vcd_augment_candidates *out)
{
    memset(out, 0, sizeof *out);
    vcd_mention *sorted = vcd_xmalloc((existing->n + 1) * sizeof *sorted);
    if (existing->n) memcpy(sorted, existing->items, existing->n * sizeof *sorted);
    qsort(sorted, existing->n, sizeof *sorted, by_doc);
    augment_ctx x = {known, n_known, NULL, 0, {0}, {0}, {0}, NULL, 0, out, 0};
    for (size_t i = 0; i < n_known; i++)
        x.any_vectors |= vcd_state_word_rank(known[i], "the", 3) >= 0;
    vcd_status rc = VCD_OK;
    size_t k = 0;
    for (size_t d = 0; !rc && d < c->n_docs; d++) {
        size_t first = k;
        while (k < existing->n && sorted[k].doc == d)
            k++;
        x.doc = &c->docs[d];
        x.doc_index = (uint32_t)d;
        vcd_tokenize(x.doc->text, strlen(x.doc->text), &x.toks);
        mark_occupied(&x, sorted + first, k - first);
        rc = find_in_doc(&x);
        if (!rc) rc = retype_untyped(&x, sorted + first, k - first);
    }
    vcd_tokens_free(&x.toks);
    vcd_buf_free(&x.key);
    vcd_buf_free(&x.text);
    free(x.occupied);
    free(sorted);
    if (rc) vcd_augment_candidates_free(out);
    return rc;
}

void vcd_augment_candidates_free(vcd_augment_candidates *c)
{
    free(c->items);
    memset(c, 0, sizeof *c);
}

static int by_strength(const void *a, const void *b)
{
    const vcd_augment_candidate *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    if (x->end - x->start != y->end - y->start)
        return x->end - x->start > y->end - y->start ? -1 : 1;
    if (x->doc != y->doc) return x->doc < y->doc ? -1 : 1;
    return x->start < y->start ? -1 : x->start > y->start;
}

size_t vcd_augment_select(const vcd_augment_candidates *c, double threshold, vcd_mentions *out)
{
    vcd_augment_candidate *s = vcd_xmalloc((c->n + 1) * sizeof *s);
    if (c->n) memcpy(s, c->items, c->n * sizeof *s);
    qsort(s, c->n, sizeof *s, by_strength);
    /* accepted spans chained per document, for the overlap test */
    uint32_t n_docs = 0;
    for (size_t i = 0; i < c->n; i++)
        if (s[i].doc + 1 > n_docs) n_docs = s[i].doc + 1;
    size_t *head = vcd_xmalloc((n_docs + 1) * sizeof *head);
    size_t *next = vcd_xmalloc((c->n + 1) * sizeof *next);
    for (uint32_t d = 0; d < n_docs; d++)
        head[d] = SIZE_MAX;
    size_t before = out->n;
    for (size_t i = 0; i < c->n && s[i].score >= threshold; i++) {
        int overlaps = 0;
        for (size_t j = head[s[i].doc]; j != SIZE_MAX && !overlaps; j = next[j])
            overlaps = s[j].start < s[i].end && s[j].end > s[i].start;
        if (overlaps) continue;
        next[i] = head[s[i].doc];
        head[s[i].doc] = i;
        vcd_mention m = {s[i].doc,
                         s[i].start,
                         s[i].end,
                         s[i].byte_start,
                         s[i].byte_end,
                         s[i].type,
                         VCD_SRC_CLUSTER_MATCH,
                         s[i].score,
                         -1,
                         -1};
        vcd_mentions_push(out, &m);
    }
    free(head);
    free(next);
    free(s);
    return out->n - before;
}
