/* vcd_kb_key_with (decompose + reencode into reused buffers) against the
 * key as it was computed before: the input sanitised, utf8proc_map, words
 * extracted. The shipped KB and every model's KB lookups depend on the keys
 * staying byte-identical, so the reference below is the old code verbatim. */
#include "test.h"
#include "vcd/kb.h"
#include "vcd/text.h"

#include <utf8proc.h>

static void ref_words(vcd_buf *out, const utf8proc_uint8_t *s, utf8proc_ssize_t n)
{
    int pending = 0;
    while (n > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(s, n, &cp);
        if (k <= 0) break;
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

/* The old non-ASCII path (the ASCII one is unchanged and shared). */
static void ref_key(const char *text, size_t n, vcd_buf *out)
{
    vcd_buf_clear(out);
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
    if (m >= 0) ref_words(out, mapped, m);
    free(mapped);
    vcd_buf_free(&clean);
}

static int same_key(const char *text, size_t n, vcd_kb_key_scratch *sc)
{
    vcd_buf want = {0}, got = {0}, plain = {0};
    ref_key(text, n, &want);
    vcd_kb_key_with(text, n, &got, sc);
    vcd_kb_key(text, n, &plain);
    int ok = want.len == got.len && (!want.len || memcmp(want.data, got.data, want.len) == 0) &&
             plain.len == got.len && (!got.len || memcmp(plain.data, got.data, got.len) == 0);
    if (!ok) {
        fprintf(stderr, "key mismatch on %zu bytes:", n);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, " %02x", (unsigned char)text[i]);
        fprintf(stderr, "\n  want '%s'\n  got  '%s'\n", want.data ? want.data : "",
                got.data ? got.data : "");
    }
    vcd_buf_free(&want);
    vcd_buf_free(&got);
    vcd_buf_free(&plain);
    return ok;
}

static void test_fixed(vcd_kb_key_scratch *sc)
{
    static const char *const cases[] = {
        "Pokémon",
        "POKÉMON",
        "Zürich",
        "Straße",
        "ＡＢＣ１２",
        "ﬁnland",
        "ﬀ ﬃ ﬄ",
        "e\xcc\x81"
        "t\xc3\xa9",                 /* combining acute after e, then precomposed é */
        "a\xcc\x81\xcc\xa7\xcc\x88", /* several combining marks, out of canonical order */
        "\xcc\x81",                  /* a lone combining mark */
        "\xe2\x80\x8b",              /* only a zero-width space: ignorable, empty key */
        "so\xc2\xad"
        "ft",                      /* soft hyphen inside a word */
        "bad \xff\xfe byte",       /* invalid bytes */
        "\xc3",                    /* truncated sequence */
        "\xc0\x80 overlong",       /* overlong NUL */
        "\xed\xa0\x80 surrogate",  /* UTF-16 surrogate encoded in UTF-8 */
        "\xf4\x90\x80\x80 beyond", /* above U+10FFFF */
        "İstanbul",
        "ΣΊΣΥΦΟΣ",
        "東京タワー",
        "한국어",
        "Ǆemal",
        "①②③ ⅷ",
        "㎞ ㍱ ™",
        "🎮 Zelda 🎮",
        "Ø ø Æ Ł",
        "ﬆ",
        "ǅ",
        "x²",
        "Ⅻ",
        "ｶﾀｶﾅ",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        CHECK(same_key(cases[i], strlen(cases[i]), sc));
    static const char nul[] = "Ren\xc3\xa9\0e Beyonc\xc3\xa9"; /* an embedded NUL */
    CHECK(same_key(nul, sizeof nul - 1, sc));
}

/* Random strings from pieces that exercise every path; one scratch for all,
 * so growth and reuse after a longer input are both covered. */
static void test_random(vcd_kb_key_scratch *sc)
{
    static const char *const pieces[] = {
        "a",         "Z",
        " ",         "-",
        ".",         "\xc3\xa9",
        "e\xcc\x81", "\xcc\x81",
        "\xcc\xa7",  "ﬁ",
        "ﬃ",         "Ａ",
        "１",        "ß",
        "İ",         "Σ",
        "ς",         "東",
        "한",        "\xe2\x80\x8b",
        "\xc2\xad",  "\xff",
        "\xc3",      "\xed\xa0\x80",
        "\0",        "🎮",
        "㎞",        "Ⅻ",
        "ｶ",         "\xef\xbe\x9e",
        "ǅ",         "\xe0\xa4\x95\xe0\xa5\x8d",
        "\xd8\xb9",  "\xf0\x9f",
    };
    size_t np = sizeof pieces / sizeof *pieces;
    vcd_rng rng;
    vcd_rng_seed(&rng, 13);
    vcd_buf s = {0};
    int bad = 0;
    for (int t = 0; t < 3000; t++) {
        vcd_buf_clear(&s);
        size_t k = 1 + vcd_rng_next(&rng) % (t % 10 == 0 ? 200 : 12);
        for (size_t j = 0; j < k; j++) {
            const char *p = pieces[vcd_rng_next(&rng) % np];
            vcd_buf_append(&s, p, p[0] ? strlen(p) : 1); /* "" is the NUL piece */
        }
        if (!same_key(s.data, s.len, sc)) bad++;
    }
    CHECK(bad == 0);
    vcd_buf_free(&s);
}

int main(void)
{
    vcd_kb_key_scratch sc = {0};
    test_fixed(&sc);
    test_random(&sc);
    vcd_kb_key_scratch_free(&sc);
    vcd_kb_key_scratch_free(&sc); /* twice: a freed scratch is a zeroed one */
    return test_finish();
}
