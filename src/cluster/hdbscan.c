/* HDBSCAN front half: core distances and the mutual-reachability MST, then
 * the tree stages in hdbscan_tree.c. */
#include "hdbscan_tree.h"
#include "vcd/index.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Euclidean distance in double, summed in index order like scikit-learn's
 * DistanceMetric, so that ties and near-ties resolve the same way. */
static double euclid(const double *a, const double *b, size_t d)
{
    double s = 0.0;
    for (size_t k = 0; k < d; k++) {
        double t = a[k] - b[k];
        s += t * t;
    }
    return sqrt(s);
}

static size_t weight_of(const uint32_t *w, size_t i)
{
    return w ? w[i] : 1;
}

/* Core distance from a neighbour list sorted by distance: the point's own
 * copies count first, then neighbours with their multiplicities. */
static double core_from_sorted(const double *dist, const uint32_t *wts, const int64_t *ids,
                               size_t k, size_t self_weight, size_t min_samples)
{
    if (self_weight >= min_samples) return 0.0;
    size_t have = self_weight;
    for (size_t t = 0; t < k; t++) {
        if (ids[t] < 0) break;
        have += weight_of(wts, (size_t)ids[t]);
        if (have >= min_samples) return dist[t];
    }
    return k && ids[k - 1] >= 0 ? dist[k - 1] : 0.0;
}

static void core_distances_exact(const double *X, size_t n, size_t d, const uint32_t *wts,
                                 size_t min_samples, double *core)
{
    size_t cap = min_samples;
    double *best = vcd_xmalloc(cap * sizeof *best);
    int64_t *best_id = vcd_xmalloc(cap * sizeof *best_id);
    for (size_t i = 0; i < n; i++) {
        size_t wi = weight_of(wts, i);
        if (wi >= min_samples) {
            core[i] = 0.0;
            continue;
        }
        size_t need = min_samples - wi, count = 0;
        for (size_t j = 0; j < n; j++) {
            if (j == i) continue;
            double dist = euclid(X + i * d, X + j * d, d);
            if (count == need && dist >= best[count - 1]) continue;
            size_t pos = count < need ? count++ : count - 1;
            while (pos > 0 && best[pos - 1] > dist) {
                best[pos] = best[pos - 1];
                best_id[pos] = best_id[pos - 1];
                pos--;
            }
            best[pos] = dist;
            best_id[pos] = (int64_t)j;
        }
        core[i] = core_from_sorted(best, wts, best_id, count, wi, min_samples);
    }
    free(best);
    free(best_id);
}

/* Prim's algorithm on the implicit mutual-reachability graph, visiting nodes
 * and breaking ties exactly as scikit-learn's mst_from_data_matrix. */
static void mst_prim_exact(const double *X, size_t n, size_t d, const double *core, mst_edge *mst)
{
    uint8_t *in_tree = vcd_xcalloc(n, 1);
    double *min_reach = vcd_xmalloc(n * sizeof *min_reach);
    int64_t *source = vcd_xmalloc(n * sizeof *source);
    for (size_t j = 0; j < n; j++) {
        min_reach[j] = INFINITY;
        source[j] = 1;
    }
    size_t current = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        in_tree[current] = 1;
        double current_core = core[current];
        double best = DBL_MAX;
        int64_t best_src = 0, best_node = 0;
        for (size_t j = 0; j < n; j++) {
            if (in_tree[j]) continue;
            double reach = min_reach[j];
            double pair = euclid(X + current * d, X + j * d, d);
            double mr = current_core;
            if (core[j] > mr) mr = core[j];
            if (pair > mr) mr = pair;
            if (mr < reach) {
                min_reach[j] = mr;
                source[j] = (int64_t)current;
                if (mr < best) {
                    best = mr;
                    best_src = (int64_t)current;
                    best_node = (int64_t)j;
                }
            } else if (reach < best) {
                best = reach;
                best_src = source[j];
                best_node = (int64_t)j;
            }
        }
        mst[i].a = best_src;
        mst[i].b = best_node;
        mst[i].w = best;
        current = (size_t)best_node;
    }
    free(in_tree);
    free(min_reach);
    free(source);
}

static int mst_edge_cmp(const void *x, const void *y)
{
    const mst_edge *a = x, *b = y;
    if (a->w != b->w) return a->w < b->w ? -1 : 1;
    if (a->a != b->a) return a->a < b->a ? -1 : 1;
    return (a->b > b->b) - (a->b < b->b);
}

