/* Identity linking: evidence rules on hand-made forms, constrained linkage
 * (cannot-links are never crossed), the logistic fit, model files (hostile
 * ones too), and on the 58k real comments the principle that forms written
 * side by side in one comment, or naming different KB entries, never share
 * an entity. */
#include "test.h"
#include "vcd/fileio.h"
#include "vcd/linker.h"
#include "vcd/pipeline.h"
#include "../../src/link/link_internal.h"

#include <cJSON.h>
#include <math.h>

/* Forms with given surfaces, counts and unit vectors along axis i % dim. */
static void make_forms(vcd_forms *forms, const char *const *surfaces, const uint32_t *counts,
                       size_t n, float *vectors, size_t dim)
{
    forms->items = vcd_xcalloc(n, sizeof *forms->items);
    forms->n = n;
    vcd_buf key = {0};
    for (size_t i = 0; i < n; i++) {
        vcd_span_key(surfaces[i], strlen(surfaces[i]), 0, &key);
        forms->items[i].key = vcd_xstrdup(key.data);
        forms->items[i].surface = vcd_xstrdup(surfaces[i]);
        forms->items[i].count = counts[i];
        forms->items[i].entity_id = -1;
        forms->items[i].type = VCD_TYPE_PER;
        memset(vectors + i * dim, 0, dim * sizeof *vectors);
        vectors[i * dim + i % dim] = 1;
    }
    vcd_buf_free(&key);
}

static const vcd_link_pair *find_pair(const vcd_link_pairs *p, uint32_t a, uint32_t b)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->items[i].a == a && p->items[i].b == b) return &p->items[i];
    return NULL;
}

/* Hand-made forms, their link facts and candidate pairs; `same` (or -1)
 * gives form `same` the vector of form `same - 1`. */
typedef struct {
    vcd_forms forms;
    float *vec;
    vcd_link_forms *lf;
    vcd_link_pairs pairs;
} pair_fixture;

static void fixture_open(pair_fixture *t, const char *const *surfaces, const uint32_t *counts,
                         size_t n, long same, const uint8_t *types)
{
    size_t dim = 16;
    t->vec = vcd_xmalloc(n * dim * sizeof *t->vec);
    make_forms(&t->forms, surfaces, counts, n, t->vec, dim);
    for (size_t i = 0; types && i < n; i++)
        t->forms.items[i].type = types[i];
    if (same > 0)
        memcpy(t->vec + (size_t)same * dim, t->vec + (size_t)(same - 1) * dim,
               dim * sizeof *t->vec);
    vcd_link_input in = {&t->forms, t->vec, dim, NULL, NULL, NULL, NULL};
    CHECK(vcd_link_forms_build(&in, &t->lf) == VCD_OK);
    CHECK(vcd_link_candidates(t->lf, &t->pairs) == VCD_OK);
}

static void fixture_close(pair_fixture *t)
{
    vcd_link_pairs_free(&t->pairs);
    vcd_link_forms_free(t->lf);
    vcd_forms_free(&t->forms);
    free(t->vec);
}

