/* Evaluation: entity-level NER scores under CoNLL `conlleval` chunk rules,
 * and clustering quality (pair counting, information theoretic, B-cubed,
 * silhouette) computed the way scikit-learn defines them, so every number
 * vcdiscover prints can be checked against a reference implementation. */
#ifndef VCD_EVAL_H
#define VCD_EVAL_H

#include "vcd/common.h"
#include "vcd/text.h"

/* A CoNLL file: one token per line, columns separated by tabs (or spaces
 * when a line has no tab), a blank line between sentences, "-DOCSTART-"
 * lines ignored. The token is the first column and the tag the last one;
 * a line with a single column has no tag (tag == NULL). */
typedef struct {
    char *token;
    char *tag;
    size_t line; /* 1-based line in the file, for messages */
} vcd_conll_token;

typedef struct {
    vcd_conll_token *tokens;
    size_t n_tokens;
    size_t *sentence_start; /* n_sentences + 1 entries; the last is n_tokens */
    size_t n_sentences;
    char *storage; /* owns every token and tag string */
} vcd_conll;

/* Parses a CoNLL buffer; invalid UTF-8 or a token with no text is an error
 * naming the line. `name` labels messages. */
vcd_status vcd_conll_parse(const char *name, const unsigned char *data, size_t len, vcd_conll *out);
vcd_status vcd_conll_load(const char *path, vcd_conll *out);
/* Labelled data (training, dev, eval ner's gold and predictions): every
 * token must carry a BIO tag, "O" or "B-TYPE" / "I-TYPE" with a non-empty
 * TYPE; the first that does not is an error naming file and line. */
vcd_status vcd_conll_check_tags(const vcd_conll *c, const char *name);
/* vcd_conll_load then vcd_conll_check_tags. */
vcd_status vcd_conll_load_tagged(const char *path, vcd_conll *out);
void vcd_conll_free(vcd_conll *c);

/* The sentences of a CoNLL file as word sequences for a tagger: seqs[s]
 * points into words/lens, which point into the file (keep it alive). */
typedef struct {
    const char **words;
    size_t *lens;
    vcd_word_seq *seqs; /* n_sentences */
} vcd_conll_words;
void vcd_conll_words_build(const vcd_conll *c, vcd_conll_words *out);
void vcd_conll_words_free(vcd_conll_words *w);

/* A chunk of consecutive tokens [start, end) with a type, as conlleval sees
 * it: the tag prefix before the first '-' is the chunk tag (B, I, E, S, O),
 * the rest is the type ("B-creative-work" -> B, creative-work). */
typedef struct {
    size_t start, end;
    const char *type; /* points into the tag string */
    size_t type_len;
} vcd_chunk;

/* Chunks of one sentence's tags (NULL tags count as "O"). Returns the
 * number of chunks written to `out`, which must hold n entries. */
size_t vcd_conll_chunks(const char *const *tags, size_t n, vcd_chunk *out);

/* A CoNLL file as a corpus, for tagging it: one document per sentence,
 * its text the NFC tokens joined by single spaces. token_cp[i] is the
 * code-point offset of token i in its sentence's document. */
struct vcd_corpus;
typedef struct {
    struct vcd_corpus *corpus;
    uint32_t *token_cp;
} vcd_conll_corpus;

vcd_status vcd_conll_corpus_build(const vcd_conll *c, vcd_conll_corpus *out);
void vcd_conll_corpus_free(vcd_conll_corpus *cc);

/* Mentions (any order) as IOB2 tags over the tokens. A mention covers every
 * token it overlaps; a mention overlapping an earlier-starting (or, at the
 * same start, longer) one is dropped. `type_name` maps a vcd_entity_type to
 * the tag suffix, or NULL to leave the tokens "O". tags[i] points to
 * storage owned by `bio` (free with vcd_bio_free). Returns mentions kept. */
