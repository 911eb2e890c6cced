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
void vcd_forms_free(vcd_forms *f);

typedef struct {
    int32_t id;
    char *name;
    uint8_t type;
    size_t size; /* mentions */
    int64_t first_seen, last_seen; /* VCD_NO_DATE when no mention is dated */
    size_t *aliases; /* form indices, most frequent first */
    size_t n_aliases;
    char *examples[3]; /* doc ids */
    size_t n_examples;
    double mean_probability;
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

/* Alias evidence used by match and recall augmentation. */
int vcd_is_acronym_of(const char *acronym_surface, size_t an, const char *key, size_t kn);
double vcd_trigram_dice(const char *a, size_t an, const char *b, size_t bn);

#endif
