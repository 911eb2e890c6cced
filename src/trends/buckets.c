/* UTC calendar buckets and the Poisson tail used by the burst test. */
#include "vcd/trends.h"

#include <math.h>
#include <stdio.h>

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t vcd_bucket_start(int64_t t, vcd_bucket_unit unit)
{
    int64_t days = floor_div(t, 86400);
    if (unit == VCD_BUCKET_WEEK) {
        /* 1970-01-01 was a Thursday: Monday-based weekday = (days + 3) mod 7 */
        int64_t weekday = days + 3 - 7 * floor_div(days + 3, 7);
        days -= weekday;
    } else if (unit == VCD_BUCKET_MONTH) {
        int64_t y;
        unsigned m, d;
        vcd_civil_from_days(days, &y, &m, &d);
        days = vcd_days_from_civil(y, m, 1);
    }
    return days * 86400;
}

int64_t vcd_bucket_next(int64_t start, vcd_bucket_unit unit)
{
    if (unit == VCD_BUCKET_DAY) return start + 86400;
    if (unit == VCD_BUCKET_WEEK) return start + 7 * 86400;
    int64_t y;
    unsigned m, d;
    vcd_civil_from_days(floor_div(start, 86400), &y, &m, &d);
    return (m == 12 ? vcd_days_from_civil(y + 1, 1, 1) : vcd_days_from_civil(y, m + 1, 1)) * 86400;
}

void vcd_bucket_label(int64_t start, vcd_bucket_unit unit, char *buf)
{
    int64_t days = floor_div(start, 86400), y;
    unsigned m, d;
    if (unit == VCD_BUCKET_WEEK) {
        /* The ISO year of a week is the year of its Thursday. */
        int64_t thursday = vcd_bucket_start(start, VCD_BUCKET_WEEK) / 86400 + 3;
        vcd_civil_from_days(thursday, &y, &m, &d);
        int64_t week = (thursday - vcd_days_from_civil(y, 1, 1)) / 7 + 1;
        snprintf(buf, 32, "%04lld-W%02lld", (long long)y, (long long)week);
        return;
    }
    vcd_civil_from_days(days, &y, &m, &d);
    if (unit == VCD_BUCKET_MONTH)
        snprintf(buf, 32, "%04lld-%02u", (long long)y, m);
    else
        snprintf(buf, 32, "%04lld-%02u-%02u", (long long)y, m, d);
}

const char *vcd_bucket_unit_name(vcd_bucket_unit unit)
{
    return unit == VCD_BUCKET_DAY ? "day" : unit == VCD_BUCKET_WEEK ? "week" : "month";
}

/* Sums probability terms in log space: above the mean the upper tail is
 * summed directly (it is tiny, and 1 - lower would cancel); below it the
 * tail is large and 1 - lower is accurate. */
double vcd_poisson_upper_tail(size_t k, double lambda)
{
    if (k == 0) return 1.0;
    double kd = (double)k;
    double log_term = -lambda + kd * log(lambda) - lgamma(kd + 1);
    if (kd > lambda) {
        double term = exp(log_term), sum = 0;
        for (double i = kd; term > 0 && term > sum * 1e-17; i += 1) {
            sum += term;
            term *= lambda / (i + 1);
        }
        return fmin(1.0, sum);
    }
    /* lower tail P(X <= k-1), summed downwards from its largest term */
    double term = exp(log_term - log(lambda) + log(kd)), lower = 0;
    for (double i = kd - 1; i >= 0 && term > 0 && term > lower * 1e-17; i -= 1) {
        lower += term;
        term *= i / lambda;
    }
    return fmax(0.0, 1.0 - lower);
}
