/* safetensors reader: 8-byte little-endian header length, JSON header,
 * raw little-endian tensor data. Memory-mapped; every tensor's dtype, shape,
 * byte range and finiteness (NaN or infinity in a float tensor is an error)
 * is validated on open. */
#ifndef VCD_SAFETENSORS_H
#define VCD_SAFETENSORS_H

#include "vcd/common.h"

typedef enum { VCD_DT_F32, VCD_DT_F16, VCD_DT_BF16, VCD_DT_F64, VCD_DT_I64, VCD_DT_I32 } vcd_dtype;

#define VCD_ST_MAX_DIMS 8

typedef struct {
    char *name;
    vcd_dtype dtype;
    size_t ndim;
    size_t shape[VCD_ST_MAX_DIMS];
    size_t count;              /* elements */
    const unsigned char *data; /* count * dtype size bytes */
} vcd_tensor;

typedef struct vcd_safetensors vcd_safetensors;

vcd_status vcd_safetensors_open(const char *path, vcd_safetensors **out);
vcd_status vcd_safetensors_parse(const unsigned char *data, size_t len, vcd_safetensors **out);
void vcd_safetensors_close(vcd_safetensors *st);
size_t vcd_safetensors_count(const vcd_safetensors *st);
const vcd_tensor *vcd_safetensors_at(const vcd_safetensors *st, size_t i);
const vcd_tensor *vcd_safetensors_find(const vcd_safetensors *st, const char *name);
/* Converts any numeric tensor to double / float (caller frees). */
double *vcd_tensor_to_f64(const vcd_tensor *t);
float *vcd_tensor_to_f32(const vcd_tensor *t);

/* A float tensor to write: rows x cols (cols 0 = a vector of rows). */
typedef struct {
    const char *name;
    const float *data;
    size_t rows, cols;
} vcd_tensor_f32;
/* Writes the tensors in order, as F32 or as F16 (round to nearest even),
 * atomically. */
vcd_status vcd_safetensors_write_f32(const char *path, const vcd_tensor_f32 *t, size_t n, int f16);

#endif
