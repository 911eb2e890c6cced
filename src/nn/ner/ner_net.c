/* Forward and backward passes of the CNN-CRF tagger over a packed batch of
 * sentences, written as the math:
 *
 *   x0 = [dense features | mean of the word's n-gram embeddings]
 *   h1 = relu(W1 window3(dropout(x0)) + b1)
 *   h2 = relu(W2 window3(dropout(h1)) + b2)        (or h2 = BiLSTM(dropout(h1)))
 *   emit = W3 dropout(h2) + b3,  then a linear-chain CRF per sentence. */
#include "ner_internal.h"

#include <stdlib.h>
#include <string.h>

static float *grow(float *p, size_t n)
{
    return vcd_xrealloc(p, (n ? n : 1) * sizeof(float));
}

void ner_acts_reserve(ner_acts *a, const ner_config *c, size_t rows, int training)
{
    if (rows <= a->cap_rows && (!training || a->d_emit)) return;
    if (rows < a->cap_rows) rows = a->cap_rows;
    ner_acts_free(a);
    a->cap_rows = rows;
    size_t D = c->in_dim, H = c->hidden, L = c->n_labels, T = ner_top_width(c), Hl = c->lstm;
    a->x0 = grow(NULL, rows * D);
    a->g1 = grow(NULL, rows * 3 * D);
    a->h1 = grow(NULL, rows * H);
    a->g2 = grow(NULL, Hl ? 0 : rows * 3 * H);
    a->h2 = grow(NULL, rows * T);
    a->emit = grow(NULL, rows * L);
    a->emit_sum = grow(NULL, rows * L);
    for (int d = 0; d < 2; d++) {
        a->xw[d] = grow(NULL, rows * 4 * Hl);
        a->gates[d] = grow(NULL, rows * 4 * Hl);
        a->cell[d] = grow(NULL, rows * Hl);
    }
    if (!training) return;
    a->mask0 = grow(NULL, rows * D);
    a->mask1 = grow(NULL, rows * H);
    a->mask2 = grow(NULL, rows * T);
    a->h2d = grow(NULL, rows * T);
    a->d_emit = grow(NULL, rows * L);
    a->d_h2 = grow(NULL, rows * T);
    a->d_g2 = grow(NULL, Hl ? 0 : rows * 3 * H);
    a->d_h1 = grow(NULL, rows * H);
    a->d_g1 = grow(NULL, rows * 3 * D);
    a->d_x0 = grow(NULL, rows * D);
    a->d_xw = grow(NULL, rows * 4 * Hl);
    a->h_prev = grow(NULL, rows * Hl);
    a->d_tmp = grow(NULL, Hl ? rows * H : 0);
}

void ner_acts_free(ner_acts *a)
{
    float *all[] = {a->x0,      a->mask0,  a->g1,    a->h1,    a->mask1,    a->g2,       a->h2,
                    a->mask2,   a->emit,   a->xw[0], a->xw[1], a->gates[0], a->gates[1], a->cell[0],
                    a->cell[1], a->d_emit, a->d_h2,  a->d_g2,  a->d_h1,     a->d_g1,     a->d_x0,
                    a->d_xw,    a->h_prev, a->d_tmp, a->h2d,   a->emit_sum};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        free(all[i]);
    memset(a, 0, sizeof *a);
}

/* x0 rows: the dense features, then the mean n-gram embedding. */
static void input_rows(const ner_config *c, const ner_params *p, const ner_features *f, size_t rows,
                       float *x0)
{
    size_t D = c->in_dim, E = c->char_dim;
#pragma omp parallel for schedule(static) if (rows > 256)
    for (size_t r = 0; r < rows; r++) {
        float *x = x0 + r * D;
        memcpy(x, f->dense + r * c->n_dense, c->n_dense * sizeof *x);
        float *ch = x + c->n_dense;
        memset(ch, 0, E * sizeof *ch);
        size_t k = f->n_ngrams[r];
        for (size_t g = 0; g < k; g++) {
            const float *e = p->char_emb + (size_t)f->ngrams[r * NER_MAX_NGRAMS + g] * E;
            for (size_t i = 0; i < E; i++)
                ch[i] += e[i];
        }
        float inv = k ? 1.0f / (float)k : 0.0f;
        for (size_t i = 0; i < E; i++)
            ch[i] *= inv;
    }
}

