/* Writers for the state directory. JSON Lines files are streamed through an
 * atomic temporary file; nothing is visible until it is complete. */
#include "state_write.h"
#include "vcd/fileio.h"

#include <stdlib.h>
#include <string.h>

static void json_put_string(vcd_buf *b, const char *s)
{
    vcd_buf_json_string(b, s, strlen(s));
}

/* Streams lines built by `fill` into dir/name. */
typedef void (*line_fill_fn)(const void *ctx, size_t i, vcd_buf *line);

static vcd_status write_lines(const char *dir, const char *name, size_t n, line_fill_fn fill,
                              const void *ctx)
{
    char *path = vcd_path_join(dir, name);
    vcd_atomic_file f;
    vcd_status rc = vcd_atomic_open(&f, path);
    free(path);
    if (rc) return rc;
    vcd_buf line = {0};
    for (size_t i = 0; i < n; i++) {
        vcd_buf_clear(&line);
        fill(ctx, i, &line);
        vcd_buf_putc(&line, '\n');
        if (fwrite(line.data, 1, line.len, f.fp) != line.len) break;
    }
    vcd_buf_free(&line);
    return vcd_atomic_commit(&f);
}

typedef struct {
    const vcd_corpus *c;
    int keep_text;
} docs_ctx;

static void fill_doc(const void *ctx, size_t i, vcd_buf *b)
{
    const docs_ctx *dc = ctx;
    const vcd_doc *d = &dc->c->docs[i];
    vcd_corpus_text_done(dc->c, i);
    vcd_buf_puts(b, "{\"id\":");
    json_put_string(b, d->id);
    vcd_buf_puts(b, ",\"date\":");
    vcd_json_date(b, d->time);
    vcd_buf_puts(b, ",\"author\":");
    json_put_string(b, d->author);
    if (d->likes >= 0) vcd_buf_printf(b, ",\"likes\":%lld", (long long)d->likes);
    if (d->replies >= 0) vcd_buf_printf(b, ",\"replies\":%lld", (long long)d->replies);
    if (dc->keep_text) {
        vcd_buf_puts(b, ",\"text\":");
        json_put_string(b, d->text);
    }
    vcd_buf_putc(b, '}');
}

vcd_status state_write_docs(const char *dir, const vcd_corpus *c, int keep_text)
{
    docs_ctx ctx = {c, keep_text};
    vcd_status rc = write_lines(dir, "docs.jsonl", c->n_docs, fill_doc, &ctx);
    vcd_corpus_text_done(c, c->n_docs);
    return rc;
}

void state_mention_line(const vcd_corpus *c, const vcd_mention *m, const double *form_probs,
                        const char *kb_id, vcd_buf *b)
{
    const vcd_doc *d = &c->docs[m->doc];
    vcd_buf_puts(b, "{\"doc_id\":");
    json_put_string(b, d->id);
    vcd_buf_printf(b, ",\"start\":%u,\"end\":%u,\"text\":", m->start, m->end);
    vcd_buf_json_string(b, d->text + m->byte_start, m->byte_end - m->byte_start);
    vcd_buf_printf(b, ",\"type\":\"%s\",\"source\":\"%s\",\"entity_id\":%d",
                   vcd_type_name((vcd_entity_type)m->type),
                   vcd_source_name((vcd_mention_source)m->source), m->entity_id);
    vcd_buf_puts(b, ",\"kb_id\":");
    if (kb_id)
        json_put_string(b, kb_id);
    else
        vcd_buf_puts(b, "null");
    /* score: the tagger's confidence times the cluster membership strength */
    double member = m->entity_id >= 0 && form_probs ? form_probs[m->form] : 0.0;
    vcd_buf_printf(b, ",\"score\":%.4f,\"tagger_score\":%.4f,\"membership\":%.4f}",
                   (double)m->score * (m->entity_id >= 0 ? member : 1.0), (double)m->score, member);
}

const char *state_entity_kb_id(const vcd_entities *e, int32_t id)
{
    return id >= 0 && (size_t)id < e->n ? e->items[id].kb_id : NULL;
}

