/* The HTML report: summary, top entities with aliases, time series of the
 * top entities, the emerging list with its statistics, cluster sizes and
 * example comments. Sections are independent functions writing into one
 * buffer; the CLI writes the buffer atomically. */
#include "report_internal.h"
#include "vcd/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vcd_report_options_default(vcd_report_options *o)
{
    o->top_entities = 25;
    o->chart_entities = 8;
    o->examples = 3;
    vcd_trends_options_default(&o->trends);
}

static const char page_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    "<title>vcdiscover report</title><style>"
    "body{font-family:sans-serif;margin:2em auto;max-width:960px;color:#222}"
    "table{border-collapse:collapse;width:100%;margin:1em 0}"
    "th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}"
    "td.n{text-align:right}.alias{color:#555;font-size:90%}"
    "blockquote{border-left:3px solid #ccc;margin:.5em 0;padding:.2em .8em;white-space:pre-wrap}"
    "mark{background:#fff3a0}.legend span{display:inline-block;margin-right:1em}"
    ".swatch{display:inline-block;width:12px;height:12px;margin-right:4px}"
    ".note{color:#666}</style></head><body>\n";

static void put_text(vcd_buf *b, const char *s)
{
    vcd_html_escape(b, s, strlen(s));
}

static void section_summary(vcd_buf *b, const vcd_records *r)
{
    size_t linked = 0;
    for (size_t i = 0; i < r->n_mentions; i++)
        linked += r->mentions[i].entity_id >= 0;
    vcd_buf_puts(b, "<h1>vcdiscover report</h1><p id=\"summary\">Input <code>");
    put_text(b, r->input_path);
    vcd_buf_printf(b,
                   "</code>: %zu comments, %zu mentions (%zu linked to an entity), %zu "
                   "entities.</p>\n",
                   r->n_docs, r->n_mentions, linked, r->n_entities);
}

static void section_top_entities(vcd_buf *b, const vcd_records *r, size_t top)
{
    vcd_buf_puts(b, "<h2>Top entities</h2><table id=\"top-entities\"><tr><th>#</th><th>entity"
                    "</th><th>type</th><th>mentions</th><th>aliases</th></tr>\n");
    for (size_t e = 0; e < r->n_entities && e < top; e++) {
        const vcd_record_entity *x = &r->entities[e];
        vcd_buf_printf(b, "<tr class=\"entity\"><td class=\"n\">%zu</td><td>", e + 1);
        put_text(b, x->name);
        vcd_buf_printf(b, "</td><td>%s</td><td class=\"n\">%zu</td><td class=\"alias\">",
                       vcd_type_name((vcd_entity_type)x->type), x->size);
        for (size_t a = 0; a < x->n_aliases && a < 8; a++) {
            if (a) vcd_buf_puts(b, ", ");
            put_text(b, x->aliases[a].text);
            vcd_buf_printf(b, " (%zu)", x->aliases[a].count);
        }
        if (x->n_aliases > 8) vcd_buf_printf(b, ", &hellip; %zu more", x->n_aliases - 8);
        vcd_buf_puts(b, "</td></tr>\n");
    }
    vcd_buf_puts(b, "</table>\n");
}

static void section_timeseries(vcd_buf *b, const vcd_records *r, const vcd_trends *t, size_t n)
{
    if (n > t->n_entities) n = t->n_entities;
    char(*labels)[32] = vcd_xmalloc((t->n_buckets + 1) * sizeof *labels);
    const char **label_ptrs = vcd_xmalloc((t->n_buckets + 1) * sizeof *label_ptrs);
    const char **names = vcd_xmalloc((n + 1) * sizeof *names);
    double **values = vcd_xmalloc((n + 1) * sizeof *values);
    for (size_t i = 0; i < t->n_buckets; i++) {
        vcd_bucket_label(t->bucket_start[i], t->options.unit, labels[i]);
        label_ptrs[i] = labels[i];
    }
    for (size_t l = 0; l < n; l++) {
        names[l] = r->entities[l].name;
        values[l] = vcd_xmalloc((t->n_buckets + 1) * sizeof **values);
        for (size_t i = 0; i < t->n_buckets; i++)
            values[l][i] = (double)t->entities[l].series[i].comments;
    }
    report_series s = {t->n_buckets, n, label_ptrs, names, values, t->window_first};
    vcd_buf_printf(b,
                   "<h2>Mentions over time</h2><div id=\"timeseries\"><p class=\"note\">Comments "
                   "mentioning each of the top %zu entities per %s (UTC); the shaded band is "
                   "the window of the emergence test.</p>",
                   n, vcd_bucket_unit_name(t->options.unit));
    report_line_chart(b, &s);
    vcd_buf_puts(b, "<p class=\"legend\">");
    for (size_t l = 0; l < n; l++) {
        vcd_buf_printf(b, "<span><i class=\"swatch\" style=\"background:%s\"></i>",
                       report_color(l));
        put_text(b, names[l]);
        vcd_buf_puts(b, "</span>");
    }
    vcd_buf_puts(b, "</p></div>\n");
    for (size_t l = 0; l < n; l++)
        free(values[l]);
    free(values);
    free(names);
    free(label_ptrs);
    free(labels);
}

