/* One input split over processes: the plan (which bytes each part reads),
 * a part parsed alone into records, and the builder that turns the parts,
 * in order, into the corpus a single vcd_corpus_load gives.
 *
 * A part cannot know the rows before its range, so it leaves open what
 * depends on them, and the builder settles it as one pass would: whether a
 * row repeats an earlier one (every record carries its dedupe key; a
 * duplicate's date and count warnings, which one pass never gets to, are
 * dropped with it), ids that are row numbers or (.txt) line numbers, the
 * line numbers in warnings, and which 20 warnings are shown. */
#include "ingest_internal.h"
#include "vcd/fileio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PLAN_MAGIC 0x4e4c5056u /* "VPLN" */
#define PART_MAGIC 0x54525056u /* "VPRT" */

/* FILE: bounds are byte offsets (after a UTF-8 BOM); DIR: indexes into the
 * file list that follows them. */
enum { PLAN_FILE, PLAN_STREAM, PLAN_DIR };

typedef struct {
    uint32_t magic, kind, n_parts, pad;
    uint64_t hdr_end; /* CSV: the header is [0, hdr_end) */
} plan_head;

enum {
    PART_RANGED = 1, /* a byte range of one file: its line numbers follow the parts before */
    PART_FINAL = 2,  /* finished documents (vcd_corpus_part): nothing to settle */
};

typedef struct {
    uint32_t magic, flags;
    uint64_t rows_read, skipped_invalid_utf8, skipped_malformed, skipped_empty, bad_dates,
        bad_numbers, lines;
    uint32_t has_date, has_likes, has_replies, pad;
} part_head;

enum {
    REC_ID_ROW = 1,  /* the id is the row number */
    REC_ID_LINE = 2, /* the id is the line number (.txt) */
    REC_KEY_ID = 4,  /* the dedupe key is the (final) id */
};

typedef struct {
    uint64_t row, line; /* within the part */
    int64_t time, likes, replies;
    uint64_t n_codepoints;
    uint32_t flags, id_n, text_n, author_n, key_n;
    uint8_t bad_dates, bad_numbers, pad[2];
} rec_head;

typedef struct {
    uint64_t row, line;
    uint32_t n, pad;
} warn_head;

static void put_entry(vcd_buf *b, char tag, const void *head, size_t n)
{
    vcd_buf_putc(b, tag);
    vcd_buf_append(b, head, n);
}

/* With a spill file, the part's bytes go there a MiB at a time: a rank
 * holds its part on disk, not in its heap. */
static void part_flush(ingest_session *s, size_t at_least)
{
    if (!s->part_spill || s->part->len < at_least) return;
    text_spill_put(s->part_spill, s->part->data, s->part->len);
    vcd_buf_clear(s->part);
}

void ingest_part_warning(ingest_session *s, size_t line, const char *why)
{
    warn_head w = {.row = s->corpus->stats.rows_read, .line = line, .n = (uint32_t)strlen(why)};
    put_entry(s->part, 'W', &w, sizeof w);
    vcd_buf_append(s->part, why, w.n);
    part_flush(s, 1u << 20);
}

void ingest_part_row(ingest_session *s, const raw_row *row, const vcd_doc *d, size_t line,
                     unsigned bad_dates, unsigned bad_numbers)
{
    rec_head h = {.row = s->corpus->stats.rows_read,
                  .line = line,
                  .time = d->time,
                  .likes = d->likes,
                  .replies = d->replies,
                  .n_codepoints = d->n_codepoints,
                  .bad_dates = (uint8_t)bad_dates,
                  .bad_numbers = (uint8_t)bad_numbers};
    int has_id = row->id.present && row->id.n;
    vcd_buf key = {0};
    if (has_id) {
        h.flags |= REC_KEY_ID | (s->txt_line_id ? REC_ID_LINE : 0);
    } else {
        h.flags |= REC_ID_ROW;
        ingest_row_key(row, &key);
    }
    /* ids to be numbered later are written by the builder */
    size_t id_n = h.flags & (REC_ID_ROW | REC_ID_LINE) ? 0 : strlen(d->id);
    h.id_n = (uint32_t)id_n;
    h.text_n = (uint32_t)strlen(d->text);
    h.author_n = (uint32_t)strlen(d->author);
    h.key_n = (uint32_t)key.len;
    put_entry(s->part, 'R', &h, sizeof h);
    vcd_buf_append(s->part, d->id, id_n);
    vcd_buf_append(s->part, d->text, h.text_n);
    vcd_buf_append(s->part, d->author, h.author_n);
    vcd_buf_append(s->part, key.data, key.len);
    vcd_buf_free(&key);
    part_flush(s, 1u << 20);
}

