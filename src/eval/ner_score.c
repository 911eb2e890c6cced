/* Entity-level NER scoring with the chunk rules of CoNLL's conlleval.pl.
 *
 * conlleval decides chunk boundaries from (previous tag, tag) pairs and the
 * types, so ill-formed sequences have one defined reading: an I-X that does
 * not continue an X chunk starts a new chunk, and a type change always ends
 * one. A predicted chunk is correct when a gold chunk has the same first
 * token, last token and type. */
#include "vcd/eval.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    char tag; /* 'B', 'I', 'E', 'S', 'O', '[', ']', '.', or 0 for another prefix */
    const char *type;
    size_t type_len;
} split_tag;

static split_tag split(const char *s)
{
    split_tag t = {'O', "", 0};
    if (!s) return t;
    const char *dash = strchr(s, '-');
    size_t prefix_len = dash ? (size_t)(dash - s) : strlen(s);
    t.tag = prefix_len == 1 ? s[0] : 0;
    if (dash) {
        t.type = dash + 1;
        t.type_len = strlen(dash + 1);
    }
    return t;
}

static int same_type(const split_tag *a, const split_tag *b)
{
    return a->type_len == b->type_len && memcmp(a->type, b->type, a->type_len) == 0;
}

static int is(char tag, const char *set)
{
    return tag && strchr(set, tag) != NULL;
}

static int chunk_ends(const split_tag *prev, const split_tag *cur)
{
    char p = prev->tag, t = cur->tag;
    if (is(p, "BI") && is(t, "BO")) return 1;
    if (p == 'E' && is(t, "EIO")) return 1;
    if (p != 'O' && p != '.' && !same_type(prev, cur)) return 1;
    return p == '[' || p == ']';
}

static int chunk_starts(const split_tag *prev, const split_tag *cur)
{
    char p = prev->tag, t = cur->tag;
    if (t == 'B' && is(p, "BIO")) return 1;
    if (p == 'O' && is(t, "IE")) return 1;
    if (p == 'E' && is(t, "EI")) return 1;
    if (t != 'O' && t != '.' && !same_type(prev, cur)) return 1;
    return t == '[' || t == ']';
}

size_t vcd_conll_chunks(const char *const *tags, size_t n, vcd_chunk *out)
{
    split_tag prev = {'O', "", 0};
    size_t n_chunks = 0;
    int open = 0;
    for (size_t i = 0; i <= n; i++) {
        split_tag cur = i < n ? split(tags[i]) : (split_tag){'O', "", 0};
        if (open && chunk_ends(&prev, &cur)) {
            out[n_chunks - 1].end = i;
            open = 0;
        }
        if (i < n && chunk_starts(&prev, &cur)) {
            out[n_chunks++] = (vcd_chunk){i, i + 1, cur.type, cur.type_len};
            open = 1;
        }
        prev = cur;
    }
    return n_chunks;
}

static vcd_ner_type_score *type_slot(vcd_ner_score *s, const char *type, size_t len)
{
    for (size_t i = 0; i < s->n_types; i++)
        if (strlen(s->types[i].type) == len && memcmp(s->types[i].type, type, len) == 0)
            return &s->types[i];
    s->types = vcd_xrealloc(s->types, (s->n_types + 1) * sizeof *s->types);
    vcd_ner_type_score *t = &s->types[s->n_types++];
    memset(t, 0, sizeof *t);
    t->type = vcd_xstrndup(type, len);
    return t;
}

static int chunk_equal(const vcd_chunk *a, const vcd_chunk *b)
{
    return a->start == b->start && a->end == b->end && a->type_len == b->type_len &&
           memcmp(a->type, b->type, a->type_len) == 0;
}

/* Both chunk lists are ordered by start and non-overlapping. */
static void count_sentence(vcd_ner_score *s, const vcd_chunk *g, size_t ng, const vcd_chunk *p,
                           size_t np)
{
    size_t i = 0, j = 0;
    while (i < ng || j < np) {
        if (i < ng && j < np && chunk_equal(&g[i], &p[j])) {
            type_slot(s, g[i].type, g[i].type_len)->tp++;
            s->tp++;
            i++;
            j++;
        } else if (j >= np || (i < ng && g[i].start <= p[j].start)) {
            type_slot(s, g[i].type, g[i].type_len)->fn++;
            s->fn++;
            i++;
        } else {
            type_slot(s, p[j].type, p[j].type_len)->fp++;
            s->fp++;
            j++;
        }
    }
}

static int compare_types(const void *a, const void *b)
{
    return strcmp(((const vcd_ner_type_score *)a)->type, ((const vcd_ner_type_score *)b)->type);
}

