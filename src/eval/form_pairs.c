/* Form-pair precision and recall, and the pairs behind the errors. Mention
 * scores (B-cubed) are dominated by frequent forms that any string match
 * gets right; counting pairs of distinct forms asks the identity question
 * directly: are "Trump" and "Donald Trump" one entity, "Trump" and "Obama"
 * two? */
#include "vcd/eval.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    int32_t form;
    int64_t label; /* INT64_MAX for noise: it loses every tie */
} labelled_mention;

static int compare_mentions(const void *x, const void *y)
{
    const labelled_mention *a = x, *b = y;
    if (a->form != b->form) return a->form < b->form ? -1 : 1;
    return (a->label > b->label) - (a->label < b->label);
}

/* Majority label of each form over its mentions (ties: the smallest). */
static void majority(const int32_t *form, const int64_t *label, size_t n, size_t n_forms,
                     int64_t *best, size_t *count)
{
    labelled_mention *m = vcd_xmalloc((n + 1) * sizeof *m);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (form[i] >= 0 && (size_t)form[i] < n_forms)
            m[k++] = (labelled_mention){form[i], label[i] < 0 ? INT64_MAX : label[i]};
    qsort(m, k, sizeof *m, compare_mentions);
    size_t *best_run = vcd_xcalloc(n_forms + 1, sizeof *best_run);
    for (size_t i = 0; i < k;) {
        size_t j = i;
        while (j < k && m[j].form == m[i].form && m[j].label == m[i].label)
            j++;
        size_t f = (size_t)m[i].form;
        if (j - i > best_run[f]) { /* strictly longer: earlier (smaller) labels win ties */
            best_run[f] = j - i;
            best[f] = m[i].label == INT64_MAX ? -1 : m[i].label;
        }
        count[f] += j - i;
        i = j;
    }
    free(best_run);
    free(m);
}

typedef struct {
    int64_t a, b;
} key2;

static int compare_key2(const void *x, const void *y)
{
    const key2 *p = x, *q = y;
    if (p->a != q->a) return p->a < q->a ? -1 : 1;
    return (p->b > q->b) - (p->b < q->b);
}

/* Sum over groups of equal keys of C(size, 2). */
static size_t pairs_in_groups(key2 *k, size_t n, int by_both)
{
    qsort(k, n, sizeof *k, compare_key2);
    size_t total = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && k[j].a == k[i].a && (!by_both || k[j].b == k[i].b))
            j++;
        total += (j - i) * (j - i - 1) / 2;
        i = j;
    }
    return total;
}

void vcd_form_pairs_compute(const int32_t *form, const int64_t *truth, const int64_t *pred,
                            size_t n, size_t n_forms, vcd_form_vote *votes, vcd_form_pairs *out)
{
    memset(out, 0, sizeof *out);
    int64_t *ent = vcd_xmalloc((n_forms + 1) * sizeof *ent);
    int64_t *clu = vcd_xmalloc((n_forms + 1) * sizeof *clu);
    size_t *count = vcd_xcalloc(n_forms + 1, sizeof *count),
           *unused = vcd_xcalloc(n_forms + 1, sizeof *unused);
    majority(form, truth, n, n_forms, ent, count);
    majority(form, pred, n, n_forms, clu, unused);
    free(unused);
    key2 *by_entity = vcd_xmalloc((n_forms + 1) * sizeof *by_entity);
    key2 *by_cluster = vcd_xmalloc((n_forms + 1) * sizeof *by_cluster);
    size_t ne = 0, nc = 0;
    for (size_t f = 0; f < n_forms; f++) {
        votes[f] = (vcd_form_vote){count[f] ? ent[f] : -1, count[f] ? clu[f] : -1, count[f]};
        if (!count[f]) continue;
        out->forms++;
        by_entity[ne++] = (key2){ent[f], 0};
        if (clu[f] >= 0) by_cluster[nc++] = (key2){clu[f], ent[f]};
    }
    out->same_entity_pairs = pairs_in_groups(by_entity, ne, 0);
    out->together_pairs = pairs_in_groups(by_cluster, nc, 0);
    out->correct_pairs = pairs_in_groups(by_cluster, nc, 1);
    out->recall =
        out->same_entity_pairs ? (double)out->correct_pairs / (double)out->same_entity_pairs : -1;
    out->precision =
        out->together_pairs ? (double)out->correct_pairs / (double)out->together_pairs : -1;
    free(by_entity);
    free(by_cluster);
    free(count);
    free(ent);
    free(clu);
}

