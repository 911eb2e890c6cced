/* The rule-based tagger: capitalised spans, ALL-CAPS acronyms, hashtags and a
 * gazetteer. It knows nothing a model would learn; its job is to be a
 * transparent baseline whose every mention can be explained by one rule. */
#include "vcd/fileio.h"
#include "vcd/mentions.h"
#include "vcd/strmap.h"
#include "vcd/text.h"
#include "vcd/vectors.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SPAN_TOKENS 6
#define GAZETTEER_MAX_TOKENS 5
/* Words this frequent in the vector vocabulary are treated as ordinary words
 * when capitalised at the start of a sentence ("Great video", "Apple" is not). */
#define COMMON_RANK 5000

typedef struct {
    vcd_tagger base;
    const vcd_vectors *vocab;
    vcd_strmap *gazetteer; /* match key -> type */
    vcd_strmap *stopwords; /* match key -> 1 */
    /* Corpus casing statistics (prepare): per word key, how often it is
     * written lower case vs capitalised away from a sentence start. */
    vcd_strmap *casing;         /* match key -> index */
    uint32_t (*case_counts)[2]; /* [lower, capitalised mid-sentence] */
    size_t n_case, cap_case;
    vcd_tokens toks; /* reused across documents */
    vcd_buf key, key2;
} rules_tagger;

/* Function words, interjections and comment chatter that are capitalised for
 * reasons other than being names. */
static const char *const stop_list[] = {
    "i",         "a",       "an",      "the",       "this",     "that",   "these",    "those",
    "my",        "your",    "our",     "his",       "her",      "their",  "its",      "we",
    "you",       "he",      "she",     "it",        "they",     "me",     "him",      "us",
    "them",      "what",    "why",     "how",       "when",     "where",  "who",      "which",
    "yes",       "no",      "not",     "oh",        "ok",       "okay",   "lol",      "lmao",
    "omg",       "wtf",     "btw",     "imo",       "tbh",      "idk",    "thanks",   "thank",
    "please",    "love",    "great",   "nice",      "wow",      "hey",    "hi",       "hello",
    "so",        "but",     "and",     "or",        "if",       "just",   "also",     "well",
    "like",      "good",    "best",    "awesome",   "amazing",  "cool",   "first",    "is",
    "are",       "was",     "were",    "be",        "do",       "does",   "did",      "can",
    "could",     "would",   "should",  "will",      "have",     "has",    "had",      "all",
    "any",       "some",    "every",   "one",       "here",     "there",  "now",      "then",
    "still",     "even",    "only",    "really",    "very",     "much",   "more",     "most",
    "too",       "of",      "in",      "on",        "at",       "to",     "for",      "with",
    "from",      "by",      "as",      "about",     "after",    "before", "because",  "since",
    "while",     "maybe",   "yeah",    "yep",       "nope",     "haha",   "hahaha",   "xd",
    "pls",       "plz",     "u",       "ur",        "im",       "dont",   "cant",     "didnt",
    "its",       "let",     "lets",    "god",       "bro",      "dude",   "guys",     "everyone",
    "anyone",    "someone", "nobody",  "people",    "video",    "videos", "channel",  "subscribe",
    "comment",   "watch",   "omfg",    "rip",       "edit",     "update", "new",      "old",
    "happy",     "sad",     "true",    "false",     "fake",     "real",   "today",    "tomorrow",
    "yesterday", "monday",  "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "tv",        "am",      "pm",      "ai",        "ceo",      "mr",     "mrs",      "ms",
    "dr",        "sir",     "miss",    "lady",      "uncle",    "aunt",   NULL};

/* Connectors allowed inside a capitalised span: "Bank of America". */
static int is_connector(const char *k, size_t n)
{
    static const char *const c[] = {"of", "the", "de", "da", "van", "von", "&", NULL};
    for (int i = 0; c[i]; i++)
        if (strlen(c[i]) == n && memcmp(c[i], k, n) == 0) return 1;
    return 0;
}

static void rules_destroy(vcd_tagger *t)
{
    rules_tagger *r = (rules_tagger *)t;
    vcd_strmap_free(r->casing);
    free(r->case_counts);
    vcd_strmap_free(r->gazetteer);
    vcd_strmap_free(r->stopwords);
    vcd_tokens_free(&r->toks);
    vcd_buf_free(&r->key);
    vcd_buf_free(&r->key2);
    free(r);
}

static const char *tok_text(const vcd_doc *d, const vcd_token *t)
{
    return d->text + t->byte_start;
}

