/* Evaluation: entity-level NER scores under CoNLL `conlleval` chunk rules,
 * and clustering quality (pair counting, information theoretic, B-cubed,
 * silhouette) computed the way scikit-learn defines them, so every number
 * vcdiscover prints can be checked against a reference implementation. */
#ifndef VCD_EVAL_H
#define VCD_EVAL_H

#include "vcd/common.h"
#include "vcd/fileio.h"
#include "vcd/pipeline.h"
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
/* Rewrites a tagged file's tags (vcd_conll_check_tags passed) from another
 * annotation scheme to WNUT 2017 types. "wnut16": WNUT 2016 Twitter NER
 * (person, geo-loc and facility -> location, company -> corporation,
 * product, sportsteam and musicartist -> group, movie and tvshow ->
 * creative-work, other -> O). A type outside the scheme is an error naming
 * the line. */
vcd_status vcd_conll_map_types(vcd_conll *c, const char *scheme, const char *name);
int vcd_conll_scheme_known(const char *scheme);

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

/* Gold mentions for clustering and linking: JSON Lines with "doc_id"
 * (string or integer), "start", "end" (code points), "entity" or
 * "entity_id" (string or number), optional "text" and "entity_name". Bad
 * lines are skipped and counted; the first 20 are warned about one by one,
 * the rest in one closing count. Entity codes follow the order of the id
 * strings, so "smallest id" wins every tie. */
typedef void (*vcd_eval_warn_fn)(void *ctx, const char *message);

typedef struct {
    char *doc_id;
    uint32_t start, end;
    char *text;     /* NULL when the line has none */
    int32_t entity; /* index into vcd_gold.entity_ids */
    int32_t form;   /* index into vcd_gold.forms; -1: no text, or no letter or digit in it */
    size_t line;    /* 1-based */
    size_t line_off, line_len; /* the line in vcd_gold.data, for writing subsets */
} vcd_gold_mention;

typedef struct {
    char *key;      /* vcd_form_key of the text */
    char *surface;  /* its most frequent surface (ties: byte order) */
    size_t count;   /* gold mentions */
    int32_t entity; /* majority gold entity (ties: smallest id) */
} vcd_gold_form;

typedef struct {
    vcd_gold_mention *items;
    size_t n;
    char **entity_ids;   /* sorted */
    char **entity_names; /* the first "entity_name" seen, or NULL */
    size_t n_entities;
    vcd_gold_form *forms; /* in key order */
    size_t n_forms;
    size_t lines, skipped;
    const unsigned char *data; /* the file's bytes (owned by `file` after vcd_gold_load) */
    size_t len;
    vcd_mapped_file file;
} vcd_gold;

vcd_status vcd_gold_parse(const char *name, const unsigned char *data, size_t len, vcd_gold *out,
                          vcd_eval_warn_fn warn, void *warn_ctx);
vcd_status vcd_gold_load(const char *path, vcd_gold *out, vcd_eval_warn_fn warn, void *warn_ctx);
void vcd_gold_free(vcd_gold *g);
/* A gold entity's display name: its entity_name, else its id. */
const char *vcd_gold_entity_name(const vcd_gold *g, int32_t entity);

/* The form of a mention for identity metrics: vcd_match_key (NFKC, case
 * fold, accents stripped) keeping only Unicode letters and numbers, so
 * "Trump's" -> "trumps" and "#VisionPro" -> "visionpro". Clears `out`. */
void vcd_form_key(const char *s, size_t n, vcd_buf *out);

/* Form-pair precision and recall: whether the engine puts the different
 * ways of writing one entity together without merging different entities.
 * Each form votes with its mentions for a gold entity and a predicted
 * cluster (ties: smallest id). Noise mentions vote together for "no
 * cluster", which loses ties; a form whose vote is "no cluster" shares a
 * cluster with no other form. Undefined ratios are -1. */
typedef struct {
    int64_t entity;  /* majority gold entity */
    int64_t cluster; /* majority predicted cluster; -1: none (noise won) */
    size_t count;    /* mentions; 0 for a form nobody mentions (not scored) */
} vcd_form_vote;

typedef struct {
    size_t forms;             /* forms with at least one mention */
    size_t same_entity_pairs; /* pairs of forms of one gold entity (recall denominator) */
    size_t together_pairs;    /* pairs of forms in one cluster (precision denominator) */
    size_t correct_pairs;     /* both (the numerator of each) */
    double recall, precision;
} vcd_form_pairs;

/* form[i] (-1: not scored), truth[i] >= 0 and pred[i] (-1: noise) per
 * mention; votes has n_forms entries. */
void vcd_form_pairs_compute(const int32_t *form, const int64_t *truth, const int64_t *pred,
                            size_t n, size_t n_forms, vcd_form_vote *votes, vcd_form_pairs *out);

/* The worst pairs for an analyst: wrong merges (one cluster, different
 * entities) or missed pairs (one entity, not one cluster), most frequent
 * first: a pair weighs as many mentions as its rarer form has (ties: the
 * more frequent other form, then form order). Returns the number written
 * to out (at most max). */
typedef struct {
    int32_t a, b; /* form indices; a is the more frequent */
    size_t weight;
} vcd_form_pair_ref;
size_t vcd_form_pair_errors(const vcd_form_vote *votes, size_t n_forms, int merges, size_t max,
                            vcd_form_pair_ref *out);

