/* A BERT token classifier as a word labeller for the shared word tagger
 * (tagger_words.c). */
#include "tagger_words.h"
#include "vcd/bert_ner.h"

#include <stdlib.h>

typedef struct {
    vcd_bert *model;
    vcd_bert_labeler *labeler;
} bert_ctx;

static vcd_status bert_label(void *ctx, const vcd_word_seq *seqs, size_t n, int32_t *labels,
                             float *conf)
{
    return vcd_bert_labeler_run(((bert_ctx *)ctx)->labeler, seqs, n, labels, conf);
}

static const char *bert_label_name(const void *ctx, int32_t label)
{
    return vcd_bert_get_config(((const bert_ctx *)ctx)->model)->labels[label];
}

static void bert_free(void *ctx)
{
    bert_ctx *b = ctx;
    vcd_bert_labeler_free(b->labeler);
    vcd_bert_free(b->model);
    free(b);
}

static const vcd_word_labeler bert_word_labeler = {"bert", bert_label, bert_label_name, bert_free};

vcd_status vcd_tagger_bert_new(const char *dir, vcd_tagger **out)
{
    *out = NULL;
    bert_ctx *b = vcd_xcalloc(1, sizeof *b);
    vcd_status rc = vcd_bert_open(dir, &b->model);
    if (!rc) rc = vcd_bert_labeler_new(b->model, 32, 128, &b->labeler);
    if (rc) {
        bert_free(b);
        return rc;
    }
    *out = vcd_tagger_words_new(&bert_word_labeler, b);
    return VCD_OK;
}
