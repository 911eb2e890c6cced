/* The default tagger's folder: config.json, model.safetensors and
 * gazetteer.tsv. Loading checks every number and every tensor shape against
 * the configuration, so a damaged folder is a one-line error. */
#include "ner_internal.h"
#include "vcd/fileio.h"
#include "vcd/safetensors.h"
#include "vcd/json_fields.h"

#include <cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NER_SCHEMA "vcdiscover.ner-model/1"
/* A model with the KB's flags says NER_FEATURES and records the KB's digest
 * and sources; one without them is exactly a model of the earlier feature
 * set and says so, so older folders keep loading. */
#define NER_FEATURES "glove+shape+rank+gazetteer+kb-sources+char-ngrams-2-4/2"
#define NER_FEATURES_NO_KB "glove+shape+rank+gazetteer+char-ngrams-2-4/1"
/* NER_FEATURES plus the capitalisation prior (ner_case.c): "case_prior"
 * gives the table's rows, the tensor "case_prior" holds it. */
#define NER_FEATURES_CASE "glove+shape+rank+gazetteer+kb-sources+case-prior+char-ngrams-2-4/3"

void ner_config_free(ner_config *c)
{
    for (size_t i = 0; i < c->n_labels; i++)
        free(c->labels[i]);
    for (size_t i = 0; i < c->n_types; i++)
        free(c->types[i]);
    free(c->labels);
    free(c->types);
    free(c->label_bio);
    free(c->label_type);
    memset(c, 0, sizeof *c);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void ner_config_set_types(ner_config *c, char **types, size_t n_types)
{
    qsort(types, n_types, sizeof *types, cmp_str);
    c->n_types = n_types;
    c->types = types;
    c->n_labels = 1 + 2 * n_types;
    c->labels = vcd_xmalloc(c->n_labels * sizeof *c->labels);
    c->label_bio = vcd_xmalloc(c->n_labels * sizeof *c->label_bio);
    c->label_type = vcd_xmalloc(c->n_labels * sizeof *c->label_type);
    c->labels[0] = vcd_xstrdup("O");
    c->label_bio[0] = 0;
    c->label_type[0] = -1;
    for (size_t t = 0; t < n_types; t++)
        for (int k = 0; k < 2; k++) {
            size_t l = 1 + 2 * t + (size_t)k;
            size_t n = strlen(types[t]) + 3;
            c->labels[l] = vcd_xmalloc(n);
            snprintf(c->labels[l], n, "%c-%s", k ? 'I' : 'B', types[t]);
            c->label_bio[l] = 1 + k;
            c->label_type[l] = (int32_t)t;
        }
    c->n_dense = c->vec_dim + NER_FLAGS + 2 * n_types + 2 * c->kb_sources + 2 * !!c->case_buckets;
    c->in_dim = c->n_dense + c->char_dim;
}

size_t ner_top_width(const ner_config *c)
{
    return c->lstm ? 2 * c->lstm : c->hidden;
}

size_t ner_param_count(const ner_config *c)
{
    size_t L = c->n_labels, H = c->hidden, Hl = c->lstm, T = ner_top_width(c);
    size_t second = Hl ? 2 * (4 * Hl * H + 4 * Hl * Hl + 4 * Hl) : H * 3 * H + H;
    return c->char_buckets * c->char_dim + H * 3 * c->in_dim + H + second + L * T + L + L * L +
           2 * L;
}

void ner_params_bind(ner_params *p, float *store, const ner_config *c)
{
    size_t L = c->n_labels, H = c->hidden;
    float *at = store;
    p->char_emb = at, at += c->char_buckets * c->char_dim;
    p->w1 = at, at += H * 3 * c->in_dim;
    p->b1 = at, at += H;
    size_t Hl = c->lstm;
    if (Hl) {
        for (int d = 0; d < 2; d++) {
            p->lstm_w_ih[d] = at, at += 4 * Hl * H;
            p->lstm_w_hh[d] = at, at += 4 * Hl * Hl;
            p->lstm_b[d] = at, at += 4 * Hl;
        }
    } else {
        p->w2 = at, at += H * 3 * H;
        p->b2 = at, at += H;
    }
    p->w3 = at, at += L * ner_top_width(c);
    p->b3 = at, at += L;
    p->trans = at, at += L * L;
    p->start = at, at += L;
    p->end = at;
}

/* The tensors of member k, in file order; an ensemble prefixes each name
 * with "m<k>." (names are written into `names`, 24 x 48 bytes). */
static size_t param_tensors(const vcd_ner_model *m, size_t k, vcd_tensor_f32 *t, char (*names)[48])
{
    const ner_config *c = &m->cfg;
    size_t L = c->n_labels, H = c->hidden, Hl = c->lstm, n = 0;
    const ner_params *p = &m->member[k];
    t[n++] = (vcd_tensor_f32){"char_emb", p->char_emb, c->char_buckets, c->char_dim};
    t[n++] = (vcd_tensor_f32){"conv1.weight", p->w1, H, 3 * c->in_dim};
    t[n++] = (vcd_tensor_f32){"conv1.bias", p->b1, H, 0};
    if (Hl) {
        static const char *lstm_names[2][3] = {
            {"lstm.forward.weight_ih", "lstm.forward.weight_hh", "lstm.forward.bias"},
            {"lstm.backward.weight_ih", "lstm.backward.weight_hh", "lstm.backward.bias"}};
        for (int d = 0; d < 2; d++) {
            t[n++] = (vcd_tensor_f32){lstm_names[d][0], p->lstm_w_ih[d], 4 * Hl, H};
            t[n++] = (vcd_tensor_f32){lstm_names[d][1], p->lstm_w_hh[d], 4 * Hl, Hl};
            t[n++] = (vcd_tensor_f32){lstm_names[d][2], p->lstm_b[d], 4 * Hl, 0};
        }
    } else {
        t[n++] = (vcd_tensor_f32){"conv2.weight", p->w2, H, 3 * H};
        t[n++] = (vcd_tensor_f32){"conv2.bias", p->b2, H, 0};
    }
    t[n++] = (vcd_tensor_f32){"out.weight", p->w3, L, ner_top_width(c)};
    t[n++] = (vcd_tensor_f32){"out.bias", p->b3, L, 0};
    t[n++] = (vcd_tensor_f32){"crf.transitions", p->trans, L, L};
    t[n++] = (vcd_tensor_f32){"crf.start", p->start, L, 0};
    t[n++] = (vcd_tensor_f32){"crf.end", p->end, L, 0};
    if (m->n_members > 1)
        for (size_t i = 0; i < n; i++) {
            snprintf(names[i], 48, "m%zu.%s", k, t[i].name);
            t[i].name = names[i];
        }
    return n;
}

/* Decoding uses the members' mean CRF and never produces I-x after
 * anything but B-x or I-x. */
void ner_model_update_decoding(vcd_ner_model *m)
{
    const ner_config *c = &m->cfg;
    size_t L = c->n_labels, K = m->n_members;
    for (size_t i = 0; i < L * L + 2 * L; i++) {
        double sum = 0; /* trans, start and end are contiguous in a member */
        for (size_t k = 0; k < K; k++)
            sum += m->member[k].trans[i];
        m->decode_trans[i] = (float)(sum / (double)K);
    }
    for (size_t i = 0; i < L; i++)
        for (size_t j = 0; j < L; j++)
            if (c->label_bio[j] == 2 && c->label_type[i] != c->label_type[j])
                m->decode_trans[i * L + j] = -1e4f;
    for (size_t j = 0; j < L; j++)
        if (c->label_bio[j] == 2) m->decode_start[j] = -1e4f;
}

/* ---- config.json ---- */

static cJSON *config_json(const ner_config *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "schema", NER_SCHEMA);
    cJSON_AddStringToObject(o, "architecture", c->lstm ? "cnn-bilstm-crf" : "cnn-crf");
    cJSON_AddStringToObject(o, "features",
                            c->case_buckets ? NER_FEATURES_CASE
                            : c->kb_sources ? NER_FEATURES
                                            : NER_FEATURES_NO_KB);
    if (c->case_buckets) {
        cJSON *cp = cJSON_AddObjectToObject(o, "case_prior");
        cJSON_AddNumberToObject(cp, "buckets", (double)c->case_buckets);
        cJSON_AddNumberToObject(cp, "min_count", NER_CASE_MIN_COUNT);
    }
    cJSON *labels = cJSON_AddArrayToObject(o, "labels");
    for (size_t i = 0; i < c->n_labels; i++)
        cJSON_AddItemToArray(labels, cJSON_CreateString(c->labels[i]));
    cJSON_AddNumberToObject(o, "char_buckets", (double)c->char_buckets);
    cJSON_AddNumberToObject(o, "char_dim", (double)c->char_dim);
    cJSON_AddNumberToObject(o, "hidden", (double)c->hidden);
    if (c->lstm) cJSON_AddNumberToObject(o, "lstm", (double)c->lstm);
    cJSON_AddNumberToObject(o, "members", (double)c->members);
    cJSON_AddNumberToObject(o, "o_penalty", (double)c->o_penalty);
    if (c->min_span_conf > 0)
        cJSON_AddNumberToObject(o, "min_span_confidence", (double)c->min_span_conf);
    cJSON *v = cJSON_AddObjectToObject(o, "vectors");
    cJSON_AddNumberToObject(v, "dim", (double)c->vec_dim);
    char hex[17];
    snprintf(hex, sizeof hex, "%016" PRIx64, c->vectors_digest);
    cJSON_AddStringToObject(v, "digest", hex);
    if (c->kb_sources) {
        cJSON *kb = cJSON_AddObjectToObject(o, "kb");
        snprintf(hex, sizeof hex, "%016" PRIx64, c->kb_digest);
        cJSON_AddStringToObject(kb, "digest", hex);
        cJSON *src = cJSON_AddArrayToObject(kb, "sources");
        for (size_t i = 0; i < NER_KB_SOURCES; i++)
            cJSON_AddItemToArray(src, cJSON_CreateString(ner_kb_source_names[i]));
    }
    return o;
}

