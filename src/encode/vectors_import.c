/* Importers for word vectors: the GloVe/word2vec/fastText text format and the
 * wink-embeddings JSON package, both into the .vcdv layout. */
#include "vcd/fileio.h"
#include "vcd/strmap.h"
#include "vcd/text.h"
#include "vcd/vectors.h"
#include "vectors_format.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t dim;
    size_t max_words;
    vcd_buf blob;
    uint64_t *offsets;
    float *rows;
    size_t n, cap;
    vcd_strmap *seen;
    vcd_buf key;
    vcd_vectors_import_stats *stats;
} builder;

static void builder_init(builder *b, size_t max_words, vcd_vectors_import_stats *stats)
{
    memset(b, 0, sizeof *b);
    b->max_words = max_words;
    b->seen = vcd_strmap_new();
    b->stats = stats;
}

static void builder_free(builder *b)
{
    vcd_buf_free(&b->blob);
    vcd_buf_free(&b->key);
    free(b->offsets);
    free(b->rows);
    vcd_strmap_free(b->seen);
}

static int builder_full(const builder *b)
{
    return b->max_words && b->n >= b->max_words;
}

/* Adds a word if its normalised key is new; earlier (more frequent) words win. */
static void builder_add(builder *b, const char *word, size_t n, const float *vec)
{
    b->stats->words_read++;
    vcd_match_key(word, n, &b->key);
    if (b->key.len == 0 || b->key.len > 1000 || vcdv_bad_value(vec, b->dim) < b->dim) {
        b->stats->skipped_bad++;
        return;
    }
    int inserted;
    vcd_strmap_upsert(b->seen, b->key.data, b->key.len, b->n, &inserted);
    if (!inserted) {
        b->stats->skipped_duplicate++;
        return;
    }
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 4096;
        b->offsets = vcd_xrealloc(b->offsets, (b->cap + 1) * sizeof *b->offsets);
        b->rows = vcd_xrealloc(b->rows, b->cap * b->dim * sizeof *b->rows);
    }
    b->offsets[b->n] = b->blob.len;
    vcd_buf_append(&b->blob, b->key.data, b->key.len);
    memcpy(b->rows + b->n * b->dim, vec, b->dim * sizeof *vec);
    b->n++;
    b->offsets[b->n] = b->blob.len;
    b->stats->words_kept++;
}

static size_t align_up(size_t x, size_t a)
{
    return (x + a - 1) / a * a;
}

static vcd_status builder_serialise(builder *b, unsigned char **out, size_t *out_len)
{
    if (b->n == 0) return vcd_fail(VCD_EINPUT, "no usable word vectors found");
    vcd_vectors_header h = {0};
    memcpy(h.magic, VCDV_MAGIC, 8);
    h.version = VCDV_VERSION;
    h.dim = (uint32_t)b->dim;
    h.n_words = b->n;
    h.vectors_off = align_up(sizeof h, 64);
    h.offsets_off = align_up(h.vectors_off + b->n * b->dim * 4, 64);
    h.blob_off = h.offsets_off + (b->n + 1) * 8;
    h.blob_len = b->blob.len;
    h.table_off = align_up(h.blob_off + h.blob_len, 64);
    h.table_size = 1;
    while (h.table_size < b->n * 2)
        h.table_size *= 2;
    size_t total = h.table_off + h.table_size * 4;
    unsigned char *buf = vcd_xcalloc(1, total);
    memcpy(buf, &h, sizeof h);
    memcpy(buf + h.vectors_off, b->rows, b->n * b->dim * 4);
    memcpy(buf + h.offsets_off, b->offsets, (b->n + 1) * 8);
    memcpy(buf + h.blob_off, b->blob.data, b->blob.len);
    uint32_t *table = (uint32_t *)(buf + h.table_off);
    for (size_t r = 0; r < b->n; r++) {
        const char *k = b->blob.data + b->offsets[r];
        size_t kn = b->offsets[r + 1] - b->offsets[r];
        uint64_t i = vcd_hash64(k, kn, VCDV_HASH_SEED) & (h.table_size - 1);
        while (table[i])
            i = (i + 1) & (h.table_size - 1);
        table[i] = (uint32_t)(r + 1);
    }
    /* What we write must pass the reader's checks (probe lengths included). */
    vcd_vectors *check;
    vcd_status rc = vcd_vectors_open_memory(buf, total, &check);
    if (rc) {
        free(buf);
        return vcd_fail(rc, "imported vectors do not validate: %s", vcd_last_error());
    }
    vcd_vectors_close(check);
    *out = buf;
    *out_len = total;
    return VCD_OK;
}

