/* `eval clusters`: joins gold mentions to a state's mentions on (document,
 * span) and scores the clustering. */
#include "vcd/eval.h"
#include "vcd/fileio.h"
#include "vcd/state.h"
#include "vcd/strmap.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void span_key(vcd_buf *k, const char *doc_id, double start, double end)
{
    vcd_buf_clear(k);
    vcd_buf_printf(k, "%s\x1f%.0f\x1f%.0f", doc_id, start, end);
}

/* state mention (doc, start, end) -> its index in r->mentions */
static vcd_strmap *index_state_mentions(const vcd_records *r)
{
    vcd_strmap *m = vcd_strmap_new();
    vcd_buf k = {0};
    for (size_t i = 0; i < r->n_mentions; i++) {
        const vcd_record_mention *x = &r->mentions[i];
        span_key(&k, r->docs[x->doc].id, x->start, x->end);
        int inserted;
        *vcd_strmap_upsert(m, k.data, k.len, 0, &inserted) = i;
    }
    vcd_buf_free(&k);
    return m;
}

typedef struct {
    int64_t *truth, *pred;
    const char **text; /* the state's mention text (borrowed), NULL unless linked */
    size_t n, cap;
} joined;

/* A garbage gold file would print one warning per line: the first few name
 * their lines, the rest are counted (join_gold's summary). */
#define GOLD_WARNINGS_SHOWN 20

static void warn_line(vcd_eval_warn_fn warn, void *ctx, const char *path, size_t line,
                      size_t skipped, const char *why)
{
    if (!warn || skipped > GOLD_WARNINGS_SHOWN) return;
    char msg[512];
    snprintf(msg, sizeof msg, "%s:%zu: %s; line skipped", path, line, why);
    warn(ctx, msg);
}

/* Gold entity ids may be numbers or strings; both become dense codes. */
static int64_t gold_entity_code(vcd_strmap *codes, const cJSON *id)
{
    char buf[64];
    const char *key = buf;
    if (cJSON_IsString(id))
        key = id->valuestring;
    else
        snprintf(buf, sizeof buf, "#%.17g", id->valuedouble);
    int inserted;
    size_t *v = vcd_strmap_upsert(codes, key, strlen(key), vcd_strmap_size(codes), &inserted);
    return (int64_t)*v;
}

static vcd_status join_gold(const char *path, const vcd_records *r, const vcd_strmap *state,
                            joined *j, vcd_cluster_eval *out, vcd_eval_warn_fn warn, void *ctx)
{
    vcd_mapped_file f;
    vcd_status rc = vcd_map_file(path, &f);
    if (rc) return rc;
    vcd_strmap *codes = vcd_strmap_new();
    vcd_buf k = {0};
    size_t pos = 0, n;
    const char *p;
    while (vcd_next_line(f.data, f.len, &pos, &p, &n)) {
        out->gold_lines++;
        cJSON *o = cJSON_ParseWithLength(p, n);
        const cJSON *doc = cJSON_GetObjectItemCaseSensitive(o, "doc_id");
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "start");
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "end");
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "entity_id");
        if (!cJSON_IsString(doc) || !cJSON_IsNumber(s) || !cJSON_IsNumber(e) ||
            !(cJSON_IsString(id) || cJSON_IsNumber(id)) || !(s->valuedouble >= 0) ||
            !(e->valuedouble > s->valuedouble) || e->valuedouble > 4e9) {
            if (n) {
                out->skipped_lines++;
                warn_line(warn, ctx, path, out->gold_lines, out->skipped_lines,
                          "needs doc_id, start < end and entity_id");
            }
            cJSON_Delete(o);
            continue;
        }
        if (j->n == j->cap) {
            j->cap = j->cap ? 2 * j->cap : 1024;
            j->truth = vcd_xrealloc(j->truth, j->cap * sizeof *j->truth);
            j->pred = vcd_xrealloc(j->pred, j->cap * sizeof *j->pred);
            j->text = vcd_xrealloc(j->text, j->cap * sizeof *j->text);
        }
        span_key(&k, doc->valuestring, s->valuedouble, e->valuedouble);
        size_t hit = vcd_strmap_get(state, k.data, k.len, SIZE_MAX);
        const vcd_record_mention *m = hit != SIZE_MAX ? &r->mentions[hit] : NULL;
        int linked = m && m->entity_id >= 0;
        j->truth[j->n] = gold_entity_code(codes, id);
        /* missed or noise: a cluster of its own, numbered after all entities */
        j->pred[j->n] = linked ? m->entity_id : (int64_t)(r->n_entities + j->n);
        j->text[j->n] = linked ? m->text : NULL;
        out->found += m != NULL;
        out->found_linked += linked;
        j->n++;
        cJSON_Delete(o);
    }
    vcd_buf_free(&k);
    vcd_strmap_free(codes);
    vcd_unmap_file(&f);
    if (warn && out->skipped_lines > GOLD_WARNINGS_SHOWN) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s: %zu more malformed lines skipped (%zu in all)", path,
                 out->skipped_lines - GOLD_WARNINGS_SHOWN, out->skipped_lines);
        warn(ctx, msg);
    }
    out->gold_mentions = j->n;
    out->missed = j->n - out->found;
    return j->n ? VCD_OK : vcd_fail(VCD_EINPUT, "%s: no usable gold mention", path);
}

