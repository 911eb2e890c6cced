/* CSV through libcsv. The input is fed one physical line at a time so that
 * every warning can name the line a record started on, even when quoted
 * fields span several lines. */
#include "ingest_internal.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

/* Bytes handed to libcsv per call. */
#define CSV_PIECE (64u << 10)

typedef struct {
    ingest_session *s;
    size_t line;        /* physical line being fed */
    size_t record_line; /* line the current record started on */
    size_t next_record; /* line the next record starts on, at the latest */
    vcd_buf fields;     /* field bytes of the current record, back to back */
    size_t *offsets;    /* field i spans offsets[i] .. offsets[i+1] */
    size_t n_fields, cap_fields;
    int in_header;
    int *roles; /* column index -> column_role or -1 */
    size_t n_columns;
    int have_role[COL_COUNT];
    size_t max_field;
    int oversized;
    int field_cut;    /* the field being read passed the limit: its bytes were dropped */
    int unterminated; /* the input ended inside a quoted field */
    vcd_status error;
    vcd_buf header_names; /* for the "columns found" message */
} csv_state;

static void on_field(void *data, size_t n, void *ctx)
{
    csv_state *st = ctx;
    if (st->n_fields == 0) st->record_line = st->next_record;
    if (st->n_fields + 2 > st->cap_fields) {
        st->cap_fields = st->cap_fields ? st->cap_fields * 2 : 16;
        st->offsets = vcd_xrealloc(st->offsets, st->cap_fields * sizeof *st->offsets);
    }
    if (st->n_fields == 0) {
        vcd_buf_clear(&st->fields);
        st->offsets[0] = 0;
    }
    /* Oversized fields are dropped here so that memory stays bounded by the
     * limit; the row is then skipped as a whole. */
    if (n > st->max_field || st->field_cut) {
        st->oversized = 1;
        st->field_cut = 0;
        n = 0;
    }
    if (n) vcd_buf_append(&st->fields, data, n);
    st->n_fields++;
    st->offsets[st->n_fields] = st->fields.len;
}

static field_span field_at(const csv_state *st, size_t i)
{
    field_span f = {0};
    if (i >= st->n_fields) return f;
    f.p = st->fields.data ? st->fields.data + st->offsets[i] : "";
    f.n = st->offsets[i + 1] - st->offsets[i];
    f.present = 1;
    return f;
}

static void take_header(csv_state *st)
{
    st->n_columns = st->n_fields;
    st->roles = vcd_xmalloc((st->n_columns ? st->n_columns : 1) * sizeof *st->roles);
    for (size_t i = 0; i < st->n_columns; i++) {
        field_span f = field_at(st, i);
        int role = ingest_column_role(st->s->opt, f.p, f.n);
        if (role >= 0 && st->have_role[role]) role = -1; /* first match wins */
        st->roles[i] = role;
        if (role >= 0) st->have_role[role] = 1;
        if (i) vcd_buf_puts(&st->header_names, ", ");
        vcd_buf_append(&st->header_names, f.p, f.n < 60 ? f.n : 60);
    }
    vcd_corpus *c = st->s->corpus;
    /* or-ed: a directory's files each have a header */
    c->has_date_column |= st->have_role[COL_DATE];
    c->has_likes_column |= st->have_role[COL_LIKES];
    c->has_replies_column |= st->have_role[COL_REPLIES];
    if (!st->have_role[COL_TEXT]) {
        const char *want = st->s->opt->text_column ? st->s->opt->text_column : "Comment";
        const char *hint = "";
        if (st->n_columns == 1 && (memchr(st->header_names.data, ';', st->header_names.len) ||
                                   memchr(st->header_names.data, '\t', st->header_names.len)))
            hint = " (wrong delimiter? try --delimiter ';' or --delimiter tab)";
        st->error = vcd_fail(VCD_EINPUT,
                             "%s:1: no text column '%s' (or text, body, content); columns found: "
                             "%s%s; use --text-column",
                             st->s->name, want,
                             st->header_names.len ? st->header_names.data : "(none)", hint);
    }
    if (st->s->opt->id_column && !st->have_role[COL_ID] && !st->error)
        st->error = vcd_fail(VCD_EINPUT, "%s:1: no id column '%s'; columns found: %s", st->s->name,
                             st->s->opt->id_column, st->header_names.data);
    if (st->s->opt->date_column && !st->have_role[COL_DATE] && !st->error)
        st->error = vcd_fail(VCD_EINPUT, "%s:1: no date column '%s'; columns found: %s",
                             st->s->name, st->s->opt->date_column, st->header_names.data);
}

