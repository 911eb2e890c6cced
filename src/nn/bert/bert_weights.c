/* Checkpoint folders in and out: the tensor table, loading with shape
 * checks, Hugging Face's initialisation, and saving. */
#include "bert_internal.h"
#include "vcd/fileio.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const layer_suffix[L_COUNT] = {
    "attention.self.query.weight",
    "attention.self.query.bias",
    "attention.self.key.weight",
    "attention.self.key.bias",
    "attention.self.value.weight",
    "attention.self.value.bias",
    "attention.output.dense.weight",
    "attention.output.dense.bias",
    "attention.output.LayerNorm.weight",
    "attention.output.LayerNorm.bias",
    "intermediate.dense.weight",
    "intermediate.dense.bias",
    "output.dense.weight",
    "output.dense.bias",
    "output.LayerNorm.weight",
    "output.LayerNorm.bias",
};

static void set_spec(bert_tensor_spec *s, const char *name, size_t rows, size_t cols, int decay)
{
    snprintf(s->name, sizeof s->name, "%s", name);
    s->rows = rows;
    s->cols = cols;
    s->decay = decay;
}

void bert_build_specs(vcd_bert *m)
{
    const vcd_bert_config *c = &m->cfg;
    size_t H = c->hidden, I = c->intermediate;
    m->n_tensors = T_GLOBAL + c->layers * L_COUNT + (c->num_labels ? 2 : 0);
    m->spec = vcd_xcalloc(m->n_tensors, sizeof *m->spec);
    set_spec(&m->spec[T_WORD], "bert.embeddings.word_embeddings.weight", c->vocab_size, H, 1);
    set_spec(&m->spec[T_POS], "bert.embeddings.position_embeddings.weight", c->max_positions, H, 1);
    set_spec(&m->spec[T_TYPE], "bert.embeddings.token_type_embeddings.weight", c->type_vocab, H, 1);
    set_spec(&m->spec[T_EMB_LN_W], "bert.embeddings.LayerNorm.weight", H, 0, 0);
    set_spec(&m->spec[T_EMB_LN_B], "bert.embeddings.LayerNorm.bias", H, 0, 0);
    for (size_t l = 0; l < c->layers; l++) {
        for (int f = 0; f < L_COUNT; f++) {
            char name[112];
            snprintf(name, sizeof name, "bert.encoder.layer.%zu.%s", l, layer_suffix[f]);
            size_t rows = H, cols = 0;
            int matrix =
                f == L_Q_W || f == L_K_W || f == L_V_W || f == L_AO_W || f == L_I_W || f == L_O_W;
            if (f == L_I_W || f == L_I_B) rows = I;
            if (matrix) cols = f == L_O_W ? I : H;
            set_spec(&m->spec[bert_layer_tensor(l, f)], name, rows, cols, matrix);
        }
    }
    if (c->num_labels) {
        size_t ci = bert_classifier_tensor(m);
        set_spec(&m->spec[ci], "classifier.weight", c->num_labels, H, 1);
        set_spec(&m->spec[ci + 1], "classifier.bias", c->num_labels, 0, 0);
    }
    m->param = vcd_xcalloc(m->n_tensors, sizeof *m->param);
    m->offset = vcd_xcalloc(m->n_tensors, sizeof *m->offset);
    m->total = 0;
    for (size_t i = 0; i < m->n_tensors; i++) {
        m->offset[i] = m->total;
        m->total += bert_spec_count(&m->spec[i]);
    }
}

/* ---- loading ---- */

/* The checkpoint's name for a canonical one: BertModel checkpoints have no
 * "bert." prefix, and TF-converted ones call LayerNorm's weight/bias
 * gamma/beta. */
static const vcd_tensor *find_tensor(const vcd_safetensors *st, const char *canonical,
                                     const char *prefix)
{
    char name[160];
    const char *body = strncmp(canonical, "bert.", 5) == 0 ? canonical + 5 : canonical;
    if (body == canonical) prefix = "";
    snprintf(name, sizeof name, "%s%s", prefix, body);
    const vcd_tensor *t = vcd_safetensors_find(st, name);
    if (t) return t;
    size_t n = strlen(name);
    if (n > 16 && strcmp(name + n - 16, "LayerNorm.weight") == 0)
        snprintf(name + n - 6, sizeof name - (n - 6), "gamma");
    else if (n > 14 && strcmp(name + n - 14, "LayerNorm.bias") == 0)
        snprintf(name + n - 4, sizeof name - (n - 4), "beta");
    else
        return NULL;
    return vcd_safetensors_find(st, name);
}

