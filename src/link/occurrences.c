/* Where a name occurs in the comments, for a query the tagger never tagged.
 *
 * `match "Mayweather"` on a state whose tagger took only "Floyd" still has
 * the comments: the query's occurrences give it what a form has, so it is
 * weighed as clustering weighs a pair of forms, with the evidence a
 * free-standing name lacks: which comments it is in (near the comments of
 * "Floyd"?), the words around it, how often it occurs, and the tagged names
 * it appears beside as a different span (a cannot-link). An occurrence is a
 * run of tokens whose match keys are the query's, in order; a hashtag token
 * counts without its '#'. */
#include "link_internal.h"
#include "vcd/text.h"
#include "vcd/vectors.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t hash;
    uint32_t token;
} posting;

struct vcd_link_occurrences {
    uint64_t *hash; /* per token: of its match key */
    uint32_t *doc, *byte_start, *byte_end;
    int32_t *row; /* word vector of a word token, -1 */
    size_t n_tokens;
    posting *postings; /* every token, sorted by (hash, token) */
    const vcd_mentions *mentions;
    const vcd_vectors *words;
    size_t n_docs;
};

static uint64_t token_hash(const char *text, const vcd_token *t, vcd_buf *key)
{
    size_t skip = t->kind == VCD_TOK_HASHTAG;
    vcd_match_key(text + t->byte_start + skip, t->byte_end - t->byte_start - skip, key);
    return vcd_hash64(key->data ? key->data : "", key->len, 0x6f6363);
}

static void grow(vcd_link_occurrences *o, size_t *cap, size_t need)
{
    if (need <= *cap) return;
    *cap = need * 2;
    o->hash = vcd_xrealloc(o->hash, *cap * sizeof *o->hash);
    o->doc = vcd_xrealloc(o->doc, *cap * sizeof *o->doc);
    o->byte_start = vcd_xrealloc(o->byte_start, *cap * sizeof *o->byte_start);
    o->byte_end = vcd_xrealloc(o->byte_end, *cap * sizeof *o->byte_end);
    o->row = vcd_xrealloc(o->row, *cap * sizeof *o->row);
}

static int posting_cmp(const void *a, const void *b)
{
    const posting *x = a, *y = b;
    if (x->hash != y->hash) return x->hash < y->hash ? -1 : 1;
    return (x->token > y->token) - (x->token < y->token);
}

vcd_link_occurrences *vcd_link_occurrences_build(const vcd_corpus *c, const vcd_mentions *ms,
                                                 const vcd_vectors *words)
{
    vcd_link_occurrences *o = vcd_xcalloc(1, sizeof *o);
    o->mentions = ms;
    o->words = words;
    o->n_docs = c->n_docs;
    size_t cap = 0;
    vcd_tokens tk = {0};
    vcd_buf key = {0};
    for (size_t d = 0; d < c->n_docs; d++) {
        const char *text = c->docs[d].text;
        vcd_tokenize(text, strlen(text), &tk);
        grow(o, &cap, o->n_tokens + tk.n);
        for (size_t t = 0; t < tk.n; t++) {
            size_t i = o->n_tokens++;
            o->hash[i] = token_hash(text, &tk.toks[t], &key);
            o->doc[i] = (uint32_t)d;
            o->byte_start[i] = tk.toks[t].byte_start;
            o->byte_end[i] = tk.toks[t].byte_end;
            long r = -1;
            if (words && tk.toks[t].kind == VCD_TOK_WORD) {
                vcd_match_key(text + tk.toks[t].byte_start,
                              tk.toks[t].byte_end - tk.toks[t].byte_start, &key);
                r = vcd_vectors_find(words, key.data, key.len);
            }
            o->row[i] = (int32_t)r;
        }
        vcd_corpus_text_done(c, d + 1);
    }
    o->postings = vcd_xmalloc((o->n_tokens ? o->n_tokens : 1) * sizeof *o->postings);
    for (size_t i = 0; i < o->n_tokens; i++)
        o->postings[i] = (posting){o->hash[i], (uint32_t)i};
    qsort(o->postings, o->n_tokens, sizeof *o->postings, posting_cmp);
    vcd_tokens_free(&tk);
    vcd_buf_free(&key);
    return o;
}

void vcd_link_occurrences_free(vcd_link_occurrences *o)
{
    if (!o) return;
    free(o->hash);
    free(o->doc);
    free(o->byte_start);
    free(o->byte_end);
    free(o->row);
    free(o->postings);
    free(o);
}

/* The query's token hashes into h (at most LINK_QUERY_TOKENS); 0 if none. */
#define LINK_QUERY_TOKENS 16
static size_t query_hashes(const char *text, size_t n, uint64_t *h)
{
    vcd_tokens tk = {0};
    vcd_buf key = {0};
    vcd_tokenize(text, n, &tk);
    size_t k = tk.n <= LINK_QUERY_TOKENS ? tk.n : 0;
    for (size_t t = 0; t < k; t++)
        h[t] = token_hash(text, &tk.toks[t], &key);
    vcd_tokens_free(&tk);
    vcd_buf_free(&key);
    return k;
}

/* Token i starts an occurrence of the k hashes, within one comment. */
static int occurs_at(const vcd_link_occurrences *o, size_t i, const uint64_t *h, size_t k)
{
    if (i + k > o->n_tokens || o->doc[i + k - 1] != o->doc[i]) return 0;
    for (size_t t = 1; t < k; t++)
        if (o->hash[i + t] != h[t]) return 0;
    return 1;
}

