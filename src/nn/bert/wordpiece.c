/* BERT basic tokenizer + WordPiece, following Hugging Face's BertTokenizer:
 *   clean      drop NUL, U+FFFD and category C* (but \t \n \r), Zs -> space
 *   CJK        put spaces around CJK ideographs
 *   split      on whitespace
 *   per word   lower-case (full mapping: İ -> i + U+0307, final sigma) and
 *              NFD accent stripping (drop Mn)
 *   punctuation every ASCII symbol and every P* character is its own token
 *   WordPiece  greedy longest match, "##" for continuations, [UNK] for a
 *              word with no cover or longer than max_chars_per_word.
 * Each stage keeps, for every code point, the index of the input code point
 * it came from, so offsets survive insertions and expansions. */
#include "vcd/text.h"
#include "vcd/wordpiece.h"
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "wordpiece_internal.h"

void vcd_wordpiece_options_default(vcd_wordpiece_options *o)
{
    o->lower_case = 0;
    o->strip_accents = -1;
    o->chinese_chars = 1;
    o->max_chars_per_word = 100;
}

static void run_push(cp_run *r, uint32_t cp, uint32_t origin)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->cp = vcd_xrealloc(r->cp, r->cap * sizeof *r->cp);
        r->origin = vcd_xrealloc(r->origin, r->cap * sizeof *r->origin);
    }
    r->cp[r->n] = cp;
    r->origin[r->n] = origin;
    r->n++;
}

/* ---- character classes (Python's unicodedata == utf8proc's tables) ---- */

static int is_category_c(int32_t cp)
{
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CO:
    case UTF8PROC_CATEGORY_CN:
        return 1;
    default:
        return 0;
    }
}

static int is_bert_whitespace(int32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
           utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

static int is_bert_control(int32_t cp)
{
    if (cp == '\t' || cp == '\n' || cp == '\r') return 0;
    return is_category_c(cp);
}

/* What str.split() still splits on after cleaning: Zs and \t\n\r became
 * spaces and C* is gone, which leaves the line and paragraph separators. */
static int is_split_space(uint32_t cp)
{
    return cp == ' ' || cp == 0x2028 || cp == 0x2029;
}

static int is_bert_punctuation(int32_t cp)
{
    if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) ||
        (cp >= 123 && cp <= 126))
        return 1;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
        return 1;
    default:
        return 0;
    }
}

static int is_cjk_ideograph(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
           (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

/* Python's str.lower() turns a capital sigma into the final form when a
 * cased letter precedes it and none follows (case-ignorables skipped). */
static int sigma_is_final(const uint32_t *cp, size_t n, size_t i)
{
    size_t j = i;
    int before = 0;
    while (j > 0) {
        j--;
        if (vcd_is_case_ignorable((int32_t)cp[j])) continue;
        before = vcd_is_cased((int32_t)cp[j]);
        break;
    }
    if (!before) return 0;
    for (size_t k = i + 1; k < n; k++) {
        if (vcd_is_case_ignorable((int32_t)cp[k])) continue;
        return !vcd_is_cased((int32_t)cp[k]);
    }
    return 1;
}

/* ---- stages ---- */

/* Decodes, cleans and spaces out CJK into wp->clean. */
static void clean_text(vcd_wordpiece *wp, const char *text, size_t len)
{
    cp_run *r = &wp->clean;
    r->n = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
    size_t pos = 0;
    uint32_t index = 0;
    while (pos < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + pos, (utf8proc_ssize_t)(len - pos), &cp);
        if (k <= 0) {
            k = 1;
            cp = 0xFFFD;
        }
        pos += (size_t)k;
        uint32_t at = index++;
        if (cp == 0 || cp == 0xFFFD || is_bert_control(cp)) continue;
        if (is_bert_whitespace(cp)) {
            run_push(r, ' ', at);
        } else if (wp->opt.chinese_chars && is_cjk_ideograph((uint32_t)cp)) {
            run_push(r, ' ', at);
            run_push(r, (uint32_t)cp, at);
            run_push(r, ' ', at);
        } else {
            run_push(r, (uint32_t)cp, at);
        }
    }
}

static int wants_strip(const vcd_wordpiece_options *o)
{
    if (o->lower_case) return o->strip_accents != 0;
    return o->strip_accents == 1;
}

/* Lower-cases and strips accents of clean[from, to) into wp->word. */
static void normalise_word(vcd_wordpiece *wp, size_t from, size_t to)
{
    const cp_run *src = &wp->clean;
    cp_run *dst = &wp->word;
    dst->n = 0;
    int strip = wants_strip(&wp->opt);
    for (size_t i = from; i < to; i++) {
        uint32_t cp = src->cp[i], at = src->origin[i];
        uint32_t lowered[2] = {cp, 0};
        size_t nl = 1;
        if (wp->opt.lower_case) {
            if (cp == 0x130) {
                lowered[0] = 'i';
                lowered[1] = 0x307;
                nl = 2;
            } else if (cp == 0x3A3) {
                lowered[0] = sigma_is_final(src->cp + from, to - from, i - from) ? 0x3C2 : 0x3C3;
            } else {
                lowered[0] = (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp);
            }
        }
        for (size_t k = 0; k < nl; k++) {
            if (!strip) {
                run_push(dst, lowered[k], at);
                continue;
            }
            utf8proc_int32_t dec[32];
            int bound = 0;
            utf8proc_ssize_t nd = utf8proc_decompose_char((utf8proc_int32_t)lowered[k], dec, 32,
                                                          UTF8PROC_DECOMPOSE, &bound);
            if (nd <= 0 || nd > 32) {
                run_push(dst, lowered[k], at);
                continue;
            }
            for (utf8proc_ssize_t d = 0; d < nd; d++)
                if (utf8proc_category(dec[d]) != UTF8PROC_CATEGORY_MN)
                    run_push(dst, (uint32_t)dec[d], at);
        }
    }
}

static void tokens_push(vcd_wp_tokens *t, int32_t id, int32_t word, uint32_t s, uint32_t e)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->ids = vcd_xrealloc(t->ids, t->cap * sizeof *t->ids);
        t->word = vcd_xrealloc(t->word, t->cap * sizeof *t->word);
        t->cp_start = vcd_xrealloc(t->cp_start, t->cap * sizeof *t->cp_start);
        t->cp_end = vcd_xrealloc(t->cp_end, t->cap * sizeof *t->cp_end);
    }
    t->ids[t->n] = id;
    t->word[t->n] = word;
    t->cp_start[t->n] = s;
    t->cp_end[t->n] = e;
    t->n++;
}

