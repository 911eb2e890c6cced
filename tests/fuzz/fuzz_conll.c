/* libFuzzer: the CoNLL reader, the labelled-data tag check, the conlleval
 * chunker and the WNUT 2016 type mapping; then the path of `ner` over a
 * CoNLL file: sentences as a corpus, the rule-based tagger, its mentions
 * back onto the words as IOB2 tags. Invariants: a file scored against
 * itself (mapped or not) has no false positive or negative; the tags
 * written back pass the tag check and score against the file. */
#include "vcd/eval.h"
#include "vcd/ingest.h"
#include "vcd/mentions.h"

#include <stdint.h>
#include <stdlib.h>

static vcd_tagger *tagger;

static void tag_back(const vcd_conll *c)
{
    if (!tagger && vcd_tagger_rules_new(NULL, NULL, &tagger) != VCD_OK) __builtin_trap();
    vcd_conll_corpus cc = {0};
    if (vcd_conll_corpus_build(c, &cc) != VCD_OK) return;
    if (cc.corpus->n_docs != c->n_sentences) __builtin_trap();
    vcd_mentions ms = {0};
    if (vcd_tagger_tag_corpus(tagger, cc.corpus, &ms, NULL, NULL) == VCD_OK) {
        vcd_bio bio;
        size_t kept = vcd_mentions_to_bio(c, &cc, &ms, vcd_wnut_type_name, &bio);
        if (kept > ms.n || bio.n != c->n_tokens) __builtin_trap();
        vcd_conll back = *c; /* the same tokens with the written tags */
        vcd_conll_token *toks = vcd_xmalloc((c->n_tokens + 1) * sizeof *toks);
        for (size_t i = 0; i < c->n_tokens; i++) {
            toks[i] = c->tokens[i];
            toks[i].tag = (char *)bio.tags[i];
        }
        back.tokens = toks;
        if (vcd_conll_check_tags(&back, "bio") != VCD_OK) __builtin_trap();
        vcd_ner_score s;
        if (vcd_ner_score_conll(&back, &back, &s) != VCD_OK || s.fp || s.fn) __builtin_trap();
        vcd_ner_score_free(&s);
        free(toks);
        vcd_bio_free(&bio);
    }
    vcd_mentions_free(&ms);
    vcd_conll_corpus_free(&cc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vcd_conll c;
    if (vcd_conll_parse("fuzz", data, size, &c) != VCD_OK) return 0;
    int tagged = 1;
    for (size_t i = 0; i < c.n_tokens; i++)
        tagged &= c.tokens[i].tag != NULL;
    if (vcd_conll_check_tags(&c, "fuzz") == VCD_OK && !tagged) __builtin_trap();
    vcd_ner_score s;
    if (tagged && vcd_ner_score_conll(&c, &c, &s) == VCD_OK) {
        if (s.fp || s.fn || s.tokens_correct != c.n_tokens) __builtin_trap();
        vcd_buf b = {0};
        vcd_ner_score_json(&s, &b);
        vcd_buf_free(&b);
        vcd_ner_score_free(&s);
    }
    tag_back(&c);
    if (tagged && vcd_conll_map_types(&c, "wnut16", "fuzz") == VCD_OK &&
        vcd_ner_score_conll(&c, &c, &s) == VCD_OK) {
        if (s.fp || s.fn) __builtin_trap();
        vcd_ner_score_free(&s);
    }
    vcd_conll_free(&c);
    return 0;
}