static int is_known_extra(const char *name)
{
    size_t n = strlen(name);
    return (n >= 12 && strcmp(name + n - 12, "position_ids") == 0) || strstr(name, "pooler.") ||
           strncmp(name, "cls.", 4) == 0;
}

static vcd_status check_shape(const char *file, const vcd_tensor *t, const bert_tensor_spec *s)
{
    if (t->dtype != VCD_DT_F32 && t->dtype != VCD_DT_F16 && t->dtype != VCD_DT_BF16 &&
        t->dtype != VCD_DT_F64)
        return vcd_fail(VCD_EINPUT, "%s: %s: expected a floating-point tensor", file, t->name);
    size_t want_dims = s->cols ? 2 : 1;
    if (t->ndim != want_dims || t->shape[0] != s->rows || (s->cols && t->shape[1] != s->cols))
        return vcd_fail(VCD_EINPUT, "%s: %s: shape does not match config.json (want [%zu%s%zu])",
                        file, t->name, s->rows, s->cols ? ", " : "", s->cols ? s->cols : 0);
    return VCD_OK;
}

/* An aligned F32 tensor is used in place; anything else is widened. */
static int maps_directly(const vcd_tensor *t)
{
    return t->dtype == VCD_DT_F32 && ((uintptr_t)t->data % 4) == 0;
}

/* Points every parameter at its tensor: straight into the map when it is
 * aligned F32, else widened into m->owned. */
static vcd_status bind_tensors(vcd_bert *m, const char *file, const char *prefix, char *used)
{
    size_t widen = 0;
    const vcd_tensor **found = vcd_xcalloc(m->n_tensors, sizeof *found);
    vcd_status rc = VCD_OK;
    for (size_t i = 0; i < m->n_tensors && !rc; i++) {
        found[i] = find_tensor(m->st, m->spec[i].name, prefix);
        if (!found[i]) {
            rc = vcd_fail(VCD_EINPUT, "%s: missing tensor %s", file, m->spec[i].name);
            break;
        }
        rc = check_shape(file, found[i], &m->spec[i]);
        used[found[i] - vcd_safetensors_at(m->st, 0)] = 1;
        if (!maps_directly(found[i])) widen += found[i]->count;
    }
    if (!rc && widen) m->owned = vcd_xmalloc(widen * sizeof(float));
    size_t at = 0;
    for (size_t i = 0; i < m->n_tensors && !rc; i++) {
        const vcd_tensor *t = found[i];
        if (maps_directly(t)) {
            m->param[i] = (float *)(uintptr_t)t->data; /* read-only map: never written */
            continue;
        }
        float *w = vcd_tensor_to_f32(t);
        memcpy(m->owned + at, w, t->count * sizeof(float));
        free(w);
        m->param[i] = m->owned + at;
        at += t->count;
    }
    free(found);
    return rc;
}

static vcd_status check_extras(const vcd_bert *m, const char *file, const char *used)
{
    for (size_t i = 0; i < vcd_safetensors_count(m->st); i++) {
        const vcd_tensor *t = vcd_safetensors_at(m->st, i);
        if (!used[i] && !is_known_extra(t->name))
            return vcd_fail(VCD_EINPUT, "%s: unexpected tensor %s", file, t->name);
    }
    return VCD_OK;
}

/* The classifier decides the architecture: with one it is a token
 * classifier whose label count must agree with id2label. */
static vcd_status settle_labels(vcd_bert *m, const char *file)
{
    const vcd_tensor *cw = vcd_safetensors_find(m->st, "classifier.weight");
    if (!cw) {
        vcd_bert_config_free(&m->cfg);
        return VCD_OK;
    }
    if (cw->ndim != 2) return vcd_fail(VCD_EINPUT, "%s: classifier.weight is not a matrix", file);
    size_t n = cw->shape[0];
    if (n == 0 || n > 4096)
        return vcd_fail(VCD_EINPUT, "%s: classifier.weight has %zu labels", file, n);
    if (m->cfg.num_labels && m->cfg.num_labels != n)
        return vcd_fail(VCD_EINPUT, "%s: classifier has %zu labels, config.json's id2label %zu",
                        file, n, m->cfg.num_labels);
    if (!m->cfg.num_labels) {
        m->cfg.labels = vcd_xcalloc(n, sizeof *m->cfg.labels);
        for (size_t i = 0; i < n; i++) {
            char label[32];
            snprintf(label, sizeof label, "LABEL_%zu", i);
            m->cfg.labels[i] = vcd_xstrdup(label);
        }
        m->cfg.num_labels = n;
    }
    return VCD_OK;
}

