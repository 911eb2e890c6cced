#include "vcd/json_fields.h"

#include <cJSON.h>

vcd_status vcd_json_size(const char *name, const cJSON *o, const char *key, size_t lo, size_t hi,
                         size_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v) || v->valuedouble < (double)lo || v->valuedouble > (double)hi ||
        v->valuedouble != (double)(size_t)v->valuedouble)
        return vcd_fail(VCD_EINPUT, "%s: \"%s\" must be an integer in %zu..%zu", name, key, lo, hi);
    *out = (size_t)v->valuedouble;
    return VCD_OK;
}

const char *vcd_json_string(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}
