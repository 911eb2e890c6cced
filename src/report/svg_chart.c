/* Inline SVG charts for the HTML report: a multi-line time series and a bar
 * chart. Plain geometry, no script: hover titles come from <title>. */
#include "report_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
                                      "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};

const char *report_color(size_t i)
{
    return palette[i % (sizeof palette / sizeof *palette)];
}

enum { W = 900, H = 320, LEFT = 50, RIGHT = 20, TOP = 15, BOTTOM = 45 };

static double x_of(size_t i, size_t n)
{
    return LEFT + (n > 1 ? (double)i * (W - LEFT - RIGHT) / (double)(n - 1) : 0.0);
}

static double y_of(double v, double max)
{
    return TOP + (H - TOP - BOTTOM) * (1.0 - v / max);
}

static void axes(vcd_buf *b, const report_series *s, double max)
{
    vcd_buf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", LEFT,
                   H - BOTTOM, W - RIGHT, H - BOTTOM);
    for (int k = 0; k <= 4; k++) {
        double v = max * k / 4, y = y_of(v, max);
        vcd_buf_printf(b,
                       "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                       "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">%.0f</text>",
                       LEFT, y, W - RIGHT, y, LEFT - 6, y + 4, v);
    }
    size_t step = s->n_points > 12 ? (s->n_points + 11) / 12 : 1;
    for (size_t i = 0; i < s->n_points; i += step) {
        vcd_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\">",
                       x_of(i, s->n_points), H - BOTTOM + 16);
        vcd_html_escape(b, s->labels[i], strlen(s->labels[i]));
        vcd_buf_puts(b, "</text>");
    }
}

void report_line_chart(vcd_buf *b, const report_series *s)
{
    double max = 1;
    for (size_t l = 0; l < s->n_lines; l++)
        for (size_t i = 0; i < s->n_points; i++)
            if (s->values[l][i] > max) max = s->values[l][i];
    max = ceil(max / 4) * 4;
    vcd_buf_printf(b,
                   "<svg id=\"timeseries-chart\" xmlns=\"http://www.w3.org/2000/svg\" "
                   "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">",
                   W, H, W, H);
    if (s->window_first < s->n_points) {
        double x0 = x_of(s->window_first, s->n_points) - 4;
        vcd_buf_printf(b,
                       "<rect class=\"window\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                       "fill=\"#fff3cd\"><title>emergence test window</title></rect>",
                       x0, TOP, W - RIGHT - x0 + 4, H - TOP - BOTTOM);
    }
    axes(b, s, max);
    for (size_t l = 0; l < s->n_lines; l++) {
        vcd_buf_printf(b,
                       "<polyline class=\"series\" fill=\"none\" stroke-width=\"2\" "
                       "stroke=\"%s\" points=\"",
                       report_color(l));
        for (size_t i = 0; i < s->n_points; i++)
            vcd_buf_printf(b, "%s%.1f,%.1f", i ? " " : "", x_of(i, s->n_points),
                           y_of(s->values[l][i], max));
        vcd_buf_puts(b, "\"><title>");
        vcd_html_escape(b, s->names[l], strlen(s->names[l]));
        vcd_buf_puts(b, "</title></polyline>");
    }
    vcd_buf_puts(b, "</svg>\n");
}

void report_bar_chart(vcd_buf *b, const char *id, const char *const *labels, const size_t *counts,
                      size_t n)
{
    size_t max = 1;
    for (size_t i = 0; i < n; i++)
        if (counts[i] > max) max = counts[i];
    double bar = n ? (double)(W - LEFT - RIGHT) / (double)n : 0;
    vcd_buf_printf(b,
                   "<svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                   "width=\"%d\" height=\"%d\" role=\"img\">",
                   id, W, H, W, H);
    for (size_t i = 0; i < n; i++) {
        double h = (double)(H - TOP - BOTTOM) * (double)counts[i] / (double)max;
        double x = LEFT + (double)i * bar;
        vcd_buf_printf(b,
                       "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                       "fill=\"#1f77b4\"><title>%zu</title></rect>"
                       "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                       "font-size=\"11\">%zu</text>"
                       "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\">",
                       x + 2, H - BOTTOM - h, bar - 4, h, counts[i], x + bar / 2,
                       H - BOTTOM - h - 4, counts[i], x + bar / 2, H - BOTTOM + 16);
        vcd_html_escape(b, labels[i], strlen(labels[i]));
        vcd_buf_puts(b, "</text>");
    }
    vcd_buf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/></svg>\n",
                   LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM);
}