/* Approximate MST for large inputs: Kruskal on the k-NN graph with
 * mutual-reachability weights; components the graph leaves apart are joined
 * above the largest edge, so they separate at the top of the hierarchy. */
static vcd_status mst_knn_graph(const float *X, size_t n, size_t d, const uint32_t *wts,
                                size_t min_samples, size_t k, double *core, mst_edge *mst)
{
    if (k >= n) k = n - 1;
    float *dist2 = vcd_xmalloc(n * k * sizeof *dist2);
    int64_t *ids = vcd_xmalloc(n * k * sizeof *ids);
    vcd_status rc = vcd_knn_self(X, n, d, k, dist2, ids);
    /* FAISS computes distances in float: huge coordinates give infinity or
     * NaN (which the clamp below would turn into 0), and FAISS drops such
     * neighbours (id -1) although every point has k < n of them. */
    for (size_t i = 0; rc == VCD_OK && i < n * k; i++)
        if (!isfinite(dist2[i]) || ids[i] < 0)
            rc = vcd_fail(VCD_EINPUT,
                          "hdbscan: distance from point %zu is not finite (coordinates too large)",
                          i / k);
    if (rc) {
        free(dist2);
        free(ids);
        return rc;
    }
    double *row = vcd_xmalloc(k * sizeof *row);
    for (size_t i = 0; i < n; i++) {
        for (size_t t = 0; t < k; t++)
            row[t] = sqrt(dist2[i * k + t] > 0 ? (double)dist2[i * k + t] : 0.0);
        core[i] = core_from_sorted(row, wts, ids + i * k, k, weight_of(wts, i), min_samples);
    }
    free(row);
    mst_edge *edges = vcd_xmalloc(n * k * sizeof *edges);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t t = 0; t < k; t++) {
            int64_t j = ids[i * k + t];
            if (j < 0 || (size_t)j == i) continue;
            double dd = sqrt(dist2[i * k + t] > 0 ? (double)dist2[i * k + t] : 0.0);
            double w = dd;
            if (core[i] > w) w = core[i];
            if (core[j] > w) w = core[j];
            edges[m++] = (mst_edge){(int64_t)i, j, w};
        }
    qsort(edges, m, sizeof *edges, mst_edge_cmp);
    int64_t *parent = vcd_xmalloc(n * sizeof *parent);
    for (size_t i = 0; i < n; i++)
        parent[i] = (int64_t)i;
    size_t used = 0;
    double max_w = 0.0;
    for (size_t e = 0; e < m && used + 1 < n; e++) {
        int64_t a = vcd_dsu_find(parent, edges[e].a), b = vcd_dsu_find(parent, edges[e].b);
        if (a == b) continue;
        parent[a] = b;
        mst[used++] = edges[e];
        if (edges[e].w > max_w) max_w = edges[e].w;
    }
    double bridge = max_w > 0 ? max_w * 2.0 : 1.0;
    for (size_t i = 1; i < n && used + 1 < n; i++) {
        int64_t a = vcd_dsu_find(parent, 0), b = vcd_dsu_find(parent, (int64_t)i);
        if (a == b) continue;
        parent[b] = a;
        mst[used++] = (mst_edge){0, (int64_t)i, bridge};
    }
    free(parent);
    free(edges);
    free(dist2);
    free(ids);
    return VCD_OK;
}

/* NaN or infinite coordinates would make every distance comparison false, so
 * Prim and Kruskal would link a point to itself and the hierarchy would not
 * be a tree: refuse them before any distance is computed. */
static vcd_status check_finite_points(const float *X, size_t n, size_t d)
{
    for (size_t i = 0; i < n * d; i++)
        if (!isfinite(X[i]))
            return vcd_fail(VCD_EINPUT, "hdbscan: point %zu has a non-finite coordinate (%g)",
                            i / d, (double)X[i]);
    return VCD_OK;
}

/* Finite but huge coordinates (3e38) overflow float distances in the k-NN
 * search; an MST edge must join two different points at a finite weight. */
static vcd_status check_mst(const mst_edge *mst, size_t m, size_t n)
{
    for (size_t e = 0; e < m; e++) {
        const mst_edge *x = &mst[e];
        if (!isfinite(x->w) || x->w >= DBL_MAX)
            return vcd_fail(VCD_EINPUT,
                            "hdbscan: distance between points %lld and %lld is not finite "
                            "(coordinates too large)",
                            (long long)x->a, (long long)x->b);
        if (x->a == x->b || x->a < 0 || x->b < 0 || (size_t)x->a >= n || (size_t)x->b >= n)
            return vcd_fail(VCD_EINPUT, "hdbscan: degenerate distances (no spanning tree)");
    }
    return VCD_OK;
}

