/* `eval clusters`: joins gold mentions to a state's mentions on (document,
 * span), or groups them by form for the string baseline, and scores the
 * clustering: mention scores (B-cubed and the rest), form pairs and the
 * worst pairs behind them. */
#include "vcd/eval.h"
#include "vcd/fileio.h"
#include "vcd/state.h"
#include "vcd/strmap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void span_key(vcd_buf *k, const char *doc_id, uint32_t start, uint32_t end)
{
    vcd_buf_clear(k);
    vcd_buf_printf(k, "%s\x1f%u\x1f%u", doc_id, (unsigned)start, (unsigned)end);
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
    int64_t *truth, *pred; /* pred: noise and missed mentions are singletons */
    int64_t *cluster;      /* the same with -1 for them, for form votes */
    int32_t *form;
    const char **text; /* the state's mention text (borrowed), NULL unless linked */
    size_t n;
} joined;

static void joined_alloc(joined *j, size_t n)
{
    j->n = n;
    j->truth = vcd_xmalloc((n + 1) * sizeof *j->truth);
    j->pred = vcd_xmalloc((n + 1) * sizeof *j->pred);
    j->cluster = vcd_xmalloc((n + 1) * sizeof *j->cluster);
    j->form = vcd_xmalloc((n + 1) * sizeof *j->form);
    j->text = vcd_xcalloc(n + 1, sizeof *j->text);
}

static void joined_free(joined *j)
{
    free(j->truth);
    free(j->pred);
    free(j->cluster);
    free(j->form);
    free(j->text);
}

static void join_state(const vcd_gold *g, const vcd_records *r, const vcd_strmap *state, joined *j,
                       vcd_cluster_eval *out)
{
    vcd_buf k = {0};
    for (size_t i = 0; i < g->n; i++) {
        const vcd_gold_mention *gm = &g->items[i];
        span_key(&k, gm->doc_id, gm->start, gm->end);
        size_t hit = vcd_strmap_get(state, k.data, k.len, SIZE_MAX);
        const vcd_record_mention *m = hit != SIZE_MAX ? &r->mentions[hit] : NULL;
        int linked = m && m->entity_id >= 0;
        j->truth[i] = gm->entity;
        j->cluster[i] = linked ? m->entity_id : -1;
        /* missed or noise: a cluster of its own, numbered after all entities */
        j->pred[i] = linked ? m->entity_id : (int64_t)(r->n_entities + i);
        j->text[i] = linked ? m->text : NULL;
        j->form[i] = gm->form;
        out->found += m != NULL;
        out->found_linked += linked;
    }
    vcd_buf_free(&k);
    out->missed = g->n - out->found;
    out->predicted_entities = r->n_entities;
}

