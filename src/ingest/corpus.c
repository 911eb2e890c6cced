/* The corpus: validated, normalised documents, and the row checks that every
 * input format shares. */
#include "ingest_internal.h"
#include "vcd/fileio.h"
#include "vcd/strmap.h"
#include "vcd/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#define MAX_WARNINGS_SHOWN 20

static const char *const default_names[COL_COUNT][8] = {
    [COL_ID] = {"id", "comment_id", "commentid", "cid", NULL},
    [COL_TEXT] = {"comment", "text", "textdisplay", "textoriginal", "body", "content", "message",
                  NULL},
    [COL_AUTHOR] = {"author", "authordisplayname", "user", "username", NULL},
    [COL_DATE] = {"date", "published_at", "publishedat", "timestamp", "time", "created_at", NULL},
    [COL_LIKES] = {"likes", "like_count", "likecount", "votes", NULL},
    [COL_REPLIES] = {"replies", "reply_count", "replycount", NULL},
};

static int name_equals(const char *a, size_t n, const char *b)
{
    /* Header cells often carry stray spaces or a BOM-less quote; compare trimmed. */
    while (n && (a[0] == ' ' || a[0] == '\t')) {
        a++;
        n--;
    }
    while (n && (a[n - 1] == ' ' || a[n - 1] == '\t'))
        n--;
    return strlen(b) == n && strncasecmp(a, b, n) == 0;
}

int ingest_column_role(const vcd_ingest_options *opt, const char *name, size_t n)
{
    const char *override[COL_COUNT] = {
        [COL_ID] = opt->id_column, [COL_TEXT] = opt->text_column, [COL_DATE] = opt->date_column};
    for (int r = 0; r < COL_COUNT; r++) {
        if (override[r]) {
            if (name_equals(name, n, override[r])) return r;
            continue;
        }
        for (int k = 0; default_names[r][k]; k++)
            if (name_equals(name, n, default_names[r][k])) return r;
    }
    return -1;
}

void ingest_session_init(ingest_session *s, const char *name, const vcd_ingest_options *opt,
                         vcd_corpus *c)
{
    memset(s, 0, sizeof *s);
    s->name = name;
    s->opt = opt;
    s->corpus = c;
    s->seen = vcd_strmap_new();
}

void ingest_session_done(ingest_session *s)
{
    if (s->warnings > MAX_WARNINGS_SHOWN && s->opt->warn) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s: %zu more warnings not shown", s->name,
                 s->warnings - MAX_WARNINGS_SHOWN);
        s->opt->warn(s->opt->warn_ctx, msg);
    }
    vcd_strmap_free(s->seen);
    s->seen = NULL;
}

void ingest_warn(ingest_session *s, size_t line, const char *fmt, ...)
{
    s->warnings++;
    /* A part keeps every warning: which are shown depends on the rows before it. */
    if (!s->part && (!s->opt->warn || s->warnings > MAX_WARNINGS_SHOWN)) return;
    char why[512], msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    if (s->part) {
        ingest_part_warning(s, line, why);
        return;
    }
    snprintf(msg, sizeof msg, "%s:%zu: %s", s->name, line, why);
    s->opt->warn(s->opt->warn_ctx, msg);
}

static int parse_count(const field_span *f, int64_t *out)
{
    *out = -1;
    if (!f->present) return 1;
    size_t i = 0, n = f->n;
    while (i < n && f->p[i] == ' ')
        i++;
    while (n > i && f->p[n - 1] == ' ')
        n--;
    if (i == n) return 1; /* empty cell: simply absent */
    int64_t v = 0;
    for (; i < n; i++) {
        char ch = f->p[i];
        if (ch == ',' || ch == '_') continue; /* "1,234" as spreadsheets write it */
        if (ch < '0' || ch > '9' || v > (INT64_MAX - 9) / 10) return 0;
        v = v * 10 + (ch - '0');
    }
    *out = v;
    return 1;
}

/* A count that is not a non-negative integer (-5, 1e308, nan, 0x10, or
 * beyond int64) is kept as absent, warned about and counted like a bad date. */
