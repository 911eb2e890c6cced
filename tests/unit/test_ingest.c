/* Ingest: CSV edge cases, hostile rows, other formats, ISO 8601 dates. */
#include "test.h"
#include "vcd/ingest.h"

typedef struct {
    int count;
    char last[512];
} warnings;

static void collect(void *ctx, const char *msg)
{
    warnings *w = ctx;
    w->count++;
    snprintf(w->last, sizeof w->last, "%s", msg);
}

static vcd_status parse(const char *name, const char *data, size_t len, vcd_corpus **c, warnings *w)
{
    vcd_ingest_options o = {0};
    o.warn = collect;
    o.warn_ctx = w;
    memset(w, 0, sizeof *w);
    return vcd_corpus_parse(name, (const unsigned char *)data, len, &o, c);
}

static void test_basic_csv(void)
{
    const char *csv = "\xEF\xBB\xBFID,Date,Author,Likes,Replies,Comment\r\n"
                      "a1,2024-03-01T10:00:00Z,bob,3,1,\"Hello, \"\"world\"\"\"\r\n"
                      "a2,2024-03-02,amy,,0,\"multi\nline\"\r\n"
                      "a3,2024-03-02 12:00:00+02:00,x,1,2,   \r\n"
                      "a1,2024-03-01T10:00:00Z,bob,3,1,dup\r\n";
    vcd_corpus *c;
    warnings w;
    CHECK(parse("t.csv", csv, strlen(csv), &c, &w) == VCD_OK);
    CHECK(c->n_docs == 2);
    CHECK(strcmp(c->docs[0].id, "a1") == 0);
    CHECK(strcmp(c->docs[0].text, "Hello, \"world\"") == 0);
    CHECK(c->docs[0].likes == 3 && c->docs[0].replies == 1);
    CHECK(c->docs[0].time == 1709287200);
    CHECK(strcmp(c->docs[1].text, "multi\nline") == 0);
    CHECK(c->docs[1].likes == -1);
    CHECK(c->stats.skipped_empty == 1);
    CHECK(c->stats.skipped_duplicate == 1);
    CHECK(c->has_date_column && c->has_likes_column);
    CHECK(vcd_corpus_find(c, "a2") == 1 && vcd_corpus_find(c, "zz") == -1);
    vcd_corpus_free(c);
}

static void test_bad_rows(void)
{
    /* invalid UTF-8, a NUL byte, a wrong field count and a bad date */
    const char csv[] = "id,text,date\n"
                       "1,ok,2024-01-01\n"
                       "2,bad \xff\xfe utf8,2024-01-01\n"
                       "3,nul \0 byte,2024-01-01\n"
                       "4,too,many,fields\n"
                       "5,fine,not-a-date\n";
    vcd_corpus *c;
    warnings w;
    CHECK(parse("bad.csv", csv, sizeof csv - 1, &c, &w) == VCD_OK);
    CHECK(c->n_docs == 2);
    CHECK(c->stats.skipped_invalid_utf8 == 1);
    CHECK(c->stats.skipped_malformed == 2);
    CHECK(c->stats.bad_dates == 1);
    CHECK(c->docs[1].time == VCD_NO_DATE);
    CHECK(w.count == 4);
    CHECK_MSG(strstr(w.last, "bad.csv:6:") != NULL, "%s", w.last);
    vcd_corpus_free(c);
}

static void test_structural_errors(void)
{
    vcd_corpus *c;
    warnings w;
    CHECK(parse("e.csv", "", 0, &c, &w) == VCD_EINPUT);
    CHECK(strstr(vcd_last_error(), "empty file") != NULL);
    CHECK(parse("h.csv", "ID,Comment\n", 11, &c, &w) == VCD_EINPUT);
    CHECK(strstr(vcd_last_error(), "no usable comments") != NULL);
    const char *nocol = "ID,Date,Body2\n1,2024-01-01,x\n";
    CHECK(parse("m.csv", nocol, strlen(nocol), &c, &w) == VCD_EINPUT);
    CHECK_MSG(strstr(vcd_last_error(), "columns found: ID, Date, Body2") != NULL, "%s",
              vcd_last_error());
    const char *semi = "ID;Date;Comment\n1;2024-01-01;hello\n";
    CHECK(parse("s.csv", semi, strlen(semi), &c, &w) == VCD_EINPUT);
    CHECK(strstr(vcd_last_error(), "delimiter") != NULL);
    vcd_ingest_options o = {.delimiter = ';'};
    CHECK(vcd_corpus_parse("s.csv", (const unsigned char *)semi, strlen(semi), &o, &c) == VCD_OK);
    CHECK(c->n_docs == 1 && strcmp(c->docs[0].text, "hello") == 0);
    vcd_corpus_free(c);
    o = (vcd_ingest_options){.text_column = "Body2"};
    CHECK(vcd_corpus_parse("m.csv", (const unsigned char *)nocol, strlen(nocol), &o, &c) == VCD_OK);
    vcd_corpus_free(c);
    CHECK(vcd_corpus_load("/nonexistent/file.csv", NULL, &c) == VCD_EINPUT);
}

