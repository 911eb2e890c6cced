/* libFuzzer: the safetensors reader; every accepted tensor is read whole. */
#include "vcd/safetensors.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vcd_safetensors *st = NULL;
    if (vcd_safetensors_parse(data, size, &st) != VCD_OK) return 0;
    for (size_t i = 0; i < vcd_safetensors_count(st); i++) {
        const vcd_tensor *t = vcd_safetensors_at(st, i);
        if (t->count > (1u << 20)) continue;
        free(vcd_tensor_to_f64(t));
    }
    vcd_safetensors_close(st);
    return 0;
}
