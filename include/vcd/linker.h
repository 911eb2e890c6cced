/* Identity linking: which distinct mention forms name the same entity.
 *
 * One path, used by `cluster`, `match` and `train-linker` alike:
 *
 *   candidates   pairs of forms worth comparing: nearest neighbours in the
 *                encoder's space, forms sharing a token (first/last name),
 *                acronyms of multi-word forms, prefixes, forms sharing a KB
 *                entry, forms that co-occur in one comment
 *   evidence     per pair, a fixed vector of features (vcd_evidence_feature)
 *   P(same)      one logistic model over the evidence, fit on labelled
 *                pairs (`vcdiscover train-linker`), so the number it prints
 *                is a calibrated probability, not a similarity
 *   clusters     constrained single linkage: pairs with an alias rule (a
 *                spelling relation, a KB entry, a nickname) are joined in
 *                order of decreasing P while P >= 0.5; related names with no
 *                such relation never join, however close; two groups never
 *                join when
 *                any pair between them has P below the cannot-link level
 *                (two different spans of one comment, two KB entries, two
 *                different model numbers, ...)
 *
 * Why not density clustering on vectors: related names (Finland / Poland,
 * Facebook / YouTube) are close in every embedding space we have, so any
 * threshold on distance merges them; what tells identity is evidence about
 * the pair, and the pair model weighs it. */
#ifndef VCD_LINKER_H
#define VCD_LINKER_H

#include "vcd/common.h"
#include "vcd/ingest.h"
#include "vcd/kb.h"
#include "vcd/link.h"
#include "vcd/mentions.h"
#include "vcd/vectors.h"

typedef enum {
    VCD_EV_COSINE,         /* encoder cosine of the two forms */
    VCD_EV_CONTEXT,        /* cosine of the words around their mentions (0 without) */
    VCD_EV_SAME_LETTERS,   /* same letters and digits ("Spider-Man" / "Spiderman") */
    VCD_EV_PLURAL,         /* one is the other + s ("Logan's" / "Logan") */
    VCD_EV_FIRST_TOKEN,    /* a one-word form is the first word of the other */
    VCD_EV_LAST_TOKEN,     /* ... the last word ("Barkley" / "Charles Barkley") */
    VCD_EV_TOKEN_SUBSET,   /* several words, all inside the other */
    VCD_EV_ACRONYM,        /* initials ("AVP" / "Apple Vision Pro") */
    VCD_EV_PREFIX,         /* a truncation ("Cali" / "California") */
    VCD_EV_EDIT,           /* close spelling: (letters - 2 x edit distance) / 10 */
    VCD_EV_FIRST_LETTER,   /* close spelling that changes the first letter (Rick / Nick) */
    VCD_EV_DIGITS_DIFFER,  /* both carry numbers and they differ (iPhone 7 / 8) */
    VCD_EV_KB_SAME,        /* a KB entry names both */
    VCD_EV_KB_DIFFERENT,   /* both name KB entries, never the same one */
    VCD_EV_TYPE_DIFFERENT, /* their majority types differ */
    VCD_EV_COOCCUR,        /* log(1 + comments where both appear as different spans) */
    VCD_EV_NICKNAME,       /* a known given name / nickname pair */
    VCD_EV_AMBIGUITY,      /* log of how many longer forms the shorter one fits */
    VCD_EV_COUNT_RATIO,    /* log(count of the frequent form / count of the rare one) */
    VCD_EV_NO_RULE,        /* none of the alias rules holds */
    VCD_EV_NEARBY,         /* share of the rarer form's comments near one of the other's */
    VCD_EV_NAME_CONFLICT,  /* two multi-word names, no rule relates them */
    VCD_EV_DOMINANCE,      /* the longer form's share of the mentions of all forms the
                              shorter one starts or ends ("Trump": Donald vs Ivanka) */
    VCD_EV_COUNT
} vcd_evidence_feature;

const char *vcd_evidence_name(vcd_evidence_feature f);

/* Per-form facts the evidence reads, built once per run (or per query). */
typedef struct vcd_link_forms vcd_link_forms;

