/* libFuzzer: the identity encoder's model loader and feature extraction.
 * The input is split at NUL bytes: config.json, then model.safetensors, then
 * alias-group TSV (also encoded as one name). Invariant: an accepted model
 * encodes any valid UTF-8 name to a finite vector. */
#include "../../src/nn/identity/identity_internal.h"
#include "vcd/identity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul1 = memchr(data, 0, size);
    size_t clen = nul1 ? (size_t)(nul1 - data) : size;
    const uint8_t *w = nul1 ? nul1 + 1 : data + size;
    size_t wrest = size - (size_t)(w - data);
    const uint8_t *nul2 = memchr(w, 0, wrest);
    size_t wlen = nul2 ? (size_t)(nul2 - w) : wrest;
    const uint8_t *tsv = nul2 ? nul2 + 1 : w + wlen;
    size_t tlen = size - (size_t)(tsv - data);

    vcd_alias_groups *g = vcd_alias_groups_new();
    size_t skipped = 0;
    (void)vcd_alias_groups_add_tsv(g, "fuzz", tsv, tlen, &skipped);
    vcd_alias_groups_add_acronyms(g);
    vcd_alias_groups_free(g);

    idm_config c;
    if (idm_config_parse("fuzz", (const char *)data, clen, &c) != VCD_OK) return 0;
    if (c.buckets * c.emb > ((size_t)1 << 20) || c.hidden * (2 * c.emb + IDM_SHAPE) > (1u << 20) ||
        c.dim * c.hidden > (1u << 20))
        return 0; /* valid but too large to allocate per input */
    vcd_identity_model *m;
    if (idm_model_from_memory((const char *)data, clen, w, wlen, &m) != VCD_OK) return 0;
    if (vcd_utf8_valid((const char *)tsv, tlen) && tlen < 4096) {
        const char *t = (const char *)tsv;
        float *y = vcd_xmalloc(vcd_identity_dim(m) * sizeof *y);
        vcd_identity_encode(m, &t, &tlen, 1, y);
        for (size_t i = 0; i < vcd_identity_dim(m); i++)
            if (!isfinite(y[i])) __builtin_trap();
        free(y);
    }
    vcd_identity_free(m);
    return 0;
}