static vcd_status read_config(vcd_bert *m, const char *dir)
{
    char *path = vcd_path_join(dir, "config.json");
    vcd_mapped_file f;
    vcd_status rc = vcd_map_file(path, &f);
    if (!rc) {
        m->config_doc = cJSON_ParseWithLength((const char *)f.data, f.len);
        vcd_unmap_file(&f);
        if (!cJSON_IsObject(m->config_doc))
            rc = vcd_fail(VCD_EINPUT, "%s: not a JSON object", path);
        else
            rc = bert_config_fill(path, m->config_doc, &m->cfg);
    }
    free(path);
    return rc;
}

static vcd_status check_tokenizer(const vcd_bert *m, const char *dir)
{
    size_t n = vcd_wordpiece_vocab_size(m->wp);
    if (n > m->cfg.vocab_size)
        return vcd_fail(VCD_EINPUT, "%s/vocab.txt: %zu tokens but vocab_size is %zu", dir, n,
                        m->cfg.vocab_size);
    const vcd_wordpiece_specials *sp = vcd_wordpiece_special_ids(m->wp);
    if (sp->cls < 0 || sp->sep < 0)
        return vcd_fail(VCD_EINPUT, "%s/vocab.txt: no [CLS] or [SEP] token", dir);
    return VCD_OK;
}

vcd_status vcd_bert_open(const char *dir, vcd_bert **out)
{
    *out = NULL;
    vcd_bert *m = vcd_xcalloc(1, sizeof *m);
    vcd_status rc = read_config(m, dir);
    char *path = vcd_path_join(dir, "model.safetensors");
    if (!rc) rc = vcd_safetensors_open(path, &m->st);
    const char *prefix = "";
    if (!rc && vcd_safetensors_find(m->st, "bert.embeddings.word_embeddings.weight"))
        prefix = "bert.";
    if (!rc) rc = settle_labels(m, path);
    char *used = NULL;
    if (!rc) {
        bert_build_specs(m);
        used = vcd_xcalloc(vcd_safetensors_count(m->st) + 1, 1);
        rc = bind_tensors(m, path, prefix, used);
    }
    if (!rc) rc = check_extras(m, path, used);
    free(used);
    free(path);
    if (!rc) rc = vcd_wordpiece_open_dir(dir, &m->wp);
    if (!rc) rc = check_tokenizer(m, dir);
    if (rc) {
        vcd_bert_free(m);
        return rc;
    }
    *out = m;
    return VCD_OK;
}

/* ---- fresh weights ---- */