/* Greedy longest-match-first WordPiece over word[from, to). The word is
 * encoded to UTF-8 once; for each start the candidate "##" + rest is laid
 * out once and every candidate is a prefix of it. */
static void wordpiece_word(vcd_wordpiece *wp, size_t from, size_t to, int32_t word_index,
                           vcd_wp_tokens *out)
{
    const cp_run *w = &wp->word;
    size_t n = to - from;
    uint32_t s_all = w->origin[from], e_all = w->origin[to - 1] + 1;
    if (n > wp->opt.max_chars_per_word) {
        tokens_push(out, wp->specials.unk, word_index, s_all, e_all);
        return;
    }
    if (n + 1 > wp->utf8_at_cap) {
        wp->utf8_at_cap = n + 1;
        wp->utf8_at = vcd_xrealloc(wp->utf8_at, wp->utf8_at_cap * sizeof *wp->utf8_at);
    }
    vcd_buf *b = &wp->utf8;
    vcd_buf_clear(b);
    for (size_t i = 0; i < n; i++) {
        wp->utf8_at[i] = (uint32_t)b->len;
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t k = utf8proc_encode_char((utf8proc_int32_t)w->cp[from + i], enc);
        vcd_buf_append(b, enc, (size_t)k);
    }
    wp->utf8_at[n] = (uint32_t)b->len;
    size_t first = out->n;
    size_t start = 0;
    while (start < n) {
        const char *cand = b->data + wp->utf8_at[start];
        size_t prefix = 0;
        if (start > 0) {
            vcd_buf_clear(&wp->cand);
            vcd_buf_puts(&wp->cand, "##");
            vcd_buf_append(&wp->cand, cand, wp->utf8_at[n] - wp->utf8_at[start]);
            cand = wp->cand.data;
            prefix = 2;
        }
        size_t end = n;
        if (end - start > wp->max_piece_cps) end = start + wp->max_piece_cps;
        size_t id = (size_t)-1;
        for (; end > start; end--) {
            size_t len = prefix + wp->utf8_at[end] - wp->utf8_at[start];
            id = vcd_strmap_get(wp->vocab, cand, len, (size_t)-1);
            if (id != (size_t)-1) break;
        }
        if (id == (size_t)-1) {
            out->n = first;
            tokens_push(out, wp->specials.unk, word_index, s_all, e_all);
            return;
        }
        tokens_push(out, (int32_t)id, word_index, w->origin[from + start],
                    w->origin[from + end - 1] + 1);
        start = end;
    }
}

/* Word index for the next basic token: the caller's word, or (text mode,
 * word_index < 0) a fresh index per basic token. */
static int32_t next_word(int32_t word_index, vcd_wp_tokens *out)
{
    return word_index >= 0 ? word_index : (int32_t)out->words++;
}

/* Splits word[0, n) on punctuation and runs WordPiece on each part. */
static void split_punctuation(vcd_wordpiece *wp, int32_t word_index, vcd_wp_tokens *out)
{
    const cp_run *w = &wp->word;
    size_t start = 0;
    for (size_t i = 0; i < w->n; i++) {
        if (!is_bert_punctuation((int32_t)w->cp[i])) continue;
        if (i > start) wordpiece_word(wp, start, i, next_word(word_index, out), out);
        wordpiece_word(wp, i, i + 1, next_word(word_index, out), out);
        start = i + 1;
    }
    if (w->n > start) wordpiece_word(wp, start, w->n, next_word(word_index, out), out);
}

static void tokenize_clean(vcd_wordpiece *wp, int32_t word_index, vcd_wp_tokens *out)
{
    const cp_run *c = &wp->clean;
    size_t i = 0;
    while (i < c->n) {
        while (i < c->n && is_split_space(c->cp[i]))
            i++;
        size_t s = i;
        while (i < c->n && !is_split_space(c->cp[i]))
            i++;
        if (i == s) break;
        normalise_word(wp, s, i);
        split_punctuation(wp, word_index, out);
    }
}

void vcd_wordpiece_tokenize(vcd_wordpiece *wp, const char *text, size_t len, vcd_wp_tokens *out)
{
    clean_text(wp, text, len);
    tokenize_clean(wp, -1, out);
}

void vcd_wordpiece_tokenize_word(vcd_wordpiece *wp, const char *word, size_t len,
                                 vcd_wp_tokens *out)
{
    clean_text(wp, word, len);
    tokenize_clean(wp, (int32_t)out->words, out);
    out->words++;
}

void vcd_wp_tokens_clear(vcd_wp_tokens *t)
{
    t->n = 0;
    t->words = 0;
}

void vcd_wp_tokens_free(vcd_wp_tokens *t)
{
    free(t->ids);
    free(t->word);
    free(t->cp_start);
    free(t->cp_end);
    memset(t, 0, sizeof *t);
}
