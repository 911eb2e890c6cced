/* Gold mentions with entity ids (the youtube_entities dev set and any file
 * in `cluster --mentions` format plus an id), their forms and each form's
 * majority entity: the common input of `eval clusters` and `eval match`. */
#include "vcd/eval.h"
#include "vcd/strmap.h"
#include "vcd/text.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define MAX_WARNINGS 20

void vcd_form_key(const char *s, size_t n, vcd_buf *out)
{
    vcd_match_key(s, n, out);
    size_t w = 0, pos = 0;
    while (pos < out->len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)out->data + pos,
                                              (utf8proc_ssize_t)(out->len - pos), &cp);
        if (k <= 0) { /* invalid byte (cannot come out of vcd_match_key): drop it */
            pos++;
            continue;
        }
        if (vcd_is_letter_or_number(cp)) {
            memmove(out->data + w, out->data + pos, (size_t)k);
            w += (size_t)k;
        }
        pos += (size_t)k;
    }
    out->len = w;
    if (out->data) out->data[w] = '\0';
}

typedef struct {
    vcd_eval_warn_fn warn;
    void *ctx;
    const char *name;
    size_t shown;
} warner;

static void skip_line(vcd_gold *g, warner *w, size_t line, const char *why)
{
    g->skipped++;
    if (!w->warn || w->shown++ >= MAX_WARNINGS) return;
    char msg[512];
    snprintf(msg, sizeof msg, "%s:%zu: %s; line skipped", w->name, line, why);
    w->warn(w->ctx, msg);
}

static int get_offset(const cJSON *o, const char *key, uint32_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) || v->valuedouble > 4e9 ||
        v->valuedouble != floor(v->valuedouble))
        return 0;
    *out = (uint32_t)v->valuedouble;
    return 1;
}

/* A string or an integer-valued number as text; NULL otherwise. */
static const char *id_text(const cJSON *v, char *buf, size_t cap, int integer_only)
{
    if (cJSON_IsString(v)) return v->valuestring[0] ? v->valuestring : NULL;
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) return NULL;
    if (integer_only) {
        if (v->valuedouble != floor(v->valuedouble) || fabs(v->valuedouble) > 1e15) return NULL;
        snprintf(buf, cap, "%.0f", v->valuedouble);
    } else {
        snprintf(buf, cap, "#%.17g", v->valuedouble);
    }
    return buf;
}

typedef struct {
    vcd_strmap *entities; /* id -> provisional code (first appearance) */
    char **ids, **names;
    size_t cap;
} entity_table;

static int32_t entity_code(vcd_gold *g, entity_table *t, const char *id, const cJSON *name)
{
    int inserted;
    size_t *v = vcd_strmap_upsert(t->entities, id, strlen(id), g->n_entities, &inserted);
    if (inserted) {
        if (g->n_entities == t->cap) {
            t->cap = t->cap ? 2 * t->cap : 256;
            t->ids = vcd_xrealloc(t->ids, t->cap * sizeof *t->ids);
            t->names = vcd_xrealloc(t->names, t->cap * sizeof *t->names);
        }
        t->ids[g->n_entities] = vcd_xstrdup(id);
        t->names[g->n_entities] = NULL;
        g->n_entities++;
    }
    if (!t->names[*v] && cJSON_IsString(name) && name->valuestring[0])
        t->names[*v] = vcd_xstrdup(name->valuestring);
    return (int32_t)*v;
}

