/* Tagging CoNLL text: sentences become documents and mentions go back to
 * IOB2 tags on the original tokens. This is how the strict scorer sees the
 * output of any tagger, so the alignment rules live here once. */
#include "vcd/eval.h"
#include "vcd/ingest.h"
#include "vcd/mentions.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

vcd_status vcd_conll_corpus_build(const vcd_conll *c, vcd_conll_corpus *out)
{
    memset(out, 0, sizeof *out);
    vcd_buf text = {0};
    out->token_cp = vcd_xmalloc((c->n_tokens + 1) * sizeof *out->token_cp);
    for (size_t s = 0; s < c->n_sentences; s++) {
        uint32_t cp = 0;
        for (size_t i = c->sentence_start[s]; i < c->sentence_start[s + 1]; i++) {
            if (i > c->sentence_start[s]) {
                vcd_buf_putc(&text, ' ');
                cp++;
            }
            out->token_cp[i] = cp;
            /* NFC per token, so the document needs no further normalising
             * and code-point offsets stay exact */
            char *nfc = (char *)utf8proc_NFC((const utf8proc_uint8_t *)c->tokens[i].token);
            const char *tok = nfc ? nfc : c->tokens[i].token;
            size_t n = strlen(tok);
            for (size_t k = 0; k < n; k++)
                cp += ((unsigned char)tok[k] & 0xC0) != 0x80;
            vcd_buf_append(&text, tok, n);
            free(nfc);
        }
        vcd_buf_putc(&text, '\n');
    }
    vcd_ingest_options opt = {0};
    opt.format = VCD_FORMAT_TXT;
    vcd_status rc = vcd_corpus_parse("conll", (const unsigned char *)(text.data ? text.data : ""),
                                     text.len, &opt, &out->corpus);
    vcd_buf_free(&text);
    if (!rc && out->corpus->n_docs != c->n_sentences)
        rc = vcd_fail(VCD_EINPUT, "CoNLL sentences did not survive as documents (%zu of %zu)",
                      out->corpus->n_docs, c->n_sentences);
    if (rc) vcd_conll_corpus_free(out);
    return rc;
}

void vcd_conll_corpus_free(vcd_conll_corpus *cc)
{
    vcd_corpus_free(cc->corpus);
    free(cc->token_cp);
    memset(cc, 0, sizeof *cc);
}

const char *vcd_wnut_type_name(int type)
{
    switch (type) {
    case VCD_TYPE_PER:
        return "person";
    case VCD_TYPE_ORG:
        return "corporation";
    case VCD_TYPE_PRODUCT:
        return "product";
    case VCD_TYPE_LOC:
        return "location";
    case VCD_TYPE_GROUP:
        return "group";
    case VCD_TYPE_WORK:
        return "creative-work";
    default:
        return NULL;
    }
}

static int mention_order(const void *x, const void *y)
{
    const vcd_mention *a = x, *b = y;
    if (a->doc != b->doc) return a->doc < b->doc ? -1 : 1;
    if (a->start != b->start) return a->start < b->start ? -1 : 1;
    return a->end > b->end ? -1 : a->end < b->end;
}

/* First token of the sentence overlapping [start, end), or SIZE_MAX. */
static size_t first_token(const vcd_conll *c, const vcd_conll_corpus *cc, size_t s, uint32_t start,
                          uint32_t end, size_t *last)
{
    size_t first = SIZE_MAX;
    const vcd_doc *d = &cc->corpus->docs[s];
    for (size_t i = c->sentence_start[s]; i < c->sentence_start[s + 1]; i++) {
        uint32_t a = cc->token_cp[i];
        uint32_t b =
            i + 1 < c->sentence_start[s + 1] ? cc->token_cp[i + 1] - 1 : (uint32_t)d->n_codepoints;
        if (a < end && b > start) {
            if (first == SIZE_MAX) first = i;
            *last = i;
        }
    }
    return first;
}

_Static_assert(2 * VCD_TYPE_COUNT <= sizeof((vcd_bio *)0)->names / sizeof(char *),
               "vcd_bio.names holds a B- and an I- tag per type");

/* "B-type" / "I-type", made once per type: tags point at these. */
static const char *bio_tag(vcd_bio *bio, uint8_t type, const char *name, int begin)
{
    char **slot = &bio->names[2 * (type % VCD_TYPE_COUNT) + (begin ? 0 : 1)];
    if (!*slot) {
        vcd_buf t = {0};
        vcd_buf_printf(&t, "%c-%s", begin ? 'B' : 'I', name);
        *slot = t.data;
    }
    return *slot;
}

size_t vcd_mentions_to_bio(const vcd_conll *c, const vcd_conll_corpus *cc,
                           const struct vcd_mentions *ms, const char *(*type_name)(int type),
                           vcd_bio *bio)
{
    memset(bio, 0, sizeof *bio);
    bio->n = c->n_tokens;
    bio->tags = vcd_xmalloc((c->n_tokens + 1) * sizeof *bio->tags);
    for (size_t i = 0; i < c->n_tokens; i++)
        bio->tags[i] = NULL;
    vcd_mention *sorted = vcd_xmalloc((ms->n + 1) * sizeof *sorted);
    if (ms->n) memcpy(sorted, ms->items, ms->n * sizeof *sorted);
    qsort(sorted, ms->n, sizeof *sorted, mention_order);
    size_t kept = 0;
    for (size_t k = 0; k < ms->n; k++) {
        const vcd_mention *m = &sorted[k];
        const char *type = type_name(m->type);
        size_t last = 0, first;
        if (!type || m->doc >= c->n_sentences) continue;
        first = first_token(c, cc, m->doc, m->start, m->end, &last);
        if (first == SIZE_MAX) continue;
        int free_span = 1;
        for (size_t i = first; i <= last; i++)
            free_span &= bio->tags[i] == NULL;
        if (!free_span) continue;
        for (size_t i = first; i <= last; i++)
            bio->tags[i] = bio_tag(bio, m->type, type, i == first);
        kept++;
    }
    for (size_t i = 0; i < c->n_tokens; i++)
        if (!bio->tags[i]) bio->tags[i] = "O";
    free(sorted);
    return kept;
}

void vcd_bio_free(vcd_bio *bio)
{
    for (size_t t = 0; t < 2 * VCD_TYPE_COUNT; t++)
        free(bio->names[t]);
    free(bio->tags);
    memset(bio, 0, sizeof *bio);
}
