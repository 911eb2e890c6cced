/* Word-level sequence labelling with a BERT token classifier: words are
 * WordPiece-tokenized one by one, a word's label is read from its first
 * sub-token (as in Hugging Face's token-classification recipe), and long
 * sentences are cut into windows that fit the model. Also the fine-tuning
 * driver behind `vcdiscover train-ner`. */
#ifndef VCD_BERT_NER_H
#define VCD_BERT_NER_H

#include "vcd/bert.h"
#include "vcd/eval.h"
#include "vcd/text.h"

/* Encodes words as [CLS] pieces [SEP] into ids (at most max_seq); first[w]
 * is the position of word w's first sub-token, or -1 when the word yields
 * no token or falls past the end. Returns the sequence length. */
size_t vcd_bert_encode_words(vcd_wordpiece *wp, const vcd_word_seq *s, size_t max_seq, int32_t *ids,
                             int32_t *first, vcd_wp_tokens *scratch);

typedef struct vcd_bert_labeler vcd_bert_labeler;

/* Borrows the model; buffers for batches of up to max_batch windows of
 * max_seq tokens are allocated once. */
vcd_status vcd_bert_labeler_new(vcd_bert *m, size_t max_batch, size_t max_seq,
                                vcd_bert_labeler **out);
void vcd_bert_labeler_free(vcd_bert_labeler *l);
/* Labels every word of every sentence: labels[] (label ids) and conf[]
 * (softmax probability of the label, may be NULL) are concatenated in
 * sentence order. A word with no sub-token (only control characters) gets
 * the model's "O" label, or label 0 if it has none, with confidence 0. */
vcd_status vcd_bert_labeler_run(vcd_bert_labeler *l, const vcd_word_seq *seqs, size_t n,
                                int32_t *labels, float *conf);

/* Labels every token of a CoNLL file (its first column; any tags are
 * ignored): tags[i] (n_tokens entries) points at the model's label string. */
vcd_status vcd_bert_tag_conll(vcd_bert_labeler *l, const vcd_conll *c, const char **tags);

typedef struct {
    const char *train_path, *dev_path; /* CoNLL; dev may be NULL */
    const char *const *extra_train;    /* more CoNLL files (e.g. silver labels) */
    size_t n_extra_train;
    const char *model_dir; /* Hugging Face folder (or config + vocab with init_random) */
    const char *out_dir;
    int init_random;
    size_t epochs, batch, max_seq;
    float lr, weight_decay, warmup_ratio, max_grad_norm;
    int linear_schedule; /* 1: linear decay to 0 after warm-up; 0: constant */
    uint64_t seed;
    int f16;                    /* write weights as F16 */
    size_t max_train_sentences; /* 0: all (learning curves use a prefix) */
    vcd_progress_fn progress;
    void *progress_ctx;
} vcd_train_ner_options;

void vcd_train_ner_options_default(vcd_train_ner_options *o);

typedef struct {
    size_t epochs_run, best_epoch, train_sentences, train_words, steps;
    double best_f1, best_precision, best_recall;
    double *epoch_loss, *epoch_f1; /* epochs_run entries (caller frees) */
    double seconds;
} vcd_train_ner_report;

/* Fine-tunes and writes the best epoch (by dev entity F1; the last epoch
 * without dev data) to out_dir, with train_log.json beside the weights. */
vcd_status vcd_train_ner(const vcd_train_ner_options *o, vcd_train_ner_report *report);
void vcd_train_ner_report_free(vcd_train_ner_report *r);

#endif
