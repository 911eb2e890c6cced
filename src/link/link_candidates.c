/* Candidate pairs: every pair of forms that some source of evidence says
 * might be one entity, or that must be kept apart (co-occurrence). Each
 * source is bounded so the pair count grows with the forms, not their square:
 *   neighbours   the k nearest forms in the encoder's space (spelling variants)
 *   words        a one-word form and the longer forms it starts or ends;
 *                a multi-word form and the longer forms holding all its words
 *   initials     a multi-word form and the form spelled like its initials
 *   prefixes     a form and the longer forms that start with its letters (or, for a
 *                word ending in s, with its stem: "Dems" / "Democrats")
 *   KB           forms naming the same KB entry
 *   comments     forms written in one comment (mostly: different entities) */
#include "link_internal.h"
#include "vcd/index.h"

#include <stdlib.h>
#include <string.h>

#define NEIGHBOURS 10
#define MAX_PER_KEY 64

typedef struct {
    uint64_t *keys;
    size_t n, cap;
} pair_set;

static void pair_add(pair_set *ps, uint32_t a, uint32_t b)
{
    if (a == b) return;
    if (a > b) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 4096;
        ps->keys = vcd_xrealloc(ps->keys, ps->cap * sizeof *ps->keys);
    }
    ps->keys[ps->n++] = (uint64_t)a << 32 | b;
}