static void check_count(ingest_session *s, size_t line, const char *what, const field_span *f,
                        int64_t *out)
{
    if (parse_count(f, out)) return;
    *out = -1;
    s->corpus->stats.bad_numbers++;
    ingest_warn(s, line, "%s value '%.*s' is not a non-negative integer; kept as absent", what,
                (int)(f->n < 40 ? f->n : 40), f->p);
}

static void trim_span(field_span *f)
{
    while (f->n && (f->p[0] == ' ' || f->p[0] == '\t' || f->p[0] == '\n' || f->p[0] == '\r')) {
        f->p++;
        f->n--;
    }
    while (f->n && (f->p[f->n - 1] == ' ' || f->p[f->n - 1] == '\t' || f->p[f->n - 1] == '\n' ||
                    f->p[f->n - 1] == '\r'))
        f->n--;
}

static int span_is_valid_text(const field_span *f)
{
    return !f->present || vcd_utf8_valid(f->p, f->n);
}

void ingest_row_key(const raw_row *row, vcd_buf *key)
{
    vcd_buf_clear(key);
    if (row->id.present && row->id.n) {
        vcd_buf_append(key, row->id.p, row->id.n);
        return;
    }
    /* No id: only rows identical in date, author and text are duplicates.
     * The map keeps a 128-bit digest of them, not the text: a NUL byte
     * (never in an id) and two 64-bit hashes. */
    vcd_buf_append(key, row->date.p ? row->date.p : "", row->date.n);
    vcd_buf_putc(key, '\x1f');
    vcd_buf_append(key, row->author.p ? row->author.p : "", row->author.n);
    vcd_buf_putc(key, '\x1f');
    vcd_buf_append(key, row->text.p, row->text.n);
    uint64_t h[2] = {vcd_hash64(key->data, key->len, 0x9e3779b97f4a7c15u),
                     vcd_hash64(key->data, key->len, 0xc2b2ae3d27d4eb4fu)};
    vcd_buf_clear(key);
    vcd_buf_putc(key, '\0');
    vcd_buf_append(key, h, sizeof h);
}

int ingest_seen(ingest_session *s, const char *key, size_t n)
{
    int inserted;
    vcd_strmap_upsert(s->seen, key, n, 0, &inserted);
    return !inserted;
}

static int row_is_duplicate(ingest_session *s, const raw_row *row)
{
    vcd_buf key = {0};
    ingest_row_key(row, &key);
    int dup = ingest_seen(s, key.data, key.len);
    vcd_buf_free(&key);
    return dup;
}

/* Appends a document whose strings are one block "id\0text\0author\0": kept
 * in the heap, or spilled: the id to the spill's id arena, "text\0author\0"
 * to its file (the pointers are set once it is mapped; until then the
 * document only has its block's offset). */
void ingest_push_doc(ingest_session *s, vcd_doc *d, char *block, size_t n)
{
    vcd_corpus *c = s->corpus;
    if (c->n_docs == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->docs = vcd_xrealloc(c->docs, c->cap * sizeof *c->docs);
        if (s->spill) s->spill_off = vcd_xrealloc(s->spill_off, c->cap * sizeof *s->spill_off);
    }
    if (s->spill) {
        size_t id_n = strlen(block);
        text_spill_put_id(s->spill, block, id_n);
        s->spill_off[c->n_docs] = text_spill_put(s->spill, block + id_n + 1, n - id_n - 1);
        free(block);
        d->id = d->text = d->author = NULL;
    }
    c->docs[c->n_docs++] = *d;
}