static double normal01(vcd_rng *r)
{
    double u1 = vcd_rng_uniform(r), u2 = vcd_rng_uniform(r);
    if (u1 < 1e-300) u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

static void init_tensor(vcd_bert *m, size_t i, vcd_rng *rng)
{
    const bert_tensor_spec *s = &m->spec[i];
    float *p = m->param[i];
    size_t n = bert_spec_count(s);
    size_t len = strlen(s->name);
    int is_ln_weight = len > 16 && strcmp(s->name + len - 16, "LayerNorm.weight") == 0;
    for (size_t k = 0; k < n; k++)
        p[k] = s->decay ? (float)(normal01(rng) * m->cfg.initializer_range)
                        : (is_ln_weight ? 1.0f : 0.0f);
    if (i == T_WORD && m->cfg.pad_token_id >= 0)
        memset(p + (size_t)m->cfg.pad_token_id * s->cols, 0, s->cols * sizeof *p);
}

static void set_labels(vcd_bert_config *c, const char *const *labels, size_t n)
{
    vcd_bert_config_free(c);
    c->labels = vcd_xcalloc(n ? n : 1, sizeof *c->labels);
    for (size_t i = 0; i < n; i++)
        c->labels[i] = vcd_xstrdup(labels[i]);
    c->num_labels = n;
}

vcd_status vcd_bert_new_random(const char *dir, const char *const *labels, size_t num_labels,
                               uint64_t seed, vcd_bert **out)
{
    *out = NULL;
    vcd_bert *m = vcd_xcalloc(1, sizeof *m);
    vcd_status rc = read_config(m, dir);
    if (!rc) rc = vcd_wordpiece_open_dir(dir, &m->wp);
    if (!rc) rc = check_tokenizer(m, dir);
    if (rc) {
        vcd_bert_free(m);
        return rc;
    }
    if (labels) set_labels(&m->cfg, labels, num_labels);
    bert_build_specs(m);
    m->owned = vcd_xmalloc(m->total * sizeof(float));
    vcd_rng rng;
    vcd_rng_seed(&rng, seed);
    for (size_t i = 0; i < m->n_tensors; i++) {
        m->param[i] = m->owned + m->offset[i];
        init_tensor(m, i, &rng);
    }
    *out = m;
    return VCD_OK;
}

void vcd_bert_reset_classifier(vcd_bert *m, const char *const *labels, size_t num_labels,
                               uint64_t seed)
{
    /* Rebuild the table with the new classifier; encoder weights keep their
     * pointers (into the map or the owned buffer). */
    float **old_param = m->param;
    size_t encoder_tensors = T_GLOBAL + m->cfg.layers * L_COUNT;
    float *old_owned = m->owned;
    free(m->spec);
    free(m->offset);
    set_labels(&m->cfg, labels, num_labels);
    bert_build_specs(m);
    m->owned = vcd_xmalloc(m->total * sizeof(float));
    for (size_t i = 0; i < m->n_tensors; i++) {
        m->param[i] = m->owned + m->offset[i];
        if (i < encoder_tensors)
            memcpy(m->param[i], old_param[i], bert_spec_count(&m->spec[i]) * sizeof(float));
    }
    vcd_rng rng;
    vcd_rng_seed(&rng, seed);
    size_t ci = bert_classifier_tensor(m);
    init_tensor(m, ci, &rng);
    init_tensor(m, ci + 1, &rng);
    free(old_param);
    free(old_owned);
    free(m->grad);
    free(m->adam_m);
    free(m->adam_v);
    m->grad = m->adam_m = m->adam_v = NULL;
    m->step = 0;
}

void vcd_bert_free(vcd_bert *m)
{
    if (!m) return;
    vcd_bert_config_free(&m->cfg);
    cJSON_Delete(m->config_doc);
    vcd_wordpiece_free(m->wp);
    vcd_safetensors_close(m->st);
    free(m->spec);
    free(m->param);
    free(m->offset);
    free(m->owned);
    free(m->grad);
    free(m->adam_m);
    free(m->adam_v);
    free(m);
}

/* ---- access ---- */

const vcd_bert_config *vcd_bert_get_config(const vcd_bert *m)
{
    return &m->cfg;
}

vcd_wordpiece *vcd_bert_tokenizer(vcd_bert *m)
{
    return m->wp;
}

size_t vcd_bert_param_count(const vcd_bert *m)
{
    return m->total;
}

size_t vcd_bert_tensor_count(const vcd_bert *m)
{
    return m->n_tensors;
}

const char *vcd_bert_tensor_name(const vcd_bert *m, size_t i)
{
    return i < m->n_tensors ? m->spec[i].name : NULL;
}

static long tensor_index(const vcd_bert *m, const char *name)
{
    for (size_t i = 0; i < m->n_tensors; i++)
        if (strcmp(m->spec[i].name, name) == 0) return (long)i;
    return -1;
}

const float *vcd_bert_param(const vcd_bert *m, const char *name, size_t *count)
{
    long i = tensor_index(m, name);
    if (i < 0) return NULL;
    if (count) *count = bert_spec_count(&m->spec[i]);
    return m->param[i];
}

float *vcd_bert_param_mut(vcd_bert *m, const char *name, size_t *count)
{
    if (!m->grad) return NULL; /* only a trainable copy may be written */
    long i = tensor_index(m, name);
    if (i < 0) return NULL;
    if (count) *count = bert_spec_count(&m->spec[i]);
    return m->param[i];
}

const float *vcd_bert_grad(const vcd_bert *m, const char *name, size_t *count)
{
    long i = tensor_index(m, name);
    if (i < 0 || !m->grad) return NULL;
    if (count) *count = bert_spec_count(&m->spec[i]);
    return m->grad + m->offset[i];
}