/* A 16-hex-digit "digest" member of o. */
static int parse_digest(const cJSON *o, uint64_t *out)
{
    const char *digest = vcd_json_string(o, "digest");
    char *end = NULL;
    if (!digest || strlen(digest) != 16) return 0;
    *out = strtoull(digest, &end, 16);
    return *end == 0;
}

/* "kb": the digest of the KB the flags came from and the sources, which
 * must be this build's, in order. */
static vcd_status parse_kb(const char *name, const cJSON *kb, ner_config *c)
{
    const cJSON *src = cJSON_GetObjectItemCaseSensitive(kb, "sources");
    int ok = cJSON_IsObject(kb) && parse_digest(kb, &c->kb_digest) && cJSON_IsArray(src) &&
             cJSON_GetArraySize(src) == NER_KB_SOURCES;
    for (int i = 0; ok && i < NER_KB_SOURCES; i++) {
        const cJSON *s = cJSON_GetArrayItem(src, i);
        ok = cJSON_IsString(s) && strcmp(s->valuestring, ner_kb_source_names[i]) == 0;
    }
    if (!ok)
        return vcd_fail(VCD_EINPUT,
                        "%s: features %s need \"kb\": {\"digest\": 16 hex digits, \"sources\": "
                        "[\"%s\", ...] as this build names them}",
                        name, NER_FEATURES, ner_kb_source_names[0]);
    c->kb_sources = NER_KB_SOURCES;
    return VCD_OK;
}