void ingest_add_row(ingest_session *s, const raw_row *in, size_t line)
{
    vcd_corpus *c = s->corpus;
    raw_row row = *in;
    c->stats.rows_read++;
    size_t max_field = s->opt->max_field_bytes ? s->opt->max_field_bytes : (1u << 20);
    if (row.text.n > max_field) {
        c->stats.skipped_malformed++;
        ingest_warn(s, line, "comment of %zu bytes exceeds the %zu-byte limit; row skipped",
                    row.text.n, max_field);
        return;
    }
    const field_span *checked[] = {&row.id, &row.text, &row.author, &row.date};
    for (size_t i = 0; i < 4; i++) {
        if (checked[i]->n > max_field || !span_is_valid_text(checked[i])) {
            int has_nul = checked[i]->n <= max_field && memchr(checked[i]->p, '\0', checked[i]->n);
            if (has_nul || checked[i]->n > max_field)
                c->stats.skipped_malformed++;
            else
                c->stats.skipped_invalid_utf8++;
            ingest_warn(s, line, "%s; row skipped",
                        has_nul                     ? "NUL byte in a field"
                        : checked[i]->n > max_field ? "oversized field"
                                                    : "invalid UTF-8");
            return;
        }
    }
    trim_span(&row.text);
    trim_span(&row.id);
    if (row.text.n == 0) {
        c->stats.skipped_empty++;
        return;
    }
    /* A part cannot know the rows before it: vcd_corpus_builder decides. */
    if (!s->part && row_is_duplicate(s, &row)) {
        c->stats.skipped_duplicate++;
        ingest_warn(s, line, "duplicate row (id '%.*s'); skipped",
                    (int)(row.id.n < 64 ? row.id.n : 64), row.id.p ? row.id.p : "");
        return;
    }
    vcd_doc d = {.time = VCD_NO_DATE};
    size_t bad_dates = c->stats.bad_dates, bad_numbers = c->stats.bad_numbers;
    if (row.date.present) {
        field_span ds = row.date;
        trim_span(&ds);
        if (ds.n && vcd_parse_iso8601(ds.p, ds.n, &d.time) != VCD_OK) {
            d.time = VCD_NO_DATE;
            c->stats.bad_dates++;
            ingest_warn(s, line, "unparseable date '%.*s'; kept without a date",
                        (int)(ds.n < 40 ? ds.n : 40), ds.p);
        }
    }
    check_count(s, line, "likes", &row.likes, &d.likes);
    check_count(s, line, "replies", &row.replies, &d.replies);
    /* utf8proc_NFC wants a NUL-terminated string; the doc block is then built
     * from its result so a document is one allocation. */
    char *raw_text = vcd_xstrndup(row.text.p, row.text.n);
    char *text = (char *)utf8proc_NFC((const utf8proc_uint8_t *)raw_text);
    free(raw_text);
    char idbuf[32];
    const char *id = row.id.p;
    size_t id_n = row.id.n;
    if (!row.id.present || id_n == 0) {
        id_n = (size_t)snprintf(idbuf, sizeof idbuf, "%zu", c->stats.rows_read);
        id = idbuf;
    }
    size_t text_n = text ? strlen(text) : 0;
    size_t author_n = row.author.present ? row.author.n : 0;
    size_t block_n = id_n + text_n + author_n + 3;
    char *block = vcd_xmalloc(block_n);
    memcpy(block, id, id_n);
    block[id_n] = '\0';
    memcpy(block + id_n + 1, text ? text : "", text_n);
    block[id_n + 1 + text_n] = '\0';
    memcpy(block + id_n + text_n + 2, row.author.p ? row.author.p : "", author_n);
    block[id_n + text_n + 2 + author_n] = '\0';
    free(text);
    d.id = block;
    d.text = block + id_n + 1;
    d.author = block + id_n + text_n + 2;
    d.n_codepoints = 0;
    for (size_t i = 0; i < text_n; i++)
        d.n_codepoints += ((unsigned char)d.text[i] & 0xC0) != 0x80;
    if (s->part) {
        ingest_part_row(s, &row, &d, line, (unsigned)(c->stats.bad_dates - bad_dates),
                        (unsigned)(c->stats.bad_numbers - bad_numbers));
        free(block);
        return;
    }
    ingest_push_doc(s, &d, block, block_n);
}

vcd_input_format ingest_detect_format(const char *path, vcd_input_format f)
{
    if (f != VCD_FORMAT_AUTO) return f;
    const char *dot = strrchr(path, '.');
    if (dot && (strcasecmp(dot, ".jsonl") == 0 || strcasecmp(dot, ".ndjson") == 0))
        return VCD_FORMAT_JSONL;
    if (dot && strcasecmp(dot, ".txt") == 0) return VCD_FORMAT_TXT;
    return VCD_FORMAT_CSV;
}

