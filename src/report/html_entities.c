/* The entity table and the per-entity detail sections of the HTML report.
 * The table row links to #e-ID, a <details> rendered server-side with the
 * entity's facts, aliases, weekly counts and example comments, so every
 * detail is reachable with scripts off. */
#include "report_internal.h"
#include "vcd/text.h"

#include <stdlib.h>
#include <string.h>

enum { ROW_ALIASES = 3, DETAIL_ALIASES = 40, MAX_EXAMPLES = 16 };

static const char *status_of(const vcd_record_entity *x)
{
    return x->kb_id ? "known" : "new";
}

/* Comments (not mentions) naming the entity: its group is in document order. */
static size_t entity_comments(const report_ctx *c, size_t e)
{
    size_t n = 0;
    for (size_t k = c->start[e]; k < c->start[e + 1]; k++)
        n += k == c->start[e] ||
             c->r->mentions[c->order[k]].doc != c->r->mentions[c->order[k - 1]].doc;
    return n;
}

/* known/new and emerging; with_type: the type first (the table has a type column). */
static void put_badges(vcd_buf *b, const report_ctx *c, size_t e, int with_type)
{
    const vcd_record_entity *x = &c->r->entities[e];
    if (with_type)
        vcd_buf_printf(b, "<span class=\"badge b-type\">%s</span> ",
                       vcd_type_name((vcd_entity_type)x->type));
    if (x->kb_id) {
        vcd_buf_puts(b, "<span class=\"badge b-known\" title=\"linked to the knowledge base: ");
        report_put_text(b, x->kb_id);
        vcd_buf_puts(b, "\">known</span>");
    } else {
        vcd_buf_puts(b, "<span class=\"badge b-new\" title=\"not in the knowledge base: newly "
                        "discovered\">new</span>");
    }
    if (report_emerging(c, e)) vcd_buf_puts(b, " <span class=\"badge b-emerging\">emerging</span>");
}

/* The search box matches against the match keys (case-folded, accents
 * stripped) of the name, every alias and the KB id. */
static void put_key(vcd_buf *b, vcd_buf *key, const char *s)
{
    vcd_match_key(s, strlen(s), key);
    vcd_html_escape(b, key->data, key->len);
}

static void put_search_key(vcd_buf *b, const vcd_record_entity *x)
{
    vcd_buf key = {0};
    put_key(b, &key, x->name);
    for (size_t a = 0; a < x->n_aliases; a++) {
        vcd_buf_putc(b, ' ');
        put_key(b, &key, x->aliases[a].text);
    }
    if (x->kb_id) {
        vcd_buf_putc(b, ' ');
        put_key(b, &key, x->kb_id);
    }
    vcd_buf_free(&key);
}

static void put_row_aliases(vcd_buf *b, const vcd_record_entity *x)
{
    size_t shown = 0;
    for (size_t a = 0; a < x->n_aliases && shown < ROW_ALIASES; a++) {
        if (strcmp(x->aliases[a].text, x->name) == 0) continue;
        vcd_buf_puts(b, shown++ ? ", " : "<span class=\"aka\">also ");
        report_put_text(b, x->aliases[a].text);
    }
    if (shown && x->n_aliases > shown + 1) vcd_buf_printf(b, " +%zu", x->n_aliases - shown - 1);
    if (shown) vcd_buf_puts(b, "</span>");
}

static void put_date_cell(vcd_buf *b, int64_t t)
{
    char d[32];
    report_date(t, d);
    vcd_buf_printf(b, "<td class=\"date\" data-v=\"%s\">%s</td>", d, d);
}

static void entity_row(vcd_buf *b, const report_ctx *c, size_t e, size_t rank)
{
    const vcd_record_entity *x = &c->r->entities[e];
    vcd_buf_printf(b, "<tr class=\"entity\" data-type=\"%s\" data-status=\"%s\" data-search=\"",
                   vcd_type_name((vcd_entity_type)x->type), status_of(x));
    put_search_key(b, x);
    vcd_buf_printf(b, "\"><td class=\"n\">%zu</td><td><a href=\"#e-%zu\">", rank, e);
    report_put_text(b, x->name);
    vcd_buf_puts(b, "</a>");
    put_row_aliases(b, x);
    vcd_buf_printf(b, "</td><td>%s</td><td class=\"status\" data-v=\"%s\">",
                   vcd_type_name((vcd_entity_type)x->type), status_of(x));
    put_badges(b, c, e, 0);
    vcd_buf_printf(b,
                   "</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td>",
                   x->size, entity_comments(c, e), x->n_aliases);
    if (c->t) {
        const vcd_entity_trend *tr = &c->t->entities[e];
        double *v = report_entity_points(c, e);
        vcd_buf_printf(b, "<td data-v=\"%zu\">", tr->window_comments);
        report_sparkline(b, v, c->n_points, c->window_point);
        vcd_buf_puts(b, "</td>");
        put_date_cell(b, tr->first_seen);
        put_date_cell(b, tr->last_seen);
        free(v);
    }
    vcd_buf_puts(b, "</tr>\n");
}

