/* Typed fields of a parsed JSON object, for the model and config readers. */
#ifndef VCD_JSON_FIELDS_H
#define VCD_JSON_FIELDS_H

#include "vcd/common.h"

struct cJSON;

/* o[key] as an integer in lo..hi, else "<name>: "key" must be an integer in lo..hi". */
vcd_status vcd_json_size(const char *name, const struct cJSON *o, const char *key, size_t lo,
                         size_t hi, size_t *out);
/* o[key] when it is a string, else NULL. */
const char *vcd_json_string(const struct cJSON *o, const char *key);

#endif
