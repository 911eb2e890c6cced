/* libFuzzer: the .vcdv reader (also with poisoned rows) and both vector importers. */
#include "vcd/vectors.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Mode byte >= 0x80: the payload overwrites the rows of a valid file (the
 * header digest does not cover them), so NaN, infinity and huge values
 * reach the reader's row check; whatever it accepts must be usable. */
static void poisoned_rows(const uint8_t *p, size_t n)
{
    static unsigned char *valid;
    static size_t valid_len;
    if (!valid) {
        const char *txt = "the 0.1 0.2 0.3\napple 0.4 0.5 0.6\nvision 0.7 0.8 0.9\n";
        if (vcd_vectors_import_memory((const unsigned char *)txt, strlen(txt), VCD_VEC_TEXT, 0,
                                      &valid, &valid_len, NULL) != VCD_OK)
            abort();
    }
    const size_t rows_at = 128, rows_len = 3 * 3 * 4; /* 3 words x 3 floats after the header */
    unsigned char *copy = malloc(valid_len);
    memcpy(copy, valid, valid_len);
    memcpy(copy + rows_at, p, n < rows_len ? n : rows_len);
    vcd_vectors *v = NULL;
    if (vcd_vectors_open_memory(copy, valid_len, &v) == VCD_OK) {
        for (size_t r = 0; r < vcd_vectors_count(v); r++)
            for (size_t j = 0; j < vcd_vectors_dim(v); j++)
                if (!isfinite(vcd_vectors_row(v, r)[j])) abort();
        vcd_vectors_close(v);
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    if (data[0] >= 0x80) {
        poisoned_rows(p, n);
        return 0;
    }
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