void report_entity_table(vcd_buf *b, const report_ctx *c)
{
    vcd_buf_printf(
        b,
        "<section class=\"panel\" id=\"entities\"><h2>Entities</h2><p class=\"note\">The "
        "%zu largest of %zu entities by mentions%s. Click a name for its aliases, "
        "timeline and comments; <b>known</b> entities are linked to the knowledge base, "
        "<b>new</b> ones were discovered in the comments.</p>",
        c->n_listed, c->r->n_entities,
        c->n_listed > c->o->top_entities ? ", plus every emerging one" : "");
    vcd_buf_puts(b, "<div id=\"tools\" hidden><input id=\"q\" type=\"search\" placeholder=\"Search "
                    "names, aliases, KB ids&hellip;\" aria-label=\"search entities\" "
                    "autocomplete=\"off\"><select id=\"type-filter\" aria-label=\"type\"><option "
                    "value=\"\">all types</option>");
    for (int t = 0; t < VCD_TYPE_COUNT; t++)
        vcd_buf_printf(b, "<option>%s</option>", vcd_type_name((vcd_entity_type)t));
    vcd_buf_puts(b,
                 "</select><select id=\"status-filter\" aria-label=\"status\"><option value=\"\">"
                 "known and new</option><option value=\"known\">known</option><option "
                 "value=\"new\">new</option></select><span id=\"shown\"></span></div>"
                 "<noscript><p class=\"note\">Search and sorting need JavaScript; the table and "
                 "every detail are here without it.</p></noscript>");
    vcd_buf_puts(b,
                 "<div class=\"scroll\"><table id=\"entity-table\" class=\"sortable\"><thead><tr>"
                 "<th class=\"n\">#</th><th>entity</th><th>type</th><th>status</th>"
                 "<th class=\"n\" aria-sort=\"descending\">mentions</th><th class=\"n\">comments"
                 "</th><th class=\"n\">aliases</th>");
    if (c->t)
        vcd_buf_printf(b,
                       "<th title=\"comments per %s; shaded: the emergence window\">per %s</th>"
                       "<th>first seen</th><th>last seen</th>",
                       vcd_bucket_unit_name(c->t->options.unit),
                       vcd_bucket_unit_name(c->t->options.unit));
    vcd_buf_puts(b, "</tr></thead><tbody>\n");
    for (size_t e = 0, rank = 0; e < c->r->n_entities; e++)
        if (c->listed[e]) entity_row(b, c, e, ++rank);
    vcd_buf_puts(b, "</tbody></table></div></section>\n");
}

/* One comment with the mention highlighted, cut to ~400 bytes around it. */
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
    vcd_buf_puts(b, "<small>");
    report_put_text(b, d->id);
    if (d->author && *d->author) {
        vcd_buf_puts(b, " &middot; ");
        report_put_text(b, d->author);
    }
    char day[32];
    report_date(d->time, day);
    if (*day) vcd_buf_printf(b, " &middot; %s", day);
    if (d->likes >= 0) vcd_buf_printf(b, " &middot; %lld likes", (long long)d->likes);
    vcd_buf_puts(b, "</small></blockquote>\n");
}

/* The entity's most-liked comments, one mention per comment (ties: earliest). */
static void put_examples(vcd_buf *b, const report_ctx *c, size_t e)
{
    const vcd_records *r = c->r;
    if (r->n_docs && !r->docs[0].text) {
        vcd_buf_puts(b, "<p class=\"note\">The state was written with --no-text: no comment "
                        "text to show.</p>");
        return;
    }
    size_t shown[MAX_EXAMPLES], n_shown = 0;
    while (n_shown < c->o->examples && n_shown < MAX_EXAMPLES) {
        size_t best = SIZE_MAX;
        for (size_t k = c->start[e]; k < c->start[e + 1]; k++) {
            int taken = 0;
            for (size_t j = 0; j < n_shown; j++)
                taken |= r->mentions[c->order[k]].doc == r->mentions[c->order[shown[j]]].doc;
            if (taken) continue;
            if (best == SIZE_MAX || r->docs[r->mentions[c->order[k]].doc].likes >
                                        r->docs[r->mentions[c->order[best]].doc].likes)
                best = k;
        }
        if (best == SIZE_MAX) break;
        shown[n_shown++] = best;
        const vcd_record_mention *m = &r->mentions[c->order[best]];
        put_example(b, &r->docs[m->doc], m);
    }
}

