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

const char *report_color(size_t i);
void report_line_chart(vcd_buf *b, const report_series *s);
void report_bar_chart(vcd_buf *b, const char *id, const char *const *labels, const size_t *counts,
                      size_t n);

#endif
