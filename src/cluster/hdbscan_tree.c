/* From MST edges to labels: single linkage, condensing, stability and
 * cluster selection. The order of rows in the condensed tree follows the
 * `hdbscan` library's breadth-first walk exactly, because the membership
 * probabilities depend on it (see max_lambda_per_cluster). */
#include "hdbscan_tree.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int edge_cmp(const void *x, const void *y)
{
    const mst_edge *a = x, *b = y;
    return (a->w > b->w) - (a->w < b->w);
}

/* Stable merge sort by weight: equal weights keep their MST order. */
static void sort_edges(mst_edge *e, size_t n)
{
    if (n < 2) return;
    mst_edge *tmp = vcd_xmalloc(n * sizeof *tmp);
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = edge_cmp(&e[j], &e[i]) < 0 ? e[j++] : e[i++];
            while (i < mid)
                tmp[k++] = e[i++];
            while (j < hi)
                tmp[k++] = e[j++];
        }
        memcpy(e, tmp, n * sizeof *e);
    }
    free(tmp);
}

static int64_t uf_find(int64_t *parent, int64_t x)
{
    int64_t root = x;
    while (parent[root] != -1)
        root = parent[root];
    while (parent[x] != -1 && parent[x] != root) {
        int64_t next = parent[x];
        parent[x] = root;
        x = next;
    }
    return root;
}

void hdbscan_single_linkage(mst_edge *edges, size_t n, linkage_tree *out)
{
    size_t m = n ? n - 1 : 0;
    out->n = n;
    out->left = vcd_xmalloc((m ? m : 1) * sizeof(int64_t));
    out->right = vcd_xmalloc((m ? m : 1) * sizeof(int64_t));
    out->size = vcd_xmalloc((m ? m : 1) * sizeof(int64_t));
    out->dist = vcd_xmalloc((m ? m : 1) * sizeof(double));
    sort_edges(edges, m);
    int64_t *parent = vcd_xmalloc((2 * n) * sizeof *parent);
    int64_t *size = vcd_xmalloc((2 * n) * sizeof *size);
    for (size_t i = 0; i < 2 * n; i++) {
        parent[i] = -1;
        size[i] = i < n ? 1 : 0;
    }
    for (size_t i = 0; i < m; i++) {
        int64_t a = uf_find(parent, edges[i].a);
        int64_t b = uf_find(parent, edges[i].b);
        int64_t label = (int64_t)(n + i);
        out->left[i] = a;
        out->right[i] = b;
        out->dist[i] = edges[i].w;
        out->size[i] = size[a] + size[b];
        size[label] = out->size[i];
        parent[a] = label;
        parent[b] = label;
    }
    free(parent);
    free(size);
}

/* Breadth-first order of the hierarchy below `root`, level by level, left
 * child before right, as bfs_from_hierarchy in the hdbscan library. */
static size_t bfs_hierarchy(const linkage_tree *lt, int64_t root, int64_t *out)
{
    size_t count = 0, level_start = 0;
    out[count++] = root;
    while (level_start < count) {
        size_t level_end = count;
        for (size_t i = level_start; i < level_end; i++) {
            int64_t node = out[i];
            if (node < (int64_t)lt->n) continue;
            size_t k = (size_t)node - lt->n;
            out[count++] = lt->left[k];
            out[count++] = lt->right[k];
        }
        level_start = level_end;
    }
    return count;
}

static void push_row(condensed_tree *ct, int64_t parent, int64_t child, double lambda, int64_t size)
{
    if (ct->n_rows == ct->cap) {
        ct->cap = ct->cap ? ct->cap * 2 : 256;
        ct->parent = vcd_xrealloc(ct->parent, ct->cap * sizeof(int64_t));
        ct->child = vcd_xrealloc(ct->child, ct->cap * sizeof(int64_t));
        ct->size = vcd_xrealloc(ct->size, ct->cap * sizeof(int64_t));
        ct->lambda = vcd_xrealloc(ct->lambda, ct->cap * sizeof(double));
    }
    ct->parent[ct->n_rows] = parent;
    ct->child[ct->n_rows] = child;
    ct->lambda[ct->n_rows] = lambda;
    ct->size[ct->n_rows] = size;
    ct->n_rows++;
}

static int64_t node_size(const linkage_tree *lt, int64_t node)
{
    return node >= (int64_t)lt->n ? lt->size[node - (int64_t)lt->n] : 1;
}

/* Every point below `sub` leaves cluster `parent` at `lambda`. */
static void fall_out(const linkage_tree *lt, int64_t sub, int64_t parent, double lambda,
                     condensed_tree *ct, uint8_t *ignore, int64_t *scratch)
{
    size_t k = bfs_hierarchy(lt, sub, scratch);
    for (size_t i = 0; i < k; i++) {
        if (scratch[i] < (int64_t)lt->n) push_row(ct, parent, scratch[i], lambda, 1);
        ignore[scratch[i]] = 1;
    }
}

