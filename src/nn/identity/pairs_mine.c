/* Alias groups from the comments themselves: pairs of mentions inside one
 * comment that a writer uses for one entity (see vcd/identity.h). */
#include "vcd/encode.h"
#include "vcd/identity.h"
#include "vcd/mentions.h"
#include "vcd/strmap.h"
#include "vcd/text.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SPAN 120 /* bytes: longer "names" are tagger noise */

typedef struct {
    char *group_key, *name, *alias; /* key of the full name; both surfaces */
    uint8_t type;
    int strong;
    size_t comments;
    size_t last_doc;
} mined_pair;

typedef struct {
    vcd_strmap *index;
    mined_pair *p;
    size_t n, cap;
    vcd_buf a, b, k;
} miner;

static void note_pair(miner *m, const char *gkey, size_t gn, const char *name, size_t nn,
                      const char *alias, size_t an, uint8_t type, int strong, size_t doc)
{
    if (memchr(name, '\t', nn) || memchr(alias, '\t', an) || memchr(name, '\n', nn) ||
        memchr(alias, '\n', an))
        return; /* not writable as TSV */
    vcd_match_key(alias, an, &m->k);
    vcd_buf_clear(&m->a);
    vcd_buf_append(&m->a, gkey, gn);
    vcd_buf_putc(&m->a, '\t');
    vcd_buf_append(&m->a, m->k.data, m->k.len);
    int ins;
    size_t *slot = vcd_strmap_upsert(m->index, m->a.data, m->a.len, m->n, &ins);
    if (ins) {
        if (m->n == m->cap) {
            m->cap = m->cap ? 2 * m->cap : 1024;
            m->p = vcd_xrealloc(m->p, m->cap * sizeof *m->p);
        }
        m->p[m->n++] = (mined_pair){vcd_xstrndup(gkey, gn),
                                    vcd_xstrndup(name, nn),
                                    vcd_xstrndup(alias, an),
                                    type,
                                    0,
                                    0,
                                    (size_t)-1};
    }
    mined_pair *p = &m->p[*slot];
    p->strong |= strong;
    if (p->last_doc != doc) p->comments++, p->last_doc = doc;
}

/* Word boundaries of a key (single spaces between words). */
static size_t last_space(const char *k, size_t n)
{
    for (size_t i = n; i > 0; i--)
        if (k[i - 1] == ' ') return i;
    return 0;
}

static size_t count_words(const char *k, size_t n)
{
    size_t w = n ? 1 : 0;
    for (size_t i = 0; i < n; i++)
        w += k[i] == ' ';
    return w;
}

/* Is key b a word suffix of key a of at least `min_words` words (and shorter)? */
static int word_suffix(const char *a, size_t an, const char *b, size_t bn, size_t min_words)
{
    if (bn >= an || a[an - bn - 1] != ' ' || memcmp(a + an - bn, b, bn) != 0) return 0;
    return count_words(b, bn) >= min_words;
}

/* "logan's" / "logans" -> "logan" */
static size_t strip_possessive(const char *k, size_t n)
{
    if (n > 3 && memcmp(k + n - 2, "'s", 2) == 0) return n - 2;
    if (n > 5 && memcmp(k + n - 4, "\xe2\x80\x99s", 4) == 0) return n - 4;
    if (n > 3 && k[n - 1] == 's' && k[n - 2] != 's') return n - 1;
    return n;
}

static void mine_doc(miner *m, const char *text, const vcd_mention *ms, size_t n, size_t doc)
{
    for (size_t i = 0; i < n; i++) {
        const vcd_mention *x = &ms[i];
        const char *xs = text + x->byte_start;
        size_t xn = x->byte_end - x->byte_start;
        if (xn > MAX_SPAN) continue;
        vcd_span_key(xs, xn, x->source == VCD_SRC_HASHTAG, &m->b);
        char xk[4 * MAX_SPAN + 8];
        size_t xkn = m->b.len < sizeof xk ? m->b.len : sizeof xk - 1;
        memcpy(xk, m->b.data ? m->b.data : "", xkn);
        for (size_t j = 0; j < n; j++) {
            const vcd_mention *y = &ms[j];
            if (j == i || y->byte_end - y->byte_start > MAX_SPAN) continue;
            const char *ys = text + y->byte_start;
            size_t yn = y->byte_end - y->byte_start;
            int later = y->byte_start >= x->byte_end;
            vcd_span_key(ys, yn, y->source == VCD_SRC_HASHTAG, &m->b);
            const char *yk = m->b.data ? m->b.data : "";
            size_t ykn = m->b.len;
            size_t xw = count_words(xk, xkn);
            if (xw < 2 && x->source != VCD_SRC_HASHTAG) {
                /* possessive / plural of a one-word name */
                size_t base = strip_possessive(yk, ykn);
                if (base != ykn && base == xkn && memcmp(yk, xk, xkn) == 0)
                    note_pair(m, xk, xkn, xs, xn, ys, yn, x->type, 0, doc);
                continue;
            }
            if (x->source == VCD_SRC_HASHTAG) {
                if (y->source != VCD_SRC_HASHTAG && ykn == xkn && memcmp(yk, xk, xkn) == 0)
                    note_pair(m, xk, xkn, ys, yn, xs, xn, y->type, 1, doc);
                continue;
            }
            if (later && vcd_is_acronym_of(ys, yn, xs, xn)) {
                note_pair(m, xk, xkn, xs, xn, ys, yn, x->type, 1, doc);
            } else if (later && x->type == VCD_TYPE_PER && xw == 2 &&
                       ykn == xkn - last_space(xk, xkn) &&
                       memcmp(yk, xk + last_space(xk, xkn), ykn) == 0) {
                note_pair(m, xk, xkn, xs, xn, ys, yn, x->type, 0, doc);
            } else if (later && x->type != VCD_TYPE_PER && word_suffix(xk, xkn, yk, ykn, 2)) {
                note_pair(m, xk, xkn, xs, xn, ys, yn, x->type, 0, doc);
            }
        }
    }
}

