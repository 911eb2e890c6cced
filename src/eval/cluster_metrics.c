/* External clustering scores from the contingency table of (true class,
 * predicted cluster) pairs, following scikit-learn's definitions (natural
 * logarithms, arithmetic-mean normalisation, its special cases for single
 * clusters) so results can be compared to it at 1e-6. The table is kept
 * sparse: entity clusterings have thousands of clusters on each side. */
#include "vcd/eval.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t n;          /* items */
    size_t rows, cols; /* true classes, predicted clusters */
    double *a, *b;     /* row and column sums */
    size_t nnz;
    size_t *ri, *ci; /* non-zero cells */
    double *v;
} contingency;

typedef struct {
    int64_t label;
    size_t index;
} labelled;

static int compare_labelled(const void *x, const void *y)
{
    const labelled *a = x, *b = y;
    if (a->label != b->label) return a->label < b->label ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* Dense codes 0..k-1 in label order; returns k. */
static size_t encode_labels(const int64_t *labels, size_t n, size_t *codes)
{
    labelled *l = vcd_xmalloc(n * sizeof *l);
    for (size_t i = 0; i < n; i++)
        l[i] = (labelled){labels[i], i};
    qsort(l, n, sizeof *l, compare_labelled);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && l[i].label != l[i - 1].label) k++;
        codes[l[i].index] = k;
    }
    free(l);
    return n ? k + 1 : 0;
}

static int compare_cells(const void *x, const void *y)
{
    const size_t *a = x, *b = y;
    if (a[0] != b[0]) return a[0] < b[0] ? -1 : 1;
    return a[1] < b[1] ? -1 : a[1] > b[1];
}

static void contingency_build(const int64_t *truth, const int64_t *pred, size_t n, contingency *t)
{
    memset(t, 0, sizeof *t);
    t->n = n;
    size_t *pairs = vcd_xmalloc(2 * n * sizeof *pairs + 1);
    size_t *codes = vcd_xmalloc(n * sizeof *codes + 1);
    t->rows = encode_labels(truth, n, codes);
    for (size_t i = 0; i < n; i++)
        pairs[2 * i] = codes[i];
    t->cols = encode_labels(pred, n, codes);
    for (size_t i = 0; i < n; i++)
        pairs[2 * i + 1] = codes[i];
    free(codes);
    qsort(pairs, n, 2 * sizeof *pairs, compare_cells);
    t->a = vcd_xcalloc(t->rows + 1, sizeof *t->a);
    t->b = vcd_xcalloc(t->cols + 1, sizeof *t->b);
    t->ri = vcd_xmalloc((n + 1) * sizeof *t->ri);
    t->ci = vcd_xmalloc((n + 1) * sizeof *t->ci);
    t->v = vcd_xmalloc((n + 1) * sizeof *t->v);
    for (size_t i = 0; i < n; i++) {
        size_t r = pairs[2 * i], c = pairs[2 * i + 1];
        if (t->nnz && t->ri[t->nnz - 1] == r && t->ci[t->nnz - 1] == c) {
            t->v[t->nnz - 1] += 1;
        } else {
            t->ri[t->nnz] = r;
            t->ci[t->nnz] = c;
            t->v[t->nnz++] = 1;
        }
        t->a[r] += 1;
        t->b[c] += 1;
    }
    free(pairs);
}

static void contingency_free(contingency *t)
{
    free(t->a);
    free(t->b);
    free(t->ri);
    free(t->ci);
    free(t->v);
}

static double entropy(const double *counts, size_t k, double n)
{
    double h = 0;
    for (size_t i = 0; i < k; i++)
        if (counts[i] > 0) h -= counts[i] / n * (log(counts[i]) - log(n));
    return h;
}

static double mutual_information(const contingency *t)
{
    if (t->rows == 1 || t->cols == 1) return 0.0;
    double n = (double)t->n, mi = 0;
    for (size_t k = 0; k < t->nnz; k++) {
        double p = t->v[k] / n;
        double term =
            p * (log(t->v[k]) - log(n)) + p * (-log(t->a[t->ri[k]] * t->b[t->ci[k]]) + 2 * log(n));
        if (fabs(term) >= DBL_EPSILON) mi += term;
    }
    return mi > 0 ? mi : 0.0;
}

/* Expected mutual information of two random labelings with these cluster
 * sizes (hypergeometric model, Vinh et al. 2010). */
static double expected_mutual_information(const contingency *t)
{
    double n = (double)t->n, emi = 0;
    double gln_n = lgamma(n + 1);
    for (size_t i = 0; i < t->rows; i++) {
        double ai = t->a[i];
        for (size_t j = 0; j < t->cols; j++) {
            double bj = t->b[j];
            double lo = fmax(1.0, ai - n + bj), hi = fmin(ai, bj);
            double fixed =
                lgamma(ai + 1) + lgamma(bj + 1) + lgamma(n - ai + 1) + lgamma(n - bj + 1) - gln_n;
            for (double nij = lo; nij <= hi; nij += 1) {
                double term2 = log(n) + log(nij) - log(ai) - log(bj);
                double gln = fixed - lgamma(nij + 1) - lgamma(ai - nij + 1) - lgamma(bj - nij + 1) -
                             lgamma(n - ai - bj + nij + 1);
                emi += nij / n * term2 * exp(gln);
            }
        }
    }
    return emi;
}

