/* Word vector import (text and wink JSON), the .vcdv reader, and corrupt files. */
#include "test.h"
#include "vcd/vectors.h"
#include "../../src/encode/vectors_format.h"

#include <stddef.h>

static const char *glove = "3 4\n"
                           "the 0.1 0.2 0.3 0.4\n"
                           "Apple 1 0 0 0\n"
                           "apple 9 9 9 9\n"
                           "broken 1 2\n"
                           "vision 0 1 0 nan\n"
                           "pro 0 0 1e0 0\n";

static void test_text_import(void)
{
    unsigned char *buf;
    size_t n;
    vcd_vectors_import_stats st;
    CHECK(vcd_vectors_import_memory((const unsigned char *)glove, strlen(glove), VCD_VEC_TEXT, 0,
                                    &buf, &n, &st) == VCD_OK);
    CHECK(st.words_kept == 3 && st.skipped_bad == 2 && st.skipped_duplicate == 1);
    vcd_vectors *v;
    CHECK(vcd_vectors_open_memory(buf, n, &v) == VCD_OK);
    CHECK(vcd_vectors_dim(v) == 4 && vcd_vectors_count(v) == 3);
    long r = vcd_vectors_find(v, "apple", 5);
    CHECK(r == 1 && vcd_vectors_row(v, 1)[0] == 1.0f); /* first (more frequent) spelling kept */
    CHECK(vcd_vectors_find(v, "pro", 3) == 2 && vcd_vectors_find(v, "nope", 4) == -1);
    CHECK(vcd_vectors_sif_weight(v, 0) < vcd_vectors_sif_weight(v, 2));
    vcd_vectors_close(v);
    /* every truncation of a valid file is rejected or still consistent */
    int crashes = 0;
    for (size_t cut = 0; cut < n; cut += 7) {
        vcd_vectors *t = NULL;
        if (vcd_vectors_open_memory(buf, cut, &t) == VCD_OK) {
            crashes += vcd_vectors_find(t, "apple", 5) > 2;
            vcd_vectors_close(t);
        }
    }
    CHECK(crashes == 0);
    /* Flipped bytes in the header must be caught, not trusted. The only
     * harmless ones are the three reserved words (bytes 72..95): the reader
     * ignores them, and the digest a state records of the file covers them,
     * so a state still refuses the changed file. Every other field (version,
     * dim, word count, section offsets and lengths, table size) is refused
     * at every byte: by the alignment, size and power-of-two checks, or, for
     * the blob offset, because the words no longer hash to their slots. */
    CHECK(vcd_vectors_open_memory(buf, n, &v) == VCD_OK);
    uint64_t digest = vcd_vectors_digest(v);
    vcd_vectors_close(v);
    const size_t reserved = offsetof(vcd_vectors_header, reserved);
    CHECK(reserved == 72);
    unsigned char *bad = malloc(n);
    for (size_t i = 8; i < sizeof(vcd_vectors_header); i++) {
        memcpy(bad, buf, n);
        bad[i] ^= 0xA5;
        vcd_vectors *t = NULL;
        int accepted = vcd_vectors_open_memory(bad, n, &t) == VCD_OK;
        CHECK_MSG(accepted == (i >= reserved), "header byte %zu flipped: %s", i,
                  accepted ? "accepted" : "refused");
        if (accepted) { /* reads as the original, but is told apart by its digest */
            CHECK(vcd_vectors_find(t, "apple", 5) == 1 && vcd_vectors_find(t, "pro", 3) == 2);
            CHECK(vcd_vectors_digest(t) != digest);
        }
        vcd_vectors_close(t);
    }
    free(bad);
    free(buf);
}

static void test_wink_import(void)
{
    const char *wink = "{\"precision\":8,\"l2NormIndex\":3,\"dimensions\":3,"
                       "\"words\":[\"a\",\"\\u00e9t\\u00e9\"],\"vectors\":{\"a\":[1,0,0,1,0],"
                       "\"\\u00e9t\\u00e9\":[0,1,0,1,1],\"short\":[1]},\"unkVector\":[0,0,0]}";
    unsigned char *buf;
    size_t n;
    vcd_vectors_import_stats st;
    CHECK(vcd_vectors_import_memory((const unsigned char *)wink, strlen(wink), VCD_VEC_WINK, 0,
                                    &buf, &n, &st) == VCD_OK);
    CHECK(st.words_kept == 2 && st.skipped_bad == 1);
    vcd_vectors *v;
    CHECK(vcd_vectors_open_memory(buf, n, &v) == VCD_OK);
    CHECK(vcd_vectors_dim(v) == 3);
    CHECK(vcd_vectors_find(v, "ete", 3) == 1); /* accents folded in keys */
    vcd_vectors_close(v);
    free(buf);
    const char *bad[] = {"",
                         "[]",
                         "{\"vectors\":{}}",
                         "{\"dimensions\":3,\"vectors\":{\"a\":[1,2,",
                         "{\"dimensions\":0}",
                         "{\"dimensions\":3,\"vectors\":[1]}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK_MSG(vcd_vectors_import_memory((const unsigned char *)bad[i], strlen(bad[i]),
                                            VCD_VEC_WINK, 0, &buf, &n, &st) == VCD_EINPUT,
                  "case %zu", i);
}

