/* A .vcdkb whose digest is right but one hit names an entry that does not
 * exist (index n_entries, one past the last) is refused at open: lookups
 * then never index past the entry table. Each hit of a one-entry key is
 * tried, with the digest recomputed as a forger would. */
#include "../../src/kb/kb_format.h"
#include "test.h"
#include "vcd/kb.h"
#include "vcd/fileio.h"
#include "vcd/kb_build.h"

static uint32_t rd32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint64_t rd64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static void reseal(unsigned char *img, size_t len)
{
    uint64_t d = vcd_hash64(img + VCDKB_HEADER_SIZE, len - VCDKB_HEADER_SIZE, VCDKB_DIGEST_SEED);
    memcpy(img + KBH_DIGEST, &d, 8);
}

static void test_hit_past_the_entries(void)
{
    static const char tsv[] = "a\tAlpha\tAlpha\tPRODUCT\nb\tBeta\tBeta\tORG\n";
    vcd_kb_builder *b = vcd_kb_builder_new(NULL);
    CHECK(vcd_kb_import_memory(b, VCD_KB_SRC_TSV, (const unsigned char *)tsv, strlen(tsv), "m",
                               NULL) == VCD_OK);
    vcd_buf img = {0};
    CHECK(vcd_kb_builder_serialize(b, &img) == VCD_OK);
    vcd_kb_builder_free(b);
    unsigned char *u = (unsigned char *)img.data;
    vcd_kb *kb = NULL;
    CHECK(vcd_kb_open_memory(u, img.len, &kb) == VCD_OK); /* as written: fine */
    vcd_kb_close(kb);
    uint32_t n_entries = rd32(u + KBH_N_ENTRIES), n_hits = rd32(u + KBH_N_HITS);
    uint64_t hits = rd64(u + KBH_HITS_OFF);
    CHECK(n_entries == 2 && n_hits >= 2 && hits + (uint64_t)n_hits * VCDKB_HIT_SIZE <= img.len);
    unsigned char *copy = malloc(img.len);
    size_t accepted = 0, tried = 0;
    for (uint32_t h = 0; copy && h < n_hits && hits + (h + 1) * VCDKB_HIT_SIZE <= img.len; h++) {
        memcpy(copy, u, img.len);
        memcpy(copy + hits + (size_t)h * VCDKB_HIT_SIZE, &n_entries, 4);
        reseal(copy, img.len);
        kb = NULL;
        vcd_status rc = vcd_kb_open_memory(copy, img.len, &kb);
        accepted += rc == VCD_OK;
        tried++;
        CHECK(rc != VCD_OK || kb); /* a refusal leaves no handle */
        vcd_kb_close(kb);
    }
    CHECK(tried == n_hits);
    CHECK_MSG(accepted == 0, "%zu of %zu forged hits accepted", accepted, tried);
    free(copy);
    vcd_buf_free(&img);
}

static void write_kb(const char *path, const char *tsv)
{
    vcd_kb_builder *b = vcd_kb_builder_new(NULL);
    CHECK(vcd_kb_import_memory(b, VCD_KB_SRC_TSV, (const unsigned char *)tsv, strlen(tsv), path,
                               NULL) == VCD_OK);
    CHECK(vcd_kb_builder_write(b, path) == VCD_OK);
    vcd_kb_builder_free(b);
}

/* Hits from several files are merged in the order one file keeps: by
 * prominence, then strength (a strong alias before a weak one), then the
 * earlier file. */
static void test_merge_order_across_files(const char *dir)
{
    char *a = vcd_path_join(dir, "a.vcdkb"), *b = vcd_path_join(dir, "b.vcdkb");
    write_kb(a, "a\tAlpha Corp\tZed\tORG\tweak\nc\tCee\tCee\tORG\n");
    write_kb(b, "b\tZed\tZed\tORG\nd\tCee\tCee\tORG\n");
    vcd_kb *kb = NULL;
    CHECK(vcd_kb_open(a, &kb) == VCD_OK && kb && vcd_kb_add(kb, b) == VCD_OK);
    if (kb) {
        vcd_kb_hit h[4];
        CHECK(vcd_kb_lookup(kb, "Zed", 3, h, 4) == 2);
        CHECK_MSG(!strcmp(vcd_kb_id(kb, h[0].entry), "user:b") && h[0].strength == VCD_KB_STRONG,
                  "first hit %s", vcd_kb_id(kb, h[0].entry));
        CHECK(!strcmp(vcd_kb_id(kb, h[1].entry), "user:a") && h[1].strength == VCD_KB_WEAK);
        /* equal in everything: the earlier file first */
        CHECK(vcd_kb_lookup(kb, "Cee", 3, h, 4) == 2);
        CHECK(!strcmp(vcd_kb_id(kb, h[0].entry), "user:c") &&
              !strcmp(vcd_kb_id(kb, h[1].entry), "user:d"));
        vcd_kb_close(kb);
    }
    free(a);
    free(b);
}

int main(void)
{
    char dir[] = "/tmp/vcd_kb_mut_XXXXXX";
    if (!mkdtemp(dir)) return 1;
    test_hit_past_the_entries();
    test_merge_order_across_files(dir);
    vcd_remove_tree(dir);
    return test_finish();
}
