/* Matching a mention against known entities.
 *
 * A state linked by identity (the default) answers with the pair model's
 * query weights over the same evidence clustering used: the score is a
 * calibrated P(the query names this entity), the best over the entity's
 * aliases (link_query.c). A legacy state keeps its old score, which
 * combines three kinds of evidence, strongest first:
 *   exact alias    the query's match key is an alias of the entity      -> 1.0
 *   acronym        "AVP" <-> "Apple Vision Pro", either direction       -> 0.9
 *   similarity     0.6 * cosine(query, best alias vector)
 *                + 0.4 * trigram Dice(query key, best alias key)
 * Below the threshold the answer is "no match": a wrong entity is worse than
 * none for the analyst and for recall augmentation. */
#include "../state/state_internal.h"
#include "link_internal.h"
#include "vcd/link.h"
#include "vcd/linker.h"
#include "vcd/strmap.h"
#include "vcd/text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    double score, similarity, dice;
    int evidence; /* 0 similarity, 1 acronym, 2 exact */
    size_t alias;
    int seen;
} candidate;

static const char *evidence_name(int e)
{
    return e == 2 ? "exact-alias" : e == 1 ? "acronym" : "embedding";
}

static int hit_cmp(const void *x, const void *y)
{
    const vcd_match_hit *a = x, *b = y;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    if (a->size != b->size) return a->size > b->size ? -1 : 1;
    return (a->entity_id > b->entity_id) - (a->entity_id < b->entity_id);
}

static vcd_match_hit entity_hit(const vcd_state *s, size_t e, double score, double similarity,
                                const char *evidence, size_t alias_form)
{
    const vcd_record_entity *x = &s->entities[e];
    return (vcd_match_hit){(int32_t)e,
                           x->name,
                           vcd_type_name((vcd_entity_type)x->type),
                           x->size,
                           score,
                           similarity,
                           evidence,
                           s->forms[alias_form].surface};
}

/* Sorts the candidates best first, copies the top_k into hits, frees all. */
static void keep_best(vcd_match_hit *all, size_t n_all, size_t top_k, vcd_match_hit *hits,
                      size_t *n_hits)
{
    qsort(all, n_all, sizeof *all, hit_cmp);
    *n_hits = n_all < top_k ? n_all : top_k;
    memcpy(hits, all, *n_hits * sizeof *hits);
    free(all);
}

static void consider(candidate *c, int evidence, double sim, double dice, size_t form)
{
    double score = evidence == 2 ? 1.0 : evidence == 1 ? 0.9 : 0.6 * fmax(0, sim) + 0.4 * dice;
    if (evidence == 1) score = fmax(score, 0.6 * fmax(0, sim) + 0.4 * dice);
    if (!c->seen || score > c->score) {
        c->score = score;
        c->similarity = sim;
        c->dice = dice;
        c->evidence = evidence;
        c->alias = form;
        c->seen = 1;
    }
}

