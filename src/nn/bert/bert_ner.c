/* Word labelling with a token classifier: first-sub-token alignment and
 * windows for sentences longer than the model takes. */
#include "vcd/bert_ner.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t vcd_bert_encode_words(vcd_wordpiece *wp, const vcd_word_seq *s, size_t max_seq, int32_t *ids,
                             int32_t *first, vcd_wp_tokens *scratch)
{
    const vcd_wordpiece_specials *sp = vcd_wordpiece_special_ids(wp);
    vcd_wp_tokens_clear(scratch);
    for (size_t w = 0; w < s->n; w++)
        vcd_wordpiece_tokenize_word(wp, s->words[w], s->lens[w], scratch);
    for (size_t w = 0; w < s->n; w++)
        first[w] = -1;
    size_t n = 0;
    ids[n++] = sp->cls;
    for (size_t t = 0; t < scratch->n && n + 1 < max_seq; t++) {
        int32_t w = scratch->word[t];
        if (first[w] < 0) first[w] = (int32_t)n;
        ids[n++] = scratch->ids[t];
    }
    ids[n++] = sp->sep;
    return n;
}

typedef struct {
    size_t out_index; /* into the caller's labels[] */
    uint32_t row;     /* batch row of the word's window */
    int32_t pos;      /* token position in that row */
} word_slot;

struct vcd_bert_labeler {
    vcd_bert *model;
    vcd_bert_run *run;
    size_t max_batch, max_seq;
    int32_t outside; /* label for words with no sub-token */
    /* the batch being filled */
    int32_t *ids;
    uint8_t *mask;
    size_t *row_len;
    size_t rows;
    word_slot *slots;
    size_t n_slots, cap_slots;
    vcd_wp_tokens toks;
};

vcd_status vcd_bert_labeler_new(vcd_bert *m, size_t max_batch, size_t max_seq,
                                vcd_bert_labeler **out)
{
    *out = NULL;
    const vcd_bert_config *c = vcd_bert_get_config(m);
    if (!c->num_labels) return vcd_fail(VCD_EINPUT, "bert: the model has no token classifier");
    if (max_seq > c->max_positions) max_seq = c->max_positions;
    if (max_seq < 3) return vcd_fail(VCD_EINPUT, "bert: max sequence must be at least 3");
    vcd_bert_labeler *l = vcd_xcalloc(1, sizeof *l);
    l->model = m;
    l->max_batch = max_batch;
    l->max_seq = max_seq;
    for (size_t i = 0; i < c->num_labels; i++)
        if (strcmp(c->labels[i], "O") == 0) l->outside = (int32_t)i;
    vcd_status rc = vcd_bert_run_new(m, max_batch, max_seq, 0, &l->run);
    if (rc) {
        free(l);
        return rc;
    }
    l->ids = vcd_xmalloc(max_batch * max_seq * sizeof *l->ids);
    l->mask = vcd_xmalloc(max_batch * max_seq);
    l->row_len = vcd_xmalloc(max_batch * sizeof *l->row_len);
    *out = l;
    return VCD_OK;
}

void vcd_bert_labeler_free(vcd_bert_labeler *l)
{
    if (!l) return;
    vcd_bert_run_free(l->run);
    free(l->ids);
    free(l->mask);
    free(l->row_len);
    free(l->slots);
    vcd_wp_tokens_free(&l->toks);
    free(l);
}

/* Runs the filled rows and writes each word's label from its slot. */
static vcd_status flush_batch(vcd_bert_labeler *l, int32_t *labels, float *conf)
{
    if (!l->rows) return VCD_OK;
    const vcd_wordpiece_specials *sp = vcd_wordpiece_special_ids(vcd_bert_tokenizer(l->model));
    size_t seq = vcd_bert_pack_rows(l->ids, l->mask, l->row_len, l->rows, l->max_seq,
                                    sp->pad >= 0 ? sp->pad : 0);
    vcd_bert_batch b = {l->rows, seq, l->ids, l->mask, NULL};
    vcd_status rc = vcd_bert_forward(l->model, l->run, &b);
    if (rc) return rc;
    const float *logits = vcd_bert_run_logits(l->run);
    size_t C = vcd_bert_get_config(l->model)->num_labels;
    for (size_t k = 0; k < l->n_slots; k++) {
        const word_slot *ws = &l->slots[k];
        const float *z = logits + ((size_t)ws->row * seq + (size_t)ws->pos) * C;
        size_t best = 0;
        for (size_t c = 1; c < C; c++)
            if (z[c] > z[best]) best = c;
        labels[ws->out_index] = (int32_t)best;
        if (conf) {
            double sum = 0;
            for (size_t c = 0; c < C; c++)
                sum += exp((double)z[c] - z[best]);
            conf[ws->out_index] = (float)(1.0 / sum);
        }
    }
    l->rows = 0;
    l->n_slots = 0;
    return VCD_OK;
}

