/* The identity encoder: features, network, and its folder (config.json +
 * model.safetensors). Loading checks every number, every shape and every
 * weight (finite), so a damaged folder is a one-line error. */
#include "identity_internal.h"
#include "vcd/encode.h"
#include "vcd/fileio.h"
#include "vcd/nn.h"
#include "vcd/safetensors.h"
#include "vcd/json_fields.h"

#include <cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IDM_SCHEMA "vcdiscover.identity-model/1"
#define IDM_FEATURES "char-2-5+words+initials+vectors+shape/1"
#define SALT_CHAR 0x63686172u
#define SALT_WORD 0x776f7264u
#define SALT_INIT 0x696e6974u

size_t idm_in_dim(const idm_config *c)
{
    return 2 * c->emb + c->vec_dim + IDM_SHAPE;
}

size_t idm_param_count(const idm_config *c)
{
    return c->buckets * c->emb + c->hidden * idm_in_dim(c) + c->hidden + c->dim * c->hidden +
           c->dim;
}

void idm_params_bind(idm_params *p, float *store, const idm_config *c)
{
    float *at = store;
    p->table = at, at += c->buckets * c->emb;
    p->w1 = at, at += c->hidden * idm_in_dim(c);
    p->b1 = at, at += c->hidden;
    p->w2 = at, at += c->dim * c->hidden;
    p->b2 = at;
}

/* ---- features ---- */

void idm_feats_free(idm_feats *f)
{
    free(f->ids);
    free(f->wts);
    vcd_buf_free(&f->key);
    vcd_buf_free(&f->tmp);
    vcd_buf_free(&f->tmp2);
    vcd_tokens_free(&f->toks);
    memset(f, 0, sizeof *f);
}

static void add_hash(const idm_config *c, idm_feats *f, const char *s, size_t n, uint64_t salt,
                     float w)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 64;
        f->ids = vcd_xrealloc(f->ids, f->cap * sizeof *f->ids);
        f->wts = vcd_xrealloc(f->wts, f->cap * sizeof *f->wts);
    }
    f->ids[f->n] = (int32_t)(vcd_hash64(s, n, salt) % c->buckets);
    f->wts[f->n++] = w;
}

/* Character 2..5-grams by code point over "<key>" (the space between words
 * is itself a boundary, so "<vision pro>" yields "n p", "<v", "o>"). */
static void char_grams(const idm_config *c, idm_feats *f, const char *key, size_t kn)
{
    char padded[4 * IDM_MAX_CP + 3];
    size_t starts[IDM_MAX_CP + 3], count = 0, pn = 0, cps = 0;
    starts[count++] = pn;
    padded[pn++] = '<';
    for (size_t i = 0; i < kn && pn + 2 < sizeof padded; i++) {
        if (((unsigned char)key[i] & 0xC0) != 0x80) {
            if (cps == IDM_MAX_CP) break;
            cps++;
            starts[count++] = pn;
        }
        padded[pn++] = key[i];
    }
    starts[count++] = pn;
    padded[pn++] = '>';
    starts[count] = pn; /* count = code points of "<key>" */
    for (size_t g = 2; g <= 5; g++)
        for (size_t i = 0; i + g <= count; i++)
            add_hash(c, f, padded + starts[i], starts[i + g] - starts[i], SALT_CHAR + g, 1.0f);
}

static void word_feats(const idm_config *c, const vcd_vectors *v, idm_feats *f, const char *body,
                       size_t bn, const char *key, size_t kn, float *dense)
{
    float *vec = dense;
    size_t words = 0, known = 0;
    for (size_t i = 0; i < f->toks.n; i++) {
        const vcd_token *t = &f->toks.toks[i];
        if (t->kind == VCD_TOK_PUNCT || t->kind == VCD_TOK_EMOJI) continue;
        const char *w = key + t->byte_start;
        size_t wn = t->byte_end - t->byte_start;
        add_hash(c, f, w, wn, SALT_WORD, 1.0f);
        words++;
        long rank = c->vec_dim && v ? vcd_vectors_find(v, w, wn) : -1;
        if (rank < 0) continue;
        const float *row = vcd_vectors_row(v, (size_t)rank);
        for (size_t j = 0; j < c->vec_dim; j++)
            vec[j] += row[j];
        known++;
    }
    double s = 0;
    for (size_t j = 0; j < c->vec_dim; j++)
        s += (double)vec[j] * vec[j];
    for (size_t j = 0; s > 0 && j < c->vec_dim; j++)
        vec[j] /= (float)sqrt(s);
    /* "AVP" and "Apple Vision Pro" share one initials feature. */
    int acro = vcd_acronym_key(body, bn, &f->tmp);
    if (acro) {
        add_hash(c, f, f->tmp.data, f->tmp.len, SALT_INIT, 3.0f);
    } else if (vcd_initials(body, bn, &f->tmp, &f->tmp2) >= 2) {
        add_hash(c, f, f->tmp.data, f->tmp.len, SALT_INIT, 3.0f);
        if (f->tmp2.len >= 2 && f->tmp2.len != f->tmp.len)
            add_hash(c, f, f->tmp2.data, f->tmp2.len, SALT_INIT, 3.0f);
    }
    float *shape = dense + c->vec_dim;
    size_t cps = vcd_utf8_length(key, kn);
    shape[0] = (float)(words < 8 ? words : 8) / 4.0f;
    shape[1] = (float)(cps < 48 ? cps : 48) / 16.0f;
    shape[5] = (float)acro;
    shape[7] = words ? (float)known / (float)words : 0.0f;
}

