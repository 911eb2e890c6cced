/* A tokenizer for comments: URLs, @handles and #hashtags stay whole, emoji
 * sequences (ZWJ, skin tones, flags) are one token, repeated punctuation
 * ("!!!", "...") is one token, and clitics ('s, n't, 're) are split off so
 * "Apple's" tags as "Apple". */
#include "vcd/text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

typedef struct {
    const unsigned char *s;
    size_t n;
    size_t pos; /* byte */
    size_t cp;  /* code point index of pos */
} cursor;

static int32_t peek(const cursor *c, size_t *len)
{
    if (c->pos >= c->n) {
        *len = 0;
        return -1;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate(c->s + c->pos, (utf8proc_ssize_t)(c->n - c->pos), &cp);
    if (k <= 0) {
        *len = 1;
        return 0xFFFD;
    }
    *len = (size_t)k;
    return cp;
}

static int32_t peek_at(const cursor *c, size_t byte_pos)
{
    cursor t = *c;
    t.pos = byte_pos;
    size_t len;
    return peek(&t, &len);
}

static void advance(cursor *c, size_t len)
{
    c->pos += len;
    c->cp++;
}

static int is_space(int32_t cp)
{
    if (cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v') return 1;
    if (cp == 0x200B || cp == 0x200C || cp == 0x2060 || cp == 0xFEFF) return 1; /* zero width */
    utf8proc_category_t cat = utf8proc_category(cp);
    return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
           cat == UTF8PROC_CATEGORY_ZP || cat == UTF8PROC_CATEGORY_CC;
}

static int is_letter(int32_t cp)
{
    utf8proc_category_t cat = utf8proc_category(cp);
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

static int is_mark(int32_t cp)
{
    utf8proc_category_t cat = utf8proc_category(cp);
    return cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME;
}

static int is_digit(int32_t cp)
{
    return utf8proc_category(cp) == UTF8PROC_CATEGORY_ND;
}

static int is_word_char(int32_t cp)
{
    return cp >= 0 && (is_letter(cp) || is_mark(cp) || is_digit(cp) || cp == '_');
}

static int is_emoji(int32_t cp)
{
    if ((cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) ||
        (cp >= 0x2B00 && cp <= 0x2BFF) || (cp >= 0x2300 && cp <= 0x23FF))
        return 1;
    return utf8proc_category(cp) == UTF8PROC_CATEGORY_SO;
}

static int is_emoji_continuation(int32_t cp)
{
    return cp == 0x200D || cp == 0xFE0F || cp == 0xFE0E || (cp >= 0x1F3FB && cp <= 0x1F3FF) ||
           (cp >= 0xE0020 && cp <= 0xE007F) || cp == 0x20E3;
}

static int is_sentence_end(int32_t cp)
{
    return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026 || cp == 0x3002 || cp == 0xFF01 ||
           cp == 0xFF1F;
}

static void push(vcd_tokens *out, const vcd_token *t)
{
    if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 64;
        out->toks = vcd_xrealloc(out->toks, out->cap * sizeof *out->toks);
    }
    out->toks[out->n++] = *t;
}

static int starts_with_ci(const cursor *c, const char *prefix)
{
    size_t k = strlen(prefix);
    if (c->n - c->pos < k) return 0;
    for (size_t i = 0; i < k; i++) {
        unsigned char a = c->s[c->pos + i];
        if (a >= 'A' && a <= 'Z') a = (unsigned char)(a + 32);
        if (a != (unsigned char)prefix[i]) return 0;
    }
    return 1;
}

static void consume_url(cursor *c)
{
    size_t len;
    size_t last_good = c->pos, last_good_cp = c->cp;
    for (;;) {
        int32_t cp = peek(c, &len);
        if (cp < 0 || is_space(cp)) break;
        advance(c, len);
        /* Trailing sentence punctuation belongs to the sentence, not the URL. */
        if (!(cp == '.' || cp == ',' || cp == '!' || cp == '?' || cp == ')' || cp == ';' ||
              cp == ':' || cp == '"' || cp == '\'')) {
            last_good = c->pos;
            last_good_cp = c->cp;
        }
    }
    c->pos = last_good;
    c->cp = last_good_cp;
}

/* A word is letters/digits/marks with single inner joiners: don't, Spider-Man,
 * U.S., AT&T, covid-19. */
static void consume_word(cursor *c)
{
    size_t len;
    for (;;) {
        int32_t cp = peek(c, &len);
        if (cp < 0) break;
        if (is_word_char(cp)) {
            advance(c, len);
            continue;
        }
        if (cp == '\'' || cp == 0x2019 || cp == '-' || cp == '.' || cp == '&') {
            int32_t next = peek_at(c, c->pos + len);
            if (next >= 0 && is_word_char(next) && (cp != '.' || is_letter(next))) {
                advance(c, len);
                continue;
            }
        }
        break;
    }
}

static void consume_emoji(cursor *c)
{
    size_t len;
    int32_t first = peek(c, &len);
    advance(c, len);
    int32_t cp;
    if (first >= 0x1F1E6 && first <= 0x1F1FF) { /* regional indicator pair = flag */
        cp = peek(c, &len);
        if (cp >= 0x1F1E6 && cp <= 0x1F1FF) advance(c, len);
    }
    for (;;) {
        cp = peek(c, &len);
        if (cp < 0) break;
        if (is_emoji_continuation(cp)) {
            advance(c, len);
            if (cp == 0x200D) {
                cp = peek(c, &len);
                if (cp >= 0 && is_emoji(cp)) advance(c, len);
            }
            continue;
        }
        break;
    }
}

static uint8_t word_shape(const unsigned char *s, size_t n)
{
    uint8_t shape = 0;
    int letters = 0, uppers = 0;
    size_t pos = 0;
    while (pos < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(s + pos, (utf8proc_ssize_t)(n - pos), &cp);
        if (k <= 0) {
            pos++;
            continue;
        }
        utf8proc_category_t cat = utf8proc_category(cp);
        if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT) {
            if (letters == 0)
                shape |= VCD_SHAPE_UPPER_INITIAL;
            else
                shape |= VCD_SHAPE_INNER_UPPER;
            uppers++;
            letters++;
        } else if (cat == UTF8PROC_CATEGORY_LL) {
            shape |= VCD_SHAPE_HAS_LOWER;
            letters++;
        } else if (cat >= UTF8PROC_CATEGORY_LM && cat <= UTF8PROC_CATEGORY_LO) {
            letters++;
        } else if (cat == UTF8PROC_CATEGORY_ND) {
            shape |= VCD_SHAPE_HAS_DIGIT;
        }
        pos += (size_t)k;
    }
    if (letters) shape |= VCD_SHAPE_HAS_LETTER;
    if (letters && uppers == letters) shape |= VCD_SHAPE_ALL_UPPER;
    return shape;
}

/* Splits a trailing clitic off a word token: "Apple's" -> "Apple" + "'s". */
static size_t clitic_length(const unsigned char *s, size_t n)
{
    static const char *const clitics[] = {"n't",
                                          "'s",
                                          "'re",
                                          "'ll",
                                          "'ve",
                                          "'m",
                                          "'d",
                                          "n\xE2\x80\x99t",
                                          "\xE2\x80\x99s",
                                          "\xE2\x80\x99re",
                                          "\xE2\x80\x99ll",
                                          "\xE2\x80\x99ve",
                                          "\xE2\x80\x99m",
                                          "\xE2\x80\x99\x64"};
    for (size_t i = 0; i < sizeof clitics / sizeof *clitics; i++) {
        size_t k = strlen(clitics[i]);
        if (n > k + 0 && n - k >= 1) {
            int match = 1;
            for (size_t j = 0; j < k && match; j++) {
                unsigned char a = s[n - k + j];
                if (a >= 'A' && a <= 'Z') a = (unsigned char)(a + 32);
                match = a == (unsigned char)clitics[i][j];
            }
            if (match) return k;
        }
    }
    return 0;
}

static void push_word(vcd_tokens *out, const cursor *c, vcd_token t)
{
    const unsigned char *s = c->s + t.byte_start;
    size_t n = t.byte_end - t.byte_start;
    size_t k = clitic_length(s, n);
    t.kind = VCD_TOK_WORD;
    if (k) {
        size_t k_cp = vcd_utf8_length((const char *)s + n - k, k);
        vcd_token stem = t, tail = t;
        stem.byte_end = t.byte_end - (uint32_t)k;
        stem.cp_end = t.cp_end - (uint32_t)k_cp;
        stem.shape = word_shape(s, n - k);
        tail.byte_start = stem.byte_end;
        tail.cp_start = stem.cp_end;
        tail.shape = word_shape(s + n - k, k);
        tail.sentence_start = 0;
        tail.space_before = 0;
        push(out, &stem);
        push(out, &tail);
        return;
    }
    t.shape = word_shape(s, n);
    if ((t.shape & VCD_SHAPE_HAS_DIGIT) && !(t.shape & VCD_SHAPE_HAS_LETTER))
        t.kind = VCD_TOK_NUMBER;
    push(out, &t);
}

void vcd_tokenize(const char *text, size_t len, vcd_tokens *out)
{
    out->n = 0;
    cursor c = {(const unsigned char *)text, len, 0, 0};
    int sentence_start = 1, space_before = 1;
    size_t clen;
    while (c.pos < c.n) {
        int32_t cp = peek(&c, &clen);
        if (is_space(cp)) {
            if (cp == '\n' || cp == 0x2028 || cp == 0x2029) sentence_start = 1;
            space_before = 1;
            advance(&c, clen);
            continue;
        }
        vcd_token t = {.byte_start = (uint32_t)c.pos,
                       .cp_start = (uint32_t)c.cp,
                       .sentence_start = (uint8_t)sentence_start,
                       .space_before = (uint8_t)space_before};
        int32_t next = peek_at(&c, c.pos + clen);
        if (starts_with_ci(&c, "http://") || starts_with_ci(&c, "https://") ||
            starts_with_ci(&c, "www.")) {
            consume_url(&c);
            t.kind = VCD_TOK_URL;
        } else if ((cp == '@' || cp == '#') && next >= 0 && is_word_char(next)) {
            advance(&c, clen);
            consume_word(&c);
            t.kind = cp == '@' ? VCD_TOK_HANDLE : VCD_TOK_HASHTAG;
            t.shape = word_shape(c.s + t.byte_start + 1, c.pos - t.byte_start - 1);
        } else if (is_word_char(cp)) {
            consume_word(&c);
            t.byte_end = (uint32_t)c.pos;
            t.cp_end = (uint32_t)c.cp;
            push_word(out, &c, t);
            sentence_start = 0;
            space_before = 0;
            continue;
        } else if (is_emoji(cp)) {
            consume_emoji(&c);
            t.kind = VCD_TOK_EMOJI;
        } else {
            advance(&c, clen);
            size_t l2;
            while (peek(&c, &l2) == cp)
                advance(&c, l2);
            t.kind = VCD_TOK_PUNCT;
        }
        t.byte_end = (uint32_t)c.pos;
        t.cp_end = (uint32_t)c.cp;
        push(out, &t);
        /* An emoji usually closes a thought: "so good 😍 Apple wins". */
        sentence_start =
            (t.kind == VCD_TOK_PUNCT && is_sentence_end(cp)) || t.kind == VCD_TOK_EMOJI;
        space_before = 0;
    }
}

void vcd_tokens_free(vcd_tokens *t)
{
    free(t->toks);
    memset(t, 0, sizeof *t);
}