static void test_unbalanced_and_huge(void)
{
    const char *unb = "id,text\n1,fine\n2,\"never closed\n3,lost\n";
    vcd_corpus *c;
    warnings w;
    CHECK(parse("u.csv", unb, strlen(unb), &c, &w) == VCD_OK);
    CHECK(c->n_docs == 1 && c->stats.skipped_malformed == 1);
    vcd_corpus_free(c);
    size_t big = 10u << 20;
    char *huge = malloc(big + 64);
    strcpy(huge, "id,text\n1,ok\n2,");
    size_t k = strlen(huge);
    memset(huge + k, 'x', big);
    strcpy(huge + k + big, "\n3,after\n");
    CHECK(parse("big.csv", huge, strlen(huge), &c, &w) == VCD_OK);
    CHECK(c->n_docs == 2 && c->stats.skipped_malformed == 1);
    CHECK(strcmp(c->docs[1].text, "after") == 0);
    vcd_corpus_free(c);
    free(huge);
}

/* A field is cut as it is read (fed in 64 KiB pieces): far beyond a small
 * limit, quoted with "" escapes and spaces after its closing quote, or
 * unquoted with trailing spaces, and the parser still finds where it ends. */
static void test_cut_field(void)
{
    size_t big = 300000;
    vcd_buf b = {0};
    vcd_buf_puts(&b, "id,text\n1,ok\n2,\"");
    for (size_t i = 0; i < big / 10; i++)
        vcd_buf_puts(&b, "ab \"\" ,\ncd");
    vcd_buf_puts(&b, "\"   \n3,");
    for (size_t i = 0; i < big; i++)
        vcd_buf_putc(&b, 'y');
    vcd_buf_puts(&b, "     \n4,after both\n");
    vcd_ingest_options o = {0};
    warnings w = {0};
    o.warn = collect;
    o.warn_ctx = &w;
    o.max_field_bytes = 100;
    vcd_corpus *c;
    CHECK(vcd_corpus_parse("cut.csv", (const unsigned char *)b.data, b.len, &o, &c) == VCD_OK);
    CHECK(c->n_docs == 2 && c->stats.skipped_malformed == 2 && w.count == 2);
    CHECK(strstr(w.last, "cut.csv:30004: field longer than 100 bytes") != NULL);
    CHECK(c->n_docs == 2 && strcmp(c->docs[1].text, "after both") == 0);
    vcd_corpus_free(c);
    /* JSON Lines: a line beyond 8 x the limit is skipped before cJSON copies it */
    vcd_buf_clear(&b);
    vcd_buf_puts(&b, "{\"text\":\"ok\"}\n{\"text\":\"");
    for (size_t i = 0; i < 1000; i++)
        vcd_buf_putc(&b, 'z');
    vcd_buf_puts(&b, "\"}\n{\"text\":\"after\"}\n");
    CHECK(vcd_corpus_parse("cut.jsonl", (const unsigned char *)b.data, b.len, &o, &c) == VCD_OK);
    CHECK(c->n_docs == 2 && c->stats.skipped_malformed == 1);
    CHECK(strstr(w.last, "cut.jsonl:2: line of 1011 bytes") != NULL);
    vcd_corpus_free(c);
    vcd_buf_free(&b);
}

static int count_entries(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p && fscanf(p, "%d", &n) != 1) n = -1;
    if (p) pclose(p);
    return n;
}

/* Spilled text reads back exactly as heap text, after its pages are
 * dropped too, and leaves no file behind. */
