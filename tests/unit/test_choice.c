/* The match choice model (which known entity, or none) and the query's
 * occurrences in the comments. */
#include "../../src/link/link_internal.h"
#include "test.h"
#include "vcd/linker.h"

#include <cJSON.h>
#include <math.h>

static vcd_choice_candidate candidate(int32_t entity, uint32_t form, float rule, float cosine)
{
    vcd_choice_candidate c;
    memset(&c, 0, sizeof c);
    c.entity = entity;
    c.form = form;
    c.x[VCD_EV_EDIT] = rule;
    c.x[VCD_EV_COSINE] = cosine;
    return c;
}

/* P(entity) sums the entity's candidates over 1 + all of them. */
static void test_score(void)
{
    vcd_linker_choice c = {{0}, 0.0, 1};
    c.w[VCD_EV_EDIT] = 1.0;
    vcd_choice_candidate cand[3] = {candidate(4, 0, 0, 0), candidate(2, 1, 1, 0),
                                    candidate(4, 2, 2, 0)};
    double p[3], logit[3];
    vcd_choice_score(&c, cand, 3, logit, p);
    double z = 1 + exp(0) + exp(1) + exp(2);
    CHECK(logit[0] == 0 && logit[1] == 1 && logit[2] == 2);
    CHECK(fabs(p[0] - (exp(0) + exp(2)) / z) < 1e-12 && p[0] == p[2]);
    CHECK(fabs(p[1] - exp(1) / z) < 1e-12);
    /* huge logits neither overflow nor lose the "none" option's share */
    c.bias = 800;
    vcd_choice_score(&c, cand, 3, NULL, p);
    CHECK(isfinite(p[0]) && isfinite(p[1]) && p[0] + p[1] <= 1.0 + 1e-12 && p[0] > p[1]);
}

/* Episodes drawn from a known model: the fit finds it again, the same
 * bytes twice, and an episode whose answer has no candidate changes
 * nothing. */
static void test_fit(void)
{
    enum { EPISODES = 4000, PER = 4 };
    vcd_linker_choice truth = {{0}, -1.0, 1};
    truth.w[VCD_EV_EDIT] = 2.0;
    truth.w[VCD_EV_COSINE] = 1.5;
    vcd_choice_candidate *cand = malloc((EPISODES + 1) * PER * sizeof *cand);
    size_t start[EPISODES + 2];
    int32_t target[EPISODES + 1];
    vcd_rng rng;
    vcd_rng_seed(&rng, 11);
    for (size_t k = 0; k < EPISODES; k++) {
        start[k] = k * PER;
        double p[PER];
        for (int i = 0; i < PER; i++)
            cand[k * PER + i] = candidate(i, (uint32_t)i, (float)(vcd_rng_uniform(&rng) * 2 - 1),
                                          (float)vcd_rng_uniform(&rng));
        vcd_choice_score(&truth, cand + k * PER, PER, NULL, p);
        double u = vcd_rng_uniform(&rng), acc = 0;
        target[k] = -1;
        for (int i = 0; i < PER && target[k] < 0; i++)
            if (u < (acc += p[i])) target[k] = i;
    }
    start[EPISODES] = EPISODES * PER;
    vcd_linker_choice a, b;
    CHECK(vcd_choice_fit(cand, start, target, EPISODES, 1e-3, &a) == VCD_OK && a.fitted);
    CHECK_MSG(fabs(a.w[VCD_EV_EDIT] - 2.0) < 0.15 && fabs(a.w[VCD_EV_COSINE] - 1.5) < 0.25 &&
                  fabs(a.bias + 1.0) < 0.15,
              "edit %.3f cosine %.3f bias %.3f", a.w[VCD_EV_EDIT], a.w[VCD_EV_COSINE], a.bias);
    CHECK(a.w[VCD_EV_PREFIX] == 0 && a.w[VCD_CHOICE_FORM_MENTIONS] == 0);
    /* one more episode, answered by an entity none of its candidates has */
    for (int i = 0; i < PER; i++)
        cand[EPISODES * PER + i] = candidate(i, (uint32_t)i, 1, 1);
    target[EPISODES] = 99;
    start[EPISODES + 1] = (EPISODES + 1) * PER;
    CHECK(vcd_choice_fit(cand, start, target, EPISODES + 1, 1e-3, &b) == VCD_OK);
    CHECK(memcmp(&a, &b, sizeof a) == 0);
    free(cand);
}

/* Candidates: rule forms always, apart forms and forms without an entity
 * never, and of the rest the nearest by cosine or by nearby comments. */
static void test_candidates(void)
{
    enum { N = 40 };
    float x[N * VCD_EV_COUNT] = {0};
    int32_t entity[N];
    uint32_t mentions[N];
    uint64_t entity_mentions[N];
    for (int f = 0; f < N; f++) {
        float *r = x + f * VCD_EV_COUNT;
        entity[f] = f;
        mentions[f] = 1;
        entity_mentions[f] = 3;
        r[VCD_EV_COSINE] = (float)f / N; /* the nearest are the last */
        r[VCD_EV_NO_RULE] = 1;
    }
    x[2 * VCD_EV_COUNT + VCD_EV_NO_RULE] = 0; /* form 2: a rule */
    x[3 * VCD_EV_COUNT + VCD_EV_NEARBY] = 0.5f;
    x[39 * VCD_EV_COUNT + VCD_EV_KB_DIFFERENT] = 1; /* apart */
    entity[38] = -1;
    vcd_choice_input in = {x, N, entity, mentions, entity_mentions};
    vcd_choice_candidate out[N];
    size_t n = vcd_choice_candidates(&in, out);
    /* 2 and 3, then the 16 nearest of 4..37 (22..37) */
    CHECK_MSG(n == 18, "%zu candidates", n);
    CHECK(n >= 3 && out[0].form == 2 && out[1].form == 3 && out[2].form == 22);
    CHECK(out[n - 1].form == 37 && out[n - 1].entity == 37);
    CHECK(fabsf(out[0].x[VCD_CHOICE_FORM_MENTIONS] - logf(2)) < 1e-6f &&
          fabsf(out[0].x[VCD_CHOICE_ENTITY_MENTIONS] - logf(4)) < 1e-6f);
}