static vcd_status legacy_match(vcd_state *s, const char *query, size_t top_k, double threshold,
                               vcd_match_hit *hits, size_t *n_hits)
{
    *n_hits = 0;
    size_t qn = strlen(query);
    if (qn == 0 || qn > 1000) return vcd_fail(VCD_EINPUT, "match: query must be 1..1000 bytes");
    if (s->n_entities == 0 || s->n_forms == 0) return VCD_OK;
    size_t dim = vcd_encoder_dim(s->encoder);
    float *qv = vcd_xmalloc(dim * sizeof *qv);
    vcd_encode_query(s->encoder, query, qn, qv);
    vcd_buf key = {0};
    int hashtag = query[0] == '#';
    vcd_span_key(query + hashtag, qn - (size_t)hashtag, hashtag, &key);
    const char *qk = key.data ? key.data : "";
    candidate *cand = vcd_xcalloc(s->n_entities, sizeof *cand);
    /* Embedding evidence from the nearest forms. */
    size_t k = s->n_forms < 64 ? s->n_forms : 64;
    float *scores = vcd_xmalloc(k * sizeof *scores);
    int64_t *ids = vcd_xmalloc(k * sizeof *ids);
    vcd_status rc = vcd_index_search(s->index, qv, 1, k, scores, ids);
    for (size_t i = 0; rc == VCD_OK && i < k; i++) {
        if (ids[i] < 0 || (size_t)ids[i] >= s->n_forms) continue;
        const vcd_form *f = &s->forms[ids[i]];
        if (f->entity_id < 0) continue;
        consider(&cand[f->entity_id], 0, scores[i],
                 vcd_trigram_dice(qk, key.len, f->key, strlen(f->key)), (size_t)ids[i]);
    }
    /* Alias evidence over every alias: exact keys and acronyms are certain
     * enough that they must not depend on the embedding's top-k. */
    for (size_t f = 0; rc == VCD_OK && f < s->n_forms; f++) {
        const vcd_form *fm = &s->forms[f];
        if (fm->entity_id < 0) continue;
        size_t fk = strlen(fm->key);
        int evidence = -1;
        if (fk == key.len && memcmp(fm->key, qk, fk) == 0)
            evidence = 2;
        else if (vcd_is_acronym_of(query, qn, fm->surface, strlen(fm->surface)) ||
                 vcd_is_acronym_of(fm->surface, strlen(fm->surface), query, qn))
            evidence = 1;
        if (evidence < 0) continue;
        consider(&cand[fm->entity_id], evidence, 0.0, vcd_trigram_dice(qk, key.len, fm->key, fk),
                 f);
    }
    vcd_match_hit *all = vcd_xmalloc(s->n_entities * sizeof *all);
    size_t n_all = 0;
    for (size_t e = 0; rc == VCD_OK && e < s->n_entities; e++) {
        if (!cand[e].seen || cand[e].score < threshold) continue;
        all[n_all++] = entity_hit(s, e, cand[e].score, cand[e].similarity,
                                  evidence_name(cand[e].evidence), cand[e].alias);
    }
    keep_best(all, n_all, top_k, hits, n_hits);
    free(cand);
    free(scores);
    free(ids);
    free(qv);
    vcd_buf_free(&key);
    return rc;
}

/* The strongest rule behind a pair, for the analyst. */
static const char *primary_evidence(const float *x)
{
    static const vcd_evidence_feature order[] = {
        VCD_EV_SAME_LETTERS, VCD_EV_KB_SAME,    VCD_EV_ACRONYM,     VCD_EV_NICKNAME,
        VCD_EV_TOKEN_SUBSET, VCD_EV_LAST_TOKEN, VCD_EV_FIRST_TOKEN, VCD_EV_PLURAL,
        VCD_EV_PREFIX,       VCD_EV_EDIT,       VCD_EV_FIRST_LETTER};
    if (x[VCD_EV_SAME_LETTERS] > 0) return "exact-alias";
    for (size_t i = 0; i < sizeof order / sizeof *order; i++)
        if (x[order[i]] > 0) return vcd_evidence_name(order[i]);
    return "embedding";
}

/* A model without the choice weights: each entity's best pair P. */
static void best_pair_per_entity(const vcd_state *s, const float *p, long *best)
{
    for (size_t e = 0; e < s->n_entities; e++)
        best[e] = -1;
    for (size_t f = 0; f < s->n_forms; f++) {
        int32_t e = s->forms[f].entity_id;
        if (e < 0 || (size_t)e >= s->n_entities) continue;
        if (best[e] < 0 || p[f] > p[best[e]]) best[e] = (long)f;
    }
}

/* The choice model's inputs that depend on the state alone, built once
 * (freed by vcd_state_close). */
static void choice_tables(vcd_state *s)
{
    if (s->choice_form_entity) return;
    s->choice_form_entity = vcd_xmalloc((s->n_forms + 1) * sizeof *s->choice_form_entity);
    s->choice_form_mentions = vcd_xmalloc((s->n_forms + 1) * sizeof *s->choice_form_mentions);
    s->choice_entity_mentions =
        vcd_xmalloc((s->n_entities + 1) * sizeof *s->choice_entity_mentions);
    for (size_t f = 0; f < s->n_forms; f++) {
        int32_t e = s->forms[f].entity_id;
        s->choice_form_entity[f] = e >= 0 && (size_t)e < s->n_entities ? e : -1;
        s->choice_form_mentions[f] = s->forms[f].count;
    }
    for (size_t e = 0; e < s->n_entities; e++)
        s->choice_entity_mentions[e] = s->entities[e].size;
}

