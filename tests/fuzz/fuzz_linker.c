/* libFuzzer: the identity pair model file (vcdiscover.linker/1). Invariants:
 * an accepted model has finite weights and a cannot-link level in [0, 0.5),
 * its P is a probability, and writing it out and reading it back gives the
 * same numbers. */
#include "vcd/linker.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vcd_linker_model m;
    if (vcd_linker_model_parse("fuzz", (const char *)data, size, &m) != VCD_OK) return 0;
    if (!(m.cannot_link >= 0 && m.cannot_link < 0.5)) __builtin_trap();
    float x[VCD_EV_COUNT];
    for (int f = 0; f < VCD_EV_COUNT; f++)
        x[f] = 1.0f;
    double p = vcd_linker_prob(&m.query, x);
    if (!(p >= 0 && p <= 1)) __builtin_trap();
    char *json = vcd_linker_model_json(&m, NULL);
    vcd_linker_model back;
    if (vcd_linker_model_parse("round trip", json, strlen(json), &back) != VCD_OK) __builtin_trap();
    for (int f = 0; f < VCD_EV_COUNT; f++)
        if (fabs(back.pair.w[f] - m.pair.w[f]) > 1e-9 * (1 + fabs(m.pair.w[f]))) __builtin_trap();
    free(json);
    return 0;
}
