/* The pair model: P(same entity | evidence) = sigmoid(w . x + b), fit by
 * L2-regularised logistic regression. Logistic regression is calibrated on
 * its training distribution by construction (its score equations match
 * predicted and observed rates), which is what `match` needs to print a
 * probability; train-linker checks it out of fold. */
#include "link_internal.h"
#include "vcd/fileio.h"
#include "vcd/linker.h"

#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define N_PARAMS (VCD_EV_COUNT + 1)

int vcd_evidence_unused(vcd_evidence_feature f)
{
    /* Types come from the tagger, wrong often enough (WNUT 2017: 53 F1) that
     * a type difference is no evidence; gold types would teach a weight the
     * tagger's types cannot earn. */
    return f == VCD_EV_TYPE_DIFFERENT;
}

int vcd_evidence_query_masked(vcd_evidence_feature f)
{
    return f == VCD_EV_CONTEXT || f == VCD_EV_COOCCUR || f == VCD_EV_COUNT_RATIO ||
           f == VCD_EV_NEARBY || f == VCD_EV_TYPE_DIFFERENT;
}

double vcd_linker_prob(const vcd_linker_weights *m, const float *x)
{
    double z = m->bias;
    for (int f = 0; f < VCD_EV_COUNT; f++)
        z += m->w[f] * x[f];
    return 1.0 / (1.0 + exp(-z));
}

int vcd_link_pair_apart(const float *x)
{
    return x[VCD_EV_COOCCUR] > 0 || x[VCD_EV_KB_DIFFERENT] > 0 || x[VCD_EV_DIGITS_DIFFER] > 0 ||
           x[VCD_EV_NAME_CONFLICT] > 0;
}

void vcd_linker_score(const vcd_linker_model *m, vcd_link_pairs *pairs)
{
    for (size_t i = 0; i < pairs->n; i++)
        pairs->items[i].p = vcd_link_pair_apart(pairs->items[i].x)
                                ? 0.0f
                                : (float)vcd_linker_prob(&m->pair, pairs->items[i].x);
}

int link_cholesky_solve(double *A, double *b, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        double d = A[j * n + j];
        for (size_t k = 0; k < j; k++)
            d -= A[j * n + k] * A[j * n + k];
        if (!(d > 0)) return 0;
        A[j * n + j] = sqrt(d);
        for (size_t i = j + 1; i < n; i++) {
            double s = A[i * n + j];
            for (size_t k = 0; k < j; k++)
                s -= A[i * n + k] * A[j * n + k];
            A[i * n + j] = s / A[j * n + j];
        }
    }
    for (size_t i = 0; i < n; i++) {
        double s = b[i];
        for (size_t k = 0; k < i; k++)
            s -= A[i * n + k] * b[k];
        b[i] = s / A[i * n + i];
    }
    for (size_t i = n; i-- > 0;) {
        double s = b[i];
        for (size_t k = i + 1; k < n; k++)
            s -= A[k * n + i] * b[k];
        b[i] = s / A[i * n + i];
    }
    return 1;
}

vcd_status vcd_linker_fit(const vcd_link_pairs *pairs, const uint8_t *y, double l2,
                          vcd_linker_weights *m)
{
    double w[N_PARAMS] = {0}; /* w[VCD_EV_COUNT] is the bias */
    double H[N_PARAMS * N_PARAMS], g[N_PARAMS], x[N_PARAMS];
    for (int iter = 0; iter < 50; iter++) {
        memset(H, 0, sizeof H);
        memset(g, 0, sizeof g);
        for (size_t i = 0; i < pairs->n; i++) {
            if (vcd_link_pair_apart(pairs->items[i].x)) continue;
            for (int f = 0; f < VCD_EV_COUNT; f++)
                x[f] = vcd_evidence_unused((vcd_evidence_feature)f) ? 0 : pairs->items[i].x[f];
            x[VCD_EV_COUNT] = 1;
            double z = 0;
            for (int f = 0; f < N_PARAMS; f++)
                z += w[f] * x[f];
            double p = 1.0 / (1.0 + exp(-z)), r = p - y[i], s = p * (1 - p);
            for (int a = 0; a < N_PARAMS; a++) {
                g[a] += r * x[a];
                for (int b = 0; b <= a; b++)
                    H[a * N_PARAMS + b] += s * x[a] * x[b];
            }
        }
        /* the bias is not shrunk */
        for (int a = 0; a < VCD_EV_COUNT; a++) {
            g[a] += l2 * w[a];
            H[a * N_PARAMS + a] += l2;
        }
        H[VCD_EV_COUNT * N_PARAMS + VCD_EV_COUNT] += 1e-9;
        for (int a = 0; a < N_PARAMS; a++)
            for (int b = a + 1; b < N_PARAMS; b++)
                H[a * N_PARAMS + b] = H[b * N_PARAMS + a];
        if (!link_cholesky_solve(H, g, N_PARAMS))
            return vcd_fail(VCD_ERUNTIME, "linker fit: singular Hessian (too few pairs?)");
        double step = 0;
        for (int a = 0; a < N_PARAMS; a++) {
            w[a] -= g[a];
            step = fmax(step, fabs(g[a]));
        }
        if (step < 1e-8) break;
    }
    for (int f = 0; f < VCD_EV_COUNT; f++)
        m->w[f] = w[f];
    m->bias = w[VCD_EV_COUNT];
    return VCD_OK;
}

