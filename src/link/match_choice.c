/* The match choice model (vcd/linker.h): candidates, P(entity | query) and
 * the fit. The fit minimises, over episodes, the negative log-likelihood
 *
 *   L(w) = sum_k [ log(1 + sum_i exp(s_i)) - log(sum_{i in T_k} exp(s_i)) ]
 *          + l2/2 |w|^2         (T_k: the answer's candidates; empty: none)
 *
 * with s_i = w . x_i + b. Its gradient is sum_i p_i x_i - sum_{i in T} q_i x_i
 * (p: the softmax with "none", q: the softmax within T). The first term is
 * convex with Hessian Cov_p(x); the second subtracts Cov_q(x), so the
 * whole is not convex in general. Newton steps on the first Hessian alone
 * (which bounds the true one from above) with a backtracking line search
 * go downhill at every step. */
#include "link_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define N_PARAMS (VCD_CHOICE_FEATURES + 1) /* the last is the bias */

/* Keeps in near[0..n) the `cap` forms with the largest x[feature] (then
 * the lower form index), if above 0 for any feature but the cosine. */
static void keep_top(uint32_t *near, size_t *n, size_t cap, const float *x, int feature, uint32_t f)
{
    float c = x[(size_t)f * VCD_EV_COUNT + feature];
    if (feature != VCD_EV_COSINE && !(c > 0)) return;
    size_t at = *n;
    while (at > 0 && x[(size_t)near[at - 1] * VCD_EV_COUNT + feature] < c)
        at--;
    if (at >= cap) return;
    size_t end = *n < cap ? *n : cap - 1;
    memmove(near + at + 1, near + at, (end - at) * sizeof *near);
    near[at] = f;
    if (*n < cap) (*n)++;
}

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static void fill_candidate(const vcd_choice_input *in, uint32_t f, vcd_choice_candidate *c)
{
    memcpy(c->x, in->x + (size_t)f * VCD_EV_COUNT, VCD_EV_COUNT * sizeof *c->x);
    c->entity = in->form_entity[f];
    c->form = f;
    c->x[VCD_CHOICE_FORM_MENTIONS] = (float)log1p((double)in->form_mentions[f]);
    c->x[VCD_CHOICE_ENTITY_MENTIONS] = (float)log1p((double)in->entity_mentions[c->entity]);
}

size_t vcd_choice_candidates(const vcd_choice_input *in, vcd_choice_candidate *out)
{
    /* of the forms no rule relates: the nearest by cosine, and those whose
     * comments lie nearest the query's (0 for a free-standing query) */
    uint32_t near[2 * VCD_CHOICE_NEAREST];
    size_t n_cos = 0, n_near = 0, n = 0;
    for (size_t f = 0; f < in->n_forms; f++) {
        const float *x = in->x + f * VCD_EV_COUNT;
        if (in->form_entity[f] < 0 || vcd_link_pair_apart(x) || !(x[VCD_EV_NO_RULE] > 0)) continue;
        keep_top(near, &n_cos, VCD_CHOICE_NEAREST, in->x, VCD_EV_COSINE, (uint32_t)f);
        keep_top(near + VCD_CHOICE_NEAREST, &n_near, VCD_CHOICE_NEAREST, in->x, VCD_EV_NEARBY,
                 (uint32_t)f);
    }
    memmove(near + n_cos, near + VCD_CHOICE_NEAREST, n_near * sizeof *near);
    size_t n_kept = n_cos + n_near, k = 0;
    qsort(near, n_kept, sizeof *near, u32_cmp);
    for (size_t f = 0; f < in->n_forms; f++) {
        const float *x = in->x + f * VCD_EV_COUNT;
        if (in->form_entity[f] < 0 || vcd_link_pair_apart(x)) continue;
        if (x[VCD_EV_NO_RULE] > 0) {
            while (k < n_kept && near[k] < f)
                k++;
            if (k == n_kept || near[k] != f) continue;
        }
        fill_candidate(in, (uint32_t)f, &out[n++]);
    }
    return n;
}

static double logit_of(const vcd_linker_choice *c, const float *x)
{
    double z = c->bias;
    for (int f = 0; f < VCD_CHOICE_FEATURES; f++)
        z += c->w[f] * x[f];
    return z;
}

typedef struct {
    int32_t entity;
    uint32_t at;
} entity_at;

static int by_entity(const void *a, const void *b)
{
    const entity_at *x = a, *y = b;
    if (x->entity != y->entity) return (x->entity > y->entity) - (x->entity < y->entity);
    return (x->at > y->at) - (x->at < y->at);
}

void vcd_choice_score(const vcd_linker_choice *c, const vcd_choice_candidate *cand, size_t n,
                      double *logit, double *p_entity)
{
    if (n == 0) return;
    double *s = vcd_xmalloc(n * sizeof *s), top = 0;
    for (size_t i = 0; i < n; i++) {
        s[i] = logit_of(c, cand[i].x);
        if (s[i] > top) top = s[i];
    }
    /* shifted by the largest logit (or none's 0) so that exp cannot overflow */
    double denom = exp(-top);
    for (size_t i = 0; i < n; i++)
        denom += exp(s[i] - top);
    entity_at *order = vcd_xmalloc(n * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = (entity_at){cand[i].entity, (uint32_t)i};
    qsort(order, n, sizeof *order, by_entity);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        double sum = 0;
        for (; j < n && order[j].entity == order[i].entity; j++)
            sum += exp(s[order[j].at] - top);
        for (size_t k = i; k < j; k++)
            p_entity[order[k].at] = sum / denom;
        i = j;
    }
    if (logit) memcpy(logit, s, n * sizeof *s);
    free(order);
    free(s);
}

