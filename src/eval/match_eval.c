/* `eval match`: the linking target measured end to end. A state built
 * without some aliases (and without some entities) must still send the
 * missing aliases to their entity and refuse the missing entities' names;
 * the scores of those answers, binned, show whether a score of 0.8 means
 * "right four times in five". */
#include "vcd/eval.h"
#include "vcd/fileio.h"
#include "vcd/state.h"
#include "vcd/strmap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The forms each entity owns (is the majority entity of), most frequent first. */
typedef struct {
    int32_t *forms;
    size_t *start; /* n_entities + 1 */
} ownership;

typedef struct {
    int32_t entity, form;
    size_t count;
    const char *key;
} owned_form;

static int compare_owned(const void *x, const void *y)
{
    const owned_form *a = x, *b = y;
    if (a->entity != b->entity) return a->entity < b->entity ? -1 : 1;
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    return strcmp(a->key, b->key);
}

static void ownership_build(const vcd_gold *g, ownership *w)
{
    owned_form *o = vcd_xmalloc((g->n_forms + 1) * sizeof *o);
    w->forms = vcd_xmalloc((g->n_forms + 1) * sizeof *w->forms);
    w->start = vcd_xcalloc(g->n_entities + 2, sizeof *w->start);
    for (size_t f = 0; f < g->n_forms; f++) {
        const vcd_gold_form *x = &g->forms[f];
        o[f] = (owned_form){x->entity, (int32_t)f, x->count, x->key};
        w->start[x->entity + 1]++;
    }
    for (size_t e = 0; e < g->n_entities; e++)
        w->start[e + 1] += w->start[e];
    qsort(o, g->n_forms, sizeof *o, compare_owned);
    for (size_t f = 0; f < g->n_forms; f++)
        w->forms[f] = o[f].form;
    free(o);
}

static size_t owned(const ownership *w, size_t e)
{
    return w->start[e + 1] - w->start[e];
}

typedef struct {
    int32_t form;
    int32_t entity; /* the gold entity a held-out query should find; -1: absent */
} query;

typedef struct {
    unsigned char *form_removed, *entity_removed;
    query *queries;
    size_t n_queries;
} split;

static size_t fraction_of(double frac, size_t n)
{
    double k = floor(frac * (double)n + 0.5);
    return k > (double)n ? n : (size_t)k;
}

/* Seeded choice of held-out forms and absent entities. */
static void split_build(const vcd_gold *g, const ownership *w, const vcd_match_eval_options *o,
                        uint64_t seed, split *s, vcd_match_eval_run *run)
{
    s->form_removed = vcd_xcalloc(g->n_forms + 1, 1);
    s->entity_removed = vcd_xcalloc(g->n_entities + 1, 1);
    s->queries = vcd_xmalloc((g->n_forms + 1) * sizeof *s->queries);
    s->n_queries = 0;
    unsigned char *held = vcd_xcalloc(g->n_entities + 1, 1);
    size_t *pool = vcd_xmalloc((g->n_entities + 1) * sizeof *pool), n = 0;
    vcd_rng rng;
    vcd_rng_seed(&rng, seed);
    for (size_t e = 0; e < g->n_entities; e++)
        if (owned(w, e) >= 2) pool[n++] = e;
    run->candidates = n;
    vcd_rng_shuffle(pool, n, &rng);
    for (size_t i = 0, k = fraction_of(o->holdout_frac, n); i < k; i++) {
        size_t e = pool[i], pick = 1 + (size_t)(vcd_rng_next(&rng) % (owned(w, e) - 1));
        int32_t f = w->forms[w->start[e] + pick];
        held[e] = 1;
        s->form_removed[f] = 1;
        s->queries[s->n_queries++] = (query){f, (int32_t)e};
    }
    run->heldout = s->n_queries;
    size_t with_forms = 0;
    n = 0;
    for (size_t e = 0; e < g->n_entities; e++) {
        with_forms += owned(w, e) > 0;
        if (owned(w, e) > 0 && !held[e]) pool[n++] = e;
    }
    vcd_rng_shuffle(pool, n, &rng);
    size_t k = fraction_of(o->absent_frac, with_forms);
    for (size_t i = 0; i < k && i < n; i++) {
        size_t e = pool[i];
        s->entity_removed[e] = 1;
        run->absent_entities++;
        for (size_t j = w->start[e]; j < w->start[e + 1]; j++) {
            s->form_removed[w->forms[j]] = 1;
            s->queries[s->n_queries++] = (query){w->forms[j], -1};
        }
    }
    run->absent_queries = s->n_queries - run->heldout;
    free(pool);
    free(held);
}