const char *vcd_linker_default_path(void)
{
    return VCD_DATA_DIR "/models/linker/linker.json";
}

const char *vcd_linker_default_path_for(const char *encoder_kind)
{
    static char path[4096];
    if (!encoder_kind || strcmp(encoder_kind, "pooled") == 0) return vcd_linker_default_path();
    snprintf(path, sizeof path, "%s/models/linker/linker-%s.json", VCD_DATA_DIR, encoder_kind);
    return path;
}

static void weights_json(cJSON *o, const vcd_linker_weights *w)
{
    cJSON_AddNumberToObject(o, "bias", w->bias);
    cJSON *ws = cJSON_AddObjectToObject(o, "weights");
    for (int f = 0; f < VCD_EV_COUNT; f++)
        cJSON_AddNumberToObject(ws, vcd_evidence_name((vcd_evidence_feature)f), w->w[f]);
}

static vcd_status weights_from_json(const char *path, const char *name, const cJSON *o,
                                    vcd_linker_weights *w)
{
    const cJSON *bias = cJSON_GetObjectItemCaseSensitive(o, "bias");
    const cJSON *ws = cJSON_GetObjectItemCaseSensitive(o, "weights");
    if (!cJSON_IsNumber(bias) || !isfinite(bias->valuedouble) || !cJSON_IsObject(ws))
        return vcd_fail(VCD_EINPUT, "%s: \"%s\" needs a finite bias and weights", path, name);
    w->bias = bias->valuedouble;
    for (int f = 0; f < VCD_EV_COUNT; f++) {
        const char *fname = vcd_evidence_name((vcd_evidence_feature)f);
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(ws, fname);
        if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || fabs(v->valuedouble) > 1e6)
            return vcd_fail(VCD_EINPUT, "%s: %s weight '%s' missing or not a finite number", path,
                            name, fname);
        w->w[f] = v->valuedouble;
    }
    return VCD_OK;
}

const char *vcd_choice_feature_name(int f)
{
    if (f == VCD_CHOICE_FORM_MENTIONS) return "form_mentions";
    if (f == VCD_CHOICE_ENTITY_MENTIONS) return "entity_mentions";
    return vcd_evidence_name((vcd_evidence_feature)f);
}

static void choice_json(cJSON *o, const vcd_linker_choice *c)
{
    cJSON_AddNumberToObject(o, "bias", c->bias);
    cJSON_AddNumberToObject(o, "threshold", c->threshold);
    cJSON *ws = cJSON_AddObjectToObject(o, "weights");
    for (int f = 0; f < VCD_CHOICE_FEATURES; f++)
        cJSON_AddNumberToObject(ws, vcd_choice_feature_name(f), c->w[f]);
}

/* A model without it (fit before it existed) loads with fitted = 0. */
static vcd_status choice_from_json(const char *path, const char *name, const cJSON *o,
                                   vcd_linker_choice *c)
{
    memset(c, 0, sizeof *c);
    if (!o) return VCD_OK;
    const cJSON *bias = cJSON_GetObjectItemCaseSensitive(o, "bias");
    const cJSON *ws = cJSON_GetObjectItemCaseSensitive(o, "weights");
    if (!cJSON_IsNumber(bias) || !isfinite(bias->valuedouble) || fabs(bias->valuedouble) > 1e6 ||
        !cJSON_IsObject(ws))
        return vcd_fail(VCD_EINPUT, "%s: \"%s\" needs a finite bias and weights", path, name);
    c->bias = bias->valuedouble;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "threshold");
    if (!cJSON_IsNumber(t) || !(t->valuedouble >= 0 && t->valuedouble <= 1))
        return vcd_fail(VCD_EINPUT, "%s: \"%s\" needs a threshold in [0, 1]", path, name);
    c->threshold = t->valuedouble;
    for (int f = 0; f < VCD_CHOICE_FEATURES; f++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(ws, vcd_choice_feature_name(f));
        if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || fabs(v->valuedouble) > 1e6)
            return vcd_fail(VCD_EINPUT, "%s: %s weight '%s' missing or not a finite number", path,
                            name, vcd_choice_feature_name(f));
        c->w[f] = v->valuedouble;
    }
    c->fitted = 1;
    return VCD_OK;
}