/* The choice model: p[f] becomes P(f's entity | query) at the entity's
 * candidate with the highest logit (best[e], shown as its evidence), and
 * 0 at every other form. */
static void choose(vcd_state *s, const vcd_linker_choice *choice, const float *x, float *p,
                   long *best)
{
    size_t n = s->n_forms;
    choice_tables(s);
    for (size_t f = 0; f < n; f++)
        p[f] = 0;
    for (size_t e = 0; e < s->n_entities; e++)
        best[e] = -1;
    vcd_choice_input in = {x, n, s->choice_form_entity, s->choice_form_mentions,
                           s->choice_entity_mentions};
    vcd_choice_candidate *cand = vcd_xmalloc(n * sizeof *cand);
    size_t k = vcd_choice_candidates(&in, cand);
    double *logit = vcd_xmalloc((k ? k : 1) * sizeof *logit);
    double *pe = vcd_xmalloc((k ? k : 1) * sizeof *pe);
    vcd_choice_score(choice, cand, k, logit, pe);
    double *top = vcd_xmalloc(s->n_entities * sizeof *top);
    for (size_t i = 0; i < k; i++) {
        int32_t e = cand[i].entity;
        if (best[e] >= 0 && logit[i] <= top[e]) continue;
        best[e] = (long)cand[i].form;
        top[e] = logit[i];
        p[cand[i].form] = (float)pe[i];
    }
    for (size_t i = 0; i < k; i++)
        if ((long)cand[i].form != best[cand[i].entity]) p[cand[i].form] = 0;
    free(top);
    free(pe);
    free(logit);
    free(cand);
}

static int mention_cmp(const void *a, const void *b)
{
    const vcd_mention *x = a, *y = b;
    if (x->doc != y->doc) return (x->doc > y->doc) - (x->doc < y->doc);
    return (x->byte_start > y->byte_start) - (x->byte_start < y->byte_start);
}

/* What an earlier, failed read_comments left (a later match tries again). */
static void drop_comments(vcd_state *s)
{
    if (s->records) vcd_records_free(s->records);
    free(s->records);
    free(s->corpus.docs);
    free(s->mentions.items);
    s->records = NULL;
    memset(&s->corpus, 0, sizeof s->corpus);
    memset(&s->mentions, 0, sizeof s->mentions);
}

/* The state's comments and mentions as the link facts read them; nothing
 * when the state has no comment text. A mention is placed in its comment by
 * state_record_mention, as `update` places the state's mentions; the rest
 * differs on purpose: match skips a mention it cannot place (it answers
 * from what it can read; update refuses a state it would extend), gives it
 * the state's form of its key (update builds the forms anew over old and
 * new comments) and needs neither the documents' other fields nor a state
 * with text. */
static vcd_status read_comments(vcd_state *s)
{
    drop_comments(s);
    s->records = vcd_xcalloc(1, sizeof *s->records);
    vcd_status rc = vcd_records_load(s->dir, s->records);
    if (rc) return rc;
    const vcd_records *r = s->records;
    for (size_t i = 0; i < r->n_docs; i++)
        if (!r->docs[i].text) return VCD_OK;
    s->corpus.docs = vcd_xcalloc(r->n_docs + 1, sizeof *s->corpus.docs);
    for (size_t i = 0; i < r->n_docs; i++)
        s->corpus.docs[i] = (vcd_doc){.id = r->docs[i].id, .text = r->docs[i].text};
    s->corpus.n_docs = s->corpus.cap = r->n_docs;
    vcd_strmap *form_of = vcd_strmap_new();
    for (size_t f = 0; f < s->n_forms; f++)
        vcd_strmap_upsert(form_of, s->forms[f].key, strlen(s->forms[f].key), f, NULL);
    vcd_buf key = {0};
    for (size_t i = 0; i < r->n_mentions; i++) {
        const vcd_record_mention *m = &r->mentions[i];
        vcd_mention x;
        if (!state_record_mention(r, i, &x)) continue; /* damaged: match answers without it */
        vcd_span_key(m->text, strlen(m->text), m->source == VCD_SRC_HASHTAG, &key);
        size_t f = vcd_strmap_get(form_of, key.data ? key.data : "", key.len, SIZE_MAX);
        if (f == SIZE_MAX) continue;
        x.form = (int32_t)f;
        vcd_mentions_push(&s->mentions, &x);
    }
    if (s->mentions.n) /* none placed: items is NULL, which qsort must not get */
        qsort(s->mentions.items, s->mentions.n, sizeof *s->mentions.items, mention_cmp);
    vcd_buf_free(&key);
    vcd_strmap_free(form_of);
    return VCD_OK;
}