static size_t tok_len(const vcd_token *t)
{
    return t->byte_end - t->byte_start;
}

/* An ordinary word: a stop word, or (with corpus statistics) a word this
 * corpus mostly writes in lower case, or (without) a very frequent one. */
static int is_common_word(rules_tagger *r, const char *s, size_t n)
{
    vcd_match_key(s, n, &r->key2);
    if (vcd_strmap_get(r->stopwords, r->key2.data, r->key2.len, 0)) return 1;
    if (r->casing) {
        size_t i = vcd_strmap_get(r->casing, r->key2.data, r->key2.len, SIZE_MAX);
        if (i != SIZE_MAX) {
            uint32_t lower = r->case_counts[i][0], upper = r->case_counts[i][1];
            if (lower >= 2 && lower >= upper) return 1;
            if (upper >= 2 && upper > lower) return 0;
        }
    }
    if (!r->vocab) return 0;
    long rank = vcd_vectors_find(r->vocab, r->key2.data, r->key2.len);
    return rank >= 0 && rank < COMMON_RANK;
}

static int is_stopword(rules_tagger *r, const char *s, size_t n)
{
    vcd_match_key(s, n, &r->key2);
    return vcd_strmap_get(r->stopwords, r->key2.data, r->key2.len, 0) != 0;
}

static void emit(vcd_mentions *out, size_t doc, const vcd_token *a, const vcd_token *b, int type,
                 vcd_mention_source src, float score)
{
    vcd_mention m = {.doc = (uint32_t)doc,
                     .start = a->cp_start,
                     .end = b->cp_end,
                     .byte_start = a->byte_start,
                     .byte_end = b->byte_end,
                     .type = (uint8_t)type,
                     .source = (uint8_t)src,
                     .score = score,
                     .form = -1,
                     .entity_id = -1};
    vcd_mentions_push(out, &m);
}

/* Type of the span text in the gazetteer, or -1. */
static int gazetteer_type(rules_tagger *r, const char *s, size_t n)
{
    if (!r->gazetteer) return -1;
    vcd_match_key(s, n, &r->key);
    size_t v = vcd_strmap_get(r->gazetteer, r->key.data, r->key.len, SIZE_MAX);
    return v == SIZE_MAX ? -1 : (int)v;
}

/* Longest gazetteer match starting at token i; returns its token count. */
static size_t match_gazetteer(rules_tagger *r, const vcd_doc *d, const vcd_token *t, size_t i,
                              size_t n, int *type)
{
    for (size_t k = GAZETTEER_MAX_TOKENS; k >= 1; k--) {
        if (i + k > n) continue;
        const vcd_token *last = &t[i + k - 1];
        if (t[i].kind != VCD_TOK_WORD ||
            (last->kind != VCD_TOK_WORD && last->kind != VCD_TOK_NUMBER))
            continue;
        int ty = gazetteer_type(r, tok_text(d, &t[i]), last->byte_end - t[i].byte_start);
        if (ty >= 0) {
            *type = ty;
            return k;
        }
    }
    return 0;
}

static int is_name_like(const vcd_token *t)
{
    if (t->kind != VCD_TOK_WORD || !(t->shape & VCD_SHAPE_HAS_LETTER)) return 0;
    if (t->cp_end - t->cp_start < 2) return 0; /* "I", the D of ":D" */
    return (t->shape & VCD_SHAPE_UPPER_INITIAL) || (t->shape & VCD_SHAPE_INNER_UPPER);
}

static int is_acronym(const vcd_token *t)
{
    size_t n = t->cp_end - t->cp_start;
    return t->kind == VCD_TOK_WORD && (t->shape & VCD_SHAPE_ALL_UPPER) && n >= 2 && n <= 6;
}

/* When most words of a comment are capitalised (ALL CAPS shouting, Title Case
 * Every Word), capitals carry no information about names. */
static int casing_is_informative(const vcd_token *t, size_t n)
{
    size_t words = 0, initial = 0, shouted = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i].kind != VCD_TOK_WORD || !(t[i].shape & VCD_SHAPE_HAS_LETTER)) continue;
        if (t[i].cp_end - t[i].cp_start < 2) continue;
        words++;
        initial += (t[i].shape & VCD_SHAPE_UPPER_INITIAL) != 0;
        shouted += (t[i].shape & VCD_SHAPE_ALL_UPPER) != 0;
    }
    int shouting = shouted >= 3 && shouted * 10 >= words * 6;
    int title_case = words >= 6 && initial * 10 >= words * 9;
    return !shouting && !title_case;
}

