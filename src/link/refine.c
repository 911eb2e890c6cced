/* Cluster refinement with alias evidence: what density clustering cannot
 * see (acronyms) or should not allow (an alias unlike its entity). */
#include "vcd/link.h"
#include "vcd/text.h"

#include <stdlib.h>
#include <string.h>

static double dot(const float *a, const float *b, size_t d)
{
    double s = 0;
    for (size_t i = 0; i < d; i++)
        s += (double)a[i] * b[i];
    return s;
}

/* Forms grouped by label: order[start[l] .. start[l+1]) are label l's forms. */
static int32_t group_by_label(const int32_t *labels, size_t n, size_t **start, size_t **order)
{
    int32_t nl = 0;
    for (size_t f = 0; f < n; f++)
        if (labels[f] + 1 > nl) nl = labels[f] + 1;
    *start = vcd_xcalloc((size_t)nl + 2, sizeof **start);
    *order = vcd_xmalloc((n ? n : 1) * sizeof **order);
    for (size_t f = 0; f < n; f++)
        if (labels[f] >= 0) (*start)[labels[f] + 1]++;
    for (int32_t l = 0; l < nl; l++)
        (*start)[l + 1] += (*start)[l];
    size_t *fill = vcd_xmalloc(((size_t)nl + 1) * sizeof *fill);
    memcpy(fill, *start, ((size_t)nl + 1) * sizeof *fill);
    for (size_t f = 0; f < n; f++)
        if (labels[f] >= 0) (*order)[fill[labels[f]]++] = f;
    free(fill);
    return nl;
}

/* Clusters bigger than this are only split by their members' similarity to
 * the cluster's most frequent form: quadratic work stays bounded. */
#define PAIRWISE_MAX 3000

void vcd_split_dissimilar(const float *X, size_t dim, const vcd_forms *forms, double min_similarity,
                          int32_t *labels)
{
    size_t n = forms->n, *start, *order;
    int32_t nl = group_by_label(labels, n, &start, &order);
    int64_t *parent = vcd_xmalloc((n ? n : 1) * sizeof *parent);
    for (size_t f = 0; f < n; f++)
        parent[f] = (int64_t)f;
    for (int32_t l = 0; l < nl; l++) {
        size_t a = start[l], b = start[l + 1];
        if (b - a <= PAIRWISE_MAX) {
            for (size_t i = a; i < b; i++)
                for (size_t j = i + 1; j < b; j++)
                    if (dot(X + order[i] * dim, X + order[j] * dim, dim) >= min_similarity)
                        parent[vcd_dsu_find(parent, (int64_t)order[i])] =
                            vcd_dsu_find(parent, (int64_t)order[j]);
        } else {
            size_t top = order[a];
            for (size_t i = a; i < b; i++)
                if (forms->items[order[i]].count > forms->items[top].count) top = order[i];
            for (size_t i = a; i < b; i++)
                if (dot(X + order[i] * dim, X + top * dim, dim) >= min_similarity)
                    parent[vcd_dsu_find(parent, (int64_t)order[i])] =
                        vcd_dsu_find(parent, (int64_t)top);
        }
    }
    /* Relabel components; singletons (no similar partner) become noise. */
    size_t *size = vcd_xcalloc(n ? n : 1, sizeof *size);
    int32_t *comp_label = vcd_xmalloc((n ? n : 1) * sizeof *comp_label);
    for (size_t f = 0; f < n; f++) {
        comp_label[f] = -1;
        if (labels[f] >= 0) size[vcd_dsu_find(parent, (int64_t)f)]++;
    }
    int32_t next = 0;
    for (size_t f = 0; f < n; f++) {
        if (labels[f] < 0) continue;
        size_t r = (size_t)vcd_dsu_find(parent, (int64_t)f);
        if (size[r] < 2) {
            labels[f] = -1;
            continue;
        }
        if (comp_label[r] < 0) comp_label[r] = next++;
        labels[f] = comp_label[r];
    }
    free(size);
    free(comp_label);
    free(parent);
    free(start);
    free(order);
}

size_t vcd_merge_acronyms(const vcd_forms *forms, int32_t *labels)
{
    size_t n = forms->n, merges = 0;
    for (size_t f = 0; f < n; f++) {
        const vcd_form *a = &forms->items[f];
        size_t an = strlen(a->surface);
        int32_t target = -2;
        for (size_t g = 0; g < n && target != -3; g++) {
            if (g == f || labels[g] < 0 || labels[g] == labels[f]) continue;
            const vcd_form *b = &forms->items[g];
            if (!vcd_is_acronym_of(a->surface, an, b->surface, strlen(b->surface))) continue;
            target = target == -2 || target == labels[g] ? labels[g] : -3; /* -3: ambiguous */
        }
        if (target < 0) continue;
        int32_t from = labels[f];
        if (from < 0) {
            labels[f] = target;
        } else {
            for (size_t g = 0; g < n; g++)
                if (labels[g] == from) labels[g] = target;
        }
        merges++;
    }
    return merges;
}

void vcd_membership(const float *X, size_t dim, const vcd_forms *forms, const int32_t *labels,
                    double *membership)
{
    size_t n = forms->n, *start, *order;
    int32_t nl = group_by_label(labels, n, &start, &order);
    for (size_t f = 0; f < n; f++)
        membership[f] = labels[f] >= 0 ? 1.0 : 0.0;
    for (int32_t l = 0; l < nl; l++) {
        size_t a = start[l], b = start[l + 1];
        if (b - a < 2 || b - a > PAIRWISE_MAX) continue;
        for (size_t i = a; i < b; i++) {
            double best = -1;
            for (size_t j = a; j < b; j++)
                if (j != i) {
                    double c = dot(X + order[i] * dim, X + order[j] * dim, dim);
                    if (c > best) best = c;
                }
            membership[order[i]] = best < 0 ? 0 : best > 1 ? 1 : best;
        }
    }
    free(start);
    free(order);
}