/* ---- GloVe / word2vec / fastText text ------------------------------------ */

static int parse_float(const char *p, size_t n, float *out)
{
    char tmp[64];
    if (n == 0 || n >= sizeof tmp) return 0;
    memcpy(tmp, p, n);
    tmp[n] = '\0';
    char *end;
    errno = 0;
    float v = strtof(tmp, &end);
    if (end != tmp + n || !isfinite(v)) return 0;
    *out = v;
    return 1;
}

/* Splits a line on spaces/tabs into up to max fields; returns the count. */
static size_t split_fields(const char *p, size_t n, const char **starts, size_t *lens, size_t max)
{
    size_t count = 0, i = 0;
    while (i < n) {
        while (i < n && (p[i] == ' ' || p[i] == '\t'))
            i++;
        if (i >= n) break;
        size_t s = i;
        while (i < n && p[i] != ' ' && p[i] != '\t')
            i++;
        if (count < max) {
            starts[count] = p + s;
            lens[count] = i - s;
        }
        count++;
    }
    return count;
}

static int all_digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9') return 0;
    return n > 0;
}

static vcd_status import_text(builder *b, const unsigned char *data, size_t len)
{
    enum { MAX_FIELDS = 4097 };
    const char **starts = vcd_xmalloc(MAX_FIELDS * sizeof *starts);
    size_t *lens = vcd_xmalloc(MAX_FIELDS * sizeof *lens);
    float *vec = vcd_xmalloc(4096 * sizeof *vec);
    size_t pos = 0, line = 0, n, header_dim = 0;
    const char *p;
    vcd_status rc = VCD_OK;
    while (!builder_full(b) && vcd_next_line(data, len, &pos, &p, &n)) {
        line++;
        size_t k = split_fields(p, n, starts, lens, MAX_FIELDS);
        if (k == 0) continue;
        if (line == 1 && k == 2 && all_digits(starts[0], lens[0]) &&
            all_digits(starts[1], lens[1])) {
            /* word2vec / fastText "count dim" header: the rows must agree */
            header_dim = SIZE_MAX; /* more than 5 digits: no dimension matches */
            if (lens[1] <= 5) {
                header_dim = 0;
                for (size_t j = 0; j < lens[1]; j++)
                    header_dim = header_dim * 10 + (size_t)(starts[1][j] - '0');
            }
            continue;
        }
        if (b->dim == 0) {
            if (k < 2 || k > MAX_FIELDS) {
                rc = vcd_fail(VCD_EINPUT, "%zu: cannot infer the vector dimension", line);
                break;
            }
            b->dim = k - 1;
            if (header_dim && header_dim != b->dim) {
                rc = vcd_fail(VCD_EINPUT,
                              "%zu: %zu values, but the header (line 1) says %zu dimensions", line,
                              b->dim, header_dim);
                break;
            }
        }
        if (k != b->dim + 1) {
            b->stats->words_read++;
            b->stats->skipped_bad++;
            continue;
        }
        int ok = 1;
        for (size_t j = 0; j < b->dim && ok; j++)
            ok = parse_float(starts[j + 1], lens[j + 1], &vec[j]);
        if (!ok) {
            b->stats->words_read++;
            b->stats->skipped_bad++;
            continue;
        }
        builder_add(b, starts[0], lens[0], vec);
    }
    free(starts);
    free(lens);
    free(vec);
    return rc;
}

/* ---- wink-embeddings JSON ------------------------------------------------
 * {"precision":..,"dimensions":100,"words":[...],"vectors":{"the":[v1..v100,
 * l2norm, index], ...},"unkVector":[...]}. 300 MB of JSON: parsed by a small
 * streaming scanner instead of building a DOM of 34 million numbers. */

typedef struct {
    const char *p;
    size_t n, i;
    int depth;
} json_scan;

static void js_ws(json_scan *s)
{
    while (s->i < s->n &&
           (s->p[s->i] == ' ' || s->p[s->i] == '\n' || s->p[s->i] == '\r' || s->p[s->i] == '\t'))
        s->i++;
}