struct vcd_mentions;
typedef struct {
    const char **tags;
    size_t n;
    char *names[16]; /* "B-x" and "I-x" per entity type, 2 * VCD_TYPE_COUNT used */
} vcd_bio;
size_t vcd_mentions_to_bio(const vcd_conll *c, const vcd_conll_corpus *cc,
                           const struct vcd_mentions *ms, const char *(*type_name)(int type),
                           vcd_bio *bio);
void vcd_bio_free(vcd_bio *bio);
/* The WNUT 2017 name of a report family: PER -> person, ORG -> corporation,
 * PRODUCT -> product, LOC -> location, GROUP -> group, WORK -> creative-work;
 * NULL for UNK and EVENT, which WNUT 2017 has no type for. */
const char *vcd_wnut_type_name(int type);

typedef struct {
    char *type;
    size_t tp, fp, fn;
} vcd_ner_type_score;

typedef struct {
    size_t tp, fp, fn;
    size_t tokens, sentences, tokens_correct;
    vcd_ner_type_score *types; /* sorted by type name */
    size_t n_types;
} vcd_ner_score;

/* Strict entity-level scores of `pred` against `gold`. The files must hold
 * the same tokens in the same sentences (an error names the first line
 * where they differ). */
vcd_status vcd_ner_score_conll(const vcd_conll *gold, const vcd_conll *pred, vcd_ner_score *out);
/* The same against tags aligned with the gold tokens (pred[i] for token i). */
vcd_status vcd_ner_score_tags(const vcd_conll *gold, const char *const *pred, vcd_ner_score *out);
void vcd_ner_score_free(vcd_ner_score *s);
/* Precision, recall and F1 in [0, 1]; 0 when undefined (conlleval). */
void vcd_prf(size_t tp, size_t fp, size_t fn, double *p, double *r, double *f1);
/* {"precision", "recall", "f1", "tp", "fp", "fn", "per_type": {...}} */
void vcd_ner_score_json(const vcd_ner_score *s, vcd_buf *b);

typedef struct {
    size_t n, n_true, n_pred; /* items, true classes, predicted clusters */
    double ari, nmi, ami, homogeneity, completeness, v_measure;
    double bcubed_precision, bcubed_recall, bcubed_f1;
} vcd_cluster_scores;

/* External clustering scores of `pred` against `truth` (any integer
 * labels; every distinct value is one cluster, as in scikit-learn). NMI and
 * AMI use the arithmetic mean of the entropies, scikit-learn's default. */
vcd_status vcd_cluster_scores_compute(const int64_t *truth, const int64_t *pred, size_t n,
                                      vcd_cluster_scores *out);
/* Mean euclidean silhouette of `labels` on the rows of X (n x dim).
 * Needs 2 <= distinct labels <= n - 1. */
vcd_status vcd_silhouette(const float *X, size_t n, size_t dim, const int64_t *labels, double *out);

/* Clustering of a state directory against gold mentions: JSON Lines with
 * "doc_id", "start", "end" (code points) and "entity_id" (number or
 * string). A gold mention the state does not have, and a state mention left
 * as noise, each count as a cluster of its own; bad lines are skipped,
 * counted and warned about. The silhouette (cosine space of the state's
 * encoder, euclidean on unit vectors) is computed on up to 3000 linked
 * mentions sampled with `seed`; it needs the state's vector file. */
typedef struct {
    vcd_cluster_scores scores;
    size_t gold_lines, gold_mentions, skipped_lines;
    size_t found, found_linked, missed;
    int has_silhouette;
    double silhouette;
    size_t silhouette_items;
} vcd_cluster_eval;

typedef void (*vcd_eval_warn_fn)(void *ctx, const char *message);
vcd_status vcd_eval_clusters(const char *gold_path, const char *state_dir,
                             const char *vectors_override, uint64_t seed, vcd_cluster_eval *out,
                             vcd_eval_warn_fn warn, void *warn_ctx);
/* {"n", "ari", "nmi", ... "bcubed_f1"} */
void vcd_cluster_scores_json(const vcd_cluster_scores *s, vcd_buf *b);

#endif