/* Clustering of a state directory (or of a baseline partition) against
 * gold mentions, joined on (doc_id, start, end). A gold mention the state
 * does not have, and a state mention left as noise, each count as a cluster
 * of their own. The silhouette (cosine space of the state's encoder,
 * euclidean on unit vectors) is computed on up to 3000 linked mentions
 * sampled with `seed`; it needs the state's vector file. */
typedef enum {
    VCD_BASELINE_NONE,      /* score the state */
    VCD_BASELINE_LOWERCASE, /* group gold mentions by vcd_form_key; no state */
} vcd_cluster_baseline;

typedef struct {
    const char *gold_path;
    const char *state_dir; /* unused by a baseline */
    const char *vectors_override;
    uint64_t seed;
    vcd_cluster_baseline baseline;
    size_t max_errors; /* wrong merges and missed pairs to list (each) */
    vcd_eval_warn_fn warn;
    void *warn_ctx;
} vcd_cluster_eval_options;

typedef struct {
    char *surface_a, *surface_b;
    size_t count_a, count_b;
    char *entity_a, *entity_b;    /* gold entity names */
    int64_t cluster_a, cluster_b; /* predicted entity ids; -1: no cluster */
} vcd_form_pair_error;

typedef struct {
    vcd_cluster_scores scores;
    size_t gold_lines, gold_mentions, skipped_lines;
    size_t found, found_linked, missed;
    size_t predicted_entities; /* entities in the state (forms for a baseline) */
    int has_silhouette;
    double silhouette;
    size_t silhouette_items;
    vcd_form_pairs form_pairs;
    size_t formless; /* gold mentions without a form (no text or no letter/digit) */
    vcd_form_pair_error *merges, *misses;
    size_t n_merges, n_misses;
} vcd_cluster_eval;

vcd_status vcd_eval_clusters(const vcd_cluster_eval_options *o, vcd_cluster_eval *out);
void vcd_cluster_eval_free(vcd_cluster_eval *e);
/* {"n", "ari", "nmi", ... "bcubed_f1"} */
void vcd_cluster_scores_json(const vcd_cluster_scores *s, vcd_buf *b);
/* {"forms", "same_entity_pairs", "together_pairs", "correct_pairs", "recall", "precision"};
 * undefined ratios are null. */
void vcd_form_pairs_json(const vcd_form_pairs *p, vcd_buf *b);

/* `eval match`: whether match finds held-out aliases and refuses absent
 * entities. Per seed, for holdout_frac of the gold entities with two or
 * more forms (forms whose majority entity they are), one form other than
 * the most frequent is held out (all its mentions removed); absent_frac of
 * all entities (among the others) are removed entirely, with every mention
 * of their forms. The cluster job runs on what is left; then each held-out
 * form (its most frequent surface) and each form of an absent entity is
 * matched. Top-1 is correct when the hit scores >= threshold and the
 * entity's majority gold entity (over its mentions) is the form's; an
 * absent query is correct when nothing scores >= threshold. */
#define VCD_MATCH_BINS 10

typedef struct {
    size_t count, correct;
    double score_sum;
} vcd_score_bin;

/* One query of a run and what match answered. */
typedef struct {
    char *query;      /* the surface asked */
    char *entity;     /* its gold entity's name */
    int absent;       /* 1: the entity was removed from the state */
    char *hit;        /* top-1 entity's name, NULL when there was no hit */
    char *hit_entity; /* that entity's majority gold entity, NULL if none */
    char *evidence;   /* "exact-alias", "acronym", "embedding" */
    double score;
    int correct; /* held out: right entity at the threshold; absent: no match */
} vcd_match_answer;

typedef struct {
    uint64_t seed;
    size_t candidates;       /* entities with two or more forms */
    size_t heldout;          /* held-out forms queried */
    size_t heldout_correct;  /* right entity at the threshold */
    size_t heldout_no_match; /* nothing at the threshold */
    size_t heldout_top1_any; /* right entity whatever the score */
    size_t absent_entities, absent_queries, absent_no_match;
    size_t mentions_kept, state_entities;
    vcd_score_bin bins[VCD_MATCH_BINS]; /* top-1 score of every query with a hit */
    vcd_match_answer *answers;          /* every query, held-out ones first */
    size_t n_answers;
} vcd_match_eval_run;

typedef struct {
    vcd_match_eval_run *runs;
    size_t n_runs;
    size_t gold_mentions, skipped_lines;
    vcd_score_bin bins[VCD_MATCH_BINS]; /* over all runs */
    double top1_mean, top1_sd, top1_min, top1_max;
    double absent_mean, absent_sd, absent_min, absent_max;
} vcd_match_eval;

typedef struct {
    const char *gold_path;
    const vcd_cluster_options *cluster; /* mentions_path and out_dir are set per seed */
    const char *work_dir;               /* NULL: a temporary directory, removed afterwards */
    const uint64_t *seeds;
    size_t n_seeds;
    double holdout_frac, absent_frac;
    double threshold; /* -1: the linker model's, per query (vcd_state_match_threshold) */
    vcd_eval_warn_fn warn;
    void *warn_ctx;
} vcd_match_eval_options;

vcd_status vcd_eval_match(const vcd_match_eval_options *o, vcd_match_eval *out);
void vcd_match_eval_free(vcd_match_eval *e);

#endif
