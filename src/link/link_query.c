/* `match`: one free-standing name against every known form, on the same
 * evidence and the same model as clustering (the query weights). A query is
 * scored against all forms, not a candidate list: one query is cheap, and an
 * exhaustive pass cannot miss an alias the candidate sources would not have
 * proposed. */
#include "link_internal.h"
#include "vcd/text.h"

#include <stdlib.h>
#include <string.h>

static int edge_word(const link_form *q, const link_form *f)
{
    if (q->n_tokens != 1 || f->n_tokens < 2) return 0;
    size_t last = (size_t)f->n_tokens - 1;
    return (f->token_len[0] == q->token_len[0] &&
            memcmp(f->tokens[0], q->tokens[0], q->token_len[0]) == 0) ||
           (f->token_len[last] == q->token_len[0] &&
            memcmp(f->tokens[last], q->tokens[0], q->token_len[0]) == 0);
}

void vcd_link_query_score(const vcd_link_forms *lf, const vcd_linker_model *m, const char *text,
                          size_t n, const float *qvec, float *p, float *x)
{
    vcd_buf key = {0};
    vcd_match_key(text, n, &key);
    link_form q;
    memset(&q, 0, sizeof q);
    link_form_fill(&q, text, n, key.data ? key.data : "", key.len);
    q.count = 1;
    q.type = VCD_TYPE_UNK;
    q.vector = qvec;
    link_form_kb(lf->kb, text, n, &q);
    uint32_t fits = 0;
    uint64_t mass = 0;
    for (size_t f = 0; f < lf->n; f++)
        if (edge_word(&q, &lf->items[f])) {
            fits++;
            mass += lf->items[f].count;
        }
    float row[VCD_EV_COUNT] = {0};
    for (size_t f = 0; f < lf->n; f++) {
        const link_form *fm = &lf->items[f];
        double cos = 0;
        for (size_t k = 0; k < lf->dim; k++)
            cos += (double)qvec[k] * fm->vector[k];
        float *xr = x ? x + f * VCD_EV_COUNT : row;
        link_evidence(lf, &q, fm, (float)cos, 0, fits, mass, xr);
        for (int k = 0; k < VCD_EV_COUNT; k++)
            if (vcd_evidence_query_masked((vcd_evidence_feature)k)) xr[k] = 0;
        p[f] = vcd_link_pair_apart(xr) ? 0.0f : (float)vcd_linker_prob(&m->query, xr);
    }
    free(q.block);
    vcd_buf_free(&key);
}
