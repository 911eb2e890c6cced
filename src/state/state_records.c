/* Reading a state directory's records (docs, mentions, entities) for the
 * commands that summarise results. Every cross-reference is checked, so
 * the summarising code can index without bounds worries. */
#include "vcd/fileio.h"
#include "vcd/state.h"
#include "vcd/strmap.h"
#include "state_files.h"
#include "state_internal.h"

#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A record reader returns NULL when the line is usable, else what is wrong
 * with it (for the error message). */
typedef const char *(*record_fn)(vcd_records *r, const cJSON *o, void *ctx);

/* Calls `fn` on every line of dir/name once the file matches the manifest's
 * record of it; a line that is not a JSON object or that `fn` rejects is an
 * error naming the file, the line and the reason. */
static vcd_status for_each_line(vcd_records *r, const cJSON *man, const char *dir, const char *name,
                                record_fn fn, void *ctx)
{
    vcd_mapped_file f;
    vcd_status rc = state_file_map(man, dir, name, &f);
    if (rc) return rc;
    size_t pos = 0, n, line = 0;
    const char *p;
    while (rc == VCD_OK && vcd_next_line(f.data, f.len, &pos, &p, &n)) {
        line++;
        cJSON *o = cJSON_ParseWithLength(p, n);
        const char *why = cJSON_IsObject(o) ? fn(r, o, ctx) : "not a JSON object";
        if (why) rc = vcd_fail(VCD_EINPUT, "%s/%s:%zu: %s", dir, name, line, why);
        cJSON_Delete(o);
    }
    vcd_unmap_file(&f);
    return rc;
}

static char *dup_or_empty(const char *s)
{
    return vcd_xstrdup(s ? s : "");
}

static const char *read_doc(vcd_records *r, const cJSON *o, void *ctx)
{
    size_t *cap = ctx;
    const char *id = state_str(o, "id"), *date = state_str(o, "date");
    if (!id) return "document without a string \"id\"";
    int64_t t = VCD_NO_DATE;
    if (date && vcd_parse_iso8601(date, strlen(date), &t) != VCD_OK)
        return "\"date\" is not an ISO 8601 date";
    if (r->n_docs == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        r->docs = vcd_xrealloc(r->docs, *cap * sizeof *r->docs);
    }
    vcd_record_doc *d = &r->docs[r->n_docs++];
    d->id = vcd_xstrdup(id);
    d->author = dup_or_empty(state_str(o, "author"));
    d->text = state_str(o, "text") ? vcd_xstrdup(state_str(o, "text")) : NULL;
    d->time = t;
    double likes = state_num(o, "likes", -1), replies = state_num(o, "replies", -1);
    d->likes = likes >= 0 && likes < 9e18 ? (int64_t)likes : -1;
    d->replies = replies >= 0 && replies < 9e18 ? (int64_t)replies : -1;
    return NULL;
}

typedef struct {
    size_t cap;
    struct vcd_strmap *doc_ids;
} mention_ctx;

static const char *read_mention(vcd_records *r, const cJSON *o, void *ctx)
{
    mention_ctx *mc = ctx;
    const char *doc_id = state_str(o, "doc_id"), *text = state_str(o, "text");
    double start = state_num(o, "start", -1), end = state_num(o, "end", -1);
    double eid = state_num(o, "entity_id", -2);
    if (!doc_id || !text) return "mention without a string \"doc_id\" or \"text\"";
    if (start < 0 || end <= start || end > 4e9 || start != floor(start) || end != floor(end))
        return "bad \"start\"/\"end\" offsets";
    if (eid < -1 || eid >= (double)r->n_entities || eid != floor(eid))
        return "\"entity_id\" is not an entity of entities.json";
    size_t doc = vcd_strmap_get(mc->doc_ids, doc_id, strlen(doc_id), SIZE_MAX);
    if (doc == SIZE_MAX) return "\"doc_id\" is not a document of docs.jsonl";
    if (r->n_mentions == mc->cap) {
        mc->cap = mc->cap ? mc->cap * 2 : 1024;
        r->mentions = vcd_xrealloc(r->mentions, mc->cap * sizeof *r->mentions);
    }
    vcd_record_mention *m = &r->mentions[r->n_mentions++];
    m->doc = (uint32_t)doc;
    m->start = (uint32_t)start;
    m->end = (uint32_t)end;
    m->entity_id = (int32_t)eid;
    int type = state_str(o, "type") ? vcd_type_parse(state_str(o, "type")) : 0;
    int source = state_str(o, "source") ? vcd_source_parse(state_str(o, "source")) : -1;
    m->type = (uint8_t)(type < 0 ? 0 : type);
    m->source = (uint8_t)(source < 0 ? VCD_SRC_FILE : source);
    double ts = state_num(o, "tagger_score", 1);
    m->tagger_score = ts >= 0 && ts <= 1 ? (float)ts : 1.0f;
    m->text = vcd_xstrdup(text);
    return NULL;
}