static int parse_line(vcd_gold *g, entity_table *t, warner *w, const char *p, size_t n, size_t off)
{
    size_t line = g->lines;
    cJSON *o = cJSON_ParseWithLength(p, n);
    char dbuf[32], ebuf[40];
    const char *doc =
        o ? id_text(cJSON_GetObjectItemCaseSensitive(o, "doc_id"), dbuf, sizeof dbuf, 1) : NULL;
    const cJSON *eid = cJSON_GetObjectItemCaseSensitive(o, "entity");
    if (!eid) eid = cJSON_GetObjectItemCaseSensitive(o, "entity_id");
    const char *ent = id_text(eid, ebuf, sizeof ebuf, 0);
    uint32_t start, end;
    if (!cJSON_IsObject(o) || !doc || !ent || !get_offset(o, "start", &start) ||
        !get_offset(o, "end", &end) || end <= start) {
        skip_line(g, w, line, "needs doc_id, integer start < end and entity (or entity_id)");
        cJSON_Delete(o);
        return 0;
    }
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(o, "text");
    vcd_gold_mention m = {
        .doc_id = vcd_xstrdup(doc),
        .start = start,
        .end = end,
        .text = cJSON_IsString(text) ? vcd_xstrdup(text->valuestring) : NULL,
        .entity = entity_code(g, t, ent, cJSON_GetObjectItemCaseSensitive(o, "entity_name")),
        .form = -1,
        .line = line,
        .line_off = off,
        .line_len = n};
    g->items[g->n++] = m;
    cJSON_Delete(o);
    return 1;
}

static int compare_strings(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Renumbers entities in id order so that "smallest id" is "smallest code". */
static void sort_entities(vcd_gold *g, entity_table *t)
{
    size_t n = g->n_entities;
    g->entity_ids = vcd_xmalloc((n + 1) * sizeof *g->entity_ids);
    g->entity_names = vcd_xmalloc((n + 1) * sizeof *g->entity_names);
    if (n) memcpy(g->entity_ids, t->ids, n * sizeof *t->ids);
    qsort(g->entity_ids, n, sizeof *g->entity_ids, compare_strings);
    vcd_strmap *rank = vcd_strmap_new();
    int inserted;
    for (size_t i = 0; i < n; i++)
        vcd_strmap_upsert(rank, g->entity_ids[i], strlen(g->entity_ids[i]), i, &inserted);
    int32_t *remap = vcd_xmalloc((n + 1) * sizeof *remap);
    for (size_t i = 0; i < n; i++) {
        remap[i] = (int32_t)vcd_strmap_get(rank, t->ids[i], strlen(t->ids[i]), 0);
        g->entity_names[remap[i]] = t->names[i];
    }
    for (size_t i = 0; i < g->n; i++)
        g->items[i].entity = remap[g->items[i].entity];
    free(remap);
    vcd_strmap_free(rank);
}

typedef struct {
    const char *key, *surface;
    int32_t entity;
    size_t mention;
} form_row;

static int compare_rows(const void *x, const void *y)
{
    const form_row *a = x, *b = y;
    int c = strcmp(a->key, b->key);
    if (c) return c;
    c = strcmp(a->surface, b->surface);
    if (c) return c;
    if (a->entity != b->entity) return a->entity < b->entity ? -1 : 1;
    return a->mention < b->mention ? -1 : a->mention > b->mention;
}

static int compare_codes(const void *x, const void *y)
{
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    return (a > b) - (a < b);
}

/* The winner of runs in a sorted group: the longest run, the first on ties. */
typedef struct {
    size_t best, run;
} vote;

static void vote_step(vote *v, int same_as_previous, size_t i, size_t *best_at)
{
    v->run = same_as_previous ? v->run + 1 : 1;
    if (v->run > v->best) {
        v->best = v->run;
        *best_at = i;
    }
}

static void form_of_group(vcd_gold *g, form_row *r, size_t n, int32_t form, int32_t *entity_votes)
{
    vcd_gold_form *f = &g->forms[form];
    f->key = vcd_xstrdup(r[0].key);
    f->count = n;
    vote sv = {0};
    size_t best_surface = 0;
    for (size_t i = 0; i < n; i++) {
        g->items[r[i].mention].form = form;
        vote_step(&sv, i && strcmp(r[i].surface, r[i - 1].surface) == 0, i, &best_surface);
        entity_votes[i] = r[i].entity;
    }
    f->surface = vcd_xstrdup(r[best_surface].surface);
    qsort(entity_votes, n, sizeof *entity_votes, compare_codes);
    vote ev = {0};
    size_t best_entity = 0; /* the first longest run: the smallest code on ties */
    for (size_t i = 0; i < n; i++)
        vote_step(&ev, i && entity_votes[i] == entity_votes[i - 1], i, &best_entity);
    int32_t best = entity_votes[best_entity];
    f->entity = best;
}

static void build_forms(vcd_gold *g)
{
    form_row *rows = vcd_xmalloc((g->n + 1) * sizeof *rows);
    char **keys = vcd_xcalloc(g->n + 1, sizeof *keys);
    vcd_buf k = {0};
    size_t nr = 0;
    for (size_t i = 0; i < g->n; i++) {
        const char *t = g->items[i].text;
        if (!t) continue;
        vcd_form_key(t, strlen(t), &k);
        if (k.len == 0) continue;
        keys[i] = vcd_xstrdup(k.data);
        rows[nr++] = (form_row){keys[i], t, g->items[i].entity, i};
    }
    vcd_buf_free(&k);
    qsort(rows, nr, sizeof *rows, compare_rows);
    g->forms = vcd_xmalloc((nr + 1) * sizeof *g->forms);
    int32_t *scratch = vcd_xmalloc((nr + 1) * sizeof *scratch);
    for (size_t i = 0; i < nr;) {
        size_t j = i;
        while (j < nr && strcmp(rows[j].key, rows[i].key) == 0)
            j++;
        form_of_group(g, rows + i, j - i, (int32_t)g->n_forms++, scratch);
        i = j;
    }
    free(scratch);
    for (size_t i = 0; i < g->n; i++)
        free(keys[i]);
    free(keys);
    free(rows);
}

vcd_status vcd_gold_parse(const char *name, const unsigned char *data, size_t len, vcd_gold *out,
                          vcd_eval_warn_fn warn, void *warn_ctx)
{
    memset(out, 0, sizeof *out);
    out->data = data;
    out->len = len;
    warner w = {warn, warn_ctx, name, 0};
    entity_table t = {vcd_strmap_new(), NULL, NULL, 0};
    size_t cap = 0, pos = 0, n;
    const char *p;
    while (vcd_next_line(data, len, &pos, &p, &n)) {
        out->lines++;
        size_t i = 0;
        while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
            i++;
        if (i == n) continue;
        if (out->n == cap) {
            cap = cap ? 2 * cap : 1024;
            out->items = vcd_xrealloc(out->items, cap * sizeof *out->items);
        }
        parse_line(out, &t, &w, p, n, (size_t)((const unsigned char *)p - data));
    }
    if (warn && out->skipped > MAX_WARNINGS) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s: %zu bad lines skipped in all (%d shown)", name, out->skipped,
                 MAX_WARNINGS);
        warn(warn_ctx, msg);
    }
    sort_entities(out, &t);
    free(t.ids);
    free(t.names);
    vcd_strmap_free(t.entities);
    build_forms(out);
    if (out->n == 0) return vcd_fail(VCD_EINPUT, "%s: no usable gold mention", name);
    return VCD_OK;
}

