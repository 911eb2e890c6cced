#include "vcd/safetensors.h"
#include "vcd/fileio.h"

#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct vcd_safetensors {
    vcd_mapped_file file;
    vcd_tensor *tensors;
    size_t n;
};

static size_t dtype_size(vcd_dtype t)
{
    switch (t) {
    case VCD_DT_F16:
    case VCD_DT_BF16:
        return 2;
    case VCD_DT_F32:
    case VCD_DT_I32:
        return 4;
    default:
        return 8;
    }
}

static int parse_dtype(const char *s, vcd_dtype *out)
{
    static const struct {
        const char *name;
        vcd_dtype t;
    } names[] = {{"F32", VCD_DT_F32}, {"F16", VCD_DT_F16}, {"BF16", VCD_DT_BF16},
                 {"F64", VCD_DT_F64}, {"I64", VCD_DT_I64}, {"I32", VCD_DT_I32}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].t;
            return 1;
        }
    return 0;
}

/* The first element of a float tensor that is NaN or infinite, or count.
 * Checked once at load: a NaN weight silently turns every activation into
 * NaN (no mentions, NaN distances), so it must never reach a forward pass.
 * Works on the exponent bits, so it never converts a single value. */
static size_t first_nonfinite(const unsigned char *p, vcd_dtype t, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        uint64_t bits = 0;
        switch (t) {
        case VCD_DT_F32: {
            uint32_t v;
            memcpy(&v, p + 4 * i, 4);
            if ((v & 0x7F800000u) == 0x7F800000u) return i;
            break;
        }
        case VCD_DT_F64:
            memcpy(&bits, p + 8 * i, 8);
            if ((bits & 0x7FF0000000000000ull) == 0x7FF0000000000000ull) return i;
            break;
        case VCD_DT_F16: {
            uint16_t v;
            memcpy(&v, p + 2 * i, 2);
            if ((v & 0x7C00u) == 0x7C00u) return i;
            break;
        }
        case VCD_DT_BF16: {
            uint16_t v;
            memcpy(&v, p + 2 * i, 2);
            if ((v & 0x7F80u) == 0x7F80u) return i;
            break;
        }
        default:
            return count; /* integers are always finite */
        }
    }
    return count;
}

static vcd_status parse_entry(const cJSON *e, const unsigned char *base, size_t data_len,
                              vcd_tensor *t)
{
    const cJSON *dt = cJSON_GetObjectItemCaseSensitive(e, "dtype");
    const cJSON *shape = cJSON_GetObjectItemCaseSensitive(e, "shape");
    const cJSON *offs = cJSON_GetObjectItemCaseSensitive(e, "data_offsets");
    if (!cJSON_IsString(dt) || !parse_dtype(dt->valuestring, &t->dtype))
        return vcd_fail(VCD_EINPUT, "tensor '%.80s': missing or unsupported dtype", e->string);
    if (!cJSON_IsArray(shape) || cJSON_GetArraySize(shape) > VCD_ST_MAX_DIMS)
        return vcd_fail(VCD_EINPUT, "tensor '%.80s': bad shape", e->string);
    if (!cJSON_IsArray(offs) || cJSON_GetArraySize(offs) != 2)
        return vcd_fail(VCD_EINPUT, "tensor '%.80s': bad data_offsets", e->string);
    t->ndim = (size_t)cJSON_GetArraySize(shape);
    size_t count = 1;
    for (size_t i = 0; i < t->ndim; i++) {
        const cJSON *v = cJSON_GetArrayItem(shape, (int)i);
        if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1e12 ||
            v->valuedouble != floor(v->valuedouble))
            return vcd_fail(VCD_EINPUT, "tensor '%.80s': bad shape", e->string);
        t->shape[i] = (size_t)v->valuedouble;
        if (t->shape[i] && count > SIZE_MAX / 16 / t->shape[i])
            return vcd_fail(VCD_EINPUT, "tensor '%.80s': shape overflows", e->string);
        count *= t->shape[i];
    }
    const cJSON *a = cJSON_GetArrayItem(offs, 0), *b = cJSON_GetArrayItem(offs, 1);
    if (!cJSON_IsNumber(a) || !cJSON_IsNumber(b) || a->valuedouble < 0 ||
        b->valuedouble < a->valuedouble || b->valuedouble > (double)data_len ||
        a->valuedouble != floor(a->valuedouble) || b->valuedouble != floor(b->valuedouble))
        return vcd_fail(VCD_EINPUT, "tensor '%.80s': data offsets outside the file", e->string);
    size_t begin = (size_t)a->valuedouble, end = (size_t)b->valuedouble;
    if (end - begin != count * dtype_size(t->dtype))
        return vcd_fail(VCD_EINPUT, "tensor '%.80s': %zu bytes for %zu elements of its dtype",
                        e->string, end - begin, count);
    size_t bad = first_nonfinite(base + begin, t->dtype, count);
    if (bad < count)
        return vcd_fail(VCD_EINPUT, "tensor '%.80s': element %zu is not finite (NaN or infinity)",
                        e->string, bad);
    t->count = count;
    t->data = base + begin;
    t->name = vcd_xstrdup(e->string);
    return VCD_OK;
}

static int range_cmp(const void *x, const void *y)
{
    const vcd_tensor *a = x, *b = y;
    return (a->data > b->data) - (a->data < b->data);
}

