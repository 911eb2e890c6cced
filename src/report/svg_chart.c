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
