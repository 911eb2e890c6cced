/* An input split into parts (vcd_ingest_plan / read_part / builder, what
 * `mpirun` ranks do) gives the corpus and the warnings of one pass, for any
 * number of parts; the CSV record bounds agree with libcsv's own states. */
#include "test.h"
#include "vcd/ingest.h"
#include "../../src/ingest/ingest_internal.h"

#include <csv.h>
#include <sys/stat.h>

static void collect(void *ctx, const char *msg)
{
    vcd_buf_puts(ctx, msg);
    vcd_buf_putc(ctx, '\n');
}

static int same_corpus(const vcd_corpus *a, const vcd_corpus *b)
{
    if (a->n_docs != b->n_docs || memcmp(&a->stats, &b->stats, sizeof a->stats) != 0 ||
        a->has_date_column != b->has_date_column || a->has_likes_column != b->has_likes_column ||
        a->has_replies_column != b->has_replies_column)
        return 0;
    for (size_t i = 0; i < a->n_docs; i++) {
        const vcd_doc *x = &a->docs[i], *y = &b->docs[i];
        if (strcmp(x->id, y->id) || strcmp(x->text, y->text) || strcmp(x->author, y->author) ||
            x->time != y->time || x->likes != y->likes || x->replies != y->replies ||
            x->n_codepoints != y->n_codepoints)
            return 0;
    }
    return 1;
}

static const char *spill_dir; /* parts and corpus staged in files there, for odd part counts */

/* One pass vs 1..6 parts: the same corpus (or error) and the same warnings. */
static void check_parts(const char *path, const char *what)
{
    vcd_buf one_warn = {0};
    vcd_ingest_options opt = {.warn = collect, .warn_ctx = &one_warn};
    vcd_corpus *one = NULL;
    vcd_status one_rc = vcd_corpus_load(path, &opt, &one);
    char one_err[512];
    snprintf(one_err, sizeof one_err, "%s", one_rc ? vcd_last_error() : "");
    for (size_t n = 1; n <= 6; n++) {
        vcd_buf warn = {0}, plan = {0};
        vcd_ingest_part part = {0};
        vcd_ingest_options o = {.warn = collect, .warn_ctx = &warn};
        if (n % 2) o.spill_dir = spill_dir;
        vcd_status rc = vcd_ingest_plan(path, &o, n, &plan);
        vcd_corpus_builder *b = NULL;
        if (!rc) rc = vcd_corpus_builder_new(path, &o, &b);
        vcd_status first = VCD_OK;
        char err[512] = "";
        for (size_t k = 0; k < n && !rc; k++) {
            vcd_ingest_part_free(&part);
            vcd_status prc = vcd_ingest_read_part(path, &o, plan.data, plan.len, k, &part);
            if (prc && !first) { /* the first failing part's error is the run's */
                first = prc;
                snprintf(err, sizeof err, "%s", vcd_last_error());
            }
            if (!first) rc = vcd_corpus_builder_add(b, part.data, part.len);
        }
        vcd_corpus *c = NULL;
        if (!rc && !first) {
            rc = vcd_corpus_builder_finish(b, 0, &c);
            if (rc) snprintf(err, sizeof err, "%s", vcd_last_error());
        } else {
            vcd_corpus_builder_free(b);
            if (first) rc = first;
        }
        CHECK_MSG(rc == one_rc, "%s, %zu parts: status %d vs %d (%s)", what, n, rc, one_rc, err);
        if (one_rc) {
            CHECK_MSG(strcmp(err, one_err) == 0, "%s, %zu parts: error '%s' vs '%s'", what, n, err,
                      one_err);
        } else if (c) {
            CHECK_MSG(same_corpus(one, c), "%s, %zu parts: corpus differs", what, n);
            CHECK_MSG(warn.len == one_warn.len &&
                          (!warn.len || memcmp(warn.data, one_warn.data, warn.len) == 0),
                      "%s, %zu parts: warnings differ:\n%s---\n%s", what, n,
                      warn.data ? warn.data : "", one_warn.data ? one_warn.data : "");
        }
        vcd_corpus_free(c);
        vcd_buf_free(&warn);
        vcd_buf_free(&plan);
        vcd_ingest_part_free(&part);
    }
    vcd_corpus_free(one);
    vcd_buf_free(&one_warn);
}

static void write_file(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f) return;
    fwrite(data, 1, n, f);
    fclose(f);
}

/* A CSV with every kind of row: quoted multi-line fields, duplicates (by id,
 * and by content without an id), bad dates and counts, invalid UTF-8, wrong
 * field counts, empty text, CR and CRLF line ends, an unclosed quote. */
