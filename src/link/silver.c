/* Silver labels from known names; see vcd/silver.h. Names are keyed by the
 * match keys of their tokens joined by single spaces, so "Spider-Man" in a
 * gazetteer and "spider - man" in a comment meet. Matching is greedy left
 * to right, longest name first, so spans never overlap.
 *
 * A one-word name that is also an ordinary word needs the comment to write
 * it like a name, or every "the", "oh" and "us" in 50,000 comments would
 * become an entity (clusters do contain such aliases): an acronym ("US")
 * must be in capitals, a common word ("Apple", "Chris") capitalised, and
 * the most frequent words are never names on their own. Word ranks come
 * from Wikipedia, not comments, so the comments get their own say: a
 * one-word name they mostly write in lower case is an ordinary word there.
 * With labelled data (--gold), a name the annotators mostly left untagged
 * is not used either. */
#include "vcd/silver.h"
#include "vcd/eval.h"
#include "vcd/fileio.h"
#include "vcd/state.h"
#include "vcd/strmap.h"
#include "vcd/text.h"
#include "vcd/vectors.h"

#include <stdlib.h>
#include <string.h>

#define SILVER_MAX_WORDS 6
#define FUNCTION_WORD_RANK 1000 /* never a name alone */
#define COMMON_WORD_RANK 20000  /* a name only when capitalised */
/* A one-word name the comments write in lower case this often (of at
 * least LOWERCASE_MIN_SEEN mid-sentence uses) is an ordinary word there:
 * "fuck", "trending" and "subbed" all turn up among cluster aliases. */
#define LOWERCASE_SHARE 0.75
#define LOWERCASE_MIN_SEEN 5
/* A name labelled data leaves unlabelled this often (of at least
 * GOLD_MIN_SEEN uses) is not one the annotators would tag ("OMG"). */
#define GOLD_MIN_SEEN 3

/* The casing a match of a one-word name needs. */
enum { CASE_ANY = 0, CASE_CAPITALISED = 1, CASE_CAPITALS = 2 };

/* Why a name is not used (0: it is). */
enum { NAME_USED = 0, NAME_AMBIGUOUS, NAME_LOWERCASE, NAME_GOLD_TEXT };

void vcd_silver_options_default(vcd_silver_options *o)
{
    memset(o, 0, sizeof *o);
    o->min_alias_count = 2;
}

typedef struct {
    int type, casing, dropped;
    uint8_t one_word;
    size_t seen_mid, seen_mid_cased; /* one-word names: uses in the comments */
    size_t gold_seen, gold_labelled; /* uses in labelled data, and inside a chunk */
} name_info;

typedef struct {
    vcd_strmap *names; /* key -> index into info */
    name_info *info;
    size_t n, cap;
    const vcd_vectors *vec; /* word ranks; may be NULL */
    vcd_tokens toks;
    vcd_buf key, word;
    vcd_word_keys words; /* the current text's word keys */
} name_table;

/* Key of text[0..n) (vcd_name_key); its tokens stay in t->words.toks. */
static int name_key(name_table *t, const char *text, size_t n)
{
    return vcd_name_key(text, n, SILVER_MAX_WORDS, &t->words, &t->key);
}

static long word_rank(const name_table *t, const char *key, size_t n)
{
    return t->vec ? vcd_vectors_find(t->vec, key, n) : -1;
}

/* The casing a one-word name needs, or -1 when it cannot stand alone. */
static int one_word_casing(const name_table *t, const vcd_token *tok)
{
    if (tok->cp_end - tok->cp_start < 2) return -1;
    if (tok->shape & VCD_SHAPE_ALL_UPPER) return CASE_CAPITALS;
    long rank = word_rank(t, t->key.data, t->key.len);
    if (rank >= 0 && rank < FUNCTION_WORD_RANK) return -1;
    if (!t->vec || (rank >= 0 && rank < COMMON_WORD_RANK)) return CASE_CAPITALISED;
    return CASE_ANY;
}

static void add_name(void *ctx, const char *name, size_t n, int type)
{
    name_table *t = ctx;
    if (!vcd_wnut_type_name(type) || !name_key(t, name, n)) return;
    int one_word = t->words.toks.n == 1;
    int casing = one_word ? one_word_casing(t, &t->words.toks.toks[0]) : CASE_ANY;
    if (casing < 0) return;
    /* "the US", "the Flash": annotators leave the article out */
    const char *space = memchr(t->key.data, ' ', t->key.len);
    long first = space ? word_rank(t, t->key.data, (size_t)(space - t->key.data)) : -1;
    if (first >= 0 && first < FUNCTION_WORD_RANK) return;
    int inserted;
    size_t *slot = vcd_strmap_upsert(t->names, t->key.data, t->key.len, t->n, &inserted);
    if (!inserted) {
        name_info *e = &t->info[*slot];
        if (e->type != type) e->dropped = NAME_AMBIGUOUS;
        return;
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 1024;
        t->info = vcd_xrealloc(t->info, t->cap * sizeof *t->info);
    }
    t->info[t->n++] = (name_info){.type = type, .casing = casing, .one_word = (uint8_t)one_word};
}

