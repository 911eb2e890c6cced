/* Knowledge-base flags of the default tagger: every word inside a name the
 * shipped KB knows lights B/I flags of that name's source (a GeoNames city,
 * a country, a demonym, a company name, a ticker symbol, a place code, a
 * given name), each source its own pair of inputs, so the network learns how
 * far to trust each: a company name is good evidence, a ticker symbol like
 * "ALL" or a nickname like "Sue" much weaker.
 *
 * The source is read off the entry's id namespace, which the importers set
 * ("geonames:", "country:<cca3>", "country:<cca3>:people", "ticker:") and
 * the alias's strength (weak aliases are codes and symbols); given names are
 * the keys of the KB's nickname pairs. Entries of other namespaces (a
 * user's TSV) light nothing: the model never saw them in training. */
#include "ner_internal.h"
#include "vcd/kb.h"

#include <stdlib.h>
#include <string.h>

const char *const ner_kb_source_names[NER_KB_SOURCES] = {
    "city", "country", "demonym", "company", "ticker", "place-code", "given-name"};

static int has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

/* The feature source of one alias of an entry with this id, or -1. */
static int alias_source(const char *id, vcd_kb_strength strength)
{
    int weak = strength == VCD_KB_WEAK;
    if (has_prefix(id, "geonames:")) return weak ? NER_KB_PLACE_CODE : NER_KB_CITY;
    if (has_prefix(id, "ticker:")) return weak ? NER_KB_TICKER : NER_KB_COMPANY;
    if (has_prefix(id, "country:")) {
        size_t n = strlen(id);
        if (n > 7 && strcmp(id + n - 7, ":people") == 0) return NER_KB_DEMONYM;
        return weak ? NER_KB_PLACE_CODE : NER_KB_COUNTRY;
    }
    return -1;
}

static void mark(vcd_strmap *map, const char *key, size_t n, int source)
{
    if (!n) return;
    int inserted;
    size_t *v = vcd_strmap_upsert(map, key, n, 0, &inserted);
    *v |= (size_t)1 << source;
}

void ner_kb_index_build(const vcd_kb *kb, ner_kb_index *out)
{
    memset(out, 0, sizeof *out);
    out->map = vcd_strmap_new();
    out->digest = vcd_kb_digest(kb);
    vcd_buf key = {0};
    vcd_kb_key_scratch key_scratch = {0};
    const char **alias = NULL;
    vcd_kb_strength *strength = NULL;
    size_t cap = 0;
    for (uint32_t e = 0; e < vcd_kb_size(kb); e++) {
        const char *id = vcd_kb_id(kb, e);
        size_t total = vcd_kb_aliases(kb, e, NULL, NULL, 0);
        if (total > cap) {
            cap = total;
            alias = vcd_xrealloc(alias, cap * sizeof *alias);
            strength = vcd_xrealloc(strength, cap * sizeof *strength);
        }
        vcd_kb_aliases(kb, e, alias, strength, total);
        for (size_t i = 0; i < total; i++) {
            int src = alias_source(id, strength[i]);
            if (src < 0) continue;
            vcd_kb_key_with(alias[i], strlen(alias[i]), &key, &key_scratch);
            mark(out->map, key.data, key.len, src);
        }
    }
    const char *a, *b;
    for (size_t i = 0; vcd_kb_nickname_at(kb, i, &a, &b); i++) {
        mark(out->map, a, strlen(a), NER_KB_GIVEN_NAME);
        mark(out->map, b, strlen(b), NER_KB_GIVEN_NAME);
    }
    free(alias);
    free(strength);
    vcd_buf_free(&key);
    vcd_kb_key_scratch_free(&key_scratch);
}

void ner_kb_index_free(ner_kb_index *g)
{
    vcd_strmap_free(g->map);
    memset(g, 0, sizeof *g);
}

/* Every word's KB key into sc->kb_keys (buffers kept across sentences). */
static void sentence_kb_keys(const vcd_word_seq *s, ner_scratch *sc)
{
    if (s->n > sc->cap_kb) {
        sc->kb_keys = vcd_xrealloc(sc->kb_keys, s->n * sizeof *sc->kb_keys);
        memset(sc->kb_keys + sc->cap_kb, 0, (s->n - sc->cap_kb) * sizeof *sc->kb_keys);
        sc->cap_kb = s->n;
    }
    for (size_t i = 0; i < s->n; i++)
        vcd_kb_key_with(s->words[i], s->lens[i], &sc->kb_keys[i], &sc->kb_key);
}

/* Longest match, leftmost first, per source: at each word, the longest name
 * of that source starting there lights B on its first word and I on the
 * rest, unless an earlier name of the same source already covers the word.
 * A word with no letters or digits ends every name. */
void ner_kb_flags(const vcd_ner_model *m, const vcd_word_seq *s, ner_features *f, size_t base,
                  ner_scratch *sc)
{
    const ner_config *c = &m->cfg;
    if (!c->kb_sources || !m->kb.map) return;
    sentence_kb_keys(s, sc);
    size_t kb0 = c->vec_dim + NER_FLAGS + 2 * c->n_types;
    size_t free_from[NER_KB_SOURCES] = {0};
    for (size_t i = 0; i < s->n; i++) {
        size_t longest[NER_KB_SOURCES] = {0};
        vcd_buf_clear(&sc->join);
        for (size_t len = 1; len <= NER_GAZ_MAX_WORDS && i + len <= s->n; len++) {
            const vcd_buf *wk = &sc->kb_keys[i + len - 1];
            if (!wk->len) break;
            if (len > 1) vcd_buf_putc(&sc->join, ' ');
            vcd_buf_append(&sc->join, wk->data, wk->len);
            size_t bits = vcd_strmap_get(m->kb.map, sc->join.data, sc->join.len, 0);
            for (size_t src = 0; src < NER_KB_SOURCES; src++)
                if (bits & ((size_t)1 << src)) longest[src] = len;
        }
        for (size_t src = 0; src < NER_KB_SOURCES; src++) {
            if (!longest[src] || i < free_from[src]) continue;
            for (size_t k = i; k < i + longest[src]; k++)
                f->dense[(base + k) * c->n_dense + kb0 + 2 * src + (k > i)] = 1;
            free_from[src] = i + longest[src];
        }
    }
}
