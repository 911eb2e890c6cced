/* Link: distinct mention forms, entities built from clusters, and matching
 * a new mention against known entities. */
#ifndef VCD_LINK_H
#define VCD_LINK_H

#include "vcd/common.h"
#include "vcd/ingest.h"
#include "vcd/mentions.h"

/* A distinct form: every mention whose span has the same match key. */
typedef struct {
    char *key;     /* match key (NFKC + case fold) */
    char *surface; /* most frequent original spelling */
    uint32_t count;
    int32_t entity_id;
    uint8_t type; /* majority type of its mentions */
} vcd_form;

typedef struct {
    vcd_form *items;
    size_t n;
} vcd_forms;

/* Groups mentions into forms, setting m->form. Deterministic: forms are
 * numbered in order of first appearance. */
void vcd_forms_build(const vcd_corpus *c, vcd_mentions *ms, vcd_forms *out);
/* Digest of the first n forms' keys in order: whether a state's per-form
 * data still lines up with forms built again. */
uint64_t vcd_forms_keys_digest(const vcd_forms *f, size_t n);
void vcd_forms_free(vcd_forms *f);

typedef struct {
    int32_t id;
    char *name;
    uint8_t type;
    size_t size;                   /* mentions */
    int64_t first_seen, last_seen; /* VCD_NO_DATE when no mention is dated */
    size_t *aliases;               /* form indices, most frequent first */
    size_t n_aliases;
    char *examples[3]; /* doc ids */
    size_t n_examples;
    double mean_probability;
    char *kb_id; /* the KB entry it is (vcd_entities_link_kb); NULL: newly discovered */
} vcd_entity;

typedef struct {
    vcd_entity *items;
    size_t n;
} vcd_entities;

/* Builds entities from per-form cluster labels (-1 = noise). Entity ids are
 * assigned by decreasing size, ties by name, so they are stable for a seed.
 * Sets forms[i].entity_id and every mention's entity_id. */
void vcd_entities_build(const vcd_corpus *c, vcd_mentions *ms, vcd_forms *forms,
                        const int32_t *form_labels, const double *form_probs, vcd_entities *out);
void vcd_entities_free(vcd_entities *e);

/* Splits every cluster into the connected components of "cosine >=
 * min_similarity" among its forms (single linkage inside the cluster), so
 * no alias joins an entity it does not resemble. Components of one form
 * become noise (-1). X: n_forms x dim unit vectors. Renumbers labels. */
void vcd_split_dissimilar(const float *X, size_t dim, const vcd_forms *forms, double min_similarity,
                          int32_t *labels);
/* Acronym evidence: a cluster (or noise form) whose every form is an
 * acronym of a form in exactly one other cluster joins that cluster
 * ("AVP" -> "Apple Vision Pro"). Returns the number of merges. */
size_t vcd_merge_acronyms(const vcd_forms *forms, int32_t *labels);
/* Cosine of each form to the closest other form of its cluster (1 for a
 * lone form): the membership score written with every mention. */
void vcd_membership(const float *X, size_t dim, const vcd_forms *forms, const int32_t *labels,
                    double *membership);

/* Alias evidence used by match and recall augmentation. */
double vcd_trigram_dice(const char *a, size_t an, const char *b, size_t bn);

#endif