static int js_expect(json_scan *s, char c)
{
    js_ws(s);
    if (s->i < s->n && s->p[s->i] == c) {
        s->i++;
        return 1;
    }
    return 0;
}

static void put_utf8(vcd_buf *b, uint32_t cp)
{
    char u[4];
    if (cp < 0x80) {
        vcd_buf_putc(b, (char)cp);
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        vcd_buf_append(b, u, 2);
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        vcd_buf_append(b, u, 3);
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        vcd_buf_append(b, u, 4);
    }
}

static int hex4(const char *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        char c = p[k];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return 0;
    }
    *out = v;
    return 1;
}

/* Parses a JSON string into out (decoded); returns 0 on malformed input. */
static int js_string(json_scan *s, vcd_buf *out)
{
    vcd_buf_clear(out);
    if (!js_expect(s, '"')) return 0;
    while (s->i < s->n) {
        char c = s->p[s->i++];
        if (c == '"') return 1;
        if (c != '\\') {
            vcd_buf_putc(out, c);
            continue;
        }
        if (s->i >= s->n) return 0;
        char e = s->p[s->i++];
        switch (e) {
        case 'n':
            vcd_buf_putc(out, '\n');
            break;
        case 't':
            vcd_buf_putc(out, '\t');
            break;
        case 'r':
            vcd_buf_putc(out, '\r');
            break;
        case 'b':
            vcd_buf_putc(out, '\b');
            break;
        case 'f':
            vcd_buf_putc(out, '\f');
            break;
        case 'u': {
            uint32_t cp, lo;
            if (s->n - s->i < 4 || !hex4(s->p + s->i, &cp)) return 0;
            s->i += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && s->n - s->i >= 6 && s->p[s->i] == '\\' &&
                s->p[s->i + 1] == 'u' && hex4(s->p + s->i + 2, &lo) && lo >= 0xDC00 &&
                lo < 0xE000) {
                s->i += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xD800 && cp < 0xE000) {
                cp = 0xFFFD;
            }
            put_utf8(out, cp);
            break;
        }
        default:
            vcd_buf_putc(out, e);
            break;
        }
    }
    return 0;
}

static int js_number(json_scan *s, double *out)
{
    js_ws(s);
    size_t st = s->i;
    while (s->i < s->n && (strchr("+-.eE0123456789", s->p[s->i]) != NULL) && s->p[s->i])
        s->i++;
    char tmp[64];
    size_t k = s->i - st;
    if (k == 0 || k >= sizeof tmp) return 0;
    memcpy(tmp, s->p + st, k);
    tmp[k] = '\0';
    char *end;
    *out = strtod(tmp, &end);
    return end == tmp + k && isfinite(*out);
}

/* Skips any JSON value without recursion (depth is a counter). */
static int js_skip(json_scan *s)
{
    js_ws(s);
    if (s->i >= s->n) return 0;
    char first = s->p[s->i];
    if (first != '{' && first != '[' && first != '"') { /* number or literal */
        size_t start = s->i;
        while (s->i < s->n && !strchr(",}] \t\r\n", s->p[s->i]))
            s->i++;
        return s->i > start;
    }
    int depth = 0;
    vcd_buf scratch = {0};
    int ok = 1;
    do {
        js_ws(s);
        if (s->i >= s->n) {
            ok = 0;
            break;
        }
        char c = s->p[s->i];
        if (c == '"') {
            if (!js_string(s, &scratch)) {
                ok = 0;
                break;
            }
        } else if (c == '{' || c == '[') {
            depth++;
            s->i++;
        } else if (c == '}' || c == ']') {
            depth--;
            s->i++;
            if (depth < 0) {
                ok = 0;
                break;
            }
        } else {
            s->i++; /* numbers, literals, commas, colons */
        }
    } while (depth > 0);
    vcd_buf_free(&scratch);
    return ok;
}