char *vcd_linker_model_json(const vcd_linker_model *m, const char *fit_report_json)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "schema", "vcdiscover.linker/1");
    cJSON_AddStringToObject(j, "encoder", m->encoder);
    cJSON_AddNumberToObject(j, "cannot_link", m->cannot_link);
    weights_json(cJSON_AddObjectToObject(j, "pair"), &m->pair);
    weights_json(cJSON_AddObjectToObject(j, "query"), &m->query);
    if (m->choice.fitted) choice_json(cJSON_AddObjectToObject(j, "choice"), &m->choice);
    if (m->choice_corpus.fitted)
        choice_json(cJSON_AddObjectToObject(j, "choice_corpus"), &m->choice_corpus);
    if (fit_report_json) {
        cJSON *r = cJSON_Parse(fit_report_json);
        if (r) cJSON_AddItemToObject(j, "fit", r);
    }
    char *s = cJSON_Print(j);
    cJSON_Delete(j);
    return s;
}

static vcd_status model_from_json(const char *path, const cJSON *j, vcd_linker_model *m)
{
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(j, "schema");
    if (!cJSON_IsString(schema) || strcmp(schema->valuestring, "vcdiscover.linker/1") != 0)
        return vcd_fail(VCD_EINPUT, "%s: not a vcdiscover.linker/1 model", path);
    const cJSON *enc = cJSON_GetObjectItemCaseSensitive(j, "encoder");
    const cJSON *cl = cJSON_GetObjectItemCaseSensitive(j, "cannot_link");
    if (!cJSON_IsString(enc) || !cJSON_IsNumber(cl))
        return vcd_fail(VCD_EINPUT, "%s: needs encoder and cannot_link", path);
    if (strlen(enc->valuestring) >= sizeof m->encoder)
        return vcd_fail(VCD_EINPUT, "%s: encoder name too long", path);
    snprintf(m->encoder, sizeof m->encoder, "%s", enc->valuestring);
    m->cannot_link = cl->valuedouble;
    if (!(m->cannot_link >= 0 && m->cannot_link < 0.5))
        return vcd_fail(VCD_EINPUT, "%s: cannot_link must be in [0, 0.5)", path);
    vcd_status rc =
        weights_from_json(path, "pair", cJSON_GetObjectItemCaseSensitive(j, "pair"), &m->pair);
    if (!rc)
        rc = weights_from_json(path, "query", cJSON_GetObjectItemCaseSensitive(j, "query"),
                               &m->query);
    if (!rc)
        rc = choice_from_json(path, "choice", cJSON_GetObjectItemCaseSensitive(j, "choice"),
                              &m->choice);
    if (!rc)
        rc = choice_from_json(path, "choice_corpus",
                              cJSON_GetObjectItemCaseSensitive(j, "choice_corpus"),
                              &m->choice_corpus);
    return rc;
}

vcd_status vcd_linker_model_parse(const char *name, const char *data, size_t len,
                                  vcd_linker_model *m)
{
    memset(m, 0, sizeof *m);
    if (len > (1u << 20))
        return vcd_fail(VCD_EINPUT, "%s: larger than 1 MiB, not a linker model", name);
    cJSON *j = cJSON_ParseWithLength(data, len);
    if (!j) return vcd_fail(VCD_EINPUT, "%s: not valid JSON", name);
    vcd_status rc = model_from_json(name, j, m);
    cJSON_Delete(j);
    return rc;
}

vcd_status vcd_linker_model_load(const char *path, vcd_linker_model *m)
{
    memset(m, 0, sizeof *m);
    vcd_mapped_file f;
    vcd_status rc = vcd_map_file(path, &f);
    if (rc) return rc;
    rc = vcd_linker_model_parse(path, (const char *)f.data, f.len, m);
    vcd_unmap_file(&f);
    return rc;
}
