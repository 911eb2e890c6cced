/* libFuzzer: the .vcdv reader and both vector importers. */
#include "vcd/vectors.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    switch (data[0] % 3) {
    case 0: {
        /* the reader wants 8-byte alignment, as a mapping gives */
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, p, n);
        vcd_vectors *v = NULL;
        if (vcd_vectors_open_memory(copy, n, &v) == VCD_OK) {
            (void)vcd_vectors_find(v, "the", 3);
            (void)vcd_vectors_find(v, "", 0);
            if (vcd_vectors_count(v)) (void)vcd_vectors_row(v, vcd_vectors_count(v) - 1)[0];
            vcd_vectors_close(v);
        }
        free(copy);
        break;
    }
    default: {
        unsigned char *out = NULL;
        size_t out_len = 0;
        vcd_vectors_format f = data[0] % 3 == 1 ? VCD_VEC_TEXT : VCD_VEC_WINK;
        if (vcd_vectors_import_memory(p, n, f, 1000, &out, &out_len, NULL) == VCD_OK) {
            vcd_vectors *v = NULL;
            if (vcd_vectors_open_memory(out, out_len, &v) != VCD_OK)
                abort(); /* own output must load */
            vcd_vectors_close(v);
        }
        free(out);
    }
    }
    return 0;
}
