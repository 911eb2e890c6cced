/* Forward and backward kernels; see vcd/nn.h for the conventions. */
#include "vcd/nn.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

void nn_linear_forward(float *y, const float *x, const float *w, const float *b, size_t rows,
                       size_t in, size_t out)
{
    if (b) {
        for (size_t r = 0; r < rows; r++)
            memcpy(y + r * out, b, out * sizeof *y);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)out, (int)in, 1.0f, x,
                (int)in, w, (int)in, b ? 1.0f : 0.0f, y, (int)out);
}

void nn_linear_backward(float *dx, float *dw, float *db, const float *dy, const float *x,
                        const float *w, size_t rows, size_t in, size_t out)
{
    if (dx)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)in, (int)out, 1.0f,
                    dy, (int)out, w, (int)in, 0.0f, dx, (int)in);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)out, (int)in, (int)rows, 1.0f, dy,
                (int)out, x, (int)in, 1.0f, dw, (int)in);
    if (db) {
        for (size_t r = 0; r < rows; r++) {
            const float *row = dy + r * out;
            for (size_t o = 0; o < out; o++)
                db[o] += row[o];
        }
    }
}

void nn_layernorm_forward(float *y, float *mean, float *rstd, const float *x, const float *g,
                          const float *b, size_t rows, size_t n, float eps)
{
#pragma omp parallel for schedule(static) if (rows * n > 65536)
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * n;
        float *yr = y + r * n;
        double s = 0;
        for (size_t i = 0; i < n; i++)
            s += xr[i];
        float m = (float)(s / (double)n);
        double ss = 0;
        for (size_t i = 0; i < n; i++) {
            float d = xr[i] - m;
            ss += (double)d * d;
        }
        float rs = (float)(1.0 / sqrt(ss / (double)n + eps));
        for (size_t i = 0; i < n; i++)
            yr[i] = (xr[i] - m) * rs * g[i] + b[i];
        if (mean) mean[r] = m;
        if (rstd) rstd[r] = rs;
    }
}

void nn_layernorm_backward(float *dx, float *dg, float *db, const float *dy, const float *x,
                           const float *mean, const float *rstd, const float *g, size_t rows,
                           size_t n)
{
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * n, *dyr = dy + r * n;
        float m = mean[r], rs = rstd[r];
        double sum_dn = 0, sum_dn_xhat = 0;
        for (size_t i = 0; i < n; i++) {
            float xhat = (xr[i] - m) * rs;
            float dn = dyr[i] * g[i];
            sum_dn += dn;
            sum_dn_xhat += (double)dn * xhat;
            dg[i] += dyr[i] * xhat;
            db[i] += dyr[i];
        }
        float mean_dn = (float)(sum_dn / (double)n),
              mean_dn_xhat = (float)(sum_dn_xhat / (double)n);
        float *dxr = dx + r * n;
        for (size_t i = 0; i < n; i++) {
            float xhat = (xr[i] - m) * rs;
            dxr[i] = (dyr[i] * g[i] - mean_dn - xhat * mean_dn_xhat) * rs;
        }
    }
}

#define INV_SQRT2 0.70710678118654752440f
#define INV_SQRT_2PI 0.39894228040143267794f

void nn_gelu_forward(float *y, const float *x, size_t n)
{
#pragma omp parallel for schedule(static) if (n > 65536)
    for (size_t i = 0; i < n; i++)
        y[i] = 0.5f * x[i] * (1.0f + erff(x[i] * INV_SQRT2));
}

void nn_gelu_backward(float *dx, const float *dy, const float *x, size_t n)
{
#pragma omp parallel for schedule(static) if (n > 65536)
    for (size_t i = 0; i < n; i++) {
        float cdf = 0.5f * (1.0f + erff(x[i] * INV_SQRT2));
        float pdf = INV_SQRT_2PI * expf(-0.5f * x[i] * x[i]);
        dx[i] = dy[i] * (cdf + x[i] * pdf);
    }
}

/* Row softmax over the unmasked keys; masked keys get probability 0, which
 * is what adding a very negative bias before the softmax gives in float. */
static void masked_softmax_rows(float *p, const uint8_t *key_mask, size_t seq)
{
    for (size_t i = 0; i < seq; i++) {
        float *row = p + i * seq;
        float mx = -INFINITY;
        for (size_t j = 0; j < seq; j++)
            if (key_mask[j] && row[j] > mx) mx = row[j];
        double sum = 0;
        for (size_t j = 0; j < seq; j++) {
            row[j] = key_mask[j] ? expf(row[j] - mx) : 0.0f;
            sum += row[j];
        }
        float inv = sum > 0 ? (float)(1.0 / sum) : 0.0f;
        for (size_t j = 0; j < seq; j++)
            row[j] *= inv;
    }
}

