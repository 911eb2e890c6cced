/* Size, line count and digest of every state file, recorded by `cluster` in
 * the manifest and checked by every reader before it parses a byte. */
#include "state_files.h"
#include "state_internal.h"

#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t bytes, lines;
    char digest[24];
} file_facts;

static void facts_of(const vcd_mapped_file *f, file_facts *out)
{
    out->bytes = f->len;
    out->lines = 0;
    const unsigned char *p = f->data, *end = f->data + f->len;
    while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        out->lines++;
        p++;
    }
    /* the same digest as vcd_file_digest: content hash seeded with the size */
    snprintf(out->digest, sizeof out->digest, "%016llx",
             (unsigned long long)(vcd_hash64(f->data, f->len, f->len) | 1));
}

vcd_status state_file_record(cJSON *files, const char *dir, const char *name)
{
    char *path = vcd_path_join(dir, name);
    vcd_mapped_file f;
    vcd_status rc = vcd_map_file(path, &f);
    free(path);
    if (rc) return rc;
    file_facts x;
    facts_of(&f, &x);
    vcd_unmap_file(&f);
    cJSON *o = cJSON_AddObjectToObject(files, name);
    cJSON_AddNumberToObject(o, "bytes", (double)x.bytes);
    cJSON_AddNumberToObject(o, "lines", (double)x.lines);
    cJSON_AddStringToObject(o, "digest", x.digest);
    return VCD_OK;
}

static vcd_status compare(const char *path, const cJSON *want, const file_facts *got)
{
    const char *digest = state_str(want, "digest");
    double bytes = state_num(want, "bytes", -1), lines = state_num(want, "lines", -1);
    if (!digest || bytes < 0 || lines < 0)
        return vcd_fail(VCD_EINPUT,
                        "%s: not described in manifest.json (unfinished or foreign state)", path);
    const char *why = "(truncated or changed after `cluster` wrote it)";
    if ((double)got->bytes != bytes)
        return vcd_fail(VCD_EINPUT, "%s: %zu bytes, the manifest records %.0f %s", path, got->bytes,
                        bytes, why);
    if ((double)got->lines != lines)
        return vcd_fail(VCD_EINPUT, "%s: %zu lines, the manifest records %.0f %s", path, got->lines,
                        lines, why);
    if (strcmp(digest, got->digest) != 0)
        return vcd_fail(VCD_EINPUT, "%s: content does not match the manifest's digest %s", path,
                        why);
    return VCD_OK;
}

vcd_status state_file_map(const cJSON *manifest, const char *dir, const char *name,
                          vcd_mapped_file *out)
{
    memset(out, 0, sizeof *out);
    const cJSON *files = cJSON_GetObjectItemCaseSensitive(manifest, "files");
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(files, name);
    char *path = vcd_path_join(dir, name);
    vcd_status rc = vcd_map_file(path, out);
    if (rc == VCD_OK) {
        file_facts got;
        facts_of(out, &got);
        rc = compare(path, want, &got);
        if (rc) vcd_unmap_file(out);
    }
    free(path);
    return rc;
}

static void put32(unsigned char *p, uint32_t v)
{
    memcpy(p, &v, 4); /* the project targets little-endian hosts, as .vcdv does */
}

static void put64(unsigned char *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

vcd_status state_write_form_vectors(const char *dir, const float *X, size_t n, size_t dim)
{
    unsigned char h[STATE_FORM_VECTORS_HEADER] = {0};
    memcpy(h, STATE_FORM_VECTORS_MAGIC, 8);
    put32(h + 8, 1);
    put32(h + 12, (uint32_t)dim);
    put64(h + 16, n);
    char *path = vcd_path_join(dir, STATE_FORM_VECTORS);
    vcd_atomic_file f;
    vcd_status rc = vcd_atomic_open(&f, path);
    if (rc == VCD_OK) {
        if (fwrite(h, 1, sizeof h, f.fp) == sizeof h &&
            (n == 0 || fwrite(X, sizeof *X * dim, n, f.fp) == n)) {
            rc = vcd_atomic_commit(&f);
        } else {
            rc = vcd_fail(VCD_ERUNTIME, "%s: write failed: %s", path, strerror(errno));
            vcd_atomic_abort(&f);
        }
    }
    free(path);
    return rc;
}

vcd_status state_check_form_vectors(const char *path, const vcd_mapped_file *f, size_t n,
                                    size_t dim, const float **rows)
{
    uint32_t version, d;
    uint64_t count;
    if (f->len < STATE_FORM_VECTORS_HEADER || memcmp(f->data, STATE_FORM_VECTORS_MAGIC, 8) != 0)
        return vcd_fail(VCD_EINPUT, "%s: not a form-vector file", path);
    memcpy(&version, f->data + 8, 4);
    memcpy(&d, f->data + 12, 4);
    memcpy(&count, f->data + 16, 8);
    if (version != 1) return vcd_fail(VCD_EINPUT, "%s: unsupported version %u", path, version);
    if (d != dim || count != n)
        return vcd_fail(VCD_EINPUT, "%s: %llu vectors of dimension %u, expected %zu of %zu", path,
                        (unsigned long long)count, d, n, dim);
    if (dim && n > (SIZE_MAX - STATE_FORM_VECTORS_HEADER) / 4 / dim)
        return vcd_fail(VCD_EINPUT, "%s: too many vectors", path);
    if (f->len != STATE_FORM_VECTORS_HEADER + n * dim * 4)
        return vcd_fail(VCD_EINPUT, "%s: %zu bytes, expected %zu", path, f->len,
                        STATE_FORM_VECTORS_HEADER + n * dim * 4);
    /* The mapping is page-aligned and the header 32 bytes: rows are aligned. */
    // cppcheck-suppress invalidPointerCast
    const float *X = (const float *)(f->data + STATE_FORM_VECTORS_HEADER);
    for (size_t i = 0; i < n * dim; i++)
        if (!(fabsf(X[i]) <= 1.0001f)) /* unit vectors: anything else is damage */
            return vcd_fail(VCD_EINPUT, "%s: form %zu has a value %g outside [-1, 1]", path,
                            i / dim, (double)X[i]);
    *rows = X;
    return VCD_OK;
}
