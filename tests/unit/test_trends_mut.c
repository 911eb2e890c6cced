/* The emerging test's decision rule on entities built to sit on each edge:
 * the Bonferroni correction (alpha over the number tested), the minimum
 * window count (x_w >= min_count is tested), the minimum ratio, and "new"
 * for an entity first seen exactly when the window starts. */
#include "test.h"
#include "vcd/trends.h"

enum { WEEKS = 12, PER_WEEK = 100, N_DOCS = WEEKS * PER_WEEK, MAX_MENTIONS = 1024 };

static vcd_record_doc docs[N_DOCS];
static vcd_record_mention ms[MAX_MENTIONS];
static size_t n_ms;

static size_t doc_at(int week, int k)
{
    return (size_t)week * PER_WEEK + (size_t)k;
}

/* Entity e in comments k0..k1-1 of weeks w0..w1-1. */
static void mention(int32_t e, int w0, int w1, int k0, int k1)
{
    for (int w = w0; w < w1; w++)
        for (int k = k0; k < k1; k++)
            if (n_ms < MAX_MENTIONS)
                ms[n_ms++] = (vcd_record_mention){(uint32_t)doc_at(w, k), 0, 1, e, 0, 0, "x"};
}

enum { BIG, EDGE, BONF, FRESH, QUIET, N_ENTITIES };

/* Window: the last 2 weeks (200 comments), baseline: the 10 before (1000). */
static void build(vcd_records *r, vcd_record_entity *ents, int64_t monday)
{
    static const char *names[N_ENTITIES] = {"big", "edge", "bonf", "fresh", "quiet"};
    for (int e = 0; e < N_ENTITIES; e++)
        ents[e] = (vcd_record_entity){e, (char *)names[e], 0, 0, NULL, 0};
    for (int w = 0; w < WEEKS; w++)
        for (int k = 0; k < PER_WEEK; k++)
            docs[doc_at(w, k)] =
                (vcd_record_doc){"d", "", NULL, monday + w * 7 * 86400 + k * 3600, 0, 0};
    n_ms = 0;
    /* big: 50 a week, then 90: ratio 1.8 (< 2) with a tiny p */
    mention(BIG, 0, 10, 0, 50);
    mention(BIG, 10, 12, 0, 90);
    /* edge: never before, exactly min_count (5) in the window */
    mention(EDGE, 11, 12, 10, 15);
    /* bonf: 10 before, 7 in the window: p = 0.0058, between alpha/4 and alpha */
    mention(BONF, 0, 10, 20, 21);
    mention(BONF, 10, 11, 20, 24);
    mention(BONF, 11, 12, 20, 23);
    /* fresh: first mention at the window's first second */
    mention(FRESH, 10, 12, 0, 6);
    /* quiet: 4 in the window, under min_count */
    mention(QUIET, 0, 10, 30, 32);
    mention(QUIET, 10, 12, 30, 32);
    memset(r, 0, sizeof *r);
    r->has_dates = 1;
    r->docs = docs;
    r->n_docs = N_DOCS;
    r->mentions = ms;
    r->n_mentions = n_ms;
    r->entities = ents;
    r->n_entities = N_ENTITIES;
}

