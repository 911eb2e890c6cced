/* Fitting the pair model on labelled mentions, and measuring it honestly.
 *
 * Labels: each form takes the majority gold entity of its mentions; a
 * candidate pair is positive when both forms take the same entity.
 *
 * Cross-validation is by entity: every gold entity falls in one of K folds
 * and the model of fold k never sees a pair that touches an entity of fold
 * k. A pair is then scored by the model of its first form's fold, which saw
 * neither the pair nor that entity, and the whole partition is clustered
 * from those out-of-fold scores: the B-cubed and form-pair numbers it prints
 * are estimates for entities the model was not fit on. */
#include "link_internal.h"
#include "vcd/eval.h"
#include "vcd/linker_train.h"
#include "vcd/strmap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The gold mention at every mention of the run (-1: not in the gold file). */
static int64_t *mention_gold(const vcd_link_run *run, const vcd_gold *g)
{
    vcd_strmap *at = vcd_strmap_new();
    vcd_buf k = {0};
    for (size_t i = 0; i < g->n; i++) {
        vcd_buf_clear(&k);
        vcd_buf_printf(&k, "%s\x1f%u\x1f%u", g->items[i].doc_id, g->items[i].start,
                       g->items[i].end);
        vcd_strmap_upsert(at, k.data, k.len, i, NULL);
    }
    int64_t *at_gold = vcd_xmalloc((run->mentions.n ? run->mentions.n : 1) * sizeof *at_gold);
    for (size_t i = 0; i < run->mentions.n; i++) {
        const vcd_mention *m = &run->mentions.items[i];
        vcd_buf_clear(&k);
        vcd_buf_printf(&k, "%s\x1f%u\x1f%u", run->corpus->docs[m->doc].id, m->start, m->end);
        size_t gi = vcd_strmap_get(at, k.data, k.len, (size_t)-1);
        at_gold[i] = gi == (size_t)-1 ? -1 : (int64_t)gi;
    }
    vcd_buf_free(&k);
    vcd_strmap_free(at);
    return at_gold;
}

/* Majority gold entity per run form (ties: smallest entity). */
static int32_t *form_truth(const vcd_link_run *run, const int64_t *truth, size_t n_entities)
{
    size_t n = run->forms.n;
    int32_t *best = vcd_xmalloc((n ? n : 1) * sizeof *best);
    uint32_t *votes = vcd_xcalloc(n_entities ? n_entities : 1, sizeof *votes);
    /* mentions are sorted by document, not form: gather per form first */
    size_t *start = vcd_xcalloc(n + 1, sizeof *start), *order;
    for (size_t i = 0; i < run->mentions.n; i++)
        start[run->mentions.items[i].form + 1]++;
    for (size_t f = 0; f < n; f++)
        start[f + 1] += start[f];
    order = vcd_xmalloc((run->mentions.n ? run->mentions.n : 1) * sizeof *order);
    size_t *fill = vcd_xmalloc((n + 1) * sizeof *fill);
    memcpy(fill, start, (n + 1) * sizeof *fill);
    for (size_t i = 0; i < run->mentions.n; i++)
        order[fill[run->mentions.items[i].form]++] = i;
    for (size_t f = 0; f < n; f++) {
        best[f] = -1;
        uint32_t top = 0;
        for (size_t k = start[f]; k < start[f + 1]; k++)
            if (truth[order[k]] >= 0) votes[truth[order[k]]]++;
        for (size_t k = start[f]; k < start[f + 1]; k++) {
            int64_t e = truth[order[k]];
            if (e < 0) continue;
            if (votes[e] > top || (votes[e] == top && best[f] > e)) {
                top = votes[e];
                best[f] = (int32_t)e;
            }
        }
        for (size_t k = start[f]; k < start[f + 1]; k++)
            if (truth[order[k]] >= 0) votes[truth[order[k]]] = 0;
    }
    free(fill);
    free(order);
    free(start);
    free(votes);
    return best;
}

