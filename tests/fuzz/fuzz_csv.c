/* libFuzzer: the comment ingesters (CSV with varied options, JSON Lines, text),
 * text in the heap or spilled to a file. */
#include "vcd/ingest.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

/* the spill file path: strings written out, mapped, pages dropped; the
 * files are unlinked at once, the directory goes at exit */
static char spill[] = "/tmp/vcd-fuzz-spill-XXXXXX";

static void remove_spill_dir(void)
{
    rmdir(spill);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    vcd_ingest_options o = {0};
    uint8_t mode = data[0];
    o.format = (vcd_input_format)(mode % 4);
    o.delimiter = (mode & 16) ? ';' : 0;
    o.max_field_bytes = (mode & 32) ? 64 : 0;
    o.text_column = (mode & 64) ? "b" : NULL;
    static int have_spill = -1;
    if (have_spill < 0) {
        have_spill = mkdtemp(spill) != NULL;
        if (have_spill) atexit(remove_spill_dir);
    }
    if ((mode & 128) && have_spill) o.spill_dir = spill;
    vcd_corpus *c = NULL;
    if (vcd_corpus_parse("fuzz", data + 1, size - 1, &o, &c) == VCD_OK) {
        for (size_t i = 0; i < c->n_docs; i++) {
            (void)vcd_corpus_find(c, c->docs[i].id);
            vcd_corpus_text_done(c, i);
        }
        vcd_corpus_text_done(c, c->n_docs);
        vcd_corpus_free(c);
    }
    return 0;
}