void nn_attention_forward(float *ctx, float *probs, const float *q, const float *k, const float *v,
                          const uint8_t *mask, size_t batch, size_t seq, size_t heads,
                          size_t hidden)
{
    size_t d = hidden / heads;
    float scale = 1.0f / sqrtf((float)d);
    for (size_t b = 0; b < batch; b++) {
        for (size_t h = 0; h < heads; h++) {
            size_t off = b * seq * hidden + h * d;
            float *p = probs + (b * heads + h) * seq * seq;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)seq, (int)seq, (int)d, scale,
                        q + off, (int)hidden, k + off, (int)hidden, 0.0f, p, (int)seq);
            masked_softmax_rows(p, mask + b * seq, seq);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)seq, (int)d, (int)seq, 1.0f,
                        p, (int)seq, v + off, (int)hidden, 0.0f, ctx + off, (int)hidden);
        }
    }
}

size_t nn_attention_scratch_floats(size_t seq)
{
    return seq * seq;
}

void nn_attention_backward(float *dq, float *dk, float *dv, const float *dctx, const float *probs,
                           const float *q, const float *k, const float *v, size_t batch, size_t seq,
                           size_t heads, size_t hidden, float *scratch)
{
    size_t d = hidden / heads;
    float scale = 1.0f / sqrtf((float)d);
    float *ds = scratch;
    for (size_t b = 0; b < batch; b++) {
        for (size_t h = 0; h < heads; h++) {
            size_t off = b * seq * hidden + h * d;
            const float *p = probs + (b * heads + h) * seq * seq;
            /* dP = dctx v^T; dv = P^T dctx */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)seq, (int)seq, (int)d, 1.0f,
                        dctx + off, (int)hidden, v + off, (int)hidden, 0.0f, ds, (int)seq);
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)seq, (int)d, (int)seq, 1.0f,
                        p, (int)seq, dctx + off, (int)hidden, 0.0f, dv + off, (int)hidden);
            /* Softmax backward: dS = P * (dP - sum_j P dP), then the scale. */
            for (size_t i = 0; i < seq; i++) {
                const float *pr = p + i * seq;
                float *dr = ds + i * seq;
                double dot = 0;
                for (size_t j = 0; j < seq; j++)
                    dot += (double)pr[j] * dr[j];
                for (size_t j = 0; j < seq; j++)
                    dr[j] = pr[j] * (dr[j] - (float)dot) * scale;
            }
            /* dq = dS k; dk = dS^T q */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)seq, (int)d, (int)seq, 1.0f,
                        ds, (int)seq, k + off, (int)hidden, 0.0f, dq + off, (int)hidden);
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)seq, (int)d, (int)seq, 1.0f,
                        ds, (int)seq, q + off, (int)hidden, 0.0f, dk + off, (int)hidden);
        }
    }
}

double nn_cross_entropy(float *dlogits, const float *logits, const int32_t *labels, size_t rows,
                        size_t classes, size_t *count)
{
    size_t n = 0;
    if (classes == 0) return 0.0;
    for (size_t r = 0; r < rows; r++)
        n += labels[r] >= 0 && (size_t)labels[r] < classes;
    double loss = 0;
    for (size_t r = 0; r < rows; r++) {
        const float *z = logits + r * classes;
        float *dz = dlogits ? dlogits + r * classes : NULL;
        int32_t y = labels[r];
        if (y < 0 || (size_t)y >= classes) {
            if (dz) memset(dz, 0, classes * sizeof *dz);
            continue;
        }
        float mx = z[0];
        for (size_t c = 1; c < classes; c++)
            if (z[c] > mx) mx = z[c];
        double sum = exp((double)z[0] - mx); /* >= exp(-inf) terms; one of them is 1 */
        for (size_t c = 1; c < classes; c++)
            sum += exp((double)z[c] - mx);
        double log_sum = log(sum);
        loss += -((double)z[y] - mx - log_sum);
        if (dz) {
            for (size_t c = 0; c < classes; c++) {
                double pc = exp((double)z[c] - mx - log_sum);
                dz[c] = (float)((pc - (c == (size_t)y)) / (double)n);
            }
        }
    }
    if (count) *count = n;
    return n ? loss / (double)n : 0.0;
}

double nn_global_norm(const float *g, size_t n)
{
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (double)g[i] * g[i];
    return sqrt(ss);
}

void nn_adamw_update(float *p, const float *g, float *m, float *v, size_t n, const nn_adamw *opt,
                     long t, int decay)
{
    /* The scalars are computed in double and the tensor arithmetic in float,
     * in the order torch.optim.AdamW uses, so results agree to rounding. */
    float keep = decay ? (float)(1.0 - (double)opt->lr * opt->weight_decay) : 1.0f;
    double bc1 = 1.0 - pow(opt->beta1, (double)t);
    double bc2 = 1.0 - pow(opt->beta2, (double)t);
    float step_size = (float)(opt->lr / bc1);
    float bc2_sqrt = (float)sqrt(bc2);
    float w1 = 1.0f - opt->beta1, w2 = 1.0f - opt->beta2;
    for (size_t i = 0; i < n; i++) {
        p[i] *= keep;
        m[i] += w1 * (g[i] - m[i]);
        v[i] = v[i] * opt->beta2 + w2 * g[i] * g[i];
        float denom = sqrtf(v[i]) / bc2_sqrt + opt->eps;
        p[i] -= step_size * (m[i] / denom);
    }
}
