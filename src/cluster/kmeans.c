#include "vcd/cluster.h"
#include "vcd/index.h"

#include <faiss/c_api/Clustering_c.h>
#include <faiss/c_api/IndexFlat_c.h>
#include <faiss/c_api/Index_c.h>
#include <faiss/c_api/error_c.h>
#include <stdlib.h>

vcd_status vcd_kmeans_fit(const float *X, size_t n, size_t d, size_t k, uint64_t seed,
                          size_t iterations, int32_t *labels)
{
    if (k == 0 || k > n)
        return vcd_fail(VCD_EINPUT, "kmeans: k must be in 1..%zu (number of mentions)", n);
    FaissClusteringParameters p;
    faiss_ClusteringParameters_init(&p);
    p.niter = iterations ? (int)iterations : 25;
    p.seed = (int)(seed & 0x7fffffff);
    p.spherical = 1; /* unit vectors: centroids back on the sphere */
    p.min_points_per_centroid = 1;
    FaissClustering *km = NULL;
    FaissIndexFlatL2 *assign = NULL;
    vcd_status rc = VCD_OK;
    if (faiss_Clustering_new_with_params(&km, (int)d, (int)k, &p) ||
        faiss_IndexFlatL2_new_with(&assign, (idx_t)d) ||
        faiss_Clustering_train(km, (idx_t)n, X, (FaissIndex *)assign)) {
        const char *msg = faiss_get_last_error();
        rc = vcd_fail(VCD_ERUNTIME, "faiss: kmeans: %s", msg ? msg : "failed");
    }
    if (rc == VCD_OK) {
        /* After training the index holds the final centroids. */
        float *D = vcd_xmalloc(n * sizeof *D);
        idx_t *I = vcd_xmalloc(n * sizeof *I);
        if (faiss_Index_search((FaissIndex *)assign, (idx_t)n, X, 1, D, I))
            rc = vcd_fail(VCD_ERUNTIME, "faiss: kmeans assignment failed");
        for (size_t i = 0; rc == VCD_OK && i < n; i++)
            labels[i] = (int32_t)I[i];
        free(D);
        free(I);
    }
    if (assign) faiss_Index_free((FaissIndex *)assign);
    if (km) faiss_Clustering_free(km);
    return rc;
}
