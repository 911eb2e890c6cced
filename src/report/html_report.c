/* The HTML report: summary numbers, the emerging list with its statistics,
 * the entity table and one detail per listed entity (html_entities.c), the
 * time series of the largest entities and the cluster sizes. Sections are
 * independent functions writing into one buffer; the CLI writes the buffer
 * atomically. */
#include "report_internal.h"
#include "vcd/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vcd_report_options_default(vcd_report_options *o)
{
    o->top_entities = 100;
    o->chart_entities = 8;
    o->examples = 3;
    vcd_trends_options_default(&o->trends);
}

static void page_head(vcd_buf *b, const vcd_records *r)
{
    vcd_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                    "<title>vcdiscover report</title><style>");
    vcd_buf_puts(b, report_css);
    vcd_buf_puts(b, "</style></head><body>\n<header class=\"top\"><h1>vcdiscover report</h1>"
                    "<p>Entities discovered in <code>");
    report_put_text(b, r->input_path);
    vcd_buf_puts(b, "</code></p><nav class=\"toc\"><a href=\"#emerging\">Emerging</a><a "
                    "href=\"#entities\">Entities</a><a href=\"#timeseries\">Over time</a><a "
                    "href=\"#details\">Details</a><a href=\"#cluster-sizes\">Cluster sizes</a>"
                    "</nav></header><main>\n");
}

void report_put_text(vcd_buf *b, const char *s)
{
    vcd_html_escape(b, s, strlen(s));
}

void report_date(int64_t t, char *buf)
{
    if (t == VCD_NO_DATE)
        buf[0] = 0;
    else
        vcd_bucket_label(vcd_bucket_start(t, VCD_BUCKET_DAY), VCD_BUCKET_DAY, buf);
}

double *report_entity_points(const report_ctx *c, size_t e)
{
    double *v = vcd_xcalloc(c->n_points + 1, sizeof *v);
    for (size_t i = 0; i < c->t->n_buckets; i++)
        v[i / c->group] += (double)c->t->entities[e].series[i].comments;
    return v;
}

int report_emerging(const report_ctx *c, size_t e)
{
    return c->t && c->t->entities[e].emerging;
}

static void card(vcd_buf *b, const char *id, const char *value, const char *what)
{
    vcd_buf_printf(b, "<div class=\"card\" id=\"%s\"><b>%s</b><span>%s</span></div>", id, value,
                   what);
}

static void card_count(vcd_buf *b, const char *id, size_t n, const char *what)
{
    char v[32];
    snprintf(v, sizeof v, "%zu", n);
    card(b, id, v, what);
}

static void section_summary(vcd_buf *b, const report_ctx *c)
{
    const vcd_records *r = c->r;
    size_t linked = 0, known = 0, emerging = 0;
    for (size_t i = 0; i < r->n_mentions; i++)
        linked += r->mentions[i].entity_id >= 0;
    for (size_t e = 0; e < r->n_entities; e++) {
        known += r->entities[e].kb_id != NULL;
        emerging += (size_t)report_emerging(c, e);
    }
    char value[48], what[80];
    vcd_buf_puts(b, "<div class=\"cards\" id=\"summary\">");
    card_count(b, "n-comments", r->n_docs, "comments");
    snprintf(value, sizeof value, "%zu", r->n_mentions);
    snprintf(what, sizeof what, "mentions, %.0f%% in an entity",
             r->n_mentions ? 100.0 * (double)linked / (double)r->n_mentions : 0.0);
    card(b, "n-mentions", value, what);
    card_count(b, "n-entities", r->n_entities, "entities");
    card_count(b, "n-known", known, "known (in the KB)");
    card_count(b, "n-new", r->n_entities - known, "new (discovered)");
    if (c->t) {
        card_count(b, "n-emerging", emerging, "emerging now");
        int64_t lo = INT64_MAX, hi = INT64_MIN;
        for (size_t i = 0; i < r->n_docs; i++)
            if (r->docs[i].time != VCD_NO_DATE) {
                lo = r->docs[i].time < lo ? r->docs[i].time : lo;
                hi = r->docs[i].time > hi ? r->docs[i].time : hi;
            }
        char from[32], to[32];
        report_date(lo, from);
        report_date(hi, to);
        snprintf(value, sizeof value, "%zu %ss", c->t->n_buckets,
                 vcd_bucket_unit_name(c->t->options.unit));
        snprintf(what, sizeof what, "comments from %s to %s", from, to);
        card(b, "span", value, what);
    }
    vcd_buf_puts(b, "</div>\n");
}