typedef struct {
    const vcd_forms *forms;
    const float *vectors; /* forms->n x dim, unit rows */
    size_t dim;
    const vcd_kb *kb;             /* may be NULL */
    const vcd_corpus *corpus;     /* NULL: no co-occurrence or context */
    const vcd_mentions *mentions; /* sorted by document; NULL with corpus */
    const vcd_vectors *words;     /* context word vectors; may be NULL */
    /* update: the state's raw context sums of forms 0..n_prior_contexts-1
     * (words' dim each) over the mentions of documents before skip_docs,
     * which are then not read again: the sums continue in the order one
     * pass adds them, so the contexts are that pass's, bit for bit. */
    const float *prior_contexts;
    size_t n_prior_contexts, skip_docs;
} vcd_link_input;

vcd_status vcd_link_forms_build(const vcd_link_input *in, vcd_link_forms **out);
void vcd_link_forms_free(vcd_link_forms *lf);
/* How much nearer one form's comments lie to each other in the input's
 * order than with the comments scattered (a fixed permutation): about 0.56
 * on an export that lists each video's comments together, about 0 on a
 * shuffled file, a stream of tweets or the bundled sample, whose generated
 * dates order it; 0 without comment positions. Below
 * VCD_LINK_ORDER_MIN_LIFT the nearby evidence, which the pair model weighs
 * heavily, means little: on the labelled comments shuffled, form-pair
 * recall falls from 62% to 13% (README, limitations). */
double vcd_link_forms_order_lift(const vcd_link_forms *lf);
/* Each form's context before normalisation (n x *dim; NULL without
 * contexts): what a state keeps for `update`. */
const float *vcd_link_forms_context_sums(const vcd_link_forms *lf, size_t *dim);
#define VCD_LINK_ORDER_MIN_LIFT 0.1

typedef struct {
    uint32_t a, b; /* form indices, a < b */
    float x[VCD_EV_COUNT];
    float p; /* P(same entity), filled by vcd_linker_score */
} vcd_link_pair;

typedef struct {
    vcd_link_pair *items;
    size_t n, cap;
} vcd_link_pairs;

void vcd_link_pairs_free(vcd_link_pairs *p);

/* Candidate pairs among the forms with their evidence, sorted by (a, b). */
vcd_status vcd_link_candidates(const vcd_link_forms *lf, vcd_link_pairs *out);
/* Only the pairs with at least one fresh form (fresh[f] != 0; NULL: all),
 * their neighbours found from the fresh forms' side (`update`: the pairs
 * that can change a state's entities). */
vcd_status vcd_link_candidates_touching(const vcd_link_forms *lf, const uint8_t *fresh,
                                        vcd_link_pairs *out);

/* The logistic pair model: two weight sets over the same evidence, one for
 * pairs of corpus forms, one for a free-standing query against a form
 * (`match`: no context, no comments, no counts, so those features are
 * zero and the weights are fit that way, keeping its P calibrated). */
typedef struct {
    double w[VCD_EV_COUNT];
    double bias;
} vcd_linker_weights;

/* The match choice model: which known entity a free-standing name names,
 * or none of them. Each candidate form of the query gets a logit from the
 * query's evidence against it (the features a query has) and two facts of
 * what it would name: log(1 + the form's mentions) and log(1 + its
 * entity's mentions). Then
 *
 *   P(entity | query) = sum of exp(logit) over the entity's candidates
 *                       / (1 + sum of exp(logit) over all candidates)
 *
 * where the 1 is "none of these" (logit 0). A choice, not a pair: a name
 * that only one known entity could shorten is likely that one, however
 * weak the rule alone ("Dunk" / "Dunkey"), and of two entities a name fits
 * the more talked-about is the likelier. Fit by linker_train.c on queries
 * simulated from the labelled forms: each alias asked with itself left
 * out, each name asked with its whole entity left out. */
enum {
    VCD_CHOICE_FORM_MENTIONS = VCD_EV_COUNT, /* log(1 + mentions of the form) */
    VCD_CHOICE_ENTITY_MENTIONS,              /* log(1 + mentions of its entity) */
    VCD_CHOICE_FEATURES
};
/* Forms that no alias rule relates to the query stay candidates only among
 * the nearest this many by encoder cosine, or by how near their comments
 * lie to the query's: a bounded softmax, the same in fitting and in
 * `match`. */
