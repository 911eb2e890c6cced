/* ISO 8601 dates without the C library's locale- and TZ-dependent calls. */
#include "vcd/ingest.h"

#include <stdio.h>

/* Howard Hinnant's days_from_civil: proleptic Gregorian, valid for all years
 * we can meet, no tables and no timezone database. */
int64_t vcd_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void vcd_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

static int read_digits(const char *s, size_t n, size_t *pos, int count, int *value)
{
    int v = 0;
    for (int i = 0; i < count; i++) {
        if (*pos >= n || s[*pos] < '0' || s[*pos] > '9') return 0;
        v = v * 10 + (s[*pos] - '0');
        (*pos)++;
    }
    *value = v;
    return 1;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

static vcd_status parse_time_part(const char *s, size_t n, size_t *i, int64_t *seconds)
{
    int hh, mi, ss = 0;
    if (!read_digits(s, n, i, 2, &hh)) return VCD_EINPUT;
    if (*i < n && s[*i] == ':') (*i)++;
    if (!read_digits(s, n, i, 2, &mi)) return VCD_EINPUT;
    if (*i < n && s[*i] == ':') {
        (*i)++;
        if (!read_digits(s, n, i, 2, &ss)) return VCD_EINPUT;
        if (*i < n && (s[*i] == '.' || s[*i] == ',')) {
            (*i)++;
            size_t start = *i;
            while (*i < n && s[*i] >= '0' && s[*i] <= '9')
                (*i)++;
            if (*i == start) return VCD_EINPUT;
        }
    }
    if (hh > 24 || mi > 59 || ss > 60 || (hh == 24 && (mi || ss))) return VCD_EINPUT;
    *seconds = hh * 3600 + mi * 60 + (ss == 60 ? 59 : ss);
    return VCD_OK;
}

static vcd_status parse_zone(const char *s, size_t n, size_t *i, int64_t *offset)
{
    *offset = 0;
    if (*i == n) return VCD_OK; /* no zone: taken as UTC, as YouTube exports are */
    if (s[*i] == 'Z' || s[*i] == 'z') {
        (*i)++;
        return VCD_OK;
    }
    if (s[*i] != '+' && s[*i] != '-') return VCD_EINPUT;
    int sign = s[*i] == '-' ? -1 : 1;
    (*i)++;
    int zh, zm = 0;
    if (!read_digits(s, n, i, 2, &zh)) return VCD_EINPUT;
    if (*i < n && s[*i] == ':') (*i)++;
    if (*i < n && !read_digits(s, n, i, 2, &zm)) return VCD_EINPUT;
    if (zh > 18 || zm > 59) return VCD_EINPUT;
    *offset = sign * (zh * 3600 + zm * 60);
    return VCD_OK;
}

vcd_status vcd_parse_iso8601(const char *s, size_t n, int64_t *out)
{
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    int y, m, d;
    if (!read_digits(s, n, &i, 4, &y)) return VCD_EINPUT;
    if (i < n && s[i] == '-') i++;
    if (!read_digits(s, n, &i, 2, &m)) return VCD_EINPUT;
    if (i < n && s[i] == '-') i++;
    if (!read_digits(s, n, &i, 2, &d)) return VCD_EINPUT;
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return VCD_EINPUT;
    int64_t seconds = 0, offset = 0;
    if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        i++;
        if (parse_time_part(s, n, &i, &seconds)) return VCD_EINPUT;
        if (parse_zone(s, n, &i, &offset)) return VCD_EINPUT;
    }
    if (i != n) return VCD_EINPUT;
    *out = vcd_days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 + seconds - offset;
    return VCD_OK;
}

void vcd_format_iso8601(int64_t t, char *buf)
{
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t rem = t - days * 86400;
    int64_t y;
    unsigned m, d;
    vcd_civil_from_days(days, &y, &m, &d);
    unsigned hh = (unsigned)(rem / 3600) % 24, mi = (unsigned)(rem / 60 % 60),
             ss = (unsigned)(rem % 60);
    unsigned yy = (unsigned)((y % 10000 + 10000) % 10000);
    snprintf(buf, 21, "%04u-%02u-%02uT%02u:%02u:%02uZ", yy % 10000u, m % 13u, d % 32u, hh, mi, ss);
}

void vcd_json_date(vcd_buf *b, int64_t t)
{
    if (t == VCD_NO_DATE) {
        vcd_buf_puts(b, "null");
        return;
    }
    char d[32];
    vcd_format_iso8601(t, d);
    vcd_buf_printf(b, "\"%s\"", d);
}