static vcd_status read_aliases(vcd_record_entity *x, const cJSON *arr)
{
    size_t n = (size_t)cJSON_GetArraySize(arr);
    x->aliases = vcd_xcalloc(n ? n : 1, sizeof *x->aliases);
    const cJSON *a;
    cJSON_ArrayForEach(a, arr)
    {
        const char *text = state_str(a, "text");
        if (!text) return VCD_EINPUT;
        x->aliases[x->n_aliases].text = vcd_xstrdup(text);
        x->aliases[x->n_aliases++].count = (size_t)state_num(a, "count", 0);
    }
    return VCD_OK;
}

vcd_status state_read_entities(const cJSON *man, const char *dir, vcd_record_entity **out,
                               size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    vcd_mapped_file f;
    vcd_status rc = state_file_map(man, dir, "entities.json", &f);
    if (rc) return rc;
    cJSON *root = cJSON_ParseWithLength((const char *)f.data, f.len);
    vcd_unmap_file(&f);
    if (!root) return vcd_fail(VCD_EINPUT, "%s/entities.json: not valid JSON", dir);
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "entities"), *e;
    const char *schema = state_str(root, "schema");
    if (!cJSON_IsArray(arr) || !schema || strcmp(schema, "vcdiscover.entities/1") != 0) {
        cJSON_Delete(root);
        return vcd_fail(VCD_EINPUT, "%s/entities.json: not a vcdiscover.entities/1 document", dir);
    }
    size_t n = (size_t)cJSON_GetArraySize(arr);
    vcd_record_entity *ents = vcd_xcalloc(n ? n : 1, sizeof *ents);
    size_t count = 0;
    cJSON_ArrayForEach(e, arr)
    {
        const char *name = state_str(e, "name"), *type = state_str(e, "type");
        vcd_record_entity *x = &ents[count++]; /* counted now, so partial aliases are freed */
        if (!name || state_num(e, "id", -1) != (double)(count - 1) ||
            read_aliases(x, cJSON_GetObjectItemCaseSensitive(e, "aliases")) != VCD_OK) {
            rc = vcd_fail(VCD_EINPUT, "%s/entities.json: entity %zu malformed or out of order", dir,
                          count - 1);
            break;
        }
        x->id = (int32_t)(count - 1);
        x->name = vcd_xstrdup(name);
        const char *kb_id = state_str(e, "kb_id");
        x->kb_id = kb_id ? vcd_xstrdup(kb_id) : NULL;
        int t = type ? vcd_type_parse(type) : 0;
        x->type = (uint8_t)(t < 0 ? 0 : t);
        x->size = (size_t)state_num(e, "size", 0);
    }
    cJSON_Delete(root);
    if (rc) {
        state_free_entities(ents, count);
        return rc;
    }
    *out = ents;
    *n_out = count;
    return VCD_OK;
}

void state_free_entities(vcd_record_entity *ents, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(ents[i].name);
        free(ents[i].kb_id);
        for (size_t a = 0; a < ents[i].n_aliases; a++)
            free(ents[i].aliases[a].text);
        free(ents[i].aliases);
    }
    free(ents);
}

