/* The encoder forward pass:
 *   h0 = LayerNorm(word[id] + position[s] + type[t])
 *   per layer: a = LayerNorm(h + Dense(Attention(h)))
 *              h' = LayerNorm(a + Dense(GELU(Dense(a))))
 *   logits = classifier(h_L)
 * An inference run aliases every layer onto one set of buffers, so memory
 * does not grow with depth. */
#include "bert_internal.h"
#include "vcd/nn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static float *take(float *base, size_t *at, size_t n)
{
    float *p = base ? base + *at : NULL;
    *at += (n + 15) & ~(size_t)15; /* keep every buffer 64-byte aligned */
    return p;
}

/* Lays out (base == NULL: measures) every buffer of a run. */
static size_t layout_run(vcd_bert_run *r, const vcd_bert_config *c, float *base)
{
    size_t T = r->max_batch * r->max_seq, H = c->hidden, I = c->intermediate;
    size_t P = r->max_batch * c->heads * r->max_seq * r->max_seq;
    size_t at = 0, L = c->layers;
    size_t stored = r->training ? L : 1;
    r->emb_sum = take(base, &at, T * H);
    r->emb_mean = take(base, &at, T);
    r->emb_rstd = take(base, &at, T);
    float *x = take(base, &at, T * H); /* inference: every hidden state */
    for (size_t l = 0; l < stored; l++) {
        bert_layer_acts *a = base ? &r->layer[l] : NULL;
        float *q = take(base, &at, T * H), *k = take(base, &at, T * H), *v = take(base, &at, T * H);
        float *probs = take(base, &at, P), *ctx = take(base, &at, T * H);
        float *asum = take(base, &at, T * H), *amean = take(base, &at, T),
              *arstd = take(base, &at, T);
        float *aout = r->training ? take(base, &at, T * H) : x;
        float *ipre = take(base, &at, T * I);
        float *inter = r->training ? take(base, &at, T * I) : ipre;
        float *osum = r->training ? take(base, &at, T * H) : asum;
        float *omean = r->training ? take(base, &at, T) : amean;
        float *orstd = r->training ? take(base, &at, T) : arstd;
        if (a)
            *a = (bert_layer_acts){q,     k,    v,    probs, ctx,  asum,  amean,
                                   arstd, aout, ipre, inter, osum, omean, orstd};
        float *out = r->training ? take(base, &at, T * H) : x;
        if (base) r->hidden[l + 1] = out;
    }
    if (base) {
        r->hidden[0] = x;
        for (size_t l = stored + 1; l <= L; l++) /* inference: every layer shares x */
            r->hidden[l] = x;
    }
    r->logits = take(base, &at, T * (c->num_labels ? c->num_labels : 1));
    if (r->training) {
        r->d_x = take(base, &at, T * H);
        r->d_sum = take(base, &at, T * H);
        r->d_tmp = take(base, &at, T * H);
        r->d_q = take(base, &at, T * H);
        r->d_k = take(base, &at, T * H);
        r->d_v = take(base, &at, T * H);
        r->d_ctx = take(base, &at, T * H);
        r->d_inter = take(base, &at, T * I);
        r->d_logits = take(base, &at, T * (c->num_labels ? c->num_labels : 1));
        r->d_att = take(base, &at, nn_attention_scratch_floats(r->max_seq));
    }
    return at;
}

vcd_status vcd_bert_run_new(const vcd_bert *m, size_t max_batch, size_t max_seq, int training,
                            vcd_bert_run **out)
{
    *out = NULL;
    const vcd_bert_config *c = &m->cfg;
    if (max_batch == 0 || max_batch > 4096 || max_seq == 0 || max_seq > c->max_positions)
        return vcd_fail(VCD_EINPUT, "bert: batch must be 1..4096 and sequence 1..%zu",
                        c->max_positions);
    vcd_bert_run *r = vcd_xcalloc(1, sizeof *r);
    r->max_batch = max_batch;
    r->max_seq = max_seq;
    r->training = training;
    r->layers = c->layers;
    r->hidden_size = c->hidden;
    r->hidden = vcd_xcalloc(c->layers + 1, sizeof *r->hidden);
    r->layer = vcd_xcalloc(training ? c->layers : 1, sizeof *r->layer);
    size_t floats = layout_run(r, c, NULL);
    r->arena = aligned_alloc(64, floats * sizeof(float));
    if (!r->arena) {
        vcd_bert_run_free(r);
        return vcd_fail(VCD_ERUNTIME, "bert: out of memory for %zu activations", floats);
    }
    layout_run(r, c, r->arena);
    *out = r;
    return VCD_OK;
}

void vcd_bert_run_free(vcd_bert_run *r)
{
    if (!r) return;
    free(r->arena);
    free(r->hidden);
    free(r->layer);
    free(r);
}

static vcd_status check_batch(const vcd_bert *m, const vcd_bert_run *r, const vcd_bert_batch *b)
{
    const vcd_bert_config *c = &m->cfg;
    if (b->batch == 0 || b->batch > r->max_batch || b->seq == 0 || b->seq > r->max_seq)
        return vcd_fail(VCD_EINPUT, "bert: batch %zu x %zu exceeds the run's %zu x %zu", b->batch,
                        b->seq, r->max_batch, r->max_seq);
    for (size_t t = 0; t < b->batch * b->seq; t++) {
        if (b->ids[t] < 0 || (size_t)b->ids[t] >= c->vocab_size)
            return vcd_fail(VCD_EINPUT, "bert: token id %d outside the vocabulary", b->ids[t]);
        if (b->type_ids && (b->type_ids[t] < 0 || (size_t)b->type_ids[t] >= c->type_vocab))
            return vcd_fail(VCD_EINPUT, "bert: token type %d outside the model", b->type_ids[t]);
    }
    return VCD_OK;
}

