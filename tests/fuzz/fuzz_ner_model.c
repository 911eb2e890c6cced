/* libFuzzer: the default tagger's config.json and gazetteer.tsv. The input
 * is split at the first NUL: config before it, gazetteer after. Invariants:
 * an accepted config has O first and B-/I- pairs, and KB flags of every
 * source or none and a capitalisation prior only with them (both counted
 * in its input width); an accepted gazetteer
 * only holds known types and keys of 1..5 single-spaced words. */
#include "../../src/nn/ner/ner_internal.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t clen = nul ? (size_t)(nul - data) : size;
    ner_config c;
    if (ner_config_parse("fuzz", (const char *)data, clen, &c) != VCD_OK) return 0;
    if (c.n_labels != 1 + 2 * c.n_types || strcmp(c.labels[0], "O") != 0) __builtin_trap();
    if ((c.kb_sources != 0 && c.kb_sources != NER_KB_SOURCES) ||
        (c.case_buckets && !c.kb_sources) ||
        c.n_dense !=
            c.vec_dim + NER_FLAGS + 2 * c.n_types + 2 * c.kb_sources + 2 * !!c.case_buckets)
        __builtin_trap();
    if (nul) {
        ner_gazetteer g;
        if (ner_gazetteer_parse("fuzz", nul + 1, size - clen - 1, &c, &g) == VCD_OK) {
            for (size_t i = 0; i < g.n; i++) {
                size_t n = strlen(g.key[i]);
                if (g.type[i] < 0 || (size_t)g.type[i] >= c.n_types || n == 0 ||
                    g.key[i][0] == ' ' || g.key[i][n - 1] == ' ')
                    __builtin_trap();
            }
            ner_gazetteer_free(&g);
        }
    }
    ner_config_free(&c);
    return 0;
}