/* ---- the plan ---- */

/* The first line start at or after `off`. */
static size_t line_bound(const unsigned char *d, size_t len, size_t off)
{
    if (off == 0 || off >= len || d[off - 1] == '\n') return off < len ? off : len;
    const unsigned char *nl = memchr(d + off, '\n', len - off);
    return nl ? (size_t)(nl - d) + 1 : len;
}

static size_t utf8_bom(const unsigned char *d, size_t n)
{
    return n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF ? 3 : 0;
}

/* Part k reads the files that start in [total * k / n, total * (k + 1) / n)
 * of their sizes laid end to end: contiguous, so the documents keep their
 * order. */
static vcd_status plan_dir(const char *dir, const vcd_ingest_options *opt, size_t n, vcd_buf *plan)
{
    char **files;
    size_t n_files;
    vcd_status rc = ingest_dir_files(dir, opt, &files, &n_files);
    if (rc) return rc;
    uint64_t *size = vcd_xmalloc(n_files * sizeof *size), total = 0;
    for (size_t i = 0; i < n_files; i++) {
        struct stat st;
        size[i] = stat(files[i], &st) == 0 ? (uint64_t)st.st_size : 0;
        total += size[i];
    }
    plan_head h = {.magic = PLAN_MAGIC, .kind = PLAN_DIR, .n_parts = (uint32_t)n};
    vcd_buf_append(plan, &h, sizeof h);
    uint64_t at = 0, first = 0;
    size_t i = 0;
    vcd_buf_append(plan, &first, sizeof first);
    for (size_t k = 1; k < n; k++) {
        uint64_t off = total / n * k + total % n * k / n;
        while (i < n_files && at < off)
            at += size[i++];
        first = i;
        vcd_buf_append(plan, &first, sizeof first);
    }
    first = n_files;
    vcd_buf_append(plan, &first, sizeof first);
    for (size_t f = 0; f < n_files; f++) {
        uint32_t len = (uint32_t)strlen(files[f]);
        vcd_buf_append(plan, &len, sizeof len);
        vcd_buf_append(plan, files[f], len);
    }
    free(size);
    ingest_dir_files_free(files, n_files);
    return VCD_OK;
}

vcd_status vcd_ingest_plan(const char *path, const vcd_ingest_options *opt, size_t n, vcd_buf *plan)
{
    static const vcd_ingest_options defaults = {0};
    if (!opt) opt = &defaults;
    if (n == 0) n = 1;
    vcd_buf_clear(plan);
    if (ingest_is_dir(path)) return plan_dir(path, opt, n, plan);
    plan_head h = {.magic = PLAN_MAGIC, .kind = PLAN_STREAM, .n_parts = (uint32_t)n};
    uint64_t *bounds = vcd_xcalloc(n + 1, sizeof *bounds);
    struct stat st;
    vcd_status rc = VCD_OK;
    /* "-", a FIFO or a device can be read once: by part 0 */
    if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        vcd_mapped_file f;
        rc = vcd_map_file(path, &f);
        if (!rc) {
            h.kind = PLAN_FILE;
            size_t bom = utf8_bom(f.data, f.len), len = f.len - bom;
            const unsigned char *d = f.data + bom;
            size_t *offs = vcd_xmalloc(n * sizeof *offs), *b = vcd_xmalloc(n * sizeof *b);
            for (size_t k = 1; k < n; k++)
                offs[k - 1] = len / n * k + len % n * k / n; /* len * k / n without overflow */
            vcd_input_format fmt = ingest_detect_format(path, opt->format);
            size_t hdr_end = 0;
            if (fmt == VCD_FORMAT_CSV)
                ingest_csv_bounds(d, len, opt->delimiter ? opt->delimiter : ',', offs, n - 1, b,
                                  &hdr_end);
            else
                for (size_t k = 0; k + 1 < n; k++)
                    b[k] = line_bound(d, len, offs[k]);
            h.hdr_end = hdr_end;
            for (size_t k = 1; k < n; k++)
                bounds[k] = b[k - 1];
            bounds[n] = len;
            free(offs);
            free(b);
            vcd_unmap_file(&f);
        }
    }
    vcd_buf_append(plan, &h, sizeof h);
    vcd_buf_append(plan, bounds, (n + 1) * sizeof *bounds);
    free(bounds);
    return rc;
}

