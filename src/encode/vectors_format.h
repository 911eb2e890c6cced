#ifndef VCD_VECTORS_FORMAT_H
#define VCD_VECTORS_FORMAT_H

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

#endif
