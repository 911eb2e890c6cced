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
 * include every two full names a chain of short forms would bring together
 * ("nick cannon" ~ "Nick" ~ "Nicki" ~ "Nicki Minaj"), when a multi-word
 * member of each group names someone else. */
static int groups_conflict(const vcd_link_forms *lf, const cannot_graph *g, int64_t *parent,
                           const uint32_t *next, uint32_t small, int64_t other)
{
    for (uint32_t f = small;; f = next[f]) {
        for (size_t k = g->start[f]; k < g->start[f + 1]; k++)
            if (vcd_dsu_find(parent, g->to[k]) == other) return 1;
        if (next[f] == small) break;
    }
    for (uint32_t f = small;; f = next[f]) {
        if (lf->items[f].n_tokens >= 2)
            for (uint32_t h = (uint32_t)other;; h = next[h]) {
                if (link_names_conflict(lf, f, h)) return 1;
                if (next[h] == (uint32_t)other) break;
            }
        if (next[f] == small) return 0;
    }
}

size_t vcd_link_cluster(const vcd_link_pairs *pairs, const vcd_link_forms *lf, double join_p,
                        double cannot_p, int32_t *labels)
{
    size_t n = lf->n;
    int64_t *parent = vcd_xmalloc((n ? n : 1) * sizeof *parent);
    uint32_t *next = vcd_xmalloc((n ? n : 1) * sizeof *next); /* circular member lists */
    size_t *size = vcd_xmalloc((n ? n : 1) * sizeof *size);
    for (size_t f = 0; f < n; f++) {
        parent[f] = (int64_t)f;
        next[f] = (uint32_t)f;
        size[f] = 1;
    }
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
        int64_t ra = vcd_dsu_find(parent, p->a), rb = vcd_dsu_find(parent, p->b);
        if (ra == rb) continue;
        int64_t small = size[ra] <= size[rb] ? ra : rb, big = small == ra ? rb : ra;
        if (cannot_p > 0 && groups_conflict(lf, &g, parent, next, (uint32_t)small, big)) continue;
        parent[small] = big;
        size[big] += size[small];
        uint32_t t = next[small]; /* splice the member lists */
        next[small] = next[big];
        next[big] = t;
    }
    /* groups of two or more forms, numbered by their first form */
    int32_t *group = vcd_xmalloc((n ? n : 1) * sizeof *group);
    for (size_t f = 0; f < n; f++)
        group[f] = -1;
    size_t groups = 0;
    for (size_t f = 0; f < n; f++) {
        int64_t r = vcd_dsu_find(parent, (int64_t)f);
        if (size[r] < 2) {
            labels[f] = -1;
            continue;
        }
        if (group[r] < 0) group[r] = (int32_t)groups++;
        labels[f] = group[r];
    }
    free(group);
    free(order);
    free(g.start);
    free(g.to);
    free(size);
    free(next);
    free(parent);
    return groups;
}
