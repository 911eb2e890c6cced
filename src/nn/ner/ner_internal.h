/* Internals of the default CNN-CRF tagger shared by its loading, feature,
 * forward/backward, tagging and training files. */
#ifndef VCD_NER_INTERNAL_H
#define VCD_NER_INTERNAL_H

#include "vcd/kb.h"
#include "vcd/ner_model.h"
#include "vcd/nn.h"
#include "vcd/strmap.h"
#include "vcd/vectors.h"

/* Word flags, after the GloVe vector in a word's dense features. */
enum {
    NER_F_UPPER_INITIAL,
    NER_F_ALL_UPPER,
    NER_F_HAS_LOWER,
    NER_F_HAS_DIGIT,
    NER_F_HAS_LETTER,
    NER_F_INNER_UPPER,
    NER_F_KIND,                   /* 7 one-hot token kinds (vcd_token_kind) */
    NER_F_FIRST = NER_F_KIND + 7, /* first word of the sentence */
    NER_F_SINGLE_CHAR,
    NER_F_NON_ASCII,
    NER_F_OOV,  /* not in the vector store */
    NER_F_RANK, /* 5 frequency bands of the vector store's rank */
    NER_FLAGS = NER_F_RANK + 5
};

/* n-grams per word are capped so feature rows have a fixed size and can be
 * filled in parallel; 60 covers every n-gram of a 20-byte word. */
#define NER_MAX_NGRAMS 64
#define NER_NGRAM_MIN 2
#define NER_NGRAM_MAX 4
#define NER_GAZ_MAX_WORDS 5

/* Sources of the knowledge-base flags (ner_kb.c), each a B/I pair of inputs
 * after the gold-name gazetteer's. */
enum {
    NER_KB_CITY,       /* a GeoNames city's name or strong alternate */
    NER_KB_COUNTRY,    /* a country's name */
    NER_KB_DEMONYM,    /* a country's people ("Jamaicans") */
    NER_KB_COMPANY,    /* a listed company's name */
    NER_KB_TICKER,     /* a ticker symbol (weak) */
    NER_KB_PLACE_CODE, /* a country or city code (weak: "UK", "NYC") */
    NER_KB_GIVEN_NAME, /* either side of a nickname pair */
    NER_KB_SOURCES
};
extern const char *const ner_kb_source_names[NER_KB_SOURCES];

typedef struct {
    size_t n_labels;
    char **labels; /* "O", then B-/I- per type */
    size_t n_types;
    char **types;        /* entity types in label order */
    int32_t *label_bio;  /* per label: 0 = O, 1 = B, 2 = I */
    int32_t *label_type; /* per label: type index or -1 */
    size_t char_buckets, char_dim, hidden;
    size_t lstm; /* BiLSTM width per direction after the first convolution; 0: a second
                  * convolution instead */
    size_t vec_dim;
    uint64_t vectors_digest;
    size_t kb_sources;   /* 0 (no KB flags) or NER_KB_SOURCES */
    uint64_t kb_digest;  /* vcd_kb_digest of the KB the flags come from */
    size_t case_buckets; /* 0 (no capitalisation prior) or the hashed table's rows (ner_case.c) */
    size_t n_dense;      /* vec_dim + NER_FLAGS + 2 n_types + 2 kb_sources (+ 2 with the prior) */
    size_t in_dim;       /* n_dense + char_dim */
    /* Subtracted from the "O" score when tagging: the CRF is trained for
     * likelihood, and on noisy text that favours "O" over the F1 optimum,
     * so train-ner picks this offset on the dev set. */
    float o_penalty;
    /* A decoded span whose least sure word (CRF marginal of its tag) is
     * below this is dropped: an ordinary word tagged as a name becomes a
     * fake entity in every report, so train-ner can trade a little recall
     * for it, chosen on the dev sets like the offset (0: keep every span). */
    float min_span_conf;
    size_t members; /* networks in the ensemble (1..16) */
} ner_config;

/* Entity names from the training side: match key of the words joined by
 * single spaces -> (type, number of training sentences naming it). */
typedef struct {
    vcd_strmap *map; /* key -> entry index */
    char **key;      /* owned, in insertion order */
    int32_t *type;
    uint32_t *count;
    size_t n, cap;
} ner_gazetteer;

/* The KB's names for the flags: KB key of the words joined by single
 * spaces -> bit mask of sources. Built once when the model opens. */
typedef struct {
    vcd_strmap *map;
    uint64_t digest;
} ner_kb_index;

/* Parameters live in one array so the optimiser is one call. */
typedef struct {
    float *char_emb;                                /* [char_buckets, char_dim] */
    float *w1, *b1;                                 /* [hidden, 3 in_dim], [hidden] */
    float *w2, *b2;                                 /* [hidden, 3 hidden] (lstm == 0) */
    float *lstm_w_ih[2], *lstm_w_hh[2], *lstm_b[2]; /* per direction: [4 lstm, hidden],
                                                       [4 lstm, lstm], [4 lstm] (lstm > 0) */
    float *w3, *b3; /* [labels, top] where top = lstm ? 2 lstm : hidden */
    float *trans, *start, *end;
} ner_params;

