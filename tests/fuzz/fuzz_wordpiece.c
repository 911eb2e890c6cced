/* libFuzzer: vocab.txt parsing and the BERT tokenizer. The input is split at
 * the first NUL: before it a vocabulary, after it text to tokenize (with a
 * small fixed vocabulary when the fuzzed one is rejected). Invariants: ids
 * are inside the vocabulary, offsets are ordered and inside the text, word
 * indices never decrease. */
#include "vcd/wordpiece.h"

#include <stdint.h>
#include <string.h>

static void check(const vcd_wordpiece *wp, const vcd_wp_tokens *t, size_t text_cps)
{
    size_t n = vcd_wordpiece_vocab_size(wp);
    for (size_t i = 0; i < t->n; i++) {
        if (t->ids[i] < 0 || (size_t)t->ids[i] >= n) __builtin_trap();
        if (t->cp_start[i] >= t->cp_end[i] || t->cp_end[i] > text_cps) __builtin_trap();
        if (i && t->word[i] < t->word[i - 1]) __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t vlen = nul ? (size_t)(nul - data) : size;
    const char *text = nul ? (const char *)nul + 1 : "";
    size_t tlen = nul ? size - vlen - 1 : 0;
    static const char fallback[] = "[PAD]\n[UNK]\n[CLS]\n[SEP]\na\n##b\nab\n##c\n,\n\xc3\xa9\n";
    vcd_wordpiece_options o;
    vcd_wordpiece_options_default(&o);
    o.lower_case = size & 1;
    o.max_chars_per_word = 1 + size % 100;
    vcd_wordpiece *wp;
    if (vcd_wordpiece_from_vocab("fuzz", (const char *)data, vlen, &o, &wp) != VCD_OK &&
        vcd_wordpiece_from_vocab("fallback", fallback, sizeof fallback - 1, &o, &wp) != VCD_OK)
        __builtin_trap();
    vcd_wp_tokens t = {0};
    vcd_wordpiece_tokenize(wp, text, tlen, &t);
    check(wp, &t, tlen); /* code points <= bytes */
    vcd_wp_tokens_clear(&t);
    for (size_t i = 0; i < tlen; i += 7)
        vcd_wordpiece_tokenize_word(wp, text + i, tlen - i < 7 ? tlen - i : 7, &t);
    check(wp, &t, 7);
    vcd_buf b = {0};
    vcd_wordpiece_vocab_text(wp, &b);
    vcd_buf_free(&b);
    vcd_wp_tokens_free(&t);
    vcd_wordpiece_free(wp);
    return 0;
}