static void shape_feats(const char *body, size_t bn, int hashtag, float *shape)
{
    int upper = 0, lower = 0, digit = 0;
    for (size_t i = 0; i < bn; i++) {
        unsigned char ch = (unsigned char)body[i];
        upper += ch >= 'A' && ch <= 'Z';
        lower += ch >= 'a' && ch <= 'z';
        digit += ch >= '0' && ch <= '9';
    }
    shape[2] = upper && !lower ? 1.0f : 0.0f;
    shape[3] = digit ? 1.0f : 0.0f;
    shape[4] = (float)hashtag;
    shape[6] = bn && body[0] >= 'A' && body[0] <= 'Z' ? 1.0f : 0.0f;
}

void idm_features(const idm_config *c, const vcd_vectors *v, const char *s, size_t n, idm_feats *f,
                  float *dense)
{
    memset(dense, 0, (c->vec_dim + IDM_SHAPE) * sizeof *dense);
    f->n = 0;
    int hashtag = n > 1 && s[0] == '#';
    const char *body = s + hashtag;
    size_t bn = n - (size_t)hashtag;
    vcd_span_key(body, bn, hashtag, &f->key);
    const char *key = f->key.data ? f->key.data : "";
    size_t kn = f->key.len;
    char_grams(c, f, key, kn);
    f->n_char = f->n;
    vcd_tokenize(key, kn, &f->toks);
    word_feats(c, v, f, body, bn, key, kn, dense);
    shape_feats(body, bn, hashtag, dense + c->vec_dim);
}

/* ---- batches and the network ---- */

void idm_batch_init(idm_batch *b, const idm_config *c, size_t cap, int train)
{
    memset(b, 0, sizeof *b);
    size_t in = idm_in_dim(c), E2 = 2 * c->emb;
    b->cap = cap;
    b->offsets = vcd_xcalloc(2 * cap + 1, sizeof *b->offsets);
    b->bag = vcd_xcalloc(cap * E2, sizeof(float));
    b->x = vcd_xcalloc(cap * in, sizeof(float));
    b->hpre = vcd_xcalloc(cap * c->hidden, sizeof(float));
    b->h = vcd_xcalloc(cap * c->hidden, sizeof(float));
    b->z = vcd_xcalloc(cap * c->dim, sizeof(float));
    b->norm = vcd_xcalloc(cap, sizeof(float));
    b->y = vcd_xcalloc(cap * c->dim, sizeof(float));
    if (train) {
        b->dz = vcd_xcalloc(cap * c->dim, sizeof(float));
        b->dh = vcd_xcalloc(cap * c->hidden, sizeof(float));
        b->dx = vcd_xcalloc(cap * in, sizeof(float));
        b->dbag = vcd_xcalloc(cap * E2, sizeof(float));
    }
}

void idm_batch_free(idm_batch *b)
{
    float *bufs[] = {b->bag, b->x,  b->hpre, b->h,  b->z,   b->norm,
                     b->y,   b->dz, b->dh,   b->dx, b->dbag};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++)
        free(bufs[i]);
    free(b->ids);
    free(b->wts);
    free(b->offsets);
    memset(b, 0, sizeof *b);
}

void idm_batch_clear(idm_batch *b)
{
    b->rows = 0;
    b->n_ids = 0;
    b->offsets[0] = 0;
}