typedef struct {
    const vcd_corpus *c;
    const vcd_mentions *ms;
    const double *form_probs;
    const vcd_entities *entities;
} mentions_ctx;

static void fill_mention(const void *ctx, size_t i, vcd_buf *b)
{
    const mentions_ctx *mc = ctx;
    const vcd_mention *m = &mc->ms->items[i];
    vcd_corpus_text_done(mc->c, m->doc); /* mentions are in document order */
    state_mention_line(mc->c, m, mc->form_probs, state_entity_kb_id(mc->entities, m->entity_id), b);
}

vcd_status state_write_mentions(const char *dir, const vcd_corpus *c, const vcd_mentions *ms,
                                const double *form_probs, const vcd_entities *entities)
{
    mentions_ctx ctx = {c, ms, form_probs, entities};
    vcd_status rc = write_lines(dir, "mentions.jsonl", ms->n, fill_mention, &ctx);
    vcd_corpus_text_done(c, c->n_docs);
    return rc;
}

static void fill_form(const void *ctx, size_t i, vcd_buf *b)
{
    const vcd_forms *forms = ctx;
    const vcd_form *f = &forms->items[i];
    vcd_buf_printf(b, "{\"form\":%zu,\"key\":", i);
    json_put_string(b, f->key);
    vcd_buf_puts(b, ",\"surface\":");
    json_put_string(b, f->surface);
    vcd_buf_printf(b, ",\"count\":%u,\"type\":\"%s\",\"entity_id\":%d}", f->count,
                   vcd_type_name((vcd_entity_type)f->type), f->entity_id);
}

vcd_status state_write_forms(const char *dir, const vcd_forms *forms)
{
    return write_lines(dir, "forms.jsonl", forms->n, fill_form, forms);
}

vcd_status state_write_entities(const char *dir, const vcd_forms *forms, const vcd_entities *e)
{
    vcd_buf b = {0};
    vcd_buf_puts(&b, "{\"schema\":\"vcdiscover.entities/1\",\"entities\":[\n");
    for (size_t i = 0; i < e->n; i++) {
        const vcd_entity *x = &e->items[i];
        vcd_buf_printf(&b, "%s{\"id\":%d,\"name\":", i ? ",\n" : "", x->id);
        json_put_string(&b, x->name);
        vcd_buf_puts(&b, ",\"kb_id\":");
        if (x->kb_id)
            json_put_string(&b, x->kb_id);
        else
            vcd_buf_puts(&b, "null");
        vcd_buf_printf(&b,
                       ",\"type\":\"%s\",\"size\":%zu,\"mean_probability\":%.4f,\"first_seen\":",
                       vcd_type_name((vcd_entity_type)x->type), x->size, x->mean_probability);
        vcd_json_date(&b, x->first_seen);
        vcd_buf_puts(&b, ",\"last_seen\":");
        vcd_json_date(&b, x->last_seen);
        vcd_buf_puts(&b, ",\"aliases\":[");
        for (size_t k = 0; k < x->n_aliases; k++) {
            const vcd_form *f = &forms->items[x->aliases[k]];
            vcd_buf_puts(&b, k ? ",{\"text\":" : "{\"text\":");
            json_put_string(&b, f->surface);
            vcd_buf_puts(&b, ",\"key\":");
            json_put_string(&b, f->key);
            vcd_buf_printf(&b, ",\"count\":%u,\"form\":%zu}", f->count, x->aliases[k]);
        }
        vcd_buf_puts(&b, "],\"examples\":[");
        for (size_t k = 0; k < x->n_examples; k++) {
            if (k) vcd_buf_putc(&b, ',');
            json_put_string(&b, x->examples[k]);
        }
        vcd_buf_puts(&b, "]}");
    }
    vcd_buf_puts(&b, "\n]}\n");
    vcd_status rc = state_write_json(dir, "entities.json", b.data);
    vcd_buf_free(&b);
    return rc;
}

vcd_status state_write_json(const char *dir, const char *name, const char *json)
{
    char *path = vcd_path_join(dir, name);
    vcd_status rc = vcd_write_file_atomic(path, json, strlen(json));
    free(path);
    return rc;
}