/* ---- the worst pairs ---- */

typedef struct {
    int64_t group;
    size_t count;
    int32_t form;
} member;

static int compare_members(const void *x, const void *y)
{
    const member *a = x, *b = y;
    if (a->group != b->group) return a->group < b->group ? -1 : 1;
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    return (a->form > b->form) - (a->form < b->form);
}

/* Order of the list: heavier first, then the more frequent first form,
 * then form order. */
static int worse(const vcd_form_pair_ref *x, size_t xa, const vcd_form_pair_ref *y, size_t ya)
{
    if (x->weight != y->weight) return x->weight > y->weight;
    if (xa != ya) return xa > ya;
    if (x->a != y->a) return x->a < y->a;
    return x->b < y->b;
}

typedef struct {
    vcd_form_pair_ref *items;
    size_t *count_a;
    size_t n, max;
} top_list;

/* Inserts if the pair makes the list; returns 0 when it does not. */
static int top_offer(top_list *t, vcd_form_pair_ref p, size_t count_a)
{
    if (t->max == 0) return 0;
    if (t->n == t->max && !worse(&p, count_a, &t->items[t->n - 1], t->count_a[t->n - 1])) return 0;
    size_t i = t->n < t->max ? t->n++ : t->n - 1;
    while (i > 0 && worse(&p, count_a, &t->items[i - 1], t->count_a[i - 1])) {
        t->items[i] = t->items[i - 1];
        t->count_a[i] = t->count_a[i - 1];
        i--;
    }
    t->items[i] = p;
    t->count_a[i] = count_a;
    return 1;
}

static int pair_is_error(const vcd_form_vote *x, const vcd_form_vote *y, int merges)
{
    if (merges) return x->entity != y->entity;
    return x->cluster < 0 || y->cluster != x->cluster;
}

size_t vcd_form_pair_errors(const vcd_form_vote *votes, size_t n_forms, int merges, size_t max,
                            vcd_form_pair_ref *out)
{
    member *m = vcd_xmalloc((n_forms + 1) * sizeof *m);
    size_t k = 0;
    for (size_t f = 0; f < n_forms; f++) {
        if (!votes[f].count) continue;
        int64_t g = merges ? votes[f].cluster : votes[f].entity;
        if (g >= 0) m[k++] = (member){g, votes[f].count, (int32_t)f};
    }
    qsort(m, k, sizeof *m, compare_members);
    top_list t = {out, vcd_xmalloc((max + 1) * sizeof *t.count_a), 0, max};
    for (size_t i = 0; i < k;) {
        size_t j = i;
        while (j < k && m[j].group == m[i].group)
            j++;
        /* members by falling count: once a pair misses the list, every later
         * partner of the same first form weighs no more and misses too */
        for (size_t x = i; x < j; x++)
            for (size_t y = x + 1; y < j; y++) {
                const vcd_form_vote *vx = &votes[m[x].form], *vy = &votes[m[y].form];
                if (!pair_is_error(vx, vy, merges)) continue;
                vcd_form_pair_ref p = {m[x].form, m[y].form, m[y].count};
                if (!top_offer(&t, p, m[x].count)) break;
            }
        i = j;
    }
    free(t.count_a);
    free(m);
    return t.n;
}