static void tag_hashtag(rules_tagger *r, const vcd_doc *d, size_t doc, const vcd_token *t,
                        vcd_mentions *out)
{
    vcd_token body = *t;
    body.byte_start++;
    body.cp_start++;
    if (!(t->shape & VCD_SHAPE_HAS_LETTER)) return; /* #1, #2017 */
    vcd_split_camel(tok_text(d, &body), tok_len(&body), &r->key);
    /* #love, #fyp: a single ordinary word is a topic, not an entity. */
    if (!memchr(r->key.data, ' ', r->key.len) && is_common_word(r, r->key.data, r->key.len)) return;
    int ty = gazetteer_type(r, r->key.data, r->key.len);
    emit(out, doc, &body, &body, ty >= 0 ? ty : VCD_TYPE_UNK, VCD_SRC_HASHTAG, 0.6f);
}

/* Extends a capitalised span from token i; returns the index after its end. */
static size_t span_end(rules_tagger *r, const vcd_doc *d, const vcd_token *t, size_t i, size_t n)
{
    size_t j = i + 1;
    while (j < n && j - i < MAX_SPAN_TOKENS) {
        if (t[j].space_before == 0 && t[j].kind == VCD_TOK_WORD && t[j - 1].kind == VCD_TOK_WORD)
            break; /* clitic split off the previous word */
        if (is_name_like(&t[j]) && !is_stopword(r, tok_text(d, &t[j]), tok_len(&t[j]))) {
            j++;
        } else if (t[j].kind == VCD_TOK_NUMBER && tok_len(&t[j]) <= 4) {
            j++; /* "iPhone 15", "Switch 2" */
            break;
        } else if (j + 1 < n && t[j].kind == VCD_TOK_WORD &&
                   (vcd_match_key(tok_text(d, &t[j]), tok_len(&t[j]), &r->key2),
                    is_connector(r->key2.data, r->key2.len)) &&
                   is_name_like(&t[j + 1])) {
            j += 2;
        } else {
            break;
        }
    }
    return j;
}

static vcd_status rules_tag_doc(vcd_tagger *base, const vcd_corpus *c, size_t doc,
                                vcd_mentions *out)
{
    rules_tagger *r = (rules_tagger *)base;
    const vcd_doc *d = &c->docs[doc];
    vcd_tokenize(d->text, strlen(d->text), &r->toks);
    const vcd_token *t = r->toks.toks;
    size_t n = r->toks.n;
    int caps_informative = casing_is_informative(t, n);
    for (size_t i = 0; i < n;) {
        int type = VCD_TYPE_UNK;
        size_t g = match_gazetteer(r, d, t, i, n, &type);
        /* "Samsung Galaxy S24": a longer capitalised span beats the gazetteer's
         * "Samsung"; it is then tagged by the rules below. */
        if (g && caps_informative && is_name_like(&t[i]) && span_end(r, d, t, i, n) > i + g) g = 0;
        if (g) {
            emit(out, doc, &t[i], &t[i + g - 1], type, VCD_SRC_GAZETTEER, 0.9f);
            i += g;
            continue;
        }
        if (t[i].kind == VCD_TOK_HASHTAG) {
            tag_hashtag(r, d, doc, &t[i], out);
            i++;
            continue;
        }
        if (!is_name_like(&t[i]) || is_stopword(r, tok_text(d, &t[i]), tok_len(&t[i]))) {
            i++;
            continue;
        }
        size_t j = span_end(r, d, t, i, n);
        size_t span_start = i;
        /* "Glad Casey", "Beautiful Family": ordinary words at the edges of a
         * capitalised run are sentence case or emphasis, not part of a name. */
        while (j - i > 1 && t[i].kind == VCD_TOK_WORD &&
               is_common_word(r, tok_text(d, &t[i]), tok_len(&t[i])))
            i++;
        while (j - i > 1 && t[j - 1].kind == VCD_TOK_WORD &&
               is_common_word(r, tok_text(d, &t[j - 1]), tok_len(&t[j - 1])))
            j--;
        int has_name = 0;
        for (size_t k = i; k < j; k++)
            has_name |= is_name_like(&t[k]);
        if (!has_name) {
            i = j > span_start ? j : span_start + 1;
            continue;
        }
        int single = j == i + 1;
        int acronym = single && is_acronym(&t[i]);
        int common = is_common_word(r, tok_text(d, &t[i]), tok_len(&t[i]));
        int keep;
        if (!caps_informative)
            keep = acronym && !common;
        else if (single)
            keep = !common && (!(t[i].shape & VCD_SHAPE_ALL_UPPER) || acronym);
        else
            keep = 1;
        if (keep) {
            const vcd_token *last = &t[j - 1];
            int ty = gazetteer_type(r, tok_text(d, &t[i]), last->byte_end - t[i].byte_start);
            /* otherwise the type of the longest known sub-span, the rightmost
             * on ties (English names put the head last: "Samsung Galaxy S24") */
            size_t best_len = 0;
            int head_type = -1;
            for (size_t k = i; ty < 0 && k < j; k++) {
                int sub = 0;
                size_t len = match_gazetteer(r, d, t, k, j, &sub);
                if (len && len >= best_len) {
                    best_len = len;
                    head_type = sub;
                }
            }
            if (ty < 0) ty = head_type;
            emit(out, doc, &t[i], last, ty >= 0 ? ty : VCD_TYPE_UNK,
                 acronym ? VCD_SRC_ACRONYM : VCD_SRC_CAPITALIZED, single ? 0.5f : 0.7f);
        }
        i = j > span_start ? j : span_start + 1;
    }
    return VCD_OK;
}