vcd_status vcd_gold_load(const char *path, vcd_gold *out, vcd_eval_warn_fn warn, void *warn_ctx)
{
    vcd_mapped_file f;
    memset(out, 0, sizeof *out);
    vcd_status rc = vcd_map_file(path, &f);
    if (rc) return rc;
    rc = vcd_gold_parse(path, f.data, f.len, out, warn, warn_ctx);
    out->file = f;
    return rc;
}

const char *vcd_gold_entity_name(const vcd_gold *g, int32_t entity)
{
    if (entity < 0 || (size_t)entity >= g->n_entities) return "?";
    return g->entity_names[entity] ? g->entity_names[entity] : g->entity_ids[entity];
}

void vcd_gold_free(vcd_gold *g)
{
    if (!g) return;
    for (size_t i = 0; i < g->n; i++) {
        free(g->items[i].doc_id);
        free(g->items[i].text);
    }
    free(g->items);
    for (size_t i = 0; i < g->n_entities; i++) {
        free(g->entity_ids[i]);
        free(g->entity_names[i]);
    }
    free(g->entity_ids);
    free(g->entity_names);
    for (size_t i = 0; i < g->n_forms; i++) {
        free(g->forms[i].key);
        free(g->forms[i].surface);
    }
    free(g->forms);
    vcd_unmap_file(&g->file);
    memset(g, 0, sizeof *g);
}