static void section_timeseries(vcd_buf *b, const report_ctx *c)
{
    const vcd_trends *t = c->t;
    size_t n = c->o->chart_entities < t->n_entities ? c->o->chart_entities : t->n_entities;
    const char **names = vcd_xmalloc((n + 1) * sizeof *names);
    double **values = vcd_xmalloc((n + 1) * sizeof *values);
    for (size_t l = 0; l < n; l++) {
        names[l] = c->r->entities[l].name;
        values[l] = report_entity_points(c, l);
    }
    report_series s = {c->n_points, n, c->labels, names, values, c->window_point};
    vcd_buf_printf(b,
                   "<section class=\"panel\" id=\"timeseries\"><h2>Mentions over time</h2><p "
                   "class=\"note\">Comments mentioning each of the %zu largest entities per %s "
                   "(UTC); the shaded band is the window of the emergence test.</p>",
                   n, vcd_bucket_unit_name(t->options.unit));
    report_line_chart(b, &s);
    vcd_buf_puts(b, "<p class=\"legend\">");
    for (size_t l = 0; l < n; l++) {
        vcd_buf_printf(b,
                       "<span><i class=\"swatch\" style=\"background:%s\"></i><a href=\"#e-%zu\">",
                       report_color(l), l);
        report_put_text(b, names[l]);
        vcd_buf_puts(b, "</a></span>");
    }
    vcd_buf_puts(b, "</p></section>\n");
    for (size_t l = 0; l < n; l++)
        free(values[l]);
    free(values);
    free(names);
}

static void emerging_row(vcd_buf *b, const report_ctx *c, size_t e)
{
    const vcd_entity_trend *x = &c->t->entities[e];
    vcd_buf_printf(b, "<tr class=\"emerging-entity\"><td><a href=\"#e-%zu\">", e);
    report_put_text(b, c->r->entities[e].name);
    vcd_buf_printf(b, "</a></td><td>%s</td><td data-v=\"%zu\">",
                   vcd_type_name((vcd_entity_type)c->r->entities[e].type), x->window_comments);
    double *v = report_entity_points(c, e);
    report_sparkline(b, v, c->n_points, c->window_point);
    free(v);
    vcd_buf_printf(b,
                   "</td><td class=\"n\">%zu</td><td class=\"n\">%.1f</td><td class=\"n\">%.1f"
                   "</td><td class=\"n\">%.1f</td><td class=\"n\" data-v=\"%g\">%.2g</td><td "
                   "class=\"n\">%zu</td><td>%s</td></tr>\n",
                   x->window_comments, x->expected, x->ratio, x->z, x->p_value, x->p_value,
                   x->baseline_comments,
                   x->is_new ? "<span class=\"badge b-new\">first seen in window</span>" : "");
}

static void section_emerging(vcd_buf *b, const report_ctx *c)
{
    const vcd_trends *t = c->t;
    size_t *order = vcd_xmalloc((t->n_entities + 1) * sizeof *order);
    size_t n = vcd_trends_emerging_order(t, order);
    char from[32], to[32];
    report_date(t->bucket_start[t->window_first], from);
    report_date(t->bucket_start[t->n_buckets] - 1, to);
    vcd_buf_printf(b,
                   "<section class=\"panel\" id=\"emerging\"><h2>Emerging entities</h2><p "
                   "class=\"note\">Window %s to %s (%zu comments) against the %zu comments before "
                   "it. Poisson test of the window count against the entity's own baseline rate; "
                   "flagged when p &le; %.3g (alpha %.3g over %zu tested entities), at least %zu "
                   "comments and %.3g&times; the expected count.</p>",
                   from, to, t->window_total, t->baseline_total, t->p_threshold, t->options.alpha,
                   t->tested, t->options.min_count, t->options.min_ratio);
    if (n == 0) vcd_buf_puts(b, "<p>No entity is emerging in this window.</p>");
    if (n)
        vcd_buf_printf(b,
                       "<table class=\"sortable\" id=\"emerging-table\"><thead><tr><th>entity"
                       "</th><th>type</th><th>per %s</th><th class=\"n\">in window</th><th "
                       "class=\"n\">expected</th><th class=\"n\" aria-sort=\"descending\">ratio"
                       "</th><th class=\"n\">z</th><th class=\"n\">p</th><th class=\"n\">"
                       "baseline</th><th>first seen</th></tr></thead><tbody>\n",
                       vcd_bucket_unit_name(t->options.unit));
    for (size_t i = 0; i < n; i++)
        emerging_row(b, c, order[i]);
    vcd_buf_puts(b, n ? "</tbody></table></section>\n" : "</section>\n");
    free(order);
}

static void merge_side(vcd_buf *b, const report_ctx *c, int32_t e)
{
    const vcd_record_entity *x = &c->r->entities[e];
    if (c->listed[e]) vcd_buf_printf(b, "<a href=\"#e-%d\">", e);
    report_put_text(b, x->name);
    vcd_buf_puts(b, c->listed[e] ? "</a>" : "");
    vcd_buf_printf(b, " <span class=\"muted\">#%d, %zu mentions</span>", e, x->size);
}

