/* Neural-network kernels: forward and backward passes written out as the
 * math, in the style of llm.c. Row-major activations [rows, features];
 * Linear weights in PyTorch's [out, in] layout; every backward kernel
 * accumulates (+=) into its parameter gradients and writes (=) its input
 * gradient unless it says otherwise. Matrix products go through OpenBLAS;
 * the element-wise kernels use OpenMP over rows. None allocates. */
#ifndef VCD_NN_H
#define VCD_NN_H

#include "vcd/common.h"

/* y[r, o] = sum_i x[r, i] w[o, i] + b[o]  (b may be NULL). */
void nn_linear_forward(float *y, const float *x, const float *w, const float *b, size_t rows,
                       size_t in, size_t out);
/* dx = dy w (dx may be NULL: not needed); dw += dy^T x; db += column sums of dy. */
void nn_linear_backward(float *dx, float *dw, float *db, const float *dy, const float *x,
                        const float *w, size_t rows, size_t in, size_t out);

/* y = (x - mean) / sqrt(var + eps) * g + b per row; saves mean and 1/std. */
void nn_layernorm_forward(float *y, float *mean, float *rstd, const float *x, const float *g,
                          const float *b, size_t rows, size_t n, float eps);
/* dx (=, may alias dy), dg += , db += . */
void nn_layernorm_backward(float *dx, float *dg, float *db, const float *dy, const float *x,
                           const float *mean, const float *rstd, const float *g, size_t rows,
                           size_t n);

/* Exact GELU: x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)). y may alias x. */
void nn_gelu_forward(float *y, const float *x, size_t n);
/* dx = dy * GELU'(x); dx may alias dy. */
void nn_gelu_backward(float *dx, const float *dy, const float *x, size_t n);

/* Multi-head self-attention core on packed projections q, k, v [B*S, H]
 * (head h = columns h*d .. h*d+d-1): probs[b, h] = softmax(q k^T / sqrt d
 * over keys with mask[b, key] != 0), ctx = probs v. probs is [B, A, S, S]. */
void nn_attention_forward(float *ctx, float *probs, const float *q, const float *k, const float *v,
                          const uint8_t *mask, size_t batch, size_t seq, size_t heads,
                          size_t hidden);
/* dq, dk, dv (=) from dctx; `scratch` holds 2 * S * S floats per thread
 * (nn_attention_scratch_floats). */
void nn_attention_backward(float *dq, float *dk, float *dv, const float *dctx, const float *probs,
                           const float *q, const float *k, const float *v, size_t batch, size_t seq,
                           size_t heads, size_t hidden, float *scratch);
size_t nn_attention_scratch_floats(size_t seq);

/* Mean softmax cross-entropy over rows whose label >= 0 (-100 = ignore).
 * Returns the loss; dlogits (=) is its gradient (zero on ignored rows).
 * `count` receives the number of labelled rows. */
double nn_cross_entropy(float *dlogits, const float *logits, const int32_t *labels, size_t rows,
                        size_t classes, size_t *count);

/* torch.optim.AdamW, one step (t counts from 1): decoupled weight decay
 * p -= lr wd p, then Adam with bias correction. */
typedef struct {
    float lr, beta1, beta2, eps, weight_decay;
} nn_adamw;
void nn_adamw_update(float *p, const float *g, float *m, float *v, size_t n, const nn_adamw *opt,
                     long t, int decay);

#endif