/* x with the bias input, and zeros for the features no model weighs (a
 * free-standing query's candidates come with its masked features at 0). */
static void inputs(const vcd_choice_candidate *c, double *x)
{
    for (int f = 0; f < VCD_CHOICE_FEATURES; f++)
        x[f] = f < VCD_EV_COUNT && vcd_evidence_unused((vcd_evidence_feature)f) ? 0 : c->x[f];
    x[VCD_CHOICE_FEATURES] = 1;
}

/* One episode's negative log-likelihood at w; with g and H, its gradient
 * and the Hessian of its convex part are added to them. */
static double episode(const double *w, const vcd_choice_candidate *c, size_t n, int32_t target,
                      double *s, double *g, double *H)
{
    double top = 0, x[N_PARAMS];
    for (size_t i = 0; i < n; i++) {
        inputs(&c[i], x);
        s[i] = 0;
        for (int a = 0; a < N_PARAMS; a++)
            s[i] += w[a] * x[a];
        if (s[i] > top) top = s[i];
    }
    double denom = exp(-top), num = 0;
    for (size_t i = 0; i < n; i++) {
        denom += exp(s[i] - top);
        if (c[i].entity == target) num += exp(s[i] - top);
    }
    double loss = log(denom) - (target >= 0 ? log(num) : -top);
    if (!g) return loss;
    double mean[N_PARAMS] = {0};
    for (size_t i = 0; i < n; i++) {
        inputs(&c[i], x);
        double p = exp(s[i] - top) / denom;
        double q = c[i].entity == target ? exp(s[i] - top) / num : 0;
        for (int a = 0; a < N_PARAMS; a++) {
            g[a] += (p - q) * x[a];
            mean[a] += p * x[a];
            for (int b = 0; b <= a; b++)
                H[a * N_PARAMS + b] += p * x[a] * x[b];
        }
    }
    for (int a = 0; a < N_PARAMS; a++)
        for (int b = 0; b <= a; b++)
            H[a * N_PARAMS + b] -= mean[a] * mean[b];
    return loss;
}

/* Episodes whose answer is among their candidates, or none. */
static int usable(const vcd_choice_candidate *c, size_t n, int32_t target)
{
    if (target < 0) return 1;
    for (size_t i = 0; i < n; i++)
        if (c[i].entity == target) return 1;
    return 0;
}

static double total(const double *w, const vcd_choice_candidate *cand, const size_t *start,
                    const int32_t *target, size_t n_episodes, double l2, double *s, double *g,
                    double *H)
{
    double loss = 0;
    for (size_t k = 0; k < n_episodes; k++) {
        size_t n = start[k + 1] - start[k];
        if (usable(cand + start[k], n, target[k]))
            loss += episode(w, cand + start[k], n, target[k], s, g, H);
    }
    for (int a = 0; a < VCD_CHOICE_FEATURES; a++) {
        loss += 0.5 * l2 * w[a] * w[a];
        if (g) g[a] += l2 * w[a];
        if (H) H[a * N_PARAMS + a] += l2;
    }
    return loss;
}

vcd_status vcd_choice_fit(const vcd_choice_candidate *cand, const size_t *start,
                          const int32_t *target, size_t n_episodes, double l2, vcd_linker_choice *c)
{
    size_t most = 1;
    for (size_t k = 0; k < n_episodes; k++)
        if (start[k + 1] - start[k] > most) most = start[k + 1] - start[k];
    double *s = vcd_xmalloc(most * sizeof *s);
    double w[N_PARAMS] = {0}, trial[N_PARAMS], g[N_PARAMS], H[N_PARAMS * N_PARAMS];
    double loss = total(w, cand, start, target, n_episodes, l2, s, NULL, NULL);
    vcd_status rc = VCD_OK;
    for (int iter = 0; iter < 100; iter++) {
        memset(g, 0, sizeof g);
        memset(H, 0, sizeof H);
        total(w, cand, start, target, n_episodes, l2, s, g, H);
        H[N_PARAMS * N_PARAMS - 1] += 1e-9; /* the bias is not shrunk */
        for (int a = 0; a < N_PARAMS; a++)
            for (int b = a + 1; b < N_PARAMS; b++)
                H[a * N_PARAMS + b] = H[b * N_PARAMS + a];
        double d[N_PARAMS], slope = 0;
        memcpy(d, g, sizeof d);
        if (!link_cholesky_solve(H, d, N_PARAMS)) {
            rc = vcd_fail(VCD_ERUNTIME, "match choice fit: singular Hessian (too few queries?)");
            break;
        }
        for (int a = 0; a < N_PARAMS; a++)
            slope += g[a] * d[a];
        double t = 1, next = loss;
        for (int half = 0; half < 30; half++, t *= 0.5) {
            for (int a = 0; a < N_PARAMS; a++)
                trial[a] = w[a] - t * d[a];
            next = total(trial, cand, start, target, n_episodes, l2, s, NULL, NULL);
            if (next <= loss - 1e-4 * t * slope) break;
        }
        if (!(next <= loss - 1e-4 * t * slope)) break; /* no step goes down: converged */
        double step = 0;
        for (int a = 0; a < N_PARAMS; a++)
            step = fmax(step, fabs(trial[a] - w[a]));
        memcpy(w, trial, sizeof w);
        loss = next;
        if (step < 1e-8) break;
    }
    free(s);
    memset(c, 0, sizeof *c);
    if (rc) return rc;
    for (int a = 0; a < VCD_CHOICE_FEATURES; a++)
        c->w[a] = w[a];
    c->bias = w[VCD_CHOICE_FEATURES];
    c->fitted = 1;
    return VCD_OK;
}