/* Types from a label list that must read "O", B-t1, I-t1, B-t2, ... with
 * the types sorted, as ner_config_set_types writes it. */
static vcd_status parse_labels(const char *name, const cJSON *arr, ner_config *c)
{
    size_t n = (size_t)cJSON_GetArraySize(arr);
    if (!cJSON_IsArray(arr) || n < 3 || n > 63 || n % 2 == 0)
        return vcd_fail(VCD_EINPUT, "%s: \"labels\" must list O and B-/I- pairs (3..63)", name);
    char **types = vcd_xcalloc(n / 2, sizeof *types);
    for (size_t t = 0; t < n / 2; t++) {
        const cJSON *b = cJSON_GetArrayItem(arr, (int)(1 + 2 * t));
        if (cJSON_IsString(b) && strncmp(b->valuestring, "B-", 2) == 0 && b->valuestring[2])
            types[t] = vcd_xstrdup(b->valuestring + 2);
        else
            types[t] = vcd_xstrdup("");
    }
    ner_config_set_types(c, types, n / 2);
    for (size_t t = 0; t < c->n_types; t++)
        if (!c->types[t][0] || (t && strcmp(c->types[t], c->types[t - 1]) == 0))
            return vcd_fail(VCD_EINPUT, "%s: \"labels\": empty or repeated type", name);
    for (size_t i = 0; i < n; i++) {
        const cJSON *l = cJSON_GetArrayItem(arr, (int)i);
        if (!cJSON_IsString(l) || strcmp(l->valuestring, c->labels[i]) != 0)
            return vcd_fail(VCD_EINPUT,
                            "%s: \"labels\" must be O, then B-type, I-type per type in sorted "
                            "order (label %zu)",
                            name, i);
    }
    return VCD_OK;
}