static void split_free(split *s)
{
    free(s->form_removed);
    free(s->entity_removed);
    free(s->queries);
}

static int kept(const vcd_gold *g, const split *s, size_t i)
{
    const vcd_gold_mention *m = &g->items[i];
    return !s->entity_removed[m->entity] && !(m->form >= 0 && s->form_removed[m->form]);
}

/* The reduced gold file: the kept mentions' lines, byte for byte. */
static vcd_status write_reduced(const vcd_gold *g, const split *s, const char *path,
                                vcd_match_eval_run *run)
{
    vcd_atomic_file f;
    vcd_status rc = vcd_atomic_open(&f, path);
    if (rc) return rc;
    for (size_t i = 0; i < g->n; i++) {
        if (!kept(g, s, i)) continue;
        fwrite(g->data + g->items[i].line_off, 1, g->items[i].line_len, f.fp);
        fputc('\n', f.fp);
        run->mentions_kept++;
    }
    return vcd_atomic_commit(&f);
}

typedef struct {
    int32_t state_entity, gold_entity;
} vote_pair;

static int compare_votes(const void *x, const void *y)
{
    const vote_pair *a = x, *b = y;
    if (a->state_entity != b->state_entity) return a->state_entity < b->state_entity ? -1 : 1;
    return (a->gold_entity > b->gold_entity) - (a->gold_entity < b->gold_entity);
}

/* Each state entity's majority gold entity over the kept gold mentions it
 * holds (ties: the smallest id); -1 for an entity holding none. */
static int32_t *state_entity_truth(const vcd_gold *g, const split *s, const vcd_records *r)
{
    vcd_strmap *gold = vcd_strmap_new();
    vcd_buf k = {0};
    int inserted;
    for (size_t i = 0; i < g->n; i++) {
        if (!kept(g, s, i)) continue;
        vcd_buf_clear(&k);
        vcd_buf_printf(&k, "%s\x1f%u\x1f%u", g->items[i].doc_id, (unsigned)g->items[i].start,
                       (unsigned)g->items[i].end);
        vcd_strmap_upsert(gold, k.data, k.len, (size_t)g->items[i].entity, &inserted);
    }
    vote_pair *v = vcd_xmalloc((r->n_mentions + 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < r->n_mentions; i++) {
        const vcd_record_mention *m = &r->mentions[i];
        if (m->entity_id < 0 || (size_t)m->entity_id >= r->n_entities) continue;
        vcd_buf_clear(&k);
        vcd_buf_printf(&k, "%s\x1f%u\x1f%u", r->docs[m->doc].id, (unsigned)m->start,
                       (unsigned)m->end);
        size_t e = vcd_strmap_get(gold, k.data, k.len, SIZE_MAX);
        if (e != SIZE_MAX) v[n++] = (vote_pair){m->entity_id, (int32_t)e};
    }
    qsort(v, n, sizeof *v, compare_votes);
    int32_t *truth = vcd_xmalloc((r->n_entities + 1) * sizeof *truth);
    size_t *best = vcd_xcalloc(r->n_entities + 1, sizeof *best);
    for (size_t e = 0; e < r->n_entities; e++)
        truth[e] = -1;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && !compare_votes(&v[j], &v[i]))
            j++;
        if (j - i > best[v[i].state_entity]) {
            best[v[i].state_entity] = j - i;
            truth[v[i].state_entity] = v[i].gold_entity;
        }
        i = j;
    }
    free(best);
    free(v);
    vcd_buf_free(&k);
    vcd_strmap_free(gold);
    return truth;
}

static size_t score_bin(double score)
{
    if (!(score > 0)) return 0;
    size_t b = (size_t)(score * VCD_MATCH_BINS);
    return b >= VCD_MATCH_BINS ? VCD_MATCH_BINS - 1 : b;
}

static char *dup_or_null(const char *s)
{
    return s ? vcd_xstrdup(s) : NULL;
}