static double series_max(const double *v, size_t n)
{
    double max = 1;
    for (size_t i = 0; i < n; i++)
        if (v[i] > max) max = v[i];
    return max;
}

void report_sparkline(vcd_buf *b, const double *v, size_t n, size_t window_first)
{
    enum { SW = 120, SH = 24 };
    double max = series_max(v, n), step = n > 1 ? (double)(SW - 2) / (double)(n - 1) : 0;
    vcd_buf_printf(
        b,
        "<svg class=\"spark\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
        "width=\"%d\" height=\"%d\" aria-hidden=\"true\">",
        SW, SH, SW, SH);
    if (window_first < n)
        vcd_buf_printf(b,
                       "<rect x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"%d\" fill=\"#fff3cd\"/>",
                       1 + step * (double)window_first - step / 2,
                       SW - 1 - step * (double)window_first + step / 2, SH);
    vcd_buf_puts(b, "<polyline fill=\"none\" stroke=\"#2554c7\" stroke-width=\"1.5\" points=\"");
    for (size_t i = 0; i < n; i++)
        vcd_buf_printf(b, "%s%.1f,%.1f", i ? " " : "", 1 + step * (double)i,
                       SH - 2 - (SH - 4) * v[i] / max);
    vcd_buf_puts(b, "\"/></svg>");
}

void report_bars(vcd_buf *b, const double *v, const char *const *labels, size_t n,
                 size_t window_first)
{
    enum { BW = 560, BH = 90, BASE = 72 };
    double max = series_max(v, n), bar = n ? (double)BW / (double)n : 0;
    vcd_buf_printf(b,
                   "<svg class=\"bars\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                   "width=\"%d\" height=\"%d\" role=\"img\">",
                   BW, BH, BW, BH);
    if (window_first < n)
        vcd_buf_printf(b,
                       "<rect x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"%d\" fill=\"#fff3cd\">"
                       "<title>emergence test window</title></rect>",
                       bar * (double)window_first, BW - bar * (double)window_first, BASE);
    for (size_t i = 0; i < n; i++) {
        double h = (BASE - 14) * v[i] / max;
        vcd_buf_printf(b,
                       "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                       "fill=\"#2554c7\"><title>",
                       bar * (double)i + 1, BASE - h, bar > 3 ? bar - 2 : bar, h);
        vcd_html_escape(b, labels[i], strlen(labels[i]));
        vcd_buf_printf(b, ": %.0f</title></rect>", v[i]);
    }
    vcd_buf_printf(b,
                   "<line x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#98a2b3\"/>"
                   "<text x=\"0\" y=\"%d\" font-size=\"11\" fill=\"#667085\">max %.0f</text>",
                   BASE, BW, BASE, 10, max);
    if (n) {
        vcd_buf_printf(b, "<text x=\"0\" y=\"%d\" font-size=\"11\" fill=\"#667085\">", BH - 4);
        vcd_html_escape(b, labels[0], strlen(labels[0]));
        vcd_buf_printf(b,
                       "</text><text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#667085\" "
                       "text-anchor=\"end\">",
                       BW, BH - 4);
        vcd_html_escape(b, labels[n - 1], strlen(labels[n - 1]));
        vcd_buf_puts(b, "</text>");
    }
    vcd_buf_puts(b, "</svg>");
}
