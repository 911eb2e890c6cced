/* BERT in C: Hugging Face checkpoint folders (config.json, model.safetensors,
 * vocab.txt, tokenizer_config.json), the encoder forward pass, the token
 * classifier, the masked-mean pooled sentence encoder, and the backward pass
 * for fine-tuning. Weights in F32 checkpoints are used straight from the
 * memory map; F16/BF16 are widened once at load. */
#ifndef VCD_BERT_H
#define VCD_BERT_H

#include "vcd/common.h"
#include "vcd/wordpiece.h"

typedef struct {
    size_t vocab_size, hidden, layers, heads, intermediate, max_positions, type_vocab;
    size_t num_labels; /* 0: no classifier (BertModel) */
    char **labels;     /* id2label, num_labels entries (owned) */
    float ln_eps;
    double initializer_range;
    int32_t pad_token_id;
} vcd_bert_config;

/* Parses config.json text; `name` is used in error messages. */
vcd_status vcd_bert_config_parse(const char *name, const char *json, size_t len,
                                 vcd_bert_config *out);
void vcd_bert_config_free(vcd_bert_config *c);

typedef struct vcd_bert vcd_bert;

/* Opens a Hugging Face folder. Every tensor is checked against the config:
 * missing, extra (other than known heads such as the pooler and MLM head)
 * and mis-shaped tensors are input errors. */
vcd_status vcd_bert_open(const char *dir, vcd_bert **out);
/* A fresh model from the folder's config.json + vocab.txt (weights ignored),
 * initialised as Hugging Face does: N(0, initializer_range) for matrices and
 * embeddings, zero biases, LayerNorm 1/0, zero padding row. If `labels` is
 * given it replaces the config's id2label (num_labels entries). */
vcd_status vcd_bert_new_random(const char *dir, const char *const *labels, size_t num_labels,
                               uint64_t seed, vcd_bert **out);
void vcd_bert_free(vcd_bert *m);

const vcd_bert_config *vcd_bert_get_config(const vcd_bert *m);
vcd_wordpiece *vcd_bert_tokenizer(vcd_bert *m);
/* Replaces the classifier with a fresh N(0, initializer_range) one over new
 * labels (fine-tuning a checkpoint on a different label set). */
void vcd_bert_reset_classifier(vcd_bert *m, const char *const *labels, size_t num_labels,
                               uint64_t seed);
size_t vcd_bert_param_count(const vcd_bert *m);

/* A padded batch: ids, attention mask (1 = real token), token types (NULL =
 * all zero), each [batch * seq]. */
typedef struct {
    size_t batch, seq;
    const int32_t *ids;
    const uint8_t *mask;
    const int32_t *type_ids;
} vcd_bert_batch;

/* Rows built at stride max_seq (row r: len[r] ids from r * max_seq) are
 * packed in place to the batch's longest row, padded with `pad`, and the
 * mask filled (1 = real token). Returns that length. */
size_t vcd_bert_pack_rows(int32_t *ids, uint8_t *mask, const size_t *len, size_t rows,
                          size_t max_seq, int32_t pad);

/* Activation buffers for batches up to max_batch x max_seq. An inference run
 * keeps one layer's activations and reuses them; a training run keeps every
 * layer's for the backward pass. */
typedef struct vcd_bert_run vcd_bert_run;

vcd_status vcd_bert_run_new(const vcd_bert *m, size_t max_batch, size_t max_seq, int training,
                            vcd_bert_run **out);
void vcd_bert_run_free(vcd_bert_run *r);

/* Forward pass. Fails on ids or token types outside the model, or a batch
 * larger than the run or longer than max_position_embeddings. */
vcd_status vcd_bert_forward(const vcd_bert *m, vcd_bert_run *r, const vcd_bert_batch *b);
/* After a forward pass ([batch * seq, hidden] / [batch * seq, num_labels]);
 * hidden states by layer (0 = embeddings) are kept only by training runs
 * (inference runs return the last for any layer). */
const float *vcd_bert_run_hidden(const vcd_bert_run *r, size_t layer);
const float *vcd_bert_run_last_hidden(const vcd_bert_run *r);
const float *vcd_bert_run_logits(const vcd_bert_run *r);

/* Masked mean over tokens of the last hidden state -> out [batch, hidden],
 * L2-normalised when `normalise`. */
void vcd_bert_mean_pool(const vcd_bert_run *r, const vcd_bert_batch *b, int normalise, float *out);

/* ---- training ---- */

/* Copies the weights into one owned buffer and allocates gradients and the
 * AdamW moments; needed before backward/step. */
void vcd_bert_make_trainable(vcd_bert *m);
void vcd_bert_zero_grad(vcd_bert *m);
/* Loss = mean cross-entropy over positions with label >= 0 (-100 elsewhere);
 * runs the backward pass after a training-run forward on the same batch and
 * accumulates into the gradients. Returns the loss. */
double vcd_bert_backward(vcd_bert *m, vcd_bert_run *r, const vcd_bert_batch *b,
                         const int32_t *labels);
/* Global L2 norm of the gradients; scales them down to max_norm if above
 * (max_norm <= 0: no clipping). Returns the norm before clipping. */
double vcd_bert_clip_grad_norm(vcd_bert *m, double max_norm);

typedef struct {
    float lr, beta1, beta2, eps, weight_decay;
    int decay_all; /* 1: decay every tensor (torch default); 0: skip biases and LayerNorm */
} vcd_bert_adamw;
void vcd_bert_adamw_step(vcd_bert *m, const vcd_bert_adamw *opt, float lr);

/* Parameters and gradients by Hugging Face tensor name ("bert.encoder.layer.0
 * .attention.self.query.weight", "classifier.bias", ...); NULL if absent. */
const float *vcd_bert_param(const vcd_bert *m, const char *name, size_t *count);
const float *vcd_bert_grad(const vcd_bert *m, const char *name, size_t *count);
float *vcd_bert_param_mut(vcd_bert *m, const char *name, size_t *count);
size_t vcd_bert_tensor_count(const vcd_bert *m);
const char *vcd_bert_tensor_name(const vcd_bert *m, size_t i);

/* Writes a Hugging Face folder (config.json with the model's id2label,
 * model.safetensors in F32 or F16, vocab.txt, tokenizer_config.json),
 * each file atomically. */
vcd_status vcd_bert_save(const vcd_bert *m, const char *dir, int f16);

#endif