/* Adds the SIF-weighted words of token i's comment outside [bs, be). */
static void add_context(const vcd_link_occurrences *o, size_t i, uint32_t bs, uint32_t be,
                        double *acc)
{
    size_t d = vcd_vectors_dim(o->words), lo = i, hi = i;
    while (lo > 0 && o->doc[lo - 1] == o->doc[i])
        lo--;
    while (hi < o->n_tokens && o->doc[hi] == o->doc[i])
        hi++;
    for (size_t t = lo; t < hi; t++) {
        if (o->row[t] < 0 || (o->byte_end[t] > bs && o->byte_start[t] < be)) continue;
        const float *v = vcd_vectors_row(o->words, (size_t)o->row[t]);
        double w = vcd_vectors_sif_weight(o->words, (size_t)o->row[t]);
        for (size_t k = 0; k < d; k++)
            acc[k] += w * v[k];
    }
}

typedef struct {
    uint32_t doc, byte_start, byte_end, token;
} occurrence;

static uint64_t posting_hash(const void *postings, size_t i)
{
    return ((const posting *)postings)[i].hash;
}

static uint64_t mention_doc(const void *mentions, size_t i)
{
    return ((const vcd_mention *)mentions)[i].doc;
}

static size_t find(const vcd_link_occurrences *o, const uint64_t *h, size_t k, occurrence **out)
{
    size_t lo = link_lower_bound(o->postings, o->n_tokens, posting_hash, h[0]), n = 0, cap = 0;
    *out = NULL;
    for (size_t p = lo; p < o->n_tokens && o->postings[p].hash == h[0]; p++) {
        size_t i = o->postings[p].token;
        if (!occurs_at(o, i, h, k)) continue;
        if (n == cap) *out = vcd_xrealloc(*out, (cap = cap ? 2 * cap : 16) * sizeof **out);
        (*out)[n++] =
            (occurrence){o->doc[i], o->byte_start[i], o->byte_end[i + k - 1], (uint32_t)i};
    }
    return n;
}

static void unit_context(const vcd_link_occurrences *o, const occurrence *occ, size_t n,
                         link_query_facts *q)
{
    size_t d = vcd_vectors_dim(o->words);
    double *acc = vcd_xcalloc(d, sizeof *acc), s = 0;
    for (size_t i = 0; i < n; i++)
        add_context(o, occ[i].token, occ[i].byte_start, occ[i].byte_end, acc);
    for (size_t k = 0; k < d; k++)
        s += acc[k] * acc[k];
    if (s > 0) {
        q->context = vcd_xmalloc(d * sizeof *q->context);
        for (size_t k = 0; k < d; k++)
            q->context[k] = (float)(acc[k] / sqrt(s));
    }
    free(acc);
}

/* Per form: comments where one of its mentions lies outside every
 * occurrence (occurrences of one comment are adjacent in occ). */
static void cooccurrences(const vcd_link_occurrences *o, const occurrence *occ, size_t n,
                          size_t n_forms, link_query_facts *q)
{
    const vcd_mentions *ms = o->mentions;
    q->cooccur = vcd_xcalloc(n_forms ? n_forms : 1, sizeof *q->cooccur);
    uint32_t *seen = vcd_xcalloc(n_forms ? n_forms : 1, sizeof *seen);
    for (size_t i = 0; ms && i < n;) {
        size_t j = i;
        while (j < n && occ[j].doc == occ[i].doc)
            j++;
        size_t lo = link_lower_bound(ms->items, ms->n, mention_doc, occ[i].doc);
        for (size_t m = lo; m < ms->n && ms->items[m].doc == occ[i].doc; m++) {
            const vcd_mention *mm = &ms->items[m];
            int inside = 0;
            for (size_t k = i; k < j && !inside; k++)
                inside = mm->byte_end > occ[k].byte_start && mm->byte_start < occ[k].byte_end;
            if (inside || mm->form < 0 || (size_t)mm->form >= n_forms) continue;
            if (seen[mm->form] == occ[i].doc + 1) continue;
            seen[mm->form] = occ[i].doc + 1;
            q->cooccur[mm->form]++;
        }
        i = j;
    }
    free(seen);
}

int link_query_occurs(const vcd_link_occurrences *o, const char *text, size_t n)
{
    uint64_t h[LINK_QUERY_TOKENS];
    size_t k = o ? query_hashes(text, n, h) : 0;
    occurrence *occ = NULL;
    size_t found = k ? find(o, h, k, &occ) : 0;
    free(occ);
    return found > 0;
}

size_t link_query_occurrences(const vcd_link_occurrences *o, const char *text, size_t n,
                              size_t n_forms, link_query_facts *q)
{
    memset(q, 0, sizeof *q);
    uint64_t h[LINK_QUERY_TOKENS];
    size_t k = o ? query_hashes(text, n, h) : 0;
    occurrence *occ = NULL;
    size_t found = k ? find(o, h, k, &occ) : 0;
    if (!found) return 0;
    q->count = (uint32_t)found;
    q->docs = vcd_xmalloc(found * sizeof *q->docs);
    for (size_t i = 0; i < found; i++)
        if (i == 0 || occ[i].doc != occ[i - 1].doc) q->docs[q->n_docs++] = occ[i].doc;
    if (o->words) unit_context(o, occ, found, q);
    cooccurrences(o, occ, found, n_forms, q);
    free(occ);
    return found;
}

void link_query_facts_free(link_query_facts *q)
{
    free(q->docs);
    free(q->context);
    free(q->cooccur);
    memset(q, 0, sizeof *q);
}
