/* Reading a state directory back for `match`: the manifest decides which
 * encoder and vector file to rebuild, every file is checked against the
 * manifest's record of it, the FAISS index is rebuilt from the stored form
 * vectors (a FAISS file from a state directory is never read: FAISS's
 * reader trusts its input), and every cross-reference (form -> entity,
 * alias -> form, index size) is checked before use. */
#include "vcd/fileio.h"
#include "vcd/state.h"
#include "vcd/strmap.h"
#include "vcd/vectors.h"
#include "state_files.h"
#include "state_internal.h"

#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

cJSON *state_read_json(const char *dir, const char *name, vcd_status *rc)
{
    char *path = vcd_path_join(dir, name);
    vcd_mapped_file f;
    *rc = vcd_map_file(path, &f);
    cJSON *j = NULL;
    if (*rc == VCD_OK) {
        j = cJSON_ParseWithLength((const char *)f.data, f.len);
        if (!j) *rc = vcd_fail(VCD_EINPUT, "%s: not valid JSON", path);
        vcd_unmap_file(&f);
    } else if (strcmp(name, "manifest.json") == 0) {
        *rc =
            vcd_fail(VCD_EINPUT, "%s: missing (not a state directory, or an unfinished run)", path);
    }
    free(path);
    return j;
}

double state_num(const cJSON *o, const char *key, double fallback)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) && isfinite(v->valuedouble) ? v->valuedouble : fallback;
}

const char *state_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static vcd_status read_forms(vcd_state *s, const cJSON *man, const char *dir)
{
    char *path = vcd_path_join(dir, "forms.jsonl");
    vcd_mapped_file f;
    vcd_status rc = state_file_map(man, dir, "forms.jsonl", &f);
    size_t cap = 0, line = 0, pos = 0, n;
    const char *p;
    while (rc == VCD_OK && vcd_next_line(f.data, f.len, &pos, &p, &n)) {
        line++;
        cJSON *o = cJSON_ParseWithLength(p, n);
        const char *key = o ? state_str(o, "key") : NULL,
                   *surface = o ? state_str(o, "surface") : NULL;
        double count = o ? state_num(o, "count", -1) : -1,
               eid = o ? state_num(o, "entity_id", -2) : -2;
        if (!key || !surface || count < 1 || eid < -1 || eid > 1e9) {
            rc = vcd_fail(VCD_EINPUT, "%s:%zu: %s", path, line,
                          !o                 ? "not a JSON object"
                          : !key || !surface ? "form without a string \"key\" or \"surface\""
                          : count < 1        ? "\"count\" is not a positive number"
                                             : "\"entity_id\" is out of range");
        } else {
            if (s->n_forms == cap) {
                cap = cap ? cap * 2 : 256;
                s->forms = vcd_xrealloc(s->forms, cap * sizeof *s->forms);
            }
            vcd_form *fm = &s->forms[s->n_forms++];
            fm->key = vcd_xstrdup(key);
            fm->surface = vcd_xstrdup(surface);
            fm->count = (uint32_t)count;
            fm->entity_id = (int32_t)eid;
            int t = state_str(o, "type") ? vcd_type_parse(state_str(o, "type")) : 0;
            fm->type = (uint8_t)(t < 0 ? 0 : t);
        }
        cJSON_Delete(o);
    }
    if (f.data) vcd_unmap_file(&f);
    free(path);
    return rc;
}

