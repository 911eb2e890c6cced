/* libFuzzer: the CoNLL reader, the conlleval chunker and the WNUT 2016 type
 * mapping. Invariant: a file scored against itself (mapped or not) has no
 * false positive or negative. */
#include "vcd/eval.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vcd_conll c;
    if (vcd_conll_parse("fuzz", data, size, &c) != VCD_OK) return 0;
    int tagged = 1;
    for (size_t i = 0; i < c.n_tokens; i++)
        tagged &= c.tokens[i].tag != NULL;
    vcd_ner_score s;
    if (tagged && vcd_ner_score_conll(&c, &c, &s) == VCD_OK) {
        if (s.fp || s.fn || s.tokens_correct != c.n_tokens) __builtin_trap();
        vcd_buf b = {0};
        vcd_ner_score_json(&s, &b);
        vcd_buf_free(&b);
        vcd_ner_score_free(&s);
    }
    if (tagged && vcd_conll_map_types(&c, "wnut16", "fuzz") == VCD_OK &&
        vcd_ner_score_conll(&c, &c, &s) == VCD_OK) {
        if (s.fp || s.fn) __builtin_trap();
        vcd_ner_score_free(&s);
    }
    vcd_conll_free(&c);
    return 0;
}
