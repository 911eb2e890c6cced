/* libFuzzer: the .vcdkb reader (arbitrary bytes opened as a KB, lookups on
 * success) and every KB importer (their output must open). */
#include "vcd/kb_build.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void exercise(const vcd_kb *kb)
{
    static const char *const queries[] = {"Philly", "uk", "", "a", "\xff"};
    vcd_kb_hit h[4];
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        size_t n = vcd_kb_lookup(kb, queries[i], strlen(queries[i]), h, 4);
        for (size_t j = 0; j < n && j < 4; j++) {
            const char *al[4];
            (void)vcd_kb_id(kb, h[j].entry);
            (void)vcd_kb_aliases(kb, h[j].entry, al, NULL, 4);
        }
    }
    (void)vcd_kb_nickname_pair(kb, "charles", 7, "chuck", 5);
    vcd_buf out = {0};
    vcd_kb_export_tsv(kb, &out);
    vcd_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    unsigned mode = data[0] % (VCD_KB_SRC_COUNT + 1);
    if (mode == VCD_KB_SRC_COUNT) {
        /* Half the inputs get a correct digest (bytes 96..104 over everything
         * after the 128-byte header), so mutations reach the table checks. */
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, p, n);
        if (n >= 128 && (n & 1)) {
            uint64_t d = vcd_hash64(copy + 128, n - 128, 0x4B42u);
            memcpy(copy + 96, &d, 8);
        }
        vcd_kb *kb = NULL;
        if (vcd_kb_open_memory(copy, n, &kb) == VCD_OK) exercise(kb);
        vcd_kb_close(kb);
        free(copy);
        return 0;
    }
    vcd_kb_builder *b = vcd_kb_builder_new(NULL);
    if (vcd_kb_import_memory(b, (vcd_kb_source)mode, p, n, "fuzz", NULL) == VCD_OK) {
        vcd_buf img = {0};
        if (vcd_kb_builder_serialize(b, &img) == VCD_OK) {
            vcd_kb *kb = NULL;
            if (vcd_kb_open_memory(img.data, img.len, &kb) != VCD_OK) abort(); /* own output */
            exercise(kb);
            vcd_kb_close(kb);
        }
        vcd_buf_free(&img);
    }
    vcd_kb_builder_free(b);
    return 0;
}