/* The encoding named by a UTF-16 or UTF-32 byte-order mark, or NULL. UTF-32LE
 * first: its mark starts with UTF-16LE's. */
static const char *utf16_32_bom(const unsigned char *d, size_t n)
{
    if (n >= 4 && d[0] == 0xFF && d[1] == 0xFE && d[2] == 0 && d[3] == 0) return "UTF-32LE";
    if (n >= 4 && d[0] == 0 && d[1] == 0 && d[2] == 0xFE && d[3] == 0xFF) return "UTF-32BE";
    if (n >= 2 && d[0] == 0xFF && d[1] == 0xFE) return "UTF-16LE";
    if (n >= 2 && d[0] == 0xFE && d[1] == 0xFF) return "UTF-16BE";
    return NULL;
}

vcd_status ingest_check_bom(const char *name, const unsigned char *data, size_t len, size_t *bom)
{
    /* A UTF-8 byte-order mark would otherwise become part of the first header name. */
    *bom = len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF ? 3 : 0;
    const char *wide = utf16_32_bom(data + *bom, len - *bom);
    if (wide)
        return vcd_fail(VCD_EINPUT,
                        "%s: the file is %s (byte-order mark); vcdiscover reads UTF-8: convert "
                        "it, e.g. iconv -f %s -t UTF-8",
                        name, wide, wide);
    return VCD_OK;
}

/* Maps the spill and points every document at its block, dropping the
 * pages behind as it goes (the fix-up reads every block once). */
vcd_status ingest_spill_finish(ingest_session *s)
{
    vcd_corpus *c = s->corpus;
    const char *base;
    vcd_status rc = text_spill_map(s->spill, &base);
    if (rc) return rc;
    c->spill = s->spill;
    s->spill = NULL;
    const char *id = text_spill_ids(c->spill);
    for (size_t i = 0; i < c->n_docs; i++) {
        vcd_doc *d = &c->docs[i];
        d->id = id;
        id += strlen(id) + 1;
        d->text = base + s->spill_off[i];
        d->author = d->text + strlen(d->text) + 1;
        vcd_corpus_text_done(c, i);
    }
    vcd_corpus_text_done(c, c->n_docs);
    free(s->spill_off);
    s->spill_off = NULL;
    return VCD_OK;
}

static vcd_status parse_formats(ingest_session *s, const unsigned char *data, size_t len)
{
    switch (ingest_detect_format(s->name, s->opt->format)) {
    case VCD_FORMAT_TXT:
        return ingest_parse_txt(s, data, len);
    case VCD_FORMAT_JSONL:
        return ingest_parse_jsonl(s, data, len);
    default:
        return ingest_parse_csv(s, data, len);
    }
}

/* A corpus and the session that fills it (spilled when asked). */
static vcd_status session_begin(ingest_session *s, const char *name, const vcd_ingest_options *opt)
{
    vcd_corpus *c = vcd_xcalloc(1, sizeof *c);
    c->source_path = vcd_xstrdup(name);
    ingest_session_init(s, name, opt, c);
    return opt->spill_dir ? text_spill_open(opt->spill_dir, &s->spill) : VCD_OK;
}

/* One input into the session. `mapped`: data is a private read-only file
 * mapping whose pages may be dropped behind the parser. */
static vcd_status session_parse(ingest_session *s, const unsigned char *data, size_t len,
                                int mapped)
{
    size_t bom;
    vcd_status rc = ingest_check_bom(s->name, data, len, &bom);
    if (rc) return rc;
    /* Offsets are taken from the mapping's start, which is page-aligned. */
    s->input_base = mapped ? data : NULL;
    s->input_released = 0;
    return parse_formats(s, data + bom, len - bom);
}

/* The session's corpus once every input is parsed (rc: how that went). */
static vcd_status session_finish(ingest_session *s, const char *name, vcd_status rc,
                                 vcd_corpus **out)
{
    vcd_corpus *c = s->corpus;
    s->name = name;
    ingest_session_done(s);
    if (rc == VCD_OK && c->n_docs == 0)
        rc = vcd_fail(VCD_EINPUT, "%s: no usable comments (%zu rows read, %zu skipped)", name,
                      c->stats.rows_read, c->stats.rows_read - c->n_docs);
    if (rc == VCD_OK && s->spill) rc = ingest_spill_finish(s);
    text_spill_free(s->spill);
    free(s->spill_off);
    if (rc != VCD_OK) {
        vcd_corpus_free(c);
        return rc;
    }
    *out = c;
    return VCD_OK;
}