static void maybe_dropout(float *x, float *mask, size_t n, float p, vcd_rng *rng)
{
    if (rng) nn_dropout_forward(x, mask, x, n, p, rng);
}

/* The second layer: a width-3 convolution, or a BiLSTM whose two
 * directions fill the left and right halves of h2's rows. */
static void second_layer_forward(const ner_config *c, const ner_params *p, const size_t *starts,
                                 size_t n_seq, size_t rows, ner_acts *a)
{
    size_t H = c->hidden, Hl = c->lstm;
    if (!Hl) {
        nn_window_gather(a->g2, a->h1, starts, n_seq, H, 1);
        nn_linear_forward(a->h2, a->g2, p->w2, p->b2, rows, 3 * H, H);
        nn_relu_forward(a->h2, a->h2, rows * H);
        return;
    }
    for (int d = 0; d < 2; d++) {
        nn_linear_forward(a->xw[d], a->h1, p->lstm_w_ih[d], p->lstm_b[d], rows, H, 4 * Hl);
        nn_lstm_forward(a->h2 + d * Hl, 2 * Hl, a->cell[d], a->gates[d], a->xw[d], p->lstm_w_hh[d],
                        starts, n_seq, Hl, d);
    }
}

void ner_net_forward(const ner_config *c, const ner_params *p, const ner_features *f,
                     const size_t *starts, size_t n_seq, ner_acts *a, float dropout, vcd_rng *rng)
{
    size_t rows = starts[n_seq], D = c->in_dim, H = c->hidden, T = ner_top_width(c);
    input_rows(c, p, f, rows, a->x0);
    maybe_dropout(a->x0, a->mask0, rows * D, dropout, rng);
    nn_window_gather(a->g1, a->x0, starts, n_seq, D, 1);
    nn_linear_forward(a->h1, a->g1, p->w1, p->b1, rows, 3 * D, H);
    nn_relu_forward(a->h1, a->h1, rows * H);
    maybe_dropout(a->h1, a->mask1, rows * H, dropout, rng);
    second_layer_forward(c, p, starts, n_seq, rows, a);
    /* Out of place: the layer's backward needs its undropped output. */
    const float *top = a->h2;
    if (rng) {
        nn_dropout_forward(a->h2d, a->mask2, a->h2, rows * T, dropout, rng);
        top = a->h2d;
    }
    nn_linear_forward(a->emit, top, p->w3, p->b3, rows, T, c->n_labels);
}

void ner_emissions(const vcd_ner_model *m, const ner_features *f, const size_t *starts,
                   size_t n_seq, ner_acts *a)
{
    const ner_config *c = &m->cfg;
    size_t rows = starts[n_seq], L = c->n_labels;
    for (size_t k = 0; k < m->n_members; k++) {
        ner_net_forward(c, &m->member[k], f, starts, n_seq, a, 0, NULL);
        if (m->n_members == 1) break;
        for (size_t i = 0; i < rows * L; i++)
            a->emit_sum[i] = (k ? a->emit_sum[i] : 0.0f) + a->emit[i];
    }
    if (m->n_members > 1)
        for (size_t i = 0; i < rows * L; i++)
            a->emit[i] = a->emit_sum[i] / (float)m->n_members;
    for (size_t r = 0; r < rows; r++)
        a->emit[r * L] -= c->o_penalty;
}

/* d(char_emb): each n-gram row receives its words' gradient / n-gram count.
 * Sequential, so the sums are in one order whatever the thread count. */
static void char_embedding_backward(const ner_config *c, const ner_features *f, size_t rows,
                                    const float *d_x0, float *d_emb)
{
    size_t E = c->char_dim;
    for (size_t r = 0; r < rows; r++) {
        size_t k = f->n_ngrams[r];
        if (!k) continue;
        const float *d = d_x0 + r * c->in_dim + c->n_dense;
        float inv = 1.0f / (float)k;
        for (size_t g = 0; g < k; g++) {
            float *e = d_emb + (size_t)f->ngrams[r * NER_MAX_NGRAMS + g] * E;
            for (size_t i = 0; i < E; i++)
                e[i] += d[i] * inv;
        }
    }
}

