/* Alias groups from the comments themselves: pairs of mentions inside one
 * comment that a writer uses for one entity (see vcd/identity.h). */
#include "vcd/encode.h"
#include "vcd/identity.h"
#include "vcd/mentions.h"
#include "vcd/strmap.h"
#include "vcd/text.h"

#include <stdio.h>
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

/* "Charles Barkley": two capitalised ASCII words, as a person's name is
 * written; such names get nickname variants. */
static int person_name(const char *s, size_t n)
{
    int words = 0, at_start = 1;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == ' ') {
            if (at_start) return 0;
            at_start = 1;
            continue;
        }
        if (at_start ? !(ch >= 'A' && ch <= 'Z') : !(ch >= 'a' && ch <= 'z')) return 0;
        words += at_start;
        at_start = 0;
    }
    return words == 2 && !at_start;
}

static void mine_doc(miner *m, const char *text, const vcd_mention *ms, size_t n, size_t doc)
{
    for (size_t i = 0; i < n; i++) {
        const vcd_mention *x = &ms[i];
        const char *xs = text + x->byte_start;
        size_t xn = x->byte_end - x->byte_start;
        if (xn > MAX_SPAN) continue;
        vcd_span_key(xs, xn, x->source == VCD_SRC_HASHTAG, &m->b);
        /* a hashtag alias keeps its '#' (the encoder splits it at CamelCase) */
        size_t hash = x->source == VCD_SRC_HASHTAG && x->byte_start > 0 && xs[-1] == '#';
        char xk[4 * MAX_SPAN + 8];
        size_t xkn = m->b.len < sizeof xk ? m->b.len : sizeof xk - 1;
        memcpy(xk, m->b.data ? m->b.data : "", xkn);
        if (x->type == VCD_TYPE_PER && person_name(xs, xn)) /* the name itself: a nickname seed */
            note_pair(m, xk, xkn, xs, xn, xs, xn, x->type, 0, doc);
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
                    note_pair(m, xk, xkn, ys, yn, xs - hash, xn + hash, y->type, 1, doc);
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

/* Given names that have nicknames, from nicknames.csv (first column). */
static size_t given_names(const unsigned char *csv, size_t len, char (*out)[32], size_t cap)
{
    size_t pos = 0, n, k = 0;
    const char *line;
    while (vcd_next_line(csv, len, &pos, &line, &n) && k < cap) {
        const char *c1 = memchr(line, ',', n);
        if (!c1 || c1 == line || c1 - line > 30 || !strstr(line, ",has_nickname,")) continue;
        size_t gn = (size_t)(c1 - line);
        if (k && strlen(out[k - 1]) == gn && memcmp(out[k - 1], line, gn) == 0) continue;
        memcpy(out[k], line, gn);
        out[k++][gn] = 0;
    }
    return k;
}

/* Synthetic people: a given name with nicknames x a surname the comments
 * use for a person, written with its nickname variants ("Charles Tyson",
 * "Chuck Tyson"). Same given name with another surname is then a hard
 * negative the trainer finds by itself ("Charles Pence"). */
static void synthetic_people(const mined_pair *p, size_t np, size_t min, const vcd_pairs_options *o,
                             vcd_buf *out, vcd_pairs_stats *st)
{
    enum { MAX_GIVEN = 4096, MAX_SURNAMES = 4096 };
    char(*given)[32] = vcd_xmalloc(MAX_GIVEN * sizeof *given);
    const char **surname = vcd_xmalloc(MAX_SURNAMES * sizeof *surname);
    size_t ng = given_names(o->nicknames, o->nicknames_len, given, MAX_GIVEN), ns = 0;
    vcd_strmap *seen = vcd_strmap_new(), *done = vcd_strmap_new();
    for (size_t i = 0; i < np && ns < MAX_SURNAMES; i++) {
        const char *sp = strrchr(p[i].name, ' ');
        if (p[i].type != VCD_TYPE_PER || p[i].comments < min || !sp ||
            strcmp(p[i].alias, p[i].name) != 0 || !person_name(p[i].name, strlen(p[i].name)))
            continue;
        int ins;
        vcd_strmap_upsert(seen, sp + 1, strlen(sp + 1), 0, &ins);
        if (ins) surname[ns++] = sp + 1;
    }
    vcd_rng rng;
    vcd_rng_seed(&rng, o->seed);
    vcd_buf one = {0};
    for (size_t k = 0; ng && ns && k < o->synthetic_people; k++) {
        const char *g = given[vcd_rng_next(&rng) % ng], *sn = surname[vcd_rng_next(&rng) % ns];
        mined_pair fake = {0};
        char key[96], name[96];
        snprintf(key, sizeof key, "%s %s", g, sn);
        for (char *c = key; *c; c++)
            if (*c >= 'A' && *c <= 'Z') *c = (char)(*c + 32);
        snprintf(name, sizeof name, "%c%s %s", g[0] >= 'a' && g[0] <= 'z' ? g[0] - 32 : g[0], g + 1,
                 sn);
        int ins;
        vcd_strmap_upsert(seen, key, strlen(key), 0, &ins);
        if (!ins) continue;
        fake.group_key = key, fake.name = name, fake.type = VCD_TYPE_PER;
        vcd_buf_clear(&one);
        size_t added = 0;
        emit_nicknames(&fake, o->nicknames, o->nicknames_len, &one, &added, done);
        if (!added) continue;
        vcd_buf_printf(out, "cm:%s\tPER\t%s\n", key, name);
        vcd_buf_append(out, one.data, one.len);
        st->synthetic_people++;
    }
    vcd_buf_free(&one);
    vcd_strmap_free(seen);
    vcd_strmap_free(done);
    free(given);
    free(surname);
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
    vcd_buf nicks = {0};
    for (size_t i = 0; i < m.n; i++) {
        mined_pair *p = &m.p[i];
        int self = strcmp(p->alias, p->name) == 0; /* only a seed for nicknames */
        st->pairs_seen += !self;
        if (!p->strong && p->comments < min) continue;
        vcd_buf_clear(&nicks);
        size_t added = 0;
        if (o->nicknames && p->type == VCD_TYPE_PER)
            emit_nicknames(p, o->nicknames, o->nicknames_len, &nicks, &added, nick_done);
        if (self && !added) continue;
        st->pairs_kept += !self;
        st->nickname_aliases += added;
        const char *type = vcd_type_name(p->type);
        int ins;
        vcd_strmap_upsert(groups, p->group_key, strlen(p->group_key), 0, &ins);
        if (ins) {
            st->groups++;
            vcd_buf_printf(out, "cm:%s\t%s\t%s\n", p->group_key, type, p->name);
        }
        if (!self) vcd_buf_printf(out, "cm:%s\t%s\t%s\n", p->group_key, type, p->alias);
        if (added) vcd_buf_append(out, nicks.data, nicks.len);
    }
    vcd_buf_free(&nicks);
    if (o->nicknames && o->synthetic_people) synthetic_people(m.p, m.n, min, o, out, st);
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
