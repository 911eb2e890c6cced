#include "vcd/index.h"

#include <faiss/c_api/AutoTune_c.h>
#include <faiss/c_api/IndexFlat_c.h>
#include <faiss/c_api/IndexIVF_c.h>
#include <faiss/c_api/Index_c.h>
#include <faiss/c_api/error_c.h>
#include <faiss/c_api/index_factory_c.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vcd_index {
    FaissIndex *faiss;
    size_t d;
    vcd_index_kind kind;
};

static vcd_status faiss_failure(const char *what)
{
    const char *msg = faiss_get_last_error();
    return vcd_fail(VCD_ERUNTIME, "faiss: %s: %s", what, msg ? msg : "unknown error");
}

static const char *kind_name(vcd_index_kind k)
{
    switch (k) {
    case VCD_INDEX_IVF:
        return "ivf";
    case VCD_INDEX_HNSW:
        return "hnsw";
    default:
        return "flat";
    }
}

static void tune_search(vcd_index *ix, size_t n)
{
    if (ix->kind == VCD_INDEX_IVF) {
        FaissIndexIVF *ivf = faiss_IndexIVF_cast(ix->faiss);
        /* about 1/8 of the lists: recall close to exact at a fraction of the cost */
        size_t nlist = ivf ? faiss_IndexIVF_nlist(ivf) : 1;
        size_t nprobe = nlist / 8 > 8 ? nlist / 8 : 8;
        if (ivf) faiss_IndexIVF_set_nprobe(ivf, nprobe < nlist ? nprobe : nlist);
    } else if (ix->kind == VCD_INDEX_HNSW) {
        FaissParameterSpace *ps = NULL;
        if (faiss_ParameterSpace_new(&ps) == 0) {
            faiss_ParameterSpace_set_index_parameter(ps, ix->faiss, "efSearch", 128);
            faiss_ParameterSpace_free(ps);
        }
    }
    (void)n;
}

vcd_status vcd_index_build(const float *X, size_t n, size_t d, vcd_index_kind kind, size_t flat_max,
                           uint64_t seed, vcd_index **out)
{
    *out = NULL;
    if (d == 0 || d > 65536) return vcd_fail(VCD_EINPUT, "index: bad dimension %zu", d);
    kind = vcd_index_resolve_kind(kind, n, flat_max);
    vcd_index *ix = vcd_xcalloc(1, sizeof *ix);
    ix->d = d;
    ix->kind = kind;
    int err;
    if (kind == VCD_INDEX_FLAT) {
        FaissIndexFlatIP *flat = NULL;
        err = faiss_IndexFlatIP_new_with(&flat, (idx_t)d);
        ix->faiss = (FaissIndex *)flat;
    } else {
        char desc[64];
        /* 4 sqrt(n) lists, but no more than FAISS can train well (39 per list) */
        size_t nlist = (size_t)(4 * sqrt((double)n)), trainable = (n < 65536 ? n : 65536) / 39;
        if (nlist > trainable) nlist = trainable;
        if (nlist < 1) nlist = 1;
        if (kind == VCD_INDEX_IVF)
            snprintf(desc, sizeof desc, "IVF%zu,Flat", nlist);
        else
            snprintf(desc, sizeof desc, "HNSW32,Flat");
        err = faiss_index_factory(&ix->faiss, (int)d, desc, METRIC_INNER_PRODUCT);
    }
    if (err) {
        free(ix);
        return faiss_failure("create index");
    }
    if (kind == VCD_INDEX_IVF) {
        /* Train on a deterministic subsample so that the seed fixes the lists. */
        size_t nt = n < 65536 ? n : 65536;
        float *train = vcd_xmalloc(nt * d * sizeof *train);
        vcd_rng rng;
        vcd_rng_seed(&rng, seed);
        for (size_t i = 0; i < nt; i++) {
            size_t src = nt == n ? i : (size_t)(vcd_rng_next(&rng) % n);
            memcpy(train + i * d, X + src * d, d * sizeof *train);
        }
        err = faiss_Index_train(ix->faiss, (idx_t)nt, train);
        free(train);
        if (err) {
            vcd_index_free(ix);
            return faiss_failure("train index");
        }
    }
    if (n && faiss_Index_add(ix->faiss, (idx_t)n, X)) {
        vcd_index_free(ix);
        return faiss_failure("add vectors");
    }
    tune_search(ix, n);
    *out = ix;
    return VCD_OK;
}

