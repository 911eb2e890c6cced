/* Retrieval kernels: embedding bags over hashed features, row L2
 * normalisation and the multiple-negatives ranking loss (see vcd/nn.h). */
#include "vcd/nn.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

static float bag_weight_sum(const float *weights, size_t lo, size_t hi)
{
    if (!weights) return (float)(hi - lo);
    double s = 0;
    for (size_t k = lo; k < hi; k++)
        s += weights[k];
    return (float)s;
}

void nn_embedding_bag_forward(float *out, const float *table, const int32_t *ids,
                              const float *weights, const size_t *offsets, size_t bags, size_t dim)
{
    for (size_t b = 0; b < bags; b++) {
        float *o = out + b * dim;
        memset(o, 0, dim * sizeof *o);
        size_t lo = offsets[b], hi = offsets[b + 1];
        float total = bag_weight_sum(weights, lo, hi);
        if (hi <= lo || total == 0) continue;
        for (size_t k = lo; k < hi; k++) {
            const float *row = table + (size_t)ids[k] * dim;
            float w = (weights ? weights[k] : 1.0f) / total;
            for (size_t j = 0; j < dim; j++)
                o[j] += w * row[j];
        }
    }
}

void nn_embedding_bag_backward(float *dtable, const float *dout, const int32_t *ids,
                               const float *weights, const size_t *offsets, size_t bags, size_t dim)
{
    for (size_t b = 0; b < bags; b++) {
        const float *d = dout + b * dim;
        size_t lo = offsets[b], hi = offsets[b + 1];
        float total = bag_weight_sum(weights, lo, hi);
        if (hi <= lo || total == 0) continue;
        for (size_t k = lo; k < hi; k++) {
            float *row = dtable + (size_t)ids[k] * dim;
            float w = (weights ? weights[k] : 1.0f) / total;
            for (size_t j = 0; j < dim; j++)
                row[j] += w * d[j];
        }
    }
}

void nn_l2norm_forward(float *y, float *norm, const float *x, size_t rows, size_t n)
{
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * n;
        double s = 0;
        for (size_t i = 0; i < n; i++)
            s += (double)xr[i] * xr[i];
        float nr = (float)sqrt(s);
        if (nr < 1e-12f) nr = 1e-12f;
        norm[r] = nr;
        float *yr = y + r * n;
        for (size_t i = 0; i < n; i++)
            yr[i] = xr[i] / nr;
    }
}

void nn_l2norm_backward(float *dx, const float *dy, const float *y, const float *norm, size_t rows,
                        size_t n)
{
    for (size_t r = 0; r < rows; r++) {
        const float *yr = y + r * n, *dyr = dy + r * n;
        double dot = 0;
        for (size_t i = 0; i < n; i++)
            dot += (double)yr[i] * dyr[i];
        float *dxr = dx + r * n;
        for (size_t i = 0; i < n; i++)
            dxr[i] = (dyr[i] - yr[i] * (float)dot) / norm[r];
    }
}

/* Softmax cross-entropy of n logits at stride `stride` whose target is
 * `target`; adds (p - onehot) * k into grad (same stride), returns the loss. */
static double softmax_ce(float *grad, const float *logit, size_t n, size_t stride, size_t target,
                         float k)
{
    float mx = -INFINITY;
    for (size_t j = 0; j < n; j++)
        if (logit[j * stride] > mx) mx = logit[j * stride];
    double sum = 1.0; /* the maximum's own term, exp(0) */
    int skipped = 0;
    for (size_t j = 0; j < n; j++) {
        if (!skipped && logit[j * stride] == mx) {
            skipped = 1;
            continue;
        }
        sum += exp((double)logit[j * stride] - mx);
    }
    double lse = log(sum) + mx;
    for (size_t j = 0; j < n; j++)
        grad[j * stride] += (float)exp((double)logit[j * stride] - lse) * k;
    grad[target * stride] -= k;
    return lse - logit[target * stride];
}

double nn_mnrl_loss(float *da, float *dc, const float *a, const float *c, size_t rows, size_t cols,
                    size_t dim, float scale, int symmetric, float *scratch)
{
    float *logits = scratch, *dlog = scratch + rows * cols;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)cols, (int)dim, scale, a,
                (int)dim, c, (int)dim, 0.0f, logits, (int)cols);
    memset(dlog, 0, rows * cols * sizeof *dlog);
    float k = (symmetric ? 0.5f : 1.0f) / (float)rows;
    double loss = 0;
    for (size_t i = 0; i < rows; i++)
        loss += softmax_ce(dlog + i * cols, logits + i * cols, cols, 1, i, k);
    /* Column j < rows: positive j picks its anchor among all anchors. */
    for (size_t j = 0; symmetric && j < rows; j++)
        loss += softmax_ce(dlog + j, logits + j, rows, cols, j, k);
    loss *= (double)k;
    /* da = scale * dlog c; dc = scale * dlog^T a. */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)dim, (int)cols, scale,
                dlog, (int)cols, c, (int)dim, 0.0f, da, (int)dim);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)cols, (int)dim, (int)rows, scale,
                dlog, (int)cols, a, (int)dim, 0.0f, dc, (int)dim);
    return loss;
}
