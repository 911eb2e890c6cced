/* The identity encoder's network, features and activations, shared by
 * training (identity_train.c) and inference (identity_model.c). */
#ifndef VCD_IDENTITY_INTERNAL_H
#define VCD_IDENTITY_INTERNAL_H

#include "vcd/identity.h"
#include "vcd/text.h"

#define IDM_SHAPE 8
#define IDM_MAX_CP 64 /* code points of a key that make n-grams */

typedef struct {
    size_t buckets, emb, hidden, dim, vec_dim;
    uint64_t vectors_digest;
} idm_config;

size_t idm_in_dim(const idm_config *c);
size_t idm_param_count(const idm_config *c);

typedef struct {
    float *table;   /* [buckets, emb] */
    float *w1, *b1; /* [hidden, in], [hidden] */
    float *w2, *b2; /* [dim, hidden], [dim] */
} idm_params;
void idm_params_bind(idm_params *p, float *store, const idm_config *c);

/* Features of one name: ids/weights of the character bag then the word
 * bag (ids[0..n_char) and ids[n_char..n)), and the dense part
 * (vec_dim + IDM_SHAPE floats). */
typedef struct {
    int32_t *ids;
    float *wts;
    size_t n, n_char, cap;
    vcd_buf key, tmp, tmp2;
    vcd_tokens toks;
} idm_feats;
void idm_feats_free(idm_feats *f);
void idm_features(const idm_config *c, const vcd_vectors *v, const char *s, size_t n, idm_feats *f,
                  float *dense);

/* One batch of rows: features gathered, then every activation. */
typedef struct {
    size_t rows, cap, n_ids, ids_cap;
    int32_t *ids;
    float *wts;
    size_t *offsets; /* 2 rows + 1: bag 2r = characters, 2r + 1 = words */
    float *bag, *x, *hpre, *h, *z, *norm, *y;
    float *dz, *dh, *dx, *dbag; /* training only (NULL otherwise) */
} idm_batch;
void idm_batch_init(idm_batch *b, const idm_config *c, size_t cap, int train);
void idm_batch_free(idm_batch *b);
void idm_batch_clear(idm_batch *b);
/* Appends one row (dense = vec_dim + IDM_SHAPE floats). */
void idm_batch_add(idm_batch *b, const idm_config *c, const int32_t *ids, const float *wts,
                   size_t n_char, size_t n, const float *dense);
void idm_forward(const idm_config *c, const idm_params *p, idm_batch *b);
/* From dy (rows x dim, overwritten) into the parameter gradients (+=). */
void idm_backward(const idm_config *c, const idm_params *p, idm_params *g, idm_batch *b, float *dy);

vcd_status idm_save(const char *dir, const idm_config *c, const idm_params *p, int f16);
/* A model from a config text and safetensors bytes (fuzzing; no vectors). */
vcd_status idm_model_from_memory(const char *config, size_t clen, const unsigned char *weights,
                                 size_t wlen, vcd_identity_model **out);
vcd_status idm_config_parse(const char *name, const char *text, size_t len, idm_config *c);

#endif
