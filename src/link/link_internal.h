/* Per-form facts shared by the candidate, evidence and query code. */
#ifndef VCD_LINK_INTERNAL_H
#define VCD_LINK_INTERNAL_H

#include "vcd/linker.h"
#include "vcd/strmap.h"

#define LINK_MAX_TOKENS 8
#define LINK_MAX_KB 4
/* Longer forms one word is paired with (and counted as fitting). */
#define LINK_MAX_PER_WORD 64
/* A form seen this often may shape entities: its pairs are linked first,
 * and it may hold two names together (a span seen once, like "Carmella
 * Tamina" from a list, is as likely a tagging slip as a name). */
#define LINK_CORE_COUNT 2

typedef struct {
    const char *compact; /* letters and digits of the key, lower case */
    size_t compact_len;
    const char *tokens[LINK_MAX_TOKENS]; /* words of the key, in pool */
    uint8_t token_len[LINK_MAX_TOKENS];
    uint8_t n_tokens;
    const char *initials; /* of a multi-word form, else "" */
    size_t initials_len;
    const char *digits; /* the digits in order, "" without */
    uint32_t count;
    /* How many longer forms this one may shorten: those it starts or ends
     * (a one-word form) plus those spelled by it as initials; fit_mass is
     * the mentions of the first kind. "Kelly" fits every Kelly. */
    uint32_t fits;
    uint64_t fit_mass;
    uint8_t type;
    uint8_t n_kb; /* KB entries named by this form */
    uint32_t kb[LINK_MAX_KB];
    uint8_t kb_strong[LINK_MAX_KB]; /* 1: a strong alias of that entry */
    const float *vector;            /* unit, dim */
    const float *context;           /* unit, word dim; NULL without */
    char *block;                    /* owns every string above */
    uint32_t *docs;                 /* distinct documents of its mentions, ascending; owned */
    uint32_t n_docs;
} link_form;

/* Comments arrive in export order, and an export lists one video's
 * comments together: two names used within this many comments of each
 * other are likely about one thing. */
#define LINK_NEARBY_DOCS 25

/* One word of a multi-word form, for the word -> forms table. */
typedef struct {
    uint64_t hash;
    uint32_t form;
    uint8_t edge; /* first or last word of its form */
} link_word;

struct vcd_link_forms {
    link_form *items;
    size_t n;
    size_t dim, ctx_dim;
    const vcd_kb *kb;
    float *contexts;        /* n x ctx_dim, unit rows */
    float *context_sums;    /* the same before normalisation */
    vcd_strmap *by_compact; /* compact key -> form */
    /* Co-occurrence: pair key (a << 32 | b) -> comments; sorted array. */
    uint64_t *cooc_keys;
    uint32_t *cooc_counts;
    size_t n_cooc;
    /* Every word of every multi-word form, sorted by (hash, form). */
    link_word *words;
    size_t n_words;
    double order_lift; /* vcd_link_forms_order_lift */
};

/* The first i in [0, n) whose key(items, i) is not below `want` (n when
 * every key is): the one binary search over the link code's sorted arrays,
 * whose keys must not decrease with i. Inline, so that each caller's key
 * function folds into a plain load. */
static inline size_t link_lower_bound(const void *items, size_t n,
                                      uint64_t (*key)(const void *items, size_t i), uint64_t want)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (key(items, mid) < want)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Facts of one string as a form (the query path builds one from text). */
void link_form_fill(link_form *f, const char *surface, size_t sn, const char *key, size_t kn);
/* The KB entries `surface` names, of f->type unless it is unknown. */
void link_form_kb(const vcd_kb *kb, const char *surface, size_t n, link_form *f);
/* a is the short form of the pair (a, b): fewer words, or as many and no
 * more letters. Its fits are the pair's ambiguity. */
int link_is_short(const link_form *a, const link_form *b);
/* Evidence of the pair (a, b); cosine and co-occurrence given by the caller. */
/* `fits`: how many longer forms the shorter one starts or ends, `fit_mass`
 * their mentions in all. */
void link_evidence(const vcd_link_forms *lf, const link_form *a, const link_form *b, float cosine,
                   uint32_t cooccur, uint32_t fits, uint64_t fit_mass, float *x);
uint64_t link_word_hash(const link_form *f, size_t i);
/* First entry of `h` in lf->words (n_words when absent). */
size_t link_words_lower_bound(const vcd_link_forms *lf, uint64_t h);
int link_token_eq(const link_form *a, size_t i, const link_form *b, size_t j);
/* Every word of s is a word of l or, given a KB's nicknames, a nickname of
 * l's first word ("Chuck" in "Charles Barkley"). */
int link_tokens_inside(const vcd_kb *nicknames, const link_form *s, const link_form *l);
/* The mentions of the most frequent form (seen LINK_CORE_COUNT times or
 * more; a person's name with `person`) that holds every word of a and of b,
 * 0 if none ("Samsung Galaxy S8" holds "Galaxy S8" and "Samsung S8";
 * "Charles Barkley" holds "Chuck" and "Barkley": Chuck is a nickname of its
 * first word). */
uint32_t link_one_name_holds(const vcd_link_forms *lf, const link_form *a, const link_form *b,
                             int person);
/* Forms a and b are two multi-word names no rule relates (and no longer
 * name holds): the name_conflict evidence, without the rest. */
int link_names_conflict(const vcd_link_forms *lf, uint32_t a, uint32_t b);
/* Both name KB entries strongly and never the same one: kb_different. */
int link_kb_conflict(const link_form *a, const link_form *b);
/* The fits of a form that is not one of lf's (a match query) against lf's
 * forms, and whether the query itself is one more longer form `f` fits. */
void link_query_fits(const vcd_link_forms *lf, const link_form *q, uint32_t *fits, uint64_t *mass);
int link_fits_into(const link_form *s, const link_form *l);
/* A query's facts as a form, from its occurrences in the comments
 * (occurrences.c): the comments it is in (ascending), how often, the unit
 * context of the words around it (NULL without word vectors), and per form
 * the comments where a mention of that form lies outside every occurrence. */
typedef struct {
    uint32_t *docs;
    uint32_t n_docs, count;
    float *context;
    uint32_t *cooccur; /* n_forms */
} link_query_facts;

/* Fills q (to free with link_query_facts_free) and returns how many
 * occurrences there are; 0 (q empty) when the query never occurs or o is
 * NULL. */
size_t link_query_occurrences(const vcd_link_occurrences *o, const char *text, size_t n,
                              size_t n_forms, link_query_facts *q);
void link_query_facts_free(link_query_facts *q);
/* Whether the query occurs at all, without its facts (which threshold). */
int link_query_occurs(const vcd_link_occurrences *o, const char *text, size_t n);

/* Solves A x = b for a symmetric positive definite A (n x n) in place by
 * Cholesky (x in b); returns 0 when A is not positive definite. */
int link_cholesky_solve(double *A, double *b, size_t n);
/* Comments in which forms a and b (a < b) both appear. */
uint32_t link_cooccurrence(const vcd_link_forms *lf, uint32_t a, uint32_t b);

#endif
