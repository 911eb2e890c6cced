/* Text: normalisation and a tokenizer made for comments. Offsets are kept in
 * both bytes (for slicing inside C) and code points (for every output). */
#ifndef VCD_TEXT_H
#define VCD_TEXT_H

#include "vcd/common.h"

typedef enum {
    VCD_TOK_WORD,
    VCD_TOK_NUMBER,
    VCD_TOK_URL,
    VCD_TOK_HANDLE,  /* @name */
    VCD_TOK_HASHTAG, /* #Name; byte/cp spans include the '#' */
    VCD_TOK_EMOJI,
    VCD_TOK_PUNCT,
} vcd_token_kind;

enum {
    VCD_SHAPE_UPPER_INITIAL = 1, /* first letter upper or title case */
    VCD_SHAPE_ALL_UPPER = 2,     /* every letter upper, at least one letter */
    VCD_SHAPE_HAS_LOWER = 4,
    VCD_SHAPE_HAS_DIGIT = 8,
    VCD_SHAPE_HAS_LETTER = 16,
    VCD_SHAPE_INNER_UPPER = 32, /* upper letter after the first: iPhone, McDonald */
};

typedef struct {
    uint32_t byte_start, byte_end;
    uint32_t cp_start, cp_end;
    uint8_t kind;
    uint8_t shape;
    uint8_t sentence_start; /* first token, or after . ! ? or a line break */
    uint8_t space_before;
} vcd_token;

/* A reusable token buffer: vcd_tokenize clears and refills it, so one buffer
 * serves a whole corpus without per-token allocation. */
typedef struct {
    vcd_token *toks;
    size_t n;
    size_t cap;
} vcd_tokens;

void vcd_tokenize(const char *text, size_t len, vcd_tokens *out);

/* One sentence for a word-level tagger: n words (UTF-8, not NUL-terminated). */
typedef struct {
    const char *const *words;
    const size_t *lens;
    size_t n;
} vcd_word_seq;
void vcd_tokens_free(vcd_tokens *t);

/* Matching key: NFKC + case fold + accents stripped + whitespace collapsed
 * to single spaces. Appends to `out` (cleared first). */
void vcd_match_key(const char *s, size_t n, vcd_buf *out);
/* The match keys of one text's words, back to back, so that any run of
 * words joins into the key of a name: "spider - man" in a comment and
 * "Spider-Man" in a list of names meet. Reused text after text. */
typedef struct {
    vcd_buf keys;    /* the words' keys, back to back */
    size_t *end;     /* word i's key ends at keys.data + end[i] */
    size_t cap;      /* entries of end */
    vcd_buf word;    /* scratch */
    vcd_tokens toks; /* scratch of vcd_name_key */
} vcd_word_keys;
/* Word i's key (i == 0 starts a new text; words come in order). */
void vcd_word_keys_put(vcd_word_keys *k, size_t i, const char *w, size_t n);
/* Every token's key, for a text tokenised into toks. */
void vcd_word_keys_set(vcd_word_keys *k, const char *text, const vcd_tokens *toks);
/* 1 when word i has an empty key (punctuation the key drops). */
int vcd_word_keys_empty(const vcd_word_keys *k, size_t i);
/* out = the keys of words [i, i + n) joined by single spaces. */
void vcd_word_keys_join(const vcd_word_keys *k, size_t i, size_t n, vcd_buf *out);
/* out = the key of a name: its tokens' keys joined as above; 0 when it has
 * no token, more than max_words, or an empty key. Uses k as scratch. */
int vcd_name_key(const char *text, size_t n, size_t max_words, vcd_word_keys *k, vcd_buf *out);
void vcd_word_keys_free(vcd_word_keys *k);
/* True for a code point in a Unicode letter (L*) or number (N*) category:
 * what the identity keys (form keys, KB keys) keep. */
int vcd_is_letter_or_number(int32_t cp);
/* Unicode's Case_Ignorable property (the final-sigma rule of lower-casing). */
int vcd_is_case_ignorable(int32_t cp);
/* Unicode's Cased property (the other half of the final-sigma rule). */
int vcd_is_cased(int32_t cp);
/* Splits CamelCase / digit boundaries of a hashtag body ("AppleVisionPro" ->
 * "Apple Vision Pro") into `out` (cleared first), words separated by spaces. */
void vcd_split_camel(const char *s, size_t n, vcd_buf *out);
/* Initials of a multi-word name, after splitting on spaces, hyphens and
 * CamelCase: "Apple Vision Pro" -> "avp", "PlayStation 5" -> "ps5",
 * "Bank of America" -> all "boa", content "ba" (connectors skipped).
 * Returns the number of word pieces (initials mean something from 2 on). */
size_t vcd_initials(const char *surface, size_t n, vcd_buf *all, vcd_buf *content);
/* True when every word of the surface but a connector ("of", "the", ...)
 * carries a capital or a digit ("Father of All Bombs", "iPhone X"): initials
 * are taken from a name written as one, and nobody shortens the phrase
 * "Disney cruises" to "DC". A word not in ASCII counts as marked. */
int vcd_written_as_name(const char *surface, size_t n);
/* If the surface reads as an acronym (one token, 2..8 characters, every
 * letter upper case, at least two letters: "AVP", "PS5", "U.S.A"), writes its
 * lower-case letters and digits to out and returns 1. */
int vcd_acronym_key(const char *surface, size_t n, vcd_buf *out);
/* True when `acronym` is the initials of `name` (both surfaces). */
int vcd_is_acronym_of(const char *acronym, size_t an, const char *name, size_t nn);

/* Number of code points in a UTF-8 string (invalid bytes count as one). */
size_t vcd_utf8_length(const char *s, size_t n);
/* Byte offset of code point `cp` in s (n if past the end). */
size_t vcd_utf8_offset(const char *s, size_t n, size_t cp);
/* True when s is valid UTF-8 without NUL bytes. */
int vcd_utf8_valid(const char *s, size_t n);
/* The code point at s[*pos] (*pos < n) into *cp, advancing *pos past it;
 * returns its byte length, or 0 for an invalid sequence (*pos unchanged). */
size_t vcd_utf8_next(const char *s, size_t n, size_t *pos, int32_t *cp);

#endif
