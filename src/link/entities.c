#include "vcd/link.h"

#include <stdlib.h>
#include <string.h>

static size_t word_count(const char *s)
{
    size_t words = 0;
    int in_word = 0;
    for (; *s; s++) {
        int sp = *s == ' ';
        if (!sp && !in_word) words++;
        in_word = !sp;
    }
    return words;
}

static int all_caps(const char *s)
{
    int letters = 0;
    for (; *s; s++) {
        if (*s >= 'a' && *s <= 'z') return 0;
        letters += *s >= 'A' && *s <= 'Z';
    }
    return letters > 0;
}

/* The canonical name is the best full form: among aliases used at least a
 * quarter as often as the most frequent one, the one with the most words
 * ("Apple Vision Pro" over "Vision Pro"), then the most frequent. Acronyms
 * name an entity only when nothing else does. */
static int better_name(const vcd_form *a, const vcd_form *b, uint32_t top_count)
{
    int a_ok = a->count * 4 >= top_count, b_ok = b->count * 4 >= top_count;
    if (a_ok != b_ok) return a_ok;
    int a_acr = all_caps(a->surface) && word_count(a->key) == 1;
    int b_acr = all_caps(b->surface) && word_count(b->key) == 1;
    if (a_acr != b_acr) return !a_acr;
    size_t aw = word_count(a->key), bw = word_count(b->key);
    if (aw != bw) return aw > bw;
    return a->count > b->count;
}

static const vcd_forms *sort_forms_ctx;

static int alias_cmp(const void *x, const void *y)
{
    const vcd_form *a = &sort_forms_ctx->items[*(const size_t *)x];
    const vcd_form *b = &sort_forms_ctx->items[*(const size_t *)y];
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    return strcmp(a->key, b->key);
}