static void test_evidence(void)
{
    const char *s[] = {"Charles Barkley",
                       "Barkley",
                       "Apple Vision Pro",
                       "AVP",
                       "iPhone 7",
                       "iPhone 8",
                       "Logan's",
                       "Logan",
                       "Barry Allen",
                       "Ray Allen",
                       "Philippines",
                       "Philipines",
                       "Disney cruises",
                       "DC",
                       "Democrats",
                       "Dems",
                       "Willie",
                       "Willy",
                       "YouTube",
                       "YouTubers",
                       "Jake Paul",
                       "Jake Pauler",
                       "Coop",
                       "Cooper",
                       "Christian",
                       "Christianity"};
    uint32_t counts[] = {14, 39, 5, 3,  39, 27,  3,  56, 8, 7, 44, 3,  1,
                         18, 8,  4, 27, 3,  405, 37, 22, 7, 2, 9,  29, 2};
    pair_fixture t;
    /* the two spellings (10, 11) are neighbours in the encoder's space */
    fixture_open(&t, s, counts, sizeof s / sizeof *s, 11, NULL);
    const vcd_link_pairs pairs = t.pairs;
    const vcd_link_pair *p;
    CHECK((p = find_pair(&pairs, 0, 1)) && p->x[VCD_EV_LAST_TOKEN] == 1 && !p->x[VCD_EV_NO_RULE]);
    CHECK((p = find_pair(&pairs, 2, 3)) && p->x[VCD_EV_ACRONYM] == 1);
    CHECK((p = find_pair(&pairs, 4, 5)) && p->x[VCD_EV_DIGITS_DIFFER] == 1 &&
          vcd_link_pair_apart(p->x));
    CHECK((p = find_pair(&pairs, 6, 7)) && p->x[VCD_EV_PLURAL] == 1);
    CHECK((p = find_pair(&pairs, 8, 9)) && p->x[VCD_EV_NAME_CONFLICT] == 1 &&
          vcd_link_pair_apart(p->x));
    /* "philipines": ten letters, one slip */
    CHECK((p = find_pair(&pairs, 10, 11)) && fabsf(p->x[VCD_EV_EDIT] - 0.8f) < 1e-6f);
    /* a phrase's initials are no acronym of it */
    p = find_pair(&pairs, 12, 13);
    CHECK(!p || (p->x[VCD_EV_ACRONYM] == 0 && p->x[VCD_EV_NO_RULE] == 1));
    /* a truncation keeps its plural, and the candidates propose it */
    CHECK((p = find_pair(&pairs, 14, 15)) && p->x[VCD_EV_PREFIX] == 1);
    /* two spellings of a diminutive ending are one slip: "willi" agrees */
    float x[VCD_EV_COUNT];
    link_evidence(t.lf, &t.lf->items[16], &t.lf->items[17], 0.0f, 0, 0, 0, x);
    CHECK(fabsf(x[VCD_EV_EDIT] - 0.3f) < 1e-6f && x[VCD_EV_NO_RULE] == 0);
    /* a noun derived from a name is another thing (no spelling evidence,
     * held apart); a four-letter name's -er is a truncation's end */
    static const uint32_t derived[][2] = {{18, 19}, {20, 21}, {24, 25}};
    for (size_t i = 0; i < 3; i++) {
        link_evidence(t.lf, &t.lf->items[derived[i][0]], &t.lf->items[derived[i][1]], 0.9f, 0, 0, 0,
                      x);
        CHECK_MSG(x[VCD_EV_PREFIX] == 0 && x[VCD_EV_EDIT] == 0 && x[VCD_EV_PLURAL] == 0 &&
                      x[VCD_EV_NAME_CONFLICT] == 1 && vcd_link_pair_apart(x),
                  "%s / %s", s[derived[i][0]], s[derived[i][1]]);
    }
    link_evidence(t.lf, &t.lf->items[22], &t.lf->items[23], 0.9f, 0, 0, 0, x);
    CHECK(x[VCD_EV_PREFIX] == 1 && !vcd_link_pair_apart(x));
    /* pairs come sorted and unique */
    for (size_t i = 1; i < pairs.n; i++)
        CHECK(
            pairs.items[i - 1].a < pairs.items[i].a ||
            (pairs.items[i - 1].a == pairs.items[i].a && pairs.items[i - 1].b < pairs.items[i].b));
    fixture_close(&t);
}

