/* Entity time series and the emerging-entity test (method in trends.h). */
#include "vcd/trends.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void vcd_trends_options_default(vcd_trends_options *o)
{
    memset(o, 0, sizeof *o);
    o->unit = VCD_BUCKET_WEEK;
    o->since = o->until = VCD_NO_DATE;
    o->min_count = 5;
    o->alpha = 0.01;
    o->min_ratio = 2.0;
}

static void resolve_window(vcd_trends_options *o)
{
    static const size_t window[] = {7, 4, 1}, baseline[] = {28, 12, 6};
    if (!o->window) o->window = window[o->unit];
    if (!o->baseline) o->baseline = baseline[o->unit];
}

static int in_range(const vcd_trends_options *o, int64_t t)
{
    return t != VCD_NO_DATE && (o->since == VCD_NO_DATE || t >= o->since) &&
           (o->until == VCD_NO_DATE || t < o->until);
}

/* Placeholder dates (0001-01-01 next to 9999-12-31) would ask for millions
 * of buckets per entity: refuse, naming the span and the way out. */
static vcd_status too_many_buckets(vcd_trends *t, int64_t lo, int64_t hi)
{
    char a[32], b[32];
    vcd_bucket_label(vcd_bucket_start(lo, VCD_BUCKET_DAY), VCD_BUCKET_DAY, a);
    vcd_bucket_label(vcd_bucket_start(hi, VCD_BUCKET_DAY), VCD_BUCKET_DAY, b);
    free(t->bucket_start);
    t->bucket_start = NULL;
    t->n_buckets = 0;
    return vcd_fail(VCD_EINPUT,
                    "dates span %s to %s: more than %d %s buckets (placeholder dates?); "
                    "narrow the range with --since/--until or use a coarser --bucket",
                    a, b, VCD_TRENDS_MAX_BUCKETS, vcd_bucket_unit_name(t->options.unit));
}

/* Buckets from the first to the last dated comment inside the range. */
static vcd_status make_buckets(const vcd_records *r, vcd_trends *t)
{
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; i < r->n_docs; i++) {
        int64_t time = r->docs[i].time;
        if (time == VCD_NO_DATE) {
            t->undated_comments++;
        } else if (!in_range(&t->options, time)) {
            t->out_of_range_comments++;
        } else {
            t->dated_comments++;
            if (time < lo) lo = time;
            if (time > hi) hi = time;
        }
    }
    if (!t->dated_comments)
        return vcd_fail(VCD_EINPUT, "no dated comment falls in the requested range");
    size_t cap = 64;
    t->bucket_start = vcd_xmalloc(cap * sizeof *t->bucket_start);
    int64_t b = vcd_bucket_start(lo, t->options.unit);
    for (;;) {
        if (t->n_buckets > VCD_TRENDS_MAX_BUCKETS) return too_many_buckets(t, lo, hi);
        if (t->n_buckets + 1 >= cap) {
            cap *= 2;
            t->bucket_start = vcd_xrealloc(t->bucket_start, cap * sizeof *t->bucket_start);
        }
        t->bucket_start[t->n_buckets] = b;
        if (b > hi) break;
        t->n_buckets++;
        b = vcd_bucket_next(b, t->options.unit);
    }
    t->bucket_comments = vcd_xcalloc(t->n_buckets, sizeof *t->bucket_comments);
    return VCD_OK;
}

static size_t bucket_of(const vcd_trends *t, int64_t time)
{
    size_t lo = 0, hi = t->n_buckets; /* bucket_start[lo] <= time < bucket_start[hi] */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (t->bucket_start[mid] <= time)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Adds one entity's mentions (sorted by document) to its series. */
static void count_entity(const vcd_records *r, vcd_trends *t, vcd_entity_trend *e,
                         const size_t *idx, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        const vcd_record_mention *m = &r->mentions[idx[k]];
        const vcd_record_doc *d = &r->docs[m->doc];
        int first_in_doc = k == 0 || r->mentions[idx[k - 1]].doc != m->doc;
        e->mentions++;
        e->comments += first_in_doc;
        if (d->time == VCD_NO_DATE) {
            e->undated_mentions++;
            t->undated_mentions++;
            continue;
        }
        if (e->first_seen == VCD_NO_DATE || d->time < e->first_seen) e->first_seen = d->time;
        if (e->last_seen == VCD_NO_DATE || d->time > e->last_seen) e->last_seen = d->time;
        if (!in_range(&t->options, d->time)) continue;
        vcd_trend_point *p = &e->series[bucket_of(t, d->time)];
        p->mentions++;
        if (!first_in_doc) continue;
        p->comments++;
        p->likes_weighted += 1.0 + (double)(d->likes > 0 ? d->likes : 0);
        p->replies_weighted += 1.0 + (double)(d->replies > 0 ? d->replies : 0);
    }
    for (size_t b = 0; b < t->n_buckets; b++)
        e->series[b].share = t->bucket_comments[b]
                                 ? (double)e->series[b].comments / (double)t->bucket_comments[b]
                                 : 0.0;
}