/* What `update` would have joined and did not (entity ids stay stable):
 * the analyst decides. */
static void section_merges(vcd_buf *b, const report_ctx *c)
{
    const vcd_records *r = c->r;
    vcd_buf_printf(b,
                   "<section class=\"panel\" id=\"merges\"><h2>Proposed merges</h2><p "
                   "class=\"note\">%zu pairs of entities that new comments tie together by the "
                   "identity evidence. <code>update</code> never merges two existing entities, so "
                   "their ids stay stable; these are for you to judge.</p><table "
                   "id=\"merges-table\"><thead><tr><th>entity</th><th>entity</th><th "
                   "class=\"n\">P(same)</th></tr></thead><tbody>\n",
                   r->n_merges);
    for (size_t i = 0; i < r->n_merges; i++) {
        vcd_buf_puts(b, "<tr><td>");
        merge_side(b, c, r->merges[i].a);
        vcd_buf_puts(b, "</td><td>");
        merge_side(b, c, r->merges[i].b);
        vcd_buf_printf(b, "</td><td class=\"n\">%.3f</td></tr>\n", (double)r->merges[i].p);
    }
    vcd_buf_puts(b, "</tbody></table></section>\n");
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
    vcd_buf_puts(b, "<section class=\"panel\" id=\"cluster-sizes\"><h2>Cluster sizes</h2><p "
                    "class=\"note\">Number of entities by mentions per entity.</p>");
    report_bar_chart(b, "cluster-sizes-chart", labels, counts, n_bins);
    vcd_buf_puts(b, "</section>\n");
}

static void section_no_time(vcd_buf *b, const vcd_records *r)
{
    vcd_buf_puts(b, "<section class=\"panel\" id=\"timeseries\"><h2>Mentions over time</h2><p>");
    if (r->has_dates) {
        /* e.g. placeholder dates beyond the bucket cap: say why, keep the rest */
        vcd_buf_puts(b, "No time series: ");
        report_put_text(b, vcd_last_error());
        vcd_buf_puts(b, ".");
    } else {
        vcd_buf_puts(b, "The comments have no dates in the selected range: no time series and no "
                        "emerging entities.");
    }
    vcd_buf_puts(b, "</p></section>\n");
}

/* The table lists the largest entities and every emerging one, so each
 * link of the emerging list has its detail. */
static void choose_listed(report_ctx *c)
{
    c->listed = vcd_xcalloc(c->r->n_entities + 1, 1);
    for (size_t e = 0; e < c->r->n_entities; e++) {
        c->listed[e] = e < c->o->top_entities || report_emerging(c, e);
        c->n_listed += c->listed[e];
    }
}

vcd_status vcd_report_html(const vcd_records *r, const vcd_report_options *o, vcd_buf *out)
{
    report_ctx c = {r, o, NULL, NULL, NULL, NULL, 0, 0, 0, 0, NULL};
    vcd_trends t;
    vcd_status trc = r->has_dates ? vcd_trends_compute(r, &o->trends, &t) : VCD_EINPUT;
    char(*labels)[32] = NULL;
    if (trc == VCD_OK) {
        c.t = &t;
        c.group = t.n_buckets ? (t.n_buckets + REPORT_MAX_POINTS - 1) / REPORT_MAX_POINTS : 1;
        c.n_points = (t.n_buckets + c.group - 1) / c.group;
        c.window_point = t.window_first / c.group;
        labels = vcd_xmalloc((c.n_points + 1) * sizeof *labels);
        c.labels = vcd_xmalloc((c.n_points + 1) * sizeof *c.labels);
        for (size_t i = 0; i < c.n_points; i++) {
            vcd_bucket_label(t.bucket_start[i * c.group], t.options.unit, labels[i]);
            c.labels[i] = labels[i];
        }
    }
    vcd_records_group_by_entity(r, &c.order, &c.start);
    choose_listed(&c);
    page_head(out, r);
    section_summary(out, &c);
    if (c.t) section_emerging(out, &c);
    report_entity_table(out, &c);
    if (c.t)
        section_timeseries(out, &c);
    else
        section_no_time(out, r);
    if (r->n_merges) section_merges(out, &c);
    report_entity_details(out, &c);
    section_cluster_sizes(out, r);
    vcd_buf_puts(out, "</main><footer>Generated by vcdiscover " VCD_VERSION
                      ". One self-contained file: no external resources; the small script only "
                      "adds search and sorting.</footer>\n<script>");
    vcd_buf_puts(out, report_js);
    vcd_buf_puts(out, "</script></body></html>\n");
    if (c.t) vcd_trends_free(&t);
    free(labels);
    free(c.labels);
    free(c.listed);
    free(c.order);
    free(c.start);
    return VCD_OK;
}
