/* Alias groups for the identity encoder: `group<TAB>type<TAB>alias` lines.
 * Aliases are deduplicated per group by match key. */
#include "identity_train_internal.h"
#include "vcd/strmap.h"
#include "vcd/text.h"

#include <stdlib.h>
#include <string.h>

#define MAX_FIELD 256

vcd_alias_groups *vcd_alias_groups_new(void)
{
    vcd_alias_groups *g = vcd_xcalloc(1, sizeof *g);
    g->by_name = vcd_strmap_new();
    g->seen = vcd_strmap_new();
    return g;
}

void vcd_alias_groups_free(vcd_alias_groups *g)
{
    if (!g) return;
    for (size_t i = 0; i < g->n_groups; i++) {
        free(g->name[i]);
        free(g->type[i]);
    }
    for (size_t i = 0; i < g->n_alias; i++)
        free(g->alias[i]);
    free(g->name);
    free(g->type);
    free(g->alias);
    free(g->alias_group);
    vcd_strmap_free(g->by_name);
    vcd_strmap_free(g->seen);
    vcd_buf_free(&g->key);
    free(g);
}

size_t vcd_alias_groups_count(const vcd_alias_groups *g)
{
    return g->n_groups;
}

static size_t group_index(vcd_alias_groups *g, const char *name, size_t nn, const char *type,
                          size_t tn)
{
    int inserted;
    size_t *slot = vcd_strmap_upsert(g->by_name, name, nn, g->n_groups, &inserted);
    if (!inserted) return *slot;
    if (g->n_groups == g->groups_cap) {
        g->groups_cap = g->groups_cap ? 2 * g->groups_cap : 1024;
        g->name = vcd_xrealloc(g->name, g->groups_cap * sizeof *g->name);
        g->type = vcd_xrealloc(g->type, g->groups_cap * sizeof *g->type);
    }
    g->name[g->n_groups] = vcd_xstrndup(name, nn);
    g->type[g->n_groups] = vcd_xstrndup(type, tn);
    return g->n_groups++;
}

static void add_alias(vcd_alias_groups *g, size_t group, const char *alias, size_t an)
{
    vcd_match_key(alias, an, &g->key);
    vcd_buf_append(&g->key, &group, sizeof group); /* one key per (group, alias) */
    int inserted;
    vcd_strmap_upsert(g->seen, g->key.data, g->key.len, 0, &inserted);
    if (!inserted) return;
    if (g->n_alias == g->alias_cap) {
        g->alias_cap = g->alias_cap ? 2 * g->alias_cap : 4096;
        g->alias = vcd_xrealloc(g->alias, g->alias_cap * sizeof *g->alias);
        g->alias_group = vcd_xrealloc(g->alias_group, g->alias_cap * sizeof *g->alias_group);
    }
    g->alias[g->n_alias] = vcd_xstrndup(alias, an);
    g->alias_group[g->n_alias++] = group;
}

/* Splits a line into exactly three non-empty tab-separated fields. */
static int split3(const char *line, size_t n, const char **f, size_t *fl)
{
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && line[i] != '\t') continue;
        if (k == 3) return 0;
        f[k] = line + start;
        fl[k++] = i - start;
        start = i + 1;
    }
    return k == 3 && fl[0] && fl[1] && fl[2] && fl[0] < MAX_FIELD && fl[1] < MAX_FIELD &&
           fl[2] < MAX_FIELD;
}

vcd_status vcd_alias_groups_add_tsv(vcd_alias_groups *g, const char *name,
                                    const unsigned char *data, size_t len, size_t *skipped)
{
    size_t pos = 0, n, bad = 0, lines = 0;
    const char *line;
    while (vcd_next_line(data, len, &pos, &line, &n)) {
        lines++;
        if (n == 0 || line[0] == '#') continue;
        const char *f[3];
        size_t fl[3];
        if (!vcd_utf8_valid(line, n) || !split3(line, n, f, fl)) {
            bad++;
            continue;
        }
        size_t gi = group_index(g, f[0], fl[0], f[1], fl[1]);
        add_alias(g, gi, f[2], fl[2]);
    }
    if (skipped) *skipped += bad;
    if (lines && bad == lines)
        return vcd_fail(VCD_EINPUT, "%s: no line reads group<TAB>type<TAB>alias", name);
    return VCD_OK;
}

size_t vcd_alias_groups_add_acronyms(vcd_alias_groups *g)
{
    size_t n = g->n_alias, added = 0;
    vcd_buf all = {0}, content = {0}, up = {0};
    for (size_t a = 0; a < n; a++) {
        const char *s = g->alias[a];
        if (vcd_initials(s, strlen(s), &all, &content) < 3 || content.len < 3 || content.len > 6)
            continue;
        vcd_buf_clear(&up);
        for (size_t i = 0; i < content.len; i++) {
            char ch = content.data[i];
            vcd_buf_putc(&up, ch >= 'a' && ch <= 'z' ? (char)(ch - 32) : ch);
        }
        size_t before = g->n_alias;
        add_alias(g, g->alias_group[a], up.data, up.len);
        added += g->n_alias - before;
    }
    vcd_buf_free(&all);
    vcd_buf_free(&content);
    vcd_buf_free(&up);
    return added;
}