static void pair_counting(const contingency *t, vcd_cluster_scores *s)
{
    double n = (double)t->n, sum_sq = 0, row_dot = 0, col_dot = 0;
    for (size_t k = 0; k < t->nnz; k++) {
        sum_sq += t->v[k] * t->v[k];
        col_dot += t->v[k] * t->b[t->ci[k]];
        row_dot += t->v[k] * t->a[t->ri[k]];
    }
    double tp = sum_sq - n, fp = col_dot - sum_sq, fn = row_dot - sum_sq;
    double tn = n * n - fp - fn - sum_sq;
    if (fn == 0 && fp == 0)
        s->ari = 1.0;
    else
        s->ari = 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
}

static void information_scores(const contingency *t, vcd_cluster_scores *s)
{
    double n = (double)t->n;
    double h_true = entropy(t->a, t->rows, n), h_pred = entropy(t->b, t->cols, n);
    double mi = mutual_information(t);
    s->homogeneity = h_true > 0 ? mi / h_true : 1.0;
    s->completeness = h_pred > 0 ? mi / h_pred : 1.0;
    double hc = s->homogeneity + s->completeness;
    s->v_measure = hc > 0 ? 2 * s->homogeneity * s->completeness / hc : 0.0;
    if (t->rows == 1 && t->cols == 1) {
        /* scikit-learn: two labelings that do not split the data agree */
        s->nmi = s->ami = 1.0;
        return;
    }
    double mean_h = (h_true + h_pred) / 2;
    s->nmi = mi > 0 ? mi / mean_h : 0.0;
    double emi = expected_mutual_information(t), denominator = mean_h - emi;
    denominator =
        denominator < 0 ? fmin(denominator, -DBL_EPSILON) : fmax(denominator, DBL_EPSILON);
    s->ami = (mi - emi) / denominator;
}

/* B-cubed: for every item, the share of its predicted cluster that shares
 * its class (precision) and of its class that shares its cluster (recall). */
static void bcubed(const contingency *t, vcd_cluster_scores *s)
{
    double p = 0, r = 0;
    for (size_t k = 0; k < t->nnz; k++) {
        p += t->v[k] * t->v[k] / t->b[t->ci[k]];
        r += t->v[k] * t->v[k] / t->a[t->ri[k]];
    }
    s->bcubed_precision = p / (double)t->n;
    s->bcubed_recall = r / (double)t->n;
    double pr = s->bcubed_precision + s->bcubed_recall;
    s->bcubed_f1 = pr > 0 ? 2 * s->bcubed_precision * s->bcubed_recall / pr : 0.0;
}

vcd_status vcd_cluster_scores_compute(const int64_t *truth, const int64_t *pred, size_t n,
                                      vcd_cluster_scores *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0) return vcd_fail(VCD_EINPUT, "no items to score");
    contingency t;
    contingency_build(truth, pred, n, &t);
    out->n = n;
    out->n_true = t.rows;
    out->n_pred = t.cols;
    pair_counting(&t, out);
    information_scores(&t, out);
    bcubed(&t, out);
    contingency_free(&t);
    return VCD_OK;
}

static double euclidean(const float *x, const float *y, size_t dim)
{
    double s = 0;
    for (size_t k = 0; k < dim; k++) {
        double d = (double)x[k] - (double)y[k];
        s += d * d;
    }
    return sqrt(s);
}

vcd_status vcd_silhouette(const float *X, size_t n, size_t dim, const int64_t *labels, double *out)
{
    size_t *codes = vcd_xmalloc(n * sizeof *codes + 1);
    size_t k = encode_labels(labels, n, codes);
    if (k < 2 || k > n - 1) {
        free(codes);
        return vcd_fail(VCD_EINPUT, "silhouette needs 2 to n-1 clusters (got %zu for %zu items)", k,
                        n);
    }
    size_t *size = vcd_xcalloc(k, sizeof *size);
    for (size_t i = 0; i < n; i++)
        size[codes[i]]++;
    double *dist_sum = vcd_xmalloc(k * sizeof *dist_sum), total = 0;
    for (size_t i = 0; i < n; i++) {
        memset(dist_sum, 0, k * sizeof *dist_sum);
        for (size_t j = 0; j < n; j++)
            if (j != i) dist_sum[codes[j]] += euclidean(X + i * dim, X + j * dim, dim);
        size_t own = codes[i];
        if (size[own] == 1) continue; /* silhouette 0 by convention */
        double a = dist_sum[own] / (double)(size[own] - 1), b = INFINITY;
        for (size_t c = 0; c < k; c++)
            if (c != own && dist_sum[c] / (double)size[c] < b) b = dist_sum[c] / (double)size[c];
        double m = fmax(a, b);
        if (m > 0) total += (b - a) / m;
    }
    *out = total / (double)n;
    free(codes);
    free(size);
    free(dist_sum);
    return VCD_OK;
}
