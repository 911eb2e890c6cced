/* drop-overlap: the normalisation (Python's re.sub(r'[\W_]+', '', s.lower())),
 * the probes of a CoNLL file and the line filter, on hand-written inputs. */
#include "test.h"
#include "vcd/overlap.h"

#include <stdlib.h>

static int norm_is(const char *in, size_t n, const char *want, size_t want_cps)
{
    vcd_buf b = {0};
    size_t cps = vcd_overlap_normalize(in, n, &b);
    int ok = cps == want_cps && b.len == strlen(want) && memcmp(b.data, want, b.len) == 0;
    if (!ok)
        fprintf(stderr, "normalize '%.*s' -> '%s' (%zu code points)\n", (int)n, in, b.data, cps);
    vcd_buf_free(&b);
    return ok;
}
#define NORM(in, want, cps) CHECK(norm_is(in, sizeof in - 1, want, cps))

static void test_normalize(void)
{
    NORM("Café_Noël! 42", "cafénoël42", 10); /* accents kept, _ ! space dropped */
    NORM("e\xCC\x81t\xC3\xA9", "eté", 3);    /* a combining accent (Mn) is dropped */
    NORM("İstanbul", "istanbul", 8);         /* U+0130: "i" + a dropped U+0307 */
    NORM("ΟΔΟΣ ΤΟΥ", "οδοςτου", 7);          /* final sigma before a space */
    NORM("ΣΑΣ", "σας", 3);                   /* first sigma not final, last final */
    NORM("Σ", "σ", 1);                       /* no cased letter before it */
    NORM("ΑΣ'Β", "ασβ", 3);                  /* an apostrophe is case-ignorable */
    NORM("ΑΣ-Β", "αςβ", 3);                  /* a hyphen is not */
    NORM("東京タワー、２０２０年", "東京タワー２０２０年", 10); /* CJK, Lm, full-width Nd */
    NORM("x²½٣Ⅻ", "x²½٣ⅻ", 5); /* No, Nd and Nl digits; Ⅻ lowers */
    NORM("a_b__c", "abc", 3);
    NORM("I ❤️ it 😂!", "iit", 3); /* emoji and variation selector dropped */
    NORM("ab\xFF"
         "c\xE2\x82"
         "d",
         "abcd", 4); /* invalid UTF-8 reads as dropped U+FFFD */
    NORM("", "", 0);
}

static const char conll_text[] = "Hello\tO\n,\tO\nworld\tO\n!!\tO\n_x1\tO\n\n" /* 12 */
                                 "Short\tO\none\tO\n\n"                        /* 8 */
                                 "abcdefghij\tO\nk\tO\n\n"                     /* 11 */
                                 "abcdefghij\tO\nkl\tO\n\n"                    /* 12 */
                                 "Ça\tO\nva\tO\ntrès\tO\nbien\tO\n\n"          /* 12 */
                                 "Hello\tO\nworld\tO\nx1\tO\n\n"               /* duplicate */
                                 "0123456789\tO\nzyxwvutsrqponmlkjihgfedcba\tO\n"
                                 "QRSTUVWXYZ\tO\nOPQR\tO\n"; /* 50: the probe is its first 40 */

static vcd_overlap *hand_overlap(void)
{
    vcd_conll c;
    CHECK(vcd_conll_parse("hand.conll", (const unsigned char *)conll_text, sizeof conll_text - 1,
                          &c) == VCD_OK);
    vcd_overlap *o = NULL;
    CHECK(vcd_overlap_build(&c, "hand.conll", &o) == VCD_OK);
    vcd_conll_free(&c);
    return o;
}

static int found(const vcd_overlap *o, const char *text)
{
    vcd_buf scratch = {0};
    int r = vcd_overlap_test(o, text, strlen(text), &scratch);
    vcd_buf_free(&scratch);
    return r;
}