static void make_csv(vcd_buf *b, vcd_rng *r, int with_id, int rows)
{
    vcd_buf_puts(b, with_id ? "\xEF\xBB\xBFid,date,likes,text\n" : "date,likes,text\n");
    for (int i = 0; i < rows; i++) {
        int kind = (int)(vcd_rng_next(r) % 12);
        if (with_id) {
            if (kind == 1 && i > 3)
                vcd_buf_printf(b, "r%d,", (int)(vcd_rng_next(r) % (uint64_t)i)); /* duplicate */
            else if (kind == 2)
                vcd_buf_puts(b, ","); /* empty id: the row number */
            else
                vcd_buf_printf(b, "r%d,", i);
        }
        vcd_buf_puts(b, kind == 3 ? "soon," : "2026-01-02T03:04:05Z,");
        vcd_buf_puts(b, kind == 4 ? "lots," : "3,");
        switch (kind) {
        case 5:
            vcd_buf_printf(b, "\"line one %d\nline, two \"\"q\"\"\n\nend\"\n", i % 7);
            break;
        case 6:
            vcd_buf_puts(b, "caf\xE9\n");
            break;
        case 7:
            vcd_buf_puts(b, "extra,field\n");
            break;
        case 8:
            vcd_buf_puts(b, "  \r\n");
            break;
        case 9:
            vcd_buf_printf(b, "\"quoted %d\"  \r", i % 5);
            break;
        default:
            vcd_buf_printf(b, "Comment %d about Obama\n", with_id ? i : i % 9);
        }
    }
    vcd_buf_puts(b, with_id ? "last,2026-01-01,1,\"never closed\nat all" : "x,1,\"open\n");
}

static void test_csv_parts(const char *dir)
{
    vcd_rng r;
    vcd_rng_seed(&r, 7);
    char path[4096];
    for (int with_id = 0; with_id <= 1; with_id++)
        for (int rows = 0; rows <= 80; rows += 40) {
            vcd_buf b = {0};
            make_csv(&b, &r, with_id, rows);
            snprintf(path, sizeof path, "%s/in%d_%d.csv", dir, with_id, rows);
            write_file(path, b.data, b.len);
            check_parts(path, path);
            vcd_buf_free(&b);
        }
    snprintf(path, sizeof path, "%s/header_only.csv", dir);
    write_file(path, "id,text", 7);
    check_parts(path, "header only");
    snprintf(path, sizeof path, "%s/no_text.csv", dir);
    write_file(path, "a,b\n1,2\n3,4\n", 12);
    check_parts(path, "no text column");
    snprintf(path, sizeof path, "%s/empty.csv", dir);
    write_file(path, "", 0);
    check_parts(path, "empty");
    snprintf(path, sizeof path, "%s/utf16.csv", dir);
    write_file(path, "\xFF\xFEi\0d\0", 6);
    check_parts(path, "UTF-16");
}

static void test_line_parts(const char *dir)
{
    vcd_buf t = {0}, j = {0};
    for (int i = 0; i < 60; i++) {
        vcd_buf_printf(&t, i % 7 == 3 ? "\n" : i % 11 == 5 ? "bad \xFF line\r\n" : "line %d\n", i);
        if (i % 9 == 4)
            vcd_buf_puts(&j, "{broken\n   \n");
        else if (i % 8 == 2)
            vcd_buf_printf(&j, "{\"id\": \"d%d\", \"text\": \"again\"}\n", i / 2);
        else if (i % 5 == 1)
            vcd_buf_printf(&j, "{\"text\": \"no id %d\", \"likes\": -4}\n", i % 3);
        else
            vcd_buf_printf(&j, "{\"id\": \"d%d\", \"text\": \"text %d\", \"date\": \"x\"}\n", i, i);
    }
    vcd_buf_puts(&t, "no newline at the end");
    char path[4096];
    snprintf(path, sizeof path, "%s/in.txt", dir);
    write_file(path, t.data, t.len);
    check_parts(path, "text");
    snprintf(path, sizeof path, "%s/in.jsonl", dir);
    write_file(path, j.data, j.len);
    check_parts(path, "JSON Lines");
    vcd_buf_free(&t);
    vcd_buf_free(&j);
}

/* A directory: its files in name order, duplicates across files, txt ids
 * qualified by the file. */