void idm_batch_add(idm_batch *b, const idm_config *c, const int32_t *ids, const float *wts,
                   size_t n_char, size_t n, const float *dense)
{
    if (b->n_ids + n > b->ids_cap) {
        b->ids_cap = 2 * (b->n_ids + n) + 256;
        b->ids = vcd_xrealloc(b->ids, b->ids_cap * sizeof *b->ids);
        b->wts = vcd_xrealloc(b->wts, b->ids_cap * sizeof *b->wts);
    }
    memcpy(b->ids + b->n_ids, ids, n * sizeof *ids);
    memcpy(b->wts + b->n_ids, wts, n * sizeof *wts);
    size_t r = b->rows++;
    b->offsets[2 * r + 1] = b->n_ids + n_char;
    b->n_ids += n;
    b->offsets[2 * r + 2] = b->n_ids;
    size_t in = idm_in_dim(c);
    memcpy(b->x + r * in + 2 * c->emb, dense, (c->vec_dim + IDM_SHAPE) * sizeof *dense);
}

void idm_forward(const idm_config *c, const idm_params *p, idm_batch *b)
{
    size_t R = b->rows, in = idm_in_dim(c), E2 = 2 * c->emb;
    nn_embedding_bag_forward(b->bag, p->table, b->ids, b->wts, b->offsets, 2 * R, c->emb);
    for (size_t r = 0; r < R; r++)
        memcpy(b->x + r * in, b->bag + r * E2, E2 * sizeof(float));
    nn_linear_forward(b->hpre, b->x, p->w1, p->b1, R, in, c->hidden);
    nn_gelu_forward(b->h, b->hpre, R * c->hidden);
    nn_linear_forward(b->z, b->h, p->w2, p->b2, R, c->hidden, c->dim);
    nn_l2norm_forward(b->y, b->norm, b->z, R, c->dim);
}

void idm_backward(const idm_config *c, const idm_params *p, idm_params *g, idm_batch *b, float *dy)
{
    size_t R = b->rows, in = idm_in_dim(c), E2 = 2 * c->emb;
    nn_l2norm_backward(b->dz, dy, b->y, b->norm, R, c->dim);
    nn_linear_backward(b->dh, g->w2, g->b2, b->dz, b->h, p->w2, R, c->hidden, c->dim);
    nn_gelu_backward(b->dh, b->dh, b->hpre, R * c->hidden);
    nn_linear_backward(b->dx, g->w1, g->b1, b->dh, b->x, p->w1, R, in, c->hidden);
    for (size_t r = 0; r < R; r++)
        memcpy(b->dbag + r * E2, b->dx + r * in, E2 * sizeof(float));
    nn_embedding_bag_backward(g->table, b->dbag, b->ids, b->wts, b->offsets, 2 * R, c->emb);
}

/* ---- the folder ---- */

struct vcd_identity_model {
    idm_config cfg;
    const vcd_vectors *vec;
    float *store;
    idm_params p;
    idm_feats feats;
    idm_batch batch;
    float *dense;
};

static size_t param_tensors(const idm_config *c, const idm_params *p, vcd_tensor_f32 *t)
{
    t[0] = (vcd_tensor_f32){"ngram_emb", p->table, c->buckets, c->emb};
    t[1] = (vcd_tensor_f32){"hidden.weight", p->w1, c->hidden, idm_in_dim(c)};
    t[2] = (vcd_tensor_f32){"hidden.bias", p->b1, c->hidden, 0};
    t[3] = (vcd_tensor_f32){"out.weight", p->w2, c->dim, c->hidden};
    t[4] = (vcd_tensor_f32){"out.bias", p->b2, c->dim, 0};
    return 5;
}

static cJSON *config_json(const idm_config *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "schema", IDM_SCHEMA);
    cJSON_AddStringToObject(o, "architecture", "embedding-bag-mlp-l2");
    cJSON_AddStringToObject(o, "features", IDM_FEATURES);
    cJSON_AddNumberToObject(o, "buckets", (double)c->buckets);
    cJSON_AddNumberToObject(o, "emb", (double)c->emb);
    cJSON_AddNumberToObject(o, "shape", IDM_SHAPE);
    cJSON_AddNumberToObject(o, "hidden", (double)c->hidden);
    cJSON_AddNumberToObject(o, "dim", (double)c->dim);
    cJSON *v = cJSON_AddObjectToObject(o, "vectors");
    cJSON_AddNumberToObject(v, "dim", (double)c->vec_dim);
    char hex[17];
    snprintf(hex, sizeof hex, "%016" PRIx64, c->vectors_digest);
    cJSON_AddStringToObject(v, "digest", hex);
    return o;
}

