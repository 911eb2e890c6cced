#ifndef VCD_REPORT_INTERNAL_H
#define VCD_REPORT_INTERNAL_H

#include "vcd/report.h"

typedef struct {
    size_t n_points, n_lines;
    const char *const *labels; /* n_points x-axis labels */
    const char *const *names;  /* n_lines legend names */
    double **values;           /* n_lines x n_points */
    size_t window_first;       /* shaded from here to the end; n_points: none */
} report_series;

/* What every section reads: the records, the options, the trends (NULL
 * when the comments have no usable dates) and the mentions grouped by
 * entity (vcd_records_group_by_entity). */
typedef struct {
    const vcd_records *r;
    const vcd_report_options *o;
    const vcd_trends *t;
    size_t *order, *start;
    unsigned char *listed; /* per entity: in the table and the details */
    size_t n_listed;
    /* Charts draw points: runs of `group` buckets summed, so that a long
     * span of days stays at most REPORT_MAX_POINTS points per chart. */
    size_t group, n_points, window_point;
    const char **labels; /* n_points labels (each point's first bucket), or NULL */
} report_ctx;

#define REPORT_MAX_POINTS 160

/* The entity's comments per chart point (n_points values); the caller frees. */
double *report_entity_points(const report_ctx *c, size_t e);

extern const char report_css[];
extern const char report_js[];

void report_put_text(vcd_buf *b, const char *s);
/* "2026-03-01" for a time, "" for VCD_NO_DATE (buf >= 32 bytes). */
void report_date(int64_t t, char *buf);
int report_emerging(const report_ctx *c, size_t e);
/* The entity table with its search tools, and one <details id="e-N"> per listed entity. */
void report_entity_table(vcd_buf *b, const report_ctx *c);
void report_entity_details(vcd_buf *b, const report_ctx *c);

const char *report_color(size_t i);
/* One entity's counts per bucket: a table-cell line, or labelled bars. */
void report_sparkline(vcd_buf *b, const double *v, size_t n, size_t window_first);
void report_bars(vcd_buf *b, const double *v, const char *const *labels, size_t n,
                 size_t window_first);
void report_line_chart(vcd_buf *b, const report_series *s);
void report_bar_chart(vcd_buf *b, const char *id, const char *const *labels, const size_t *counts,
                      size_t n);

#endif
