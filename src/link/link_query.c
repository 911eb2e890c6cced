/* `match`: one free-standing name against every known form, on the same
 * evidence and the same model as clustering (the query weights). A query is
 * scored against all forms, not a candidate list: one query is cheap, and an
 * exhaustive pass cannot miss an alias the candidate sources would not have
 * proposed. */
#include "link_internal.h"
#include "vcd/text.h"

#include <stdlib.h>
#include <string.h>

/* The query as a form of the comments: its occurrences' facts. */
static void take_facts(link_form *q, const link_query_facts *f)
{
    q->count = f->count;
    q->docs = f->docs;
    q->n_docs = f->n_docs;
    q->context = f->context;
}

int vcd_link_query_score(const vcd_link_forms *lf, const vcd_linker_model *m,
                         const vcd_link_occurrences *occ, const char *text, size_t n,
                         const float *qvec, float *p, float *x)
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
    link_query_facts facts;
    int found = link_query_occurrences(occ, text, n, lf->n, &facts) > 0;
    if (found) take_facts(&q, &facts);
    uint32_t q_fits;
    uint64_t q_mass;
    link_query_fits(lf, &q, &q_fits, &q_mass);
    const vcd_linker_weights *w = found ? &m->pair : &m->query;
    float row[VCD_EV_COUNT] = {0};
    for (size_t f = 0; f < lf->n; f++) {
        const link_form *fm = &lf->items[f];
        double cos = 0;
        for (size_t k = 0; k < lf->dim; k++)
            cos += (double)qvec[k] * fm->vector[k];
        float *xr = x ? x + f * VCD_EV_COUNT : row;
        /* the ambiguity of the pair's short form, as clustering sees it: a
         * known short form also fits the query */
        uint32_t fits = q_fits;
        uint64_t mass = q_mass;
        if (!link_is_short(&q, fm)) {
            int into = link_fits_into(fm, &q);
            fits = fm->fits + (uint32_t)into;
            mass = fm->fit_mass + (into && q.n_tokens >= 2 ? q.count : 0);
        }
        link_evidence(lf, &q, fm, (float)cos, found ? facts.cooccur[f] : 0, fits, mass, xr);
        for (int k = 0; !found && k < VCD_EV_COUNT; k++)
            if (vcd_evidence_query_masked((vcd_evidence_feature)k)) xr[k] = 0;
        p[f] = vcd_link_pair_apart(xr) ? 0.0f : (float)vcd_linker_prob(w, xr);
    }
    free(q.block);
    link_query_facts_free(&facts);
    vcd_buf_free(&key);
    return found;
}