/* A compass word makes another place; "New" does for places only. */
static void test_qualified_places(void)
{
    const char *s[] = {"Ireland", "Northern Ireland", "England",  "New England",
                       "iPhone",  "new iPhone",       "Virginia", "West Virginia"};
    uint32_t counts[] = {20, 2, 24, 1, 86, 3, 5, 4};
    uint8_t types[] = {VCD_TYPE_LOC,     VCD_TYPE_LOC,     VCD_TYPE_LOC, VCD_TYPE_LOC,
                       VCD_TYPE_PRODUCT, VCD_TYPE_PRODUCT, VCD_TYPE_PER, VCD_TYPE_PER};
    pair_fixture t;
    fixture_open(&t, s, counts, sizeof s / sizeof *s, -1, types);
    float x[VCD_EV_COUNT];
    static const uint32_t apart[][2] = {{0, 1}, {2, 3}, {6, 7}};
    for (size_t i = 0; i < 3; i++) {
        link_evidence(t.lf, &t.lf->items[apart[i][0]], &t.lf->items[apart[i][1]], 0.9f, 0, 0, 0, x);
        CHECK_MSG(x[VCD_EV_LAST_TOKEN] == 0 && vcd_link_pair_apart(x), "%s / %s", s[apart[i][0]],
                  s[apart[i][1]]);
    }
    link_evidence(t.lf, &t.lf->items[4], &t.lf->items[5], 0.9f, 0, 0, 0, x);
    CHECK(x[VCD_EV_LAST_TOKEN] == 1 && !vcd_link_pair_apart(x));
    fixture_close(&t);
}

/* Two names with no rule between them are kept apart unless one longer
 * name the comments use holds both: "Galaxy S8" and "Samsung S8" shorten
 * "Samsung Galaxy S8"; "Kelly Clarkson" and "Kelly Rowland" stay apart. A
 * possessive is not a word: "Logan's" is a first-word alias of "Logan Paul". */
static void test_one_name_holds_both(void)
{
    const char *s[] = {"Galaxy S8",       "Samsung S8", "Samsung Galaxy S8", "Kelly Clarkson",
                       "Kelly Rowland",   "Logan's",    "Logan Paul",        "Logan\xe2\x80\x99s",
                       "Hillary Clinton", "Hillary",    "Clinton",           "Sydney Australia",
                       "Sydney",          "Australia"};
    uint32_t counts[] = {34, 12, 14, 9, 5, 3, 13, 2, 20, 30, 25, 5, 9, 40};
    const uint8_t P = VCD_TYPE_PRODUCT, H = VCD_TYPE_PER, L = VCD_TYPE_LOC;
    const uint8_t types[] = {P, P, P, H, H, H, H, H, H, H, H, L, L, L};
    pair_fixture t;
    fixture_open(&t, s, counts, sizeof s / sizeof *s, -1, types);
    const vcd_link_pairs pairs = t.pairs;
    const vcd_link_pair *p;
    CHECK((p = find_pair(&pairs, 0, 1)) && p->x[VCD_EV_NO_RULE] == 1 &&
          p->x[VCD_EV_NAME_CONFLICT] == 0 && !vcd_link_pair_apart(p->x));
    CHECK((p = find_pair(&pairs, 3, 4)) && p->x[VCD_EV_NAME_CONFLICT] == 1 &&
          vcd_link_pair_apart(p->x));
    CHECK((p = find_pair(&pairs, 5, 6)) && p->x[VCD_EV_FIRST_TOKEN] == 1 &&
          p->x[VCD_EV_NAME_CONFLICT] == 0);
    CHECK((p = find_pair(&pairs, 6, 7)) && p->x[VCD_EV_FIRST_TOKEN] == 1);
    /* the given and family name of a person the comments name whole are
     * aliases through that name, even written side by side once; a city and
     * its country are two, however often "Sydney Australia" is written */
    float x[VCD_EV_COUNT];
    const link_form *f = t.lf->items;
    link_evidence(t.lf, &f[9], &f[10], 0, 1, 0, 0, x);
    CHECK(x[VCD_EV_NO_RULE] == 0 && x[VCD_EV_COOCCUR] == 0);
    link_evidence(t.lf, &f[9], &f[10], 0, 20, 0, 0, x); /* more often apart than whole */
    CHECK(x[VCD_EV_NO_RULE] == 1 && x[VCD_EV_COOCCUR] > 0 && vcd_link_pair_apart(x));
    link_evidence(t.lf, &f[12], &f[13], 0, 1, 0, 0, x);
    CHECK(x[VCD_EV_NO_RULE] == 1 && vcd_link_pair_apart(x));
    fixture_close(&t);
}

