#ifndef VCD_STATE_WRITE_H
#define VCD_STATE_WRITE_H

#include "vcd/ingest.h"
#include "vcd/link.h"
#include "vcd/mentions.h"

vcd_status state_write_docs(const char *dir, const vcd_corpus *c, int keep_text);
vcd_status state_write_mentions(const char *dir, const vcd_corpus *c, const vcd_mentions *ms,
                                const vcd_forms *forms, const double *form_probs,
                                const vcd_entities *entities);
vcd_status state_write_forms(const char *dir, const vcd_forms *forms);
vcd_status state_write_entities(const char *dir, const vcd_forms *forms, const vcd_entities *e);
/* Writes `json` (a complete document) to dir/name atomically. */
vcd_status state_write_json(const char *dir, const char *name, const char *json);

#endif