static void on_record(int terminator, void *ctx)
{
    (void)terminator;
    csv_state *st = ctx;
    if (st->error) {
        st->n_fields = 0;
        return;
    }
    if (st->in_header) {
        take_header(st);
        st->in_header = 0;
    } else if (st->s->csv_header_only) {
        /* a record before this part's range: another part's */
    } else if (st->unterminated) {
        st->s->corpus->stats.rows_read++;
        st->s->corpus->stats.skipped_malformed++;
        ingest_warn(st->s, st->record_line,
                    "quoted field never closed: runs to the end of the file; row skipped");
    } else if (st->oversized) {
        st->s->corpus->stats.rows_read++;
        st->s->corpus->stats.skipped_malformed++;
        ingest_warn(st->s, st->record_line, "field longer than %zu bytes; row skipped",
                    st->max_field);
    } else if (st->n_fields != st->n_columns) {
        st->s->corpus->stats.rows_read++;
        st->s->corpus->stats.skipped_malformed++;
        ingest_warn(st->s, st->record_line, "expected %zu fields, found %zu; row skipped",
                    st->n_columns, st->n_fields);
    } else {
        raw_row row = {0};
        field_span *slots[COL_COUNT] = {&row.id,   &row.text,  &row.author,
                                        &row.date, &row.likes, &row.replies};
        for (size_t i = 0; i < st->n_columns; i++)
            if (st->roles[i] >= 0) *slots[st->roles[i]] = field_at(st, i);
        ingest_add_row(st->s, &row, st->record_line);
    }
    st->n_fields = 0;
    st->oversized = 0;
    st->next_record = st->line; /* a CR can end a record mid-line */
}

/* libcsv keeps a field's bytes until the field ends. Once they pass the
 * limit, the field can only be skipped, so they are dropped after every
 * piece fed: memory stays bounded by the limit plus one piece. The parser's
 * state is kept; only its trailing quote and spaces, which it subtracts
 * when the field ends, must stay counted (one space stands for any number:
 * only zero or not matters to the state machine). */
static void cut_long_field(struct csv_parser *p, csv_state *st)
{
    if (p->entry_pos <= st->max_field) return;
    p->spaces = p->spaces ? 1 : 0;
    p->entry_pos = p->spaces + (p->pstate == 3 /* FIELD_MIGHT_HAVE_ENDED */);
    st->field_cut = 1;
}

/* Feeds data[from, to) (from at a line start) a line at a time, and a
 * long line in pieces so that a field is cut in time (and not even a
 * newline search reads far ahead); libcsv copies what it keeps, so the
 * input behind a piece is done with. */
static void csv_feed(struct csv_parser *parser, csv_state *st, const unsigned char *data,
                     size_t from, size_t to)
{
    ingest_session *s = st->s;
    size_t pos = from;
    int line_start = 1;
    while (pos < to && !st->error) {
        if (line_start) {
            st->line++;
            if (parser->pstate == 0 /* ROW_NOT_BEGUN */) st->next_record = st->line;
        }
        size_t n = to - pos < CSV_PIECE ? to - pos : CSV_PIECE;
        const unsigned char *nl = memchr(data + pos, '\n', n);
        if (nl) n = (size_t)(nl - (data + pos)) + 1;
        line_start = nl != NULL;
        ingest_input_consumed(s, data + pos);
        if (csv_parse(parser, data + pos, n, on_field, on_record, st) != n)
            st->error = vcd_fail(VCD_EINPUT, "%s:%zu: %s", s->name, st->line,
                                 csv_strerror(csv_error(parser)));
        cut_long_field(parser, st);
        pos += n;
    }
}

