/* A tagger built from a word labeller: each comment is split into words by
 * the project's tokenizer (the units CoNLL-trained models see), every word
 * gets a BIO/IOB2 label, and conlleval chunks become mentions typed by the
 * label's suffix (WNUT names map to report families via vcd_type_parse).
 * tag_doc() labels the chunk of comments holding its comment (16,384
 * comments or 512k words, boundaries fixed by the corpus alone) and reads
 * the labels back, so batching does not depend on the caller's loop and
 * only one chunk's words are held. */
#ifndef VCD_TAGGER_WORDS_H
#define VCD_TAGGER_WORDS_H

#include "vcd/mentions.h"
#include "vcd/text.h"

typedef struct {
    const char *name;
    /* Labels every word of n sentences (labels and conf concatenated). */
    vcd_status (*label)(void *ctx, const vcd_word_seq *seqs, size_t n, int32_t *labels,
                        float *conf);
    const char *(*label_name)(const void *ctx, int32_t label);
    void (*free_ctx)(void *ctx);
} vcd_word_labeler;

/* Takes ownership of ctx (freed with free_ctx, also on failure). */
vcd_tagger *vcd_tagger_words_new(const vcd_word_labeler *l, void *ctx);

#endif
