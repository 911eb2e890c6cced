/* libFuzzer: label-mentions. The input is comments (one per line), a NUL
 * byte, labelled mentions (JSON Lines), a NUL byte, not-entity forms (TSV).
 * Invariants: every mention read is written or counted under one reason,
 * and the output parses as CoNLL whose tags are O or B-/I- of a WNUT 2017
 * type or not-entity, with B- opening every chunk. */
#include "vcd/eval.h"
#include "vcd/open_labels.h"

#include <stdint.h>
#include <string.h>

static const uint8_t *cut(const uint8_t **p, size_t *left, size_t *len)
{
    const uint8_t *start = *p, *nul = *left ? memchr(*p, 0, *left) : NULL;
    *len = nul ? (size_t)(nul - start) : *left;
    *p += *len + (nul != NULL);
    *left -= *len + (nul != NULL);
    return start;
}

static int known_tag(const char *t)
{
    static const char *const types[] = {"person", "corporation",   "product",   "location",
                                        "group",  "creative-work", "not-entity"};
    if (strcmp(t, "O") == 0) return 1;
    if ((t[0] != 'B' && t[0] != 'I') || t[1] != '-') return 0;
    for (size_t i = 0; i < sizeof types / sizeof *types; i++)
        if (strcmp(t + 2, types[i]) == 0) return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data;
    size_t left = size, text_len, mentions_len, forms_len;
    const uint8_t *text = cut(&p, &left, &text_len);
    const uint8_t *mentions = cut(&p, &left, &mentions_len);
    const uint8_t *forms = cut(&p, &left, &forms_len);
    vcd_ingest_options io = {.format = VCD_FORMAT_TXT};
    vcd_corpus *c;
    if (vcd_corpus_parse("fuzz", text, text_len, &io, &c) != VCD_OK) return 0;
    vcd_buf out = {0};
    vcd_buf_clear(&out);
    vcd_open_labels_report r;
    if (vcd_open_labels_build(c, "fuzz", mentions, mentions_len, forms, forms_len, NULL, NULL, NULL,
                              &out, &r) == VCD_OK) {
        if (r.mentions_written + r.mentions_untyped + r.mentions_unaligned + r.mentions_overlap +
                r.mentions_excluded !=
            r.mentions_read)
            __builtin_trap();
        vcd_conll conll;
        if (out.len &&
            vcd_conll_parse("fuzz-out", (const unsigned char *)out.data, out.len, &conll) != VCD_OK)
            __builtin_trap();
        for (size_t s = 0; out.len && s < conll.n_sentences; s++)
            for (size_t t = conll.sentence_start[s]; t < conll.sentence_start[s + 1]; t++) {
                const char *tag = conll.tokens[t].tag,
                           *prev = t > conll.sentence_start[s] ? conll.tokens[t - 1].tag : "O";
                if (!tag || !known_tag(tag)) __builtin_trap();
                if (tag[0] == 'I' && (prev[0] == 'O' || strcmp(prev + 1, tag + 1) != 0))
                    __builtin_trap();
            }
        if (out.len) vcd_conll_free(&conll);
    }
    vcd_buf_free(&out);
    vcd_corpus_free(c);
    return 0;
}