static int u64_cmp(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

/* A one-word form meets the longer forms it starts or ends; a longer form
 * meets every form sharing one of its words (to be kept apart from "Sean
 * Paul" when it is "Jake Paul"). */
static void word_pairs(const vcd_link_forms *lf, pair_set *ps)
{
    const link_word *t = lf->words;
    size_t n = lf->n_words;
    for (size_t f = 0; f < lf->n; f++) {
        const link_form *x = &lf->items[f];
        for (size_t i = 0; i < x->n_tokens; i++) {
            uint64_t h = link_word_hash(x, i);
            size_t k = link_words_lower_bound(lf, h), seen = 0;
            for (; k < n && t[k].hash == h && seen < LINK_MAX_PER_WORD; k++) {
                if (t[k].form == f) continue;
                if (x->n_tokens == 1 && !t[k].edge) continue;
                pair_add(ps, (uint32_t)f, t[k].form);
                seen++;
            }
        }
    }
}

static void initials_pairs(const vcd_link_forms *lf, pair_set *ps)
{
    for (size_t f = 0; f < lf->n; f++) {
        const link_form *x = &lf->items[f];
        if (x->initials_len < 2) continue;
        size_t g = vcd_strmap_get(lf->by_compact, x->initials, x->initials_len, (size_t)-1);
        if (g == (size_t)-1 || g == f) continue;
        pair_add(ps, (uint32_t)f, (uint32_t)g);
    }
}

static const vcd_link_forms *sort_lf;

static int compact_cmp(const void *x, const void *y)
{
    const link_form *a = &sort_lf->items[*(const uint32_t *)x];
    const link_form *b = &sort_lf->items[*(const uint32_t *)y];
    int c = strcmp(a->compact, b->compact);
    if (c) return c;
    return (*(const uint32_t *)x > *(const uint32_t *)y) -
           (*(const uint32_t *)x < *(const uint32_t *)y);
}

/* First position in `order` (sorted by compact key) whose key is not below
 * the n bytes of `stem`. */
static size_t stem_lower_bound(const vcd_link_forms *lf, const uint32_t *order, const char *stem,
                               size_t n)
{
    size_t lo = 0, hi = lf->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strncmp(lf->items[order[mid]].compact, stem, n) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* A one-word form ending in s and the longer one-word forms its stem starts
 * ("Dems" / "Democrats"): the pairs plural_truncation judges. */
static void plural_stem_pairs(const vcd_link_forms *lf, const uint32_t *order, uint32_t f,
                              pair_set *ps)
{
    const link_form *x = &lf->items[f];
    size_t n = x->compact_len - 1;
    if (x->n_tokens != 1 || x->compact_len < 4 || x->compact[n] != 's') return;
    for (size_t j = stem_lower_bound(lf, order, x->compact, n), seen = 0;
         j < lf->n && seen < MAX_PER_KEY / 4; j++) {
        const link_form *y = &lf->items[order[j]];
        if (strncmp(y->compact, x->compact, n) != 0) break;
        if (order[j] == f || y->n_tokens != 1 || y->compact_len <= x->compact_len) continue;
        pair_add(ps, f, order[j]);
        seen++;
    }
}

static void prefix_pairs(const vcd_link_forms *lf, pair_set *ps)
{
    uint32_t *order = vcd_xmalloc((lf->n ? lf->n : 1) * sizeof *order);
    for (size_t f = 0; f < lf->n; f++)
        order[f] = (uint32_t)f;
    sort_lf = lf;
    qsort(order, lf->n, sizeof *order, compact_cmp);
    /* in sorted order, the forms a key prefixes follow it directly */
    for (size_t i = 0; i < lf->n; i++) {
        const link_form *x = &lf->items[order[i]];
        if (x->compact_len < 3) continue;
        for (size_t j = i + 1, seen = 0; j < lf->n && seen < MAX_PER_KEY / 4; j++, seen++) {
            const link_form *y = &lf->items[order[j]];
            if (strncmp(y->compact, x->compact, x->compact_len) != 0) break;
            pair_add(ps, order[i], order[j]);
        }
        plural_stem_pairs(lf, order, order[i], ps);
    }
    free(order);
}

static int kb_entry_cmp(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

static void kb_pairs(const vcd_link_forms *lf, pair_set *ps)
{
    size_t n = 0;
    uint64_t *e = vcd_xmalloc((lf->n * LINK_MAX_KB + 1) * sizeof *e);
    for (size_t f = 0; f < lf->n; f++)
        for (size_t k = 0; k < lf->items[f].n_kb; k++)
            e[n++] = (uint64_t)lf->items[f].kb[k] << 32 | f;
    qsort(e, n, sizeof *e, kb_entry_cmp);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && e[j] >> 32 == e[i] >> 32)
            j++;
        for (size_t a = i; a < j && a < i + MAX_PER_KEY; a++)
            for (size_t b = a + 1; b < j && b < i + MAX_PER_KEY; b++)
                pair_add(ps, (uint32_t)e[a], (uint32_t)e[b]);
        i = j;
    }
    free(e);
}

/* The k nearest forms of every form, or of the fresh ones only. */
static vcd_status neighbour_pairs(const vcd_link_forms *lf, const uint8_t *fresh, pair_set *ps)
{
    size_t k = lf->n - 1 < NEIGHBOURS ? lf->n - 1 : NEIGHBOURS;
    if (k == 0) return VCD_OK;
    uint32_t *rows = NULL;
    size_t nq = lf->n;
    if (fresh) {
        rows = vcd_xmalloc((lf->n + 1) * sizeof *rows);
        nq = 0;
        for (size_t f = 0; f < lf->n; f++)
            if (fresh[f]) rows[nq++] = (uint32_t)f;
    }
    float *d2 = vcd_xmalloc((nq * k + 1) * sizeof *d2);
    int64_t *ids = vcd_xmalloc((nq * k + 1) * sizeof *ids);
    vcd_status rc = vcd_knn_rows(lf->items[0].vector, lf->n, lf->dim, rows, nq, k, d2, ids);
    for (size_t i = 0; rc == VCD_OK && i < nq; i++)
        for (size_t j = 0; j < k; j++)
            if (ids[i * k + j] >= 0 && (size_t)ids[i * k + j] < lf->n)
                pair_add(ps, rows ? rows[i] : (uint32_t)i, (uint32_t)ids[i * k + j]);
    free(rows);
    free(d2);
    free(ids);
    return rc;
}

static float cosine(const vcd_link_forms *lf, uint32_t a, uint32_t b)
{
    const float *x = lf->items[a].vector, *y = lf->items[b].vector;
    double s = 0;
    for (size_t i = 0; i < lf->dim; i++)
        s += (double)x[i] * y[i];
    return (float)s;
}

vcd_status vcd_link_candidates(const vcd_link_forms *lf, vcd_link_pairs *out)
{
    return vcd_link_candidates_touching(lf, NULL, out);
}

vcd_status vcd_link_candidates_touching(const vcd_link_forms *lf, const uint8_t *fresh,
                                        vcd_link_pairs *out)
{
    memset(out, 0, sizeof *out);
    pair_set ps = {0};
    vcd_status rc = neighbour_pairs(lf, fresh, &ps);
    if (rc) {
        free(ps.keys);
        return rc;
    }
    word_pairs(lf, &ps);
    initials_pairs(lf, &ps);
    prefix_pairs(lf, &ps);
    kb_pairs(lf, &ps);
    for (size_t i = 0; i < lf->n_cooc; i++)
        pair_add(&ps, (uint32_t)(lf->cooc_keys[i] >> 32), (uint32_t)lf->cooc_keys[i]);
    if (ps.n) qsort(ps.keys, ps.n, sizeof *ps.keys, u64_cmp);
    out->items = vcd_xmalloc((ps.n ? ps.n : 1) * sizeof *out->items);
    for (size_t i = 0; i < ps.n; i++) {
        if (i && ps.keys[i] == ps.keys[i - 1]) continue;
        uint32_t a = (uint32_t)(ps.keys[i] >> 32), b = (uint32_t)ps.keys[i];
        if (fresh && !fresh[a] && !fresh[b]) continue;
        vcd_link_pair *p = &out->items[out->n++];
        p->a = a;
        p->b = b;
        p->p = 0;
        const link_form *fa = &lf->items[a], *fb = &lf->items[b];
        int a_short = link_is_short(fa, fb);
        link_evidence(lf, fa, fb, cosine(lf, a, b), link_cooccurrence(lf, a, b),
                      (a_short ? fa : fb)->fits, (a_short ? fa : fb)->fit_mass, p->x);
    }
    out->cap = ps.n;
    free(ps.keys);
    return VCD_OK;
}

void vcd_link_pairs_free(vcd_link_pairs *p)
{
    free(p->items);
    memset(p, 0, sizeof *p);
}
