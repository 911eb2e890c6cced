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

/* Euclidean norm of a gradient vector, summed in double in index order
 * (what global-norm clipping compares against its limit). */
double nn_global_norm(const float *g, size_t n);

/* torch.optim.AdamW, one step (t counts from 1): decoupled weight decay
 * p -= lr wd p, then Adam with bias correction. */
typedef struct {
    float lr, beta1, beta2, eps, weight_decay;
} nn_adamw;
void nn_adamw_update(float *p, const float *g, float *m, float *v, size_t n, const nn_adamw *opt,
                     long t, int decay);

/* ---- Word-level sequence kernels (the default NER tagger) ----
 * A batch of sequences is packed row after row: rows starts[s] ..
 * starts[s + 1] - 1 belong to sequence s (starts has n_seq + 1 entries). */

/* 1-D convolution input: out[r] = x[r - half] .. x[r + half] concatenated
 * ([rows, (2 half + 1) dim]), zeros where the window leaves the sequence. */
void nn_window_gather(float *out, const float *x, const size_t *starts, size_t n_seq, size_t dim,
                      size_t half);
/* dx (=): the sum of the window slices of dout that read each row. */
void nn_window_scatter(float *dx, const float *dout, const size_t *starts, size_t n_seq, size_t dim,
                       size_t half);

/* y = max(x, 0); y may alias x. */
void nn_relu_forward(float *y, const float *x, size_t n);
/* dx = dy where the forward output y > 0; dx may alias dy. */
void nn_relu_backward(float *dx, const float *dy, const float *y, size_t n);

/* Inverted dropout: mask[i] = 0 with probability p, else 1 / (1 - p);
 * y = x * mask (y may alias x). The mask comes from `rng` in index order. */
void nn_dropout_forward(float *y, float *mask, const float *x, size_t n, float p, vcd_rng *rng);
/* dx = dy * mask; dx may alias dy. */
void nn_dropout_backward(float *dx, const float *dy, const float *mask, size_t n);

/* One direction of an LSTM (PyTorch's gate order i, f, g, o) over packed
 * sequences; `reverse` runs each sequence right to left. xw [rows, 4 hidden]
 * holds x W_ih^T + b_ih + b_hh; the recurrence adds h_prev W_hh^T. Writes
 * h into rows of stride ldh (two directions can share one [rows, 2 hidden]
 * buffer), the cell states c and the gate activations (for backward). */
void nn_lstm_forward(float *h, size_t ldh, float *c, float *gates, const float *xw,
                     const float *w_hh, const size_t *starts, size_t n_seq, size_t hidden,
                     int reverse);
/* From dh (stride ldh) writes dxw (=) [rows, 4 hidden], the gradient of the
 * pre-activation gates, and h_prev [rows, hidden] (each row's previous h in
 * its direction, 0 at the start) so that dW_hh += dxw^T h_prev is one
 * matrix product (nn_linear_backward with x = h_prev). */
void nn_lstm_backward(float *dxw, float *h_prev, const float *dh, size_t ldh, const float *h,
                      const float *c, const float *gates, const float *w_hh, const size_t *starts,
                      size_t n_seq, size_t hidden, int reverse);

/* Linear-chain CRF over `labels` tags: score(y) = start[y0] + sum emit[t, yt]
 * + sum trans[y(t-1), yt] + end[y(n-1)], trans row = previous tag. */
typedef struct {
    const float *trans, *start, *end;
    size_t labels;
} nn_crf;

size_t nn_crf_scratch_floats(size_t n, size_t labels);
/* Negative log-likelihood of `gold` (n >= 1 tags). demit (=) is its gradient
 * per emission (marginals minus one-hot); dtrans, dstart, dend (+=). */
double nn_crf_nll(float *demit, float *dtrans, float *dstart, float *dend, const float *emit,
                  const int32_t *gold, size_t n, const nn_crf *crf, float *scratch);
/* Partial labels: the tags each position may take and the moves a path may
 * make. allowed[t] has bit j set when tag j is allowed at t (labels <= 64);
 * trans_ok [labels, labels] and start_ok [labels] are 0 for forbidden moves
 * (NULL: every move). Used by nn_crf_partial_nll. */
typedef struct {
    const uint64_t *allowed;
    const uint8_t *trans_ok, *start_ok;
} nn_crf_allowed;

size_t nn_crf_partial_scratch_floats(size_t n, size_t labels);
/* Negative log of the probability mass of the allowed paths:
 * logZ(all paths) - logZ(allowed paths). Its gradient, marginals(all) minus
 * marginals(allowed), goes to demit (=) and dtrans, dstart, dend (+=). With
 * one allowed tag per position it equals nn_crf_nll. Returns NAN (and zero
 * gradients) when no allowed path exists. */
double nn_crf_partial_nll(float *demit, float *dtrans, float *dstart, float *dend,
                          const float *emit, const nn_crf_allowed *allowed, size_t n,
                          const nn_crf *crf, float *scratch);
/* Per-position tag marginals p(y_t = j) [n, labels]. */
void nn_crf_marginals(float *marg, const float *emit, size_t n, const nn_crf *crf, float *scratch);
/* Highest-scoring tag sequence; returns its score. `back` holds n * labels. */
double nn_crf_viterbi(int32_t *best, const float *emit, size_t n, const nn_crf *crf, float *scratch,
                      int32_t *back);

/* ---- Retrieval kernels (the identity encoder) ---- */

/* Embedding bag, weighted mean: out[b] = sum_k w_k table[ids[k]] / sum_k w_k
 * over k in offsets[b] .. offsets[b + 1] - 1 (offsets has bags + 1
 * entries; weights NULL = all 1); an empty bag is zero. */
void nn_embedding_bag_forward(float *out, const float *table, const int32_t *ids,
                              const float *weights, const size_t *offsets, size_t bags, size_t dim);
/* dtable += the share of dout each row received: only the rows named in ids
 * are touched (sparse accumulation; the caller updates just those rows). */
void nn_embedding_bag_backward(float *dtable, const float *dout, const int32_t *ids,
                               const float *weights, const size_t *offsets, size_t bags,
                               size_t dim);

/* y = x / max(|x|, 1e-12) per row; saves the norms (norm[rows]). y may alias x. */
void nn_l2norm_forward(float *y, float *norm, const float *x, size_t rows, size_t n);
/* dx = (dy - y (y . dy)) / norm; dx may alias dy. */
void nn_l2norm_backward(float *dx, const float *dy, const float *y, const float *norm, size_t rows,
                        size_t n);

/* sentence-transformers' MultipleNegativesRankingLoss on unit vectors:
 * logits = scale * a c^T ([rows, cols], cols >= rows; columns past `rows` are
 * extra hard negatives), row i's positive is column i, mean softmax
 * cross-entropy over rows. `symmetric` averages it with the column-wise loss
 * over the first `rows` columns (each positive picks its anchor among all
 * anchors). da [rows, dim] and dc [cols, dim] (=) are the gradients;
 * `scratch` holds 2 * rows * cols floats. Returns the loss. */
double nn_mnrl_loss(float *da, float *dc, const float *a, const float *c, size_t rows, size_t cols,
                    size_t dim, float scale, int symmetric, float *scratch);

#endif
