/* BERT's tokenizer: the "basic" pre-tokenizer (clean control characters,
 * space out CJK ideographs, optional lower-casing and accent stripping,
 * split on whitespace and punctuation) followed by greedy longest-match
 * WordPiece. It reproduces Hugging Face's BertTokenizer / BertTokenizerFast
 * id for id; offsets are in code points of the caller's text. */
#ifndef VCD_WORDPIECE_H
#define VCD_WORDPIECE_H

#include "vcd/common.h"

typedef struct {
    int lower_case;            /* do_lower_case */
    int strip_accents;         /* -1: follow lower_case (HF's null), 0: never, 1: always */
    int chinese_chars;         /* tokenize_chinese_chars */
    size_t max_chars_per_word; /* longer words become [UNK]; HF default 100 */
} vcd_wordpiece_options;

void vcd_wordpiece_options_default(vcd_wordpiece_options *o);

typedef struct vcd_wordpiece vcd_wordpiece;

/* Tokenized text. Every array has n entries; the caller owns the struct and
 * reuses it across calls (vcd_wp_tokens_clear keeps the memory). */
typedef struct {
    int32_t *ids;
    int32_t *word;               /* word index (input word, or basic token for text) */
    uint32_t *cp_start, *cp_end; /* code points into the text given */
    size_t n, cap;
    size_t words; /* words seen so far (the next word index) */
} vcd_wp_tokens;

void vcd_wp_tokens_clear(vcd_wp_tokens *t);
void vcd_wp_tokens_free(vcd_wp_tokens *t);

/* vocab.txt: one token per line, id = line number (a later duplicate wins,
 * as in Hugging Face). The vocabulary must contain the unknown token. */
vcd_status vcd_wordpiece_from_vocab(const char *name, const char *data, size_t len,
                                    const vcd_wordpiece_options *o, vcd_wordpiece **out);
/* A Hugging Face folder: vocab.txt plus tokenizer_config.json when present
 * (do_lower_case, strip_accents, tokenize_chinese_chars, special tokens). */
vcd_status vcd_wordpiece_open_dir(const char *dir, vcd_wordpiece **out);
void vcd_wordpiece_free(vcd_wordpiece *wp);

/* Appends the WordPiece tokens of `text` (no [CLS]/[SEP]); each basic token
 * becomes a new word. Invalid UTF-8 bytes count as one code point each and
 * are dropped like U+FFFD. */
void vcd_wordpiece_tokenize(vcd_wordpiece *wp, const char *text, size_t len, vcd_wp_tokens *out);
/* Appends the tokens of one pre-split word, all with word index out->words,
 * then advances out->words (is_split_into_words=True). Offsets are within
 * the word. A word that yields no token leaves no trace but its index. */
void vcd_wordpiece_tokenize_word(vcd_wordpiece *wp, const char *word, size_t len,
                                 vcd_wp_tokens *out);

typedef struct {
    int32_t pad, unk, cls, sep, mask; /* -1 when the vocabulary lacks it */
} vcd_wordpiece_specials;

const vcd_wordpiece_specials *vcd_wordpiece_special_ids(const vcd_wordpiece *wp);
size_t vcd_wordpiece_vocab_size(const vcd_wordpiece *wp);
/* The token string of an id (NUL-terminated) or NULL. */
const char *vcd_wordpiece_token(const vcd_wordpiece *wp, int32_t id, size_t *len);
const vcd_wordpiece_options *vcd_wordpiece_settings(const vcd_wordpiece *wp);
/* vocab.txt text (one token per line, in id order) appended to out. */
void vcd_wordpiece_vocab_text(const vcd_wordpiece *wp, vcd_buf *out);

#endif
