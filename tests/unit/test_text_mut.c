/* Tokenizer edges that decide where a mention can end: a period glued to a
 * number ("Tesla.2024") ends the word before it, zero-width characters
 * separate words as spaces do; match keys trim and collapse whitespace. */
#include "test.h"
#include "vcd/text.h"

static void check_words(const char *text, const char *const *want, size_t n_want)
{
    vcd_tokens tk = {0};
    vcd_tokenize(text, strlen(text), &tk);
    size_t k = 0;
    for (size_t i = 0; i < tk.n; i++) {
        if (tk.toks[i].kind != VCD_TOK_WORD && tk.toks[i].kind != VCD_TOK_NUMBER) continue;
        size_t len = tk.toks[i].byte_end - tk.toks[i].byte_start;
        CHECK_MSG(k < n_want && strlen(want[k]) == len &&
                      memcmp(text + tk.toks[i].byte_start, want[k], len) == 0,
                  "%s: word %zu is '%.*s'", text, k, (int)len, text + tk.toks[i].byte_start);
        k++;
    }
    CHECK_MSG(k == n_want, "%s: %zu words, want %zu", text, k, n_want);
    vcd_tokens_free(&tk);
}

static void test_word_ends(void)
{
    const char *a[] = {"Bought", "a", "Tesla", "2024", "was", "good"};
    check_words("Bought a Tesla.2024 was good", a, 6);
    const char *b[] = {"U.S", "and", "e.g", "fine"};
    check_words("U.S. and e.g. fine", b, 4);
    /* U+200B, U+2060 and U+FEFF between words */
    const char *c[] = {"Tesla", "Model", "Y"};
    check_words("Tesla\xe2\x80\x8bModel\xe2\x81\xa0Y", c, 3);
    check_words("Tesla\xef\xbb\xbfModel\xe2\x80\x8cY", c, 3);
    vcd_tokens tk = {0};
    const char *z = "Tesla\xe2\x80\x8bModel";
    vcd_tokenize(z, strlen(z), &tk);
    CHECK(tk.n == 2 && tk.toks[1].space_before && tk.toks[1].byte_start == 8);
    vcd_tokens_free(&tk);
}

static void test_keys(void)
{
    vcd_buf b = {0};
    vcd_match_key(" \t Tesla \n Model\r\n", 18, &b);
    CHECK_MSG(b.len == 11 && strcmp(b.data, "tesla model") == 0, "'%s'", b.data);
    vcd_match_key(" Caf\xc3\xa9", 6, &b); /* the Unicode path trims too */
    CHECK_MSG(strcmp(b.data, "cafe") == 0, "'%s'", b.data);
    vcd_match_key("\xef\xbc\xb4\xef\xbd\x85sla", 9, &b); /* full-width letters fold (NFKC) */
    CHECK_MSG(strcmp(b.data, "tesla") == 0, "'%s'", b.data);
    vcd_buf_free(&b);
}

int main(void)
{
    test_word_ends();
    test_keys();
    return test_finish();
}
