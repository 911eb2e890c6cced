/* Texts shared with a CoNLL file (vcd/overlap.h). The normalisation follows
 * CPython 3.11's str.lower() and re's \w, so the kept lines are the bytes the
 * former Python step wrote; where utf8proc's Unicode tables (15.0) are newer
 * than Python's (14.0), a code point new in 15.0 counts as a letter here. */
#include "vcd/overlap.h"
#include "vcd/text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define REPLACEMENT 0xFFFD
#define NONE SIZE_MAX
#define PROBE_MAX_BYTES (4 * VCD_OVERLAP_PROBE_CPS)

/* One step of UTF-8 decoding as CPython's errors='replace' sees it: a valid
 * sequence gives its code point; otherwise the maximal subpart of a valid
 * sequence (at least one byte) is one U+FFFD (Unicode 3.9, Table 3-7), given
 * as -1. Returns the bytes consumed (1..4, n > 0). */
static size_t utf8_step(const unsigned char *s, size_t n, int32_t *cp)
{
    unsigned char b = s[0];
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
    int32_t c;
    if (b >= 0xC2 && b <= 0xDF) {
        need = 1, c = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2, c = b & 0x0F;
        if (b == 0xE0) lo = 0xA0;
        if (b == 0xED) hi = 0x9F; /* no surrogates */
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3, c = b & 0x07;
        if (b == 0xF0) lo = 0x90;
        if (b == 0xF4) hi = 0x8F;
    } else {
        *cp = -1;
        return 1;
    }
    size_t i = 1;
    for (; i <= need; i++) {
        unsigned char lo_i = i == 1 ? lo : 0x80, hi_i = i == 1 ? hi : 0xBF;
        if (i >= n || s[i] < lo_i || s[i] > hi_i) {
            *cp = -1;
            return i;
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    *cp = c;
    return i;
}

/* CPython's final-sigma rule: a capital sigma after a cased letter (case
 * ignorables skipped) and not before one lower-cases to U+03C2. */
static int32_t lower_sigma(const unsigned char *s, size_t n, size_t after, int prev_cased)
{
    if (!prev_cased) return 0x3C3;
    for (size_t pos = after; pos < n;) {
        int32_t cp;
        pos += utf8_step(s + pos, n - pos, &cp);
        if (cp < 0) return 0x3C2; /* U+FFFD: neither cased nor case-ignorable */
        if (!vcd_is_case_ignorable(cp)) return vcd_is_cased(cp) ? 0x3C3 : 0x3C2;
    }
    return 0x3C2;
}

size_t vcd_overlap_normalize(const char *text, size_t n, vcd_buf *out)
{
    const unsigned char *s = (const unsigned char *)text;
    vcd_buf_clear(out);
    vcd_buf_reserve(out, n);
    size_t cps = 0;
    int prev_cased = 0; /* the last code point that is not case-ignorable was cased */
    for (size_t pos = 0; pos < n;) {
        int32_t cp;
        pos += utf8_step(s + pos, n - pos, &cp);
        if (cp < 0) cp = REPLACEMENT;
        /* U+0130 lowers to "i" + U+0307, a mark dropped below: utf8proc's
         * simple mapping to "i" is the same text. */
        int32_t low = cp == 0x3A3 ? lower_sigma(s, n, pos, prev_cased) : utf8proc_tolower(cp);
        if (!vcd_is_case_ignorable(cp)) prev_cased = vcd_is_cased(cp);
        if (!vcd_is_letter_or_number(low)) continue;
        utf8proc_uint8_t enc[4];
        vcd_buf_append(out, enc, (size_t)utf8proc_encode_char(low, enc));
        cps++;
    }
    return cps;
}

/* ---- probes ---- */

struct vcd_overlap {
    char *bytes;      /* every probe, back to back */
    size_t *start;    /* n + 1 offsets into bytes, probes sorted by bytes */
    uint64_t *prefix; /* the first 8 bytes of each probe, big-endian: sorted as the probes */
    size_t *shorter;  /* the longest probe that is a proper prefix of this one, or NONE */
    size_t n;
    uint8_t first2[8192]; /* bit per first two bytes: most text positions stop here */
};

static uint64_t prefix8(const char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | (unsigned char)p[i];
    return v;
}

static unsigned first2_key(const char *p)
{
    return (unsigned)(unsigned char)p[0] << 8 | (unsigned char)p[1];
}

typedef struct {
    const char *p;
    size_t n;
} probe_ref;

static int probe_cmp(const void *a, const void *b)
{
    const probe_ref *x = a, *y = b;
    size_t m = x->n < y->n ? x->n : y->n;
    int c = memcmp(x->p, y->p, m);
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* Every sentence's normalised text cut to its probe, into keys (back to
 * back) with their lengths; returns the number of probes. */
static size_t sentence_probes(const vcd_conll *c, vcd_buf *keys, size_t **lens)
{
    vcd_buf joined = {0}, norm = {0};
    *lens = vcd_xmalloc((c->n_sentences + 1) * sizeof **lens);
    size_t n = 0;
    for (size_t s = 0; s < c->n_sentences; s++) {
        vcd_buf_clear(&joined);
        for (size_t t = c->sentence_start[s]; t < c->sentence_start[s + 1]; t++)
            vcd_buf_puts(&joined, c->tokens[t].token);
        size_t cps = vcd_overlap_normalize(joined.data, joined.len, &norm);
        if (cps < VCD_OVERLAP_MIN_CPS) continue;
        size_t len = vcd_utf8_offset(norm.data, norm.len, VCD_OVERLAP_PROBE_CPS);
        vcd_buf_append(keys, norm.data, len);
        (*lens)[n++] = len;
    }
    vcd_buf_free(&joined);
    vcd_buf_free(&norm);
    return n;
}

static size_t probe_len(const vcd_overlap *o, size_t i)
{
    return o->start[i + 1] - o->start[i];
}

/* 1 when probe a is a proper prefix of probe b. */
static int probe_prefix_of(const vcd_overlap *o, size_t a, size_t b)
{
    return probe_len(o, a) < probe_len(o, b) &&
           memcmp(o->bytes + o->start[a], o->bytes + o->start[b], probe_len(o, a)) == 0;
}

/* shorter[i]: sorted, a probe's prefixes come before it, so a stack of the
 * probes that are prefixes of the current one finds each in one pass. */
static void link_shorter(vcd_overlap *o)
{
    o->shorter = vcd_xmalloc((o->n + 1) * sizeof *o->shorter);
    size_t *stack = vcd_xmalloc((o->n + 1) * sizeof *stack), depth = 0;
    for (size_t i = 0; i < o->n; i++) {
        while (depth && !probe_prefix_of(o, stack[depth - 1], i))
            depth--;
        o->shorter[i] = depth ? stack[depth - 1] : NONE;
        stack[depth++] = i;
    }
    free(stack);
}

/* Sorts the probes, keeps each once and indexes them by prefix. */
static vcd_overlap *overlap_index(const vcd_buf *keys, const size_t *lens, size_t n)
{
    probe_ref *refs = vcd_xmalloc((n + 1) * sizeof *refs);
    for (size_t i = 0, off = 0; i < n; off += lens[i++])
        refs[i] = (probe_ref){keys->data + off, lens[i]};
    qsort(refs, n, sizeof *refs, probe_cmp);
    vcd_overlap *o = vcd_xcalloc(1, sizeof *o);
    o->bytes = vcd_xmalloc(keys->len + 1);
    o->start = vcd_xmalloc((n + 1) * sizeof *o->start);
    o->prefix = vcd_xmalloc((n + 1) * sizeof *o->prefix);
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        if (o->n && probe_cmp(&refs[i], &refs[i - 1]) == 0) continue;
        memcpy(o->bytes + off, refs[i].p, refs[i].n);
        o->start[o->n] = off;
        o->prefix[o->n] = prefix8(refs[i].p);
        unsigned k = first2_key(refs[i].p);
        o->first2[k >> 3] |= (uint8_t)(1u << (k & 7));
        off += refs[i].n;
        o->n++;
    }
    o->start[o->n] = off;
    free(refs);
    link_shorter(o);
    return o;
}

vcd_status vcd_overlap_build(const vcd_conll *c, const char *name, vcd_overlap **out)
{
    *out = NULL;
    vcd_buf keys = {0};
    size_t *lens;
    size_t n = sentence_probes(c, &keys, &lens);
    if (n == 0) {
        free(lens);
        vcd_buf_free(&keys);
        return vcd_fail(VCD_EINPUT, "%s: no sentence has %d or more letters and digits to match",
                        name, VCD_OVERLAP_MIN_CPS);
    }
    *out = overlap_index(&keys, lens, n);
    free(lens);
    vcd_buf_free(&keys);
    return VCD_OK;
}

/* The CoNLL reader takes any line; a token of a megabyte is a wrong file. */
static vcd_status check_line_lengths(const char *path, const vcd_mapped_file *f)
{
    size_t pos = 0, n, line_no = 0;
    const char *line;
    while (vcd_next_line(f->data, f->len, &pos, &line, &n)) {
        line_no++;
        if (n > VCD_OVERLAP_MAX_LINE)
            return vcd_fail(VCD_EINPUT, "%s:%zu: line of %zu bytes (more than %u): not CoNLL", path,
                            line_no, n, VCD_OVERLAP_MAX_LINE);
    }
    return VCD_OK;
}

vcd_status vcd_overlap_load(const char *conll_path, vcd_overlap **out)
{
    *out = NULL;
    vcd_mapped_file f;
    vcd_status rc = vcd_map_file(conll_path, &f);
    if (rc) return rc;
    vcd_conll c;
    rc = check_line_lengths(conll_path, &f);
    if (rc == VCD_OK) rc = vcd_conll_parse(conll_path, f.data, f.len, &c);
    vcd_unmap_file(&f);
    if (rc) return rc;
    rc = vcd_overlap_build(&c, conll_path, out);
    vcd_conll_free(&c);
    return rc;
}

size_t vcd_overlap_probe_count(const vcd_overlap *o)
{
    return o ? o->n : 0;
}

const char *vcd_overlap_probe(const vcd_overlap *o, size_t index, size_t *len)
{
    *len = o->start[index + 1] - o->start[index];
    return o->bytes + o->start[index];
}

void vcd_overlap_free(vcd_overlap *o)
{
    if (!o) return;
    free(o->bytes);
    free(o->start);
    free(o->prefix);
    free(o->shorter);
    free(o);
}

/* Compares probe i with the text t (tn bytes) as strings; *lcp gets their
 * common prefix length. */
static int probe_cmp_text(const vcd_overlap *o, size_t i, const char *t, size_t tn, size_t *lcp)
{
    const char *p = o->bytes + o->start[i];
    size_t pn = probe_len(o, i), m = pn < tn ? pn : tn, k = 0;
    while (k < m && p[k] == t[k])
        k++;
    *lcp = k;
    if (k < m) return (unsigned char)p[k] < (unsigned char)t[k] ? -1 : 1;
    return (pn > tn) - (pn < tn);
}

/* Does a probe start at t (tn bytes left, at least 12)? The probes that are
 * prefixes of t sort at or before it and are prefixes of the last probe q
 * that does, so: binary search for q among the probes with t's 8-byte
 * prefix, then down q's chain of shorter probes to one within the common
 * prefix of q and t. Bounded work per position, however alike the probes. */
static int probe_at(const vcd_overlap *o, const char *t, size_t tn)
{
    if (tn > PROBE_MAX_BYTES) tn = PROBE_MAX_BYTES;
    uint64_t key = prefix8(t);
    size_t lo = 0, hi = o->n, lcp;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (o->prefix[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t first = lo;
    hi = o->n;
    while (lo < hi) { /* the first probe with this prefix sorting after t */
        size_t mid = lo + (hi - lo) / 2;
        if (o->prefix[mid] == key && probe_cmp_text(o, mid, t, tn, &lcp) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == first) return 0;
    size_t q = lo - 1;
    probe_cmp_text(o, q, t, tn, &lcp);
    while (q != NONE && probe_len(o, q) > lcp)
        q = o->shorter[q];
    return q != NONE;
}

int vcd_overlap_test(const vcd_overlap *o, const char *text, size_t n, vcd_buf *scratch)
{
    vcd_overlap_normalize(text, n, scratch);
    const char *s = scratch->data;
    /* Every probe has 12 or more code points, so 12 or more bytes; a probe
     * starts with a lead byte, so a byte match is a code-point match. */
    for (size_t i = 0; i + VCD_OVERLAP_MIN_CPS <= scratch->len; i++) {
        unsigned k = first2_key(s + i);
        if ((o->first2[k >> 3] >> (k & 7) & 1) && probe_at(o, s + i, scratch->len - i)) return 1;
    }
    return 0;
}

/* ---- filtering lines ---- */

/* The next line as Python's universal newlines split it: [*pos, end) is the
 * text, the terminator (LF, CR LF or CR) is skipped; *ended says one was. */
static size_t next_text_line(const unsigned char *d, size_t len, size_t *pos, int *ended)
{
    size_t i = *pos;
    while (i < len && d[i] != '\n' && d[i] != '\r')
        i++;
    size_t end = i;
    *ended = i < len;
    if (i < len) i += d[i] == '\r' && i + 1 < len && d[i + 1] == '\n' ? 2 : 1;
    *pos = i;
    return end;
}

/* Writes the line with every invalid subpart as U+FFFD; returns 1 when the
 * line had one. */
static int write_replaced(const unsigned char *s, size_t n, FILE *out)
{
    int invalid = 0;
    size_t run = 0; /* valid bytes not yet written */
    for (size_t pos = 0; pos < n;) {
        int32_t cp;
        size_t k = utf8_step(s + pos, n - pos, &cp);
        if (cp < 0) {
            fwrite(s + run, 1, pos - run, out);
            fputs("\xEF\xBF\xBD", out);
            run = pos + k;
            invalid = 1;
        }
        pos += k;
    }
    fwrite(s + run, 1, n - run, out);
    return invalid;
}

vcd_status vcd_overlap_filter_lines(const vcd_overlap *o, const unsigned char *data, size_t len,
                                    FILE *out, vcd_overlap_counts *counts)
{
    memset(counts, 0, sizeof *counts);
    vcd_buf scratch = {0};
    for (size_t pos = 0; pos < len;) {
        size_t start = pos;
        int ended;
        size_t end = next_text_line(data, len, &pos, &ended);
        const unsigned char *line = data + start;
        if (vcd_overlap_test(o, (const char *)line, end - start, &scratch)) {
            counts->dropped++;
            continue;
        }
        counts->kept++;
        counts->invalid_lines += (size_t)write_replaced(line, end - start, out);
        if (ended) fputc('\n', out);
    }
    vcd_buf_free(&scratch);
    return VCD_OK;
}

vcd_status vcd_overlap_filter_file(const vcd_overlap *o, const char *in_path, const char *out_path,
                                   vcd_overlap_counts *counts)
{
    memset(counts, 0, sizeof *counts);
    vcd_mapped_file in;
    vcd_status rc = vcd_map_file(in_path, &in);
    if (rc) return rc;
    vcd_atomic_file f;
    rc = vcd_atomic_open(&f, out_path);
    if (rc == VCD_OK) {
        rc = vcd_overlap_filter_lines(o, in.data, in.len, f.fp, counts);
        if (rc == VCD_OK)
            rc = vcd_atomic_commit(&f);
        else
            vcd_atomic_abort(&f);
    }
    vcd_unmap_file(&in);
    return rc;
}
