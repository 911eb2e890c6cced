/* Buckets (UTC, ISO weeks, leap years, time zones), the Poisson burst
 * statistic on hand-computed cases, HTML escaping, and the trend test on a
 * small synthetic state. */
#include "test.h"
#include "vcd/report.h"
#include "vcd/trends.h"

static int64_t at(const char *iso)
{
    int64_t t = 0;
    CHECK_MSG(vcd_parse_iso8601(iso, strlen(iso), &t) == VCD_OK, "%s", iso);
    return t;
}

static void check_label(const char *iso, vcd_bucket_unit u, const char *want)
{
    char got[32];
    vcd_bucket_label(vcd_bucket_start(at(iso), u), u, got);
    CHECK_MSG(strcmp(got, want) == 0, "%s -> %s, want %s", iso, got, want);
}

static void test_buckets(void)
{
    /* ISO weeks: 2026-01-01 is a Thursday, so week 1 starts 2025-12-29 */
    check_label("2026-01-01", VCD_BUCKET_WEEK, "2026-W01");
    check_label("2025-12-29T00:00:00Z", VCD_BUCKET_WEEK, "2026-W01");
    check_label("2025-12-28T23:59:59Z", VCD_BUCKET_WEEK, "2025-W52");
    /* 2021-01-03 (Sunday) still belongs to 2020's week 53 */
    check_label("2021-01-03", VCD_BUCKET_WEEK, "2020-W53");
    check_label("2021-01-04", VCD_BUCKET_WEEK, "2021-W01");
    CHECK(vcd_bucket_start(at("2026-03-04T15:00:00Z"), VCD_BUCKET_WEEK) == at("2026-03-02"));
    /* time zones: 01:30 at +02:00 is the previous UTC day */
    check_label("2024-03-01T01:30:00+02:00", VCD_BUCKET_DAY, "2024-02-29");
    check_label("2024-02-29T23:30:00-01:00", VCD_BUCKET_DAY, "2024-03-01");
    /* leap years: February has 29 days in 2024 and 2000, 28 in 2100 */
    CHECK(vcd_bucket_next(at("2024-02-01"), VCD_BUCKET_MONTH) - at("2024-02-01") == 29 * 86400);
    CHECK(vcd_bucket_next(at("2000-02-01"), VCD_BUCKET_MONTH) - at("2000-02-01") == 29 * 86400);
    CHECK(vcd_bucket_next(at("2100-02-01"), VCD_BUCKET_MONTH) - at("2100-02-01") == 28 * 86400);
    CHECK(vcd_bucket_next(at("2025-12-01"), VCD_BUCKET_MONTH) == at("2026-01-01"));
    check_label("2024-02-29T12:00:00Z", VCD_BUCKET_MONTH, "2024-02");
    /* before the epoch, floor division keeps the bucket below the time */
    check_label("1969-12-31T23:00:00Z", VCD_BUCKET_DAY, "1969-12-31");
    check_label("1969-12-31T23:00:00Z", VCD_BUCKET_WEEK, "1970-W01");
}

static void test_poisson(void)
{
    /* P(X >= 5 | 2) = 1 - e^-2 (1 + 2 + 2 + 4/3 + 2/3) = 1 - 7 e^-2 */
    CHECK_NEAR(vcd_poisson_upper_tail(5, 2.0), 1 - 7 * exp(-2.0), 1e-14);
    CHECK_NEAR(vcd_poisson_upper_tail(0, 3.0), 1.0, 0);
    CHECK_NEAR(vcd_poisson_upper_tail(1, 3.0), 1 - exp(-3.0), 1e-14);
    /* below the mean: P(X >= 2 | 10) = 1 - 11 e^-10 */
    CHECK_NEAR(vcd_poisson_upper_tail(2, 10.0), 1 - 11 * exp(-10.0), 1e-14);
    /* far tail, no cancellation: P(X >= 30 | 1) = e^-1 / 30! (1 + 1/31 + 1/(31*32) + ...) */
    double tail = vcd_poisson_upper_tail(30, 1.0);
    CHECK_NEAR(
        tail / (exp(-1.0 - lgamma(31.0)) * (1 + 1.0 / 31 + 1.0 / (31 * 32) + 1.0 / (31 * 32 * 33))),
        1, 1e-6);
    /* a large mean does not underflow to 1 */
    CHECK(vcd_poisson_upper_tail(900, 1000.0) > 0.99 && vcd_poisson_upper_tail(900, 1000.0) < 1);
}

static void test_escape(void)
{
    vcd_buf b = {0};
    const char *evil = "<script>alert('x')</script> & \"q\" \xff\x01";
    vcd_html_escape(&b, evil, strlen(evil));
    CHECK(strcmp(b.data, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot; "
                         "\xEF\xBF\xBD ") == 0);
    vcd_buf_free(&b);
}

/* Ten steady weeks of "steady" (4 comments a week) and "riser" appearing
 * in the last two weeks with 10 comments each. */
static void test_burst_on_records(void)
{
    vcd_records r = {0};
    r.has_dates = 1;
    r.n_entities = 2;
    vcd_record_entity ents[2] = {{0, "steady", 0, 0, NULL, 0}, {1, "riser", 0, 0, NULL, 0}};
    r.entities = ents;
    vcd_record_doc docs[400];
    vcd_record_mention ms[400];
    size_t nd = 0, nm = 0;
    int64_t monday = at("2026-03-02");
    for (int w = 0; w < 12; w++) {
        for (int k = 0; k < 30; k++) {
            docs[nd] = (vcd_record_doc){"d", "", NULL, monday + w * 7 * 86400 + k * 3600, 0, 0};
            int entity = k < 4 ? 0 : (w >= 10 && k < 14) ? 1 : -1;
            if (entity >= 0) ms[nm++] = (vcd_record_mention){(uint32_t)nd, 0, 1, entity, 0, 0, "x"};
            nd++;
        }
    }
    r.docs = docs;
    r.n_docs = nd;
    r.mentions = ms;
    r.n_mentions = nm;
    vcd_trends_options o;
    vcd_trends_options_default(&o);
    o.window = 2;
    o.baseline = 10;
    vcd_trends t;
    CHECK(vcd_trends_compute(&r, &o, &t) == VCD_OK);
    CHECK(t.n_buckets == 12 && t.window_first == 10 && t.window_total == 60);
    CHECK(t.baseline_total == 300);
    const vcd_entity_trend *s = &t.entities[0], *x = &t.entities[1];
    CHECK(s->window_comments == 8 && s->baseline_comments == 40);
    CHECK_NEAR(s->expected, 60 * 40.5 / 301, 1e-9);
    CHECK(!s->emerging && !s->is_new);
    CHECK(x->window_comments == 20 && x->baseline_comments == 0);
    CHECK_NEAR(x->expected, 60 * 0.5 / 301, 1e-12);
    CHECK_NEAR(x->p_value, vcd_poisson_upper_tail(20, 60 * 0.5 / 301), 1e-300);
    CHECK(x->emerging && x->is_new);
    CHECK(t.tested == 2);
    CHECK(s->series[3].comments == 4 && fabs(s->series[3].share - 4.0 / 30) < 1e-12);
    vcd_trends_free(&t);
    r.has_dates = 0;
    CHECK(vcd_trends_compute(&r, &o, &t) == VCD_EINPUT);
    vcd_trends_free(&t);
}

int main(void)
{
    test_buckets();
    test_poisson();
    test_escape();
    test_burst_on_records();
    return test_finish();
}
