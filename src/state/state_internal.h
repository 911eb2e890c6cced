#ifndef VCD_STATE_INTERNAL_H
#define VCD_STATE_INTERNAL_H

#include "vcd/state.h"
#include "vcd/linker.h"
#include "vcd/vectors.h"

struct vcd_state {
    vcd_form *forms;
    size_t n_forms;
    vcd_record_entity *entities;
    size_t n_entities;
    vcd_index *index;
    vcd_encoder *encoder;
    vcd_vectors *vectors;
    struct vcd_strmap *alias_keys; /* key of every linked form -> form; built on first use */
    float *form_vectors;           /* n_forms x dim, validated */
    int identity;                  /* linked by the identity evidence (else legacy) */
    vcd_kb *kb;                    /* the KB `cluster` linked with; NULL: none */
    vcd_linker_model linker;
    vcd_link_forms *link_forms; /* built on the first match */
    char *dir;
    /* match's view of the comments, read with link_forms (match.c): a
     * query that occurs in them is weighed as a form. Empty for a state
     * written with --no-text. */
    vcd_records *records;
    vcd_corpus corpus; /* docs point into records */
    vcd_mentions mentions;
    vcd_link_occurrences *occurrences;
    /* The choice model's inputs that depend on the state alone (match.c):
     * each form's entity (-1: none) and mentions, each entity's mentions.
     * Built by the first match that weighs choices, reused by every later
     * one (eval match asks hundreds). */
    int32_t *choice_form_entity;
    uint32_t *choice_form_mentions;
    uint64_t *choice_entity_mentions;
};

/* Shared by the readers: a whole JSON file of the state directory (a missing
 * manifest is reported as "not a state directory"), and typed field access
 * with a fallback for absent or non-finite values. */
struct cJSON;
struct cJSON *state_read_json(const char *dir, const char *name, vcd_status *rc);
double state_num(const struct cJSON *o, const char *key, double fallback);
const char *state_str(const struct cJSON *o, const char *key);

/* entities.json, checked against the manifest and read once for both kinds
 * of reader. */
vcd_status state_read_entities(const struct cJSON *manifest, const char *dir,
                               vcd_record_entity **out, size_t *n);
void state_free_entities(vcd_record_entity *entities, size_t n);

/* Mention i of r as a mention of the corpus of r's documents: its code
 * point span as byte offsets into its comment, form -1. Returns 0 when the
 * comment has no text or the span there does not spell the mention's text
 * (a damaged state): `match` skips such a mention, `update` refuses the
 * state. Both read the state's mentions through this one function. */
int state_record_mention(const vcd_records *r, size_t i, vcd_mention *out);

#endif
