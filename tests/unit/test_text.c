/* Tokenizer, match keys, CamelCase, initials. */
#include "test.h"
#include "vcd/text.h"

static int tok_is(const char *text, const vcd_token *t, const char *want, int kind)
{
    size_t n = t->byte_end - t->byte_start;
    return strlen(want) == n && memcmp(text + t->byte_start, want, n) == 0 && t->kind == kind;
}

static void test_tokenizer(void)
{
    const char *text = "Apple's new #VisionPro!!! see https://apple.com/x. @tim_cook don't 😂😂 "
                       "Spider-Man U.S. caf\xc3\xa9";
    vcd_tokens tk = {0};
    vcd_tokenize(text, strlen(text), &tk);
    const struct {
        const char *s;
        int kind;
    } want[] = {{"Apple", VCD_TOK_WORD},
                {"'s", VCD_TOK_WORD},
                {"new", VCD_TOK_WORD},
                {"#VisionPro", VCD_TOK_HASHTAG},
                {"!!!", VCD_TOK_PUNCT},
                {"see", VCD_TOK_WORD},
                {"https://apple.com/x", VCD_TOK_URL},
                {".", VCD_TOK_PUNCT},
                {"@tim_cook", VCD_TOK_HANDLE},
                {"do", VCD_TOK_WORD},
                {"n't", VCD_TOK_WORD},
                {"\xf0\x9f\x98\x82", VCD_TOK_EMOJI},
                {"\xf0\x9f\x98\x82", VCD_TOK_EMOJI},
                {"Spider-Man", VCD_TOK_WORD},
                {"U.S", VCD_TOK_WORD},
                {".", VCD_TOK_PUNCT},
                {"caf\xc3\xa9", VCD_TOK_WORD}};
    size_t nw = sizeof want / sizeof *want;
    CHECK_MSG(tk.n == nw, "%zu tokens", tk.n);
    for (size_t i = 0; i < nw && i < tk.n; i++)
        CHECK_MSG(tok_is(text, &tk.toks[i], want[i].s, want[i].kind), "token %zu", i);
    /* code-point offsets: the emoji is one code point of four bytes */
    CHECK(tk.toks[11].cp_end - tk.toks[11].cp_start == 1);
    CHECK(tk.toks[16].cp_end - tk.toks[16].cp_start == 4);
    CHECK(tk.toks[0].sentence_start && !tk.toks[2].sentence_start);
    CHECK(tk.toks[5].sentence_start); /* after "!!!" */
    CHECK(tk.toks[0].shape & VCD_SHAPE_UPPER_INITIAL);
    vcd_tokens_free(&tk);
}

static void test_shapes_and_edges(void)
{
    vcd_tokens tk = {0};
    vcd_tokenize("", 0, &tk);
    CHECK(tk.n == 0);
    const char *t = "NASA iPhone 15 \xe2\x80\x8b zero\xc2\xa0width";
    vcd_tokenize(t, strlen(t), &tk);
    CHECK(tk.n == 5);
    CHECK(tk.toks[0].shape & VCD_SHAPE_ALL_UPPER);
    CHECK((tk.toks[1].shape & VCD_SHAPE_INNER_UPPER) &&
          !(tk.toks[1].shape & VCD_SHAPE_UPPER_INITIAL));
    CHECK(tk.toks[2].kind == VCD_TOK_NUMBER);
    /* invalid UTF-8 is never fatal */
    const char bad[] = "ok \xff\xfe end";
    vcd_tokenize(bad, sizeof bad - 1, &tk);
    CHECK(tk.n >= 2);
    vcd_tokens_free(&tk);
}

static void test_keys(void)
{
    vcd_buf b = {0};
    vcd_match_key("  Apple   Vision\tPro ", 21, &b);
    CHECK(strcmp(b.data, "apple vision pro") == 0);
    vcd_match_key("Caf\xc3\xa9 \xef\xbc\xa1", 9, &b); /* accent stripped, full-width A folded */
    CHECK_MSG(strcmp(b.data, "cafe a") == 0, "%s", b.data);
    vcd_match_key("STRASSE stra\xc3\x9f"
                  "e",
                  15, &b);
    CHECK_MSG(strcmp(b.data, "strasse strasse") == 0, "%s", b.data);
    vcd_split_camel("AppleVisionPro2024", 18, &b);
    CHECK(strcmp(b.data, "Apple Vision Pro 2024") == 0);
    vcd_split_camel("NYCMarathon", 11, &b);
    CHECK(strcmp(b.data, "NYC Marathon") == 0);
    CHECK(vcd_utf8_length("caf\xc3\xa9", 5) == 4);
    CHECK(vcd_utf8_offset("caf\xc3\xa9!", 6, 4) == 5);
    vcd_buf_free(&b);
}

static void test_initials(void)
{
    CHECK(vcd_is_acronym_of("AVP", 3, "Apple Vision Pro", 16));
    CHECK(vcd_is_acronym_of("NYC", 3, "New York City", 13));
    CHECK(vcd_is_acronym_of("PS5", 3, "PlayStation 5", 13));
    CHECK(vcd_is_acronym_of("NS2", 3, "Nintendo Switch 2", 17));
    CHECK(vcd_is_acronym_of("BOA", 3, "Bank of America", 15));
    CHECK(vcd_is_acronym_of("BA", 2, "Bank of America", 15));
    CHECK(vcd_is_acronym_of("U.S.A", 5, "United States America", 21));
    CHECK(!vcd_is_acronym_of("AVP", 3, "Apple", 5));
    CHECK(!vcd_is_acronym_of("avp", 3, "Apple Vision Pro", 16)); /* not an acronym */
    CHECK(!vcd_is_acronym_of("NYC", 3, "New Jersey City", 15));
    /* initials come from a name written as one */
    CHECK(vcd_written_as_name("Father of All Bombs", 19));
    CHECK(vcd_written_as_name("iPhone X", 8));
    CHECK(vcd_written_as_name("PlayStation 5", 13));
    CHECK(vcd_written_as_name("Spider-Man", 10));
    CHECK(vcd_written_as_name("\xc3\xa9"
                              "cole Polytechnique",
                              20));
    CHECK(!vcd_written_as_name("Disney cruises", 14));
    CHECK(!vcd_written_as_name("nick cannon", 11));
    CHECK(!vcd_written_as_name("New York city", 13));
}

int main(void)
{
    test_tokenizer();
    test_shapes_and_edges();
    test_keys();
    test_initials();
    return test_finish();
}