vcd_status idm_save(const char *dir, const idm_config *c, const idm_params *p, int f16)
{
    vcd_status rc = vcd_ensure_dir(dir);
    if (rc) return rc;
    vcd_tensor_f32 t[5];
    size_t n = param_tensors(c, p, t);
    char *path = vcd_path_join(dir, "model.safetensors");
    rc = vcd_safetensors_write_f32(path, t, n, f16);
    free(path);
    if (rc) return rc;
    cJSON *o = config_json(c);
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    path = vcd_path_join(dir, "config.json");
    size_t len = strlen(text);
    text[len] = '\0';
    vcd_buf b = {0};
    vcd_buf_append(&b, text, len);
    vcd_buf_putc(&b, '\n');
    rc = vcd_write_file_atomic(path, b.data, b.len);
    vcd_buf_free(&b);
    free(path);
    cJSON_free(text);
    return rc;
}

vcd_status idm_config_parse(const char *name, const char *text, size_t len, idm_config *c)
{
    memset(c, 0, sizeof *c);
    cJSON *o = cJSON_ParseWithLength(text, len);
    vcd_status rc = VCD_OK;
    const char *schema = vcd_json_string(o, "schema"), *feat = vcd_json_string(o, "features");
    size_t shape = 0;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "vectors");
    const char *digest = vcd_json_string(v, "digest");
    char *end = NULL;
    if (!cJSON_IsObject(o) || !schema || strcmp(schema, IDM_SCHEMA) || !feat ||
        strcmp(feat, IDM_FEATURES))
        rc = vcd_fail(VCD_EINPUT, "%s: not a %s model with features %s", name, IDM_SCHEMA,
                      IDM_FEATURES);
    else if ((rc = vcd_json_size(name, o, "buckets", 1, (size_t)1 << 22, &c->buckets)) ||
             (rc = vcd_json_size(name, o, "emb", 1, 1024, &c->emb)) ||
             (rc = vcd_json_size(name, o, "shape", IDM_SHAPE, IDM_SHAPE, &shape)) ||
             (rc = vcd_json_size(name, o, "hidden", 1, 4096, &c->hidden)) ||
             (rc = vcd_json_size(name, o, "dim", 2, 4096, &c->dim)) ||
             (rc = vcd_json_size(name, v, "dim", 0, 4096, &c->vec_dim)))
        ;
    else if (!digest || strlen(digest) != 16 ||
             (c->vectors_digest = strtoull(digest, &end, 16), *end))
        rc = vcd_fail(VCD_EINPUT, "%s: \"vectors\" needs a 16-hex-digit \"digest\"", name);
    else if (c->buckets * c->emb > (size_t)1 << 26)
        rc = vcd_fail(VCD_EINPUT, "%s: buckets x emb is too large", name);
    cJSON_Delete(o);
    return rc;
}

vcd_status vcd_identity_config_check(const char *name, const char *text, size_t len)
{
    idm_config c;
    return idm_config_parse(name, text, len, &c);
}

static vcd_status load_config(vcd_identity_model *m, const char *dir)
{
    char *path = vcd_path_join(dir, "config.json");
    vcd_mapped_file f;
    vcd_status rc = vcd_map_file(path, &f);
    if (!rc) {
        rc = idm_config_parse(path, (const char *)f.data, f.len, &m->cfg);
        vcd_unmap_file(&f);
    }
    const idm_config *c = &m->cfg;
    if (!rc && c->vec_dim && !m->vec)
        rc = vcd_fail(VCD_EINPUT, "%s: the model needs %zu-d word vectors (--vectors)", path,
                      c->vec_dim);
    else if (!rc && c->vec_dim && vcd_vectors_dim(m->vec) != c->vec_dim)
        rc = vcd_fail(VCD_EINPUT, "%s: model expects %zu-d vectors, the store has %zu", path,
                      c->vec_dim, vcd_vectors_dim(m->vec));
    else if (!rc && c->vec_dim && vcd_vectors_digest(m->vec) != c->vectors_digest)
        rc =
            vcd_fail(VCD_EINPUT, "%s: trained with a different vector file (digest differs)", path);
    free(path);
    return rc;
}

/* F32 or F16 tensors of exactly the configured shapes, all finite. The
 * memory map is widened once into the model's own buffer. */
