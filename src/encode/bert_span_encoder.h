/* The BERT sentence encoder behind `--encoder bert:DIR`: a mention's text
 * is encoded on its own, as sentence-transformers would encode it (masked
 * mean over the last hidden state), then L2-normalised. */
#ifndef VCD_BERT_SPAN_ENCODER_H
#define VCD_BERT_SPAN_ENCODER_H

#include "vcd/common.h"

typedef struct bert_span_encoder bert_span_encoder;

vcd_status bert_span_encoder_new(const char *dir, bert_span_encoder **out);
void bert_span_encoder_free(bert_span_encoder *e);
size_t bert_span_encoder_dim(const bert_span_encoder *e);
const char *bert_span_encoder_dir(const bert_span_encoder *e);
/* Encodes n texts (UTF-8, byte lengths) into out (n x dim), batched. */
void bert_span_encode(bert_span_encoder *e, const char *const *texts, const size_t *lens, size_t n,
                      float *out);

#endif
