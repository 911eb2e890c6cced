#include "vcd/vectors.h"
#include "vcd/fileio.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vectors_format.h"

struct vcd_vectors {
    vcd_mapped_file file; /* owned when opened from a path */
    const unsigned char *data;
    size_t len;
    vcd_vectors_header h;
    const float *rows;
    const uint64_t *offsets;
    const char *blob;
    const uint32_t *table;
    float zipf_norm;
};

static uint64_t rd64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static int section_fits(uint64_t off, uint64_t count, uint64_t size, size_t file_len)
{
    if (size && count > UINT64_MAX / size) return 0;
    uint64_t bytes = count * size;
    return off <= file_len && bytes <= file_len - off;
}

/* The lookup table as the importer builds it: linear probing at a load of
 * at most one half, every word in exactly one slot, found from its home slot
 * through occupied slots only, within VCDV_MAX_PROBE steps. A table that is
 * full, or whose words sit far from home, would make every lookup a long
 * scan (and could hide words): refused here, once. */
static vcd_status validate_table(const vcd_vectors *v)
{
    const vcd_vectors_header *h = &v->h;
    if (h->table_size / 2 < h->n_words)
        return vcd_fail(VCD_EINPUT, "hash table more than half full (%llu words, %llu slots)",
                        (unsigned long long)h->n_words, (unsigned long long)h->table_size);
    uint64_t mask = h->table_size - 1, start = 0, used = 0;
    uint32_t slot = 1;
    for (; start < h->table_size; start++) {
        memcpy(&slot, &v->table[start], 4);
        if (slot == 0) break;
    }
    if (slot != 0) return vcd_fail(VCD_EINPUT, "hash table has no empty slot");
    uint8_t *seen = vcd_xcalloc(h->n_words, 1);
    vcd_status rc = VCD_OK;
    uint64_t run = 0;
    for (uint64_t k = 1; k <= h->table_size && rc == VCD_OK; k++) {
        uint64_t i = (start + k) & mask;
        memcpy(&slot, &v->table[i], 4);
        if (slot == 0) {
            run = 0;
            continue;
        }
        run++;
        uint64_t rank = (uint64_t)slot - 1;
        if (rank >= h->n_words || seen[rank]) {
            rc = vcd_fail(VCD_EINPUT, "hash table slot %llu: bad or repeated word %llu",
                          (unsigned long long)i, (unsigned long long)rank);
            break;
        }
        seen[rank] = 1;
        used++;
        uint64_t a = rd64((const unsigned char *)&v->offsets[rank]);
        uint64_t b = rd64((const unsigned char *)&v->offsets[rank + 1]);
        uint64_t home = vcd_hash64(v->blob + a, b - a, VCDV_HASH_SEED) & mask;
        uint64_t dist = (i - home) & mask;
        if (dist >= run || dist > VCDV_MAX_PROBE)
            rc = vcd_fail(VCD_EINPUT,
                          "hash table slot %llu: word %llu is not reachable from its "
                          "home slot within %d steps",
                          (unsigned long long)i, (unsigned long long)rank, VCDV_MAX_PROBE);
    }
    if (rc == VCD_OK && used != h->n_words)
        rc = vcd_fail(VCD_EINPUT, "hash table holds %llu of %llu words", (unsigned long long)used,
                      (unsigned long long)h->n_words);
    free(seen);
    return rc;
}