static void test_decision_edges(void)
{
    int64_t monday = 0;
    CHECK(vcd_parse_iso8601("2026-03-02", 10, &monday) == VCD_OK);
    vcd_records r;
    vcd_record_entity ents[N_ENTITIES];
    build(&r, ents, monday);
    vcd_trends_options o;
    vcd_trends_options_default(&o);
    o.window = 2;
    o.baseline = 10;
    CHECK(o.min_count == 5 && o.alpha == 0.01 && o.min_ratio == 2.0);
    vcd_trends t;
    CHECK(vcd_trends_compute(&r, &o, &t) == VCD_OK);
    CHECK(t.window_total == 200 && t.baseline_total == 1000);
    const vcd_entity_trend *big = &t.entities[BIG], *edge = &t.entities[EDGE],
                           *bonf = &t.entities[BONF], *fresh = &t.entities[FRESH],
                           *quiet = &t.entities[QUIET];
    /* tested: x_w >= 5 and a baseline; quiet has 4 */
    CHECK(big->tested && edge->tested && bonf->tested && fresh->tested && !quiet->tested);
    CHECK(t.tested == 4);
    CHECK_NEAR(t.p_threshold, 0.01 / 4, 1e-15);
    /* big: significant but under the minimum ratio */
    CHECK(big->window_comments == 180 && big->baseline_comments == 500);
    CHECK_NEAR(big->ratio, 180 / (200 * 500.5 / 1001), 1e-12);
    CHECK(big->p_value < 1e-9 && !big->emerging);
    /* edge: exactly min_count, emerging */
    CHECK(edge->window_comments == 5 && edge->emerging);
    /* bonf: p between alpha / tested and alpha: not emerging after correction */
    CHECK(bonf->window_comments == 7 && bonf->baseline_comments == 10);
    CHECK(bonf->p_value > 0.0025 && bonf->p_value < 0.01 && bonf->ratio >= 2);
    CHECK(!bonf->emerging && !bonf->is_new);
    /* fresh: first seen at the window start counts as new */
    CHECK(fresh->first_seen == t.bucket_start[t.window_first]);
    CHECK(fresh->is_new && fresh->emerging);
    CHECK(!quiet->emerging && !big->is_new);
    vcd_trends_free(&t);

    /* With min_count 6 the edge entity is no longer tested (and alpha is
     * shared by three). */
    o.min_count = 6;
    CHECK(vcd_trends_compute(&r, &o, &t) == VCD_OK);
    CHECK(!t.entities[EDGE].tested && !t.entities[EDGE].emerging && t.tested == 3);
    CHECK_NEAR(t.p_threshold, 0.01 / 3, 1e-15);
    vcd_trends_free(&t);
}

/* Weighted series: each comment weighs 1 + its likes (replies), an absent
 * count (-1) as 0; an entity named twice in a comment counts it once. */
static void test_weighted_series(void)
{
    int64_t monday = 0;
    CHECK(vcd_parse_iso8601("2026-03-02", 10, &monday) == VCD_OK);
    vcd_record_doc d[4] = {{"a", "", NULL, monday, -1, -1},
                           {"b", "", NULL, monday + 3600, 4, 2},
                           {"c", "", NULL, monday + 7 * 86400, 0, -1},
                           {"e", "", NULL, monday + 7 * 86400 + 60, 10, 0}};
    vcd_record_mention m[4] = {{0, 0, 1, 0, 0, 0, "x"},
                               {1, 0, 1, 0, 0, 0, "x"},
                               {1, 2, 3, 0, 0, 0, "x"},
                               {2, 0, 1, 0, 0, 0, "x"}};
    vcd_record_entity ent = {0, "x", 0, 0, NULL, 0};
    vcd_records r = {0};
    r.has_dates = 1;
    r.docs = d;
    r.n_docs = 4;
    r.mentions = m;
    r.n_mentions = 4;
    r.entities = &ent;
    r.n_entities = 1;
    vcd_trends_options o;
    vcd_trends_options_default(&o);
    o.window = 1;
    o.baseline = 1;
    vcd_trends t;
    CHECK(vcd_trends_compute(&r, &o, &t) == VCD_OK);
    CHECK(t.n_buckets == 2);
    if (t.n_buckets == 2) {
        const vcd_trend_point *p0 = &t.entities[0].series[0], *p1 = &t.entities[0].series[1];
        CHECK(p0->mentions == 3 && p0->comments == 2 && p1->mentions == 1 && p1->comments == 1);
        CHECK_NEAR(p0->likes_weighted, 1 + 1 + 4, 0);
        CHECK_NEAR(p0->replies_weighted, 1 + 1 + 2, 0);
        CHECK_NEAR(p1->likes_weighted, 1, 0);
        CHECK_NEAR(p1->replies_weighted, 1, 0);
        CHECK_NEAR(p0->share, 1.0, 0);
        CHECK_NEAR(p1->share, 0.5, 1e-15);
    }
    CHECK(t.entities[0].mentions == 4 && t.entities[0].comments == 3);
    vcd_trends_free(&t);
}

int main(void)
{
    test_decision_edges();
    test_weighted_series();
    return test_finish();
}