static vcd_status corpus_parse(const char *name, const unsigned char *data, size_t len,
                               const vcd_ingest_options *opt, int mapped, vcd_corpus **out)
{
    static const vcd_ingest_options defaults = {0};
    if (!opt) opt = &defaults;
    *out = NULL;
    size_t bom;
    vcd_status rc = ingest_check_bom(name, data, len, &bom);
    if (rc) return rc;
    ingest_session s;
    rc = session_begin(&s, name, opt);
    if (!rc) rc = session_parse(&s, data, len, mapped);
    return session_finish(&s, name, rc, out);
}

vcd_status vcd_corpus_parse(const char *name, const unsigned char *data, size_t len,
                            const vcd_ingest_options *opt, vcd_corpus **out)
{
    return corpus_parse(name, data, len, opt, 0, out);
}

/* A directory: its input files in name order, one corpus (duplicates are
 * found across files; row numbers run on; .txt ids are "<file>:<line>"). */
static vcd_status corpus_load_dir(const char *dir, const vcd_ingest_options *opt, vcd_corpus **out)
{
    static const vcd_ingest_options defaults = {0};
    if (!opt) opt = &defaults;
    *out = NULL;
    char **files;
    size_t n;
    vcd_status rc = ingest_dir_files(dir, opt, &files, &n);
    if (rc) return rc;
    ingest_session s;
    rc = session_begin(&s, dir, opt);
    for (size_t i = 0; i < n && !rc; i++) {
        vcd_mapped_file f;
        if ((rc = vcd_map_file(files[i], &f))) break;
        s.name = files[i];
        s.id_prefix = ingest_base_name(files[i]);
        rc = session_parse(&s, f.data, f.len, f.mapped);
        vcd_unmap_file(&f);
    }
    rc = session_finish(&s, dir, rc, out);
    ingest_dir_files_free(files, n);
    return rc;
}

vcd_status vcd_corpus_load(const char *path, const vcd_ingest_options *opt, vcd_corpus **out)
{
    if (ingest_is_dir(path)) return corpus_load_dir(path, opt, out);
    vcd_mapped_file f;
    vcd_status rc = vcd_map_file(path, &f);
    if (rc) return rc;
    vcd_ingest_options o = opt ? *opt : (vcd_ingest_options){0};
    if (o.format == VCD_FORMAT_AUTO) o.format = ingest_detect_format(path, VCD_FORMAT_AUTO);
    rc = corpus_parse(path, f.data, f.len, &o, f.mapped, out);
    vcd_unmap_file(&f);
    return rc;
}

void vcd_corpus_free(vcd_corpus *c)
{
    if (!c) return;
    if (!c->spill) /* heap blocks start at the id; spilled ones are the spill's */
        for (size_t i = 0; i < c->n_docs; i++)
            free((char *)c->docs[i].id);
    text_spill_free(c->spill);
    free(c->docs);
    free(c->source_path);
    vcd_strmap_free(c->id_index);
    free(c);
}

void vcd_corpus_text_done(const vcd_corpus *c, size_t doc)
{
    if (!c->spill) return;
    /* Spilled blocks are in document order and start at the text. */
    text_spill_done(c->spill, doc < c->n_docs ? c->docs[doc].text : NULL);
}

long vcd_corpus_find(const vcd_corpus *c, const char *id)
{
    vcd_corpus *mc = (vcd_corpus *)c; /* the index is a cache, not state */
    if (!mc->id_index) {
        mc->id_index = vcd_strmap_new();
        for (size_t i = 0; i < c->n_docs; i++)
            vcd_strmap_upsert(mc->id_index, c->docs[i].id, strlen(c->docs[i].id), i, NULL);
    }
    size_t v = vcd_strmap_get(mc->id_index, id, strlen(id), SIZE_MAX);
    return v == SIZE_MAX ? -1 : (long)v;
}