static void test_spill(void)
{
    const char *csv = "Date,Author,Comment\n"
                      "2024-01-01,amy,\"Caf\xc3\xa9 \"\"one\"\"\"\n"
                      "2024-01-01,amy,\"Caf\xc3\xa9 \"\"one\"\"\"\n"
                      "2024-01-01,bob,\"Caf\xc3\xa9 \"\"one\"\"\"\n"
                      "2024-01-02,,\"two\nlines\"\n";
    char dir[] = "/tmp/vcd-spill-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    vcd_ingest_options o = {0};
    vcd_corpus *heap, *spill;
    CHECK(vcd_corpus_parse("s.csv", (const unsigned char *)csv, strlen(csv), &o, &heap) == VCD_OK);
    o.spill_dir = dir;
    CHECK(vcd_corpus_parse("s.csv", (const unsigned char *)csv, strlen(csv), &o, &spill) == VCD_OK);
    CHECK(count_entries(dir) == 0);
    /* id-less rows: a duplicate only when date, author and text all match */
    CHECK(heap->n_docs == 3 && spill->n_docs == 3 && heap->stats.skipped_duplicate == 1);
    vcd_corpus_text_done(spill, spill->n_docs);
    for (size_t i = 0; i < 3 && spill->n_docs == 3; i++) {
        const vcd_doc *a = &heap->docs[i], *b = &spill->docs[i];
        CHECK(strcmp(a->id, b->id) == 0 && strcmp(a->text, b->text) == 0 &&
              strcmp(a->author, b->author) == 0 && a->time == b->time &&
              a->n_codepoints == b->n_codepoints);
    }
    CHECK(spill->n_docs == 3 && strcmp(spill->docs[2].text, "two\nlines") == 0);
    vcd_corpus_free(heap);
    vcd_corpus_free(spill);
    o.spill_dir = "/nonexistent/dir";
    CHECK(vcd_corpus_parse("s.csv", (const unsigned char *)csv, strlen(csv), &o, &spill) ==
          VCD_ERUNTIME);
    rmdir(dir);
}

static void test_txt_and_jsonl(void)
{
    const char *txt = "first comment\r\n\nsecond one\n";
    vcd_ingest_options o = {.format = VCD_FORMAT_TXT};
    vcd_corpus *c;
    CHECK(vcd_corpus_parse("x", (const unsigned char *)txt, strlen(txt), &o, &c) == VCD_OK);
    CHECK(c->n_docs == 2 && strcmp(c->docs[1].id, "3") == 0 && !c->has_date_column);
    vcd_corpus_free(c);
    const char *jl =
        "{\"id\": 7, \"text\": \"caf\\u00e9\", \"date\": \"2024-02-29\", \"likes\": 4}\n"
        "not json\n"
        "{\"body\": \"other\"}\n"
        "{\"nope\": 1}\n";
    o.format = VCD_FORMAT_JSONL;
    CHECK(vcd_corpus_parse("x", (const unsigned char *)jl, strlen(jl), &o, &c) == VCD_OK);
    CHECK(c->n_docs == 2 && strcmp(c->docs[0].id, "7") == 0 && c->docs[0].likes == 4);
    CHECK(strcmp(c->docs[0].text, "caf\xc3\xa9") == 0);
    CHECK(c->docs[0].time == 1709164800);
    CHECK(c->stats.skipped_malformed == 2);
    vcd_corpus_free(c);
}

static void test_nfc(void)
{
    /* e + combining acute becomes the precomposed character */
    const char *csv = "id,text\n1,cafe\xcc\x81\n";
    vcd_corpus *c;
    warnings w;
    CHECK(parse("n.csv", csv, strlen(csv), &c, &w) == VCD_OK);
    CHECK(strcmp(c->docs[0].text, "caf\xc3\xa9") == 0 && c->docs[0].n_codepoints == 4);
    vcd_corpus_free(c);
}

static void test_dates(void)
{
    int64_t t;
    CHECK(vcd_parse_iso8601("1970-01-01", 10, &t) == VCD_OK && t == 0);
    CHECK(vcd_parse_iso8601("2024-02-29T23:59:59Z", 20, &t) == VCD_OK && t == 1709251199);
    CHECK(vcd_parse_iso8601("2024-03-01T01:00:00+02:00", 25, &t) == VCD_OK && t == 1709247600);
    /* 01:00 at -01:30 is 02:30 UTC */
    CHECK(vcd_parse_iso8601("2024-03-01T01:00:00.123-0130", 28, &t) == VCD_OK &&
          t == 1709251200 + 9000);
    CHECK(vcd_parse_iso8601("20240301", 8, &t) == VCD_OK && t == 1709251200);
    CHECK(vcd_parse_iso8601("2023-02-29", 10, &t) == VCD_EINPUT);
    CHECK(vcd_parse_iso8601("2024-13-01", 10, &t) == VCD_EINPUT);
    CHECK(vcd_parse_iso8601("yesterday", 9, &t) == VCD_EINPUT);
    CHECK(vcd_parse_iso8601("2024-01-01T25:00", 16, &t) == VCD_EINPUT);
    CHECK(vcd_parse_iso8601("2024-01-01Tjunk", 15, &t) == VCD_EINPUT);
    char buf[24];
    vcd_format_iso8601(1709251199, buf);
    CHECK(strcmp(buf, "2024-02-29T23:59:59Z") == 0);
    vcd_format_iso8601(-1, buf);
    CHECK(strcmp(buf, "1969-12-31T23:59:59Z") == 0);
}

int main(void)
{
    test_basic_csv();
    test_bad_rows();
    test_structural_errors();
    test_unbalanced_and_huge();
    test_cut_field();
    test_spill();
    test_txt_and_jsonl();
    test_nfc();
    test_dates();
    return test_finish();
}