void vcd_index_free(vcd_index *ix)
{
    if (!ix) return;
    if (ix->faiss) faiss_Index_free(ix->faiss);
    free(ix);
}

size_t vcd_index_size(const vcd_index *ix)
{
    return (size_t)faiss_Index_ntotal(ix->faiss);
}

vcd_index_kind vcd_index_resolve_kind(vcd_index_kind kind, size_t n, size_t flat_max)
{
    if (!flat_max) flat_max = 50000;
    if (kind == VCD_INDEX_AUTO) kind = n <= flat_max ? VCD_INDEX_FLAT : VCD_INDEX_IVF;
    if (kind == VCD_INDEX_IVF && n < 1024) kind = VCD_INDEX_FLAT; /* too few to train lists */
    return kind;
}

const char *vcd_index_kind_label(vcd_index_kind kind)
{
    return kind_name(kind);
}

const char *vcd_index_kind_name(const vcd_index *ix)
{
    return kind_name(ix->kind);
}

vcd_status vcd_index_search(const vcd_index *ix, const float *queries, size_t nq, size_t k,
                            float *scores, int64_t *ids)
{
    if (k == 0 || nq == 0) return VCD_OK;
    if (faiss_Index_search(ix->faiss, (idx_t)nq, queries, (idx_t)k, scores, (idx_t *)ids))
        return faiss_failure("search");
    return VCD_OK;
}

vcd_status vcd_knn_self(const float *X, size_t n, size_t d, size_t k, float *dist2, int64_t *ids)
{
    return vcd_knn_rows(X, n, d, NULL, n, k, dist2, ids);
}

vcd_status vcd_knn_rows(const float *X, size_t n, size_t d, const uint32_t *rows, size_t nq,
                        size_t k, float *dist2, int64_t *ids)
{
    FaissIndexFlatL2 *flat = NULL;
    if (faiss_IndexFlatL2_new_with(&flat, (idx_t)d)) return faiss_failure("create flat index");
    FaissIndex *ix = (FaissIndex *)flat;
    size_t kk = k + 1;
    float *D = vcd_xmalloc((nq * kk + 1) * sizeof *D);
    idx_t *I = vcd_xmalloc((nq * kk + 1) * sizeof *I);
    float *Q = NULL;
    if (rows) {
        Q = vcd_xmalloc((nq * d + 1) * sizeof *Q);
        for (size_t i = 0; i < nq; i++)
            memcpy(Q + i * d, X + (size_t)rows[i] * d, d * sizeof *Q);
    }
    vcd_status rc = VCD_OK;
    if (faiss_Index_add(ix, (idx_t)n, X) ||
        (nq && faiss_Index_search(ix, (idx_t)nq, rows ? Q : X, (idx_t)kk, D, I)))
        rc = faiss_failure("k-NN search");
    for (size_t i = 0; rc == VCD_OK && i < nq; i++) {
        idx_t self = rows ? (idx_t)rows[i] : (idx_t)i;
        /* Drop the point itself (or one exact duplicate standing in for it). */
        size_t skip = kk - 1;
        for (size_t t = 0; t < kk; t++)
            if (I[i * kk + t] == self) {
                skip = t;
                break;
            }
        size_t o = 0;
        for (size_t t = 0; t < kk && o < k; t++) {
            if (t == skip) continue;
            dist2[i * k + o] = D[i * kk + t];
            ids[i * k + o] = I[i * kk + t];
            o++;
        }
    }
    free(Q);
    free(D);
    free(I);
    faiss_Index_free(ix);
    return rc;
}