static vcd_status open_encoder(vcd_state *s, const cJSON *man, const char *vectors_override)
{
    const cJSON *enc = cJSON_GetObjectItemCaseSensitive(man, "encoder");
    const cJSON *vec = cJSON_GetObjectItemCaseSensitive(man, "vectors");
    vcd_encoder_options o;
    vcd_encoder_options_default(&o);
    o.w_word = (float)state_num(enc, "w_word", o.w_word);
    o.w_char = (float)state_num(enc, "w_char", o.w_char);
    o.w_ctx = (float)state_num(enc, "w_ctx", o.w_ctx);
    o.char_dim = (size_t)state_num(enc, "char_dim", (double)o.char_dim);
    o.ctx_window = (size_t)state_num(enc, "ctx_window", (double)o.ctx_window);
    const char *vpath = vectors_override ? vectors_override : state_str(vec, "path");
    const char *digest = state_str(vec, "digest");
    vcd_status rc;
    if (vpath && digest) {
        if ((rc = vcd_vectors_open(vpath, &s->vectors))) return rc;
        char hex[24];
        snprintf(hex, sizeof hex, "%016llx", (unsigned long long)vcd_vectors_digest(s->vectors));
        if (strcmp(hex, digest) != 0)
            return vcd_fail(VCD_EINPUT, "%s: not the vector file this state was built with", vpath);
    }
    const char *kind = state_str(enc, "kind");
    if (kind && strcmp(kind, "bert") == 0) {
        const char *model = state_str(enc, "model");
        if (!model) return vcd_fail(VCD_EINPUT, "manifest.json: bert encoder without a model");
        rc = vcd_encoder_bert_new(model, &s->encoder);
    } else if (kind && strcmp(kind, "identity") == 0) {
        const char *model = state_str(enc, "model");
        if (!model) return vcd_fail(VCD_EINPUT, "manifest.json: identity encoder without a model");
        rc = vcd_encoder_identity_new(model, s->vectors, &s->encoder);
    } else {
        rc = vcd_encoder_pooled_new(s->vectors, &o, &s->encoder);
    }
    if (rc) return rc;
    if ((double)vcd_encoder_dim(s->encoder) != state_num(enc, "dim", -1))
        return vcd_fail(VCD_EINPUT, "encoder dimension differs from the manifest");
    return VCD_OK;
}

static int index_kind_parse(const char *name, vcd_index_kind *out)
{
    static const struct {
        const char *name;
        vcd_index_kind kind;
    } kinds[] = {{"flat", VCD_INDEX_FLAT}, {"ivf", VCD_INDEX_IVF}, {"hnsw", VCD_INDEX_HNSW}};
    for (size_t i = 0; name && i < sizeof kinds / sizeof *kinds; i++)
        if (strcmp(name, kinds[i].name) == 0) {
            *out = kinds[i].kind;
            return 1;
        }
    return 0;
}

/* The index `cluster` built, rebuilt from the validated form vectors with
 * the kind and seed the manifest records (so IVF lists come out the same). */
static vcd_status rebuild_index(vcd_state *s, const cJSON *man, const char *dir)
{
    const cJSON *ix = cJSON_GetObjectItemCaseSensitive(man, "index");
    const cJSON *cl = cJSON_GetObjectItemCaseSensitive(man, "clustering");
    vcd_index_kind kind;
    if (!index_kind_parse(state_str(ix, "kind"), &kind))
        return vcd_fail(VCD_EINPUT, "%s/manifest.json: unknown index kind", dir);
    double seed = state_num(cl, "seed", 42);
    if (seed < 0 || seed > 9007199254740992.0 || seed != floor(seed))
        return vcd_fail(VCD_EINPUT, "%s/manifest.json: bad clustering seed", dir);
    size_t dim = vcd_encoder_dim(s->encoder);
    vcd_mapped_file f;
    vcd_status rc = state_file_map(man, dir, STATE_FORM_VECTORS, &f);
    if (rc) return rc;
    char *path = vcd_path_join(dir, STATE_FORM_VECTORS);
    const float *rows = NULL;
    rc = state_check_form_vectors(path, &f, s->n_forms, dim, &rows);
    free(path);
    if (!rc) rc = vcd_index_build(rows, s->n_forms, dim, kind, 0, (uint64_t)seed, &s->index);
    if (!rc) {
        s->form_vectors = vcd_xmalloc((s->n_forms * dim + 1) * sizeof *s->form_vectors);
        memcpy(s->form_vectors, rows, s->n_forms * dim * sizeof *s->form_vectors);
    }
    vcd_unmap_file(&f);
    return rc;
}

/* The same KB (by digest) and pair model `cluster` linked with. */
static vcd_status open_linking(vcd_state *s, const cJSON *man, const char *dir)
{
    const cJSON *cl = cJSON_GetObjectItemCaseSensitive(man, "clustering");
    const char *link = state_str(cl, "link");
    s->identity = link && strcmp(link, "identity") == 0;
    if (!s->identity) return VCD_OK;
    const char *linker = state_str(cl, "linker");
    const cJSON *kb = cJSON_GetObjectItemCaseSensitive(cl, "kb");
    const char *spec = state_str(kb, "spec"), *digest = state_str(kb, "digest");
    if (!linker || !spec)
        return vcd_fail(VCD_EINPUT, "%s/manifest.json: identity linking without linker or kb", dir);
    vcd_status rc = vcd_linker_model_load(linker, &s->linker);
    if (rc || strcmp(spec, "none") == 0) return rc;
    rc = vcd_kb_open(vcd_kb_default_path(), &s->kb);
    if (!rc && strcmp(spec, "default") != 0) rc = vcd_kb_add(s->kb, spec);
    if (!rc) {
        char hex[24];
        snprintf(hex, sizeof hex, "%016llx", (unsigned long long)vcd_kb_digest(s->kb));
        if (!digest || strcmp(hex, digest) != 0)
            rc = vcd_fail(VCD_EINPUT, "%s: the knowledge base changed since `cluster` (re-run it)",
                          dir);
    }
    return rc;
}

