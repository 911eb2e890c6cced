/* Linear-chain CRF: forward-backward in log space for the likelihood and
 * its gradient, and Viterbi decoding. The loops are O(n L^2) per sequence;
 * with the 13 WNUT tags they cost less than the emission layer. */
#include "vcd/nn.h"

#include <math.h>

size_t nn_crf_scratch_floats(size_t n, size_t labels)
{
    return 2 * n * labels + labels;
}

/* log sum exp(v): the largest term is exp(0) = 1, so the sum is >= 1.
 * Forbidden moves score -1e4: skipping terms that cannot count keeps exp()
 * off its slow underflow path. */
static float log_sum_exp(const float *v, size_t n)
{
    size_t arg = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] > v[arg]) arg = i;
    float m = v[arg], s = 1.0f;
    for (size_t i = 0; i < n; i++)
        if (i != arg && v[i] - m > -60.0f) s += expf(v[i] - m);
    return m + logf(s);
}

static float safe_exp(float x)
{
    return x > -60.0f ? expf(x) : 0.0f;
}

/* Score of a state or move that no allowed path may use: low enough that
 * exp() of it is 0, high enough that sums of a few never overflow. */
#define CRF_FORBIDDEN (-1e30f)

static int tag_ok(const nn_crf_allowed *k, size_t t, size_t j)
{
    return !k || (k->allowed[t] >> j & 1u);
}

static int move_ok(const nn_crf_allowed *k, size_t i, size_t j, size_t L)
{
    return !k || !k->trans_ok || k->trans_ok[i * L + j];
}

/* alpha[t, j] = log sum over paths ending in j at t (emissions included);
 * beta[t, i] = log sum over continuations from i at t (end included).
 * With k, only over the paths k allows (others score CRF_FORBIDDEN). */
static float crf_forward_backward(float *alpha, float *beta, const float *emit, size_t n,
                                  const nn_crf *c, float *tmp, const nn_crf_allowed *k)
{
    size_t L = c->labels;
    for (size_t j = 0; j < L; j++)
        alpha[j] = tag_ok(k, 0, j) && (!k || !k->start_ok || k->start_ok[j]) ? c->start[j] + emit[j]
                                                                             : CRF_FORBIDDEN;
    for (size_t t = 1; t < n; t++)
        for (size_t j = 0; j < L; j++) {
            if (!tag_ok(k, t, j)) {
                alpha[t * L + j] = CRF_FORBIDDEN;
                continue;
            }
            for (size_t i = 0; i < L; i++)
                tmp[i] = move_ok(k, i, j, L) ? alpha[(t - 1) * L + i] + c->trans[i * L + j]
                                             : CRF_FORBIDDEN;
            alpha[t * L + j] = log_sum_exp(tmp, L) + emit[t * L + j];
        }
    for (size_t i = 0; i < L; i++)
        beta[(n - 1) * L + i] = tag_ok(k, n - 1, i) ? c->end[i] : CRF_FORBIDDEN;
    for (size_t t = n - 1; t-- > 0;)
        for (size_t i = 0; i < L; i++) {
            if (!tag_ok(k, t, i)) {
                beta[t * L + i] = CRF_FORBIDDEN;
                continue;
            }
            for (size_t j = 0; j < L; j++)
                tmp[j] = move_ok(k, i, j, L)
                             ? c->trans[i * L + j] + emit[(t + 1) * L + j] + beta[(t + 1) * L + j]
                             : CRF_FORBIDDEN;
            beta[t * L + i] = log_sum_exp(tmp, L);
        }
    for (size_t j = 0; j < L; j++)
        tmp[j] = alpha[(n - 1) * L + j] + c->end[j];
    return log_sum_exp(tmp, L);
}

/* Adds sign * the marginals of the paths (alpha, beta, logz) describe:
 * per position to demit, per move to dtrans, first and last to dstart, dend. */
static void add_marginals(float sign, float *demit, float *dtrans, float *dstart, float *dend,
                          const float *alpha, const float *beta, float logz, const float *emit,
                          size_t n, const nn_crf *c, const nn_crf_allowed *k)
{
    size_t L = c->labels;
    for (size_t t = 0; t < n; t++)
        for (size_t j = 0; j < L; j++) {
            float p = safe_exp(alpha[t * L + j] + beta[t * L + j] - logz);
            demit[t * L + j] += sign * p;
            if (t == 0) dstart[j] += sign * p;
            if (t == n - 1) dend[j] += sign * p;
        }
    for (size_t t = 1; t < n; t++)
        for (size_t i = 0; i < L; i++)
            for (size_t j = 0; j < L; j++)
                if (move_ok(k, i, j, L))
                    dtrans[i * L + j] +=
                        sign * safe_exp(alpha[(t - 1) * L + i] + c->trans[i * L + j] +
                                        emit[t * L + j] + beta[t * L + j] - logz);
}