static int plan_read(const char *plan, size_t len, plan_head *h, const char **bounds)
{
    if (len < sizeof *h) return 0;
    memcpy(h, plan, sizeof *h);
    if (h->magic != PLAN_MAGIC || h->n_parts == 0 ||
        (len - sizeof *h) / sizeof(uint64_t) < (size_t)h->n_parts + 1)
        return 0;
    *bounds = plan + sizeof *h;
    return 1;
}

/* ---- one part ---- */

/* The part's counts go last ('E' and the head): a part is written as it is read. */
static void part_finish(ingest_session *s, vcd_buf *part, uint32_t flags)
{
    const vcd_corpus *c = s->corpus;
    part_head h = {.magic = PART_MAGIC,
                   .flags = flags,
                   .rows_read = c->stats.rows_read,
                   .skipped_invalid_utf8 = c->stats.skipped_invalid_utf8,
                   .skipped_malformed = c->stats.skipped_malformed,
                   .skipped_empty = c->stats.skipped_empty,
                   .bad_dates = c->stats.bad_dates,
                   .bad_numbers = c->stats.bad_numbers,
                   .lines = s->lines,
                   .has_date = (uint32_t)c->has_date_column,
                   .has_likes = (uint32_t)c->has_likes_column,
                   .has_replies = (uint32_t)c->has_replies_column};
    put_entry(part, 'E', &h, sizeof h);
}

static void put_name(vcd_buf *part, const char *name)
{
    uint32_t n = (uint32_t)strlen(name);
    put_entry(part, 'F', &n, sizeof n);
    vcd_buf_append(part, name, n);
}

/* Parses data[start, end) of one file (after its UTF-8 BOM) into the part. */
static vcd_status read_range(ingest_session *s, const char *path, size_t hdr_end, size_t start,
                             size_t end)
{
    vcd_mapped_file f;
    vcd_status rc = vcd_map_file(path, &f);
    if (rc) return rc;
    size_t bom;
    if ((rc = ingest_check_bom(path, f.data, f.len, &bom))) { /* every part says so */
        vcd_unmap_file(&f);
        return rc;
    }
    size_t len = f.len - bom;
    const unsigned char *d = f.data + bom;
    s->name = path;
    s->input_base = f.mapped ? f.data : NULL;
    s->input_released = 0;
    s->csv_hdr_end = hdr_end;
    vcd_input_format fmt = ingest_detect_format(path, s->opt->format);
    if (start > len) start = len;
    if (end > len || end < start) end = len;
    put_name(s->part, path);
    rc = fmt == VCD_FORMAT_CSV ? ingest_parse_csv_range(s, d, len, start, end)
                               : ingest_parse_lines_range(s, fmt, d, len, start, end);
    vcd_unmap_file(&f);
    return rc;
}

/* The files [first, last) of a directory plan, whole. */
static vcd_status read_files(ingest_session *s, const char *plan, size_t plan_len,
                             const plan_head *h, uint64_t first, uint64_t last)
{
    size_t at = sizeof *h + ((size_t)h->n_parts + 1) * sizeof(uint64_t);
    vcd_status rc = VCD_OK;
    for (uint64_t i = 0; i < last && !rc; i++) {
        uint32_t n;
        if (plan_len - at < sizeof n) return vcd_fail(VCD_ERUNTIME, "malformed ingest plan");
        memcpy(&n, plan + at, sizeof n);
        at += sizeof n;
        if (plan_len - at < n) return vcd_fail(VCD_ERUNTIME, "malformed ingest plan");
        if (i >= first) {
            char *path = vcd_xstrndup(plan + at, n);
            s->id_prefix = ingest_base_name(path);
            rc = read_range(s, path, 0, 0, SIZE_MAX);
            s->id_prefix = NULL;
            free(path);
        }
        at += n;
    }
    return rc;
}

