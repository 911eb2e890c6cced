/* Line-oriented inputs: plain text (one comment per line) and JSON Lines. */
#include "ingest_internal.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>

typedef void (*line_fn)(ingest_session *s, const char *p, size_t n, size_t line);

/* The newline is searched for a step at a time, dropping the input behind
 * a long line, so that one huge line (skipped by the size checks without
 * being read) does not become resident as a whole. Lines end at "\n", with
 * a "\r" before it dropped, as vcd_next_line does. */
#define LINE_STEP (1u << 20)

/* Returns the number of lines. */
static size_t for_each_line(ingest_session *s, const unsigned char *data, size_t len, line_fn fn)
{
    size_t pos = 0, line = 0;
    while (pos < len) {
        ingest_input_consumed(s, data + pos);
        size_t end = pos;
        const unsigned char *nl = NULL;
        while (!nl && end < len) {
            size_t step = len - end < LINE_STEP ? len - end : LINE_STEP;
            nl = memchr(data + end, '\n', step);
            end = nl ? (size_t)(nl - data) : end + step;
            if (!nl) ingest_input_consumed(s, data + end);
        }
        size_t n = end - pos;
        if (n && data[end - 1] == '\r') n--;
        fn(s, (const char *)data + pos, n, ++line);
        pos = end + 1;
    }
    return line;
}

static void txt_line(ingest_session *s, const char *p, size_t n, size_t line)
{
    char id[300];
    int idn = s->id_prefix ? snprintf(id, sizeof id, "%.255s:%zu", s->id_prefix, line)
                           : snprintf(id, sizeof id, "%zu", line);
    raw_row row = {.text = {p, n, 1}, .id = {id, (size_t)idn, 1}};
    ingest_add_row(s, &row, line);
}

vcd_status ingest_parse_txt(ingest_session *s, const unsigned char *data, size_t len)
{
    if (len == 0) return vcd_fail(VCD_EINPUT, "%s: empty file", s->name);
    s->lines = for_each_line(s, data, len, txt_line);
    return VCD_OK;
}

static field_span json_field(const cJSON *v, char *scratch, size_t scratch_n)
{
    field_span f = {0};
    if (cJSON_IsString(v) && v->valuestring) {
        f.p = v->valuestring;
        f.n = strlen(v->valuestring);
        f.present = 1;
    } else if (cJSON_IsNumber(v)) {
        int k = snprintf(scratch, scratch_n, "%.0f", v->valuedouble);
        f.p = scratch;
        f.n = k > 0 && (size_t)k < scratch_n ? (size_t)k : 0;
        f.present = 1;
    }
    return f;
}

static int hex4(const char *p, size_t n, size_t at, unsigned *out)
{
    if (at + 4 > n) return 0;
    unsigned v = 0;
    for (size_t k = at; k < at + 4; k++) {
        char c = p[k];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) return 0;
        v = v * 16 + (unsigned)d;
    }
    *out = v;
    return 1;
}

/* Why cJSON refused a line: a bad \u escape (not 4 hex digits, or a
 * UTF-16 surrogate without its pair) is the common case worth naming. */
static const char *json_failure(const char *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (p[i] != '\\') continue;
        if (p[i + 1] != 'u') {
            i++; /* another escape: skip its letter */
            continue;
        }
        unsigned u, lo;
        if (!hex4(p, n, i + 2, &u)) return "invalid \\u escape (needs 4 hex digits)";
        if (u >= 0xDC00 && u <= 0xDFFF) return "invalid \\u escape (unpaired low surrogate)";
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (i + 7 >= n || p[i + 6] != '\\' || p[i + 7] != 'u' || !hex4(p, n, i + 8, &lo) ||
                lo < 0xDC00 || lo > 0xDFFF)
                return "invalid \\u escape (unpaired high surrogate)";
            i += 6;
        }
        i += 5;
    }
    return "not a JSON object";
}

static void jsonl_line(ingest_session *s, const char *p, size_t n, size_t line)
{
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    if (i == n) return; /* blank lines separate nothing in JSON Lines */
    /* Even with every byte escaped (\u0001 is 6 bytes for 1) a line this
     * long cannot hold fields within the limit; cJSON would copy it all. */
    size_t max_field = s->opt->max_field_bytes ? s->opt->max_field_bytes : (1u << 20);
    if (n / 8 > max_field) {
        s->corpus->stats.rows_read++;
        s->corpus->stats.skipped_malformed++;
        ingest_warn(s, line,
                    "line of %zu bytes is longer than 8 x the %zu-byte field limit; line "
                    "skipped",
                    n, max_field);
        return;
    }
    cJSON *obj = cJSON_ParseWithLength(p, n);
    if (!obj || !cJSON_IsObject(obj)) {
        s->corpus->stats.rows_read++;
        s->corpus->stats.skipped_malformed++;
        ingest_warn(s, line, "%s; line skipped", obj ? "not a JSON object" : json_failure(p, n));
        cJSON_Delete(obj);
        return;
    }
    raw_row row = {0};
    field_span *slots[COL_COUNT] = {&row.id,   &row.text,  &row.author,
                                    &row.date, &row.likes, &row.replies};
    char scratch[COL_COUNT][40];
    for (const cJSON *it = obj->child; it; it = it->next) {
        if (!it->string) continue;
        int role = ingest_column_role(s->opt, it->string, strlen(it->string));
        if (role < 0 || slots[role]->present) continue;
        *slots[role] = json_field(it, scratch[role], sizeof scratch[role]);
        if (role == COL_DATE) s->corpus->has_date_column = 1;
        if (role == COL_LIKES) s->corpus->has_likes_column = 1;
        if (role == COL_REPLIES) s->corpus->has_replies_column = 1;
    }
    if (!row.text.present) {
        s->corpus->stats.rows_read++;
        s->corpus->stats.skipped_malformed++;
        ingest_warn(s, line, "no text field (comment, text, body, content); line skipped");
    } else {
        ingest_add_row(s, &row, line);
    }
    cJSON_Delete(obj);
}

vcd_status ingest_parse_jsonl(ingest_session *s, const unsigned char *data, size_t len)
{
    if (len == 0) return vcd_fail(VCD_EINPUT, "%s: empty file", s->name);
    s->lines = for_each_line(s, data, len, jsonl_line);
    return VCD_OK;
}

vcd_status ingest_parse_lines_range(ingest_session *s, vcd_input_format f,
                                    const unsigned char *data, size_t len, size_t start, size_t end)
{
    if (len == 0) return vcd_fail(VCD_EINPUT, "%s: empty file", s->name);
    s->lines =
        for_each_line(s, data + start, end - start, f == VCD_FORMAT_TXT ? txt_line : jsonl_line);
    return VCD_OK;
}
