/* Report: one self-contained HTML page (inline CSS, SVG and a small script,
 * no external resource) summarising a state directory. Everything is
 * rendered server-side, so the page reads the same with scripts off; the
 * script adds search and sorting. Every piece of text that came from the
 * input is HTML-escaped. */
#ifndef VCD_REPORT_H
#define VCD_REPORT_H

#include "vcd/trends.h"

/* Appends s with & < > " ' replaced by character references; invalid UTF-8
 * bytes become U+FFFD so the page is always valid UTF-8. */
void vcd_html_escape(vcd_buf *b, const char *s, size_t n);

typedef struct {
    size_t top_entities;   /* rows of the entity table, plus any emerging entity (default 100) */
    size_t chart_entities; /* lines in the time-series chart (default 8) */
    size_t examples;       /* example comments per entity (default 3) */
    vcd_trends_options trends;
} vcd_report_options;

void vcd_report_options_default(vcd_report_options *o);

/* Writes the page into `out`. Without dates the time-series and emerging
 * sections say so instead of failing. */
vcd_status vcd_report_html(const vcd_records *r, const vcd_report_options *o, vcd_buf *out);

#endif