/* The part: in the heap, or staged in s->part_spill and mapped. */
static vcd_status part_close(ingest_session *s, vcd_ingest_part *out)
{
    if (!s->part_spill) {
        out->heap = *s->part;
        out->data = out->heap.data;
        out->len = out->heap.len;
        return VCD_OK;
    }
    part_flush(s, 0);
    vcd_buf_free(s->part);
    out->spill = s->part_spill;
    out->len = text_spill_len(out->spill);
    return text_spill_map(out->spill, &out->data);
}

vcd_status vcd_ingest_read_part(const char *path, const vcd_ingest_options *opt, const char *plan,
                                size_t plan_len, size_t k, vcd_ingest_part *out)
{
    static const vcd_ingest_options defaults = {0};
    if (!opt) opt = &defaults;
    memset(out, 0, sizeof *out);
    plan_head h;
    const char *raw;
    if (!plan_read(plan, plan_len, &h, &raw) || k >= h.n_parts)
        return vcd_fail(VCD_ERUNTIME, "%s: malformed ingest plan", path);
    uint64_t start, end;
    memcpy(&start, raw + k * sizeof start, sizeof start);
    memcpy(&end, raw + (k + 1) * sizeof end, sizeof end);
    vcd_corpus scratch = {0}; /* counts and column flags; the rows go to the part */
    vcd_buf part = {0};
    ingest_session s;
    ingest_session_init(&s, path, opt, &scratch);
    s.part = &part;
    vcd_status rc = opt->spill_dir ? text_spill_open(opt->spill_dir, &s.part_spill) : VCD_OK;
    if (rc || (h.kind == PLAN_STREAM && k > 0)) {
        /* a stream is read once, by part 0 */
    } else if (h.kind == PLAN_DIR) {
        rc = read_files(&s, plan, plan_len, &h, start, end);
    } else {
        if (h.kind == PLAN_STREAM) {
            start = 0;
            end = SIZE_MAX;
        }
        /* txt ids are line numbers, which the builder knows */
        s.txt_line_id = ingest_detect_format(path, opt->format) == VCD_FORMAT_TXT;
        rc = read_range(&s, path, (size_t)h.hdr_end, (size_t)start, (size_t)end);
    }
    vcd_strmap_free(s.seen);
    part_finish(&s, &part, h.kind == PLAN_DIR ? 0 : PART_RANGED);
    vcd_status crc = part_close(&s, out);
    return rc ? rc : crc;
}

void vcd_ingest_part_done(vcd_ingest_part *p, size_t upto)
{
    if (p->spill) text_spill_done(p->spill, upto < p->len ? p->data + upto : NULL);
}

void vcd_ingest_part_free(vcd_ingest_part *p)
{
    vcd_buf_free(&p->heap);
    text_spill_free(p->spill);
    memset(p, 0, sizeof *p);
}

/* ---- the builder ---- */

struct vcd_corpus_builder {
    ingest_session s;
    char *path;
    vcd_buf name; /* file of the entries being read */
    size_t line_base, rows_base;
    vcd_buf pending; /* warnings of the row being read: shown unless it is a duplicate */
    uint64_t pending_row;
};

vcd_status vcd_corpus_builder_new(const char *path, const vcd_ingest_options *opt,
                                  vcd_corpus_builder **out)
{
    static const vcd_ingest_options defaults = {0};
    if (!opt) opt = &defaults;
    *out = NULL;
    vcd_corpus_builder *b = vcd_xcalloc(1, sizeof *b);
    b->path = vcd_xstrdup(path);
    vcd_corpus *c = vcd_xcalloc(1, sizeof *c);
    c->source_path = vcd_xstrdup(path);
    ingest_session_init(&b->s, b->path, opt, c);
    vcd_buf_puts(&b->name, path);
    vcd_status rc = opt->spill_dir ? text_spill_open(opt->spill_dir, &b->s.spill) : VCD_OK;
    if (rc) {
        vcd_corpus_builder_free(b);
        return rc;
    }
    *out = b;
    return VCD_OK;
}