/* nicknames.csv: given name -> its nicknames (name1,has_nickname,name2). */
static void emit_nicknames(const mined_pair *p, const unsigned char *csv, size_t len, vcd_buf *out,
                           size_t *added, vcd_strmap *done)
{
    const char *sp = strchr(p->group_key, ' ');
    if (!sp || strchr(sp + 1, ' ')) return;
    size_t fn = (size_t)(sp - p->group_key);
    int ins;
    vcd_strmap_upsert(done, p->group_key, strlen(p->group_key), 0, &ins);
    if (!ins) return;
    /* the surname as the comment wrote it: the name's last word */
    const char *surname = strrchr(p->name, ' ');
    if (!surname) return;
    size_t pos = 0, n;
    const char *line;
    while (vcd_next_line(csv, len, &pos, &line, &n)) {
        const char *c1 = memchr(line, ',', n);
        if (!c1 || (size_t)(c1 - line) != fn || memcmp(line, p->group_key, fn) != 0) continue;
        const char *c2 = memchr(c1 + 1, ',', n - (size_t)(c1 + 1 - line));
        if (!c2 || (size_t)(c2 - c1 - 1) != 12 || memcmp(c1 + 1, "has_nickname", 12) != 0) continue;
        const char *nick = c2 + 1;
        size_t nn = n - (size_t)(nick - line);
        if (nn < 2 || nn > 30) continue;
        vcd_buf_printf(out, "cm:%s\t%s\t%c%.*s%s\n", p->group_key, vcd_type_name(p->type),
                       nick[0] >= 'a' && nick[0] <= 'z' ? nick[0] - 32 : nick[0], (int)nn - 1,
                       nick + 1, surname);
        ++*added;
    }
}

vcd_status vcd_pairs_mine(const vcd_corpus *c, const vcd_mentions *ms, const vcd_pairs_options *o,
                          vcd_buf *out, vcd_pairs_stats *st)
{
    memset(st, 0, sizeof *st);
    miner m = {0};
    m.index = vcd_strmap_new();
    size_t from = 0;
    while (from < ms->n) {
        size_t to = from;
        while (to < ms->n && ms->items[to].doc == ms->items[from].doc)
            to++;
        size_t doc = ms->items[from].doc;
        if (doc < c->n_docs) mine_doc(&m, c->docs[doc].text, ms->items + from, to - from, doc);
        from = to;
    }
    vcd_strmap *groups = vcd_strmap_new(), *nick_done = vcd_strmap_new();
    size_t min = o->min_comments ? o->min_comments : 2;
    for (size_t i = 0; i < m.n; i++) {
        mined_pair *p = &m.p[i];
        st->pairs_seen++;
        if (!p->strong && p->comments < min) continue;
        st->pairs_kept++;
        const char *type = vcd_type_name(p->type);
        int ins;
        vcd_strmap_upsert(groups, p->group_key, strlen(p->group_key), 0, &ins);
        if (ins) {
            st->groups++;
            vcd_buf_printf(out, "cm:%s\t%s\t%s\n", p->group_key, type, p->name);
        }
        vcd_buf_printf(out, "cm:%s\t%s\t%s\n", p->group_key, type, p->alias);
        if (o->nicknames && p->type == VCD_TYPE_PER)
            emit_nicknames(p, o->nicknames, o->nicknames_len, out, &st->nickname_aliases,
                           nick_done);
    }
    for (size_t i = 0; i < m.n; i++) {
        free(m.p[i].group_key);
        free(m.p[i].name);
        free(m.p[i].alias);
    }
    free(m.p);
    vcd_strmap_free(m.index);
    vcd_strmap_free(groups);
    vcd_strmap_free(nick_done);
    vcd_buf_free(&m.a);
    vcd_buf_free(&m.b);
    vcd_buf_free(&m.k);
    return VCD_OK;
}