#define VCD_CHOICE_NEAREST 16

/* Names in the model file: the evidence's, form_mentions, entity_mentions. */
const char *vcd_choice_feature_name(int f);

typedef struct {
    double w[VCD_CHOICE_FEATURES];
    double bias;
    /* match's default: of the grid VCD_MATCH_GRID, the threshold with the
     * most aliases right among those leaving >= 90% of unknown names
     * unmatched, out of fold (train-linker) */
    double threshold;
    int fitted; /* 0: a model without one; match then uses the query weights */
} vcd_linker_choice;

typedef struct {
    float x[VCD_CHOICE_FEATURES];
    int32_t entity;
    uint32_t form;
} vcd_choice_candidate;

typedef struct {
    const float *x; /* n_forms x VCD_EV_COUNT: the query against each form */
    size_t n_forms;
    const int32_t *form_entity;      /* -1: not a candidate */
    const uint32_t *form_mentions;   /* n_forms */
    const uint64_t *entity_mentions; /* by entity id */
} vcd_choice_input;

/* The query's candidates, in form order, into out (room for n_forms):
 * forms with an entity, not kept apart from the query
 * (vcd_link_pair_apart), related by a rule or among the VCD_CHOICE_NEAREST
 * nearest of the rest by cosine or by nearby comments. Returns how many. */
size_t vcd_choice_candidates(const vcd_choice_input *in, vcd_choice_candidate *out);
/* p_entity[i] = P(candidate i's entity | query); logit[i] may be NULL. */
void vcd_choice_score(const vcd_linker_choice *c, const vcd_choice_candidate *cand, size_t n,
                      double *logit, double *p_entity);
/* Maximum likelihood with an L2 penalty (Newton steps on the convex part's
 * Hessian, with backtracking), over episodes: episode k holds candidates
 * start[k] .. start[k + 1] - 1 and its answer target[k] (an entity id, or
 * -1 for none of these). An episode whose answer has no candidate teaches
 * nothing and is skipped. Deterministic. */
vcd_status vcd_choice_fit(const vcd_choice_candidate *cand, const size_t *start,
                          const int32_t *target, size_t n_episodes, double l2,
                          vcd_linker_choice *c);

typedef struct {
    vcd_linker_weights pair, query;
    /* choice: for a free-standing query; choice_corpus: for one found in
     * the comments (every feature) */
    vcd_linker_choice choice, choice_corpus;
    double cannot_link; /* P below which a pair keeps its groups apart */
    char encoder[64];   /* encoder kind the model was fit with */
} vcd_linker_model;

/* Features computed (and shown) but not weighed: see linker_model.c. */
int vcd_evidence_unused(vcd_evidence_feature f);
/* The features a query has no value for (zeroed for the query weights). */
int vcd_evidence_query_masked(vcd_evidence_feature f);

vcd_status vcd_linker_model_load(const char *path, vcd_linker_model *m);
/* The same from memory (`name` for messages): any bytes give a model or one
 * VCD_EINPUT error. */
vcd_status vcd_linker_model_parse(const char *name, const char *data, size_t len,
                                  vcd_linker_model *m);
/* JSON (schema vcdiscover.linker/1) with feature names, weights, fit report. */
char *vcd_linker_model_json(const vcd_linker_model *m, const char *fit_report_json);
/* The shipped pair model for an encoder kind: data/models/linker/linker.json
 * for "pooled", linker-<kind>.json for another (it may not exist). Writes
 * into a static buffer. */
const char *vcd_linker_default_path_for(const char *encoder_kind);
const char *vcd_linker_default_path(void);
double vcd_linker_prob(const vcd_linker_weights *w, const float *x);
/* Hard evidence that two forms are different entities, whatever the model
 * says: written as different spans of one comment with no alias rule
 * between them, names of two different KB entries, two different model
 * numbers ("iPhone 7" / "iPhone 8"), or two multi-word names that no rule
 * relates ("Barry Allen" / "Ray Allen"). Such pairs get P = 0
 * (a cannot-link) and are left out of the fit. */