static vcd_mention mention_at(uint32_t doc, uint32_t bs, uint32_t be, int32_t form)
{
    vcd_mention m;
    memset(&m, 0, sizeof m);
    m.doc = doc;
    m.start = m.byte_start = bs;
    m.end = m.byte_end = be;
    m.form = form;
    return m;
}

/* Occurrences: whole tokens, any case, a hashtag without its '#', a
 * mention inside an occurrence is no co-occurrence. */
static void test_occurrences(void)
{
    vcd_doc docs[4] = {{.text = "Floyd Mayweather won again"},
                       {.text = "nobody beats MAYWEATHER, said Floyd"},
                       {.text = "Mayweathers are not a thing"},
                       {.text = "#Mayweather forever"}};
    vcd_corpus c;
    memset(&c, 0, sizeof c);
    c.docs = docs;
    c.n_docs = c.cap = 4;
    vcd_mentions ms = {0};
    vcd_mention m[] = {mention_at(0, 0, 5, 0), mention_at(1, 30, 35, 0), mention_at(3, 1, 11, 1)};
    for (size_t i = 0; i < 3; i++)
        vcd_mentions_push(&ms, &m[i]);
    vcd_link_occurrences *o = vcd_link_occurrences_build(&c, &ms, NULL);
    link_query_facts q;
    CHECK(link_query_occurrences(o, "mayweather", 10, 2, &q) == 3);
    CHECK(q.count == 3 && q.n_docs == 3 && q.docs[0] == 0 && q.docs[1] == 1 && q.docs[2] == 3);
    CHECK(q.context == NULL); /* no word vectors */
    /* "Floyd" lies beside it in comments 0 and 1; form 1 is the hashtag itself */
    CHECK(q.cooccur[0] == 2 && q.cooccur[1] == 0);
    link_query_facts_free(&q);
    CHECK(link_query_occurrences(o, "Floyd Mayweather", 16, 2, &q) == 1);
    CHECK(q.cooccur[0] == 0); /* the mention "Floyd" is inside the occurrence */
    link_query_facts_free(&q);
    CHECK(link_query_occurrences(o, "Mayweather won", 14, 2, &q) == 1);
    link_query_facts_free(&q);
    CHECK(link_query_occurrences(o, "Floyd said", 10, 2, &q) == 0 && q.docs == NULL);
    CHECK(link_query_occurs(o, "MAYWEATHER", 10) && !link_query_occurs(o, "Floyd said", 10) &&
          !link_query_occurs(NULL, "Floyd", 5));
    CHECK(link_query_occurrences(o, "", 0, 2, &q) == 0);
    CHECK(link_query_occurrences(NULL, "Floyd", 5, 2, &q) == 0);
    vcd_link_occurrences_free(o);
    free(ms.items);
}

/* The model file: both choices round-trip; a model without them loads
 * unfitted; a damaged one is one error. */
static void test_model_json(void)
{
    vcd_linker_model m;
    memset(&m, 0, sizeof m);
    snprintf(m.encoder, sizeof m.encoder, "pooled");
    m.cannot_link = 0.1;
    m.choice.fitted = m.choice_corpus.fitted = 1;
    m.choice.w[VCD_EV_NEARBY] = 0.25;
    m.choice_corpus.w[VCD_CHOICE_ENTITY_MENTIONS] = -0.5;
    m.choice_corpus.bias = -3;
    m.choice_corpus.threshold = 0.15;
    char *json = vcd_linker_model_json(&m, NULL);
    vcd_linker_model back;
    CHECK(vcd_linker_model_parse("m", json, strlen(json), &back) == VCD_OK);
    CHECK(back.choice.fitted && back.choice_corpus.fitted);
    CHECK(back.choice.w[VCD_EV_NEARBY] == 0.25 && back.choice_corpus.bias == -3 &&
          back.choice_corpus.threshold == 0.15 &&
          back.choice_corpus.w[VCD_CHOICE_ENTITY_MENTIONS] == -0.5);
    cJSON *j = cJSON_Parse(json);
    cJSON_DeleteItemFromObject(j, "choice");
    cJSON *w = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "choice_corpus"), "weights");
    char *old = cJSON_Print(j);
    CHECK(vcd_linker_model_parse("m", old, strlen(old), &back) == VCD_OK);
    CHECK(!back.choice.fitted && back.choice_corpus.fitted);
    cJSON *t = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "choice_corpus"), "threshold");
    cJSON_SetNumberValue(t, 1.5);
    char *far = cJSON_Print(j);
    CHECK(vcd_linker_model_parse("m", far, strlen(far), &back) == VCD_EINPUT &&
          strstr(vcd_last_error(), "threshold"));
    free(far);
    cJSON_SetNumberValue(t, 0.25);
    cJSON_DeleteItemFromObject(w, "entity_mentions");
    char *bad = cJSON_Print(j);
    CHECK(vcd_linker_model_parse("m", bad, strlen(bad), &back) == VCD_EINPUT &&
          strstr(vcd_last_error(), "entity_mentions"));
    free(bad);
    free(old);
    cJSON_Delete(j);
    free(json);
}

int main(void)
{
    test_score();
    test_fit();
    test_candidates();
    test_occurrences();
    test_model_json();
    return test_finish();
}
