#ifndef VCD_VECTORS_FORMAT_H
#define VCD_VECTORS_FORMAT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#define VCDV_MAGIC "VCDVEC1"
#define VCDV_VERSION 1u
#define VCDV_HASH_SEED 0x5EEDu

typedef struct {
    char magic[8];
    uint32_t version;
    uint32_t dim;
    uint64_t n_words;
    uint64_t vectors_off;
    uint64_t offsets_off;
    uint64_t blob_off;
    uint64_t blob_len;
    uint64_t table_off;
    uint64_t table_size;
    uint64_t reserved[3];
} vcd_vectors_header;

_Static_assert(sizeof(vcd_vectors_header) == 96, "header layout");

/* Word vectors are small numbers; NaN, infinity or a magnitude beyond this
 * would overflow the encoder's sums and reach HDBSCAN as NaN distances. */
#define VCDV_MAX_ABS 1e6f

/* Longest linear-probing distance a valid table may have. At the importer's
 * load of at most one half the GloVe table's longest is far below it. */
#define VCDV_MAX_PROBE 512

/* Index of the first value of row[0..dim) that is non-finite or too large,
 * or dim when the row is usable. Shared by the importers and the reader. */
static inline size_t vcdv_bad_value(const float *row, size_t dim)
{
    for (size_t j = 0; j < dim; j++)
        if (!(fabsf(row[j]) <= VCDV_MAX_ABS)) return j;
    return dim;
}

#endif
