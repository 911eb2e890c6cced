/* libFuzzer: drop-overlap. The input is a CoNLL file, a NUL byte, then the
 * comments (no NUL: the same bytes are both). Invariants: every line is kept
 * or dropped once, the kept output is valid UTF-8 (invalid bytes became
 * U+FFFD), and a sentence's own text always shares a text with the file. */
#include "vcd/overlap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static size_t count_lines(const unsigned char *d, size_t n)
{
    size_t lines = 0;
    for (size_t i = 0; i < n; lines++) {
        while (i < n && d[i] != '\n' && d[i] != '\r')
            i++;
        if (i < n) i += d[i] == '\r' && i + 1 < n && d[i + 1] == '\n' ? 2 : 1;
    }
    return lines;
}

static int valid_utf8(const char *s, size_t n)
{
    for (size_t pos = 0; pos < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + pos, (utf8proc_ssize_t)(n - pos), &cp);
        if (k <= 0) return 0;
        pos += (size_t)k;
    }
    return 1;
}

static void self_match(const vcd_conll *c, const vcd_overlap *o)
{
    vcd_buf joined = {0}, scratch = {0};
    for (size_t s = 0; s < c->n_sentences; s++) {
        vcd_buf_clear(&joined);
        for (size_t t = c->sentence_start[s]; t < c->sentence_start[s + 1]; t++)
            vcd_buf_puts(&joined, c->tokens[t].token);
        size_t cps = vcd_overlap_normalize(joined.data, joined.len, &scratch);
        if (cps >= VCD_OVERLAP_MIN_CPS && !vcd_overlap_test(o, joined.data, joined.len, &scratch))
            __builtin_trap();
    }
    vcd_buf_free(&joined);
    vcd_buf_free(&scratch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t conll_len = nul ? (size_t)(nul - data) : size;
    const uint8_t *text = nul ? nul + 1 : data;
    size_t text_len = nul ? size - conll_len - 1 : size;
    vcd_conll c;
    if (vcd_conll_parse("fuzz", data, conll_len, &c) != VCD_OK) return 0;
    vcd_overlap *o;
    if (vcd_overlap_build(&c, "fuzz", &o) == VCD_OK) {
        self_match(&c, o);
        char *buf = NULL;
        size_t out_len = 0;
        FILE *mem = open_memstream(&buf, &out_len);
        vcd_overlap_counts counts;
        if (vcd_overlap_filter_lines(o, text, text_len, mem, &counts) != VCD_OK) __builtin_trap();
        fclose(mem);
        if (counts.kept + counts.dropped != count_lines(text, text_len)) __builtin_trap();
        if (!valid_utf8(buf, out_len)) __builtin_trap();
        free(buf);
        vcd_overlap_free(o);
    }
    vcd_conll_free(&c);
    return 0;
}