static vcd_status check_aligned(const vcd_conll *gold, const vcd_conll *pred)
{
    if (gold->n_tokens != pred->n_tokens || gold->n_sentences != pred->n_sentences)
        return vcd_fail(VCD_EINPUT,
                        "gold and prediction differ in size (%zu vs %zu tokens, %zu vs %zu "
                        "sentences)",
                        gold->n_tokens, pred->n_tokens, gold->n_sentences, pred->n_sentences);
    for (size_t s = 0; s <= gold->n_sentences; s++)
        if (gold->sentence_start[s] != pred->sentence_start[s])
            return vcd_fail(VCD_EINPUT, "gold and prediction split sentence %zu differently",
                            s + 1);
    for (size_t i = 0; i < gold->n_tokens; i++) {
        if (strcmp(gold->tokens[i].token, pred->tokens[i].token) != 0)
            return vcd_fail(VCD_EINPUT, "token %zu differs: gold '%s', prediction '%s'", i + 1,
                            gold->tokens[i].token, pred->tokens[i].token);
        if (!gold->tokens[i].tag || !pred->tokens[i].tag)
            return vcd_fail(VCD_EINPUT, "token %zu ('%s') has no tag in the %s file", i + 1,
                            gold->tokens[i].token, gold->tokens[i].tag ? "prediction" : "gold");
    }
    return VCD_OK;
}

vcd_status vcd_ner_score_tags(const vcd_conll *gold, const char *const *pred, vcd_ner_score *out)
{
    memset(out, 0, sizeof *out);
    size_t longest = 0;
    for (size_t s = 0; s < gold->n_sentences; s++) {
        size_t len = gold->sentence_start[s + 1] - gold->sentence_start[s];
        if (len > longest) longest = len;
    }
    for (size_t i = 0; i < gold->n_tokens; i++)
        if (!gold->tokens[i].tag)
            return vcd_fail(VCD_EINPUT, "token %zu ('%s') has no tag in the gold file", i + 1,
                            gold->tokens[i].token);
    const char **gt = vcd_xmalloc((longest + 1) * sizeof *gt);
    vcd_chunk *gc = vcd_xmalloc((longest + 1) * sizeof *gc);
    vcd_chunk *pc = vcd_xmalloc((longest + 1) * sizeof *pc);
    for (size_t s = 0; s < gold->n_sentences; s++) {
        size_t a = gold->sentence_start[s], len = gold->sentence_start[s + 1] - a;
        for (size_t i = 0; i < len; i++) {
            gt[i] = gold->tokens[a + i].tag;
            out->tokens_correct += strcmp(gt[i], pred[a + i]) == 0;
        }
        size_t ng = vcd_conll_chunks(gt, len, gc), np = vcd_conll_chunks(pred + a, len, pc);
        count_sentence(out, gc, ng, pc, np);
    }
    out->tokens = gold->n_tokens;
    out->sentences = gold->n_sentences;
    if (out->n_types) qsort(out->types, out->n_types, sizeof *out->types, compare_types);
    free(gt);
    free(gc);
    free(pc);
    return VCD_OK;
}

vcd_status vcd_ner_score_conll(const vcd_conll *gold, const vcd_conll *pred, vcd_ner_score *out)
{
    memset(out, 0, sizeof *out);
    vcd_status rc = check_aligned(gold, pred);
    if (rc) return rc;
    const char **tags = vcd_xmalloc((pred->n_tokens + 1) * sizeof *tags);
    for (size_t i = 0; i < pred->n_tokens; i++)
        tags[i] = pred->tokens[i].tag;
    rc = vcd_ner_score_tags(gold, tags, out);
    free(tags);
    return rc;
}

void vcd_ner_score_free(vcd_ner_score *s)
{
    for (size_t i = 0; i < s->n_types; i++)
        free(s->types[i].type);
    free(s->types);
    memset(s, 0, sizeof *s);
}

void vcd_prf(size_t tp, size_t fp, size_t fn, double *p, double *r, double *f1)
{
    *p = tp + fp ? (double)tp / (double)(tp + fp) : 0.0;
    *r = tp + fn ? (double)tp / (double)(tp + fn) : 0.0;
    *f1 = *p + *r > 0 ? 2 * *p * *r / (*p + *r) : 0.0;
}

static void prf_json(vcd_buf *b, size_t tp, size_t fp, size_t fn)
{
    double p, r, f;
    vcd_prf(tp, fp, fn, &p, &r, &f);
    vcd_buf_printf(b,
                   "\"precision\":%.17g,\"recall\":%.17g,\"f1\":%.17g,\"tp\":%zu,\"fp\":%zu,"
                   "\"fn\":%zu",
                   p, r, f, tp, fp, fn);
}

void vcd_ner_score_json(const vcd_ner_score *s, vcd_buf *b)
{
    vcd_buf_putc(b, '{');
    prf_json(b, s->tp, s->fp, s->fn);
    vcd_buf_printf(b, ",\"tokens\":%zu,\"sentences\":%zu,\"token_accuracy\":%.17g,\"per_type\":{",
                   s->tokens, s->sentences,
                   s->tokens ? (double)s->tokens_correct / (double)s->tokens : 0.0);
    for (size_t i = 0; i < s->n_types; i++) {
        if (i) vcd_buf_putc(b, ',');
        vcd_buf_json_string(b, s->types[i].type, strlen(s->types[i].type));
        vcd_buf_putc(b, ':');
        vcd_buf_putc(b, '{');
        prf_json(b, s->types[i].tp, s->types[i].fp, s->types[i].fn);
        vcd_buf_putc(b, '}');
    }
    vcd_buf_puts(b, "}}");
}
