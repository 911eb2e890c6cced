/* libFuzzer: the pre-extracted mentions reader against a small corpus. */
#include "vcd/mentions.h"

#include <stdint.h>
#include <string.h>

static vcd_corpus *corpus;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!corpus) {
        const char *csv = "id,text\n1,caf\xc3\xa9 Apple Vision Pro \xf0\x9f\x98\x82 ok\n2,x\n";
        vcd_corpus_parse("c.csv", (const unsigned char *)csv, strlen(csv), NULL, &corpus);
    }
    vcd_mentions ms = {0};
    vcd_mentions_file_stats st;
    vcd_mentions_read_jsonl("fuzz", data, size, corpus, &ms, &st, NULL, NULL);
    for (size_t i = 0; i < ms.n; i++) {
        const vcd_mention *m = &ms.items[i];
        const vcd_doc *d = &corpus->docs[m->doc];
        if (m->byte_end > strlen(d->text) || m->byte_start > m->byte_end) __builtin_trap();
    }
    vcd_mentions_free(&ms);
    return 0;
}