static vcd_status validate(vcd_vectors *v)
{
    const vcd_vectors_header *h = &v->h;
    if (memcmp(h->magic, VCDV_MAGIC, 8) != 0)
        return vcd_fail(VCD_EINPUT, "not a vcdiscover vector file (bad magic)");
    if (h->version != VCDV_VERSION)
        return vcd_fail(VCD_EINPUT, "unsupported vector file version %u", h->version);
    if (h->dim == 0 || h->dim > 4096) return vcd_fail(VCD_EINPUT, "bad dimension %u", h->dim);
    if (h->n_words == 0 || h->n_words >= UINT32_MAX)
        return vcd_fail(VCD_EINPUT, "bad word count %llu", (unsigned long long)h->n_words);
    if (h->vectors_off % 4 || h->offsets_off % 8 || h->table_off % 4)
        return vcd_fail(VCD_EINPUT, "misaligned section");
    if (!section_fits(h->vectors_off, h->n_words, (uint64_t)h->dim * 4, v->len) ||
        !section_fits(h->offsets_off, h->n_words + 1, 8, v->len) ||
        !section_fits(h->blob_off, h->blob_len, 1, v->len) ||
        !section_fits(h->table_off, h->table_size, 4, v->len))
        return vcd_fail(VCD_EINPUT, "section runs past the end of the file (truncated?)");
    if (h->table_size < h->n_words || (h->table_size & (h->table_size - 1)))
        return vcd_fail(VCD_EINPUT, "bad hash table size");
    /* The mapping is page-aligned and vectors_off a multiple of 4 (checked). */
    // cppcheck-suppress invalidPointerCast
    v->rows = (const float *)(v->data + h->vectors_off);
    v->offsets = (const uint64_t *)(v->data + h->offsets_off);
    v->blob = (const char *)(v->data + h->blob_off);
    v->table = (const uint32_t *)(v->data + h->table_off);
    /* One sequential pass over the rows (136 MB for GloVe 400k x 100: a
     * fraction of a second), so no NaN or huge value reaches an encoder. */
    for (uint64_t r = 0; r < h->n_words; r++) {
        const float *row = v->rows + r * h->dim;
        size_t j = vcdv_bad_value(row, h->dim);
        if (j < h->dim)
            return vcd_fail(VCD_EINPUT, "word %llu: value %zu is %g (non-finite or too large)",
                            (unsigned long long)r, j, (double)row[j]);
    }
    uint64_t prev = 0;
    for (uint64_t i = 0; i <= h->n_words; i++) {
        uint64_t o = rd64((const unsigned char *)&v->offsets[i]);
        if (o < prev || o > h->blob_len) return vcd_fail(VCD_EINPUT, "corrupt word offsets");
        prev = o;
    }
    vcd_status rc = validate_table(v);
    if (rc) return rc;
    double harmonic = log((double)h->n_words) + 0.5772;
    v->zipf_norm = (float)harmonic;
    return VCD_OK;
}

vcd_status vcd_vectors_open_memory(const unsigned char *data, size_t len, vcd_vectors **out)
{
    *out = NULL;
    if (len < sizeof(vcd_vectors_header))
        return vcd_fail(VCD_EINPUT, "vector file too short (%zu bytes)", len);
    vcd_vectors *v = vcd_xcalloc(1, sizeof *v);
    v->data = data;
    v->len = len;
    memcpy(&v->h, data, sizeof v->h);
    vcd_status rc = validate(v);
    if (rc) {
        free(v);
        return rc;
    }
    *out = v;
    return VCD_OK;
}

vcd_status vcd_vectors_open(const char *path, vcd_vectors **out)
{
    *out = NULL;
    vcd_mapped_file f;
    vcd_status rc = vcd_map_file(path, &f);
    if (rc)
        return vcd_fail(rc, "%s (run scripts/setup.sh or `vcdiscover vectors import`)",
                        vcd_last_error());
    if ((uintptr_t)f.data % 8) {
        vcd_unmap_file(&f);
        return vcd_fail(VCD_EINPUT, "%s: unaligned mapping", path);
    }
    rc = vcd_vectors_open_memory(f.data, f.len, out);
    if (rc) {
        vcd_unmap_file(&f);
        return vcd_fail(rc, "%s: %s", path, vcd_last_error());
    }
    (*out)->file = f;
    return VCD_OK;
}

void vcd_vectors_close(vcd_vectors *v)
{
    if (!v) return;
    vcd_unmap_file(&v->file);
    free(v);
}

size_t vcd_vectors_dim(const vcd_vectors *v)
{
    return v->h.dim;
}

size_t vcd_vectors_count(const vcd_vectors *v)
{
    return (size_t)v->h.n_words;
}

long vcd_vectors_find(const vcd_vectors *v, const char *key, size_t n)
{
    uint64_t mask = v->h.table_size - 1;
    uint64_t i = vcd_hash64(key, n, VCDV_HASH_SEED) & mask;
    /* Bounded probe: a hostile table full of non-empty slots must not loop forever. */
    for (uint64_t probes = 0; probes < v->h.table_size; probes++) {
        uint32_t slot;
        memcpy(&slot, &v->table[i], 4);
        if (slot == 0) return -1;
        uint64_t rank = slot - 1;
        if (rank < v->h.n_words) {
            uint64_t a = rd64((const unsigned char *)&v->offsets[rank]);
            uint64_t b = rd64((const unsigned char *)&v->offsets[rank + 1]);
            if (b - a == n && memcmp(v->blob + a, key, n) == 0) return (long)rank;
        }
        i = (i + 1) & mask;
    }
    return -1;
}

const float *vcd_vectors_row(const vcd_vectors *v, size_t rank)
{
    return v->rows + rank * v->h.dim;
}

float vcd_vectors_sif_weight(const vcd_vectors *v, size_t rank)
{
    const float a = 1e-3f;
    float p = 1.0f / ((float)(rank + 1) * v->zipf_norm);
    return a / (a + p);
}

uint64_t vcd_vectors_digest(const vcd_vectors *v)
{
    return vcd_hash64(&v->h, sizeof v->h, v->len);
}