static vcd_status wink_vectors(builder *b, json_scan *s)
{
    if (!js_expect(s, '{')) return vcd_fail(VCD_EINPUT, "wink JSON: \"vectors\" is not an object");
    vcd_buf word = {0};
    float *vec = vcd_xmalloc(b->dim * sizeof *vec);
    vcd_status rc = VCD_OK;
    if (js_expect(s, '}')) goto done;
    do {
        if (!js_string(s, &word) || !js_expect(s, ':') || !js_expect(s, '[')) {
            rc = vcd_fail(VCD_EINPUT, "wink JSON: malformed entry near byte %zu", s->i);
            break;
        }
        size_t count = 0;
        int ok = 1;
        if (!js_expect(s, ']')) {
            do {
                double v;
                if (!js_number(s, &v)) {
                    ok = 0;
                    break;
                }
                if (count < b->dim) vec[count] = (float)v;
                count++;
            } while (js_expect(s, ','));
            if (ok && !js_expect(s, ']')) ok = 0;
        }
        if (!ok) {
            rc = vcd_fail(VCD_EINPUT, "wink JSON: malformed vector near byte %zu", s->i);
            break;
        }
        if (count < b->dim) {
            b->stats->words_read++;
            b->stats->skipped_bad++;
        } else if (!builder_full(b)) {
            builder_add(b, word.data, word.len, vec);
        }
    } while (js_expect(s, ','));
    if (rc == VCD_OK && !js_expect(s, '}'))
        rc = vcd_fail(VCD_EINPUT, "wink JSON: unterminated \"vectors\" object");
done:
    vcd_buf_free(&word);
    free(vec);
    return rc;
}

static vcd_status import_wink(builder *b, const unsigned char *data, size_t len)
{
    json_scan s = {(const char *)data, len, 0, 0};
    if (!js_expect(&s, '{')) return vcd_fail(VCD_EINPUT, "wink JSON: not a JSON object");
    vcd_buf key = {0};
    vcd_status rc = VCD_OK;
    int saw_vectors = 0;
    do {
        if (!js_string(&s, &key) || !js_expect(&s, ':')) {
            rc = vcd_fail(VCD_EINPUT, "wink JSON: malformed key near byte %zu", s.i);
            break;
        }
        if (strcmp(key.data, "dimensions") == 0) {
            double d;
            if (!js_number(&s, &d) || d < 1 || d > 4096 || d != floor(d)) {
                rc = vcd_fail(VCD_EINPUT, "wink JSON: bad \"dimensions\"");
                break;
            }
            b->dim = (size_t)d;
        } else if (strcmp(key.data, "vectors") == 0) {
            if (b->dim == 0) {
                rc = vcd_fail(VCD_EINPUT, "wink JSON: \"vectors\" before \"dimensions\"");
                break;
            }
            rc = wink_vectors(b, &s);
            saw_vectors = 1;
            if (rc) break;
        } else if (!js_skip(&s)) {
            rc = vcd_fail(VCD_EINPUT, "wink JSON: malformed value for \"%.40s\"", key.data);
            break;
        }
    } while (js_expect(&s, ','));
    if (rc == VCD_OK && !saw_vectors) rc = vcd_fail(VCD_EINPUT, "wink JSON: no \"vectors\" object");
    vcd_buf_free(&key);
    return rc;
}

vcd_status vcd_vectors_import_memory(const unsigned char *data, size_t len, vcd_vectors_format fmt,
                                     size_t max_words, unsigned char **out, size_t *out_len,
                                     vcd_vectors_import_stats *stats)
{
    vcd_vectors_import_stats local;
    if (!stats) stats = &local;
    memset(stats, 0, sizeof *stats);
    *out = NULL;
    *out_len = 0;
    builder b;
    builder_init(&b, max_words, stats);
    vcd_status rc = fmt == VCD_VEC_WINK ? import_wink(&b, data, len) : import_text(&b, data, len);
    if (rc == VCD_OK) rc = builder_serialise(&b, out, out_len);
    builder_free(&b);
    return rc;
}

vcd_status vcd_vectors_import(const char *in_path, vcd_vectors_format fmt, const char *out_path,
                              size_t max_words, vcd_vectors_import_stats *stats)
{
    vcd_mapped_file f;
    vcd_status rc = vcd_map_file(in_path, &f);
    if (rc) return rc;
    unsigned char *buf;
    size_t n;
    rc = vcd_vectors_import_memory(f.data, f.len, fmt, max_words, &buf, &n, stats);
    vcd_unmap_file(&f);
    /* a line's error starts with its number: "<file>:<line>: <why>" */
    const char *why = vcd_last_error();
    if (rc) return vcd_fail(rc, isdigit((unsigned char)why[0]) ? "%s:%s" : "%s: %s", in_path, why);
    rc = vcd_write_file_atomic(out_path, buf, n);
    free(buf);
    return rc;
}
