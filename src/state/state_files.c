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

/* A state is written and read back on every `cluster` and `update` (~50 MB
 * at 58k comments): the digest runs four independent multiply-xor lanes
 * over 8-byte words, near memory speed, where a byte-at-a-time hash made
 * each pass ~70 ms. It guards against damage, not forgery (every reader
 * validates what it parses anyway). */
static uint64_t file_digest(const unsigned char *p, size_t n)
{
    const uint64_t prime = 0x9E3779B97F4A7C15ull;
    uint64_t lane[4] = {0xcbf29ce484222325ull ^ n, 0x84222325cbf29ce4ull, 0x100000001b3ull,
                        0xff51afd7ed558ccdull};
    size_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (int k = 0; k < 4; k++) {
            uint64_t w;
            memcpy(&w, p + i + 8 * (size_t)k, 8);
            lane[k] = (lane[k] ^ w) * prime;
            lane[k] ^= lane[k] >> 29;
        }
    uint64_t h = lane[0];
    for (int k = 1; k < 4; k++)
        h = (h ^ lane[k]) * prime + (uint64_t)k;
    return vcd_hash64(p + i, n - i, h); /* the tail, and a final mix */
}

static void facts_of(const vcd_mapped_file *f, file_facts *out)
{
    out->bytes = f->len;
    out->lines = 0;
    const unsigned char *p = f->data, *end = f->data + f->len;
    while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        out->lines++;
        p++;
    }
    snprintf(out->digest, sizeof out->digest, "%016llx",
             (unsigned long long)(file_digest(f->data, f->len) | 1));
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

/* The 32-byte header every binary state file opens with: an 8-byte magic,
 * uint32 version (1), uint32 dim, uint64 n, and a uint64 the file gives a
 * meaning (0, or the digest of the forms' keys). */
#define BINARY_HEADER 32u
_Static_assert(STATE_FORM_VECTORS_HEADER == BINARY_HEADER &&
                   STATE_FORM_SUMS_HEADER == BINARY_HEADER &&
                   STATE_FORM_CONTEXTS_HEADER == BINARY_HEADER,
               "one header layout");

typedef struct {
    uint32_t dim;
    uint64_t n, word;
} binary_header;

static void put_header(unsigned char *h, const char *magic, uint32_t dim, uint64_t n, uint64_t word)
{
    memset(h, 0, BINARY_HEADER);
    memcpy(h, magic, 8);
    put32(h + 8, 1);
    put32(h + 12, dim);
    put64(h + 16, n);
    put64(h + 24, word);
}

/* `what`: the file's kind, for the message ("form-vector"). */
static vcd_status get_header(const char *path, const vcd_mapped_file *f, const char *magic,
                             const char *what, binary_header *h)
{
    uint32_t version;
    if (f->len < BINARY_HEADER || memcmp(f->data, magic, 8) != 0)
        return vcd_fail(VCD_EINPUT, "%s: not a %s file", path, what);
    memcpy(&version, f->data + 8, 4);
    memcpy(&h->dim, f->data + 12, 4);
    memcpy(&h->n, f->data + 16, 8);
    memcpy(&h->word, f->data + 24, 8);
    if (version != 1) return vcd_fail(VCD_EINPUT, "%s: unsupported version %u", path, version);
    return VCD_OK;
}

/* dir/name = the byte ranges parts[0..n) in order, written atomically. */
static vcd_status write_binary(const char *dir, const char *name, const void *const *parts,
                               const size_t *lens, size_t n)
{
    char *path = vcd_path_join(dir, name);
    vcd_atomic_file f;
    vcd_status rc = vcd_atomic_open(&f, path);
    if (rc == VCD_OK) {
        int ok = 1;
        for (size_t i = 0; ok && i < n; i++)
            ok = lens[i] == 0 || fwrite(parts[i], 1, lens[i], f.fp) == lens[i];
        if (ok) {
            rc = vcd_atomic_commit(&f);
        } else {
            rc = vcd_fail(VCD_ERUNTIME, "%s: write failed: %s", path, strerror(errno));
            vcd_atomic_abort(&f);
        }
    }
    free(path);
    return rc;
}

vcd_status state_write_form_vectors(const char *dir, const float *X, size_t n, size_t dim)
{
    unsigned char h[BINARY_HEADER];
    put_header(h, STATE_FORM_VECTORS_MAGIC, (uint32_t)dim, n, 0);
    const void *parts[] = {h, X};
    size_t lens[] = {sizeof h, n * dim * sizeof *X};
    return write_binary(dir, STATE_FORM_VECTORS, parts, lens, 2);
}

