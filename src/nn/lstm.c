/* LSTM forward and backward over packed sequences, one direction at a
 * time. The input projections of all rows are one matrix product done by
 * the caller; what is left here is the recurrence, sequential in time and
 * parallel over sequences (each sequence writes only its own rows, so the
 * results do not depend on the thread count).
 *
 *   a = xw_t + W_hh h_{t-1};  i, f, o = sigmoid(a_i, a_f, a_o);  g = tanh(a_g)
 *   c_t = f c_{t-1} + i g;    h_t = o tanh(c_t) */
#include "vcd/nn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static float sigmoidf(float x)
{
    return 1.0f / (1.0f + expf(-x));
}

/* y[o] += sum_i w[o, i] x[i], w [rows_out, n]. */
static void matvec(float *y, const float *w, const float *x, size_t rows_out, size_t n)
{
    for (size_t o = 0; o < rows_out; o++) {
        const float *wr = w + o * n;
        float s = 0;
        for (size_t i = 0; i < n; i++)
            s += wr[i] * x[i];
        y[o] += s;
    }
}

/* y[i] = sum_o w[o, i] d[o] (the transposed product). */
static void matvec_t(float *y, const float *w, const float *d, size_t rows_out, size_t n)
{
    memset(y, 0, n * sizeof *y);
    for (size_t o = 0; o < rows_out; o++) {
        const float *wr = w + o * n;
        float g = d[o];
        for (size_t i = 0; i < n; i++)
            y[i] += g * wr[i];
    }
}

void nn_lstm_forward(float *h, size_t ldh, float *c, float *gates, const float *xw,
                     const float *w_hh, const size_t *starts, size_t n_seq, size_t hidden,
                     int reverse)
{
    size_t H = hidden, G = 4 * hidden;
#pragma omp parallel for schedule(dynamic, 8) if (n_seq > 16)
    for (size_t s = 0; s < n_seq; s++) {
        size_t a = starts[s], n = starts[s + 1] - a;
        const float *h_prev = NULL, *c_prev = NULL;
        for (size_t k = 0; k < n; k++) {
            size_t r = reverse ? a + n - 1 - k : a + k;
            float *z = gates + r * G;
            memcpy(z, xw + r * G, G * sizeof *z);
            if (h_prev) matvec(z, w_hh, h_prev, G, H);
            float *cr = c + r * H, *hr = h + r * ldh;
            for (size_t j = 0; j < H; j++) {
                float i = sigmoidf(z[j]), f = sigmoidf(z[H + j]);
                float g = tanhf(z[2 * H + j]), o = sigmoidf(z[3 * H + j]);
                z[j] = i, z[H + j] = f, z[2 * H + j] = g, z[3 * H + j] = o;
                cr[j] = (c_prev ? f * c_prev[j] : 0.0f) + i * g;
                hr[j] = o * tanhf(cr[j]);
            }
            h_prev = hr, c_prev = cr;
        }
    }
}

void nn_lstm_backward(float *dxw, float *h_prev, const float *dh, size_t ldh, const float *h,
                      const float *c, const float *gates, const float *w_hh, const size_t *starts,
                      size_t n_seq, size_t hidden, int reverse)
{
    size_t H = hidden, G = 4 * hidden;
#pragma omp parallel
    {
        float *dh_next = vcd_xcalloc(2 * H, sizeof *dh_next), *dc_next = dh_next + H;
#pragma omp for schedule(dynamic, 8)
        for (size_t s = 0; s < n_seq; s++) {
            size_t a = starts[s], n = starts[s + 1] - a;
            memset(dh_next, 0, 2 * H * sizeof *dh_next);
            for (size_t k = n; k-- > 0;) {
                size_t r = reverse ? a + n - 1 - k : a + k;
                size_t rp = reverse ? r + 1 : r - 1; /* the step before, if k > 0 */
                const float *z = gates + r * G, *cr = c + r * H, *d = dh + r * ldh;
                const float *cp = k ? c + rp * H : NULL;
                float *dz = dxw + r * G;
                for (size_t j = 0; j < H; j++) {
                    float i = z[j], f = z[H + j], g = z[2 * H + j], o = z[3 * H + j];
                    float tc = tanhf(cr[j]), dhj = d[j] + dh_next[j];
                    float dc = dhj * o * (1 - tc * tc) + dc_next[j];
                    dz[j] = dc * g * i * (1 - i);
                    dz[H + j] = cp ? dc * cp[j] * f * (1 - f) : 0.0f;
                    dz[2 * H + j] = dc * i * (1 - g * g);
                    dz[3 * H + j] = dhj * tc * o * (1 - o);
                    dc_next[j] = dc * f;
                }
                matvec_t(dh_next, w_hh, dz, G, H);
                if (k)
                    for (size_t j = 0; j < H; j++)
                        h_prev[r * H + j] = h[rp * ldh + j];
                else
                    memset(h_prev + r * H, 0, H * sizeof *h_prev);
            }
        }
        free(dh_next);
    }
}