struct vcd_ner_model {
    ner_config cfg;
    const vcd_vectors *vec;
    ner_gazetteer gaz;
    ner_kb_index kb;   /* when cfg.kb_sources */
    float *case_table; /* [case_buckets, 2] when cfg.case_buckets (ner_case.c) */
    /* An ensemble of n_members networks of one shape (seeds differ); their
     * emissions and CRF scores are averaged. store holds n_members *
     * n_params floats; training updates member 0. */
    float *store;
    size_t n_params, n_members;
    ner_params *member;
    /* Decoding: the members' mean CRF, with BIO-invalid moves forbidden. */
    float *decode_trans, *decode_start, *decode_end;
};

/* ---- config and parameters (ner_model.c) ---- */
void ner_config_free(ner_config *c);
/* Label set "O" + sorted B-/I- pairs for the given types. */
void ner_config_set_types(ner_config *c, char **types, size_t n_types);
size_t ner_param_count(const ner_config *c);
/* Width of the layer under the emission scores. */
size_t ner_top_width(const ner_config *c);
/* Points p's views into store (n = ner_param_count floats). */
void ner_params_bind(ner_params *p, float *store, const ner_config *c);
void ner_model_update_decoding(vcd_ner_model *m);
vcd_ner_model *ner_model_alloc(const vcd_vectors *vec);
/* Allocates zeroed parameters for `members` networks and the decoding
 * tables for m->cfg. */
void ner_model_alloc_params(vcd_ner_model *m, size_t members);
vcd_status ner_model_save(const vcd_ner_model *m, const char *dir, int f16);
/* vcd_ner_model_open with the KB its flags need (NULL: the shipped default
 * KB is opened when the config asks for one); refuses a KB whose digest is
 * not the one the model was trained with. */
vcd_status ner_model_open_kb(const char *dir, const vcd_vectors *vectors, const vcd_kb *kb,
                             vcd_ner_model **out);
/* Parses config.json text (exposed for fuzzing). */
vcd_status ner_config_parse(const char *name, const char *text, size_t len, ner_config *out);

/* ---- gazetteer (ner_gazetteer.c) ---- */
void ner_gazetteer_free(ner_gazetteer *g);
/* Adds one sighting of an entity; `type` indexes cfg types. */
void ner_gazetteer_add(ner_gazetteer *g, const char *key, size_t n, int32_t type, uint32_t count);
vcd_status ner_gazetteer_parse(const char *name, const unsigned char *data, size_t len,
                               const ner_config *c, ner_gazetteer *out);
void ner_gazetteer_text(const ner_gazetteer *g, const ner_config *c, vcd_buf *out);

/* ---- knowledge-base flags (ner_kb.c) ---- */
void ner_kb_index_build(const vcd_kb *kb, ner_kb_index *out);
void ner_kb_index_free(ner_kb_index *g);

/* ---- capitalisation prior (ner_case.c) ---- */
/* Words seen fewer times mid-sentence are left out of the table. */
#define NER_CASE_MIN_COUNT 5
#define NER_CASE_BUCKETS_DEFAULT ((size_t)1 << 17)
/* Mid-sentence sightings per word key (ner_word_key), and how many were
 * capitalised. */
typedef struct {
    vcd_strmap *map; /* key -> index */
    uint64_t *hash;  /* per index: ner_case_hash of the key */
    uint32_t *mid, *cap;
    size_t n, alloc;
    vcd_tokens toks;
    vcd_buf key, join;
} ner_case_counter;
void ner_case_counter_free(ner_case_counter *k);
uint64_t ner_case_hash(const char *key, size_t n);
/* Counts one text, tokenized as comments are (sentence starts and texts
 * shouted in capitals count nothing). */
void ner_case_count_text(ner_case_counter *k, const char *text, size_t len);
/* Counts one CoNLL sentence (its words joined by spaces). */
void ner_case_count_words(ner_case_counter *k, const vcd_word_seq *s);
/* Counts every line of a text file. */
vcd_status ner_case_count_file(ner_case_counter *k, const char *path);
/* The [buckets, 2] table (owned by the caller). */
float *ner_case_table_build(const ner_case_counter *k, size_t buckets);
size_t ner_case_table_used(const float *table, size_t buckets);
/* Every share in [-0.5, 0.5] and confidence in [0, 1] (a loaded table). */
int ner_case_table_valid(const float *table, size_t buckets);
/* First dense input of the prior's two. */
static inline size_t ner_case_offset(const ner_config *c)
{
    return c->vec_dim + NER_FLAGS + 2 * c->n_types + 2 * c->kb_sources;
}
/* Writes the word's two inputs into its dense row (nothing without a table). */
void ner_case_features(const vcd_ner_model *m, const char *key, size_t n, float *dense);

