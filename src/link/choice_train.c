/* Fitting the match choice model on queries simulated from labelled forms.
 *
 * `eval match` holds aliases out of a state and asks for them; this asks
 * the same questions of the one run, without rebuilding it: an alias is
 * asked with its own form left out of the candidates (the answer is its
 * entity, if the entity has another form), and a name is asked with every
 * form of its entity left out (the answer is "none of these"). The query
 * is encoded as `match` encodes it, and its evidence is `match`'s: once
 * free-standing (for `choice`), and once with its occurrences in the
 * comments (for `choice_corpus`; a labelled form always occurs).
 *
 * Out of fold: the entity folds of the pair model; the model fit without
 * fold k's entities answers the queries about them. */
#include "link_internal.h"
#include "vcd/encode.h"
#include "vcd/linker_train.h"
#include "vcd/state.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    vcd_choice_candidate *cand;
    size_t n, cap;
    size_t *start;           /* n_episodes + 1 */
    int32_t *target, *asked; /* the answer (-1: none); the entity of the query */
    uint8_t *corpus;         /* asked with the comments (else free-standing) */
    size_t n_episodes, cap_episodes;
} episodes;

static void episodes_free(episodes *e)
{
    free(e->cand);
    free(e->start);
    free(e->target);
    free(e->asked);
    free(e->corpus);
}

/* Room for n more candidates and one more episode; where they go. */
static vcd_choice_candidate *reserve(episodes *e, size_t n)
{
    if (e->n + n > e->cap || !e->cand) {
        e->cap = 2 * (e->n + n) + 1;
        e->cand = vcd_xrealloc(e->cand, e->cap * sizeof *e->cand);
    }
    if (e->n_episodes + 2 > e->cap_episodes) {
        e->cap_episodes = 2 * (e->n_episodes + 2);
        e->start = vcd_xrealloc(e->start, e->cap_episodes * sizeof *e->start);
        e->target = vcd_xrealloc(e->target, e->cap_episodes * sizeof *e->target);
        e->asked = vcd_xrealloc(e->asked, e->cap_episodes * sizeof *e->asked);
        e->corpus = vcd_xrealloc(e->corpus, e->cap_episodes * sizeof *e->corpus);
    }
    if (e->n_episodes == 0) e->start[0] = 0;
    return e->cand + e->n;
}

static void push(episodes *e, size_t added, int32_t target, int32_t asked, uint8_t corpus)
{
    e->n += added;
    e->target[e->n_episodes] = target;
    e->asked[e->n_episodes] = asked;
    e->corpus[e->n_episodes] = corpus;
    e->start[++e->n_episodes] = e->n;
}

static void add_episode(episodes *e, const vcd_choice_input *in, int32_t target, int32_t asked,
                        uint8_t corpus)
{
    vcd_choice_candidate *at = reserve(e, in->n_forms);
    push(e, vcd_choice_candidates(in, at), target, asked, corpus);
}

/* The two questions about form q: x holds q's evidence against every form. */
static void ask_about(const vcd_link_run *run, const int32_t *ent, const size_t *n_forms_of,
                      size_t q, uint8_t corpus, vcd_choice_input *in, int32_t *form_entity,
                      uint64_t *mentions, episodes *out)
{
    int32_t e = ent[q];
    size_t n = run->forms.n;
    in->form_entity = form_entity;
    if (n_forms_of[e] >= 2) {
        memcpy(form_entity, ent, n * sizeof *form_entity);
        form_entity[q] = -1;
        mentions[e] -= run->forms.items[q].count;
        add_episode(out, in, e, e, corpus);
        mentions[e] += run->forms.items[q].count;
    }
    for (size_t f = 0; f < n; f++)
        form_entity[f] = ent[f] == e ? -1 : ent[f];
    add_episode(out, in, -1, e, corpus);
}

typedef struct {
    float *x, *p, *qv;
    int32_t *form_entity;
    uint32_t *form_mentions;
    uint64_t *mentions;
    size_t *n_forms_of;
} ask_scratch;

static void scratch_new(const vcd_link_run *run, const int32_t *ent, size_t n_entities,
                        ask_scratch *a)
{
    size_t n = run->forms.n ? run->forms.n : 1;
    a->x = vcd_xmalloc(n * VCD_EV_COUNT * sizeof *a->x);
    a->p = vcd_xmalloc(n * sizeof *a->p);
    a->qv = vcd_xmalloc(run->dim * sizeof *a->qv);
    a->form_entity = vcd_xmalloc(n * sizeof *a->form_entity);
    a->form_mentions = vcd_xmalloc(n * sizeof *a->form_mentions);
    a->mentions = vcd_xcalloc(n_entities ? n_entities : 1, sizeof *a->mentions);
    a->n_forms_of = vcd_xcalloc(n_entities ? n_entities : 1, sizeof *a->n_forms_of);
    for (size_t f = 0; f < run->forms.n; f++) {
        a->form_mentions[f] = run->forms.items[f].count;
        if (ent[f] < 0) continue;
        a->mentions[ent[f]] += run->forms.items[f].count;
        a->n_forms_of[ent[f]]++;
    }
}

static void scratch_free(ask_scratch *a)
{
    free(a->n_forms_of);
    free(a->mentions);
    free(a->form_mentions);
    free(a->form_entity);
    free(a->qv);
    free(a->p);
    free(a->x);
}