/* "Kelly" fits both full names; the two full names are kept apart; so it
 * joins the likelier one and never both. */
static void test_cannot_link(void)
{
    const char *names[] = {"Kelly", "Kelly Clarkson", "Kelly Rowland"};
    uint32_t counts[] = {9, 5, 4};
    float vec[3 * 4];
    vcd_forms forms;
    make_forms(&forms, names, counts, 3, vec, 4);
    vcd_link_input in = {&forms, vec, 4, NULL, NULL, NULL, NULL};
    vcd_link_forms *lf;
    CHECK(vcd_link_forms_build(&in, &lf) == VCD_OK);
    vcd_link_pair items[3];
    memset(items, 0, sizeof items);
    items[0] = (vcd_link_pair){.a = 0, .b = 1, .p = 0.9f}; /* kelly ~ kelly clarkson */
    items[1] = (vcd_link_pair){.a = 0, .b = 2, .p = 0.8f}; /* kelly ~ kelly rowland */
    items[2] = (vcd_link_pair){.a = 1, .b = 2, .p = 0.0f}; /* the two full names */
    vcd_link_pairs pairs = {items, 3, 3};
    int32_t labels[3];
    CHECK(vcd_link_cluster(&pairs, lf, 0.5, 0.02, labels) == 1);
    CHECK(labels[0] == labels[1] && labels[2] == -1);
    /* without the constraint (the ablation) single linkage chains all three */
    CHECK(vcd_link_cluster(&pairs, lf, 0.5, 0.0, labels) == 1);
    CHECK(labels[0] == labels[1] && labels[1] == labels[2]);
    /* the two full names are kept apart even when they are no candidate
     * pair: the merge itself compares them */
    vcd_link_pairs two = {items, 2, 2};
    CHECK(vcd_link_cluster(&two, lf, 0.5, 0.02, labels) == 1);
    CHECK(labels[0] == labels[1] && labels[2] == -1);
    vcd_link_forms_free(lf);
    vcd_forms_free(&forms);
    /* a form seen once is linked after the frequent ones: "Colbert" ~ the
     * one-off "Replace Colbert" has the higher P, yet "Colbert" goes with
     * "Stephen Colbert" (seen twice), and the one-off stays alone */
    const char *colbert[] = {"Colbert", "Replace Colbert", "Stephen Colbert"};
    uint32_t seen[] = {30, 1, 3};
    make_forms(&forms, colbert, seen, 3, vec, 4);
    CHECK(vcd_link_forms_build(&in, &lf) == VCD_OK);
    items[1].p = 0.95f;
    CHECK(vcd_link_cluster(&pairs, lf, 0.5, 0.02, labels) == 1);
    CHECK(labels[0] == labels[2] && labels[1] == -1);
    /* a pair with no alias rule never joins, however likely */
    items[1].p = 0.8f;
    items[0].x[VCD_EV_NO_RULE] = 1;
    CHECK(vcd_link_cluster(&pairs, lf, 0.5, 0.02, labels) == 1);
    CHECK(labels[0] == labels[2] && labels[1] == -1);
    vcd_link_forms_free(lf);
    vcd_forms_free(&forms);
}

/* The fit recovers the sign of a feature that separates the labels, and is
 * calibrated: mean P equals the positive rate on the training pairs. */