static void ask(vcd_state *st, const vcd_gold *g, const query *q, const int32_t *truth,
                size_t n_entities, double threshold, vcd_match_eval_run *run)
{
    vcd_match_hit hit;
    size_t n = 0;
    const vcd_gold_form *f = &g->forms[q->form];
    if (vcd_state_match(st, f->surface, 1, 0.0, &hit, &n) != VCD_OK) n = 0;
    if (threshold < 0) threshold = vcd_state_match_threshold(st, f->surface);
    int matched = n && hit.score >= threshold;
    int32_t found =
        n && hit.entity_id >= 0 && (size_t)hit.entity_id < n_entities ? truth[hit.entity_id] : -1;
    int right = q->entity >= 0 && found == q->entity;
    if (n) {
        vcd_score_bin *b = &run->bins[score_bin(hit.score)];
        b->count++;
        b->correct += (size_t)right;
        b->score_sum += hit.score;
    }
    vcd_match_answer *a = &run->answers[run->n_answers++];
    *a = (vcd_match_answer){vcd_xstrdup(f->surface),
                            vcd_xstrdup(vcd_gold_entity_name(g, f->entity)),
                            q->entity < 0,
                            n ? dup_or_null(hit.name) : NULL,
                            found >= 0 ? vcd_xstrdup(vcd_gold_entity_name(g, found)) : NULL,
                            n ? dup_or_null(hit.evidence) : NULL,
                            n ? hit.score : 0.0,
                            q->entity < 0 ? !matched : right && matched};
    if (q->entity < 0) {
        run->absent_no_match += !matched;
        return;
    }
    run->heldout_top1_any += (size_t)right;
    run->heldout_correct += (size_t)(right && matched);
    run->heldout_no_match += !matched;
}

static vcd_status ask_all(const vcd_gold *g, const split *s, const char *state_dir,
                          double threshold, vcd_match_eval_run *run)
{
    vcd_records r;
    vcd_status rc = vcd_records_load(state_dir, &r);
    if (rc) return rc;
    run->state_entities = r.n_entities;
    int32_t *truth = state_entity_truth(g, s, &r);
    vcd_state *st;
    rc = vcd_state_open(state_dir, NULL, &st);
    run->answers = vcd_xcalloc(s->n_queries + 1, sizeof *run->answers);
    for (size_t i = 0; rc == VCD_OK && i < s->n_queries; i++)
        ask(st, g, &s->queries[i], truth, r.n_entities, threshold, run);
    if (rc == VCD_OK) vcd_state_close(st);
    free(truth);
    vcd_records_free(&r);
    return rc;
}

static vcd_status run_seed(const vcd_match_eval_options *o, const vcd_gold *g, const ownership *w,
                           const char *work, uint64_t seed, vcd_match_eval_run *run)
{
    memset(run, 0, sizeof *run);
    run->seed = seed;
    vcd_buf dir = {0};
    vcd_buf_printf(&dir, "%s/seed-%llu", work, (unsigned long long)seed);
    char *mentions = vcd_path_join(dir.data, "mentions.jsonl");
    char *state = vcd_path_join(dir.data, "state");
    split s;
    split_build(g, w, o, seed, &s, run);
    vcd_status rc = vcd_ensure_dir(dir.data);
    if (!rc) rc = write_reduced(g, &s, mentions, run);
    if (!rc && run->mentions_kept == 0)
        rc = vcd_fail(VCD_EINPUT, "eval match: seed %llu leaves no gold mention to cluster",
                      (unsigned long long)seed);
    if (!rc) {
        vcd_cluster_options c = *o->cluster;
        c.mentions_path = mentions;
        c.out_dir = state;
        vcd_cluster_report report;
        rc = vcd_run_cluster(&c, &report);
    }
    if (!rc) rc = ask_all(g, &s, state, o->threshold, run);
    split_free(&s);
    free(mentions);
    free(state);
    vcd_buf_free(&dir);
    return rc;
}

/* Mean, sample standard deviation, min and max of the defined rates. */
static void spread(const double *x, size_t n, double *mean, double *sd, double *lo, double *hi)
{
    *mean = *sd = *lo = *hi = -1;
    if (!n) return;
    double s = 0;
    *lo = *hi = x[0];
    for (size_t i = 0; i < n; i++) {
        s += x[i];
        *lo = fmin(*lo, x[i]);
        *hi = fmax(*hi, x[i]);
    }
    *mean = s / (double)n;
    double v = 0;
    for (size_t i = 0; i < n; i++)
        v += (x[i] - *mean) * (x[i] - *mean);
    *sd = n > 1 ? sqrt(v / (double)(n - 1)) : 0;
}