void hdbscan_condense_tree(const linkage_tree *lt, size_t min_cluster_size, condensed_tree *ct)
{
    memset(ct, 0, sizeof *ct);
    size_t n = lt->n;
    ct->n_points = n;
    if (n < 2) return;
    int64_t root = (int64_t)(2 * n - 2);
    int64_t *order = vcd_xmalloc((2 * n) * sizeof *order);
    int64_t *scratch = vcd_xmalloc((2 * n) * sizeof *scratch);
    int64_t *relabel = vcd_xmalloc((2 * n) * sizeof *relabel);
    uint8_t *ignore = vcd_xcalloc(2 * n, 1);
    size_t count = bfs_hierarchy(lt, root, order);
    int64_t next_label = (int64_t)n + 1;
    int64_t mcs = (int64_t)min_cluster_size;
    relabel[root] = (int64_t)n;
    for (size_t i = 0; i < count; i++) {
        int64_t node = order[i];
        if (ignore[node] || node < (int64_t)n) continue;
        size_t k = (size_t)node - n;
        int64_t left = lt->left[k], right = lt->right[k];
        double lambda = lt->dist[k] > 0.0 ? 1.0 / lt->dist[k] : INFINITY;
        int64_t lc = node_size(lt, left), rc = node_size(lt, right);
        if (lc >= mcs && rc >= mcs) {
            relabel[left] = next_label++;
            push_row(ct, relabel[node], relabel[left], lambda, lc);
            relabel[right] = next_label++;
            push_row(ct, relabel[node], relabel[right], lambda, rc);
        } else if (lc < mcs && rc < mcs) {
            fall_out(lt, left, relabel[node], lambda, ct, ignore, scratch);
            fall_out(lt, right, relabel[node], lambda, ct, ignore, scratch);
        } else if (lc < mcs) {
            relabel[right] = relabel[node];
            fall_out(lt, left, relabel[node], lambda, ct, ignore, scratch);
        } else {
            relabel[left] = relabel[node];
            fall_out(lt, right, relabel[node], lambda, ct, ignore, scratch);
        }
    }
    free(order);
    free(scratch);
    free(relabel);
    free(ignore);
}

/* The hdbscan library takes a cluster's death lambda from the last
 * contiguous run of rows with that parent; kept as is for parity. */
static double *max_lambda_per_cluster(const condensed_tree *ct, size_t n_nodes)
{
    double *deaths = vcd_xcalloc(n_nodes, sizeof *deaths);
    if (ct->n_rows == 0) return deaths;
    int64_t current = ct->parent[0];
    double maxl = ct->lambda[0];
    for (size_t i = 1; i < ct->n_rows; i++) {
        if (ct->parent[i] == current) {
            if (ct->lambda[i] > maxl) maxl = ct->lambda[i];
        } else {
            deaths[current] = maxl;
            current = ct->parent[i];
            maxl = ct->lambda[i];
        }
    }
    deaths[current] = maxl;
    return deaths;
}

static void compute_stability(const condensed_tree *ct, size_t n_nodes, double *stability)
{
    double *births = vcd_xcalloc(n_nodes, sizeof *births);
    for (size_t i = 0; i < ct->n_rows; i++)
        births[ct->child[i]] = ct->lambda[i];
    births[ct->n_points] = 0.0;
    memset(stability, 0, n_nodes * sizeof *stability);
    for (size_t i = 0; i < ct->n_rows; i++) {
        int64_t p = ct->parent[i];
        stability[p] += (ct->lambda[i] - births[p]) * (double)ct->size[i];
    }
    free(births);
}

/* Cluster children of each cluster node, as compressed rows. */
typedef struct {
    size_t *start; /* n_nodes + 1 */
    int64_t *child;
} cluster_children;

static void build_cluster_children(const condensed_tree *ct, size_t n_nodes, cluster_children *cc)
{
    cc->start = vcd_xcalloc(n_nodes + 1, sizeof *cc->start);
    size_t total = 0;
    for (size_t i = 0; i < ct->n_rows; i++)
        if (ct->size[i] > 1) {
            cc->start[ct->parent[i] + 1]++;
            total++;
        }
    for (size_t c = 0; c < n_nodes; c++)
        cc->start[c + 1] += cc->start[c];
    cc->child = vcd_xmalloc((total ? total : 1) * sizeof *cc->child);
    size_t *fill = vcd_xmalloc((n_nodes + 1) * sizeof *fill);
    memcpy(fill, cc->start, (n_nodes + 1) * sizeof *fill);
    for (size_t i = 0; i < ct->n_rows; i++)
        if (ct->size[i] > 1) cc->child[fill[ct->parent[i]]++] = ct->child[i];
    free(fill);
}