int vcd_link_pair_apart(const float *x);
void vcd_linker_score(const vcd_linker_model *m, vcd_link_pairs *pairs);

/* Fits weights by L2-regularised logistic regression (Newton steps) on
 * pairs with labels y (0/1), skipping pairs vcd_link_pair_apart keeps
 * apart. Deterministic. */
vcd_status vcd_linker_fit(const vcd_link_pairs *pairs, const uint8_t *y, double l2,
                          vcd_linker_weights *w);

/* Constrained single linkage over scored pairs of the forms of `lf` (their
 * counts order the merges: pairs of forms seen twice or more first; two
 * groups never merge across a cannot-link pair or when a multi-word form of
 * each names someone else): labels[f] = group id (0..), -1 for forms joined
 * to nothing. cannot_link = 0 turns both constraints off (the ablation).
 * Returns the number of groups. */
size_t vcd_link_cluster(const vcd_link_pairs *pairs, const vcd_link_forms *lf, double join_p,
                        double cannot_p, int32_t *labels);

/* A join of two fixed groups that the linkage would have made. */
typedef struct {
    int32_t a, b; /* anchors, a < b */
    float p;      /* P(same) of the first pair that would have joined them */
} vcd_link_merge;

typedef struct {
    vcd_link_merge *items;
    size_t n;
} vcd_link_merges;

/* The same linkage with fixed groups (`update`: the state's entities):
 * anchor[f] in 0..n_anchors-1 puts form f in that group before any pair is
 * linked, -1 leaves it free. Free forms join a group as vcd_link_cluster
 * would join them; two groups holding different anchors never join (ids
 * stay stable), and each such join the evidence would make is returned in
 * `merges` (once per pair of anchors, in linkage order; may be NULL).
 * labels[f] = the anchor of its group; groups of two or more free forms are
 * numbered n_anchors.. by their first form; free forms joined to nothing
 * get -1. Returns the number of new groups. */
size_t vcd_link_cluster_anchored(const vcd_link_pairs *pairs, const vcd_link_forms *lf,
                                 double join_p, double cannot_p, const int32_t *anchor,
                                 int32_t n_anchors, vcd_link_merges *merges, int32_t *labels);

/* Entities the KB knows: when forms that name one KB entry strongly carry
 * at least half of an entity's mentions, the entity takes the entry's id,
 * canonical name and type; the others stay newly discovered (kb_id NULL).
 * Returns the number linked. */
size_t vcd_entities_link_kb(vcd_entities *e, const vcd_link_forms *lf, const vcd_forms *forms);

/* Every token of the comments, indexed so that a query's occurrences are
 * found (occurrences.c). `ms`: the run's mentions, sorted by document, with
 * their forms (the forms of the lf the query is scored against); `words`:
 * the context word vectors (NULL: no context). Both, and c's texts, must
 * outlive the index. */
typedef struct vcd_link_occurrences vcd_link_occurrences;
vcd_link_occurrences *vcd_link_occurrences_build(const vcd_corpus *c, const vcd_mentions *ms,
                                                 const vcd_vectors *words);
void vcd_link_occurrences_free(vcd_link_occurrences *o);

/* A query (match) against every form of `lf`: the evidence of each pair to
 * x (n_forms rows of VCD_EV_COUNT; may be NULL) and a P(same) to
 * p[0 .. n_forms). `qvec` is the query's unit vector in the forms' space.
 * When the query occurs in the comments of `occ` (may be NULL), its
 * occurrences make it a form and the evidence is a pair's, scored by the
 * pair weights; else it is free-standing (the query-masked features are 0)
 * and scored by the query weights. Apart pairs (vcd_link_pair_apart) get 0.
 * Returns 1 when the query was found in the comments. */
int vcd_link_query_score(const vcd_link_forms *lf, const vcd_linker_model *m,
                         const vcd_link_occurrences *occ, const char *text, size_t n,
                         const float *qvec, float *p, float *x);

#endif
