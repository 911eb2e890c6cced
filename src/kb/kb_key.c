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

/* NFKC, case fold, combining marks stripped, default-ignorable code points
 * dropped: the options the key has always passed to utf8proc_map, which is
 * utf8proc_decompose + utf8proc_reencode into a fresh buffer. */
#define KEY_OPTIONS                                                                                \
    (UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |                    \
     UTF8PROC_STRIPMARK | UTF8PROC_IGNORE)

/* Invalid bytes (and NUL) become spaces, so decomposition cannot fail and a
 * broken byte separates words like any other non-letter. */
static void sanitise(const char *text, size_t n, vcd_buf *clean)
{
    vcd_buf_clear(clean);
    for (size_t pos = 0; pos < n;) {
        size_t at = pos;
        int32_t cp;
        size_t k = vcd_utf8_next(text, n, &pos, &cp);
        if (!k || cp == 0) {
            vcd_buf_putc(clean, ' ');
            pos = at + 1;
        } else {
            vcd_buf_append(clean, text + at, k);
        }
    }
}

/* NFKC + case fold + marks stripped of sc->clean, as UTF-8 in sc->cps;
 * returns its length in bytes or a negative utf8proc error. */
static utf8proc_ssize_t normalise(vcd_kb_key_scratch *sc)
{
    const utf8proc_uint8_t *s = (const utf8proc_uint8_t *)sc->clean.data;
    utf8proc_ssize_t len = (utf8proc_ssize_t)sc->clean.len;
    utf8proc_ssize_t need = utf8proc_decompose(s, len, (utf8proc_int32_t *)sc->cps,
                                               (utf8proc_ssize_t)sc->cap, KEY_OPTIONS);
    if (need <= 0) return need; /* only ignorable code points: an empty key, and cps may be NULL */
    if ((size_t)need > sc->cap) {
        /* one spare: reencode writes a NUL after the UTF-8, which is at
         * most 4 bytes per code point, so it fits in place */
        sc->cap = (size_t)need * 2;
        sc->cps = vcd_xrealloc(sc->cps, (sc->cap + 1) * sizeof *sc->cps);
        need = utf8proc_decompose(s, len, (utf8proc_int32_t *)sc->cps, (utf8proc_ssize_t)sc->cap,
                                  KEY_OPTIONS);
        if (need < 0) return need;
    }
    return utf8proc_reencode((utf8proc_int32_t *)sc->cps, need, KEY_OPTIONS);
}

void vcd_kb_key_with(const char *text, size_t n, vcd_buf *out, vcd_kb_key_scratch *sc)
{
    vcd_buf_clear(out);
    int ascii = 1;
    for (size_t i = 0; i < n && ascii; i++)
        ascii = (unsigned char)text[i] < 0x80;
    if (ascii) {
        key_ascii(text, n, out); /* the common case: no tables */
        return;
    }
    sanitise(text, n, &sc->clean);
    utf8proc_ssize_t m = normalise(sc);
    if (m >= 0) append_words(out, (const utf8proc_uint8_t *)sc->cps, m);
}

void vcd_kb_key_scratch_free(vcd_kb_key_scratch *sc)
{
    vcd_buf_free(&sc->clean);
    free(sc->cps);
    sc->cps = NULL;
    sc->cap = 0;
}

void vcd_kb_key(const char *text, size_t n, vcd_buf *out)
{
    vcd_kb_key_scratch sc = {0};
    vcd_kb_key_with(text, n, out, &sc);
    vcd_kb_key_scratch_free(&sc);
}
