/* The HTML report on a small synthetic state: escaping of comment text,
 * one server-rendered detail per listed entity, known (KB-linked) versus new,
 * the emerging entity listed even beyond --top, the search keys, and a page
 * that is whole without dates. The browser test (tests/cli/report_browser.js)
 * checks what a reader sees; this one checks the markup. */
#include "test.h"
#include "vcd/report.h"

enum { WEEKS = 12, PER_WEEK = 30, REPORT_POINTS = 160 /* REPORT_MAX_POINTS */ };

static vcd_record_doc docs[WEEKS * PER_WEEK];
static vcd_record_mention ms[WEEKS * PER_WEEK];

/* "Acme" (KB-linked) in 4 comments a week; "Zorp" in 10 a week from week
 * 10 on, in a comment carrying markup. */
static void build(vcd_records *r, vcd_record_entity *ents)
{
    static vcd_record_alias acme[] = {{"Acme", 40}, {"ACME Corp", 8}};
    static vcd_record_alias zorp[] = {{"Zorp", 18}, {"Zørp", 2}};
    ents[0] = (vcd_record_entity){0, "Acme", 2, 48, acme, 2, "ticker:ACME"};
    ents[1] = (vcd_record_entity){1, "Zorp", 3, 20, zorp, 2, NULL};
    memset(r, 0, sizeof *r);
    r->has_dates = 1;
    r->input_path = "<in>.csv";
    r->entities = ents;
    r->n_entities = 2;
    int64_t monday = 0;
    CHECK(vcd_parse_iso8601("2026-03-02", 10, &monday) == VCD_OK);
    size_t nd = 0, nm = 0;
    for (int w = 0; w < WEEKS; w++)
        for (int k = 0; k < PER_WEEK; k++, nd++) {
            int entity = k < 4 ? 0 : (w >= 10 && k < 14) ? 1 : -1;
            char *text = entity == 0   ? "Acme again"
                         : entity == 1 ? "<img src=x onerror=alert(1)> Zorp & \"co\""
                                       : "nothing here";
            docs[nd] = (vcd_record_doc){"c1", "@me", text, monday + w * 7 * 86400 + k * 3600, k, 0};
            if (entity == 0) ms[nm++] = (vcd_record_mention){(uint32_t)nd, 0, 4, 0, 2, 0, "Acme"};
            if (entity == 1) ms[nm++] = (vcd_record_mention){(uint32_t)nd, 29, 33, 1, 3, 0, "Zorp"};
        }
    r->docs = docs;
    r->n_docs = nd;
    r->mentions = ms;
    r->n_mentions = nm;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void test_page(void)
{
    vcd_records r;
    vcd_record_entity ents[2];
    build(&r, ents);
    vcd_report_options o;
    vcd_report_options_default(&o);
    o.top_entities = 1; /* Zorp is listed because it is emerging */
    o.trends.window = 2;
    o.trends.baseline = 10;
    vcd_buf b = {0};
    CHECK(vcd_report_html(&r, &o, &b) == VCD_OK);
    vcd_buf_putc(&b, 0);
    const char *h = b.data;
    CHECK(count(h, "<script") == 1 && strstr(h, "<script>(function(){") != NULL);
    CHECK(strstr(h, "&lt;img src=x onerror=alert(1)&gt; <mark>Zorp</mark> &amp; &quot;co&quot;"));
    CHECK(!strstr(h, "<img") && strstr(h, "&lt;in&gt;.csv"));
    CHECK(count(h, "<details class=\"entity\"") == 2);
    CHECK(strstr(h, "id=\"e-0\"") && strstr(h, "id=\"e-1\"") && strstr(h, "href=\"#e-1\""));
    CHECK(count(h, "<tr class=\"entity\"") == 2 && strstr(h, "plus every emerging one"));
    CHECK(strstr(h, "data-status=\"known\" data-search=\"acme acme acme corp ticker:acme\""));
    /* the search key holds every alias, case-folded (vcd_match_key) */
    CHECK(strstr(h, "data-status=\"new\" data-search=\"zorp zorp z"));
    CHECK(strstr(h, "title=\"linked to the knowledge base: ticker:ACME\">known</span>"));
    CHECK(strstr(h, "<code>ticker:ACME</code>") && strstr(h, "not linked: newly discovered"));
    CHECK(count(h, "class=\"emerging-entity\"") == 1 && strstr(h, "first seen in window"));
    CHECK(count(h, "<svg class=\"bars\"") == 2 && count(h, "<svg class=\"spark\"") == 3);
    CHECK(strstr(h, "<td>Zørp</td><td class=\"n\">2</td>"));
    CHECK(strstr(h, "<b>360</b><span>comments</span>") && strstr(h, "id=\"n-known\"><b>1</b>"));
    CHECK(!strstr(h, "src=\"http") && !strstr(h, "href=\"http"));
    CHECK(b.len > 9 && strcmp(h + b.len - 9, "</html>\n") == 0);
    vcd_buf_free(&b);

    /* without dates: no timeline, the table and the details stay */
    r.has_dates = 0;
    vcd_buf c = {0};
    CHECK(vcd_report_html(&r, &o, &c) == VCD_OK);
    vcd_buf_putc(&c, 0);
    CHECK(strstr(c.data, "no dates") && !strstr(c.data, "<svg class=\"bars\""));
    CHECK(count(c.data, "<details class=\"entity\"") == 1 && !strstr(c.data, "first seen</th>"));
    vcd_buf_free(&c);
}

/* Eight years of days: the charts sum runs of days, the page stays small. */
static void test_long_span(void)
{
    vcd_records r;
    vcd_record_entity ents[2];
    build(&r, ents);
    docs[0].time -= 8 * 365 * 86400LL;
    vcd_report_options o;
    vcd_report_options_default(&o);
    o.trends.unit = VCD_BUCKET_DAY;
    vcd_buf b = {0};
    CHECK(vcd_report_html(&r, &o, &b) == VCD_OK);
    vcd_buf_putc(&b, 0);
    const char *bars = strstr(b.data, "<svg class=\"bars\""),
               *end = bars ? strstr(bars, "</svg>") : NULL;
    size_t rects = 0;
    for (const char *p = bars; p && p < end; p = strstr(p + 1, "<rect"))
        rects++;
    CHECK_MSG(end && rects > 100 && rects <= REPORT_POINTS + 2, "%zu bars", rects);
    CHECK_MSG(b.len < 200000, "%zu bytes", b.len);
    vcd_buf_free(&b);
}

int main(void)
{
    test_page();
    test_long_span();
    return test_finish();
}