vcd_status ner_config_parse(const char *name, const char *text, size_t len, ner_config *out)
{
    memset(out, 0, sizeof *out);
    cJSON *o = cJSON_ParseWithLength(text, len);
    vcd_status rc = VCD_OK;
    if (!cJSON_IsObject(o)) {
        rc = vcd_fail(VCD_EINPUT, "%s: not a JSON object", name);
        goto done;
    }
    const char *schema = vcd_json_string(o, "schema"), *arch = vcd_json_string(o, "architecture");
    const char *feat = vcd_json_string(o, "features");
    int bilstm = arch && strcmp(arch, "cnn-bilstm-crf") == 0;
    int with_case = feat && strcmp(feat, NER_FEATURES_CASE) == 0;
    int with_kb = with_case || (feat && strcmp(feat, NER_FEATURES) == 0);
    if (!schema || strcmp(schema, NER_SCHEMA) || !arch || (!bilstm && strcmp(arch, "cnn-crf")) ||
        !feat || (!with_kb && strcmp(feat, NER_FEATURES_NO_KB))) {
        rc = vcd_fail(VCD_EINPUT,
                      "%s: not a %s cnn-crf or cnn-bilstm-crf model with features %s, %s or %s",
                      name, NER_SCHEMA, NER_FEATURES_CASE, NER_FEATURES, NER_FEATURES_NO_KB);
        goto done;
    }
    if (with_kb && (rc = parse_kb(name, cJSON_GetObjectItemCaseSensitive(o, "kb"), out))) goto done;
    if (with_case && (rc = vcd_json_size(name, cJSON_GetObjectItemCaseSensitive(o, "case_prior"),
                                         "buckets", 1, (size_t)1 << 22, &out->case_buckets)))
        goto done;
    if (bilstm && (rc = vcd_json_size(name, o, "lstm", 1, 1024, &out->lstm))) goto done;
    out->members = 1;
    if (cJSON_GetObjectItemCaseSensitive(o, "members") &&
        (rc = vcd_json_size(name, o, "members", 1, 16, &out->members)))
        goto done;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "vectors");
    if (!parse_digest(v, &out->vectors_digest)) {
        rc = vcd_fail(VCD_EINPUT, "%s: \"vectors\" needs a 16-hex-digit \"digest\"", name);
        goto done;
    }
    if ((rc = vcd_json_size(name, v, "dim", 1, 4096, &out->vec_dim)) ||
        (rc = vcd_json_size(name, o, "char_buckets", 1, (size_t)1 << 24, &out->char_buckets)) ||
        (rc = vcd_json_size(name, o, "char_dim", 1, 512, &out->char_dim)) ||
        (rc = vcd_json_size(name, o, "hidden", 1, 4096, &out->hidden)))
        goto done;
    const cJSON *pen = cJSON_GetObjectItemCaseSensitive(o, "o_penalty");
    if (pen && (!cJSON_IsNumber(pen) || !(pen->valuedouble >= 0 && pen->valuedouble <= 100))) {
        rc = vcd_fail(VCD_EINPUT, "%s: \"o_penalty\" must be a number in 0..100", name);
        goto done;
    }
    out->o_penalty = pen ? (float)pen->valuedouble : 0.0f;
    const cJSON *floor = cJSON_GetObjectItemCaseSensitive(o, "min_span_confidence");
    if (floor && (!cJSON_IsNumber(floor) || !(floor->valuedouble >= 0 && floor->valuedouble < 1))) {
        rc = vcd_fail(VCD_EINPUT, "%s: \"min_span_confidence\" must be a number in [0, 1)", name);
        goto done;
    }
    out->min_span_conf = floor ? (float)floor->valuedouble : 0.0f;
    rc = parse_labels(name, cJSON_GetObjectItemCaseSensitive(o, "labels"), out);