static vcd_status load_tensors(vcd_identity_model *m, const char *path, const vcd_safetensors *st)
{
    vcd_tensor_f32 want[5];
    size_t n = param_tensors(&m->cfg, &m->p, want);
    if (vcd_safetensors_count(st) != n)
        return vcd_fail(VCD_EINPUT, "%s: expected %zu tensors, found %zu", path, n,
                        vcd_safetensors_count(st));
    vcd_status rc = VCD_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        const vcd_tensor *t = vcd_safetensors_find(st, want[i].name);
        size_t cols = want[i].cols;
        if (!t || t->ndim != (cols ? 2u : 1u) || t->shape[0] != want[i].rows ||
            (cols && t->shape[1] != cols) || (t->dtype != VCD_DT_F32 && t->dtype != VCD_DT_F16))
            return vcd_fail(VCD_EINPUT, "%s: tensor %s missing or not F32/F16 [%zu%s%zu]", path,
                            want[i].name, want[i].rows, cols ? ", " : "", cols);
        float *v = vcd_tensor_to_f32(t);
        for (size_t k = 0; k < t->count && !rc; k++)
            if (!isfinite(v[k]))
                rc = vcd_fail(VCD_EINPUT, "%s: tensor %s has a non-finite value at %zu", path,
                              want[i].name, k);
        memcpy((float *)want[i].data, v, t->count * sizeof *v);
        free(v);
    }
    return rc;
}

#define ENCODE_CHUNK 64

static void model_ready(vcd_identity_model *m)
{
    idm_batch_init(&m->batch, &m->cfg, ENCODE_CHUNK, 0);
    m->dense = vcd_xcalloc(m->cfg.vec_dim + IDM_SHAPE, sizeof *m->dense);
}

vcd_status vcd_identity_open(const char *dir, const vcd_vectors *vectors, vcd_identity_model **out)
{
    *out = NULL;
    vcd_identity_model *m = vcd_xcalloc(1, sizeof *m);
    m->vec = vectors;
    vcd_status rc = load_config(m, dir);
    char *path = vcd_path_join(dir, "model.safetensors");
    vcd_safetensors *st = NULL;
    if (!rc) rc = vcd_safetensors_open(path, &st);
    if (!rc) {
        m->store = vcd_xcalloc(idm_param_count(&m->cfg), sizeof *m->store);
        idm_params_bind(&m->p, m->store, &m->cfg);
        rc = load_tensors(m, path, st);
    }
    vcd_safetensors_close(st);
    free(path);
    if (rc) {
        vcd_identity_free(m);
        return rc;
    }
    model_ready(m);
    *out = m;
    return VCD_OK;
}

vcd_status idm_model_from_memory(const char *config, size_t clen, const unsigned char *weights,
                                 size_t wlen, vcd_identity_model **out)
{
    *out = NULL;
    vcd_identity_model *m = vcd_xcalloc(1, sizeof *m);
    vcd_safetensors *st = NULL;
    vcd_status rc = idm_config_parse("config", config, clen, &m->cfg);
    if (!rc && m->cfg.vec_dim) rc = vcd_fail(VCD_EINPUT, "config: word vectors not supported here");
    if (!rc) rc = vcd_safetensors_parse(weights, wlen, &st);
    if (!rc) {
        m->store = vcd_xcalloc(idm_param_count(&m->cfg), sizeof *m->store);
        idm_params_bind(&m->p, m->store, &m->cfg);
        rc = load_tensors(m, "weights", st);
    }
    vcd_safetensors_close(st);
    if (rc) {
        vcd_identity_free(m);
        return rc;
    }
    model_ready(m);
    *out = m;
    return VCD_OK;
}

void vcd_identity_free(vcd_identity_model *m)
{
    if (!m) return;
    idm_feats_free(&m->feats);
    idm_batch_free(&m->batch);
    free(m->dense);
    free(m->store);
    free(m);
}

size_t vcd_identity_dim(const vcd_identity_model *m)
{
    return m->cfg.dim;
}

void vcd_identity_encode(vcd_identity_model *m, const char *const *texts, const size_t *lens,
                         size_t n, float *out)
{
    size_t D = m->cfg.dim;
    for (size_t from = 0; from < n; from += ENCODE_CHUNK) {
        size_t k = n - from < ENCODE_CHUNK ? n - from : ENCODE_CHUNK;
        idm_batch_clear(&m->batch);
        for (size_t i = 0; i < k; i++) {
            idm_features(&m->cfg, m->vec, texts[from + i], lens[from + i], &m->feats, m->dense);
            idm_batch_add(&m->batch, &m->cfg, m->feats.ids, m->feats.wts, m->feats.n_char,
                          m->feats.n, m->dense);
        }
        idm_forward(&m->cfg, &m->p, &m->batch);
        memcpy(out + from * D, m->batch.y, k * D * sizeof *out);
    }
}
