/* Shared pieces of the kernels' gradient tests: a small deterministic
 * generator, and central differences of a scalar loss against an analytic
 * gradient. */
#ifndef VCD_TEST_FINITE_DIFF_H
#define VCD_TEST_FINITE_DIFF_H

#include "test.h"

/* Uniform in [-1, 1], from a linear congruential state. */
static inline float frand(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return ((float)((*s >> 8) & 0xFFFF) / 65535.0f - 0.5f) * 2.0f;
}

static inline void fill(float *x, size_t n, unsigned *s)
{
    for (size_t i = 0; i < n; i++)
        x[i] = frand(s);
}

/* Loss = sum(y * r) for a fixed random r, so dL/dy = r. */
static inline double dot(const float *a, const float *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)a[i] * b[i];
    return s;
}

typedef double (*loss_fn)(void *ctx);

/* Compares grad[0..n) with central differences of f over x, at every entry
 * or, with max_checks > 0, at about max_checks evenly spaced ones (large
 * tensors); relative error below 2e-3. */
static inline void check_fd(const char *what, loss_fn f, void *ctx, float *x, const float *grad,
                            size_t n, size_t max_checks)
{
    double worst = 0;
    size_t step = max_checks && n > max_checks ? n / max_checks : 1;
    for (size_t i = 0; i < n; i += step) {
        float keep = x[i], h = 1e-2f;
        x[i] = keep + h;
        double up = f(ctx);
        x[i] = keep - h;
        double down = f(ctx);
        x[i] = keep;
        double num = (up - down) / (2.0 * h);
        double err = fabs(num - grad[i]) / fmax(1.0, fabs(num));
        if (err > worst) worst = err;
    }
    CHECK_MSG(worst < 2e-3, "%s: finite-difference error %g", what, worst);
}

#endif