/* Marks every cluster strictly below `node` as unselected. */
static void deselect_descendants(const cluster_children *cc, int64_t node, uint8_t *is_cluster,
                                 int64_t *stack)
{
    size_t top = 0;
    stack[top++] = node;
    while (top) {
        int64_t x = stack[--top];
        for (size_t k = cc->start[x]; k < cc->start[x + 1]; k++) {
            is_cluster[cc->child[k]] = 0;
            stack[top++] = cc->child[k];
        }
    }
}

size_t hdbscan_extract_clusters(const condensed_tree *ct, vcd_cluster_selection sel,
                                int32_t *labels, double *probs)
{
    size_t n = ct->n_points;
    for (size_t i = 0; i < n; i++) {
        labels[i] = -1;
        probs[i] = 0.0;
    }
    if (ct->n_rows == 0) return 0;
    int64_t root = (int64_t)n;
    size_t n_nodes = (size_t)root + 1;
    for (size_t i = 0; i < ct->n_rows; i++)
        if ((size_t)ct->parent[i] + 1 > n_nodes) n_nodes = (size_t)ct->parent[i] + 1;
    for (size_t i = 0; i < ct->n_rows; i++)
        if ((size_t)ct->child[i] + 1 > n_nodes) n_nodes = (size_t)ct->child[i] + 1;
    double *stability = vcd_xmalloc(n_nodes * sizeof *stability);
    compute_stability(ct, n_nodes, stability);
    uint8_t *is_cluster = vcd_xcalloc(n_nodes, 1);
    uint8_t *has_child_cluster = vcd_xcalloc(n_nodes, 1);
    int64_t *stack = vcd_xmalloc(n_nodes * sizeof *stack);
    for (size_t i = 0; i < ct->n_rows; i++)
        if (ct->size[i] > 1) {
            is_cluster[ct->child[i]] = 1;
            has_child_cluster[ct->parent[i]] = 1;
        }
    cluster_children cc;
    build_cluster_children(ct, n_nodes, &cc);
    if (sel == VCD_SELECT_EOM) {
        /* Children have larger ids than parents: descending id is bottom-up. */
        for (int64_t node = (int64_t)n_nodes - 1; node > root; node--) {
            double subtree = 0.0;
            for (size_t k = cc.start[node]; k < cc.start[node + 1]; k++)
                subtree += stability[cc.child[k]];
            if (subtree > stability[node]) {
                is_cluster[node] = 0;
                stability[node] = subtree;
            } else {
                deselect_descendants(&cc, node, is_cluster, stack);
            }
        }
    } else {
        for (size_t c = 0; c < n_nodes; c++)
            if (has_child_cluster[c]) is_cluster[c] = 0;
    }
    is_cluster[root] = 0;
    /* Label clusters in ascending id order, as the reference does. */
    int32_t *label_of = vcd_xmalloc(n_nodes * sizeof *label_of);
    size_t n_clusters = 0;
    for (size_t c = 0; c < n_nodes; c++)
        label_of[c] = is_cluster[c] ? (int32_t)n_clusters++ : -1;
    /* Nearest selected ancestor, top-down: a cluster row precedes the rows of
     * its own children in the breadth-first order. */
    int64_t *selected_anc = vcd_xmalloc(n_nodes * sizeof *selected_anc);
    for (size_t c = 0; c < n_nodes; c++)
        selected_anc[c] = -1;
    for (size_t i = 0; i < ct->n_rows; i++) {
        if (ct->size[i] <= 1) continue;
        int64_t c = ct->child[i];
        selected_anc[c] = is_cluster[c] ? c : selected_anc[ct->parent[i]];
    }
    double *deaths = max_lambda_per_cluster(ct, n_nodes);
    for (size_t i = 0; i < ct->n_rows; i++) {
        int64_t p = ct->child[i];
        if (p >= root) continue;
        int64_t c = selected_anc[ct->parent[i]];
        if (c < 0) continue;
        labels[p] = label_of[c];
        double maxl = deaths[c], l = ct->lambda[i];
        if (maxl == 0.0 || isinf(l))
            probs[p] = 1.0;
        else
            probs[p] = (l < maxl ? l : maxl) / maxl;
    }
    free(stability);
    free(is_cluster);
    free(has_child_cluster);
    free(stack);
    free(label_of);
    free(selected_anc);
    free(deaths);
    free(cc.start);
    free(cc.child);
    return n_clusters;
}

void linkage_tree_free(linkage_tree *t)
{
    free(t->left);
    free(t->right);
    free(t->size);
    free(t->dist);
    memset(t, 0, sizeof *t);
}

void condensed_tree_free(condensed_tree *t)
{
    free(t->parent);
    free(t->child);
    free(t->size);
    free(t->lambda);
    memset(t, 0, sizeof *t);
}
