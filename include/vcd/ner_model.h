/* The default entity tagger: a word-level CNN-CRF trained in C on CoNLL data.
 *
 * Every word becomes a feature vector: its GloVe vector (from the project's
 * vector store, frozen), a learned embedding of its hashed character n-grams
 * (robust to misspellings and new names), casing / shape / token-kind flags,
 * its GloVe frequency band, gazetteer flags from entity names seen in
 * the training data and, optionally, flags from the knowledge base's names
 * per source (vcd_ner_train_options.kb_path) and a capitalisation prior
 * counted on unlabelled text (case_text_path). Two convolution layers (window 3, ReLU) read the
 * neighbourhood, a linear layer scores the tags and a linear-chain CRF picks
 * the tag sequence (BIO-valid by construction at decoding time).
 *
 * A model is a folder: config.json (schema vcdiscover.ner-model/1),
 * model.safetensors (F32 or F16) and gazetteer.tsv. */
#ifndef VCD_NER_MODEL_H
#define VCD_NER_MODEL_H

#include "vcd/common.h"
#include "vcd/eval.h"
#include "vcd/text.h"

struct vcd_vectors;
typedef struct vcd_ner_model vcd_ner_model;

/* Opens a model folder. The vector store must be the one the model was
 * trained with (checked by digest). The model borrows `vectors`. */
vcd_status vcd_ner_model_open(const char *dir, const struct vcd_vectors *vectors,
                              vcd_ner_model **out);
void vcd_ner_model_free(vcd_ner_model *m);
/* True when dir/config.json declares this kind of model (so a --model
 * folder can be told from a BERT checkpoint). */
int vcd_ner_model_is_folder(const char *dir);
size_t vcd_ner_model_label_count(const vcd_ner_model *m);
const char *vcd_ner_model_label(const vcd_ner_model *m, size_t i);

/* Tags every word of n sentences: labels[] (label ids) and conf[] (CRF
 * marginal probability of the chosen tag; may be NULL) are concatenated in
 * sentence order. Runs in batches with buffers owned by the call. */
vcd_status vcd_ner_model_tag(const vcd_ner_model *m, const vcd_word_seq *seqs, size_t n,
                             int32_t *labels, float *conf);
/* Tags every token of a CoNLL file (first column; other columns ignored):
 * tags[i] points at the model's label string. */
vcd_status vcd_ner_model_tag_conll(const vcd_ner_model *m, const vcd_conll *c, const char **tags);

typedef struct {
    const char *train_path, *dev_path; /* CoNLL; dev may be NULL */
    /* A second dev set from another domain (needs dev_path): epochs and the
     * "O" offset are then chosen by the mean of the two F1s. dev2_scheme
     * names its tag scheme for vcd_conll_map_types (NULL: WNUT 2017). */
    const char *dev2_path, *dev2_scheme;
    /* A corpus that annotates only some types, trained on as partial labels
     * (nn_crf_partial_nll). "btc" (Broad Twitter Corpus): PER -> person,
     * LOC -> location, ORG -> corporation or group, O -> O or a product,
     * creative-work or group word. "btc-org": the same but an O word is
     * never a group (BTC's ORG covers WNUT's groups). */
    const char *partial_path, *partial_scheme;
    size_t partial_per_epoch; /* partial sentences drawn afresh each epoch; 0: all */
    /* Open labels (CoNLL, e.g. from `vcdiscover label-mentions`): a chunk of
     * one of the training types is a whole mention of it, a "not-entity"
     * chunk is O, every other word may take any tag. Drawn with the partial
     * sentences (partial_per_epoch counts both). NULL: none. */
    const char *open_path;
    const char *const *extra_train; /* more CoNLL files (e.g. silver labels) */
    size_t n_extra_train;
    size_t silver_per_epoch; /* extra sentences drawn afresh each epoch; 0: all of them */
    const char *vectors_path;
    /* A .vcdkb whose names become input flags, one B/I pair per source
     * (city, country, demonym, company, ticker, place code, given name);
     * NULL: none. The model records the KB's digest, and opening it later
     * needs that very KB as the shipped default (vcd_kb_default_path()):
     * any other is refused with an error. */
    const char *kb_path;
    /* A text file (one text per line, e.g. raw comments) whose words, with
     * the gold and partial training sentences' words, give the
     * capitalisation prior: each word's share of capitalised sightings when
     * not sentence-initial, an input beside the KB flags (needs kb_path).
     * The counts ship inside the model; NULL: none. */
    const char *case_text_path;
    /* With the prior: a silver span whose words were seen capitalised less
     * often than this share (pooled over its words with counts) is
     * relabelled O, so the silver labels stop teaching ordinary words
     * ("wifi", "oh") as names; 0: off. */
    float silver_case_floor;
    const char *out_dir;
    size_t epochs, batch;
    size_t char_buckets, char_dim, hidden;
    size_t lstm; /* BiLSTM width per direction as the second layer; 0: a convolution */
    float lr, dropout, weight_decay;
    float ema_decay; /* average of the weights that is scored and kept; 0 = off */
    float lowercase; /* probability that a training sentence is seen in lower case */
    size_t members;  /* networks averaged in the model, trained with seeds seed .. seed + n - 1 */
    uint64_t seed;
    /* After the "O" offset, choose a confidence floor on the dev sets (the
     * same selection): a decoded span whose least sure word is below it is
     * dropped when tagging. */
    int tune_span_floor;
    int f16;                    /* write weights as F16 */
    size_t max_train_sentences; /* 0: all (learning curves use a prefix) */
    int quiet;
    const char *command; /* recorded in train_log.json, may be NULL */
    const char *note;    /* free text for train_log.json (e.g. the data's licences), may be NULL */
    vcd_progress_fn progress;
    void *progress_ctx;
} vcd_ner_train_options;

void vcd_ner_train_options_default(vcd_ner_train_options *o);

typedef struct {
    size_t epochs_run, best_epoch, train_sentences, train_words, gazetteer_entries;
    double best_f1, best_precision, best_recall;
    double saved_f1;                    /* the written folder (F16 rounding included) on dev */
    double best_f1_dev2, saved_f1_dev2; /* the same on dev2 (0 without it) */
    double *epoch_f1_dev2;              /* epochs_run entries with dev2, else NULL */
    size_t partial_sentences, partial_skipped; /* skipped: no allowed tag path */
    size_t open_sentences;                     /* of the partial ones, from open_path */
    double o_penalty;                          /* chosen on dev (0 without dev data) */
    double min_span_conf;                      /* the floor chosen (tune_span_floor) */
    double f1_before_penalty;                  /* best epoch's dev F1 with no "O" offset */
    double *epoch_loss, *epoch_f1;             /* epochs_run entries (caller frees) */
    double seconds;
} vcd_ner_train_report;

/* Trains and writes the best epoch (by dev entity F1, or the mean of the two
 * dev F1s; the last epoch without dev data) to out_dir, with train_log.json beside the weights. */
vcd_status vcd_ner_train(const vcd_ner_train_options *o, vcd_ner_train_report *report);
void vcd_ner_train_report_free(vcd_ner_train_report *r);

#endif
