/* The vcdiscover.trends/1 document. Entities appear in entity-id order
 * (largest first, as in entities.json); `emerging` lists the flagged ids
 * strongest first. */
#include "vcd/trends.h"

#include <stdlib.h>
#include <string.h>

static void put_settings(vcd_buf *b, const vcd_trends *t)
{
    const vcd_trends_options *o = &t->options;
    vcd_buf_printf(b, "\"settings\":{\"bucket\":\"%s\",\"since\":", vcd_bucket_unit_name(o->unit));
    vcd_json_date(b, o->since);
    vcd_buf_puts(b, ",\"until\":");
    vcd_json_date(b, o->until);
    vcd_buf_printf(b,
                   ",\"window_buckets\":%zu,\"baseline_buckets\":%zu,\"min_count\":%zu,"
                   "\"alpha\":%.6g,\"min_ratio\":%.6g,\"test\":\"poisson-upper-tail\","
                   "\"correction\":\"bonferroni\",\"smoothing\":0.5}",
                   o->window, o->baseline, o->min_count, o->alpha, o->min_ratio);
}

static void put_totals(vcd_buf *b, const vcd_trends *t)
{
    vcd_buf_printf(b,
                   ",\"totals\":{\"dated_comments\":%zu,\"undated_comments\":%zu,"
                   "\"out_of_range_comments\":%zu,\"undated_entity_mentions\":%zu,"
                   "\"window\":{\"start\":",
                   t->dated_comments, t->undated_comments, t->out_of_range_comments,
                   t->undated_mentions);
    vcd_json_date(b, t->bucket_start[t->window_first]);
    vcd_buf_puts(b, ",\"end\":");
    vcd_json_date(b, t->bucket_start[t->n_buckets]);
    vcd_buf_printf(b, ",\"comments\":%zu},\"baseline\":{\"start\":", t->window_total);
    vcd_json_date(b, t->bucket_start[t->baseline_first]);
    vcd_buf_puts(b, ",\"end\":");
    vcd_json_date(b, t->bucket_start[t->window_first]);
    vcd_buf_printf(b, ",\"comments\":%zu},\"tested_entities\":%zu,\"p_threshold\":%.6g}",
                   t->baseline_total, t->tested, t->p_threshold);
}

static void put_buckets(vcd_buf *b, const vcd_trends *t)
{
    vcd_buf_puts(b, ",\"buckets\":[");
    for (size_t i = 0; i < t->n_buckets; i++) {
        char label[32];
        vcd_bucket_label(t->bucket_start[i], t->options.unit, label);
        vcd_buf_printf(b, "%s{\"bucket\":\"%s\",\"start\":", i ? "," : "", label);
        vcd_json_date(b, t->bucket_start[i]);
        vcd_buf_printf(b, ",\"comments\":%zu}", t->bucket_comments[i]);
    }
    vcd_buf_putc(b, ']');
}

static void put_series(vcd_buf *b, const vcd_trends *t, const vcd_entity_trend *e, int weighted)
{
    vcd_buf_puts(b, ",\"series\":[");
    for (size_t i = 0; i < t->n_buckets; i++) {
        const vcd_trend_point *p = &e->series[i];
        char label[32];
        vcd_bucket_label(t->bucket_start[i], t->options.unit, label);
        vcd_buf_printf(b, "%s{\"bucket\":\"%s\",\"mentions\":%zu,\"comments\":%zu,\"share\":%.6g",
                       i ? "," : "", label, p->mentions, p->comments, p->share);
        if (weighted & 1) vcd_buf_printf(b, ",\"likes_weighted\":%.0f", p->likes_weighted);
        if (weighted & 2) vcd_buf_printf(b, ",\"replies_weighted\":%.0f", p->replies_weighted);
        vcd_buf_putc(b, '}');
    }
    vcd_buf_putc(b, ']');
}

static void put_entity(vcd_buf *b, const vcd_trends *t, const vcd_records *r, size_t i)
{
    const vcd_entity_trend *e = &t->entities[i];
    const vcd_record_entity *x = &r->entities[i];
    vcd_buf_printf(b, "{\"entity_id\":%d,\"name\":", e->entity_id);
    vcd_buf_json_string(b, x->name, strlen(x->name));
    vcd_buf_printf(b,
                   ",\"type\":\"%s\",\"mentions\":%zu,\"comments\":%zu,\"undated_mentions\":%zu,"
                   "\"first_seen\":",
                   vcd_type_name((vcd_entity_type)x->type), e->mentions, e->comments,
                   e->undated_mentions);
    vcd_json_date(b, e->first_seen);
    vcd_buf_puts(b, ",\"last_seen\":");
    vcd_json_date(b, e->last_seen);
    vcd_buf_printf(b, ",\"emerging\":%s,\"new\":%s", e->emerging ? "true" : "false",
                   e->is_new ? "true" : "false");
    vcd_buf_printf(b,
                   ",\"burst\":{\"window_comments\":%zu,\"baseline_comments\":%zu,"
                   "\"expected\":%.6g,\"ratio\":%.6g,\"z\":%.6g,\"p_value\":%.6g,\"tested\":%s}",
                   e->window_comments, e->baseline_comments, e->expected, e->ratio, e->z,
                   e->p_value, e->tested ? "true" : "false");
    put_series(b, t, e, (r->has_likes ? 1 : 0) | (r->has_replies ? 2 : 0));
    vcd_buf_putc(b, '}');
}

void vcd_trends_json(const vcd_trends *t, const vcd_records *r, vcd_buf *b)
{
    vcd_buf_puts(b, "{\"schema\":\"vcdiscover.trends/1\",");
    put_settings(b, t);
    put_totals(b, t);
    put_buckets(b, t);
    size_t *order = vcd_xmalloc((t->n_entities + 1) * sizeof *order);
    size_t n = vcd_trends_emerging_order(t, order);
    vcd_buf_puts(b, ",\"emerging\":[");
    for (size_t i = 0; i < n; i++)
        vcd_buf_printf(b, "%s%d", i ? "," : "", t->entities[order[i]].entity_id);
    free(order);
    vcd_buf_puts(b, "],\n\"entities\":[\n");
    for (size_t i = 0; i < t->n_entities; i++) {
        put_entity(b, t, r, i);
        vcd_buf_puts(b, i + 1 < t->n_entities ? ",\n" : "\n");
    }
    vcd_buf_puts(b, "]}\n");
}
