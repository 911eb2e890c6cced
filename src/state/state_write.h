#ifndef VCD_STATE_WRITE_H
#define VCD_STATE_WRITE_H

#include "vcd/ingest.h"
#include "vcd/link.h"
#include "vcd/mentions.h"

vcd_status state_write_docs(const char *dir, const vcd_corpus *c, int keep_text);
vcd_status state_write_mentions(const char *dir, const vcd_corpus *c, const vcd_mentions *ms,
                                const double *form_probs, const vcd_entities *entities);
/* One line of mentions.jsonl (without its newline) appended to b: what
 * state_write_mentions writes, for writers that split the file (MPI). */
void state_mention_line(const vcd_corpus *c, const vcd_mention *m, const double *form_probs,
                        const char *kb_id, vcd_buf *b);
/* The KB id of entity `id` (NULL: none, or no such entity). */
const char *state_entity_kb_id(const vcd_entities *e, int32_t id);
vcd_status state_write_forms(const char *dir, const vcd_forms *forms);
vcd_status state_write_entities(const char *dir, const vcd_forms *forms, const vcd_entities *e);
/* Writes `json` (a complete document) to dir/name atomically. */
vcd_status state_write_json(const char *dir, const char *name, const char *json);

#endif
