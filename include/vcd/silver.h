/* Weak supervision: `vcdiscover silver` turns known names (a gazetteer and
 * the entities of a `cluster` state) into word-aligned BIO labels over a
 * user's own comments, as CoNLL that `train-ner --silver` mixes with gold
 * data. Words are the project's comment tokens, the same units the taggers
 * label; a multi-word name gets B- on its first word and I- on the rest;
 * tags use the WNUT 2017 type names (PER -> person, ...). */
#ifndef VCD_SILVER_H
#define VCD_SILVER_H

#include "vcd/ingest.h"
#include "vcd/mentions.h"

typedef struct {
    const char *input; /* comments: CSV, text or JSON Lines */
    vcd_ingest_options ingest;
    const char *state_dir; /* a `cluster` state whose entities' aliases are names; NULL: none */
    const char *gazetteer_path; /* name<TAB>TYPE lines; NULL: none */
    const char *vectors_path;   /* word ranks tell ordinary words from names; NULL: every
                                   one-word name must be capitalised */
    const char *gold_path;      /* labelled CoNLL: names it mostly leaves unlabelled are not
                                   used; NULL: none */
    size_t min_alias_count;     /* a state alias must have been seen this often */
    int keep_unlabelled;        /* also write comments where no name matched */
    const char *out_path;       /* CoNLL, written atomically */
} vcd_silver_options;

void vcd_silver_options_default(vcd_silver_options *o);

typedef struct {
    size_t docs, docs_written, words_written;
    size_t names;           /* distinct names used */
    size_t names_ambiguous; /* the same words under two types: left out */
    size_t names_lowercase; /* one-word names the comments mostly write in lower case */
    size_t names_gold_text; /* names the labelled data mostly leaves unlabelled */
    size_t spans;           /* labelled name occurrences */
    size_t spans_by_type[VCD_TYPE_COUNT];
} vcd_silver_report;

vcd_status vcd_silver_run(const vcd_silver_options *o, vcd_silver_report *r);

#endif