vcd_status vcd_safetensors_parse(const unsigned char *data, size_t len, vcd_safetensors **out)
{
    *out = NULL;
    if (len < 8) return vcd_fail(VCD_EINPUT, "safetensors: file too short");
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; i--)
        hlen = (hlen << 8) | data[i];
    if (hlen > len - 8 || hlen > (100u << 20))
        return vcd_fail(VCD_EINPUT, "safetensors: header length %llu exceeds the file",
                        (unsigned long long)hlen);
    cJSON *root = cJSON_ParseWithLength((const char *)data + 8, (size_t)hlen);
    if (!root || !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return vcd_fail(VCD_EINPUT, "safetensors: header is not a JSON object");
    }
    vcd_safetensors *st = vcd_xcalloc(1, sizeof *st);
    size_t cap = (size_t)cJSON_GetArraySize(root);
    st->tensors = vcd_xcalloc(cap ? cap : 1, sizeof *st->tensors);
    const unsigned char *base = data + 8 + hlen;
    size_t data_len = len - 8 - (size_t)hlen;
    vcd_status rc = VCD_OK;
    for (const cJSON *e = root->child; e && rc == VCD_OK; e = e->next) {
        if (!e->string) continue;
        if (strcmp(e->string, "__metadata__") == 0) continue;
        if (!cJSON_IsObject(e)) {
            rc = vcd_fail(VCD_EINPUT, "safetensors: entry '%.80s' is not an object", e->string);
            break;
        }
        rc = parse_entry(e, base, data_len, &st->tensors[st->n]);
        if (rc == VCD_OK) st->n++;
    }
    cJSON_Delete(root);
    if (rc == VCD_OK && st->n > 1) {
        /* Overlapping tensors mean a crafted file: refuse them. */
        vcd_tensor *sorted = vcd_xmalloc(st->n * sizeof *sorted);
        memcpy(sorted, st->tensors, st->n * sizeof *sorted);
        qsort(sorted, st->n, sizeof *sorted, range_cmp);
        for (size_t i = 1; i < st->n && rc == VCD_OK; i++) {
            size_t prev_end = sorted[i - 1].count * dtype_size(sorted[i - 1].dtype);
            if (sorted[i - 1].data + prev_end > sorted[i].data && sorted[i].count &&
                sorted[i - 1].count)
                rc = vcd_fail(VCD_EINPUT, "safetensors: tensors '%.60s' and '%.60s' overlap",
                              sorted[i - 1].name, sorted[i].name);
        }
        free(sorted);
    }
    if (rc) {
        vcd_safetensors_close(st);
        return rc;
    }
    *out = st;
    return VCD_OK;
}

vcd_status vcd_safetensors_open(const char *path, vcd_safetensors **out)
{
    vcd_mapped_file f;
    vcd_status rc = vcd_map_file(path, &f);
    if (rc) return rc;
    rc = vcd_safetensors_parse(f.data, f.len, out);
    if (rc) {
        vcd_unmap_file(&f);
        return vcd_fail(rc, "%s: %s", path, vcd_last_error());
    }
    (*out)->file = f;
    return VCD_OK;
}

void vcd_safetensors_close(vcd_safetensors *st)
{
    if (!st) return;
    for (size_t i = 0; i < st->n; i++)
        free(st->tensors[i].name);
    free(st->tensors);
    vcd_unmap_file(&st->file);
    free(st);
}

size_t vcd_safetensors_count(const vcd_safetensors *st)
{
    return st->n;
}

const vcd_tensor *vcd_safetensors_at(const vcd_safetensors *st, size_t i)
{
    return i < st->n ? &st->tensors[i] : NULL;
}

const vcd_tensor *vcd_safetensors_find(const vcd_safetensors *st, const char *name)
{
    for (size_t i = 0; i < st->n; i++)
        if (strcmp(st->tensors[i].name, name) == 0) return &st->tensors[i];
    return NULL;
}

static float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 31, mant = h & 1023, bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else { /* subnormal: renormalise */
            exp = 127 - 15 + 1;
            while (!(mant & 1024)) {
                mant <<= 1;
                exp--;
            }
            bits = sign | (exp << 23) | ((mant & 1023) << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7F800000u | (mant << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static double element(const vcd_tensor *t, size_t i)
{
    const unsigned char *p = t->data + i * dtype_size(t->dtype);
    switch (t->dtype) {
    case VCD_DT_F32: {
        float f;
        memcpy(&f, p, 4);
        return f;
    }
    case VCD_DT_F64: {
        double d;
        memcpy(&d, p, 8);
        return d;
    }
    case VCD_DT_F16: {
        uint16_t h;
        memcpy(&h, p, 2);
        return half_to_float(h);
    }
    case VCD_DT_BF16: {
        uint16_t h;
        memcpy(&h, p, 2);
        uint32_t bits = (uint32_t)h << 16;
        float f;
        memcpy(&f, &bits, 4);
        return f;
    }
    case VCD_DT_I64: {
        int64_t v;
        memcpy(&v, p, 8);
        return (double)v;
    }
    case VCD_DT_I32: {
        int32_t v;
        memcpy(&v, p, 4);
        return v;
    }
    }
    return 0;
}

double *vcd_tensor_to_f64(const vcd_tensor *t)
{
    double *out = vcd_xmalloc((t->count ? t->count : 1) * sizeof *out);
    for (size_t i = 0; i < t->count; i++)
        out[i] = element(t, i);
    return out;
}

float *vcd_tensor_to_f32(const vcd_tensor *t)
{
    float *out = vcd_xmalloc((t->count ? t->count : 1) * sizeof *out);
    for (size_t i = 0; i < t->count; i++)
        out[i] = (float)element(t, i);
    return out;
}
