/* Ingest promises at their edges: the field size limit (a field of exactly
 * the limit is kept), hostile counts (beyond int64 they are absent, not
 * wrapped), duplicates of id-less rows (field boundaries matter), CRLF JSON
 * Lines with blank lines, the warning cap (20 shown, then a count), and
 * the Gregorian leap-year rule. */
#include "test.h"
#include "vcd/ingest.h"

typedef struct {
    int count;
    char first[512], last[512];
} warnings;

static void collect(void *ctx, const char *msg)
{
    warnings *w = ctx;
    if (w->count++ == 0) snprintf(w->first, sizeof w->first, "%s", msg);
    snprintf(w->last, sizeof w->last, "%s", msg);
}

static vcd_status parse(const char *data, vcd_ingest_options *o, vcd_corpus **c, warnings *w)
{
    o->warn = collect;
    o->warn_ctx = w;
    memset(w, 0, sizeof *w);
    return vcd_corpus_parse("t.csv", (const unsigned char *)data, strlen(data), o, c);
}

static void test_field_limit(void)
{
    vcd_ingest_options o = {0};
    o.max_field_bytes = 8;
    vcd_corpus *c;
    warnings w;
    CHECK(parse("id,text\n1,12345678\n2,123456789\n3,short\n", &o, &c, &w) == VCD_OK);
    CHECK(c->n_docs == 2 && c->stats.skipped_malformed == 1);
    CHECK(c->n_docs == 2 && strcmp(c->docs[0].text, "12345678") == 0);
    CHECK(w.count == 1 && strstr(w.first, "t.csv:3:"));
    vcd_corpus_free(c);
}

static void test_hostile_counts(void)
{
    vcd_ingest_options o = {0};
    vcd_corpus *c;
    warnings w;
    CHECK(parse("id,text,likes,replies\n"
                "1,a,99999999999999999999,1\n"
                "2,b,\"1,234\",-5\n"
                "3,c,922337203685477580,18446744073709551617\n",
                &o, &c, &w) == VCD_OK);
    CHECK(c->n_docs == 3);
    if (c->n_docs == 3) {
        CHECK(c->docs[0].likes == -1 && c->docs[0].replies == 1);
        CHECK(c->docs[1].likes == 1234 && c->docs[1].replies == -1);
        CHECK(c->docs[2].likes == 922337203685477580LL && c->docs[2].replies == -1);
    }
    CHECK(c->stats.bad_numbers == 3 && w.count == 3);
    vcd_corpus_free(c);
}

static void test_duplicates_without_ids(void)
{
    vcd_ingest_options o = {0};
    vcd_corpus *c;
    warnings w;
    /* the same strings, split differently between date and author: two rows */
    CHECK(parse("date,author,text\n"
                "2024-01-01,,hello\n"
                ",2024-01-01,hello\n"
                "2024-01-01,,hello\n",
                &o, &c, &w) == VCD_OK);
    CHECK(c->n_docs == 2 && c->stats.skipped_duplicate == 1);
    vcd_corpus_free(c);
}

static void test_crlf_jsonl(void)
{
    vcd_ingest_options o = {.format = VCD_FORMAT_JSONL};
    vcd_corpus *c;
    warnings w;
    CHECK(parse("{\"id\":\"a\",\"text\":\"one\"}\r\n\r\n{\"id\":\"b\",\"text\":\"two\"}\r\n\r\n",
                &o, &c, &w) == VCD_OK);
    CHECK(c->n_docs == 2 && c->stats.skipped_malformed == 0 && w.count == 0);
    CHECK(c->n_docs == 2 && strcmp(c->docs[1].text, "two") == 0);
    vcd_corpus_free(c);
}

static void test_warning_cap(void)
{
    vcd_buf csv = {0};
    vcd_buf_puts(&csv, "id,text,date\n");
    for (int i = 0; i < 31; i++)
        vcd_buf_printf(&csv, "%d,text %d,not a date\n", i, i);
    vcd_buf_putc(&csv, 0);
    vcd_ingest_options o = {0};
    vcd_corpus *c;
    warnings w;
    CHECK(parse(csv.data, &o, &c, &w) == VCD_OK);
    CHECK(c->n_docs == 31 && c->stats.bad_dates == 31);
    CHECK_MSG(w.count == 21, "%d warnings", w.count);
    CHECK_MSG(strstr(w.last, "11 more warnings not shown"), "%s", w.last);
    CHECK(strstr(w.first, "t.csv:2:"));
    vcd_corpus_free(c);
    vcd_buf_free(&csv);
}

/* Two columns fit one role ("comment" and "text"): the first one is used. */
static void test_first_column_wins(void)
{
    vcd_ingest_options o = {0};
    vcd_corpus *c;
    warnings w;
    CHECK(parse("id,comment,text,date,published_at\n1,first,second,2024-01-02,2025-05-05\n", &o, &c,
                &w) == VCD_OK);
    CHECK(c->n_docs == 1);
    if (c->n_docs == 1) {
        CHECK_MSG(strcmp(c->docs[0].text, "first") == 0, "%s", c->docs[0].text);
        CHECK(c->docs[0].time == 1704153600);
    }
    vcd_corpus_free(c);
}

static void test_leap_years(void)
{
    int64_t t;
    CHECK(vcd_parse_iso8601("2000-02-29", 10, &t) == VCD_OK && t == 951782400);
    CHECK(vcd_parse_iso8601("1900-02-29", 10, &t) == VCD_EINPUT);
    CHECK(vcd_parse_iso8601("2100-02-29", 10, &t) == VCD_EINPUT);
    CHECK(vcd_parse_iso8601("2400-02-29", 10, &t) == VCD_OK);
    CHECK(vcd_parse_iso8601("2023-04-31", 10, &t) == VCD_EINPUT);
    /* 24:00 is the end of the day; nothing later is a time of day */
    CHECK(vcd_parse_iso8601("2024-01-01T24:00:00Z", 20, &t) == VCD_OK && t == 1704153600);
    CHECK(vcd_parse_iso8601("2024-01-01T24:30:00Z", 20, &t) == VCD_EINPUT);
    CHECK(vcd_parse_iso8601("2024-01-01T24:00:01Z", 20, &t) == VCD_EINPUT);
    CHECK(vcd_parse_iso8601("2024-01-01T23:60:00Z", 20, &t) == VCD_EINPUT);
    CHECK(vcd_parse_iso8601("2024-01-01T00:00:00-05:00", 25, &t) == VCD_OK && t == 1704085200);
}

int main(void)
{
    test_field_limit();
    test_hostile_counts();
    test_duplicates_without_ids();
    test_crlf_jsonl();
    test_warning_cap();
    test_first_column_wins();
    test_leap_years();
    return test_finish();
}