void vcd_corpus_builder_free(vcd_corpus_builder *b)
{
    if (!b) return;
    vcd_strmap_free(b->s.seen);
    text_spill_free(b->s.spill);
    free(b->s.spill_off);
    vcd_corpus_free(b->s.corpus);
    vcd_buf_free(&b->name);
    vcd_buf_free(&b->pending);
    free(b->path);
    free(b);
}

static void flush_pending(vcd_corpus_builder *b)
{
    b->s.name = b->name.data;
    for (size_t at = 0; at + sizeof(warn_head) <= b->pending.len;) {
        warn_head w;
        memcpy(&w, b->pending.data + at, sizeof w);
        at += sizeof w;
        ingest_warn(&b->s, (size_t)w.line, "%.*s", (int)w.n, b->pending.data + at);
        at += w.n;
    }
    vcd_buf_clear(&b->pending);
}

static vcd_status malformed(const vcd_corpus_builder *b)
{
    return vcd_fail(VCD_ERUNTIME, "%s: malformed ingest part", b->path);
}

/* A record: deduplicated against every row before it, numbered, appended. */
static void add_record(vcd_corpus_builder *b, const rec_head *h, const char *p, int final,
                       size_t line_base, size_t rows_base)
{
    vcd_corpus *c = b->s.corpus;
    if (h->row != b->pending_row) flush_pending(b);
    char num[32];
    const char *id = p;
    size_t id_n = h->id_n;
    if (h->flags & (REC_ID_ROW | REC_ID_LINE)) {
        id_n = (size_t)snprintf(
            num, sizeof num, "%zu",
            (size_t)(h->flags & REC_ID_ROW ? rows_base + h->row : line_base + h->line));
        id = num;
    }
    const char *text = p + h->id_n, *author = text + h->text_n, *key = author + h->author_n;
    size_t key_n = h->key_n;
    if (h->flags & REC_KEY_ID) {
        key = id;
        key_n = id_n;
    }
    if (!final && ingest_seen(&b->s, key, key_n)) {
        vcd_buf_clear(&b->pending); /* one pass stops at the duplicate */
        c->stats.skipped_duplicate++;
        c->stats.bad_dates -= h->bad_dates;
        c->stats.bad_numbers -= h->bad_numbers;
        int shown = h->flags & REC_ID_ROW ? 0 : (int)(id_n < 64 ? id_n : 64);
        b->s.name = b->name.data;
        ingest_warn(&b->s, line_base + (size_t)h->line, "duplicate row (id '%.*s'); skipped", shown,
                    id);
        return;
    }
    flush_pending(b);
    size_t block_n = id_n + h->text_n + h->author_n + 3;
    char *block = vcd_xmalloc(block_n);
    memcpy(block, id, id_n);
    block[id_n] = '\0';
    memcpy(block + id_n + 1, text, h->text_n);
    block[id_n + 1 + h->text_n] = '\0';
    memcpy(block + id_n + h->text_n + 2, author, h->author_n);
    block[block_n - 1] = '\0';
    vcd_doc d = {.id = block,
                 .text = block + id_n + 1,
                 .author = block + id_n + h->text_n + 2,
                 .time = h->time,
                 .likes = h->likes,
                 .replies = h->replies,
                 .n_codepoints = (size_t)h->n_codepoints};
    ingest_push_doc(&b->s, &d, block, block_n);
}

