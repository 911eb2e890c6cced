/* Writing safetensors files: F32 tensors stored as F32 or F16. */
#include "vcd/fileio.h"
#include "vcd/safetensors.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* IEEE binary32 -> binary16, round to nearest even, with subnormals,
 * infinities and NaN. */
static uint16_t float_to_half(float f)
{
    uint32_t x;
    memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000u;
    uint32_t mag = x & 0x7FFFFFFFu;
    if (mag >= 0x7F800000u) /* inf or NaN */
        return (uint16_t)(sign | 0x7C00u | (mag > 0x7F800000u ? 0x200u : 0));
    if (mag >= 0x477FF000u) return (uint16_t)(sign | 0x7C00u); /* rounds past 65504 */
    if (mag < 0x38800000u) {                                   /* half subnormal or zero */
        if (mag < 0x33000000u) return (uint16_t)sign;
        uint32_t e = mag >> 23;
        uint32_t m = (mag & 0x7FFFFFu) | 0x800000u;
        uint32_t shift = 126 - e; /* 14 + (113 - e) - 1 */
        uint32_t half = m >> shift;
        uint32_t rest = m & ((1u << shift) - 1), mid = 1u << (shift - 1);
        if (rest > mid || (rest == mid && (half & 1))) half++;
        return (uint16_t)(sign | half);
    }
    uint32_t h = ((mag - 0x38000000u) >> 13);
    uint32_t rest = mag & 0x1FFFu;
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1))) h++;
    return (uint16_t)(sign | h);
}

static char *safetensors_header(const vcd_tensor_f32 *t, size_t n, int f16, size_t *header_len)
{
    cJSON *h = cJSON_CreateObject();
    cJSON *meta = cJSON_AddObjectToObject(h, "__metadata__");
    cJSON_AddStringToObject(meta, "format", "pt");
    size_t width = f16 ? 2 : 4, at = 0;
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_AddObjectToObject(h, t[i].name);
        cJSON_AddStringToObject(o, "dtype", f16 ? "F16" : "F32");
        cJSON *shape = cJSON_AddArrayToObject(o, "shape");
        cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)t[i].rows));
        if (t[i].cols) cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)t[i].cols));
        cJSON *off = cJSON_AddArrayToObject(o, "data_offsets");
        size_t bytes = t[i].rows * (t[i].cols ? t[i].cols : 1) * width;
        cJSON_AddItemToArray(off, cJSON_CreateNumber((double)at));
        cJSON_AddItemToArray(off, cJSON_CreateNumber((double)(at + bytes)));
        at += bytes;
    }
    char *text = cJSON_PrintUnformatted(h);
    cJSON_Delete(h);
    /* Pad with spaces so the tensor data starts 8-byte aligned. */
    size_t len = strlen(text), padded = (len + 7) & ~(size_t)7;
    text = vcd_xrealloc(text, padded + 1);
    memset(text + len, ' ', padded - len);
    text[padded] = '\0';
    *header_len = padded;
    return text;
}

static void write_values(FILE *fp, const float *p, size_t n, int f16)
{
    for (size_t k = 0; k < n; k++) {
        unsigned char b[4];
        if (f16) {
            uint16_t h = float_to_half(p[k]);
            b[0] = (unsigned char)h;
            b[1] = (unsigned char)(h >> 8);
            fwrite(b, 1, 2, fp);
        } else {
            uint32_t x;
            memcpy(&x, &p[k], 4);
            for (int j = 0; j < 4; j++)
                b[j] = (unsigned char)(x >> (8 * j));
            fwrite(b, 1, 4, fp);
        }
    }
}

vcd_status vcd_safetensors_write_f32(const char *path, const vcd_tensor_f32 *t, size_t n, int f16)
{
    size_t hlen;
    char *header = safetensors_header(t, n, f16, &hlen);
    vcd_atomic_file f;
    vcd_status rc = vcd_atomic_open(&f, path);
    if (rc) {
        free(header);
        return rc;
    }
    unsigned char len8[8];
    for (int i = 0; i < 8; i++)
        len8[i] = (unsigned char)((uint64_t)hlen >> (8 * i));
    fwrite(len8, 1, 8, f.fp);
    fwrite(header, 1, hlen, f.fp);
    free(header);
    for (size_t i = 0; i < n; i++)
        write_values(f.fp, t[i].data, t[i].rows * (t[i].cols ? t[i].cols : 1), f16);
    return vcd_atomic_commit(&f);
}
