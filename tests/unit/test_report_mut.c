/* Every text field the report prints comes from the input: entity names,
 * aliases, KB ids, comment ids, authors, comment text, the input path. Here
 * each carries markup, quotes and an ampersand; none may reach the page raw,
 * in text or in an attribute (the search keys). */
#include "../../src/report/report_internal.h"
#include "test.h"
#include "vcd/report.h"
#include "vcd/text.h"

#define EVIL "<i>x\"y'&z"
#define EVIL_ESCAPED "&lt;i&gt;x&quot;y&#39;&amp;z"

enum { WEEKS = 12, PER_WEEK = 10 };

static vcd_record_doc docs[WEEKS * PER_WEEK];
static vcd_record_mention ms[WEEKS * PER_WEEK];

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void build(vcd_records *r, vcd_record_entity *ents)
{
    static vcd_record_alias a0[] = {{"N0" EVIL, 40}, {"A0" EVIL, 8}, {"B0" EVIL, 3}};
    static vcd_record_alias a1[] = {{"N1" EVIL, 16}, {"A1" EVIL, 4}};
    static char text[] = "t " EVIL " Acme";
    ents[0] = (vcd_record_entity){0, "N0" EVIL, 2, 48, a0, 3, "kb:" EVIL};
    ents[1] = (vcd_record_entity){1, "N1" EVIL, 3, 20, a1, 2, NULL};
    memset(r, 0, sizeof *r);
    r->has_dates = 1;
    r->input_path = "in" EVIL ".csv";
    r->entities = ents;
    r->n_entities = 2;
    int64_t monday = 0;
    CHECK(vcd_parse_iso8601("2026-03-02", 10, &monday) == VCD_OK);
    uint32_t at = (uint32_t)vcd_utf8_length(text, (size_t)(strstr(text, "Acme") - text));
    size_t nd = 0, nm = 0;
    for (int w = 0; w < WEEKS; w++)
        for (int k = 0; k < PER_WEEK; k++, nd++) {
            int entity = k < 4 ? 0 : (w >= 10 && k < 9) ? 1 : -1;
            docs[nd] =
                (vcd_record_doc){"d" EVIL, "@" EVIL, text, monday + w * 7 * 86400 + k * 3600, k, 0};
            if (entity >= 0)
                ms[nm++] = (vcd_record_mention){(uint32_t)nd, at, at + 4, entity, 2, 0, "Acme"};
        }
    r->docs = docs;
    r->n_docs = nd;
    r->mentions = ms;
    r->n_mentions = nm;
}

static void check_page(const char *h)
{
    /* nothing raw: no tag, no quote that could end an attribute, no bare '&' */
    CHECK_MSG(count(h, "<i>") == 0, "%zu raw <i>", count(h, "<i>"));
    CHECK_MSG(count(h, "x\"y") == 0, "%zu raw quotes", count(h, "x\"y"));
    CHECK_MSG(count(h, "'&z") == 0 && count(h, "&z") == 0, "raw ampersand");
    CHECK(strstr(h, "N0" EVIL_ESCAPED) && strstr(h, "N1" EVIL_ESCAPED));
    CHECK(strstr(h, "A0" EVIL_ESCAPED) && strstr(h, "A1" EVIL_ESCAPED));
    CHECK(strstr(h, "kb:" EVIL_ESCAPED) && strstr(h, "in" EVIL_ESCAPED ".csv"));
    CHECK(strstr(h, "d" EVIL_ESCAPED) && strstr(h, "@" EVIL_ESCAPED));
    CHECK(strstr(h, "t " EVIL_ESCAPED " <mark>Acme</mark>"));
    /* the search keys are attributes: escaped too */
    CHECK(strstr(h, "data-search=\"n0" EVIL_ESCAPED " n0" EVIL_ESCAPED " a0" EVIL_ESCAPED));
}

static void test_every_field_escaped(void)
{
    vcd_records r;
    vcd_record_entity ents[2];
    build(&r, ents);
    vcd_report_options o;
    vcd_report_options_default(&o);
    o.trends.window = 2;
    o.trends.baseline = 10;
    vcd_buf b = {0};
    CHECK(vcd_report_html(&r, &o, &b) == VCD_OK);
    vcd_buf_putc(&b, 0);
    check_page(b.data);
    /* the emerging entity is named in the emerging section too */
    CHECK(count(b.data, "N1" EVIL_ESCAPED) >= 3);
    vcd_buf_free(&b);
}

/* Bars are scaled to the largest count: it spans the plot, the others are
 * proportional, none leaves the chart. */
static void test_bar_scale(void)
{
    const char *labels[] = {"1", "2-3", "4+"};
    const size_t counts[] = {3, 6, 1};
    vcd_buf b = {0};
    report_bar_chart(&b, "sizes", labels, counts, 3);
    vcd_buf_putc(&b, 0);
    double y[3], h[3];
    size_t n = 0;
    for (const char *p = strstr(b.data, "<rect"); p && n < 3; p = strstr(p + 1, "<rect")) {
        const char *py = strstr(p, " y=\""), *ph = strstr(p, " height=\"");
        CHECK(py && ph && sscanf(py, " y=\"%lf", &y[n]) == 1 &&
              sscanf(ph, " height=\"%lf", &h[n]) == 1);
        n++;
    }
    CHECK(n == 3);
    if (n == 3) {
        CHECK(h[1] > 50 && y[0] >= 0 && y[1] >= 0 && y[2] >= 0);
        CHECK_NEAR(h[0] / h[1], 0.5, 0.01);
        CHECK_NEAR(h[2] / h[1], 1.0 / 6, 0.01);
        CHECK_NEAR(y[0] + h[0], y[1] + h[1], 0.11); /* one baseline */
    }
    vcd_buf_free(&b);
}

int main(void)
{
    test_every_field_escaped();
    test_bar_scale();
    return test_finish();
}