static void partition_scores(const vcd_link_run *run, const int64_t *at_gold, const int32_t *labels,
                             const vcd_gold *g, vcd_linker_partition *out)
{
    size_t n = run->mentions.n, scored = 0;
    int64_t *t = vcd_xmalloc((n ? n : 1) * sizeof *t), *p = vcd_xmalloc((n ? n : 1) * sizeof *p);
    int32_t *gf = vcd_xmalloc((n ? n : 1) * sizeof *gf);
    for (size_t i = 0; i < n; i++) {
        if (at_gold[i] < 0) continue;
        const vcd_gold_mention *gm = &g->items[at_gold[i]];
        int32_t l = labels[run->mentions.items[i].form];
        t[scored] = gm->entity;
        gf[scored] = gm->form;
        /* a form left out of every entity: each mention its own cluster */
        p[scored++] = l >= 0 ? l : -(int64_t)i - 2;
    }
    vcd_cluster_scores_compute(t, p, scored, &out->scores);
    for (size_t i = 0; i < scored; i++)
        if (p[i] < 0) p[i] = -1;
    vcd_form_vote *votes = vcd_xcalloc(g->n_forms ? g->n_forms : 1, sizeof *votes);
    vcd_form_pairs_compute(gf, t, p, scored, g->n_forms, votes, &out->form_pairs);
    free(votes);
    free(t);
    free(p);
    free(gf);
}

/* Every form an entity: the groups, then each lone form its own. */
static void cluster_all(const vcd_link_pairs *pairs, const vcd_link_forms *lf, double cannot_p,
                        int32_t *labels)
{
    int32_t next = (int32_t)vcd_link_cluster(pairs, lf, 0.5, cannot_p, labels);
    for (size_t f = 0; f < lf->n; f++)
        if (labels[f] < 0) labels[f] = next++;
}

static void reliability(const vcd_link_pairs *pairs, const uint8_t *y, const uint8_t *use,
                        vcd_linker_fit_report *r)
{
    memset(r->bin_count, 0, sizeof r->bin_count);
    memset(r->bin_positive, 0, sizeof r->bin_positive);
    memset(r->bin_mean_p, 0, sizeof r->bin_mean_p);
    double ll = 0;
    size_t n = 0;
    for (size_t i = 0; i < pairs->n; i++) {
        if (!use[i]) continue;
        double p = pairs->items[i].p;
        int b = (int)(p * VCD_LINKER_BINS);
        if (b >= VCD_LINKER_BINS) b = VCD_LINKER_BINS - 1;
        r->bin_count[b]++;
        r->bin_positive[b] += y[i];
        r->bin_mean_p[b] += p;
        double q = fmin(fmax(p, 1e-12), 1 - 1e-12);
        ll -= y[i] ? log(q) : log(1 - q);
        n++;
    }
    for (int b = 0; b < VCD_LINKER_BINS; b++)
        if (r->bin_count[b]) r->bin_mean_p[b] /= (double)r->bin_count[b];
    r->oof_pairs = n;
    r->oof_log_loss = n ? ll / (double)n : 0;
}

