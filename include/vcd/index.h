/* Index: FAISS through its C API, behind an opaque handle.
 * Exact inner product up to a size threshold, IVF (or HNSW) above it.
 * Indexes are built in memory only: a state directory stores the vectors
 * and readers rebuild the index, because FAISS's file reader trusts its
 * input (a crafted file crashes HNSW search and leaks). */
#ifndef VCD_INDEX_H
#define VCD_INDEX_H

#include "vcd/common.h"

typedef enum { VCD_INDEX_AUTO, VCD_INDEX_FLAT, VCD_INDEX_IVF, VCD_INDEX_HNSW } vcd_index_kind;

typedef struct vcd_index vcd_index;

/* Builds an inner-product index over n unit vectors. AUTO picks flat below
 * `flat_max` vectors (0: 50000) and IVF above. */
vcd_status vcd_index_build(const float *X, size_t n, size_t d, vcd_index_kind kind, size_t flat_max,
                           uint64_t seed, vcd_index **out);
void vcd_index_free(vcd_index *ix);
size_t vcd_index_size(const vcd_index *ix);
const char *vcd_index_kind_name(const vcd_index *ix);
/* The kind vcd_index_build gives n vectors when asked for `kind` (AUTO and
 * small IVF resolved), and its name: what a state records so that readers
 * rebuild the same index without the writer building one. */
vcd_index_kind vcd_index_resolve_kind(vcd_index_kind kind, size_t n, size_t flat_max);
const char *vcd_index_kind_label(vcd_index_kind kind);
/* Top-k by inner product for nq queries; ids -1 pad missing results. */
vcd_status vcd_index_search(const vcd_index *ix, const float *queries, size_t nq, size_t k,
                            float *scores, int64_t *ids);

/* Exact k nearest neighbours (squared L2) of every row among the rows,
 * excluding the row itself; FAISS flat search. */
vcd_status vcd_knn_self(const float *X, size_t n, size_t d, size_t k, float *dist2, int64_t *ids);
/* The same for the nq rows listed (row i of dist2/ids: rows[i]'s neighbours
 * among all n); rows NULL: every row, nq = n. */
vcd_status vcd_knn_rows(const float *X, size_t n, size_t d, const uint32_t *rows, size_t nq,
                        size_t k, float *dist2, int64_t *ids);

#endif
