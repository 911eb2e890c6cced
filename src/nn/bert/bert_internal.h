/* BERT's private layout: one table of tensors in Hugging Face order, the
 * float pointers the kernels use, and the activation buffers of a run. */
#ifndef VCD_BERT_INTERNAL_H
#define VCD_BERT_INTERNAL_H

#include "vcd/bert.h"
#include "vcd/safetensors.h"

#include <cJSON.h>

enum { T_WORD, T_POS, T_TYPE, T_EMB_LN_W, T_EMB_LN_B, T_GLOBAL };
enum {
    L_Q_W,
    L_Q_B,
    L_K_W,
    L_K_B,
    L_V_W,
    L_V_B,
    L_AO_W,
    L_AO_B,
    L_ALN_W,
    L_ALN_B,
    L_I_W,
    L_I_B,
    L_O_W,
    L_O_B,
    L_OLN_W,
    L_OLN_B,
    L_COUNT
};

typedef struct {
    char name[112];    /* canonical Hugging Face name, "bert." prefix included */
    size_t rows, cols; /* cols 0 for vectors */
    int decay;         /* matrices and embeddings; not biases or LayerNorm */
} bert_tensor_spec;

struct vcd_bert {
    vcd_bert_config cfg;
    cJSON *config_doc; /* config.json as read, rewritten on save */
    vcd_wordpiece *wp;
    vcd_safetensors *st; /* weights memory-mapped from here when F32 */
    size_t n_tensors;
    bert_tensor_spec *spec;
    float **param;
    size_t *offset; /* into a flat buffer of total floats */
    size_t total;
    float *owned; /* widened weights or the trainable copy */
    float *grad, *adam_m, *adam_v;
    long step;
};

static inline size_t bert_layer_tensor(size_t layer, int field)
{
    return T_GLOBAL + layer * L_COUNT + (size_t)field;
}
static inline size_t bert_classifier_tensor(const vcd_bert *m)
{
    return T_GLOBAL + m->cfg.layers * L_COUNT;
}
static inline size_t bert_spec_count(const bert_tensor_spec *s)
{
    return s->rows * (s->cols ? s->cols : 1);
}

/* config.json's fields from a parsed document (vcd_bert_config_parse's core). */
vcd_status bert_config_fill(const char *name, const cJSON *j, vcd_bert_config *c);

/* Fills m->spec / n_tensors / offset / total from m->cfg. */
void bert_build_specs(vcd_bert *m);

typedef struct {
    float *q, *k, *v, *probs, *ctx;
    float *attn_sum, *attn_mean, *attn_rstd, *attn_out;
    float *inter_pre, *inter;
    float *out_sum, *out_mean, *out_rstd;
} bert_layer_acts;

struct vcd_bert_run {
    size_t max_batch, max_seq;
    int training;
    size_t layers, hidden_size;
    size_t batch, seq; /* of the last forward */
    float *emb_sum, *emb_mean, *emb_rstd;
    float **hidden;         /* layers + 1 */
    bert_layer_acts *layer; /* training: one per layer; inference: one shared */
    float *logits;
    /* backward scratch (training runs) */
    float *d_x, *d_sum, *d_tmp, *d_q, *d_k, *d_v, *d_ctx, *d_inter, *d_logits, *d_att;
    void *arena; /* every buffer above lives here */
};

#endif