static void count_casing(rules_tagger *r, const vcd_doc *d)
{
    vcd_tokenize(d->text, strlen(d->text), &r->toks);
    int informative = casing_is_informative(r->toks.toks, r->toks.n);
    for (size_t i = 0; i < r->toks.n; i++) {
        const vcd_token *t = &r->toks.toks[i];
        if (t->kind != VCD_TOK_WORD || !(t->shape & VCD_SHAPE_HAS_LETTER)) continue;
        int lower = !(t->shape & (VCD_SHAPE_UPPER_INITIAL | VCD_SHAPE_INNER_UPPER));
        int upper_mid = (t->shape & VCD_SHAPE_UPPER_INITIAL) && !t->sentence_start && informative;
        if (!lower && !upper_mid) continue;
        vcd_match_key(tok_text(d, t), tok_len(t), &r->key);
        int inserted;
        size_t *slot = vcd_strmap_upsert(r->casing, r->key.data, r->key.len, r->n_case, &inserted);
        if (inserted) {
            if (r->n_case == r->cap_case) {
                r->cap_case = r->cap_case ? r->cap_case * 2 : 4096;
                r->case_counts = vcd_xrealloc(r->case_counts, r->cap_case * sizeof *r->case_counts);
            }
            r->case_counts[r->n_case][0] = r->case_counts[r->n_case][1] = 0;
            r->n_case++;
        }
        r->case_counts[*slot][lower ? 0 : 1]++;
    }
}

static vcd_status rules_prepare(vcd_tagger *base, const vcd_corpus *c)
{
    rules_tagger *r = (rules_tagger *)base;
    vcd_strmap_free(r->casing);
    r->casing = vcd_strmap_new();
    r->n_case = 0;
    for (size_t d = 0; d < c->n_docs; d++) {
        count_casing(r, &c->docs[d]);
        vcd_corpus_text_done(c, d);
    }
    vcd_corpus_text_done(c, c->n_docs);
    return VCD_OK;
}

static const vcd_tagger_ops rules_ops = {"rules", rules_prepare, rules_tag_doc, rules_destroy};

static void add_gazetteer_name(void *ctx, const char *name, size_t n, int type)
{
    rules_tagger *r = ctx;
    vcd_match_key(name, n, &r->key);
    *vcd_strmap_upsert(r->gazetteer, r->key.data, r->key.len, 0, NULL) = (size_t)type;
}

static vcd_status load_gazetteer(rules_tagger *r, const char *path)
{
    r->gazetteer = vcd_strmap_new();
    return vcd_gazetteer_read(path, add_gazetteer_name, r);
}

vcd_status vcd_tagger_rules_new(const char *gazetteer_path, const vcd_vectors *vocab,
                                vcd_tagger **out)
{
    *out = NULL;
    rules_tagger *r = vcd_xcalloc(1, sizeof *r);
    r->base.ops = &rules_ops;
    r->vocab = vocab;
    r->stopwords = vcd_strmap_new();
    for (int i = 0; stop_list[i]; i++)
        vcd_strmap_upsert(r->stopwords, stop_list[i], strlen(stop_list[i]), 1, NULL);
    if (gazetteer_path) {
        vcd_status rc = load_gazetteer(r, gazetteer_path);
        if (rc) {
            rules_destroy(&r->base);
            return rc;
        }
    }
    *out = &r->base;
    return VCD_OK;
}
