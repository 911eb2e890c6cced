/* Reading the padded batches stored in the BERT fixtures (I64 tensors). */
#ifndef VCD_TEST_BERT_FIXTURE_H
#define VCD_TEST_BERT_FIXTURE_H

#include "vcd/safetensors.h"

#include <stdlib.h>

static inline int32_t *tensor_i32(const vcd_tensor *t)
{
    double *d = vcd_tensor_to_f64(t);
    int32_t *out = malloc(t->count * sizeof *out);
    for (size_t i = 0; i < t->count; i++)
        out[i] = (int32_t)d[i];
    free(d);
    return out;
}

typedef struct {
    size_t batch, seq;
    int32_t *ids, *types;
    uint8_t *mask;
} fixture_batch;

/* input_ids, token_type_ids and attention_mask of a fixture file. */
static inline void load_batch(const vcd_safetensors *st, fixture_batch *fb)
{
    const vcd_tensor *ids = vcd_safetensors_find(st, "input_ids");
    fb->batch = ids->shape[0];
    fb->seq = ids->shape[1];
    fb->ids = tensor_i32(ids);
    fb->types = tensor_i32(vcd_safetensors_find(st, "token_type_ids"));
    int32_t *mask = tensor_i32(vcd_safetensors_find(st, "attention_mask"));
    fb->mask = malloc(ids->count);
    for (size_t i = 0; i < ids->count; i++)
        fb->mask[i] = (uint8_t)mask[i];
    free(mask);
}

static inline void free_batch(fixture_batch *fb)
{
    free(fb->ids);
    free(fb->types);
    free(fb->mask);
}

#endif