static vcd_status add_state_names(name_table *t, const char *dir, size_t min_count)
{
    vcd_records rec;
    vcd_status rc = vcd_records_load(dir, &rec);
    if (rc) return rc;
    for (size_t e = 0; e < rec.n_entities; e++) {
        const vcd_record_entity *ent = &rec.entities[e];
        for (size_t a = 0; a < ent->n_aliases; a++)
            if (ent->aliases[a].count >= min_count) {
                const char *s = ent->aliases[a].text;
                add_name(t, s, strlen(s), ent->type);
            }
    }
    vcd_records_free(&rec);
    return VCD_OK;
}

static name_info *find_name(name_table *t, const char *key, size_t n)
{
    size_t i = vcd_strmap_get(t->names, key, n, SIZE_MAX);
    return i == SIZE_MAX ? NULL : &t->info[i];
}

static int cased_as_needed(const vcd_token *tok, int casing)
{
    if (casing == CASE_CAPITALS) return (tok->shape & VCD_SHAPE_ALL_UPPER) != 0;
    /* a sentence's first word is capitalised whatever it is */
    if (casing == CASE_CAPITALISED)
        return (tok->shape & VCD_SHAPE_UPPER_INITIAL) && !tok->sentence_start;
    return 1;
}

/* How the comments write each one-word name in mid-sentence. */
static void count_casing(name_table *t, const vcd_corpus *c)
{
    const int cased = VCD_SHAPE_UPPER_INITIAL | VCD_SHAPE_ALL_UPPER | VCD_SHAPE_INNER_UPPER;
    for (size_t d = 0; d < c->n_docs; d++) {
        const char *text = c->docs[d].text;
        vcd_tokenize(text, strlen(text), &t->toks);
        for (size_t i = 0; i < t->toks.n; i++) {
            const vcd_token *k = &t->toks.toks[i];
            if (k->sentence_start) continue;
            vcd_match_key(text + k->byte_start, k->byte_end - k->byte_start, &t->word);
            name_info *e = t->word.len ? find_name(t, t->word.data, t->word.len) : NULL;
            if (!e || !e->one_word) continue;
            e->seen_mid++;
            e->seen_mid_cased += (k->shape & cased) != 0;
        }
    }
}

/* Whether a labelled word is written as a match of a one-word name must be
 * ("US" the place, not "us"). A sentence's first word counts too: in
 * comments its capital says nothing, but here the label says what it is,
 * and tweets open with "Oh" and "Hey" far more often than they write
 * them mid-sentence. */
static int gold_word_cased(name_table *t, const char *w, int casing)
{
    vcd_tokenize(w, strlen(w), &t->toks);
    if (t->toks.n == 0) return 0;
    vcd_token tok = t->toks.toks[0];
    tok.sentence_start = 0;
    return cased_as_needed(&tok, casing);
}

/* How often labelled data uses each name, and how often inside a chunk. */
static vcd_status count_gold(name_table *t, const char *path)
{
    vcd_conll g;
    vcd_status rc = vcd_conll_load(path, &g);
    if (rc) return rc;
    vcd_chunk *chunks = vcd_xcalloc(g.n_tokens + 1, sizeof *chunks);
    const char **tags = vcd_xcalloc(g.n_tokens + 1, sizeof *tags);
    for (size_t i = 0; i < g.n_tokens; i++)
        tags[i] = g.tokens[i].tag;
    for (size_t s = 0; s < g.n_sentences; s++) {
        size_t a = g.sentence_start[s], n = g.sentence_start[s + 1] - a;
        size_t n_chunks = vcd_conll_chunks(tags + a, n, chunks);
        for (size_t i = 0; i < n; i++)
            vcd_word_keys_put(&t->words, i, g.tokens[a + i].token, strlen(g.tokens[a + i].token));
        for (size_t i = 0; i < n; i++) {
            for (size_t l = 1; l <= SILVER_MAX_WORDS && i + l <= n; l++) {
                size_t last = i + l - 1;
                if (vcd_word_keys_empty(&t->words, last)) break; /* a word with no key */
                vcd_word_keys_join(&t->words, i, l, &t->key);
                name_info *e = find_name(t, t->key.data, t->key.len);
                if (!e || (l == 1 && !gold_word_cased(t, g.tokens[a + i].token, e->casing)))
                    continue;
                e->gold_seen++;
                /* inside a longer name counts: "Chris" of "Chris Brown" */
                for (size_t k = 0; k < n_chunks; k++)
                    if (chunks[k].start <= i && i + l <= chunks[k].end) {
                        e->gold_labelled++;
                        break;
                    }
            }
        }
    }
    free(chunks);
    free(tags);
    vcd_conll_free(&g);
    return VCD_OK;
}