/* ---- features (ner_features.c) ---- */
typedef struct {
    size_t rows;
    float *dense;      /* [rows, n_dense] */
    uint32_t *ngrams;  /* [rows, NER_MAX_NGRAMS] bucket ids */
    uint8_t *n_ngrams; /* per row */
} ner_features;

void ner_features_reserve(ner_features *f, const ner_config *c, size_t rows);
void ner_features_free(ner_features *f);
/* Spans [start, end) of a sentence's gold chunks that must not light up
 * the gazetteer when their entry comes from this sentence alone. */
typedef struct {
    const size_t *start, *end;
    size_t n;
} ner_own_spans;
/* Per-thread buffers of the feature extractor. */
typedef struct {
    vcd_buf join;
    vcd_tokens toks;
    vcd_buf *word_keys; /* one per word of the sentence */
    size_t cap_words;
    vcd_buf *kb_keys; /* the words' KB keys (vcd_kb_key) */
    size_t cap_kb;
    vcd_kb_key_scratch kb_key; /* so keying a non-ASCII word allocates nothing */
} ner_scratch;
void ner_scratch_free(ner_scratch *s);
/* Every word's match key (ner_word_key) into sc->word_keys. */
void ner_sentence_keys(const vcd_word_seq *s, ner_scratch *sc);
/* Fills rows base .. base + s->n - 1. */
void ner_features_sentence(const vcd_ner_model *m, const vcd_word_seq *s, const ner_own_spans *own,
                           ner_features *f, size_t base, ner_scratch *scratch);
/* Fills rows for several sentences (starts from 0) in parallel. */
void ner_features_batch(const vcd_ner_model *m, const vcd_word_seq *seqs, size_t n_seq,
                        const size_t *starts, const ner_own_spans *own, ner_features *f);
/* Sets the KB flags of rows base .. base + s->n - 1 (already zeroed). */
void ner_kb_flags(const vcd_ner_model *m, const vcd_word_seq *s, ner_features *f, size_t base,
                  ner_scratch *sc);
/* Match key of a word as the gazetteer sees it (cleared first). */
void ner_word_key(const char *w, size_t n, vcd_buf *out);

/* ---- training (ner_train.c) ---- */
/* True for the partial-label schemes train-ner reads ("btc", "btc-org"). */
int ner_partial_scheme_known(const char *scheme);
/* The tags each of a sentence's n_words words may take under open labels
 * (train-ner --open-labels), as nn_crf_allowed bits. Such labels name some
 * mentions of a text and leave the rest unread: a chunk of one of the
 * model's types is that mention, whole (the word after it continues no
 * chunk: O or a B- tag); a chunk of type "not-entity" is a form a reader
 * judged not a name, so O; every other word may take any tag. An unknown
 * chunk type is an error naming `name`. */
vcd_status ner_open_mask(const ner_config *c, const vcd_chunk *chunks, size_t n_chunks,
                         size_t n_words, const char *name, uint64_t *allowed);

/* ---- network (ner_net.c) ---- */
typedef struct {
    size_t cap_rows;
    float *x0, *mask0, *g1, *h1, *mask1, *g2, *h2, *mask2, *h2d, *emit, *emit_sum;
    /* BiLSTM layer (h2 is then [rows, 2 lstm], both directions side by side) */
    float *xw[2], *gates[2], *cell[2];
    /* backward */
    float *d_emit, *d_h2, *d_g2, *d_h1, *d_g1, *d_x0;
    float *d_xw, *h_prev, *d_tmp;
} ner_acts;

void ner_acts_reserve(ner_acts *a, const ner_config *c, size_t rows, int training);
void ner_acts_free(ner_acts *a);
/* One member's emission scores for rows packed by `starts` into a->emit;
 * dropout when rng != NULL. */
void ner_net_forward(const ner_config *c, const ner_params *p, const ner_features *f,
                     const size_t *starts, size_t n_seq, ner_acts *a, float dropout, vcd_rng *rng);
/* Back-propagates a->d_emit into grad (a ner_params view of the gradient). */
void ner_net_backward(const ner_config *c, const ner_params *p, const ner_features *f,
                      const size_t *starts, size_t n_seq, ner_acts *a, const ner_params *grad);
/* Tagging scores: the members' mean emission, minus the "O" offset. */
void ner_emissions(const vcd_ner_model *m, const ner_features *f, const size_t *starts,
                   size_t n_seq, ner_acts *a);
/* Drops lower-case common verbs from the ends of decoded spans (labels of
 * n_seq sentences packed by starts; ner_trim.c). */
void ner_trim_verbs(const ner_config *c, const vcd_word_seq *seqs, size_t n_seq,
                    const size_t *starts, int32_t *labels);
/* Drops every span whose lowest confidence is below c->min_span_conf
 * (labels and conf of `rows` words; ner_trim.c). */
void ner_drop_unsure(const ner_config *c, size_t rows, const float *conf, int32_t *labels);
/* Viterbi tags (and marginal confidences, if conf) from a->emit. */
void ner_decode(const vcd_ner_model *m, const ner_acts *a, const size_t *starts, size_t n_seq,
                int32_t *labels, float *conf);

#endif
