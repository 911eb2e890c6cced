/* Word vectors in the project's own memory-mapped format (.vcdv).
 *
 * Layout (little endian):
 *   header   96 bytes: magic "VCDVEC1\0", version, dim, n_words, section offsets
 *   vectors  n_words x dim float32, 64-byte aligned, row i = word of rank i
 *   offsets  (n_words + 1) uint64 into the string blob
 *   blob     the words' match keys (NFKC + case fold), back to back
 *   table    open-addressing hash table of uint32 (rank + 1, 0 = empty)
 * Words are stored in frequency order (GloVe's file order), which is what the
 * SIF weights are derived from. Every offset is checked when the file is
 * opened, so a corrupt or hostile file is an error, never a bad read. */
#ifndef VCD_VECTORS_H
#define VCD_VECTORS_H

#include "vcd/common.h"

typedef struct vcd_vectors vcd_vectors;

vcd_status vcd_vectors_open(const char *path, vcd_vectors **out);
/* Opens from memory the caller keeps alive (tests, fuzzing). */
vcd_status vcd_vectors_open_memory(const unsigned char *data, size_t len, vcd_vectors **out);
void vcd_vectors_close(vcd_vectors *v);

size_t vcd_vectors_dim(const vcd_vectors *v);
size_t vcd_vectors_count(const vcd_vectors *v);
/* Rank of the word with this match key, or -1. */
long vcd_vectors_find(const vcd_vectors *v, const char *key, size_t n);
const float *vcd_vectors_row(const vcd_vectors *v, size_t rank);
/* Smooth inverse frequency weight a / (a + p(w)), with p from Zipf's law on
 * the rank (the vector files carry no counts). */
float vcd_vectors_sif_weight(const vcd_vectors *v, size_t rank);
/* File size and a digest of the header, recorded in state manifests so that
 * `match` refuses a different vector file than the one the state was built with. */
uint64_t vcd_vectors_digest(const vcd_vectors *v);

typedef enum { VCD_VEC_TEXT, VCD_VEC_WINK } vcd_vectors_format;

typedef struct {
    size_t words_read;
    size_t words_kept;
    size_t skipped_bad;       /* wrong number of values, unparseable number */
    size_t skipped_duplicate; /* same key after normalisation */
} vcd_vectors_import_stats;

/* Converts GloVe / word2vec / fastText text (.txt, .vec) or the wink JSON
 * package into .vcdv, written atomically. `max_words` 0 = all. */
vcd_status vcd_vectors_import(const char *in_path, vcd_vectors_format fmt, const char *out_path,
                              size_t max_words, vcd_vectors_import_stats *stats);
/* Same from memory to memory (fuzzing, tests); *out is malloc'd. */
vcd_status vcd_vectors_import_memory(const unsigned char *data, size_t len, vcd_vectors_format fmt,
                                     size_t max_words, unsigned char **out, size_t *out_len,
                                     vcd_vectors_import_stats *stats);

#endif
