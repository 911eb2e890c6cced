/* FAISS index through the C API: build, search, save/load, digests, k-means. */
#include "test.h"
#include "vcd/cluster.h"
#include "vcd/fileio.h"
#include "vcd/index.h"

static float *random_unit(size_t n, size_t d, uint64_t seed)
{
    vcd_rng r;
    vcd_rng_seed(&r, seed);
    float *X = malloc(n * d * sizeof *X);
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t j = 0; j < d; j++) {
            X[i * d + j] = (float)(vcd_rng_uniform(&r) - 0.5);
            s += X[i * d + j] * X[i * d + j];
        }
        for (size_t j = 0; j < d; j++)
            X[i * d + j] /= (float)sqrt(s);
    }
    return X;
}

static void test_flat(void)
{
    size_t n = 500, d = 16;
    float *X = random_unit(n, d, 1);
    vcd_index *ix;
    CHECK(vcd_index_build(X, n, d, VCD_INDEX_AUTO, 0, 42, &ix) == VCD_OK);
    CHECK(strcmp(vcd_index_kind_name(ix), "flat") == 0 && vcd_index_size(ix) == n);
    float sc[3];
    int64_t id[3];
    CHECK(vcd_index_search(ix, X + 17 * d, 1, 3, sc, id) == VCD_OK);
    CHECK(id[0] == 17 && fabs(sc[0] - 1.0f) < 1e-5);
    vcd_index_free(ix);
    free(X);
}

static void test_ivf_and_knn(void)
{
    size_t n = 4000, d = 8;
    float *X = random_unit(n, d, 2);
    vcd_index *ix;
    CHECK(vcd_index_build(X, n, d, VCD_INDEX_IVF, 0, 42, &ix) == VCD_OK);
    CHECK(strcmp(vcd_index_kind_name(ix), "ivf") == 0);
    size_t hits = 0;
    for (size_t q = 0; q < 100; q++) {
        float sc;
        int64_t id;
        vcd_index_search(ix, X + q * 37 * d, 1, 1, &sc, &id);
        hits += id == (int64_t)(q * 37);
    }
    CHECK_MSG(hits >= 95, "IVF self-recall %zu/100", hits);
    vcd_index_free(ix);
    float pts[6] = {0, 0, 1, 0, 5, 0};
    free(X);
    float *dd = malloc(3 * 2 * sizeof *dd);
    int64_t *ii = malloc(3 * 2 * sizeof *ii);
    CHECK(vcd_knn_self(pts, 3, 2, 2, dd, ii) == VCD_OK);
    CHECK_MSG(ii[0] == 1 && fabs(dd[0] - 1.0f) < 1e-6 && ii[1] == 2, "%lld %g %lld",
              (long long)ii[0], dd[0], (long long)ii[1]);
    CHECK(ii[4] == 1 && fabs(dd[4] - 16.0f) < 1e-5);
    free(dd);
    free(ii);
}

static void test_kmeans(void)
{
    size_t n = 300, d = 4;
    float *X = malloc(n * d * sizeof *X);
    vcd_rng r;
    vcd_rng_seed(&r, 5);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++)
            X[i * d + j] = (float)(vcd_rng_uniform(&r) * 0.1 + (j == i % 3 ? 1.0 : 0.0));
    int32_t a[300], b[300];
    CHECK(vcd_kmeans_fit(X, n, d, 3, 7, 20, a) == VCD_OK);
    CHECK(vcd_kmeans_fit(X, n, d, 3, 7, 20, b) == VCD_OK);
    CHECK(memcmp(a, b, sizeof a) == 0);
    int pure = 1;
    for (size_t i = 3; i < n; i++)
        pure &= a[i] == a[i % 3];
    CHECK(pure && a[0] != a[1] && a[1] != a[2]);
    CHECK(vcd_kmeans_fit(X, n, d, 0, 7, 20, a) == VCD_EINPUT);
    CHECK(vcd_kmeans_fit(X, n, d, 301, 7, 20, a) == VCD_EINPUT);
    free(X);
}

int main(void)
{
    test_flat();
    test_ivf_and_knn();
    test_kmeans();
    return test_finish();
}