static void put_facts(vcd_buf *b, const report_ctx *c, size_t e)
{
    const vcd_record_entity *x = &c->r->entities[e];
    vcd_buf_puts(b, "<dl class=\"facts\"><dt>knowledge base</dt><dd>");
    if (x->kb_id) {
        vcd_buf_puts(b, "known: <code>");
        report_put_text(b, x->kb_id);
        vcd_buf_puts(b, "</code></dd>");
    } else {
        vcd_buf_puts(b, "not linked: newly discovered</dd>");
    }
    vcd_buf_printf(b, "<dt>mentions</dt><dd>%zu in %zu comments</dd>", x->size,
                   entity_comments(c, e));
    if (!c->t) {
        vcd_buf_puts(b, "</dl>");
        return;
    }
    const vcd_entity_trend *tr = &c->t->entities[e];
    char first[32], last[32];
    report_date(tr->first_seen, first);
    report_date(tr->last_seen, last);
    vcd_buf_printf(b, "<dt>seen</dt><dd>%s to %s</dd>", first, last);
    if (tr->tested)
        vcd_buf_printf(b,
                       "<dt>emergence test</dt><dd>%zu comments in the window, %.1f expected "
                       "(&times;%.1f, p = %.2g)%s</dd>",
                       tr->window_comments, tr->expected, tr->ratio, tr->p_value,
                       tr->emerging ? ": <b>emerging</b>" : "");
    vcd_buf_puts(b, "</dl>");
}

static void put_alias_table(vcd_buf *b, const vcd_record_entity *x)
{
    vcd_buf_printf(b,
                   "<h3>Aliases (%zu)</h3><table class=\"aliases\"><thead><tr><th>as written"
                   "</th><th class=\"n\">mentions</th></tr></thead><tbody>",
                   x->n_aliases);
    for (size_t a = 0; a < x->n_aliases && a < DETAIL_ALIASES; a++) {
        vcd_buf_puts(b, "<tr><td>");
        report_put_text(b, x->aliases[a].text);
        vcd_buf_printf(b, "</td><td class=\"n\">%zu</td></tr>", x->aliases[a].count);
    }
    if (x->n_aliases > DETAIL_ALIASES)
        vcd_buf_printf(b, "<tr><td colspan=\"2\" class=\"note\">&hellip; %zu more</td></tr>",
                       x->n_aliases - DETAIL_ALIASES);
    vcd_buf_puts(b, "</tbody></table>");
}

static void entity_detail(vcd_buf *b, const report_ctx *c, size_t e)
{
    const vcd_record_entity *x = &c->r->entities[e];
    vcd_buf_printf(b, "<details class=\"entity\" id=\"e-%zu\"><summary><span class=\"name\">", e);
    report_put_text(b, x->name);
    vcd_buf_puts(b, "</span>");
    put_badges(b, c, e, 1);
    vcd_buf_printf(b,
                   " <span class=\"note\">%zu mentions</span></summary><div class=\"detail\">"
                   "<div>",
                   x->size);
    put_facts(b, c, e);
    if (c->t) {
        double *v = report_entity_points(c, e);
        vcd_buf_printf(b, "<h3>Comments per %s</h3>", vcd_bucket_unit_name(c->t->options.unit));
        report_bars(b, v, c->labels, c->n_points, c->window_point);
        free(v);
    }
    put_alias_table(b, x);
    vcd_buf_puts(b, "</div><div><h3>Example comments</h3>");
    put_examples(b, c, e);
    vcd_buf_puts(b, "<p class=\"note\"><a href=\"#entities\">&uarr; back to the table</a></p>"
                    "</div></div></details>\n");
}

void report_entity_details(vcd_buf *b, const report_ctx *c)
{
    vcd_buf_puts(b, "<section class=\"panel\" id=\"details\"><h2>Entity details</h2><p "
                    "class=\"note\">One section per entity in the table; click to open.</p>\n");
    for (size_t e = 0; e < c->r->n_entities; e++)
        if (c->listed[e]) entity_detail(b, c, e);
    vcd_buf_puts(b, "</section>\n");
}
