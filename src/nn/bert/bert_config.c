/* config.json: the shape of the network and the label set. */
#include "bert_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A positive integer field within [1, max]; `fallback` 0 means required. */
static vcd_status config_size(const char *name, const cJSON *j, const char *key, size_t fallback,
                              size_t max, size_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    if (!v) {
        if (!fallback) return vcd_fail(VCD_EINPUT, "%s: missing \"%s\"", name, key);
        *out = fallback;
        return VCD_OK;
    }
    double d = cJSON_IsNumber(v) ? v->valuedouble : -1;
    if (!(d >= 1 && d <= (double)max) || d != floor(d))
        return vcd_fail(VCD_EINPUT, "%s: \"%s\" must be an integer in 1..%zu", name, key, max);
    *out = (size_t)d;
    return VCD_OK;
}

static vcd_status config_labels(const char *name, const cJSON *j, vcd_bert_config *c)
{
    const cJSON *map = cJSON_GetObjectItemCaseSensitive(j, "id2label");
    if (!map) return VCD_OK;
    if (!cJSON_IsObject(map))
        return vcd_fail(VCD_EINPUT, "%s: \"id2label\" is not an object", name);
    size_t n = (size_t)cJSON_GetArraySize(map);
    if (n > 4096) return vcd_fail(VCD_EINPUT, "%s: more than 4096 labels", name);
    c->labels = vcd_xcalloc(n ? n : 1, sizeof *c->labels);
    c->num_labels = n;
    const cJSON *e;
    cJSON_ArrayForEach(e, map)
    {
        char *end = NULL;
        long id = strtol(e->string, &end, 10);
        if (!cJSON_IsString(e) || !*e->string || *end || id < 0 || (size_t)id >= n || c->labels[id])
            return vcd_fail(VCD_EINPUT, "%s: \"id2label\" must map 0..%zu to strings once each",
                            name, n ? n - 1 : 0);
        c->labels[id] = vcd_xstrdup(e->valuestring);
    }
    return VCD_OK;
}

static vcd_status config_check_kind(const char *name, const cJSON *j)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(j, "model_type");
    if (type && (!cJSON_IsString(type) || strcmp(type->valuestring, "bert") != 0))
        return vcd_fail(VCD_EINPUT, "%s: model_type must be \"bert\"", name);
    const cJSON *act = cJSON_GetObjectItemCaseSensitive(j, "hidden_act");
    if (act && (!cJSON_IsString(act) || strcmp(act->valuestring, "gelu") != 0))
        return vcd_fail(VCD_EINPUT, "%s: only hidden_act \"gelu\" (exact erf GELU) is supported",
                        name);
    const cJSON *pos = cJSON_GetObjectItemCaseSensitive(j, "position_embedding_type");
    if (pos && (!cJSON_IsString(pos) || strcmp(pos->valuestring, "absolute") != 0))
        return vcd_fail(VCD_EINPUT, "%s: only absolute position embeddings are supported", name);
    return VCD_OK;
}

vcd_status bert_config_fill(const char *name, const cJSON *j, vcd_bert_config *c)
{
    vcd_status rc = config_check_kind(name, j);
    if (!rc) rc = config_size(name, j, "vocab_size", 0, 10000000, &c->vocab_size);
    if (!rc) rc = config_size(name, j, "hidden_size", 0, 16384, &c->hidden);
    if (!rc) rc = config_size(name, j, "num_hidden_layers", 0, 256, &c->layers);
    if (!rc) rc = config_size(name, j, "num_attention_heads", 0, 1024, &c->heads);
    if (!rc) rc = config_size(name, j, "intermediate_size", 0, 65536, &c->intermediate);
    if (!rc) rc = config_size(name, j, "max_position_embeddings", 512, 65536, &c->max_positions);
    if (!rc) rc = config_size(name, j, "type_vocab_size", 2, 1024, &c->type_vocab);
    if (rc) return rc;
    if (c->hidden % c->heads)
        return vcd_fail(VCD_EINPUT, "%s: hidden_size %zu is not a multiple of %zu heads", name,
                        c->hidden, c->heads);
    const cJSON *eps = cJSON_GetObjectItemCaseSensitive(j, "layer_norm_eps");
    c->ln_eps = cJSON_IsNumber(eps) ? (float)eps->valuedouble : 1e-12f;
    if (!(c->ln_eps >= 0 && c->ln_eps < 1))
        return vcd_fail(VCD_EINPUT, "%s: layer_norm_eps must be in [0, 1)", name);
    const cJSON *ir = cJSON_GetObjectItemCaseSensitive(j, "initializer_range");
    c->initializer_range = cJSON_IsNumber(ir) ? ir->valuedouble : 0.02;
    if (!(c->initializer_range > 0 && c->initializer_range < 10))
        return vcd_fail(VCD_EINPUT, "%s: initializer_range must be in (0, 10)", name);
    const cJSON *pad = cJSON_GetObjectItemCaseSensitive(j, "pad_token_id");
    c->pad_token_id =
        cJSON_IsNumber(pad) && pad->valuedouble >= 0 && pad->valuedouble < (double)c->vocab_size
            ? (int32_t)pad->valuedouble
            : -1;
    return config_labels(name, j, c);
}

vcd_status vcd_bert_config_parse(const char *name, const char *json, size_t len,
                                 vcd_bert_config *out)
{
    memset(out, 0, sizeof *out);
    cJSON *j = cJSON_ParseWithLength(json, len);
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return vcd_fail(VCD_EINPUT, "%s: not a JSON object", name);
    }
    vcd_status rc = bert_config_fill(name, j, out);
    cJSON_Delete(j);
    if (rc) vcd_bert_config_free(out);
    return rc;
}

void vcd_bert_config_free(vcd_bert_config *c)
{
    for (size_t i = 0; c->labels && i < c->num_labels; i++)
        free(c->labels[i]);
    free(c->labels);
    c->labels = NULL;
    c->num_labels = 0;
}