static void burst_statistics(vcd_trends *t, vcd_entity_trend *e)
{
    size_t xw = 0, xb = 0;
    for (size_t b = t->baseline_first; b < t->window_first; b++)
        xb += e->series[b].comments;
    for (size_t b = t->window_first; b < t->n_buckets; b++)
        xw += e->series[b].comments;
    e->window_comments = xw;
    e->baseline_comments = xb;
    double r0 = ((double)xb + 0.5) / ((double)t->baseline_total + 1.0);
    e->expected = (double)t->window_total * r0;
    e->ratio = e->expected > 0 ? (double)xw / e->expected : 0.0;
    e->z = e->expected > 0 ? ((double)xw - e->expected) / sqrt(e->expected) : 0.0;
    e->p_value = e->expected > 0 ? vcd_poisson_upper_tail(xw, e->expected) : 1.0;
    e->tested = t->baseline_total > 0 && xw >= t->options.min_count;
    e->is_new = e->first_seen != VCD_NO_DATE && e->first_seen >= t->bucket_start[t->window_first];
}

static void flag_emerging(vcd_trends *t)
{
    for (size_t i = 0; i < t->n_entities; i++)
        t->tested += t->entities[i].tested;
    t->p_threshold = t->tested ? t->options.alpha / (double)t->tested : 0.0;
    for (size_t i = 0; i < t->n_entities; i++) {
        vcd_entity_trend *e = &t->entities[i];
        e->emerging = e->tested && e->ratio >= t->options.min_ratio && e->p_value <= t->p_threshold;
    }
}

static void set_window(vcd_trends *t)
{
    const size_t w = t->options.window, nb = t->n_buckets;
    t->window_first = w >= nb ? 0 : nb - w;
    t->baseline_first =
        t->window_first > t->options.baseline ? t->window_first - t->options.baseline : 0;
}

vcd_status vcd_trends_compute(const vcd_records *r, const vcd_trends_options *o, vcd_trends *out)
{
    memset(out, 0, sizeof *out);
    out->options = *o;
    resolve_window(&out->options);
    if (!r->has_dates)
        return vcd_fail(VCD_EINPUT, "the input of this state had no date column, so there are "
                                    "no trends (re-run cluster with --date-column)");
    vcd_status rc = make_buckets(r, out);
    if (rc) {
        vcd_trends_free(out);
        return rc;
    }
    set_window(out);
    for (size_t i = 0; i < r->n_docs; i++)
        if (in_range(&out->options, r->docs[i].time))
            out->bucket_comments[bucket_of(out, r->docs[i].time)]++;
    for (size_t b = out->baseline_first; b < out->n_buckets; b++) {
        if (b >= out->window_first)
            out->window_total += out->bucket_comments[b];
        else
            out->baseline_total += out->bucket_comments[b];
    }

    size_t *idx, *group;
    vcd_records_group_by_entity(r, &idx, &group);
    out->n_entities = r->n_entities;
    out->entities = vcd_xcalloc(r->n_entities + 1, sizeof *out->entities);
    for (size_t e = 0; e < r->n_entities; e++) {
        vcd_entity_trend *et = &out->entities[e];
        et->entity_id = (int32_t)e;
        et->first_seen = et->last_seen = VCD_NO_DATE;
        et->series = vcd_xcalloc(out->n_buckets, sizeof *et->series);
        count_entity(r, out, et, idx + group[e], group[e + 1] - group[e]);
        burst_statistics(out, et);
    }
    free(idx);
    free(group);
    flag_emerging(out);
    return VCD_OK;
}

void vcd_trends_free(vcd_trends *t)
{
    for (size_t i = 0; i < t->n_entities; i++)
        free(t->entities[i].series);
    free(t->entities);
    free(t->bucket_start);
    free(t->bucket_comments);
    memset(t, 0, sizeof *t);
}

typedef struct {
    double p_value, ratio;
    size_t index;
} emerging_key;

static int compare_emerging(const void *a, const void *b)
{
    const emerging_key *x = a, *y = b;
    if (x->p_value != y->p_value) return x->p_value < y->p_value ? -1 : 1;
    if (x->ratio != y->ratio) return x->ratio > y->ratio ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

size_t vcd_trends_emerging_order(const vcd_trends *t, size_t *order)
{
    emerging_key *keys = vcd_xmalloc((t->n_entities + 1) * sizeof *keys);
    size_t n = 0;
    for (size_t i = 0; i < t->n_entities; i++)
        if (t->entities[i].emerging)
            keys[n++] = (emerging_key){t->entities[i].p_value, t->entities[i].ratio, i};
    qsort(keys, n, sizeof *keys, compare_emerging);
    for (size_t i = 0; i < n; i++)
        order[i] = keys[i].index;
    free(keys);
    return n;
}