vcd_status vcd_linker_train(const vcd_link_run *run, const vcd_gold *gold,
                            const vcd_linker_train_options *opt, vcd_linker_model *model,
                            vcd_linker_fit_report *report)
{
    memset(report, 0, sizeof *report);
    const vcd_link_pairs *all = &run->pairs;
    int64_t *at_gold = mention_gold(run, gold);
    int64_t *truth = vcd_xmalloc((run->mentions.n ? run->mentions.n : 1) * sizeof *truth);
    for (size_t i = 0; i < run->mentions.n; i++)
        truth[i] = at_gold[i] < 0 ? -1 : gold->items[at_gold[i]].entity;
    int32_t *ent = form_truth(run, truth, gold->n_entities);
    uint8_t *y = vcd_xcalloc(all->n ? all->n : 1, 1), *use = vcd_xcalloc(all->n ? all->n : 1, 1);
    int32_t *fold = vcd_xmalloc((gold->n_entities ? gold->n_entities : 1) * sizeof *fold);
    for (size_t e = 0; e < gold->n_entities; e++)
        fold[e] =
            (int32_t)(vcd_hash64(gold->entity_ids[e], strlen(gold->entity_ids[e]), opt->seed) %
                      opt->folds);
    vcd_link_pairs sub = {vcd_xmalloc((all->n ? all->n : 1) * sizeof *sub.items), 0, all->n};
    uint8_t *sub_y = vcd_xmalloc(all->n ? all->n : 1);
    float *oof = vcd_xmalloc((all->n ? all->n : 1) * sizeof *oof);
    vcd_status rc = VCD_OK;
    for (size_t i = 0; i < all->n; i++) {
        int32_t ea = ent[all->items[i].a], eb = ent[all->items[i].b];
        use[i] = ea >= 0 && eb >= 0 && !vcd_link_pair_apart(all->items[i].x);
        y[i] = use[i] && ea == eb;
        report->pairs += use[i];
        report->positive_pairs += y[i];
    }
    for (size_t k = 0; rc == VCD_OK && k < opt->folds; k++) {
        sub.n = 0;
        for (size_t i = 0; i < all->n; i++) {
            if (!use[i]) continue;
            if (fold[ent[all->items[i].a]] == (int32_t)k ||
                fold[ent[all->items[i].b]] == (int32_t)k)
                continue;
            sub_y[sub.n] = y[i];
            sub.items[sub.n++] = all->items[i];
        }
        vcd_linker_weights mk;
        rc = vcd_linker_fit(&sub, sub_y, opt->l2, &mk);
        /* unlabelled pairs are scored too (by the fold of their first form's
         * index), so that they join or separate as they would in `cluster` */
        for (size_t i = 0; rc == VCD_OK && i < all->n; i++) {
            const vcd_link_pair *p = &all->items[i];
            size_t fk = use[i] ? (size_t)fold[ent[p->a]] : p->a % opt->folds;
            if (fk == k) oof[i] = (float)vcd_linker_prob(&mk, p->x);
        }
    }
    /* the fit report of the out-of-fold scores, then the shipped fit on all */
    vcd_link_pairs scored = {vcd_xmalloc((all->n ? all->n : 1) * sizeof *scored.items), all->n,
                             all->n};
    memcpy(scored.items, all->items, all->n * sizeof *scored.items);
    for (size_t i = 0; i < all->n; i++)
        scored.items[i].p = vcd_link_pair_apart(all->items[i].x) ? 0.0f : oof[i];
    int32_t *labels = vcd_xmalloc((run->forms.n ? run->forms.n : 1) * sizeof *labels);
    if (rc == VCD_OK) {
        reliability(&scored, y, use, report);
        cluster_all(&scored, run->link_forms, model->cannot_link, labels);
        partition_scores(run, at_gold, labels, gold, &report->out_of_fold);
        sub.n = 0;
        for (size_t i = 0; i < all->n; i++)
            if (use[i]) {
                sub_y[sub.n] = y[i];
                sub.items[sub.n++] = all->items[i];
            }
        rc = vcd_linker_fit(&sub, sub_y, opt->l2, &model->pair);
    }
    /* the query weights: the same pairs seen as a query would see them */
    if (rc == VCD_OK) {
        for (size_t i = 0; i < sub.n; i++)
            for (int f = 0; f < VCD_EV_COUNT; f++)
                if (vcd_evidence_query_masked((vcd_evidence_feature)f)) sub.items[i].x[f] = 0;
        rc = vcd_linker_fit(&sub, sub_y, opt->l2, &model->query);
    }
    if (rc == VCD_OK) rc = vcd_choice_train(run, ent, gold->n_entities, fold, opt, model, report);
    if (rc == VCD_OK) {
        vcd_linker_score(model, &scored);
        cluster_all(&scored, run->link_forms, model->cannot_link, labels);
        partition_scores(run, at_gold, labels, gold, &report->in_sample);
    }
    free(labels);
    free(scored.items);
    free(oof);
    free(sub.items);
    free(sub_y);
    free(fold);
    free(use);
    free(y);
    free(ent);
    free(truth);
    free(at_gold);
    return rc;
}