/* Silhouette of the predicted entities over linked mentions with text. */
static void silhouette_of_state(const char *dir, const char *vectors, uint64_t seed,
                                const joined *j, vcd_cluster_eval *out, vcd_eval_warn_fn warn,
                                void *warn_ctx)
{
    vcd_state *s;
    if (vcd_state_open(dir, vectors, &s) != VCD_OK) {
        char msg[600];
        snprintf(msg, sizeof msg, "silhouette skipped: %s", vcd_last_error());
        if (warn) warn(warn_ctx, msg);
        return;
    }
    size_t *pick = vcd_xmalloc((j->n + 1) * sizeof *pick), n = 0;
    for (size_t i = 0; i < j->n; i++)
        if (j->text[i] && j->pred[i] < (int64_t)vcd_state_entity_count(s)) pick[n++] = i;
    vcd_rng rng;
    vcd_rng_seed(&rng, seed);
    for (size_t i = 0; i + 1 < n; i++) { /* partial Fisher-Yates: first `limit` are a sample */
        size_t k = i + (size_t)(vcd_rng_next(&rng) % (n - i));
        size_t t = pick[i];
        pick[i] = pick[k];
        pick[k] = t;
    }
    if (n > 3000) n = 3000;
    size_t dim = vcd_state_dim(s);
    float *X = vcd_xmalloc((n + 1) * dim * sizeof *X);
    int64_t *labels = vcd_xmalloc((n + 1) * sizeof *labels);
    for (size_t i = 0; i < n; i++) {
        vcd_state_encode(s, j->text[pick[i]], X + i * dim);
        labels[i] = j->pred[pick[i]];
    }
    if (n > 2 && vcd_silhouette(X, n, dim, labels, &out->silhouette) == VCD_OK) {
        out->has_silhouette = 1;
        out->silhouette_items = n;
    }
    free(X);
    free(labels);
    free(pick);
    vcd_state_close(s);
}

vcd_status vcd_eval_clusters(const char *gold_path, const char *state_dir,
                             const char *vectors_override, uint64_t seed, vcd_cluster_eval *out,
                             vcd_eval_warn_fn warn, void *warn_ctx)
{
    memset(out, 0, sizeof *out);
    vcd_records r;
    vcd_status rc = vcd_records_load(state_dir, &r);
    if (rc) return rc;
    vcd_strmap *state = index_state_mentions(&r);
    joined j = {0};
    rc = join_gold(gold_path, &r, state, &j, out, warn, warn_ctx);
    if (!rc) rc = vcd_cluster_scores_compute(j.truth, j.pred, j.n, &out->scores);
    if (!rc) silhouette_of_state(state_dir, vectors_override, seed, &j, out, warn, warn_ctx);
    free(j.text);
    free(j.truth);
    free(j.pred);
    vcd_strmap_free(state);
    vcd_records_free(&r);
    return rc;
}

void vcd_cluster_scores_json(const vcd_cluster_scores *s, vcd_buf *b)
{
    vcd_buf_printf(b,
                   "{\"n\":%zu,\"gold_entities\":%zu,\"predicted_clusters\":%zu,\"ari\":%.17g,"
                   "\"nmi\":%.17g,\"ami\":%.17g,\"homogeneity\":%.17g,\"completeness\":%.17g,"
                   "\"v_measure\":%.17g,\"bcubed_precision\":%.17g,\"bcubed_recall\":%.17g,"
                   "\"bcubed_f1\":%.17g}",
                   s->n, s->n_true, s->n_pred, s->ari, s->nmi, s->ami, s->homogeneity,
                   s->completeness, s->v_measure, s->bcubed_precision, s->bcubed_recall,
                   s->bcubed_f1);
}