static void test_probes(void)
{
    vcd_overlap *o = hand_overlap();
    if (!o) return;
    CHECK(vcd_overlap_probe_count(o) == 4);
    size_t len;
    const char *p = vcd_overlap_probe(o, 0, &len); /* sorted: digits first */
    CHECK(len == 40 && memcmp(p, "0123456789zyxwvutsrqponmlkjihgfedcbaqrst", 40) == 0);
    p = vcd_overlap_probe(o, 3, &len);
    CHECK(len == 14 && memcmp(p,
                              "\xC3\xA7"
                              "avatr",
                              7) == 0);

    CHECK(found(o, "I said: HELLO, World x1 yes")); /* mid-line, case and spaces apart */
    CHECK(found(o, "hello_world_x1"));
    CHECK(!found(o, "hello world x"));
    CHECK(!found(o, "abcdefghij k"));        /* an 11-letter sentence is no probe */
    CHECK(found(o, "ab cd ef gh ij kl"));    /* a 12-letter one is */
    CHECK(found(o, "ca va tres bien") == 0); /* accents are not stripped */
    CHECK(found(o, "well, ÇA VA TRÈS BIEN!"));
    CHECK(found(o, "0123456789 zyxwvutsrqponmlkjihgfedcba QRST and more"));
    CHECK(!found(o, "0123456789 zyxwvutsrqponmlkjihgfedcba QRS"));
    CHECK(!found(o, ""));
    vcd_overlap_free(o);
    vcd_overlap_free(NULL);
}

/* A probe that is a prefix of another: the search finds the longest probe
 * sorting before the text and walks down to the shorter one. */
static void test_nested_probes(void)
{
    static const char nested[] = "abcdefghijkl\tO\n\nabcdefghijklmnop\tO\n\nabcdefghijklmnoq\tO\n";
    vcd_conll c;
    CHECK(vcd_conll_parse("nested.conll", (const unsigned char *)nested, sizeof nested - 1, &c) ==
          VCD_OK);
    vcd_overlap *o = NULL;
    CHECK(vcd_overlap_build(&c, "nested.conll", &o) == VCD_OK);
    vcd_conll_free(&c);
    if (!o) return;
    CHECK(vcd_overlap_probe_count(o) == 3);
    CHECK(found(o, "xx abcdefghijklmz")); /* after both longer ones: the 12 matches */
    CHECK(found(o, "abcdefghijklmnoq"));
    CHECK(found(o, "abcdefghijklmnopq"));
    CHECK(!found(o, "abcdefghijkm"));         /* sorts after all three, matches none */
    CHECK(!found(o, "abcdefghijk abcdefgh")); /* "abcdefghijkabcdefgh" holds none */
    vcd_overlap_free(o);
}

static void test_no_probe(void)
{
    static const char small[] = "Short\tO\none\tO\n\n";
    vcd_conll c;
    CHECK(vcd_conll_parse("small.conll", (const unsigned char *)small, sizeof small - 1, &c) ==
          VCD_OK);
    vcd_overlap *o = (vcd_overlap *)1;
    CHECK(vcd_overlap_build(&c, "small.conll", &o) == VCD_EINPUT && o == NULL);
    CHECK(strstr(vcd_last_error(), "small.conll: no sentence") != NULL);
    vcd_conll_free(&c);
}

/* Lines end at LF, CR LF or CR and are written with LF; invalid UTF-8 is
 * written as U+FFFD; a last line without terminator stays without. */
static void test_filter_lines(void)
{
    vcd_overlap *o = hand_overlap();
    if (!o) return;
    static const char in[] = "keep me\r\nHello, world x1!\rsecond\r\r\n\xFF"
                             "bad\xE2\x82\nlast";
    static const char want[] = "keep me\nsecond\n\n\xEF\xBF\xBD"
                               "bad\xEF\xBF\xBD\nlast";
    char *buf = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&buf, &size);
    vcd_overlap_counts c;
    CHECK(vcd_overlap_filter_lines(o, (const unsigned char *)in, sizeof in - 1, mem, &c) == VCD_OK);
    fclose(mem);
    CHECK(c.kept == 5 && c.dropped == 1 && c.invalid_lines == 1);
    CHECK_MSG(size == sizeof want - 1 && memcmp(buf, want, size) == 0, "got '%s'", buf);
    free(buf);
    vcd_overlap_free(o);
}

int main(void)
{
    test_normalize();
    test_probes();
    test_nested_probes();
    test_no_probe();
    test_filter_lines();
    return test_finish();
}