static void test_dir_parts(const char *dir)
{
    char sub[4096], path[4200];
    snprintf(sub, sizeof sub, "%s/dir", dir);
    mkdir(sub, 0700);
    snprintf(path, sizeof path, "%s/a.csv", sub);
    write_file(path, "id,text\n1,one\n2,\"two\nlines\"\n3,three\n", 36);
    snprintf(path, sizeof path, "%s/b.txt", sub);
    write_file(path, "first\n\nthird\n", 13);
    snprintf(path, sizeof path, "%s/c.jsonl", sub);
    write_file(path, "{\"id\": \"2\", \"text\": \"dup of a.csv\"}\n{\"text\": \"row\"}\n", 52);
    snprintf(path, sizeof path, "%s/c2.txt", sub);
    write_file(path, "first\n", 6);
    snprintf(path, sizeof path, "%s/.hidden.csv", sub);
    write_file(path, "garbage", 7);
    snprintf(path, sizeof path, "%s/notes.md", sub);
    write_file(path, "not an input", 12);
    check_parts(sub, "directory");
    vcd_corpus *c = NULL;
    CHECK(vcd_corpus_load(sub, NULL, &c) == VCD_OK);
    if (c) {
        CHECK(c->n_docs == 7);
        CHECK(c->stats.skipped_duplicate == 1);
        CHECK(vcd_corpus_find(c, "b.txt:3") >= 0);
        CHECK(vcd_corpus_find(c, "c2.txt:1") >= 0);
    }
    vcd_corpus_free(c);
    snprintf(sub, sizeof sub, "%s/nodir", dir);
    mkdir(sub, 0700);
    CHECK(vcd_corpus_load(sub, NULL, &c) == VCD_EINPUT);
    CHECK(strstr(vcd_last_error(), "no input files") != NULL);
}

/* ---- the CSV bound scan against libcsv ---- */

static int rows_seen;
static void on_field(void *f, size_t n, void *ctx)
{
    (void)f;
    (void)n;
    (void)ctx;
}
static void on_row(int c, void *ctx)
{
    (void)c;
    (void)ctx;
    rows_seen++;
}

/* Positions after a '\n' where libcsv (fed a line at a time, as ingest
 * does) is between rows, once a row was seen. */
static size_t libcsv_bounds(const unsigned char *d, size_t len, char delim, size_t *out)
{
    struct csv_parser p;
    csv_init(&p, CSV_APPEND_NULL);
    csv_set_delim(&p, (unsigned char)delim);
    rows_seen = 0;
    size_t n = 0;
    for (size_t pos = 0; pos < len;) {
        const unsigned char *nl = memchr(d + pos, '\n', len - pos);
        size_t k = nl ? (size_t)(nl - (d + pos)) + 1 : len - pos;
        csv_parse(&p, d + pos, k, on_field, on_row, NULL);
        pos += k;
        if (nl && p.pstate == 0 && rows_seen > 0) out[n++] = pos;
    }
    csv_free(&p);
    return n;
}

static void test_csv_bounds(void)
{
    static const char alphabet[] = "a,\"  \t\r\n\n\"";
    vcd_rng r;
    vcd_rng_seed(&r, 11);
    unsigned char d[160];
    size_t ref[161], offs[161], got[161];
    int bad = 0;
    for (int t = 0; t < 20000; t++) {
        size_t len = (size_t)(vcd_rng_next(&r) % sizeof d);
        char delim = t % 4 == 3 ? '\t' : ',';
        for (size_t i = 0; i < len; i++)
            d[i] = (unsigned char)alphabet[vcd_rng_next(&r) % (sizeof alphabet - 1)];
        size_t n_ref = libcsv_bounds(d, len, delim, ref);
        for (size_t o = 0; o <= len; o++)
            offs[o] = o;
        size_t hdr_end;
        ingest_csv_bounds(d, len, delim, offs, len + 1, got, &hdr_end);
        size_t want_hdr = n_ref ? ref[0] : len;
        if (hdr_end != want_hdr) bad++;
        for (size_t o = 0; o <= len; o++) {
            size_t want = len;
            for (size_t i = 0; i < n_ref; i++)
                if (ref[i] >= o) {
                    want = ref[i];
                    break;
                }
            if (got[o] != want) bad++;
        }
    }
    CHECK_MSG(bad == 0, "%d bounds differ from libcsv's", bad);
}

int main(void)
{
    char dir[] = "/tmp/vcd-ingest-part-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    spill_dir = dir;
    test_csv_bounds();
    test_csv_parts(dir);
    test_line_parts(dir);
    test_dir_parts(dir);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    return test_finish();
}