done:
    cJSON_Delete(o);
    if (rc) ner_config_free(out);
    return rc;
}

/* ---- open / save ---- */

static vcd_status read_text(const char *dir, const char *file, vcd_mapped_file *f, char **path)
{
    *path = vcd_path_join(dir, file);
    return vcd_map_file(*path, f);
}

static vcd_status load_config(vcd_ner_model *m, const char *dir)
{
    vcd_mapped_file f;
    char *path;
    vcd_status rc = read_text(dir, "config.json", &f, &path);
    if (!rc) {
        rc = ner_config_parse(path, (const char *)f.data, f.len, &m->cfg);
        vcd_unmap_file(&f);
    }
    if (!rc && m->cfg.vec_dim != vcd_vectors_dim(m->vec))
        rc = vcd_fail(VCD_EINPUT, "%s: model expects %zu-d vectors, the store has %zu", path,
                      m->cfg.vec_dim, vcd_vectors_dim(m->vec));
    if (!rc && m->cfg.vectors_digest != vcd_vectors_digest(m->vec))
        rc =
            vcd_fail(VCD_EINPUT, "%s: trained with a different vector file (digest differs)", path);
    free(path);
    return rc;
}

/* The capitalisation prior's table: [case_buckets, 2], every value in range. */
static vcd_status load_case_prior(vcd_ner_model *m, const vcd_safetensors *st, const char *path)
{
    const vcd_tensor *t = vcd_safetensors_find(st, "case_prior");
    size_t B = m->cfg.case_buckets;
    if (!t || t->ndim != 2 || t->shape[0] != B || t->shape[1] != 2 ||
        (t->dtype != VCD_DT_F32 && t->dtype != VCD_DT_F16))
        return vcd_fail(VCD_EINPUT, "%s: tensor case_prior missing or not F32/F16 [%zu, 2]", path,
                        B);
    m->case_table = vcd_tensor_to_f32(t);
    if (!ner_case_table_valid(m->case_table, B))
        return vcd_fail(VCD_EINPUT,
                        "%s: tensor case_prior: a share outside [-0.5, 0.5] or a confidence "
                        "outside [0, 1]",
                        path);
    return VCD_OK;
}