/* The string baseline: one cluster per form, formless mentions alone. */
static void join_baseline(const vcd_gold *g, joined *j, vcd_cluster_eval *out)
{
    for (size_t i = 0; i < g->n; i++) {
        const vcd_gold_mention *gm = &g->items[i];
        j->truth[i] = gm->entity;
        j->cluster[i] = gm->form;
        j->pred[i] = gm->form >= 0 ? gm->form : (int64_t)(g->n_forms + i);
        j->form[i] = gm->form;
    }
    out->found = out->found_linked = g->n;
    out->predicted_entities = g->n_forms;
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

static vcd_form_pair_error pair_error(const vcd_gold *g, const vcd_form_vote *votes,
                                      vcd_form_pair_ref p)
{
    const vcd_form_vote *a = &votes[p.a], *b = &votes[p.b];
    return (vcd_form_pair_error){vcd_xstrdup(g->forms[p.a].surface),
                                 vcd_xstrdup(g->forms[p.b].surface),
                                 a->count,
                                 b->count,
                                 vcd_xstrdup(vcd_gold_entity_name(g, (int32_t)a->entity)),
                                 vcd_xstrdup(vcd_gold_entity_name(g, (int32_t)b->entity)),
                                 a->cluster,
                                 b->cluster};
}

static void list_errors(const vcd_gold *g, const vcd_form_vote *votes, size_t max, int merges,
                        vcd_form_pair_error **list, size_t *n)
{
    vcd_form_pair_ref *refs = vcd_xmalloc((max + 1) * sizeof *refs);
    *n = vcd_form_pair_errors(votes, g->n_forms, merges, max, refs);
    *list = vcd_xmalloc((*n + 1) * sizeof **list);
    for (size_t i = 0; i < *n; i++)
        (*list)[i] = pair_error(g, votes, refs[i]);
    free(refs);
}

static void score_forms(const vcd_gold *g, const joined *j, size_t max_errors,
                        vcd_cluster_eval *out)
{
    vcd_form_vote *votes = vcd_xmalloc((g->n_forms + 1) * sizeof *votes);
    vcd_form_pairs_compute(j->form, j->truth, j->cluster, j->n, g->n_forms, votes,
                           &out->form_pairs);
    for (size_t i = 0; i < j->n; i++)
        out->formless += j->form[i] < 0;
    list_errors(g, votes, max_errors, 1, &out->merges, &out->n_merges);
    list_errors(g, votes, max_errors, 0, &out->misses, &out->n_misses);
    free(votes);
}

/* Joins the gold mentions to the state's; the records stay loaded because
 * j->text borrows their mention text. */
static vcd_status eval_state(const vcd_cluster_eval_options *o, const vcd_gold *g, joined *j,
                             vcd_records *r, vcd_cluster_eval *out)
{
    if (!o->state_dir) return vcd_fail(VCD_EINPUT, "eval clusters: no state directory given");
    vcd_status rc = vcd_records_load(o->state_dir, r);
    if (rc) return rc;
    vcd_strmap *state = index_state_mentions(r);
    join_state(g, r, state, j, out);
    vcd_strmap_free(state);
    return VCD_OK;
}

vcd_status vcd_eval_clusters(const vcd_cluster_eval_options *o, vcd_cluster_eval *out)
{
    memset(out, 0, sizeof *out);
    vcd_gold g;
    vcd_status rc = vcd_gold_load(o->gold_path, &g, o->warn, o->warn_ctx);
    out->gold_lines = g.lines;
    out->skipped_lines = g.skipped;
    out->gold_mentions = g.n;
    if (rc) {
        vcd_gold_free(&g);
        return rc;
    }
    joined j = {0};
    joined_alloc(&j, g.n);
    vcd_records r = {0};
    int state = o->baseline == VCD_BASELINE_NONE;
    if (state)
        rc = eval_state(o, &g, &j, &r, out);
    else
        join_baseline(&g, &j, out);
    int loaded = state && rc == VCD_OK; /* a failed load has freed the records */
    if (!rc) rc = vcd_cluster_scores_compute(j.truth, j.pred, j.n, &out->scores);
    if (!rc) score_forms(&g, &j, o->max_errors, out);
    if (!rc && state)
        silhouette_of_state(o->state_dir, o->vectors_override, o->seed, &j, out, o->warn,
                            o->warn_ctx);
    if (loaded) vcd_records_free(&r);
    joined_free(&j);
    vcd_gold_free(&g);
    return rc;
}

static void free_errors(vcd_form_pair_error *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(e[i].surface_a);
        free(e[i].surface_b);
        free(e[i].entity_a);
        free(e[i].entity_b);
    }
    free(e);
}

void vcd_cluster_eval_free(vcd_cluster_eval *e)
{
    if (!e) return;
    free_errors(e->merges, e->n_merges);
    free_errors(e->misses, e->n_misses);
    e->merges = e->misses = NULL;
    e->n_merges = e->n_misses = 0;
}

static void ratio_json(vcd_buf *b, double x)
{
    if (x < 0)
        vcd_buf_puts(b, "null");
    else
        vcd_buf_printf(b, "%.17g", x);
}

void vcd_form_pairs_json(const vcd_form_pairs *p, vcd_buf *b)
{
    vcd_buf_printf(b,
                   "{\"forms\":%zu,\"same_entity_pairs\":%zu,\"together_pairs\":%zu,"
                   "\"correct_pairs\":%zu,\"recall\":",
                   p->forms, p->same_entity_pairs, p->together_pairs, p->correct_pairs);
    ratio_json(b, p->recall);
    vcd_buf_puts(b, ",\"precision\":");
    ratio_json(b, p->precision);
    vcd_buf_putc(b, '}');
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