static void build_episodes(const vcd_link_run *run, const vcd_linker_model *model,
                           const int32_t *ent, size_t n_entities, episodes *out)
{
    size_t n = run->forms.n;
    ask_scratch a;
    scratch_new(run, ent, n_entities, &a);
    vcd_link_occurrences *occ =
        vcd_link_occurrences_build(run->corpus, &run->mentions, run->vectors);
    vcd_choice_input in = {a.x, n, a.form_entity, a.form_mentions, a.mentions};
    for (size_t q = 0; q < n; q++) {
        if (ent[q] < 0) continue;
        const char *text = run->forms.items[q].surface;
        size_t len = strlen(text), hashtag = text[0] == '#';
        vcd_encode_query(run->encoder, text, len, a.qv);
        for (uint8_t corpus = 0; corpus <= 1; corpus++)
            if (vcd_link_query_score(run->link_forms, model, corpus ? occ : NULL, text + hashtag,
                                     len - hashtag, a.qv, a.p, a.x) == corpus)
                ask_about(run, ent, a.n_forms_of, q, corpus, &in, a.form_entity, a.mentions, out);
    }
    vcd_link_occurrences_free(occ);
    scratch_free(&a);
}

/* The episodes of one kind whose query entity is (keep = 1) or is not
 * (keep = 0) in fold k; k = -1 keeps every one. */
static void select_fold(const episodes *all, const int32_t *fold, int32_t k, int keep,
                        uint8_t corpus, episodes *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < all->n_episodes; i++) {
        if (all->corpus[i] != corpus) continue;
        if (k >= 0 && (fold[all->asked[i]] == k) != keep) continue;
        size_t len = all->start[i + 1] - all->start[i];
        memcpy(reserve(out, len), all->cand + all->start[i], len * sizeof *out->cand);
        push(out, len, all->target[i], all->asked[i], corpus);
    }
}

/* The likeliest entity and its P, as `match` ranks (ties: lower id). */
static int32_t answer(const vcd_linker_choice *c, const vcd_choice_candidate *cand, size_t n,
                      double *p, double *top)
{
    vcd_choice_score(c, cand, n, NULL, p);
    int32_t best = -1;
    *top = 0;
    for (size_t i = 0; i < n; i++)
        if (best < 0 || p[i] > *top || (p[i] == *top && cand[i].entity < best)) {
            *top = p[i];
            best = cand[i].entity;
        }
    return best;
}

static void score_fold(const vcd_linker_choice *c, const episodes *test, vcd_linker_match_oof *r)
{
    double *p = vcd_xmalloc((test->n ? test->n : 1) * sizeof *p), top;
    for (size_t i = 0; i < test->n_episodes; i++) {
        size_t at = test->start[i], n = test->start[i + 1] - at;
        int32_t got = answer(c, test->cand + at, n, p, &top);
        if (test->target[i] >= 0)
            r->aliases++;
        else
            r->absent++;
        for (int g = 0; g < VCD_MATCH_GRID; g++) {
            int hit = got >= 0 && top >= VCD_MATCH_GRID_STEP * (g + 1);
            if (test->target[i] >= 0)
                r->top1[g] += hit && got == test->target[i];
            else
                r->no_match[g] += !hit;
        }
    }
    free(p);
}

static vcd_status fit_kind(const episodes *all, const int32_t *fold, int32_t k, uint8_t corpus,
                           double l2, vcd_linker_choice *c, vcd_linker_match_oof *oof)
{
    episodes train, test;
    select_fold(all, fold, k, 0, corpus, &train);
    vcd_status rc = VCD_OK;
    memset(c, 0, sizeof *c);
    if (train.n_episodes)
        rc = vcd_choice_fit(train.cand, train.start, train.target, train.n_episodes, l2, c);
    if (rc == VCD_OK && oof && c->fitted) {
        select_fold(all, fold, k, 1, corpus, &test);
        score_fold(c, &test, oof);
        episodes_free(&test);
    }
    episodes_free(&train);
    return rc;
}

/* The rule of VCD_MATCH_THRESHOLD on one out-of-fold grid (ties: the higher
 * threshold; none leaving 90% unmatched: the highest). */
static double pick_threshold(const vcd_linker_match_oof *m)
{
    int best = VCD_MATCH_GRID - 1;
    for (int g = VCD_MATCH_GRID - 1; g >= 0; g--)
        if (10 * m->no_match[g] >= 9 * m->absent &&
            (10 * m->no_match[best] < 9 * m->absent || m->top1[g] > m->top1[best]))
            best = g;
    return VCD_MATCH_GRID_STEP * (best + 1);
}

vcd_status vcd_choice_train(const vcd_link_run *run, const int32_t *ent, size_t n_entities,
                            const int32_t *fold, const vcd_linker_train_options *opt,
                            vcd_linker_model *model, vcd_linker_fit_report *report)
{
    episodes all = {0};
    build_episodes(run, model, ent, n_entities, &all);
    if (all.n_episodes == 0) {
        episodes_free(&all);
        return vcd_fail(VCD_EINPUT, "train-linker: no labelled forms to ask about");
    }
    vcd_status rc = VCD_OK;
    vcd_linker_choice c;
    /* match asks with the comments; every labelled form occurs in them */
    for (size_t k = 0; rc == VCD_OK && k < opt->folds; k++) {
        rc = fit_kind(&all, fold, (int32_t)k, 1, opt->l2, &c, &report->match[0]);
        if (!rc) rc = fit_kind(&all, fold, (int32_t)k, 0, opt->l2, &c, &report->match[1]);
    }
    if (!rc) rc = fit_kind(&all, fold, -1, 1, opt->l2, &model->choice_corpus, NULL);
    if (!rc) rc = fit_kind(&all, fold, -1, 0, opt->l2, &model->choice, NULL);
    model->choice_corpus.threshold = pick_threshold(&report->match[0]);
    model->choice.threshold = pick_threshold(&report->match[1]);
    episodes_free(&all);
    return rc;
}
