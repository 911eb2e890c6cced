/* vcd_kb_key: the one normalisation every KB alias and every lookup share. */
#include "vcd/kb.h"
#include "vcd/text.h"

#include <stdlib.h>
#include <utf8proc.h>

/* Appends the letters and digits of valid UTF-8 s, runs of anything else as
 * one space, without leading or trailing spaces. */
static void append_words(vcd_buf *out, const utf8proc_uint8_t *s, utf8proc_ssize_t n)
{
    int pending = 0;
    while (n > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(s, n, &cp);
        if (k <= 0) break; /* cannot happen: the input was sanitised */
        if (vcd_is_letter_or_number(cp)) {
            if (pending && out->len) vcd_buf_putc(out, ' ');
            pending = 0;
            vcd_buf_append(out, s, (size_t)k);
        } else {
            pending = 1;
        }
        s += k;
        n -= k;
    }
}

static void key_ascii(const char *s, size_t n, vcd_buf *out)
{
    int pending = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int lower = c >= 'a' && c <= 'z', upper = c >= 'A' && c <= 'Z',
            digit = c >= '0' && c <= '9';
        if (!(lower || upper || digit)) {
            pending = 1;
            continue;
        }
        if (pending && out->len) vcd_buf_putc(out, ' ');
        pending = 0;
        vcd_buf_putc(out, upper ? (char)(c + 32) : c);
    }
}

void vcd_kb_key(const char *text, size_t n, vcd_buf *out)
{
    vcd_buf_clear(out);
    int ascii = 1;
    for (size_t i = 0; i < n && ascii; i++)
        ascii = (unsigned char)text[i] < 0x80;
    if (ascii) {
        key_ascii(text, n, out); /* the common case: no tables, no allocation */
        return;
    }
    /* Invalid bytes (and NUL) become spaces first, so utf8proc_map cannot
     * fail and a broken byte separates words like any other non-letter. */
    vcd_buf clean = {0};
    for (size_t pos = 0; pos < n;) {
        size_t at = pos;
        int32_t cp;
        size_t k = vcd_utf8_next(text, n, &pos, &cp);
        if (!k || cp == 0) {
            vcd_buf_putc(&clean, ' ');
            pos = at + 1;
        } else {
            vcd_buf_append(&clean, text + at, k);
        }
    }
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t m =
        utf8proc_map((const utf8proc_uint8_t *)clean.data, (utf8proc_ssize_t)clean.len, &mapped,
                     UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                         UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
    if (m >= 0) append_words(out, mapped, m);
    free(mapped);
    vcd_buf_free(&clean);
}