/* d_h2 (already through dropout) -> d_h1 (=) and the layer's gradients. */
static void second_layer_backward(const ner_config *c, const ner_params *p, const size_t *starts,
                                  size_t n_seq, size_t rows, ner_acts *a, const ner_params *grad)
{
    size_t H = c->hidden, Hl = c->lstm;
    if (!Hl) {
        nn_relu_backward(a->d_h2, a->d_h2, a->h2, rows * H);
        nn_linear_backward(a->d_g2, grad->w2, grad->b2, a->d_h2, a->g2, p->w2, rows, 3 * H, H);
        nn_window_scatter(a->d_h1, a->d_g2, starts, n_seq, H, 1);
        return;
    }
    for (int d = 0; d < 2; d++) {
        nn_lstm_backward(a->d_xw, a->h_prev, a->d_h2 + d * Hl, 2 * Hl, a->h2 + d * Hl, a->cell[d],
                         a->gates[d], p->lstm_w_hh[d], starts, n_seq, Hl, d);
        nn_linear_backward(NULL, grad->lstm_w_hh[d], NULL, a->d_xw, a->h_prev, p->lstm_w_hh[d],
                           rows, Hl, 4 * Hl);
        nn_linear_backward(d ? a->d_tmp : a->d_h1, grad->lstm_w_ih[d], grad->lstm_b[d], a->d_xw,
                           a->h1, p->lstm_w_ih[d], rows, H, 4 * Hl);
    }
    for (size_t i = 0; i < rows * H; i++)
        a->d_h1[i] += a->d_tmp[i];
}

void ner_net_backward(const ner_config *c, const ner_params *p, const ner_features *f,
                      const size_t *starts, size_t n_seq, ner_acts *a, const ner_params *grad)
{
    size_t rows = starts[n_seq], D = c->in_dim, H = c->hidden, T = ner_top_width(c);
    /* x0 and h1 were dropped in place, so they hold the dropped values:
     * relu'(x) > 0 exactly where the kept value is > 0 (mask > 0). */
    nn_linear_backward(a->d_h2, grad->w3, grad->b3, a->d_emit, a->h2d, p->w3, rows, T, c->n_labels);
    nn_dropout_backward(a->d_h2, a->d_h2, a->mask2, rows * T);
    second_layer_backward(c, p, starts, n_seq, rows, a, grad);
    nn_dropout_backward(a->d_h1, a->d_h1, a->mask1, rows * H);
    nn_relu_backward(a->d_h1, a->d_h1, a->h1, rows * H);
    nn_linear_backward(a->d_g1, grad->w1, grad->b1, a->d_h1, a->g1, p->w1, rows, 3 * D, H);
    nn_window_scatter(a->d_x0, a->d_g1, starts, n_seq, D, 1);
    nn_dropout_backward(a->d_x0, a->d_x0, a->mask0, rows * D);
    char_embedding_backward(c, f, rows, a->d_x0, grad->char_emb);
}

void ner_decode(const vcd_ner_model *m, const ner_acts *a, const size_t *starts, size_t n_seq,
                int32_t *labels, float *conf)
{
    size_t L = m->cfg.n_labels;
    nn_crf crf = {m->decode_trans, m->decode_start, m->decode_end, L};
#pragma omp parallel
    {
        size_t cap = 0;
        float *scratch = NULL, *marg = NULL;
        int32_t *back = NULL;
#pragma omp for schedule(dynamic, 32)
        for (size_t s = 0; s < n_seq; s++) {
            size_t a0 = starts[s], n = starts[s + 1] - a0;
            if (!n) continue;
            if (n > cap) {
                cap = 2 * n;
                scratch = vcd_xrealloc(scratch, nn_crf_scratch_floats(cap, L) * sizeof *scratch);
                marg = vcd_xrealloc(marg, cap * L * sizeof *marg);
                back = vcd_xrealloc(back, cap * L * sizeof *back);
            }
            const float *e = a->emit + a0 * L;
            nn_crf_viterbi(labels + a0, e, n, &crf, scratch, back);
            if (!conf) continue;
            nn_crf_marginals(marg, e, n, &crf, scratch);
            for (size_t t = 0; t < n; t++)
                conf[a0 + t] = marg[t * L + (size_t)labels[a0 + t]];
        }
        free(scratch);
        free(marg);
        free(back);
    }
}
