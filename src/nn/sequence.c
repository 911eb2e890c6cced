/* Element-wise and windowing kernels for word-level sequence models: the
 * convolution of the default tagger is nn_window_gather followed by
 * nn_linear_forward, so it shares the matrix-product path with BERT. */
#include "vcd/nn.h"

#include <string.h>

void nn_window_gather(float *out, const float *x, const size_t *starts, size_t n_seq, size_t dim,
                      size_t half)
{
    size_t width = 2 * half + 1;
#pragma omp parallel for schedule(static) if (n_seq > 64)
    for (size_t s = 0; s < n_seq; s++) {
        long a = (long)starts[s], b = (long)starts[s + 1];
        for (long r = a; r < b; r++) {
            float *o = out + (size_t)r * width * dim;
            for (long k = -(long)half; k <= (long)half; k++, o += dim) {
                long src = r + k;
                if (src < a || src >= b)
                    memset(o, 0, dim * sizeof *o);
                else
                    memcpy(o, x + (size_t)src * dim, dim * sizeof *o);
            }
        }
    }
}

void nn_window_scatter(float *dx, const float *dout, const size_t *starts, size_t n_seq, size_t dim,
                       size_t half)
{
    size_t width = 2 * half + 1;
    /* Gathering by destination row keeps every row's sum in one thread and
     * in a fixed order, so results do not depend on the thread count. */
#pragma omp parallel for schedule(static) if (n_seq > 64)
    for (size_t s = 0; s < n_seq; s++) {
        long a = (long)starts[s], b = (long)starts[s + 1];
        for (long r = a; r < b; r++) {
            float *d = dx + (size_t)r * dim;
            memset(d, 0, dim * sizeof *d);
            for (long k = -(long)half; k <= (long)half; k++) {
                long reader = r - k; /* the window centred there reads row r at offset k */
                if (reader < a || reader >= b) continue;
                const float *g = dout + ((size_t)reader * width + (size_t)(k + (long)half)) * dim;
                for (size_t i = 0; i < dim; i++)
                    d[i] += g[i];
            }
        }
    }
}

void nn_relu_forward(float *y, const float *x, size_t n)
{
#pragma omp parallel for schedule(static) if (n > 65536)
    for (size_t i = 0; i < n; i++)
        y[i] = x[i] > 0 ? x[i] : 0;
}

void nn_relu_backward(float *dx, const float *dy, const float *y, size_t n)
{
#pragma omp parallel for schedule(static) if (n > 65536)
    for (size_t i = 0; i < n; i++)
        dx[i] = y[i] > 0 ? dy[i] : 0;
}

void nn_dropout_forward(float *y, float *mask, const float *x, size_t n, float p, vcd_rng *rng)
{
    float keep = 1.0f / (1.0f - p);
    for (size_t i = 0; i < n; i++) {
        mask[i] = vcd_rng_uniform(rng) < (double)p ? 0.0f : keep;
        y[i] = x[i] * mask[i];
    }
}

void nn_dropout_backward(float *dx, const float *dy, const float *mask, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dx[i] = dy[i] * mask[i];
}