static void section_emerging(vcd_buf *b, const vcd_records *r, const vcd_trends *t)
{
    size_t *order = vcd_xmalloc((t->n_entities + 1) * sizeof *order);
    size_t n = vcd_trends_emerging_order(t, order);
    char from[32], to[32];
    vcd_bucket_label(t->bucket_start[t->window_first], t->options.unit, from);
    vcd_bucket_label(t->bucket_start[t->n_buckets - 1], t->options.unit, to);
    vcd_buf_printf(b,
                   "<h2>Emerging entities</h2><div id=\"emerging\"><p class=\"note\">Window %s "
                   "to %s (%zu comments) against the %zu comments before it. Poisson test of "
                   "the window count against the entity's own baseline rate; flagged when p "
                   "&le; %.3g (alpha %.3g over %zu tested entities), at least %zu comments and "
                   "%.3gx the expected count.</p>",
                   from, to, t->window_total, t->baseline_total, t->p_threshold, t->options.alpha,
                   t->tested, t->options.min_count, t->options.min_ratio);
    if (n == 0) vcd_buf_puts(b, "<p>No entity is emerging in this window.</p>");
    if (n) {
        vcd_buf_puts(b, "<table><tr><th>entity</th><th>in window</th><th>expected</th>"
                        "<th>ratio</th><th>z</th><th>p</th><th>baseline</th><th>new</th></tr>\n");
    }
    for (size_t i = 0; i < n; i++) {
        const vcd_entity_trend *e = &t->entities[order[i]];
        vcd_buf_puts(b, "<tr class=\"emerging-entity\"><td>");
        put_text(b, r->entities[order[i]].name);
        vcd_buf_printf(b,
                       "</td><td class=\"n\">%zu</td><td class=\"n\">%.1f</td><td class=\"n\">"
                       "%.1f</td><td class=\"n\">%.1f</td><td class=\"n\">%.2g</td><td "
                       "class=\"n\">%zu</td><td>%s</td></tr>\n",
                       e->window_comments, e->expected, e->ratio, e->z, e->p_value,
                       e->baseline_comments, e->is_new ? "new" : "");
    }
    vcd_buf_puts(b, n ? "</table></div>\n" : "</div>\n");
    free(order);
}

static void section_cluster_sizes(vcd_buf *b, const vcd_records *r)
{
    /* power-of-two bins: 1, 2, 3-4, 5-8, ... */
    size_t counts[40] = {0}, n_bins = 1;
    char text[40][48];
    const char *labels[40];
    for (size_t e = 0; e < r->n_entities; e++) {
        size_t bin = 0;
        while (bin < 39 && ((size_t)1 << bin) < r->entities[e].size)
            bin++;
        counts[bin]++;
        if (bin + 1 > n_bins) n_bins = bin + 1;
    }
    for (size_t i = 0; i < n_bins; i++) {
        size_t lo = i == 0 ? 1 : ((size_t)1 << (i - 1)) + 1, hi = (size_t)1 << i;
        if (lo == hi)
            snprintf(text[i], sizeof text[i], "%zu", lo);
        else
            snprintf(text[i], sizeof text[i], "%zu-%zu", lo, hi);
        labels[i] = text[i];
    }
    vcd_buf_puts(b, "<h2>Cluster sizes</h2><div id=\"cluster-sizes\"><p class=\"note\">Number of "
                    "entities by mentions per entity.</p>");
    report_bar_chart(b, "cluster-sizes-chart", labels, counts, n_bins);
    vcd_buf_puts(b, "</div>\n");
}

