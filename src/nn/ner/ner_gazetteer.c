/* The tagger's gazetteer: entity names from the training side, stored next
 * to the weights as "key<TAB>type<TAB>sentences" lines. */
#include "ner_internal.h"

#include <stdlib.h>
#include <string.h>

void ner_gazetteer_free(ner_gazetteer *g)
{
    vcd_strmap_free(g->map);
    for (size_t i = 0; i < g->n; i++)
        free(g->key[i]);
    free(g->key);
    free(g->type);
    free(g->count);
    memset(g, 0, sizeof *g);
}

void ner_gazetteer_add(ner_gazetteer *g, const char *key, size_t n, int32_t type, uint32_t count)
{
    if (!g->map) g->map = vcd_strmap_new();
    int inserted;
    size_t *slot = vcd_strmap_upsert(g->map, key, n, g->n, &inserted);
    if (!inserted) {
        g->count[*slot] += count;
        return;
    }
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 256;
        g->key = vcd_xrealloc(g->key, g->cap * sizeof *g->key);
        g->type = vcd_xrealloc(g->type, g->cap * sizeof *g->type);
        g->count = vcd_xrealloc(g->count, g->cap * sizeof *g->count);
    }
    g->key[g->n] = vcd_xstrndup(key, n);
    g->type[g->n] = type;
    g->count[g->n] = count;
    g->n++;
}

/* 1 .. NER_GAZ_MAX_WORDS words separated by single spaces. */
static int valid_key(const char *s, size_t n)
{
    if (n == 0 || s[0] == ' ' || s[n - 1] == ' ') return 0;
    size_t words = 1;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ' ') {
            if (s[i + 1] == ' ') return 0;
            words++;
        }
    return words <= NER_GAZ_MAX_WORDS;
}

static int find_type(const ner_config *c, const char *s, size_t n)
{
    for (size_t t = 0; t < c->n_types; t++)
        if (strlen(c->types[t]) == n && memcmp(c->types[t], s, n) == 0) return (int)t;
    return -1;
}

static vcd_status parse_line(const char *name, size_t line_no, const char *line, size_t n,
                             const ner_config *c, ner_gazetteer *g)
{
    const char *tab1 = memchr(line, '\t', n);
    const char *tab2 = tab1 ? memchr(tab1 + 1, '\t', n - (size_t)(tab1 + 1 - line)) : NULL;
    if (!tab2)
        return vcd_fail(VCD_EINPUT, "%s:%zu: expected key<TAB>type<TAB>count", name, line_no);
    size_t klen = (size_t)(tab1 - line);
    if (!valid_key(line, klen))
        return vcd_fail(VCD_EINPUT, "%s:%zu: bad key (1 to %d words, single spaces)", name, line_no,
                        NER_GAZ_MAX_WORDS);
    int type = find_type(c, tab1 + 1, (size_t)(tab2 - tab1 - 1));
    if (type < 0)
        return vcd_fail(VCD_EINPUT, "%s:%zu: type not in the model's labels", name, line_no);
    char num[16];
    size_t nl = n - (size_t)(tab2 + 1 - line);
    if (nl == 0 || nl >= sizeof num)
        return vcd_fail(VCD_EINPUT, "%s:%zu: bad count", name, line_no);
    memcpy(num, tab2 + 1, nl);
    num[nl] = '\0';
    char *end;
    unsigned long count = strtoul(num, &end, 10);
    if (*end || num[0] < '0' || num[0] > '9' || count == 0 || count > 1000000000UL)
        return vcd_fail(VCD_EINPUT, "%s:%zu: bad count '%s'", name, line_no, num);
    if (vcd_strmap_get(g->map, line, klen, SIZE_MAX) != SIZE_MAX)
        return vcd_fail(VCD_EINPUT, "%s:%zu: duplicate key", name, line_no);
    ner_gazetteer_add(g, line, klen, type, (uint32_t)count);
    return VCD_OK;
}

vcd_status ner_gazetteer_parse(const char *name, const unsigned char *data, size_t len,
                               const ner_config *c, ner_gazetteer *out)
{
    memset(out, 0, sizeof *out);
    out->map = vcd_strmap_new();
    if (!vcd_utf8_valid((const char *)data, len)) {
        ner_gazetteer_free(out);
        return vcd_fail(VCD_EINPUT, "%s: not UTF-8 text", name);
    }
    size_t pos = 0, line_no = 0, n;
    const char *line;
    while (vcd_next_line(data, len, &pos, &line, &n)) {
        line_no++;
        if (n == 0 || line[0] == '#') continue;
        vcd_status rc = parse_line(name, line_no, line, n, c, out);
        if (rc) {
            ner_gazetteer_free(out);
            return rc;
        }
    }
    return VCD_OK;
}

void ner_gazetteer_text(const ner_gazetteer *g, const ner_config *c, vcd_buf *out)
{
    vcd_buf_clear(out);
    vcd_buf_puts(
        out, "# Entity names from the training data: match key<TAB>type<TAB>training mentions\n");
    for (size_t i = 0; i < g->n; i++)
        vcd_buf_printf(out, "%s\t%s\t%u\n", g->key[i], c->types[g->type[i]], g->count[i]);
}