static void test_fit(void)
{
    size_t n = 400;
    vcd_link_pairs pairs = {vcd_xcalloc(n, sizeof(vcd_link_pair)), n, n};
    uint8_t *y = vcd_xmalloc(n);
    vcd_rng rng;
    vcd_rng_seed(&rng, 7);
    size_t positives = 0;
    for (size_t i = 0; i < n; i++) {
        float cos = (float)vcd_rng_uniform(&rng);
        pairs.items[i].x[VCD_EV_COSINE] = cos;
        y[i] = vcd_rng_uniform(&rng) < cos * cos;
        positives += y[i];
    }
    vcd_linker_weights w, w2;
    CHECK(vcd_linker_fit(&pairs, y, 0.1, &w) == VCD_OK);
    CHECK(w.w[VCD_EV_COSINE] > 2);
    double mean = 0;
    for (size_t i = 0; i < n; i++)
        mean += vcd_linker_prob(&w, pairs.items[i].x);
    CHECK_NEAR(mean / n, (double)positives / n, 0.01);
    CHECK(vcd_linker_fit(&pairs, y, 0.1, &w2) == VCD_OK);
    CHECK(memcmp(&w, &w2, sizeof w) == 0);
    free(pairs.items);
    free(y);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_model_files(void)
{
    vcd_linker_model m;
    CHECK(vcd_linker_model_load(vcd_linker_default_path(), &m) == VCD_OK);
    CHECK(m.cannot_link > 0 && m.cannot_link < 0.5);
    /* round trip */
    char *json = vcd_linker_model_json(&m, NULL);
    char path[] = "/tmp/vcd_linker_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd >= 0) close(fd);
    write_file(path, json);
    vcd_linker_model m2;
    CHECK(vcd_linker_model_load(path, &m2) == VCD_OK);
    CHECK_NEAR(m2.pair.bias, m.pair.bias, 1e-9);
    CHECK_NEAR(m2.query.w[VCD_EV_COSINE], m.query.w[VCD_EV_COSINE], 1e-9);
    free(json);
    const char *bad[] = {
        "",
        "{",
        "[]",
        "{\"schema\":\"vcdiscover.linker/1\"}",
        "{\"schema\":\"vcdiscover.linker/1\",\"encoder\":\"pooled\","
        "\"cannot_link\":0.7,\"pair\":{},\"query\":{}}",
        "{\"schema\":\"vcdiscover.linker/1\",\"encoder\":\"pooled\","
        "\"cannot_link\":0.02,\"pair\":{\"bias\":1,\"weights\":{\"cosine\":1e400}},"
        "\"query\":{}}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        write_file(path, bad[i]);
        CHECK_MSG(vcd_linker_model_load(path, &m2) == VCD_EINPUT, "bad model %zu accepted", i);
    }
    unlink(path);
}

/* On real comments: no entity holds two forms that a comment writes side by
 * side without an alias relation, or that name two KB entries. */
static void test_principle_on_comments(void)
{
    const char *input = test_shared_path("data/youtube/comments.txt");
    if (access(input, R_OK) != 0) {
        printf("SKIP: %s absent\n", input);
        return;
    }
    vcd_cluster_options o;
    vcd_cluster_options_default(&o);
    o.input = input;
    o.ingest.format = VCD_FORMAT_TXT;
    o.vectors_path = VCD_DATA_DIR "/vectors/glove-wiki-100d.vcdv";
    if (access(o.vectors_path, R_OK) != 0) o.vectors_path = NULL;
    o.gazetteer_path = VCD_DATA_DIR "/gazetteer.tsv";
    vcd_link_run run;
    vcd_cluster_report r;
    CHECK(vcd_link_run_prepare(&o, &run, &r) == VCD_OK);
    vcd_linker_model m;
    CHECK(vcd_linker_model_load(vcd_linker_default_path(), &m) == VCD_OK);
    vcd_linker_score(&m, &run.pairs);
    int32_t *labels = vcd_xmalloc(run.forms.n * sizeof *labels);
    vcd_link_cluster(&run.pairs, run.link_forms, 0.5, m.cannot_link, labels);
    size_t apart = 0, violated = 0;
    for (size_t i = 0; i < run.pairs.n; i++) {
        const vcd_link_pair *p = &run.pairs.items[i];
        if (!vcd_link_pair_apart(p->x)) continue;
        apart++;
        violated += labels[p->a] >= 0 && labels[p->a] == labels[p->b];
    }
    CHECK_MSG(apart > 1000 && violated == 0, "%zu of %zu apart pairs share an entity", violated,
              apart);
    /* and over every two forms of one entity, candidate pairs or not: no two
     * KB entries, no two full names no rule relates */
    size_t within = 0, kb_mixed = 0, names_mixed = 0;
    for (size_t a = 0; a < run.forms.n; a++)
        for (size_t b = a + 1; b < run.forms.n; b++) {
            if (labels[a] < 0 || labels[a] != labels[b]) continue;
            within++;
            kb_mixed +=
                (size_t)link_kb_conflict(&run.link_forms->items[a], &run.link_forms->items[b]);
            names_mixed += (size_t)link_names_conflict(run.link_forms, (uint32_t)a, (uint32_t)b);
        }
    CHECK_MSG(within > 1000 && kb_mixed == 0 && names_mixed == 0,
              "of %zu same-entity form pairs, %zu name two KB entries, %zu two full names", within,
              kb_mixed, names_mixed);
    printf("58k comments: %zu forms, %zu candidate pairs, %zu kept apart, 0 joined\n", run.forms.n,
           run.pairs.n, apart);
    free(labels);
    vcd_link_run_free(&run);
}

/* Order lift of ten forms in 2,000 comments: each form's mentions in one
 * run of comments (an export's order), the same counts spread over the
 * file (a shuffle), and no comment positions at all. */
static double lift_of(uint32_t (*doc_of)(uint32_t form, uint32_t k), int with_mentions)
{
    const char *s[] = {"Alpha",   "Bravo", "Charlie", "Delta", "Echo",
                       "Foxtrot", "Golf",  "Hotel",   "India", "Juliett"};
    uint32_t counts[10];
    for (size_t f = 0; f < 10; f++)
        counts[f] = 20;
    vcd_forms forms;
    float vec[10 * 16];
    make_forms(&forms, s, counts, 10, vec, 16);
    vcd_mentions ms = {0};
    for (uint32_t d = 0; d < 2000; d++) /* sorted by document, as the pipeline gives them */
        for (uint32_t f = 0; f < 10; f++)
            for (uint32_t k = 0; k < 20; k++)
                if (doc_of(f, k) == d) {
                    vcd_mention m = {0};
                    m.doc = d;
                    m.form = (int32_t)f;
                    vcd_mentions_push(&ms, &m);
                }
    vcd_link_input in = {&forms, vec, 16, NULL, NULL, with_mentions ? &ms : NULL, NULL};
    vcd_link_forms *lf;
    double lift = -1;
    if (vcd_link_forms_build(&in, &lf) == VCD_OK) {
        lift = vcd_link_forms_order_lift(lf);
        vcd_link_forms_free(lf);
    }
    vcd_mentions_free(&ms);
    vcd_forms_free(&forms);
    return lift;
}

static uint32_t in_one_run(uint32_t f, uint32_t k)
{
    return 200 * f + 3 * k;
}

/* A seeded shuffle: a fixed 64-bit mix of (form, k). */
static uint32_t spread(uint32_t f, uint32_t k)
{
    uint64_t x = (uint64_t)(20u * f + k + 1) * 0x9E3779B97F4A7C15ull;
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 29;
    return (uint32_t)(x % 2000u);
}

static void test_order_lift(void)
{
    double ordered = lift_of(in_one_run, 1), shuffled = lift_of(spread, 1);
    CHECK_MSG(ordered > 0.5, "one run per form: lift %.3f", ordered);
    CHECK_MSG(shuffled < VCD_LINK_ORDER_MIN_LIFT && shuffled > -VCD_LINK_ORDER_MIN_LIFT,
              "spread over the file: lift %.3f", shuffled);
    CHECK(lift_of(in_one_run, 0) == 0);
}

int main(void)
{
    test_evidence();
    test_qualified_places();
    test_one_name_holds_both();
    test_cannot_link();
    test_fit();
    test_model_files();
    test_order_lift();
    test_principle_on_comments();
    return test_finish();
}