/* The link facts of the state's forms (as clustering saw them, when the
 * state has its comments) and the index of the comments' words. */
static vcd_status build_link_facts(vcd_state *s)
{
    vcd_status rc = read_comments(s);
    if (rc) return rc;
    vcd_forms view = {s->forms, s->n_forms};
    vcd_link_input in = {&view, s->form_vectors, vcd_encoder_dim(s->encoder), s->kb, NULL, NULL,
                         NULL};
    if (s->corpus.n_docs) {
        in.corpus = &s->corpus;
        in.mentions = &s->mentions;
        in.words = s->vectors;
    }
    rc = vcd_link_forms_build(&in, &s->link_forms);
    if (!rc && in.corpus)
        s->occurrences = vcd_link_occurrences_build(&s->corpus, &s->mentions, s->vectors);
    return rc;
}

static vcd_status identity_match(vcd_state *s, const char *query, size_t top_k, double threshold,
                                 vcd_match_hit *hits, size_t *n_hits)
{
    size_t dim = vcd_encoder_dim(s->encoder), qn = strlen(query);
    if (!s->link_forms) {
        vcd_status rc = build_link_facts(s);
        if (rc) return rc;
    }
    int hashtag = query[0] == '#';
    float *qv = vcd_xmalloc(dim * sizeof *qv);
    vcd_encode_query(s->encoder, query, qn, qv);
    float *p = vcd_xmalloc(s->n_forms * sizeof *p);
    float *x = vcd_xmalloc(s->n_forms * VCD_EV_COUNT * sizeof *x);
    int found = vcd_link_query_score(s->link_forms, &s->linker, s->occurrences, query + hashtag,
                                     qn - (size_t)hashtag, qv, p, x);
    const vcd_linker_choice *choice = found ? &s->linker.choice_corpus : &s->linker.choice;
    long *best = vcd_xmalloc(s->n_entities * sizeof *best);
    if (choice->fitted)
        choose(s, choice, x, p, best);
    else
        best_pair_per_entity(s, p, best);
    vcd_match_hit *all = vcd_xmalloc((s->n_entities + 1) * sizeof *all);
    size_t n_all = 0;
    for (size_t e = 0; e < s->n_entities; e++) {
        if (best[e] < 0 || p[best[e]] < threshold) continue;
        const float *xe = x + (size_t)best[e] * VCD_EV_COUNT;
        all[n_all++] =
            entity_hit(s, e, p[best[e]], xe[VCD_EV_COSINE], primary_evidence(xe), (size_t)best[e]);
    }
    keep_best(all, n_all, top_k, hits, n_hits);
    free(best);
    free(x);
    free(p);
    free(qv);
    return VCD_OK;
}

double vcd_state_match_threshold(vcd_state *s, const char *query)
{
    size_t qn = strlen(query);
    if (!s->identity || qn == 0 || qn > 1000) return VCD_MATCH_THRESHOLD;
    if (!s->link_forms && build_link_facts(s) != VCD_OK) return VCD_MATCH_THRESHOLD;
    int hashtag = query[0] == '#';
    int found = link_query_occurs(s->occurrences, query + hashtag, qn - (size_t)hashtag);
    const vcd_linker_choice *c = found ? &s->linker.choice_corpus : &s->linker.choice;
    return c->fitted ? c->threshold : VCD_MATCH_THRESHOLD;
}

vcd_status vcd_state_match(vcd_state *s, const char *query, size_t top_k, double threshold,
                           vcd_match_hit *hits, size_t *n_hits)
{
    *n_hits = 0;
    size_t qn = strlen(query);
    if (qn == 0 || qn > 1000) return vcd_fail(VCD_EINPUT, "match: query must be 1..1000 bytes");
    if (s->n_entities == 0 || s->n_forms == 0) return VCD_OK;
    if (threshold < 0) threshold = vcd_state_match_threshold(s, query);
    return s->identity ? identity_match(s, query, top_k, threshold, hits, n_hits)
                       : legacy_match(s, query, top_k, threshold, hits, n_hits);
}
