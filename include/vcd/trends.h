/* Trends: entity counts per UTC time bucket and an emerging-entity test.
 *
 * Emerging = a Poisson burst test of the entity's comment count in the
 * most recent window against its own trailing baseline rate:
 *   r0       = (x_baseline + 0.5) / (N_baseline + 1)     baseline share, smoothed
 *   expected = N_window * r0
 *   p        = P(X >= x_window), X ~ Poisson(expected)
 *   emerging = x_window >= min_count and x_window / expected >= min_ratio
 *              and p <= alpha / tested   (Bonferroni over tested entities)
 * where x counts comments mentioning the entity and N all comments in the
 * buckets. "New" = first dated mention inside the window. */
#ifndef VCD_TRENDS_H
#define VCD_TRENDS_H

#include "vcd/state.h"

typedef enum { VCD_BUCKET_DAY, VCD_BUCKET_WEEK, VCD_BUCKET_MONTH } vcd_bucket_unit;

/* Start (UTC seconds) of the bucket holding t; weeks are ISO weeks that
 * start on Monday 00:00 UTC. */
int64_t vcd_bucket_start(int64_t t, vcd_bucket_unit unit);
int64_t vcd_bucket_next(int64_t start, vcd_bucket_unit unit);
/* "2026-03-01", ISO week "2026-W09", or "2026-03" (buf >= 32 bytes). */
void vcd_bucket_label(int64_t start, vcd_bucket_unit unit, char *buf);
const char *vcd_bucket_unit_name(vcd_bucket_unit unit);
/* P(X >= k) for X ~ Poisson(lambda), lambda > 0. */
double vcd_poisson_upper_tail(size_t k, double lambda);

typedef struct {
    vcd_bucket_unit unit;
    int64_t since, until; /* VCD_NO_DATE: open; until is exclusive */
    size_t window;        /* buckets tested (0: 7 days, 4 weeks or 1 month) */
    size_t baseline;      /* buckets before the window (0: 28 days, 12 weeks, 6 months) */
    size_t min_count;     /* minimum comments in the window to be emerging */
    double alpha;         /* family-wise significance level */
    double min_ratio;     /* minimum observed / expected */
} vcd_trends_options;

void vcd_trends_options_default(vcd_trends_options *o);

typedef struct {
    size_t mentions, comments;
    double share;            /* comments / all comments of the bucket */
    double likes_weighted;   /* sum over its comments of 1 + likes */
    double replies_weighted; /* sum over its comments of 1 + replies */
} vcd_trend_point;

typedef struct {
    int32_t entity_id;
    size_t mentions, comments, undated_mentions;
    int64_t first_seen, last_seen; /* over all dated mentions; VCD_NO_DATE if none */
    vcd_trend_point *series;       /* one per bucket */
    size_t window_comments, baseline_comments;
    double expected, ratio, z, p_value;
    int tested, emerging, is_new;
} vcd_entity_trend;

typedef struct {
    vcd_trends_options options;
    size_t n_buckets;
    int64_t *bucket_start;   /* n_buckets + 1: the last is the end of the range */
    size_t *bucket_comments; /* all comments per bucket */
    size_t dated_comments, undated_comments, out_of_range_comments, undated_mentions;
    size_t window_first, baseline_first; /* bucket indices */
    size_t window_total, baseline_total; /* comments */
    size_t tested;
    double p_threshold; /* alpha / tested */
    vcd_entity_trend *entities;
    size_t n_entities;
} vcd_trends;

/* At most this many buckets (27 years of days): a wider span is refused. */
#define VCD_TRENDS_MAX_BUCKETS 10000

/* Fails with VCD_EINPUT when the input had no date column, no comment
 * falls into [since, until), or the span needs more than
 * VCD_TRENDS_MAX_BUCKETS buckets. */
vcd_status vcd_trends_compute(const vcd_records *r, const vcd_trends_options *o, vcd_trends *out);
void vcd_trends_free(vcd_trends *t);
/* The vcdiscover.trends/1 document. */
void vcd_trends_json(const vcd_trends *t, const vcd_records *r, vcd_buf *b);
/* Entity indices flagged emerging, strongest (smallest p) first; returns count. */
size_t vcd_trends_emerging_order(const vcd_trends *t, size_t *order);

#endif