vcd_status ingest_parse_csv_range(ingest_session *s, const unsigned char *data, size_t len,
                                  size_t start, size_t end)
{
    if (end > len) end = len;
    if (start > 0 && start >= end) return VCD_OK; /* an empty part: not even a header */
    struct csv_parser parser;
    if (csv_init(&parser, CSV_APPEND_NULL) != 0)
        return vcd_fail(VCD_ERUNTIME, "%s: cannot initialise the CSV parser", s->name);
    char delim = s->opt->delimiter ? s->opt->delimiter : ',';
    csv_set_delim(&parser, (unsigned char)delim);
    /* libcsv grows its field buffer linearly by this block: the default 128
     * bytes makes a 10 MB field cost ~80,000 reallocations. */
    csv_set_blk_size(&parser, 1u << 20);
    csv_state st = {.s = s, .in_header = 1};
    st.max_field = s->opt->max_field_bytes ? s->opt->max_field_bytes : (1u << 20);
    if (start > 0) {
        /* A later part: the header first; the parser is between rows at
         * its end and at `start` (ingest_csv_bounds), and the part's lines
         * are counted from its start. */
        s->csv_header_only = 1;
        csv_feed(&parser, &st, data, 0, s->csv_hdr_end < start ? s->csv_hdr_end : start);
        s->csv_header_only = 0;
        st.line = 0;
    }
    csv_feed(&parser, &st, data, start, end);
    /* libcsv would quietly close a quote left open at the end of the input
     * (FIELD_BEGUN == 2 in its state machine); that record is broken. */
    if (parser.pstate == 2 && parser.quoted) {
        st.unterminated = 1;
        if (st.n_fields == 0) st.record_line = st.line;
    }
    if (!st.error) csv_fini(&parser, on_field, on_record, &st);
    if (!st.error && st.in_header)
        st.error = vcd_fail(VCD_EINPUT, "%s: empty file: no header row", s->name);
    s->lines = st.line;
    csv_free(&parser);
    vcd_buf_free(&st.fields);
    vcd_buf_free(&st.header_names);
    free(st.offsets);
    free(st.roles);
    return st.error;
}

vcd_status ingest_parse_csv(ingest_session *s, const unsigned char *data, size_t len)
{
    return ingest_parse_csv_range(s, data, len, 0, len);
}

/* libcsv's states (csv.h), for the bound scan. */
enum { ROW_NOT_BEGUN, FIELD_NOT_BEGUN, FIELD_BEGUN, FIELD_MIGHT_HAVE_ENDED };

/* libcsv's csv_parse (3.0.3, non-strict, default space and terminator
 * tests) reduced to its state: which of the four states, whether the field
 * is quoted, and whether spaces followed a closing quote. Inside a quoted
 * field only a quote changes anything, so that is a memchr. */
void ingest_csv_bounds(const unsigned char *d, size_t len, char delim_c, const size_t *offs,
                       size_t n, size_t *bounds, size_t *hdr_end)
{
    unsigned char delim = (unsigned char)delim_c;
    int state = ROW_NOT_BEGUN, quoted = 0, spaces = 0;
    size_t rows = 0, k = 0;
    *hdr_end = len;
    for (size_t i = 0; i < len;) {
        unsigned char c = d[i];
        if (state == FIELD_BEGUN && quoted) {
            const unsigned char *q = memchr(d + i, '"', len - i);
            if (!q) break;
            i = (size_t)(q - d) + 1;
            state = FIELD_MIGHT_HAVE_ENDED;
            spaces = 0;
            continue;
        }
        i++;
        int space = c == ' ' || c == '\t', term = c == '\r' || c == '\n';
        switch (state) {
        case ROW_NOT_BEGUN:
        case FIELD_NOT_BEGUN:
            if (space && c != delim) continue;
            if (term) {
                if (state == FIELD_NOT_BEGUN) rows++;
                state = ROW_NOT_BEGUN;
            } else if (c == delim) {
                state = FIELD_NOT_BEGUN;
            } else {
                state = FIELD_BEGUN;
                quoted = c == '"';
            }
            break;
        case FIELD_BEGUN: /* unquoted: a quote is a character */
            if (c == delim) {
                state = FIELD_NOT_BEGUN;
            } else if (term) {
                state = ROW_NOT_BEGUN;
                rows++;
            }
            break;
        default: /* FIELD_MIGHT_HAVE_ENDED */
            if (c == delim) {
                state = FIELD_NOT_BEGUN;
                quoted = 0;
            } else if (term) {
                state = ROW_NOT_BEGUN;
                quoted = 0;
                rows++;
            } else if (space) {
                spaces = 1;
            } else if (c == '"' && spaces) {
                spaces = 0;
            } else {
                state = FIELD_BEGUN; /* still quoted */
                spaces = 0;
            }
            break;
        }
        if (c != '\n' || state != ROW_NOT_BEGUN || rows == 0) continue;
        if (*hdr_end == len) *hdr_end = i;
        while (k < n && offs[k] <= i)
            bounds[k++] = i;
    }
    while (k < n)
        bounds[k++] = len;
}