size_t nn_crf_partial_scratch_floats(size_t n, size_t labels)
{
    return 4 * n * labels + labels;
}

double nn_crf_partial_nll(float *demit, float *dtrans, float *dstart, float *dend,
                          const float *emit, const nn_crf_allowed *allowed, size_t n,
                          const nn_crf *c, float *scratch)
{
    size_t L = c->labels;
    float *alpha = scratch, *beta = scratch + n * L, *tmp = scratch + 4 * n * L;
    float *alpha_k = scratch + 2 * n * L, *beta_k = scratch + 3 * n * L;
    for (size_t i = 0; i < n * L; i++)
        demit[i] = 0;
    float logz_k = crf_forward_backward(alpha_k, beta_k, emit, n, c, tmp, allowed);
    if (!(logz_k > 0.5f * CRF_FORBIDDEN)) return NAN;
    float logz = crf_forward_backward(alpha, beta, emit, n, c, tmp, NULL);
    add_marginals(1, demit, dtrans, dstart, dend, alpha, beta, logz, emit, n, c, NULL);
    add_marginals(-1, demit, dtrans, dstart, dend, alpha_k, beta_k, logz_k, emit, n, c, allowed);
    return (double)logz - (double)logz_k;
}

double nn_crf_nll(float *demit, float *dtrans, float *dstart, float *dend, const float *emit,
                  const int32_t *gold, size_t n, const nn_crf *c, float *scratch)
{
    size_t L = c->labels;
    float *alpha = scratch, *beta = scratch + n * L, *tmp = scratch + 2 * n * L;
    float logz = crf_forward_backward(alpha, beta, emit, n, c, tmp, NULL);
    double gold_score = c->start[gold[0]] + c->end[gold[n - 1]];
    for (size_t t = 0; t < n; t++) {
        gold_score += emit[t * L + (size_t)gold[t]];
        if (t) gold_score += c->trans[(size_t)gold[t - 1] * L + (size_t)gold[t]];
    }
    for (size_t t = 0; t < n; t++)
        for (size_t j = 0; j < L; j++)
            demit[t * L + j] = safe_exp(alpha[t * L + j] + beta[t * L + j] - logz);
    for (size_t j = 0; j < L; j++) {
        dstart[j] += demit[j];
        dend[j] += demit[(n - 1) * L + j];
    }
    for (size_t t = 1; t < n; t++)
        for (size_t i = 0; i < L; i++)
            for (size_t j = 0; j < L; j++)
                dtrans[i * L + j] += safe_exp(alpha[(t - 1) * L + i] + c->trans[i * L + j] +
                                              emit[t * L + j] + beta[t * L + j] - logz);
    dstart[gold[0]] -= 1;
    dend[gold[n - 1]] -= 1;
    for (size_t t = 0; t < n; t++) {
        demit[t * L + (size_t)gold[t]] -= 1;
        if (t) dtrans[(size_t)gold[t - 1] * L + (size_t)gold[t]] -= 1;
    }
    return (double)logz - gold_score;
}

void nn_crf_marginals(float *marg, const float *emit, size_t n, const nn_crf *c, float *scratch)
{
    size_t L = c->labels;
    float *alpha = scratch, *beta = scratch + n * L, *tmp = scratch + 2 * n * L;
    float logz = crf_forward_backward(alpha, beta, emit, n, c, tmp, NULL);
    for (size_t k = 0; k < n * L; k++)
        marg[k] = safe_exp(alpha[k] + beta[k] - logz);
}

double nn_crf_viterbi(int32_t *best, const float *emit, size_t n, const nn_crf *c, float *scratch,
                      int32_t *back)
{
    size_t L = c->labels;
    float *score = scratch; /* [n, L] best path score ending in j at t */
    for (size_t j = 0; j < L; j++)
        score[j] = c->start[j] + emit[j];
    for (size_t t = 1; t < n; t++)
        for (size_t j = 0; j < L; j++) {
            size_t arg = 0;
            float m = score[(t - 1) * L] + c->trans[j];
            for (size_t i = 1; i < L; i++) {
                float v = score[(t - 1) * L + i] + c->trans[i * L + j];
                if (v > m) m = v, arg = i;
            }
            score[t * L + j] = m + emit[t * L + j];
            back[t * L + j] = (int32_t)arg;
        }
    size_t arg = 0;
    float m = score[(n - 1) * L] + c->end[0];
    for (size_t j = 1; j < L; j++)
        if (score[(n - 1) * L + j] + c->end[j] > m) m = score[(n - 1) * L + j] + c->end[j], arg = j;
    best[n - 1] = (int32_t)arg;
    for (size_t t = n - 1; t > 0; t--)
        best[t - 1] = back[t * L + (size_t)best[t]];
    return m;
}