static vcd_status read_manifest(vcd_records *r, const char *dir, cJSON **out)
{
    vcd_status rc;
    cJSON *man = state_read_json(dir, "manifest.json", &rc);
    if (rc) return rc;
    const char *schema = state_str(man, "schema");
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(man, "input");
    if (!schema || strcmp(schema, VCD_STATE_MANIFEST_SCHEMA) != 0 || !cJSON_IsObject(in)) {
        rc = vcd_fail(VCD_EINPUT, "%s/manifest.json: schema is not %s (re-run `cluster`)", dir,
                      VCD_STATE_MANIFEST_SCHEMA);
        cJSON_Delete(man);
        return rc;
    }
    r->has_dates = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(in, "has_dates"));
    r->has_likes = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(in, "has_likes"));
    r->has_replies = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(in, "has_replies"));
    r->input_path = dup_or_empty(state_str(in, "path"));
    *out = man;
    return VCD_OK;
}

static int merge_cmp(const void *x, const void *y)
{
    const vcd_record_merge *a = x, *b = y;
    if (a->p != b->p) return a->p > b->p ? -1 : 1;
    if (a->a != b->a) return a->a < b->a ? -1 : 1;
    return (a->b > b->b) - (a->b < b->b);
}

/* One listed proposal of updates[u].merges[k], checked against the
 * entities; a later update's p replaces an earlier one's for the pair. */
static vcd_status add_merge(vcd_records *r, vcd_strmap *seen, const cJSON *m, const char *dir,
                            int u, int k)
{
    double a = state_num(m, "a", -1), b = state_num(m, "b", -1), p = state_num(m, "p", -1);
    double n = (double)r->n_entities;
    if (!(a >= 0 && a < n && b >= 0 && b < n && a != b && a == (int32_t)a && b == (int32_t)b &&
          p >= 0 && p <= 1))
        return vcd_fail(VCD_EINPUT,
                        "%s/manifest.json: updates[%d].merges[%d]: not two of the %zu entities "
                        "and a probability",
                        dir, u, k, r->n_entities);
    vcd_record_merge x = {(int32_t)(a < b ? a : b), (int32_t)(a < b ? b : a), (float)p};
    int32_t key[2] = {x.a, x.b};
    int inserted;
    size_t *at = vcd_strmap_upsert(seen, (const char *)key, sizeof key, r->n_merges, &inserted);
    if (!inserted) {
        r->merges[*at].p = x.p;
        return VCD_OK;
    }
    r->merges = vcd_xrealloc(r->merges, (r->n_merges + 1) * sizeof *r->merges);
    r->merges[r->n_merges++] = x;
    return VCD_OK;
}

/* The merges every update proposed (manifest `updates[].merges`). */
static vcd_status read_merges(vcd_records *r, const cJSON *man, const char *dir)
{
    const cJSON *ups = cJSON_GetObjectItemCaseSensitive(man, "updates");
    vcd_status rc = VCD_OK;
    vcd_strmap *seen = vcd_strmap_new();
    int u = 0;
    for (const cJSON *up = cJSON_IsArray(ups) ? ups->child : NULL; up && !rc; up = up->next, u++) {
        const cJSON *ms = cJSON_GetObjectItemCaseSensitive(up, "merges");
        int k = 0;
        for (const cJSON *m = cJSON_IsArray(ms) ? ms->child : NULL; m && !rc; m = m->next, k++)
            rc = add_merge(r, seen, m, dir, u, k);
    }
    vcd_strmap_free(seen);
    if (!rc && r->n_merges) qsort(r->merges, r->n_merges, sizeof *r->merges, merge_cmp);
    return rc;
}

