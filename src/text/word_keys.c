/* Name keys over a text's words; see vcd/text.h. */
#include "vcd/text.h"

#include <stdlib.h>

void vcd_word_keys_put(vcd_word_keys *k, size_t i, const char *w, size_t n)
{
    if (i >= k->cap) {
        k->cap = 2 * i + 16;
        k->end = vcd_xrealloc(k->end, k->cap * sizeof *k->end);
    }
    if (i == 0) vcd_buf_clear(&k->keys);
    vcd_match_key(w, n, &k->word);
    vcd_buf_append(&k->keys, k->word.data, k->word.len);
    k->end[i] = k->keys.len;
}

void vcd_word_keys_set(vcd_word_keys *k, const char *text, const vcd_tokens *toks)
{
    for (size_t i = 0; i < toks->n; i++) {
        const vcd_token *t = &toks->toks[i];
        vcd_word_keys_put(k, i, text + t->byte_start, t->byte_end - t->byte_start);
    }
}

int vcd_word_keys_empty(const vcd_word_keys *k, size_t i)
{
    return k->end[i] == (i ? k->end[i - 1] : 0);
}

void vcd_word_keys_join(const vcd_word_keys *k, size_t i, size_t n, vcd_buf *out)
{
    vcd_buf_clear(out);
    for (size_t w = i; w < i + n; w++) {
        size_t a = w ? k->end[w - 1] : 0;
        if (w > i) vcd_buf_putc(out, ' ');
        vcd_buf_append(out, k->keys.data + a, k->end[w] - a);
    }
}

int vcd_name_key(const char *text, size_t n, size_t max_words, vcd_word_keys *k, vcd_buf *out)
{
    vcd_tokenize(text, n, &k->toks);
    if (k->toks.n == 0 || k->toks.n > max_words) return 0;
    vcd_word_keys_set(k, text, &k->toks);
    vcd_word_keys_join(k, 0, k->toks.n, out);
    return out->len > 0;
}

void vcd_word_keys_free(vcd_word_keys *k)
{
    vcd_buf_free(&k->keys);
    vcd_buf_free(&k->word);
    vcd_tokens_free(&k->toks);
    free(k->end);
}
