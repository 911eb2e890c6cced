/* The backward pass, mirroring bert_forward.c layer by layer, and the
 * optimizer plumbing (trainable copy, gradient clipping, AdamW). */
#include "bert_internal.h"
#include "vcd/nn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void vcd_bert_make_trainable(vcd_bert *m)
{
    if (m->grad) return;
    float *flat = vcd_xmalloc(m->total * sizeof(float));
    for (size_t i = 0; i < m->n_tensors; i++) {
        memcpy(flat + m->offset[i], m->param[i], bert_spec_count(&m->spec[i]) * sizeof(float));
        m->param[i] = flat + m->offset[i];
    }
    free(m->owned);
    m->owned = flat;
    m->grad = vcd_xcalloc(m->total, sizeof(float));
    m->adam_m = vcd_xcalloc(m->total, sizeof(float));
    m->adam_v = vcd_xcalloc(m->total, sizeof(float));
    m->step = 0;
}

void vcd_bert_zero_grad(vcd_bert *m)
{
    if (m->grad) memset(m->grad, 0, m->total * sizeof(float));
}

static float *grad_of(vcd_bert *m, size_t tensor)
{
    return m->grad + m->offset[tensor];
}

static void add_into(float *y, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] += x[i];
}

/* In: r->d_x = dLoss/d hidden[l + 1]. Out: r->d_x = dLoss/d hidden[l]. */
static void layer_backward(vcd_bert *m, vcd_bert_run *r, const vcd_bert_batch *b, size_t l)
{
    const vcd_bert_config *c = &m->cfg;
    size_t T = b->batch * b->seq, H = c->hidden, I = c->intermediate;
    const bert_layer_acts *a = &r->layer[l];
    size_t base = bert_layer_tensor(l, 0);
    float *const *w = m->param + base;
    const float *x = r->hidden[l];
#define G(f) grad_of(m, base + (f))
    /* h' = LN(out_sum); out_sum = Dense_o(inter) + attn_out */
    nn_layernorm_backward(r->d_sum, G(L_OLN_W), G(L_OLN_B), r->d_x, a->out_sum, a->out_mean,
                          a->out_rstd, w[L_OLN_W], T, H);
    nn_linear_backward(r->d_inter, G(L_O_W), G(L_O_B), r->d_sum, a->inter, w[L_O_W], T, I, H);
    nn_gelu_backward(r->d_inter, r->d_inter, a->inter_pre, T * I);
    nn_linear_backward(r->d_tmp, G(L_I_W), G(L_I_B), r->d_inter, a->attn_out, w[L_I_W], T, H, I);
    add_into(r->d_sum, r->d_tmp, T * H); /* d attn_out: residual + FFN paths */
    /* attn_out = LN(attn_sum); attn_sum = Dense_ao(ctx) + x */
    nn_layernorm_backward(r->d_sum, G(L_ALN_W), G(L_ALN_B), r->d_sum, a->attn_sum, a->attn_mean,
                          a->attn_rstd, w[L_ALN_W], T, H);
    nn_linear_backward(r->d_ctx, G(L_AO_W), G(L_AO_B), r->d_sum, a->ctx, w[L_AO_W], T, H, H);
    nn_attention_backward(r->d_q, r->d_k, r->d_v, r->d_ctx, a->probs, a->q, a->k, a->v, b->batch,
                          b->seq, c->heads, H, r->d_att);
    /* d x = residual + the three projections */
    memcpy(r->d_x, r->d_sum, T * H * sizeof(float));
    nn_linear_backward(r->d_tmp, G(L_Q_W), G(L_Q_B), r->d_q, x, w[L_Q_W], T, H, H);
    add_into(r->d_x, r->d_tmp, T * H);
    nn_linear_backward(r->d_tmp, G(L_K_W), G(L_K_B), r->d_k, x, w[L_K_W], T, H, H);
    add_into(r->d_x, r->d_tmp, T * H);
    nn_linear_backward(r->d_tmp, G(L_V_W), G(L_V_B), r->d_v, x, w[L_V_W], T, H, H);
    add_into(r->d_x, r->d_tmp, T * H);
#undef G
}

static void embeddings_backward(vcd_bert *m, vcd_bert_run *r, const vcd_bert_batch *b)
{
    size_t T = b->batch * b->seq, H = m->cfg.hidden;
    nn_layernorm_backward(r->d_sum, grad_of(m, T_EMB_LN_W), grad_of(m, T_EMB_LN_B), r->d_x,
                          r->emb_sum, r->emb_mean, r->emb_rstd, m->param[T_EMB_LN_W], T, H);
    float *gw = grad_of(m, T_WORD), *gp = grad_of(m, T_POS), *gt = grad_of(m, T_TYPE);
    for (size_t t = 0; t < T; t++) {
        const float *d = r->d_sum + t * H;
        /* nn.Embedding(padding_idx=pad) never updates the padding row. */
        if (b->ids[t] != m->cfg.pad_token_id) add_into(gw + (size_t)b->ids[t] * H, d, H);
        add_into(gp + (t % b->seq) * H, d, H);
        add_into(gt + (size_t)(b->type_ids ? b->type_ids[t] : 0) * H, d, H);
    }
}

double vcd_bert_backward(vcd_bert *m, vcd_bert_run *r, const vcd_bert_batch *b,
                         const int32_t *labels)
{
    const vcd_bert_config *c = &m->cfg;
    size_t T = b->batch * b->seq, H = c->hidden, C = c->num_labels;
    if (!m->grad || !r->training || !C) return NAN;
    double loss = nn_cross_entropy(r->d_logits, r->logits, labels, T, C, NULL);
    size_t ci = bert_classifier_tensor(m);
    nn_linear_backward(r->d_x, grad_of(m, ci), grad_of(m, ci + 1), r->d_logits,
                       r->hidden[c->layers], m->param[ci], T, H, C);
    for (size_t l = c->layers; l-- > 0;)
        layer_backward(m, r, b, l);
    embeddings_backward(m, r, b);
    return loss;
}

double vcd_bert_clip_grad_norm(vcd_bert *m, double max_norm)
{
    double norm = nn_global_norm(m->grad, m->total);
    if (max_norm > 0 && norm > max_norm) {
        /* torch.nn.utils.clip_grad_norm_: scale by max_norm / (norm + 1e-6) */
        float scale = (float)(max_norm / (norm + 1e-6));
        for (size_t i = 0; i < m->total; i++)
            m->grad[i] *= scale;
    }
    return norm;
}

void vcd_bert_adamw_step(vcd_bert *m, const vcd_bert_adamw *opt, float lr)
{
    nn_adamw o = {lr, opt->beta1, opt->beta2, opt->eps, opt->weight_decay};
    m->step++;
    for (size_t i = 0; i < m->n_tensors; i++) {
        size_t off = m->offset[i];
        int decay = opt->decay_all || m->spec[i].decay;
        nn_adamw_update(m->param[i], m->grad + off, m->adam_m + off, m->adam_v + off,
                        bert_spec_count(&m->spec[i]), &o, m->step, decay);
    }
}