static void summarise(vcd_match_eval *e)
{
    double *top1 = vcd_xmalloc((e->n_runs + 1) * sizeof *top1);
    double *absent = vcd_xmalloc((e->n_runs + 1) * sizeof *absent);
    size_t nt = 0, na = 0;
    for (size_t i = 0; i < e->n_runs; i++) {
        const vcd_match_eval_run *r = &e->runs[i];
        if (r->heldout) top1[nt++] = (double)r->heldout_correct / (double)r->heldout;
        if (r->absent_queries)
            absent[na++] = (double)r->absent_no_match / (double)r->absent_queries;
        for (size_t b = 0; b < VCD_MATCH_BINS; b++) {
            e->bins[b].count += r->bins[b].count;
            e->bins[b].correct += r->bins[b].correct;
            e->bins[b].score_sum += r->bins[b].score_sum;
        }
    }
    spread(top1, nt, &e->top1_mean, &e->top1_sd, &e->top1_min, &e->top1_max);
    spread(absent, na, &e->absent_mean, &e->absent_sd, &e->absent_min, &e->absent_max);
    free(top1);
    free(absent);
}

static vcd_status check_options(const vcd_match_eval_options *o)
{
    if (!o->cluster || !o->gold_path) return vcd_fail(VCD_EINPUT, "eval match: needs --gold");
    if (!o->n_seeds) return vcd_fail(VCD_EINPUT, "eval match: no seed given");
    if (!(o->holdout_frac >= 0 && o->holdout_frac <= 1) ||
        !(o->absent_frac >= 0 && o->absent_frac <= 1))
        return vcd_fail(VCD_EINPUT, "eval match: fractions must be in 0..1");
    if (!(o->threshold >= 0 && o->threshold <= 1) && o->threshold != -1)
        return vcd_fail(VCD_EINPUT, "eval match: threshold must be in 0..1 (or -1: the model's)");
    return VCD_OK;
}

/* The work directory: the caller's, or a fresh temporary one. */
static vcd_status work_dir(const vcd_match_eval_options *o, char **dir, int *own)
{
    *own = o->work_dir == NULL;
    if (!*own) {
        *dir = vcd_xstrdup(o->work_dir);
        return vcd_ensure_dir(*dir);
    }
    const char *tmp = getenv("TMPDIR");
    vcd_buf b = {0};
    vcd_buf_printf(&b, "%s/vcd-eval-match-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(b.data)) {
        vcd_buf_free(&b);
        return vcd_fail(VCD_ERUNTIME, "eval match: cannot create a temporary directory");
    }
    *dir = b.data;
    return VCD_OK;
}

vcd_status vcd_eval_match(const vcd_match_eval_options *o, vcd_match_eval *out)
{
    memset(out, 0, sizeof *out);
    vcd_status rc = check_options(o);
    if (rc) return rc;
    vcd_gold g;
    rc = vcd_gold_load(o->gold_path, &g, o->warn, o->warn_ctx);
    out->gold_mentions = g.n;
    out->skipped_lines = g.skipped;
    char *dir = NULL;
    int own = 0;
    if (!rc) rc = work_dir(o, &dir, &own);
    if (!rc) {
        ownership w;
        ownership_build(&g, &w);
        out->runs = vcd_xcalloc(o->n_seeds, sizeof *out->runs);
        for (size_t i = 0; rc == VCD_OK && i < o->n_seeds; i++, out->n_runs++)
            rc = run_seed(o, &g, &w, dir, o->seeds[i], &out->runs[i]);
        free(w.forms);
        free(w.start);
        if (!rc) summarise(out);
    }
    if (own) vcd_remove_tree(dir);
    free(dir);
    vcd_gold_free(&g);
    return rc;
}

static void free_answers(vcd_match_eval_run *r)
{
    for (size_t i = 0; i < r->n_answers; i++) {
        vcd_match_answer *a = &r->answers[i];
        free(a->query);
        free(a->entity);
        free(a->hit);
        free(a->hit_entity);
        free(a->evidence);
    }
    free(r->answers);
}

void vcd_match_eval_free(vcd_match_eval *e)
{
    if (!e) return;
    for (size_t i = 0; i < e->n_runs; i++)
        free_answers(&e->runs[i]);
    free(e->runs);
    e->runs = NULL;
    e->n_runs = 0;
}
