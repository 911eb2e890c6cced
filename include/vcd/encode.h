/* Encoders: a mention (a span in its comment) to an L2-normalised vector.
 *
 * The pooled encoder is an S-BERT-style mean pool over word vectors, built
 * from three blocks, each normalised and weighted before the whole vector is
 * normalised again:
 *   word    SIF-weighted mean of the span's word vectors (meaning)
 *   char    signed feature hashing of character trigrams and initials
 *           (misspellings, out-of-vocabulary names, acronym <-> initials)
 *   context SIF-weighted mean of the words around the span (disambiguation)
 * `match` queries have no context, so their context block is zero. */
#ifndef VCD_ENCODE_H
#define VCD_ENCODE_H

#include "vcd/common.h"
#include "vcd/mentions.h"
#include "vcd/vectors.h"

typedef struct {
    float w_word;      /* default 1.0 */
    float w_char;      /* default 1.0 */
    float w_ctx;       /* default 0.35 */
    size_t char_dim;   /* default 256 */
    size_t ctx_window; /* tokens each side, default 8 */
} vcd_encoder_options;

void vcd_encoder_options_default(vcd_encoder_options *o);

typedef struct vcd_encoder vcd_encoder;

/* `vectors` may be NULL: the word and context blocks are then empty. The
 * encoder borrows `vectors`; the caller keeps it open. */
vcd_status vcd_encoder_pooled_new(const vcd_vectors *vectors, const vcd_encoder_options *opt,
                                  vcd_encoder **out);
/* The BERT sentence encoder over a Hugging Face folder: each mention's
 * text alone, masked-mean pooled and L2-normalised (sentence-transformers'
 * recipe); dimension = hidden size. */
vcd_status vcd_encoder_bert_new(const char *dir, vcd_encoder **out);
/* The trained identity encoder (vcd/identity.h) over a model folder: the
 * mention's surface string alone (no context). `vectors` must be the store
 * the model was trained with if it uses word vectors. */
vcd_status vcd_encoder_identity_new(const char *dir, const vcd_vectors *vectors, vcd_encoder **out);
/* By name: NULL or "pooled" -> vcd_encoder_pooled_new; "bert:DIR";
 * "identity" (the shipped data/models/identity) or "identity:DIR". */
vcd_status vcd_encoder_open(const char *spec, const vcd_vectors *vectors,
                            const vcd_encoder_options *opt, vcd_encoder **out);
/* "pooled", "identity" or "bert"; the model folder (NULL for pooled). */
const char *vcd_encoder_kind(const vcd_encoder *e);
const char *vcd_encoder_model_dir(const vcd_encoder *e);
void vcd_encoder_free(vcd_encoder *e);
size_t vcd_encoder_dim(const vcd_encoder *e);
/* A short description for manifests, e.g. "pooled(word=1,char=1,ctx=0.35,...)". */
const char *vcd_encoder_describe(const vcd_encoder *e);

/* Encodes the mentions of one document (all with m->doc equal) into rows of
 * `out` (n x dim). The document is tokenized once per call. */
void vcd_encode_doc_mentions(vcd_encoder *e, const char *text, size_t len, const vcd_mention *ms,
                             size_t n, float *out);
/* Encodes a free-standing query string (no context). */
void vcd_encode_query(vcd_encoder *e, const char *text, size_t len, float *out);
/* The matching key of a span as the encoder sees it: hashtags are split at
 * CamelCase boundaries, then NFKC + case fold. */
void vcd_span_key(const char *span, size_t n, int is_hashtag, vcd_buf *out);

#endif
