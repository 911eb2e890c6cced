/* The tokenizer's private state, shared by its two source files. */
#ifndef VCD_WORDPIECE_INTERNAL_H
#define VCD_WORDPIECE_INTERNAL_H

#include "vcd/strmap.h"
#include "vcd/wordpiece.h"

typedef struct {
    uint32_t *cp;
    uint32_t *origin; /* input code point index */
    size_t n, cap;
} cp_run;

struct vcd_wordpiece {
    vcd_wordpiece_options opt;
    vcd_strmap *vocab;
    char *vocab_bytes; /* owned copy of vocab.txt */
    size_t vocab_len;
    const char **tokens; /* id -> token, NUL-terminated inside vocab_bytes */
    size_t *token_len;
    size_t n_ids;
    size_t max_piece_cps; /* longest vocabulary entry, "##" excluded */
    vcd_wordpiece_specials specials;
    /* Scratch reused by every call. */
    cp_run clean, word;
    vcd_buf utf8, cand;
    uint32_t *utf8_at; /* byte offset of each piece code point in `utf8` */
    size_t utf8_at_cap;
};

#endif
