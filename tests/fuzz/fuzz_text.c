/* libFuzzer: tokenizer, match keys, CamelCase split, initials, ISO dates,
 * and the rule-based tagger over the same bytes. */
#include "vcd/ingest.h"
#include "vcd/mentions.h"
#include "vcd/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    vcd_tokens tk = {0};
    vcd_tokenize(s, size, &tk);
    for (size_t i = 0; i < tk.n; i++)
        if (tk.toks[i].byte_end > size || tk.toks[i].byte_start >= tk.toks[i].byte_end)
            __builtin_trap();
    vcd_tokens_free(&tk);
    vcd_buf a = {0}, b = {0};
    vcd_match_key(s, size, &a);
    vcd_split_camel(s, size, &a);
    vcd_initials(s, size, &a, &b);
    (void)vcd_acronym_key(s, size, &a);
    (void)vcd_is_acronym_of(s, size < 12 ? size : 12, s, size);
    vcd_buf_free(&a);
    vcd_buf_free(&b);
    int64_t t;
    (void)vcd_parse_iso8601(s, size, &t);
    /* as a one-comment text file through the tagger */
    vcd_ingest_options o = {.format = VCD_FORMAT_TXT};
    vcd_corpus *c = NULL;
    if (vcd_corpus_parse("f.txt", data, size, &o, &c) == VCD_OK) {
        vcd_tagger *tg;
        if (vcd_tagger_rules_new(NULL, NULL, &tg) == VCD_OK) {
            vcd_mentions ms = {0};
            vcd_tagger_tag_corpus(tg, c, &ms, NULL, NULL);
            vcd_mentions_free(&ms);
            vcd_tagger_free(tg);
        }
        vcd_corpus_free(c);
    }
    return 0;
}
