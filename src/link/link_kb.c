/* Entities the knowledge base knows get its id, name and type. */
#include "link_internal.h"

#include <stdlib.h>
#include <string.h>

/* The entry the most mentions of entity `x` name strongly, and those mentions. */
static uint32_t best_entry(const vcd_entity *x, const vcd_link_forms *lf, size_t *votes)
{
    uint32_t best = 0;
    *votes = 0;
    for (size_t k = 0; k < x->n_aliases; k++) {
        const link_form *fk = &lf->items[x->aliases[k]];
        for (size_t i = 0; i < fk->n_kb; i++) {
            if (!fk->kb_strong[i]) continue;
            size_t v = 0;
            for (size_t j = 0; j < x->n_aliases; j++) {
                const link_form *fj = &lf->items[x->aliases[j]];
                for (size_t t = 0; t < fj->n_kb; t++)
                    if (fj->kb[t] == fk->kb[i] && fj->kb_strong[t]) {
                        v += fj->count;
                        break;
                    }
            }
            if (v > *votes || (v == *votes && fk->kb[i] < best)) {
                *votes = v;
                best = fk->kb[i];
            }
        }
    }
    return best;
}

size_t vcd_entities_link_kb(vcd_entities *e, const vcd_link_forms *lf, const vcd_forms *forms)
{
    (void)forms;
    if (!lf->kb) return 0;
    size_t linked = 0;
    for (size_t i = 0; i < e->n; i++) {
        vcd_entity *x = &e->items[i];
        size_t votes;
        uint32_t entry = best_entry(x, lf, &votes);
        if (votes == 0 || votes * 2 < x->size) continue;
        x->kb_id = vcd_xstrdup(vcd_kb_id(lf->kb, entry));
        free(x->name);
        x->name = vcd_xstrdup(vcd_kb_name(lf->kb, entry));
        x->type = (uint8_t)vcd_kb_type(lf->kb, entry);
        linked++;
    }
    return linked;
}