/* NaN or huge values inside the rows (which the digest does not cover) are
 * refused when a file is opened and never written by the importers. */
static void test_non_finite_rows(void)
{
    unsigned char *buf;
    size_t n;
    vcd_vectors_import_stats st;
    const char *txt = "the 0.1 0.2\napple 0.3 0.4\n";
    CHECK(vcd_vectors_import_memory((const unsigned char *)txt, strlen(txt), VCD_VEC_TEXT, 0, &buf,
                                    &n, &st) == VCD_OK);
    const float poison[3] = {NAN, -INFINITY, 3e38f};
    for (size_t c = 0; c < 3; c++) {
        unsigned char *copy = malloc(n);
        memcpy(copy, buf, n);
        memcpy(copy + 128 + 12, &poison[c], 4); /* word 1, value 1 (rows start at byte 128) */
        vcd_vectors *v = NULL;
        CHECK_MSG(vcd_vectors_open_memory(copy, n, &v) == VCD_EINPUT, "case %zu", c);
        CHECK(strstr(vcd_last_error(), "word 1: value 1") != NULL);
        vcd_vectors_close(v);
        free(copy);
    }
    free(buf);
    const char *wink = "{\"dimensions\":2,\"vectors\":{\"a\":[1,0],\"b\":[1e39,0],"
                       "\"c\":[3e38,1],\"d\":[0,1]}}";
    CHECK(vcd_vectors_import_memory((const unsigned char *)wink, strlen(wink), VCD_VEC_WINK, 0,
                                    &buf, &n, &st) == VCD_OK);
    CHECK(st.words_kept == 2 && st.skipped_bad == 2);
    free(buf);
}

static void test_files(void)
{
    vcd_vectors *v;
    CHECK(vcd_vectors_open("/nonexistent.vcdv", &v) == VCD_EINPUT);
    CHECK(vcd_vectors_open_memory((const unsigned char *)"short", 5, &v) == VCD_EINPUT);
    const char *path = VCD_DATA_DIR "/vectors/glove-wiki-100d.vcdv";
    if (access(path, R_OK) != 0) {
        printf("SKIP: default vectors not imported (%s)\n", path);
        return;
    }
    CHECK(vcd_vectors_open(path, &v) == VCD_OK);
    CHECK(vcd_vectors_dim(v) == 100 && vcd_vectors_count(v) > 300000);
    CHECK(vcd_vectors_find(v, "the", 3) == 0);
    vcd_vectors_close(v);
}

/* Audit case: a table with every slot filled made each lookup a full scan
 * (67x slower tagging, different mentions). Full, repeated or unreachable
 * slots are refused at open. */
static void test_hostile_table(void)
{
    unsigned char *buf;
    size_t n;
    vcd_vectors_import_stats st;
    CHECK(vcd_vectors_import_memory((const unsigned char *)glove, strlen(glove), VCD_VEC_TEXT, 0,
                                    &buf, &n, &st) == VCD_OK);
    vcd_vectors_header h;
    memcpy(&h, buf, sizeof h);
    unsigned char *bad = malloc(n);
    vcd_vectors *v = NULL;
    /* every empty slot filled */
    memcpy(bad, buf, n);
    for (uint64_t i = 0; i < h.table_size; i++) {
        uint32_t slot;
        memcpy(&slot, bad + h.table_off + i * 4, 4);
        if (slot == 0) memcpy(bad + h.table_off + i * 4, &(uint32_t){1}, 4);
    }
    CHECK(vcd_vectors_open_memory(bad, n, &v) == VCD_EINPUT && v == NULL);
    /* one word moved to a slot its lookup never reaches */
    memcpy(bad, buf, n);
    for (uint64_t i = 0; i < h.table_size; i++) {
        uint32_t slot;
        memcpy(&slot, bad + h.table_off + i * 4, 4);
        if (slot == 0) continue;
        uint64_t j = (i + h.table_size / 2) % h.table_size;
        uint32_t other;
        memcpy(&other, bad + h.table_off + j * 4, 4);
        if (other != 0) continue;
        memcpy(bad + h.table_off + j * 4, &slot, 4);
        memcpy(bad + h.table_off + i * 4, &(uint32_t){0}, 4);
        break;
    }
    CHECK(vcd_vectors_open_memory(bad, n, &v) == VCD_EINPUT && v == NULL);
    /* a word dropped from the table */
    memcpy(bad, buf, n);
    for (uint64_t i = 0; i < h.table_size; i++) {
        uint32_t slot;
        memcpy(&slot, bad + h.table_off + i * 4, 4);
        if (slot == 0) continue;
        memcpy(bad + h.table_off + i * 4, &(uint32_t){0}, 4);
        break;
    }
    CHECK(vcd_vectors_open_memory(bad, n, &v) == VCD_EINPUT && v == NULL);
    free(bad);
    free(buf);
}

int main(void)
{
    test_hostile_table();
    test_text_import();
    test_wink_import();
    test_non_finite_rows();
    test_files();
    return test_finish();
}
