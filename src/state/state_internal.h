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

#endif
