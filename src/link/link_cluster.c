/* Constrained single linkage over scored pairs.
 *
 * Pairs are taken in order of decreasing P(same). A pair with an alias
 * rule joins its two groups when P >= join_p, unless some pair between the groups has
 * P < cannot_p: "Kelly" may join "Kelly Clarkson" or "Kelly Rowland", never
 * both, because the two full names are kept apart. This is the single-linkage
 * (minimum spanning tree) step of HDBSCAN on distances 1 - P, cut at
 * 1 - join_p, with cannot-link edges that no merge may cross.
 *
 * As in HDBSCAN, where points below min_samples do not shape the clusters,
 * forms seen once are linked only after every pair of forms seen more often:
 * greedy linkage is order-dependent, and a one-off span ("Replace Colbert")
 * taken first would otherwise keep "Colbert" from "Stephen Colbert" through
 * its cannot-link with the full name. A rare form then joins a group only
 * where it conflicts with nobody. */
#include "link_internal.h"

#include <stdlib.h>
#include <string.h>

static const vcd_link_pair *sort_pairs;
static const vcd_link_forms *sort_forms;

/* Both forms seen at least twice: a pair of the first tier. */
static int core_pair(const vcd_link_pair *p)
{
    return sort_forms->items[p->a].count >= LINK_CORE_COUNT &&
           sort_forms->items[p->b].count >= LINK_CORE_COUNT;
}

static int by_tier_then_probability(const void *x, const void *y)
{
    const vcd_link_pair *a = &sort_pairs[*(const size_t *)x], *b = &sort_pairs[*(const size_t *)y];
    int ca = core_pair(a), cb = core_pair(b);
    if (ca != cb) return ca ? -1 : 1;
    if (a->p != b->p) return a->p > b->p ? -1 : 1;
    if (a->a != b->a) return a->a < b->a ? -1 : 1;
    return (a->b > b->b) - (a->b < b->b);
}

typedef struct {
    size_t *start; /* CSR: cannot-link partners of each form */
    uint32_t *to;
} cannot_graph;

static void cannot_build(const vcd_link_pairs *pairs, size_t n, double cannot_p, cannot_graph *g)
{
    g->start = vcd_xcalloc(n + 1, sizeof *g->start);
    size_t m = 0;
    for (size_t i = 0; i < pairs->n; i++)
        if (pairs->items[i].p < cannot_p) {
            g->start[pairs->items[i].a + 1]++;
            g->start[pairs->items[i].b + 1]++;
            m += 2;
        }
    for (size_t f = 0; f < n; f++)
        g->start[f + 1] += g->start[f];
    g->to = vcd_xmalloc((m ? m : 1) * sizeof *g->to);
    size_t *fill = vcd_xmalloc((n + 1) * sizeof *fill);
    memcpy(fill, g->start, (n + 1) * sizeof *fill);
    for (size_t i = 0; i < pairs->n; i++)
        if (pairs->items[i].p < cannot_p) {
            g->to[fill[pairs->items[i].a]++] = pairs->items[i].b;
            g->to[fill[pairs->items[i].b]++] = pairs->items[i].a;
        }
    free(fill);
}

/* True when a member of group `small` (walked through next[]) has a
 * cannot-link partner in group `other`, or, since candidate pairs need not
 * include every two forms a chain of others would bring together ("nick
 * cannon" ~ "Nick" ~ "Nicki" ~ "Nicki Minaj"; "Sydney" ~ "Sydney Australia"
 * ~ "Australia"), when a member of each names someone else: two full names
 * no rule relates, or two different KB entries. */
static int groups_conflict(const vcd_link_forms *lf, const cannot_graph *g, int64_t *parent,
                           const uint32_t *next, uint32_t small, int64_t other)
{
    for (uint32_t f = small;; f = next[f]) {
        for (size_t k = g->start[f]; k < g->start[f + 1]; k++)
            if (vcd_dsu_find(parent, g->to[k]) == other) return 1;
        if (next[f] == small) break;
    }
    for (uint32_t f = small;; f = next[f]) {
        const link_form *x = &lf->items[f];
        if (x->n_tokens >= 2 || x->n_kb)
            for (uint32_t h = (uint32_t)other;; h = next[h]) {
                if (link_names_conflict(lf, f, h) || link_kb_conflict(x, &lf->items[h])) return 1;
                if (next[h] == (uint32_t)other) break;
            }
        if (next[f] == small) return 0;
    }
}

/* Union-find over forms with circular member lists; anchor[root] is the
 * fixed group a root holds (-1: none). */
typedef struct {
    int64_t *parent;
    uint32_t *next;
    size_t *size;
    int32_t *anchor;
} forest;

static void forest_init(forest *t, size_t n, const int32_t *anchor)
{
    t->parent = vcd_xmalloc((n ? n : 1) * sizeof *t->parent);
    t->next = vcd_xmalloc((n ? n : 1) * sizeof *t->next);
    t->size = vcd_xmalloc((n ? n : 1) * sizeof *t->size);
    t->anchor = vcd_xmalloc((n ? n : 1) * sizeof *t->anchor);
    for (size_t f = 0; f < n; f++) {
        t->parent[f] = (int64_t)f;
        t->next[f] = (uint32_t)f;
        t->size[f] = 1;
        t->anchor[f] = anchor ? anchor[f] : -1;
    }
}