static vcd_status load_weights(vcd_ner_model *m, const char *dir)
{
    char *path = vcd_path_join(dir, "model.safetensors");
    vcd_safetensors *st = NULL;
    vcd_status rc = vcd_safetensors_open(path, &st);
    vcd_tensor_f32 want[24];
    char names[24][48];
    size_t per_member = rc ? 0 : param_tensors(m, 0, want, names);
    size_t extra = m->cfg.case_buckets ? 1 : 0;
    if (!rc && vcd_safetensors_count(st) != per_member * m->n_members + extra)
        rc = vcd_fail(VCD_EINPUT, "%s: expected %zu tensors, found %zu", path,
                      per_member * m->n_members + extra, vcd_safetensors_count(st));
    for (size_t k = 0; !rc && k < m->n_members; k++) {
        size_t n = param_tensors(m, k, want, names);
        for (size_t i = 0; !rc && i < n; i++) {
            const vcd_tensor *t = vcd_safetensors_find(st, want[i].name);
            size_t cols = want[i].cols;
            if (!t || t->ndim != (cols ? 2u : 1u) || t->shape[0] != want[i].rows ||
                (cols && t->shape[1] != cols) ||
                (t->dtype != VCD_DT_F32 && t->dtype != VCD_DT_F16)) {
                rc = vcd_fail(VCD_EINPUT, "%s: tensor %s missing or not F32/F16 [%zu%s%zu]", path,
                              want[i].name, want[i].rows, cols ? ", " : "", cols);
                break;
            }
            float *v = vcd_tensor_to_f32(t);
            memcpy((float *)want[i].data, v, t->count * sizeof *v);
            free(v);
        }
    }
    if (!rc && extra) rc = load_case_prior(m, st, path);
    vcd_safetensors_close(st);
    free(path);
    return rc;
}

static vcd_status load_gazetteer(vcd_ner_model *m, const char *dir)
{
    vcd_mapped_file f;
    char *path;
    vcd_status rc = read_text(dir, "gazetteer.tsv", &f, &path);
    if (!rc) {
        rc = ner_gazetteer_parse(path, f.data, f.len, &m->cfg, &m->gaz);
        vcd_unmap_file(&f);
    }
    free(path);
    return rc;
}

int vcd_ner_model_is_folder(const char *dir)
{
    vcd_mapped_file f;
    char *path;
    if (read_text(dir, "config.json", &f, &path)) {
        free(path);
        return 0;
    }
    cJSON *o = cJSON_ParseWithLength((const char *)f.data, f.len);
    const char *schema = vcd_json_string(o, "schema");
    int yes = schema && strcmp(schema, NER_SCHEMA) == 0;
    cJSON_Delete(o);
    vcd_unmap_file(&f);
    free(path);
    return yes;
}

vcd_ner_model *ner_model_alloc(const vcd_vectors *vec)
{
    vcd_ner_model *m = vcd_xcalloc(1, sizeof *m);
    m->vec = vec;
    return m;
}

void ner_model_alloc_params(vcd_ner_model *m, size_t members)
{
    size_t L = m->cfg.n_labels;
    m->n_params = ner_param_count(&m->cfg);
    m->n_members = members;
    m->store = vcd_xcalloc(members * m->n_params, sizeof *m->store);
    m->member = vcd_xcalloc(members, sizeof *m->member);
    for (size_t k = 0; k < members; k++)
        ner_params_bind(&m->member[k], m->store + k * m->n_params, &m->cfg);
    m->decode_trans = vcd_xcalloc(L * L + 2 * L, sizeof *m->decode_trans);
    m->decode_start = m->decode_trans + L * L;
    m->decode_end = m->decode_start + L;
}

/* The KB index the flags need: from `kb`, or the shipped default KB. A KB
 * other than the one the model was trained with is refused rather than
 * used: its names would light flags the weights were never fitted to. */