static void drop_unlikely_names(name_table *t, vcd_silver_report *r)
{
    for (size_t i = 0; i < t->n; i++) {
        name_info *e = &t->info[i];
        if (!e->dropped && e->casing != CASE_CAPITALS && e->seen_mid >= LOWERCASE_MIN_SEEN &&
            (double)(e->seen_mid - e->seen_mid_cased) > LOWERCASE_SHARE * (double)e->seen_mid)
            e->dropped = NAME_LOWERCASE;
        if (!e->dropped && e->gold_seen >= GOLD_MIN_SEEN && 2 * e->gold_labelled < e->gold_seen)
            e->dropped = NAME_GOLD_TEXT;
        r->names += !e->dropped;
        r->names_ambiguous += e->dropped == NAME_AMBIGUOUS;
        r->names_lowercase += e->dropped == NAME_LOWERCASE;
        r->names_gold_text += e->dropped == NAME_GOLD_TEXT;
    }
}

/* Writes one comment's words with their tags; returns the spans found. */
static size_t label_doc(name_table *t, const char *text, vcd_buf *out, vcd_silver_report *r,
                        int keep_unlabelled)
{
    vcd_tokenize(text, strlen(text), &t->toks);
    size_t n = t->toks.n;
    if (!n) return 0;
    vcd_word_keys_set(&t->words, text, &t->toks);
    size_t mark = out->len, spans = 0;
    for (size_t i = 0; i < n;) {
        int type = -1;
        size_t len = 0;
        for (size_t l = SILVER_MAX_WORDS; l >= 1 && !len; l--) {
            if (i + l > n) continue;
            vcd_word_keys_join(&t->words, i, l, &t->key);
            const name_info *e = find_name(t, t->key.data, t->key.len);
            if (e && !e->dropped && (l > 1 || cased_as_needed(&t->toks.toks[i], e->casing)))
                type = e->type, len = l;
        }
        if (!len) {
            const vcd_token *k = &t->toks.toks[i++];
            vcd_buf_append(out, text + k->byte_start, k->byte_end - k->byte_start);
            vcd_buf_puts(out, "\tO\n");
            continue;
        }
        const char *wnut = vcd_wnut_type_name(type);
        for (size_t w = i; w < i + len; w++) {
            const vcd_token *k = &t->toks.toks[w];
            vcd_buf_append(out, text + k->byte_start, k->byte_end - k->byte_start);
            vcd_buf_printf(out, "\t%s-%s\n", w == i ? "B" : "I", wnut);
        }
        spans++;
        r->spans_by_type[type]++;
        i += len;
    }
    if (!spans && !keep_unlabelled) {
        out->len = mark;
        out->data[mark] = '\0';
        return 0;
    }
    vcd_buf_putc(out, '\n');
    r->docs_written++;
    r->words_written += n;
    return spans;
}

vcd_status vcd_silver_run(const vcd_silver_options *o, vcd_silver_report *r)
{
    memset(r, 0, sizeof *r);
    if (!o->input || !o->out_path || (!o->state_dir && !o->gazetteer_path))
        return vcd_fail(VCD_EINPUT, "silver: needs --input, --out and a --state or --gazetteer");
    name_table t = {.names = vcd_strmap_new()};
    vcd_corpus *c = NULL;
    vcd_vectors *vec = NULL;
    vcd_status rc = o->vectors_path ? vcd_vectors_open(o->vectors_path, &vec) : VCD_OK;
    t.vec = vec;
    if (!rc && o->gazetteer_path) rc = vcd_gazetteer_read(o->gazetteer_path, add_name, &t);
    if (!rc && o->state_dir) rc = add_state_names(&t, o->state_dir, o->min_alias_count);
    if (!rc) rc = vcd_corpus_load(o->input, &o->ingest, &c);
    if (!rc && o->gold_path) rc = count_gold(&t, o->gold_path);
    if (!rc) {
        count_casing(&t, c);
        drop_unlikely_names(&t, r);
    }
    vcd_buf out = {0};
    vcd_buf_clear(&out);
    for (size_t d = 0; !rc && d < c->n_docs; d++)
        r->spans += label_doc(&t, c->docs[d].text, &out, r, o->keep_unlabelled);
    if (!rc) {
        r->docs = c->n_docs;
        rc = vcd_write_file_atomic(o->out_path, out.data, out.len);
    }
    vcd_corpus_free(c);
    vcd_vectors_close(vec);
    vcd_strmap_free(t.names);
    free(t.info);
    vcd_tokens_free(&t.toks);
    vcd_buf_free(&t.key);
    vcd_buf_free(&t.word);
    vcd_word_keys_free(&t.words);
    vcd_buf_free(&out);
    return rc;
}