static void embeddings_forward(const vcd_bert *m, vcd_bert_run *r, const vcd_bert_batch *b)
{
    size_t H = m->cfg.hidden;
    for (size_t i = 0; i < b->batch; i++) {
        for (size_t s = 0; s < b->seq; s++) {
            size_t t = i * b->seq + s;
            const float *w = m->param[T_WORD] + (size_t)b->ids[t] * H;
            const float *p = m->param[T_POS] + s * H;
            const float *ty = m->param[T_TYPE] + (size_t)(b->type_ids ? b->type_ids[t] : 0) * H;
            float *o = r->emb_sum + t * H;
            for (size_t h = 0; h < H; h++)
                o[h] = w[h] + p[h] + ty[h];
        }
    }
    nn_layernorm_forward(r->hidden[0], r->emb_mean, r->emb_rstd, r->emb_sum, m->param[T_EMB_LN_W],
                         m->param[T_EMB_LN_B], b->batch * b->seq, H, m->cfg.ln_eps);
}

static void add_inplace(float *y, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] += x[i];
}

static void layer_forward(const vcd_bert *m, vcd_bert_run *r, const vcd_bert_batch *b, size_t l)
{
    const vcd_bert_config *c = &m->cfg;
    size_t T = b->batch * b->seq, H = c->hidden, I = c->intermediate;
    bert_layer_acts *a = &r->layer[r->training ? l : 0];
    float *const *w = m->param + bert_layer_tensor(l, 0);
    const float *x = r->hidden[l];
    nn_linear_forward(a->q, x, w[L_Q_W], w[L_Q_B], T, H, H);
    nn_linear_forward(a->k, x, w[L_K_W], w[L_K_B], T, H, H);
    nn_linear_forward(a->v, x, w[L_V_W], w[L_V_B], T, H, H);
    nn_attention_forward(a->ctx, a->probs, a->q, a->k, a->v, b->mask, b->batch, b->seq, c->heads,
                         H);
    nn_linear_forward(a->attn_sum, a->ctx, w[L_AO_W], w[L_AO_B], T, H, H);
    add_inplace(a->attn_sum, x, T * H);
    nn_layernorm_forward(a->attn_out, a->attn_mean, a->attn_rstd, a->attn_sum, w[L_ALN_W],
                         w[L_ALN_B], T, H, c->ln_eps);
    nn_linear_forward(a->inter_pre, a->attn_out, w[L_I_W], w[L_I_B], T, H, I);
    nn_gelu_forward(a->inter, a->inter_pre, T * I);
    nn_linear_forward(a->out_sum, a->inter, w[L_O_W], w[L_O_B], T, I, H);
    add_inplace(a->out_sum, a->attn_out, T * H);
    nn_layernorm_forward(r->hidden[l + 1], a->out_mean, a->out_rstd, a->out_sum, w[L_OLN_W],
                         w[L_OLN_B], T, H, c->ln_eps);
}

vcd_status vcd_bert_forward(const vcd_bert *m, vcd_bert_run *r, const vcd_bert_batch *b)
{
    vcd_status rc = check_batch(m, r, b);
    if (rc) return rc;
    r->batch = b->batch;
    r->seq = b->seq;
    embeddings_forward(m, r, b);
    for (size_t l = 0; l < m->cfg.layers; l++)
        layer_forward(m, r, b, l);
    if (m->cfg.num_labels) {
        size_t ci = bert_classifier_tensor(m);
        nn_linear_forward(r->logits, r->hidden[m->cfg.layers], m->param[ci], m->param[ci + 1],
                          b->batch * b->seq, m->cfg.hidden, m->cfg.num_labels);
    }
    return VCD_OK;
}

size_t vcd_bert_pack_rows(int32_t *ids, uint8_t *mask, const size_t *len, size_t rows,
                          size_t max_seq, int32_t pad)
{
    size_t seq = 0;
    for (size_t r = 0; r < rows; r++)
        if (len[r] > seq) seq = len[r];
    /* Destinations never pass their sources: row r moves from r*max_seq to r*seq. */
    for (size_t r = 0; r < rows; r++) {
        memmove(ids + r * seq, ids + r * max_seq, len[r] * sizeof *ids);
        for (size_t s = 0; s < seq; s++) {
            mask[r * seq + s] = s < len[r];
            if (s >= len[r]) ids[r * seq + s] = pad;
        }
    }
    return seq;
}

const float *vcd_bert_run_hidden(const vcd_bert_run *r, size_t layer)
{
    return r->hidden[layer];
}

const float *vcd_bert_run_last_hidden(const vcd_bert_run *r)
{
    return r->hidden[r->layers];
}

const float *vcd_bert_run_logits(const vcd_bert_run *r)
{
    return r->logits;
}

void vcd_bert_mean_pool(const vcd_bert_run *r, const vcd_bert_batch *b, int normalise, float *out)
{
    size_t H = r->hidden_size;
    const float *h = r->hidden[r->layers];
    for (size_t i = 0; i < b->batch; i++) {
        float *o = out + i * H;
        memset(o, 0, H * sizeof *o);
        size_t n = 0;
        for (size_t s = 0; s < b->seq; s++) {
            if (!b->mask[i * b->seq + s]) continue;
            add_inplace(o, h + (i * b->seq + s) * H, H);
            n++;
        }
        float inv = n ? 1.0f / (float)n : 0.0f;
        double norm = 0;
        for (size_t k = 0; k < H; k++) {
            o[k] *= inv;
            norm += (double)o[k] * o[k];
        }
        if (normalise && norm > 0) {
            float sc = (float)(1.0 / sqrt(norm));
            for (size_t k = 0; k < H; k++)
                o[k] *= sc;
        }
    }
}