static vcd_status load_kb(vcd_ner_model *m, const char *dir, const vcd_kb *kb)
{
    if (!m->cfg.kb_sources) return VCD_OK;
    vcd_kb *own = NULL;
    if (!kb) {
        vcd_status rc = vcd_kb_open(vcd_kb_default_path(), &own);
        if (rc)
            return vcd_fail(rc, "%s: the model's knowledge-base features need %s: %s", dir,
                            vcd_kb_default_path(), vcd_last_error());
        kb = own;
    }
    vcd_status rc = VCD_OK;
    if (vcd_kb_digest(kb) != m->cfg.kb_digest)
        rc = vcd_fail(VCD_EINPUT,
                      "%s: trained with knowledge base %016" PRIx64 ", the KB here is %016" PRIx64
                      " (retrain the tagger, or restore the KB it was trained with)",
                      dir, m->cfg.kb_digest, vcd_kb_digest(kb));
    else
        ner_kb_index_build(kb, &m->kb);
    vcd_kb_close(own);
    return rc;
}

vcd_status ner_model_open_kb(const char *dir, const vcd_vectors *vectors, const vcd_kb *kb,
                             vcd_ner_model **out)
{
    *out = NULL;
    vcd_ner_model *m = ner_model_alloc(vectors);
    vcd_status rc = load_config(m, dir);
    if (!rc) rc = load_kb(m, dir, kb);
    if (!rc) {
        ner_model_alloc_params(m, m->cfg.members);
        rc = load_weights(m, dir);
    }
    if (!rc) rc = load_gazetteer(m, dir);
    if (rc) {
        vcd_ner_model_free(m);
        return rc;
    }
    ner_model_update_decoding(m);
    *out = m;
    return VCD_OK;
}

vcd_status vcd_ner_model_open(const char *dir, const vcd_vectors *vectors, vcd_ner_model **out)
{
    return ner_model_open_kb(dir, vectors, NULL, out);
}

void vcd_ner_model_free(vcd_ner_model *m)
{
    if (!m) return;
    ner_config_free(&m->cfg);
    ner_gazetteer_free(&m->gaz);
    ner_kb_index_free(&m->kb);
    free(m->case_table);
    free(m->store);
    free(m->member);
    free(m->decode_trans);
    free(m);
}

size_t vcd_ner_model_label_count(const vcd_ner_model *m)
{
    return m->cfg.n_labels;
}

const char *vcd_ner_model_label(const vcd_ner_model *m, size_t i)
{
    return i < m->cfg.n_labels ? m->cfg.labels[i] : NULL;
}

vcd_status ner_model_save(const vcd_ner_model *m, const char *dir, int f16)
{
    vcd_status rc = vcd_ensure_dir(dir);
    if (rc) return rc;
    vcd_tensor_f32 *t = vcd_xmalloc((24 * m->n_members + 1) * sizeof *t);
    char(*names)[48] = vcd_xmalloc(24 * m->n_members * sizeof *names);
    size_t n = 0;
    for (size_t k = 0; k < m->n_members; k++)
        n += param_tensors(m, k, t + n, names + n);
    if (m->cfg.case_buckets)
        t[n++] = (vcd_tensor_f32){"case_prior", m->case_table, m->cfg.case_buckets, 2};
    char *path = vcd_path_join(dir, "model.safetensors");
    rc = vcd_safetensors_write_f32(path, t, n, f16);
    free(t);
    free(names);
    free(path);
    if (!rc) {
        vcd_buf b = {0};
        ner_gazetteer_text(&m->gaz, &m->cfg, &b);
        path = vcd_path_join(dir, "gazetteer.tsv");
        rc = vcd_write_file_atomic(path, b.data, b.len);
        free(path);
        vcd_buf_free(&b);
    }
    if (!rc) {
        cJSON *o = config_json(&m->cfg);
        char *text = cJSON_Print(o);
        cJSON_Delete(o);
        path = vcd_path_join(dir, "config.json");
        rc = vcd_write_file_atomic(path, text, strlen(text));
        free(path);
        cJSON_free(text);
    }
    return rc;
}