vcd_status state_check_form_vectors(const char *path, const vcd_mapped_file *f, size_t n,
                                    size_t dim, const float **rows)
{
    binary_header h = {0};
    vcd_status rc = get_header(path, f, STATE_FORM_VECTORS_MAGIC, "form-vector", &h);
    if (rc) return rc;
    if (h.dim != dim || h.n != n)
        return vcd_fail(VCD_EINPUT, "%s: %llu vectors of dimension %u, expected %zu of %zu", path,
                        (unsigned long long)h.n, h.dim, n, dim);
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

vcd_status state_write_form_sums(const char *dir, const int64_t *sums, const vcd_forms *forms,
                                 size_t dim)
{
    unsigned char h[BINARY_HEADER];
    put_header(h, STATE_FORM_SUMS_MAGIC, (uint32_t)dim, forms->n,
               vcd_forms_keys_digest(forms, forms->n));
    uint64_t *counts = vcd_xmalloc((forms->n + 1) * sizeof *counts);
    for (size_t i = 0; i < forms->n; i++)
        counts[i] = forms->items[i].count;
    const void *parts[] = {h, counts, sums};
    size_t lens[] = {sizeof h, forms->n * sizeof *counts, forms->n * dim * sizeof *sums};
    vcd_status rc = write_binary(dir, STATE_FORM_SUMS, parts, lens, 3);
    free(counts);
    return rc;
}

/* A mention adds at most 2^32 (+ rounding) to each component: a count or a
 * sum beyond that is damage, and checking it here keeps an update's
 * additions from overflowing. */
#define SUM_ONE 4294967296.0
#define MAX_COUNT 2147483648ull

static vcd_status check_sum_rows(const char *path, const vcd_form_sums_view *v)
{
    for (size_t f = 0; f < v->n_forms; f++) {
        uint64_t c = v->counts[f];
        if (c == 0 || c >= MAX_COUNT)
            return vcd_fail(VCD_EINPUT, "%s: form %zu has a mention count of %llu", path, f,
                            (unsigned long long)c);
        double bound = (double)c * (SUM_ONE + 1.0);
        const int64_t *row = v->sums + f * v->dim;
        for (size_t t = 0; t < v->dim; t++)
            if (fabs((double)row[t]) > bound)
                return vcd_fail(VCD_EINPUT, "%s: form %zu sums more than its %llu mentions can",
                                path, f, (unsigned long long)c);
    }
    return VCD_OK;
}

vcd_status state_check_form_sums(const char *path, const vcd_mapped_file *f,
                                 vcd_form_sums_view *out)
{
    binary_header h = {0};
    memset(out, 0, sizeof *out);
    vcd_status rc = get_header(path, f, STATE_FORM_SUMS_MAGIC, "form-sum", &h);
    if (rc) return rc;
    uint32_t dim = h.dim;
    uint64_t n = h.n;
    size_t room = (f->len - STATE_FORM_SUMS_HEADER) / 8; /* 8-byte words after the header */
    if (n > room || (dim && (room - n) / dim < n) || (!dim && n != room))
        return vcd_fail(VCD_EINPUT, "%s: %zu bytes cannot hold %llu forms of dimension %u", path,
                        f->len, (unsigned long long)n, dim);
    if (f->len != STATE_FORM_SUMS_HEADER + 8 * (n + n * dim))
        return vcd_fail(VCD_EINPUT, "%s: %zu bytes, expected %zu", path, f->len,
                        (size_t)(STATE_FORM_SUMS_HEADER + 8 * (n + n * dim)));
    /* The mapping is page-aligned and the header 32 bytes: words are aligned. */
    // cppcheck-suppress invalidPointerCast
    out->counts = (const uint64_t *)(f->data + STATE_FORM_SUMS_HEADER);
    // cppcheck-suppress invalidPointerCast
    out->sums = (const int64_t *)(f->data + STATE_FORM_SUMS_HEADER + 8 * n);
    out->n_forms = n;
    out->dim = dim;
    out->keys_digest = h.word;
    rc = check_sum_rows(path, out);
    if (rc) memset(out, 0, sizeof *out);
    return rc;
}

vcd_status state_write_form_contexts(const char *dir, const float *sums, size_t dim,
                                     const vcd_forms *forms)
{
    unsigned char h[BINARY_HEADER];
    put_header(h, STATE_FORM_CONTEXTS_MAGIC, sums ? (uint32_t)dim : 0, forms->n,
               vcd_forms_keys_digest(forms, forms->n));
    const void *parts[] = {h, sums};
    size_t lens[] = {sizeof h, sums ? forms->n * dim * sizeof *sums : 0};
    return write_binary(dir, STATE_FORM_CONTEXTS, parts, lens, 2);
}

vcd_status state_check_form_contexts(const char *path, const vcd_mapped_file *f,
                                     vcd_form_sums_view *v)
{
    binary_header h = {0};
    v->contexts = NULL;
    v->ctx_dim = 0;
    vcd_status rc = get_header(path, f, STATE_FORM_CONTEXTS_MAGIC, "form-context", &h);
    if (rc) return rc;
    uint32_t dim = h.dim;
    uint64_t n = h.n;
    if (n != v->n_forms || h.word != v->keys_digest)
        return vcd_fail(VCD_EINPUT, "%s: not the contexts of %s's forms", path, STATE_FORM_SUMS);
    if (dim > 4096 || f->len != STATE_FORM_CONTEXTS_HEADER + (size_t)n * dim * 4)
        return vcd_fail(VCD_EINPUT, "%s: %zu bytes, expected %llu forms of dimension %u", path,
                        f->len, (unsigned long long)n, dim);
    // cppcheck-suppress invalidPointerCast
    const float *X = (const float *)(f->data + STATE_FORM_CONTEXTS_HEADER);
    for (size_t i = 0; i < (size_t)n * dim; i++)
        if (!isfinite(X[i]))
            return vcd_fail(VCD_EINPUT, "%s: form %zu has a non-finite context", path, i / dim);
    v->contexts = dim ? X : NULL;
    v->ctx_dim = dim;
    return VCD_OK;
}