static int entity_cmp(const void *x, const void *y)
{
    const vcd_entity *a = x, *b = y;
    if (a->size != b->size) return a->size > b->size ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* Labels renumbered 0..k-1 in order of first use, so that labels emptied
 * by refinement (merges) leave no hole. Returns k. */
static int32_t dense_labels(const int32_t *labels, size_t n, int32_t *out)
{
    int32_t max = -1;
    for (size_t f = 0; f < n; f++)
        if (labels[f] > max) max = labels[f];
    int32_t *map = vcd_xmalloc(((size_t)max + 2) * sizeof *map);
    for (int32_t l = 0; l <= max; l++)
        map[l] = -1;
    int32_t k = 0;
    for (size_t f = 0; f < n; f++) {
        if (labels[f] < 0) {
            out[f] = -1;
            continue;
        }
        if (map[labels[f]] < 0) map[labels[f]] = k++;
        out[f] = map[labels[f]];
    }
    free(map);
    return k;
}

void vcd_entities_build(const vcd_corpus *c, vcd_mentions *ms, vcd_forms *forms,
                        const int32_t *input_labels, const double *form_probs, vcd_entities *out)
{
    memset(out, 0, sizeof *out);
    int32_t *form_labels = vcd_xmalloc((forms->n ? forms->n : 1) * sizeof *form_labels);
    int32_t n_labels = dense_labels(input_labels, forms->n, form_labels);
    out->items = vcd_xcalloc((size_t)(n_labels ? n_labels : 1), sizeof *out->items);
    out->n = (size_t)n_labels;
    for (int32_t l = 0; l < n_labels; l++) {
        out->items[l].id = l;
        out->items[l].first_seen = out->items[l].last_seen = VCD_NO_DATE;
        out->items[l].aliases = NULL;
    }
    uint32_t(*votes)[VCD_TYPE_COUNT] =
        vcd_xcalloc((size_t)(n_labels ? n_labels : 1), sizeof *votes);
    for (size_t f = 0; f < forms->n; f++) {
        int32_t l = form_labels[f];
        if (l < 0) continue;
        vcd_entity *e = &out->items[l];
        e->aliases = vcd_xrealloc(e->aliases, (e->n_aliases + 1) * sizeof *e->aliases);
        e->aliases[e->n_aliases++] = f;
        e->size += forms->items[f].count;
        e->mean_probability += form_probs[f] * forms->items[f].count;
    }
    for (size_t i = 0; i < ms->n; i++) {
        int32_t l = form_labels[ms->items[i].form];
        if (l < 0) continue;
        vcd_entity *e = &out->items[l];
        votes[l][ms->items[i].type]++;
        const vcd_doc *d = &c->docs[ms->items[i].doc];
        if (d->time != VCD_NO_DATE) {
            if (e->first_seen == VCD_NO_DATE || d->time < e->first_seen) e->first_seen = d->time;
            if (e->last_seen == VCD_NO_DATE || d->time > e->last_seen) e->last_seen = d->time;
        }
        int dup = 0;
        for (size_t k = 0; k < e->n_examples; k++)
            dup |= strcmp(e->examples[k], d->id) == 0;
        if (!dup && e->n_examples < 3) e->examples[e->n_examples++] = (char *)d->id;
    }
    sort_forms_ctx = forms;
    for (int32_t l = 0; l < n_labels; l++) {
        vcd_entity *e = &out->items[l];
        qsort(e->aliases, e->n_aliases, sizeof *e->aliases, alias_cmp);
        size_t best = e->aliases[0];
        uint32_t top_count = forms->items[best].count;
        for (size_t k = 1; k < e->n_aliases; k++)
            if (better_name(&forms->items[e->aliases[k]], &forms->items[best], top_count))
                best = e->aliases[k];
        e->name = vcd_xstrdup(forms->items[best].surface);
        uint32_t top = 0;
        for (int t = 1; t < VCD_TYPE_COUNT; t++)
            if (votes[l][t] > top) {
                top = votes[l][t];
                e->type = (uint8_t)t;
            }
        e->mean_probability = e->size ? e->mean_probability / (double)e->size : 0;
        for (size_t k = 0; k < e->n_examples; k++)
            e->examples[k] = vcd_xstrdup(e->examples[k]);
    }
    free(votes);
    qsort(out->items, out->n, sizeof *out->items, entity_cmp);
    int32_t *new_id = vcd_xmalloc((size_t)(n_labels ? n_labels : 1) * sizeof *new_id);
    for (size_t k = 0; k < out->n; k++) {
        new_id[out->items[k].id] = (int32_t)k;
        out->items[k].id = (int32_t)k;
    }
    for (size_t f = 0; f < forms->n; f++)
        forms->items[f].entity_id = form_labels[f] < 0 ? -1 : new_id[form_labels[f]];
    for (size_t i = 0; i < ms->n; i++)
        ms->items[i].entity_id = forms->items[ms->items[i].form].entity_id;
    free(new_id);
    free(form_labels);
}

void vcd_entities_free(vcd_entities *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->items[i].name);
        free(e->items[i].kb_id);
        free(e->items[i].aliases);
        for (size_t k = 0; k < e->items[i].n_examples; k++)
            free(e->items[i].examples[k]);
    }
    free(e->items);
    memset(e, 0, sizeof *e);
}

/* Dice coefficient over character trigrams of " a " and " b " (bytes). */
double vcd_trigram_dice(const char *a, size_t an, const char *b, size_t bn)
{
    if (an > 200) an = 200;
    if (bn > 200) bn = 200;
    char pa[204], pb[204];
    pa[0] = pb[0] = ' ';
    memcpy(pa + 1, a, an);
    memcpy(pb + 1, b, bn);
    pa[an + 1] = pb[bn + 1] = ' ';
    size_t na = an + 2 >= 3 ? an : 0, nb = bn + 2 >= 3 ? bn : 0;
    if (na == 0 || nb == 0) return 0.0;
    uint8_t used[202] = {0};
    size_t common = 0;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            if (!used[j] && memcmp(pa + i, pb + j, 3) == 0) {
                used[j] = 1;
                common++;
                break;
            }
    return 2.0 * (double)common / (double)(na + nb);
}
