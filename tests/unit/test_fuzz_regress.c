/* Inputs the fuzzers found, kept as plain unit tests so that the Release
 * suite guards them too (the fuzz build runs only in scripts/test.sh). */
#include "test.h"
#include "vcd/kb_build.h"

/* fuzz_kb: a KB TSV row whose name is nothing but separators got an entry
 * with no alias; the builder wrote it and its own reader refused the file
 * ("entry 0: bad alias range"). Such an entry is left out: no lookup could
 * reach it. */
static void test_kb_separator_name(void)
{
    static const char tsv[] = "a\t(\t\tLOC\n"        /* dropped: no alias at all */
                              "b\t--\tBerlin\tLOC\n" /* kept: its alias is findable */
                              "c\tParis\t\tLOC\n";
    vcd_kb_builder *b = vcd_kb_builder_new(NULL);
    CHECK(vcd_kb_import_memory(b, VCD_KB_SRC_TSV, (const unsigned char *)tsv, sizeof tsv - 1,
                               "t.tsv", NULL) == VCD_OK);
    vcd_kb_build_counts c;
    vcd_kb_builder_counts(b, &c);
    CHECK(c.entries == 2 && c.aliases == 2);
    vcd_buf img = {0};
    CHECK(vcd_kb_builder_serialize(b, &img) == VCD_OK);
    vcd_kb *kb = NULL;
    CHECK_MSG(vcd_kb_open_memory(img.data, img.len, &kb) == VCD_OK, "%s", vcd_last_error());
    if (kb) {
        vcd_kb_hit h[2];
        CHECK(vcd_kb_size(kb) == 2);
        CHECK(vcd_kb_lookup(kb, "berlin", 6, h, 2) == 1 &&
              strcmp(vcd_kb_id(kb, h[0].entry), "user:b") == 0);
        CHECK(vcd_kb_lookup(kb, "paris", 5, h, 2) == 1);
    }
    vcd_kb_close(kb);
    vcd_buf_free(&img);
    vcd_kb_builder_free(b);
}

int main(void)
{
    test_kb_separator_name();
    return test_finish();
}
