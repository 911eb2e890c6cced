/* HDBSCAN alone on synthetic Gaussian blobs: n points x d dims.
 * Usage: bench_hdbscan [n=100000] [d=128] [min_cluster_size=15] */
#include "vcd/cluster.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* OpenBLAS names the kernel set it chose for this CPU (recorded with every benchmark). */
char *openblas_get_corename(void);

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
    size_t d = argc > 2 ? strtoul(argv[2], NULL, 10) : 128;
    size_t mcs = argc > 3 ? strtoul(argv[3], NULL, 10) : 15;
    if (n < 2 || d < 1 || mcs < 2) return 2;
    vcd_rng rng;
    vcd_rng_seed(&rng, 42);
    size_t centers = 50;
    float *C = malloc(centers * d * sizeof *C), *X = malloc(n * d * sizeof *X);
    for (size_t i = 0; i < centers * d; i++)
        C[i] = (float)(vcd_rng_uniform(&rng) * 20 - 10);
    for (size_t i = 0; i < n; i++) {
        size_t c = vcd_rng_next(&rng) % centers;
        for (size_t j = 0; j < d; j++) {
            double u1 = vcd_rng_uniform(&rng) + 1e-12, u2 = vcd_rng_uniform(&rng);
            X[i * d + j] = C[c * d + j] + (float)(sqrt(-2 * log(u1)) * cos(6.283185307 * u2));
        }
    }
    vcd_hdbscan_params p = {.min_cluster_size = mcs};
    vcd_hdbscan_result r;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (vcd_hdbscan_fit(X, n, d, NULL, &p, &r)) {
        fprintf(stderr, "error: %s\n", vcd_last_error());
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    size_t noise = 0;
    for (size_t i = 0; i < n; i++)
        noise += r.labels[i] < 0;
    printf("{\"n\": %zu, \"d\": %zu, \"min_cluster_size\": %zu, \"exact\": %d, \"clusters\": %zu, "
           "\"noise\": %zu, \"seconds\": %.3f, \"openblas_core\": \"%s\"}\n",
           n, d, mcs, r.exact, r.n_clusters, noise, secs, openblas_get_corename());
    vcd_hdbscan_result_free(&r);
    free(C);
    free(X);
    return 0;
}
