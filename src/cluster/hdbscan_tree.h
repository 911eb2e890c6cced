/* Internal stages of HDBSCAN, exposed to the unit tests. */
#ifndef VCD_HDBSCAN_TREE_H
#define VCD_HDBSCAN_TREE_H

#include "vcd/cluster.h"

typedef struct {
    int64_t a, b;
    double w;
} mst_edge;

/* Single-linkage hierarchy in scipy format: merge i joins left[i] and
 * right[i] (points < n, merges n + j) at dist[i] into size[i] points. */
typedef struct {
    int64_t *left, *right, *size;
    double *dist;
    size_t n; /* points */
} linkage_tree;

typedef struct {
    int64_t *parent, *child, *size;
    double *lambda;
    size_t n_rows, cap;
    size_t n_points;
} condensed_tree;

void hdbscan_single_linkage(mst_edge *edges, size_t n_points, linkage_tree *out);
void hdbscan_condense_tree(const linkage_tree *lt, size_t min_cluster_size, condensed_tree *out);
/* Selects clusters and labels points; labels/probs have n_points entries. */
size_t hdbscan_extract_clusters(const condensed_tree *ct, vcd_cluster_selection sel,
                                int32_t *labels, double *probs);
void linkage_tree_free(linkage_tree *t);
void condensed_tree_free(condensed_tree *t);

#endif