static vcd_status check_references(vcd_state *s, const char *dir)
{
    if (vcd_index_size(s->index) != s->n_forms)
        return vcd_fail(VCD_EINPUT, "%s: index has %zu vectors for %zu forms", dir,
                        vcd_index_size(s->index), s->n_forms);
    for (size_t f = 0; f < s->n_forms; f++)
        if (s->forms[f].entity_id >= (int32_t)s->n_entities)
            return vcd_fail(VCD_EINPUT, "%s/forms.jsonl: form %zu points at entity %d of %zu", dir,
                            f, s->forms[f].entity_id, s->n_entities);
    return VCD_OK;
}

vcd_status vcd_state_open(const char *dir, const char *vectors_override, vcd_state **out)
{
    *out = NULL;
    vcd_status rc;
    cJSON *man = state_read_json(dir, "manifest.json", &rc);
    if (rc) return rc;
    vcd_state *s = vcd_xcalloc(1, sizeof *s);
    s->dir = vcd_xstrndup(dir, strlen(dir));
    const char *schema = state_str(man, "schema");
    if (!schema || strcmp(schema, VCD_STATE_MANIFEST_SCHEMA) != 0)
        rc = vcd_fail(VCD_EINPUT, "%s/manifest.json: schema is not %s (re-run `cluster`)", dir,
                      VCD_STATE_MANIFEST_SCHEMA);
    if (!rc) rc = open_encoder(s, man, vectors_override);
    if (!rc) rc = read_forms(s, man, dir);
    if (!rc) rc = state_read_entities(man, dir, &s->entities, &s->n_entities);
    if (!rc) rc = rebuild_index(s, man, dir);
    if (!rc) rc = check_references(s, dir);
    if (!rc) rc = open_linking(s, man, dir);
    cJSON_Delete(man);
    if (rc) {
        vcd_state_close(s);
        return rc;
    }
    *out = s;
    return VCD_OK;
}

void vcd_state_close(vcd_state *s)
{
    if (!s) return;
    for (size_t f = 0; f < s->n_forms; f++) {
        free(s->forms[f].key);
        free(s->forms[f].surface);
    }
    free(s->forms);
    state_free_entities(s->entities, s->n_entities);
    vcd_index_free(s->index);
    vcd_encoder_free(s->encoder);
    vcd_vectors_close(s->vectors);
    vcd_strmap_free(s->alias_keys);
    free(s->form_vectors);
    vcd_kb_close(s->kb);
    vcd_link_forms_free(s->link_forms);
    vcd_link_occurrences_free(s->occurrences);
    free(s->choice_form_entity);
    free(s->choice_form_mentions);
    free(s->choice_entity_mentions);
    free(s->mentions.items);
    free(s->corpus.docs);
    if (s->records) vcd_records_free(s->records);
    free(s->records);
    free(s->dir);
    free(s);
}

size_t vcd_state_entity_count(const vcd_state *s)
{
    return s->n_entities;
}

size_t vcd_state_dim(const vcd_state *s)
{
    return vcd_encoder_dim(s->encoder);
}

void vcd_state_encode(vcd_state *s, const char *text, float *out)
{
    vcd_encode_query(s->encoder, text, strlen(text), out);
}

long vcd_state_alias_form(vcd_state *s, const char *key, size_t n)
{
    if (!s->alias_keys) {
        s->alias_keys = vcd_strmap_new();
        for (size_t f = 0; f < s->n_forms; f++) {
            if (s->forms[f].entity_id < 0) continue;
            int inserted;
            vcd_strmap_upsert(s->alias_keys, s->forms[f].key, strlen(s->forms[f].key), f,
                              &inserted);
        }
    }
    size_t f = vcd_strmap_get(s->alias_keys, key, n, SIZE_MAX);
    return f == SIZE_MAX ? -1 : (long)f;
}

long vcd_state_word_rank(const vcd_state *s, const char *word, size_t n)
{
    return s->vectors ? vcd_vectors_find(s->vectors, word, n) : -1;
}
