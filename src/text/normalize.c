#include "vcd/text.h"
#include "ascii.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

size_t vcd_utf8_length(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += ((unsigned char)s[i] & 0xC0) != 0x80;
    return count;
}

size_t vcd_utf8_next(const char *s, size_t n, size_t *pos, int32_t *cp)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t k =
        utf8proc_iterate((const utf8proc_uint8_t *)s + *pos, (utf8proc_ssize_t)(n - *pos), &c);
    if (k <= 0) return 0;
    *pos += (size_t)k;
    *cp = c;
    return (size_t)k;
}

int vcd_utf8_valid(const char *s, size_t n)
{
    for (size_t pos = 0; pos < n;) {
        int32_t cp;
        if (!vcd_utf8_next(s, n, &pos, &cp) || cp == 0) return 0;
    }
    return 1;
}

size_t vcd_utf8_offset(const char *s, size_t n, size_t cp)
{
    size_t seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (seen == cp) return i;
            seen++;
        }
    }
    return n;
}

static void append_collapsed(vcd_buf *out, const char *s, size_t n)
{
    int pending_space = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            pending_space = out->len > 0;
            continue;
        }
        if (pending_space) vcd_buf_putc(out, ' ');
        pending_space = 0;
        vcd_buf_putc(out, c);
    }
}

void vcd_match_key(const char *s, size_t n, vcd_buf *out)
{
    vcd_buf_clear(out);
    int ascii = 1;
    for (size_t i = 0; i < n && ascii; i++)
        ascii = (unsigned char)s[i] < 0x80;
    if (ascii) {
        /* The common case needs no Unicode tables and no allocation. */
        size_t start = out->len;
        append_collapsed(out, s, n);
        for (size_t i = start; i < out->len; i++)
            if (out->data[i] >= 'A' && out->data[i] <= 'Z')
                out->data[i] = (char)(out->data[i] + 32);
        return;
    }
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t k = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &mapped,
                                      UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
                                          UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
    if (k < 0) {
        append_collapsed(out, s, n); /* invalid UTF-8 cannot reach here from ingest */
        return;
    }
    append_collapsed(out, (const char *)mapped, (size_t)k);
    free(mapped);
}

void vcd_split_camel(const char *s, size_t n, vcd_buf *out)
{
    vcd_buf_clear(out);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '_' || c == '-') {
            if (out->len && out->data[out->len - 1] != ' ') vcd_buf_putc(out, ' ');
            continue;
        }
        if (i > 0 && out->len && out->data[out->len - 1] != ' ') {
            char p = s[i - 1];
            int boundary =
                (ascii_upper(c) && ascii_lower(p)) ||
                (ascii_digit(c) && !ascii_digit(p) && (ascii_lower(p) || ascii_upper(p))) ||
                (!ascii_digit(c) && ascii_digit(p) && (ascii_lower(c) || ascii_upper(c))) ||
                /* "NYCMarathon": the last capital of a run starts a word */
                (ascii_upper(c) && ascii_upper(p) && i + 1 < n && ascii_lower(s[i + 1]));
            if (boundary) vcd_buf_putc(out, ' ');
        }
        vcd_buf_putc(out, c);
    }
}

int vcd_is_letter_or_number(int32_t cp)
{
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return 1;
    default:
        return 0;
    }
}

/* Unicode's Case_Ignorable: Mn, Me, Cf, Lm, Sk and the Word_Break classes
 * MidLetter, MidNumLet and Single_Quote. Python's str.lower()
 * asks it of a capital sigma's neighbours (final sigma). */
int vcd_is_case_ignorable(int32_t cp)
{
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_SK:
        return 1;
    default:
        break;
    }
    static const int32_t mid[] = {0x27,   0x2E,   0x3A,   0xB7,   0x387,  0x55F,
                                  0x5F4,  0x2018, 0x2019, 0x2024, 0x2027, 0xFE13,
                                  0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A};
    for (size_t i = 0; i < sizeof mid / sizeof *mid; i++)
        if (mid[i] == cp) return 1;
    return 0;
}

/* Unicode's Cased: upper, lower or title case letters and the few other code
 * points with a case mapping or the Other_Lowercase / Other_Uppercase
 * property (modifier letters such as U+02B0, circled letters). */
int vcd_is_cased(int32_t cp)
{
    utf8proc_category_t cat = utf8proc_category(cp);
    if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL || cat == UTF8PROC_CATEGORY_LT)
        return 1;
    if (utf8proc_tolower(cp) != cp || utf8proc_toupper(cp) != cp) return 1;
    static const int32_t other[][2] = {
        {0xAA, 0xAA},       {0xBA, 0xBA},       {0x2B0, 0x2B8},     {0x2C0, 0x2C1},
        {0x2E0, 0x2E4},     {0x37A, 0x37A},     {0x10FC, 0x10FC},   {0x1D2C, 0x1D6A},
        {0x1D78, 0x1D78},   {0x1D9B, 0x1DBF},   {0x2071, 0x2071},   {0x207F, 0x207F},
        {0x2090, 0x209C},   {0x2160, 0x217F},   {0x24B6, 0x24E9},   {0x2C7C, 0x2C7D},
        {0xA69C, 0xA69D},   {0xA770, 0xA770},   {0xA7F2, 0xA7F4},   {0xA7F8, 0xA7F9},
        {0xAB5C, 0xAB5F},   {0xAB69, 0xAB69},   {0x10780, 0x10780}, {0x10783, 0x10785},
        {0x10787, 0x107B0}, {0x107B2, 0x107BA}, {0x1E030, 0x1E06D}, {0x1F130, 0x1F149},
        {0x1F150, 0x1F169}, {0x1F170, 0x1F189}};
    for (size_t i = 0; i < sizeof other / sizeof *other; i++)
        if (cp >= other[i][0] && cp <= other[i][1]) return 1;
    return 0;
}