static void add_slot(vcd_bert_labeler *l, size_t out_index, int32_t pos)
{
    if (l->n_slots == l->cap_slots) {
        l->cap_slots = l->cap_slots ? l->cap_slots * 2 : 256;
        l->slots = vcd_xrealloc(l->slots, l->cap_slots * sizeof *l->slots);
    }
    l->slots[l->n_slots++] = (word_slot){out_index, (uint32_t)l->rows, pos};
}

/* Cuts one sentence's sub-tokens into windows of at most max_seq - 2 and
 * appends each as a batch row (flushing when the batch is full). */
static vcd_status add_sentence(vcd_bert_labeler *l, const vcd_word_seq *s, size_t base,
                               int32_t *labels, float *conf)
{
    vcd_wordpiece *wp = vcd_bert_tokenizer(l->model);
    const vcd_wordpiece_specials *sp = vcd_wordpiece_special_ids(wp);
    vcd_wp_tokens *t = &l->toks;
    vcd_wp_tokens_clear(t);
    for (size_t w = 0; w < s->n; w++) {
        labels[base + w] = l->outside;
        if (conf) conf[base + w] = 0.0f;
        vcd_wordpiece_tokenize_word(wp, s->words[w], s->lens[w], t);
    }
    size_t room = l->max_seq - 2, i = 0;
    while (i < t->n) {
        if (l->rows == l->max_batch) {
            vcd_status rc = flush_batch(l, labels, conf);
            if (rc) return rc;
        }
        /* Whole words only, unless one word alone is longer than a window. */
        size_t end = i;
        while (end < t->n) {
            size_t wend = end;
            while (wend < t->n && t->word[wend] == t->word[end])
                wend++;
            if (wend - i > room) {
                if (end == i) end = i + room;
                break;
            }
            end = wend;
        }
        int32_t *row = l->ids + l->rows * l->max_seq;
        size_t n = 0;
        row[n++] = sp->cls;
        for (size_t k = i; k < end; k++) {
            if (k == 0 || t->word[k] != t->word[k - 1])
                add_slot(l, base + (size_t)t->word[k], (int32_t)n);
            row[n++] = t->ids[k];
        }
        row[n++] = sp->sep;
        l->row_len[l->rows++] = n;
        /* Skip the rest of a word cut by the window: only its first piece counts. */
        i = end;
        while (i < t->n && i > 0 && t->word[i] == t->word[i - 1])
            i++;
    }
    return VCD_OK;
}

vcd_status vcd_bert_labeler_run(vcd_bert_labeler *l, const vcd_word_seq *seqs, size_t n,
                                int32_t *labels, float *conf)
{
    size_t base = 0;
    for (size_t s = 0; s < n; s++) {
        vcd_status rc = add_sentence(l, &seqs[s], base, labels, conf);
        if (rc) return rc;
        base += seqs[s].n;
    }
    return flush_batch(l, labels, conf);
}

vcd_status vcd_bert_tag_conll(vcd_bert_labeler *l, const vcd_conll *c, const char **tags)
{
    vcd_conll_words w;
    vcd_conll_words_build(c, &w);
    int32_t *labels = vcd_xmalloc((c->n_tokens + 1) * sizeof *labels);
    vcd_status rc = vcd_bert_labeler_run(l, w.seqs, c->n_sentences, labels, NULL);
    const vcd_bert_config *cfg = vcd_bert_get_config(l->model);
    for (size_t t = 0; !rc && t < c->n_tokens; t++)
        tags[t] = cfg->labels[labels[t]];
    vcd_conll_words_free(&w);
    free(labels);
    return rc;
}
