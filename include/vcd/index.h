/* Index: FAISS through its C API, behind an opaque handle.
 * Exact inner product up to a size threshold, IVF (or HNSW) above it. */
#ifndef VCD_INDEX_H
#define VCD_INDEX_H

#include "vcd/common.h"

typedef enum { VCD_INDEX_AUTO, VCD_INDEX_FLAT, VCD_INDEX_IVF, VCD_INDEX_HNSW } vcd_index_kind;

typedef struct vcd_index vcd_index;

/* Builds an inner-product index over n unit vectors. AUTO picks flat below
 * `flat_max` vectors (0: 50000) and IVF above. */
vcd_status vcd_index_build(const float *X, size_t n, size_t d, vcd_index_kind kind, size_t flat_max,
                           uint64_t seed, vcd_index **out);
vcd_status vcd_index_save(const vcd_index *ix, const char *path);
/* Loads an index written by vcd_index_save; expects dimension d and, unless
 * `expected_digest` is 0, a file whose vcd_file_digest matches, so that a
 * corrupt or foreign file never reaches FAISS's reader. */
vcd_status vcd_index_load(const char *path, size_t d, uint64_t expected_digest, vcd_index **out);
/* Digest of a whole file (size + content hash); 0 on error. */
uint64_t vcd_file_digest(const char *path);
void vcd_index_free(vcd_index *ix);
size_t vcd_index_size(const vcd_index *ix);
const char *vcd_index_kind_name(const vcd_index *ix);
/* Top-k by inner product for nq queries; ids -1 pad missing results. */
vcd_status vcd_index_search(const vcd_index *ix, const float *queries, size_t nq, size_t k,
                            float *scores, int64_t *ids);

/* Exact k nearest neighbours (squared L2) of every row among the rows,
 * excluding the row itself; FAISS flat search. */
vcd_status vcd_knn_self(const float *X, size_t n, size_t d, size_t k, float *dist2, int64_t *ids);

#endif
