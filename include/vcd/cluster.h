/* Clustering: HDBSCAN (own implementation, parity with scikit-learn) and
 * k-means (FAISS).
 *
 * HDBSCAN follows the algorithm as the `hdbscan` library documents it:
 *   1. core distance of each point = distance to its min_samples-th nearest
 *      neighbour (the point itself counts as the first);
 *   2. mutual reachability d_mr(a,b) = max(core(a), core(b), d(a,b));
 *   3. minimum spanning tree of the mutual-reachability graph;
 *   4. single-linkage tree from the MST edges sorted by weight;
 *   5. condensed tree: walk the hierarchy from the root, a split counts only
 *      when both sides have >= min_cluster_size points; smaller sides "fall
 *      out" as points at lambda = 1 / distance;
 *   6. stability of a cluster = sum over its points of (lambda_p - lambda_birth);
 *   7. selection: excess of mass ("eom") or leaves ("leaf");
 *   8. membership probability = min(lambda_p, lambda_max) / lambda_max.
 *
 * Weighted points: a weight w means w identical copies of the point. The
 * result equals running on the expanded multiset, at the cost of the
 * distinct points only (mentions repeat their surface form a lot). */
#ifndef VCD_CLUSTER_H
#define VCD_CLUSTER_H

#include "vcd/common.h"

typedef enum { VCD_SELECT_EOM, VCD_SELECT_LEAF } vcd_cluster_selection;

typedef struct {
    size_t min_cluster_size; /* >= 2 */
    size_t min_samples;      /* 0: same as min_cluster_size */
    vcd_cluster_selection selection;
    /* Up to this many distinct points the MST is exact (Prim, double
     * precision, scikit-learn's order of operations). Above it the MST is
     * built on the k-nearest-neighbour graph (FAISS), an approximation that
     * only differs where the k-NN graph misses an MST edge. */
    size_t exact_max_points; /* 0: 6000 */
    size_t knn_graph_k;      /* 0: max(min_samples, 15) */
} vcd_hdbscan_params;

typedef struct {
    int32_t *labels;       /* per distinct point; -1 = noise; 0..n_clusters-1 */
    double *probabilities; /* per distinct point */
    size_t n;
    size_t n_clusters;
    int exact; /* 1 if the exact MST was used */
} vcd_hdbscan_result;

/* X: n x d floats (row-major). weights: NULL or n counts >= 1. */
vcd_status vcd_hdbscan_fit(const float *X, size_t n, size_t d, const uint32_t *weights,
                           const vcd_hdbscan_params *params, vcd_hdbscan_result *out);
void vcd_hdbscan_result_free(vcd_hdbscan_result *r);

/* k-means through FAISS: labels[n] in 0..k-1, deterministic for a seed. */
vcd_status vcd_kmeans_fit(const float *X, size_t n, size_t d, size_t k, uint64_t seed,
                          size_t iterations, int32_t *labels);

#endif