vcd_status vcd_corpus_builder_add(vcd_corpus_builder *b, const char *part, size_t len)
{
    part_head h;
    if (len < sizeof h + 1 || part[len - sizeof h - 1] != 'E') return malformed(b);
    memcpy(&h, part + len - sizeof h, sizeof h);
    if (h.magic != PART_MAGIC) return malformed(b);
    len -= sizeof h + 1;
    vcd_corpus *c = b->s.corpus;
    c->stats.rows_read += h.rows_read;
    c->stats.skipped_invalid_utf8 += h.skipped_invalid_utf8;
    c->stats.skipped_malformed += h.skipped_malformed;
    c->stats.skipped_empty += h.skipped_empty;
    c->stats.bad_dates += h.bad_dates;
    c->stats.bad_numbers += h.bad_numbers;
    c->has_date_column |= h.has_date != 0;
    c->has_likes_column |= h.has_likes != 0;
    c->has_replies_column |= h.has_replies != 0;
    size_t line_base = h.flags & PART_RANGED ? b->line_base : 0;
    size_t rows_base = b->rows_base;
    if (h.flags & PART_RANGED) b->line_base += h.lines;
    b->rows_base += h.rows_read;
    int final = (h.flags & PART_FINAL) != 0;
    for (size_t at = 0; at < len;) {
        char tag = part[at++];
        if (tag == 'F') {
            uint32_t n;
            if (len - at < sizeof n) return malformed(b);
            memcpy(&n, part + at, sizeof n);
            at += sizeof n;
            if (len - at < n) return malformed(b);
            flush_pending(b);
            vcd_buf_clear(&b->name);
            vcd_buf_append(&b->name, part + at, n);
            at += n;
        } else if (tag == 'W') {
            warn_head w;
            if (len - at < sizeof w) return malformed(b);
            memcpy(&w, part + at, sizeof w);
            if (len - at - sizeof w < w.n) return malformed(b);
            if (w.row != b->pending_row) flush_pending(b);
            b->pending_row = w.row;
            w.line += line_base;
            vcd_buf_append(&b->pending, &w, sizeof w);
            vcd_buf_append(&b->pending, part + at + sizeof w, w.n);
            at += sizeof w + w.n;
        } else if (tag == 'R') {
            rec_head r;
            if (len - at < sizeof r) return malformed(b);
            memcpy(&r, part + at, sizeof r);
            at += sizeof r;
            uint64_t n = (uint64_t)r.id_n + r.text_n + r.author_n + r.key_n;
            if (len - at < n) return malformed(b);
            add_record(b, &r, part + at, final, line_base, rows_base);
            at += (size_t)n;
        } else {
            return malformed(b);
        }
    }
    flush_pending(b);
    return VCD_OK;
}

vcd_status vcd_corpus_builder_finish(vcd_corpus_builder *b, int allow_empty, vcd_corpus **out)
{
    *out = NULL;
    flush_pending(b);
    ingest_session *s = &b->s;
    vcd_corpus *c = s->corpus;
    s->name = b->path;
    ingest_session_done(s);
    vcd_status rc = VCD_OK;
    if (c->n_docs == 0 && !allow_empty)
        rc = vcd_fail(VCD_EINPUT, "%s: no usable comments (%zu rows read, %zu skipped)", b->path,
                      c->stats.rows_read, c->stats.rows_read - c->n_docs);
    if (!rc && s->spill) rc = ingest_spill_finish(s);
    if (!rc) {
        *out = c;
        s->corpus = NULL;
    }
    vcd_corpus_builder_free(b);
    return rc;
}

void vcd_corpus_part(const vcd_corpus *c, size_t lo, size_t hi, vcd_buf *part)
{
    vcd_buf_clear(part);
    for (size_t i = lo; i < hi && i < c->n_docs; i++) {
        const vcd_doc *d = &c->docs[i];
        rec_head r = {.time = d->time,
                      .likes = d->likes,
                      .replies = d->replies,
                      .n_codepoints = d->n_codepoints,
                      .id_n = (uint32_t)strlen(d->id),
                      .text_n = (uint32_t)strlen(d->text),
                      .author_n = (uint32_t)strlen(d->author)};
        put_entry(part, 'R', &r, sizeof r);
        vcd_buf_append(part, d->id, r.id_n);
        vcd_buf_append(part, d->text, r.text_n);
        vcd_buf_append(part, d->author, r.author_n);
        vcd_corpus_text_done(c, i);
    }
    vcd_corpus_text_done(c, c->n_docs);
    part_head h = {.magic = PART_MAGIC,
                   .flags = PART_FINAL,
                   .has_date = (uint32_t)c->has_date_column,
                   .has_likes = (uint32_t)c->has_likes_column,
                   .has_replies = (uint32_t)c->has_replies_column};
    put_entry(part, 'E', &h, sizeof h);
}
