#include "bert_span_encoder.h"
#include "vcd/bert.h"

#include <stdlib.h>
#include <string.h>

#define SPAN_BATCH 32
#define SPAN_MAX_SEQ 64 /* a mention is a few words; longer ones are cut */

struct bert_span_encoder {
    vcd_bert *model;
    vcd_bert_run *run;
    char *dir;
    size_t max_seq;
    int32_t ids[SPAN_BATCH * SPAN_MAX_SEQ];
    uint8_t mask[SPAN_BATCH * SPAN_MAX_SEQ];
    size_t len[SPAN_BATCH];
    vcd_wp_tokens toks;
};

vcd_status bert_span_encoder_new(const char *dir, bert_span_encoder **out)
{
    *out = NULL;
    bert_span_encoder *e = vcd_xcalloc(1, sizeof *e);
    vcd_status rc = vcd_bert_open(dir, &e->model);
    if (!rc) {
        size_t maxpos = vcd_bert_get_config(e->model)->max_positions;
        e->max_seq = maxpos < SPAN_MAX_SEQ ? maxpos : SPAN_MAX_SEQ;
        rc = e->max_seq >= 3 ? vcd_bert_run_new(e->model, SPAN_BATCH, e->max_seq, 0, &e->run)
                             : vcd_fail(VCD_EINPUT, "%s: max_position_embeddings < 3", dir);
    }
    if (rc) {
        bert_span_encoder_free(e);
        return rc;
    }
    e->dir = vcd_xstrdup(dir);
    *out = e;
    return VCD_OK;
}

void bert_span_encoder_free(bert_span_encoder *e)
{
    if (!e) return;
    vcd_bert_run_free(e->run);
    vcd_bert_free(e->model);
    vcd_wp_tokens_free(&e->toks);
    free(e->dir);
    free(e);
}

size_t bert_span_encoder_dim(const bert_span_encoder *e)
{
    return vcd_bert_get_config(e->model)->hidden;
}

const char *bert_span_encoder_dir(const bert_span_encoder *e)
{
    return e->dir;
}

/* [CLS] pieces [SEP] for row r (unpadded, max_seq stride). */
static void encode_row(bert_span_encoder *e, size_t r, const char *text, size_t n)
{
    vcd_wordpiece *wp = vcd_bert_tokenizer(e->model);
    const vcd_wordpiece_specials *sp = vcd_wordpiece_special_ids(wp);
    vcd_wp_tokens_clear(&e->toks);
    vcd_wordpiece_tokenize(wp, text, n, &e->toks);
    int32_t *row = e->ids + r * e->max_seq;
    size_t k = 0;
    row[k++] = sp->cls;
    for (size_t i = 0; i < e->toks.n && k + 1 < e->max_seq; i++)
        row[k++] = e->toks.ids[i];
    row[k++] = sp->sep;
    e->len[r] = k;
}

void bert_span_encode(bert_span_encoder *e, const char *const *texts, const size_t *lens, size_t n,
                      float *out)
{
    size_t dim = bert_span_encoder_dim(e);
    const vcd_wordpiece_specials *sp = vcd_wordpiece_special_ids(vcd_bert_tokenizer(e->model));
    int32_t pad = sp->pad >= 0 ? sp->pad : 0;
    for (size_t from = 0; from < n; from += SPAN_BATCH) {
        size_t rows = n - from < SPAN_BATCH ? n - from : SPAN_BATCH;
        for (size_t r = 0; r < rows; r++)
            encode_row(e, r, texts[from + r], lens[from + r]);
        size_t seq = vcd_bert_pack_rows(e->ids, e->mask, e->len, rows, e->max_seq, pad);
        vcd_bert_batch b = {rows, seq, e->ids, e->mask, NULL};
        if (vcd_bert_forward(e->model, e->run, &b) != VCD_OK) {
            /* Only ids outside the model can fail, and the tokenizer's
             * vocabulary was checked against it at load. */
            memset(out + from * dim, 0, rows * dim * sizeof *out);
            continue;
        }
        vcd_bert_mean_pool(e->run, &b, 1, out + from * dim);
    }
}
