/* libFuzzer: the comment ingesters (CSV with varied options, JSON Lines, text). */
#include "vcd/ingest.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    vcd_ingest_options o = {0};
    uint8_t mode = data[0];
    o.format = (vcd_input_format)(mode % 4);
    o.delimiter = (mode & 16) ? ';' : 0;
    o.max_field_bytes = (mode & 32) ? 64 : 0;
    o.text_column = (mode & 64) ? "b" : NULL;
    vcd_corpus *c = NULL;
    if (vcd_corpus_parse("fuzz", data + 1, size - 1, &o, &c) == VCD_OK) {
        for (size_t i = 0; i < c->n_docs; i++)
            (void)vcd_corpus_find(c, c->docs[i].id);
        vcd_corpus_free(c);
    }
    return 0;
}
