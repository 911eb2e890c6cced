#include "vcd/fileio.h"
#include "vcd/mentions.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const type_names[VCD_TYPE_COUNT] = {"UNK", "PER",   "ORG",  "PRODUCT",
                                                       "LOC", "GROUP", "WORK", "EVENT"};

const char *vcd_type_name(vcd_entity_type t)
{
    return (unsigned)t < VCD_TYPE_COUNT ? type_names[t] : "UNK";
}

/* The one table that maps tagger label sets onto report families. */
static const struct {
    const char *name;
    vcd_entity_type type;
} type_aliases[] = {
    {"person", VCD_TYPE_PER},
    {"per", VCD_TYPE_PER},
    {"corporation", VCD_TYPE_ORG},
    {"org", VCD_TYPE_ORG},
    {"organization", VCD_TYPE_ORG},
    {"product", VCD_TYPE_PRODUCT},
    {"location", VCD_TYPE_LOC},
    {"loc", VCD_TYPE_LOC},
    {"gpe", VCD_TYPE_LOC},
    {"group", VCD_TYPE_GROUP},
    {"creative-work", VCD_TYPE_WORK},
    {"work", VCD_TYPE_WORK},
    {"event", VCD_TYPE_EVENT},
    {"unk", VCD_TYPE_UNK},
    {"misc", VCD_TYPE_UNK},
};

int vcd_type_parse(const char *s)
{
    for (size_t i = 0; i < sizeof type_aliases / sizeof *type_aliases; i++)
        if (strcasecmp(s, type_aliases[i].name) == 0) return (int)type_aliases[i].type;
    return -1;
}

static const char *const source_names[VCD_SRC_COUNT] = {
    "rules:capitalized", "rules:acronym", "rules:hashtag", "rules:gazetteer", "file",
    "cluster-match",     "model"};

const char *vcd_source_name(vcd_mention_source s)
{
    return (unsigned)s < VCD_SRC_COUNT ? source_names[s] : "unknown";
}

int vcd_source_parse(const char *s)
{
    for (int i = 0; i < VCD_SRC_COUNT; i++)
        if (strcmp(s, source_names[i]) == 0) return i;
    return -1;
}

void vcd_mentions_push(vcd_mentions *ms, const vcd_mention *m)
{
    if (ms->n == ms->cap) {
        ms->cap = ms->cap ? ms->cap * 2 : 1024;
        ms->items = vcd_xrealloc(ms->items, ms->cap * sizeof *ms->items);
    }
    ms->items[ms->n++] = *m;
}

void vcd_mentions_free(vcd_mentions *ms)
{
    free(ms->items);
    memset(ms, 0, sizeof *ms);
}

vcd_status vcd_tagger_prepare(vcd_tagger *t, const vcd_corpus *c)
{
    return t->ops->prepare ? t->ops->prepare(t, c) : VCD_OK;
}

void vcd_tagger_batch(vcd_tagger *t, const vcd_corpus *c, size_t doc, size_t *start, size_t *end)
{
    *start = doc;
    *end = doc + 1;
    if (doc < c->n_docs && t->ops->batch) t->ops->batch(t, c, doc, start, end);
}

vcd_status vcd_tagger_tag_corpus(vcd_tagger *t, const vcd_corpus *c, vcd_mentions *out,
                                 vcd_progress_fn progress, void *progress_ctx)
{
    vcd_status rc = vcd_tagger_prepare(t, c);
    for (size_t d = 0; d < c->n_docs && rc == VCD_OK; d++) {
        rc = t->ops->tag_doc(t, c, d, out);
        vcd_corpus_text_done(c, d);
        if (progress && d % 4096 == 0) progress(progress_ctx, "tag", d, c->n_docs);
    }
    vcd_corpus_text_done(c, c->n_docs);
    if (progress && rc == VCD_OK) progress(progress_ctx, "tag", c->n_docs, c->n_docs);
    return rc;
}

const char *vcd_tagger_name(const vcd_tagger *t)
{
    return t->ops->name;
}

void vcd_tagger_free(vcd_tagger *t)
{
    if (t) t->ops->destroy(t);
}

vcd_status vcd_gazetteer_read(const char *path,
                              void (*add)(void *ctx, const char *name, size_t n, int type),
                              void *ctx)
{
    vcd_mapped_file f;
    vcd_status rc = vcd_map_file(path, &f);
    if (rc) return rc;
    size_t pos = 0, line = 0, n;
    const char *p;
    while (vcd_next_line(f.data, f.len, &pos, &p, &n)) {
        line++;
        if (n == 0 || p[0] == '#') continue;
        const char *tab = memchr(p, '\t', n);
        char tname[32];
        size_t tn = tab ? n - (size_t)(tab - p) - 1 : 0;
        if (!tab || tab == p || tn == 0 || tn >= sizeof tname) {
            rc = vcd_fail(VCD_EINPUT, "%s:%zu: expected 'name<TAB>TYPE'", path, line);
            break;
        }
        memcpy(tname, tab + 1, tn);
        tname[tn] = '\0';
        int type = vcd_type_parse(tname);
        if (type < 0) {
            rc = vcd_fail(VCD_EINPUT, "%s:%zu: unknown type '%s'", path, line, tname);
            break;
        }
        add(ctx, p, (size_t)(tab - p), type);
    }
    vcd_unmap_file(&f);
    return rc;
}