/* Turns the MST over distinct points into the MST over all copies: copies of
 * a point are joined at its core distance (their mutual reachability), which
 * never exceeds any edge leaving the point. */
static mst_edge *expand_weighted(const mst_edge *mst, size_t n, const uint32_t *wts,
                                 const double *core, const size_t *first, size_t total)
{
    mst_edge *out = vcd_xmalloc((total ? total : 1) * sizeof *out);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t c = 1; c < wts[i]; c++)
            out[m++] = (mst_edge){(int64_t)first[i], (int64_t)(first[i] + c), core[i]};
    for (size_t e = 0; e + 1 < n; e++)
        out[m++] = (mst_edge){(int64_t)first[mst[e].a], (int64_t)first[mst[e].b], mst[e].w};
    return out;
}

vcd_status vcd_hdbscan_fit(const float *X, size_t n, size_t d, const uint32_t *weights,
                           const vcd_hdbscan_params *params, vcd_hdbscan_result *out)
{
    memset(out, 0, sizeof *out);
    size_t mcs = params->min_cluster_size;
    size_t ms = params->min_samples ? params->min_samples : mcs;
    if (mcs < 2) return vcd_fail(VCD_EINPUT, "hdbscan: min_cluster_size must be >= 2");
    if (n == 0 || d == 0) return vcd_fail(VCD_EINPUT, "hdbscan: no points");
    if (check_finite_points(X, n, d)) return VCD_EINPUT;
    size_t total = 0;
    size_t *first = vcd_xmalloc(n * sizeof *first);
    for (size_t i = 0; i < n; i++) {
        if (weights && weights[i] == 0) {
            free(first);
            return vcd_fail(VCD_EINPUT, "hdbscan: weights must be >= 1");
        }
        first[i] = total;
        total += weight_of(weights, i);
    }
    out->n = n;
    out->labels = vcd_xmalloc(n * sizeof *out->labels);
    out->probabilities = vcd_xcalloc(n, sizeof *out->probabilities);
    for (size_t i = 0; i < n; i++)
        out->labels[i] = -1;
    if (total < 2 || total < ms) {
        free(first); /* too few points for any cluster: all noise */
        return VCD_OK;
    }
    size_t exact_max = params->exact_max_points ? params->exact_max_points : 6000;
    double *core = vcd_xmalloc(n * sizeof *core);
    mst_edge *mst = vcd_xmalloc((n > 1 ? n - 1 : 1) * sizeof *mst);
    vcd_status rc = VCD_OK;
    if (n <= exact_max || n < 3) {
        double *Xd = vcd_xmalloc(n * d * sizeof *Xd);
        for (size_t i = 0; i < n * d; i++)
            Xd[i] = X[i];
        core_distances_exact(Xd, n, d, weights, ms, core);
        if (n > 1) mst_prim_exact(Xd, n, d, core, mst);
        free(Xd);
        out->exact = 1;
    } else {
        size_t k = params->knn_graph_k ? params->knn_graph_k : (ms > 15 ? ms : 15);
        if (k < ms) k = ms;
        rc = mst_knn_graph(X, n, d, weights, ms, k, core, mst);
    }
    if (rc == VCD_OK) rc = check_mst(mst, n - 1, n);
    if (rc == VCD_OK) {
        mst_edge *edges = mst;
        if (weights) edges = expand_weighted(mst, n, weights, core, first, total);
        linkage_tree lt;
        condensed_tree ct;
        hdbscan_single_linkage(edges, total, &lt);
        hdbscan_condense_tree(&lt, mcs, &ct);
        int32_t *labels = vcd_xmalloc(total * sizeof *labels);
        double *probs = vcd_xmalloc(total * sizeof *probs);
        out->n_clusters = hdbscan_extract_clusters(&ct, params->selection, labels, probs);
        for (size_t i = 0; i < n; i++) {
            out->labels[i] = labels[first[i]];
            out->probabilities[i] = probs[first[i]];
        }
        free(labels);
        free(probs);
        linkage_tree_free(&lt);
        condensed_tree_free(&ct);
        if (edges != mst) free(edges);
    }
    free(core);
    free(mst);
    free(first);
    if (rc) vcd_hdbscan_result_free(out);
    return rc;
}

void vcd_hdbscan_result_free(vcd_hdbscan_result *r)
{
    free(r->labels);
    free(r->probabilities);
    memset(r, 0, sizeof *r);
}