vcd_status vcd_records_load(const char *dir, vcd_records *out)
{
    memset(out, 0, sizeof *out);
    size_t doc_cap = 0;
    cJSON *man = NULL;
    vcd_status rc = read_manifest(out, dir, &man);
    if (!rc) rc = state_read_entities(man, dir, &out->entities, &out->n_entities);
    if (!rc) rc = read_merges(out, man, dir);
    if (!rc) rc = for_each_line(out, man, dir, "docs.jsonl", read_doc, &doc_cap);
    mention_ctx mc = {0, vcd_strmap_new()};
    for (size_t i = 0; !rc && i < out->n_docs; i++) {
        int inserted;
        *vcd_strmap_upsert(mc.doc_ids, out->docs[i].id, strlen(out->docs[i].id), i, &inserted) = i;
    }
    if (!rc) rc = for_each_line(out, man, dir, "mentions.jsonl", read_mention, &mc);
    vcd_strmap_free(mc.doc_ids);
    cJSON_Delete(man);
    if (rc) vcd_records_free(out);
    return rc;
}

void vcd_records_free(vcd_records *r)
{
    for (size_t i = 0; i < r->n_docs; i++) {
        free(r->docs[i].id);
        free(r->docs[i].author);
        free(r->docs[i].text);
    }
    free(r->docs);
    for (size_t i = 0; i < r->n_mentions; i++)
        free(r->mentions[i].text);
    free(r->mentions);
    state_free_entities(r->entities, r->n_entities);
    free(r->input_path);
    free(r->merges);
    memset(r, 0, sizeof *r);
}

/* Byte offset of code point `cp` in s, or SIZE_MAX past the end (unlike
 * vcd_utf8_offset, which stops at the end: a span past its comment is
 * damage, not a span to the end). */
static size_t byte_offset(const char *s, size_t len, uint32_t cp)
{
    size_t i = 0;
    for (uint32_t k = 0; k < cp; k++) {
        if (i >= len) return SIZE_MAX;
        i++;
        while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

int state_record_mention(const vcd_records *r, size_t i, vcd_mention *out)
{
    const vcd_record_mention *m = &r->mentions[i];
    const char *text = r->docs[m->doc].text;
    if (!text) return 0;
    size_t len = strlen(text), tn = strlen(m->text);
    size_t bs = byte_offset(text, len, m->start), be = byte_offset(text, len, m->end);
    if (bs == SIZE_MAX || be == SIZE_MAX || be - bs != tn || memcmp(text + bs, m->text, tn))
        return 0;
    *out = (vcd_mention){.doc = m->doc,
                         .start = m->start,
                         .end = m->end,
                         .byte_start = (uint32_t)bs,
                         .byte_end = (uint32_t)be,
                         .type = m->type,
                         .source = m->source,
                         .score = m->tagger_score,
                         .form = -1,
                         .entity_id = m->entity_id};
    return 1;
}

/* Two stable counting sorts, by document then by entity. */
void vcd_records_group_by_entity(const vcd_records *r, size_t **order_out, size_t **start_out)
{
    size_t n = 0;
    size_t *by_doc = vcd_xmalloc((r->n_mentions + 1) * sizeof *by_doc);
    size_t *order = vcd_xmalloc((r->n_mentions + 1) * sizeof *order);
    size_t *count = vcd_xcalloc(r->n_docs + 1, sizeof *count);
    for (size_t i = 0; i < r->n_mentions; i++)
        if (r->mentions[i].entity_id >= 0) {
            count[r->mentions[i].doc + 1]++;
            n++;
        }
    for (size_t d = 0; d < r->n_docs; d++)
        count[d + 1] += count[d];
    for (size_t i = 0; i < r->n_mentions; i++)
        if (r->mentions[i].entity_id >= 0) by_doc[count[r->mentions[i].doc]++] = i;
    free(count);
    size_t *start = vcd_xcalloc(r->n_entities + 2, sizeof *start);
    for (size_t k = 0; k < n; k++)
        start[r->mentions[by_doc[k]].entity_id + 2]++;
    for (size_t e = 0; e < r->n_entities; e++)
        start[e + 2] += start[e + 1];
    for (size_t k = 0; k < n; k++)
        order[start[r->mentions[by_doc[k]].entity_id + 1]++] = by_doc[k];
    free(by_doc);
    *order_out = order;
    *start_out = start; /* after the fill, start[e] is the first slot of entity e */
}