/* One comment with the mention highlighted, cut to ~400 bytes. */
static void put_example(vcd_buf *b, const vcd_record_doc *d, const vcd_record_mention *m)
{
    size_t len = strlen(d->text);
    size_t s = vcd_utf8_offset(d->text, len, m->start), e = vcd_utf8_offset(d->text, len, m->end);
    size_t from = s > 200 ? vcd_utf8_offset(d->text, len, m->start > 100 ? m->start - 100 : 0) : 0;
    size_t to = len - e > 200 ? vcd_utf8_offset(d->text, len, m->end + 100) : len;
    vcd_buf_puts(b, "<blockquote class=\"example\">");
    if (from) vcd_buf_puts(b, "&hellip;");
    vcd_html_escape(b, d->text + from, s - from);
    vcd_buf_puts(b, "<mark>");
    vcd_html_escape(b, d->text + s, e - s);
    vcd_buf_puts(b, "</mark>");
    vcd_html_escape(b, d->text + e, to - e);
    if (to < len) vcd_buf_puts(b, "&hellip;");
    vcd_buf_puts(b, "<br><small>");
    put_text(b, d->id);
    if (d->likes >= 0) vcd_buf_printf(b, " &middot; %lld likes", (long long)d->likes);
    vcd_buf_puts(b, "</small></blockquote>\n");
}

/* The most-liked comments of each top entity (ties: earliest). */
static void section_examples(vcd_buf *b, const vcd_records *r, const vcd_report_options *o)
{
    vcd_buf_puts(b, "<h2>Example comments</h2><div id=\"examples\">");
    if (r->n_docs && !r->docs[0].text) {
        vcd_buf_puts(b, "<p>This state was written with --no-text: no comment text to show.</p>"
                        "</div>\n");
        return;
    }
    size_t *order, *start;
    vcd_records_group_by_entity(r, &order, &start);
    for (size_t e = 0; e < r->n_entities && e < o->top_entities && e < 10; e++) {
        vcd_buf_puts(b, "<h3>");
        put_text(b, r->entities[e].name);
        vcd_buf_puts(b, "</h3>");
        size_t shown[16], n_shown = 0;
        while (n_shown < o->examples && n_shown < 16) {
            size_t best = SIZE_MAX;
            for (size_t k = start[e]; k < start[e + 1]; k++) {
                int taken = 0;
                for (size_t j = 0; j < n_shown; j++)
                    taken |= r->mentions[order[k]].doc == r->mentions[order[shown[j]]].doc;
                if (taken) continue;
                if (best == SIZE_MAX || r->docs[r->mentions[order[k]].doc].likes >
                                            r->docs[r->mentions[order[best]].doc].likes)
                    best = k;
            }
            if (best == SIZE_MAX) break;
            shown[n_shown++] = best;
            const vcd_record_mention *m = &r->mentions[order[best]];
            put_example(b, &r->docs[m->doc], m);
        }
    }
    vcd_buf_puts(b, "</div>\n");
    free(order);
    free(start);
}

vcd_status vcd_report_html(const vcd_records *r, const vcd_report_options *o, vcd_buf *out)
{
    vcd_buf_puts(out, page_head);
    section_summary(out, r);
    section_top_entities(out, r, o->top_entities);
    vcd_trends t;
    vcd_status trc = r->has_dates ? vcd_trends_compute(r, &o->trends, &t) : VCD_EINPUT;
    if (trc == VCD_OK) {
        section_timeseries(out, r, &t, o->chart_entities);
        section_emerging(out, r, &t);
        vcd_trends_free(&t);
    } else if (r->has_dates) {
        /* e.g. placeholder dates beyond the bucket cap: say why, keep the rest */
        const char *why = vcd_last_error();
        vcd_buf_puts(out, "<h2>Mentions over time</h2><div id=\"timeseries\"><p>No time series: ");
        vcd_html_escape(out, why, strlen(why));
        vcd_buf_puts(out, ".</p></div>\n");
    } else {
        vcd_buf_puts(out, "<h2>Mentions over time</h2><div id=\"timeseries\"><p>The comments have "
                          "no dates in the selected range: no time series and no emerging "
                          "entities.</p></div>\n");
    }
    section_cluster_sizes(out, r);
    section_examples(out, r, o);
    vcd_buf_puts(out, "<footer class=\"note\">Generated by vcdiscover " VCD_VERSION
                      ". Self-contained: no scripts, no external resources.</footer>\n"
                      "</body></html>\n");
    return VCD_OK;
}
