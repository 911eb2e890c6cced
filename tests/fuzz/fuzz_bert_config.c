/* libFuzzer: config.json of a BERT checkpoint. Invariant: an accepted
 * config has a consistent shape (heads divide the width, labels all set). */
#include "vcd/bert.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vcd_bert_config c;
    if (vcd_bert_config_parse("fuzz", (const char *)data, size, &c) != VCD_OK) return 0;
    if (!c.hidden || !c.heads || c.hidden % c.heads || !c.layers || !c.vocab_size) __builtin_trap();
    for (size_t i = 0; i < c.num_labels; i++)
        if (!c.labels[i]) __builtin_trap();
    vcd_bert_config_free(&c);
    return 0;
}