static void forest_join(forest *t, int64_t small, int64_t big)
{
    t->parent[small] = big;
    t->size[big] += t->size[small];
    if (t->anchor[big] < 0) t->anchor[big] = t->anchor[small];
    uint32_t x = t->next[small]; /* splice the member lists */
    t->next[small] = t->next[big];
    t->next[big] = x;
}

static void forest_free(forest *t)
{
    free(t->parent);
    free(t->next);
    free(t->size);
    free(t->anchor);
}

/* The fixed groups first: every form of one anchor under its first form. */
static void join_anchors(forest *t, size_t n, const int32_t *anchor, int32_t n_anchors)
{
    int64_t *first = vcd_xmalloc(((size_t)n_anchors + 1) * sizeof *first);
    for (int32_t a = 0; a < n_anchors; a++)
        first[a] = -1;
    for (size_t f = 0; f < n; f++) {
        if (anchor[f] < 0) continue;
        if (first[anchor[f]] < 0) {
            first[anchor[f]] = (int64_t)f;
            continue;
        }
        int64_t r = vcd_dsu_find(t->parent, first[anchor[f]]);
        forest_join(t, (int64_t)f, r);
    }
    free(first);
}

static void merge_add(vcd_link_merges *m, int32_t a, int32_t b, float p)
{
    for (size_t i = 0; i < m->n; i++) /* few: each is a pair of fixed groups */
        if (m->items[i].a == (a < b ? a : b) && m->items[i].b == (a < b ? b : a)) return;
    m->items = vcd_xrealloc(m->items, (m->n + 1) * sizeof *m->items);
    m->items[m->n++] = (vcd_link_merge){a < b ? a : b, a < b ? b : a, p};
}

static size_t link_core(const vcd_link_pairs *pairs, const vcd_link_forms *lf, double join_p,
                        double cannot_p, const int32_t *anchor, int32_t n_anchors,
                        vcd_link_merges *merges, int32_t *labels)
{
    size_t n = lf->n;
    forest t;
    forest_init(&t, n, anchor);
    if (anchor) join_anchors(&t, n, anchor, n_anchors);
    cannot_graph g;
    cannot_build(pairs, n, cannot_p, &g);
    size_t *order = vcd_xmalloc((pairs->n ? pairs->n : 1) * sizeof *order);
    size_t m = 0;
    for (size_t i = 0; i < pairs->n; i++)
        if (pairs->items[i].p >= join_p && pairs->items[i].x[VCD_EV_NO_RULE] == 0) order[m++] = i;
    sort_pairs = pairs->items;
    sort_forms = lf;
    qsort(order, m, sizeof *order, by_tier_then_probability);
    for (size_t k = 0; k < m; k++) {
        const vcd_link_pair *p = &pairs->items[order[k]];
        int64_t ra = vcd_dsu_find(t.parent, p->a), rb = vcd_dsu_find(t.parent, p->b);
        if (ra == rb) continue;
        int64_t small = t.size[ra] <= t.size[rb] ? ra : rb, big = small == ra ? rb : ra;
        if (cannot_p > 0 && groups_conflict(lf, &g, t.parent, t.next, (uint32_t)small, big))
            continue;
        /* two fixed groups stay apart; the join is only proposed */
        if (t.anchor[ra] >= 0 && t.anchor[rb] >= 0) {
            if (merges) merge_add(merges, t.anchor[ra], t.anchor[rb], p->p);
            continue;
        }
        forest_join(&t, small, big);
    }
    /* fixed groups keep their anchor; other groups of two or more forms are
     * numbered after the anchors, by their first form */
    int32_t *group = vcd_xmalloc((n ? n : 1) * sizeof *group);
    for (size_t f = 0; f < n; f++)
        group[f] = -1;
    size_t groups = 0;
    for (size_t f = 0; f < n; f++) {
        int64_t r = vcd_dsu_find(t.parent, (int64_t)f);
        if (t.anchor[r] >= 0) {
            labels[f] = t.anchor[r];
            continue;
        }
        if (t.size[r] < 2) {
            labels[f] = -1;
            continue;
        }
        if (group[r] < 0) group[r] = n_anchors + (int32_t)groups++;
        labels[f] = group[r];
    }
    free(group);
    free(order);
    free(g.start);
    free(g.to);
    forest_free(&t);
    return groups;
}

size_t vcd_link_cluster(const vcd_link_pairs *pairs, const vcd_link_forms *lf, double join_p,
                        double cannot_p, int32_t *labels)
{
    return link_core(pairs, lf, join_p, cannot_p, NULL, 0, NULL, labels);
}

size_t vcd_link_cluster_anchored(const vcd_link_pairs *pairs, const vcd_link_forms *lf,
                                 double join_p, double cannot_p, const int32_t *anchor,
                                 int32_t n_anchors, vcd_link_merges *merges, int32_t *labels)
{
    if (merges) memset(merges, 0, sizeof *merges);
    return link_core(pairs, lf, join_p, cannot_p, anchor, n_anchors, merges, labels);
}
