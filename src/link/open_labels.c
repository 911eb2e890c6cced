/* Open labels from hand-labelled mentions; see vcd/open_labels.h. Not-entity
 * forms are keyed like silver names (token match keys joined by single
 * spaces) and matched greedily, longest first, on words no mention took. */
#include "vcd/open_labels.h"
#include "vcd/eval.h"
#include "vcd/fileio.h"
#include "vcd/mentions.h"
#include "vcd/overlap.h"
#include "vcd/strmap.h"
#include "vcd/text.h"

#include <stdlib.h>
#include <string.h>

#define NOT_ENTITY_MAX_WORDS 6

typedef struct {
    vcd_strmap *not_forms; /* form key -> 1 */
    vcd_tokens toks;       /* the current comment's */
    vcd_word_keys words;   /* its word keys */
    vcd_buf key;
    const char **tag; /* per word: "O", or a type name for the B-/I- writer */
    uint8_t *inside;  /* per word: 0 = O, 1 = first word of a chunk, 2 = later word */
    size_t cap;
} labeller;

static void labeller_free(labeller *l)
{
    vcd_strmap_free(l->not_forms);
    vcd_tokens_free(&l->toks);
    vcd_word_keys_free(&l->words);
    vcd_buf_free(&l->key);
    free(l->tag);
    free(l->inside);
}

static void read_not_entities(labeller *l, const unsigned char *data, size_t len,
                              vcd_open_labels_report *r)
{
    size_t pos = 0, n, line = 0;
    const char *p;
    while (vcd_next_line(data, len, &pos, &p, &n)) {
        line++;
        const char *tab = memchr(p, '\t', n);
        size_t form_len = tab ? (size_t)(tab - p) : n;
        if (line == 1 && form_len == 4 && memcmp(p, "form", 4) == 0) continue; /* the header */
        if (!vcd_name_key(p, form_len, NOT_ENTITY_MAX_WORDS, &l->words, &l->key)) continue;
        int inserted;
        vcd_strmap_upsert(l->not_forms, l->key.data, l->key.len, 1, &inserted);
        r->not_entity_forms += (size_t)inserted;
    }
}

/* Tokenises a comment and resets its per-word tags to O. */
static void start_doc(labeller *l, const char *text)
{
    vcd_tokenize(text, strlen(text), &l->toks);
    size_t n = l->toks.n;
    if (n > l->cap) {
        l->cap = 2 * n;
        l->tag = vcd_xrealloc(l->tag, l->cap * sizeof *l->tag);
        l->inside = vcd_xrealloc(l->inside, l->cap);
    }
    vcd_word_keys_set(&l->words, text, &l->toks);
    if (n) memset(l->inside, 0, n);
}

/* Words [a, b) free of any chunk? */
static int words_free(const labeller *l, size_t a, size_t b)
{
    for (size_t w = a; w < b; w++)
        if (l->inside[w]) return 0;
    return 1;
}

static void set_chunk(labeller *l, size_t a, size_t b, const char *type)
{
    for (size_t w = a; w < b; w++) {
        l->inside[w] = w == a ? 1 : 2;
        l->tag[w] = type;
    }
}

/* Marks the mention's words; returns 1, or 0 with the reason counted. */
static int place_mention(labeller *l, const vcd_mention *m, vcd_open_labels_report *r)
{
    const char *type = vcd_wnut_type_name(m->type);
    if (!type) return r->mentions_untyped++, 0;
    size_t a = 0, n = l->toks.n;
    while (a < n && l->toks.toks[a].byte_start < m->byte_start)
        a++;
    size_t b = a;
    while (b < n && l->toks.toks[b].byte_end < m->byte_end)
        b++;
    if (a == n || b == n || l->toks.toks[a].byte_start != m->byte_start ||
        l->toks.toks[b].byte_end != m->byte_end)
        return r->mentions_unaligned++, 0;
    if (!words_free(l, a, b + 1)) return r->mentions_overlap++, 0;
    set_chunk(l, a, b + 1, type);
    return 1;
}

/* Marks every not-entity form the comment writes on words still free. */
static size_t place_not_entities(labeller *l)
{
    size_t n = l->toks.n, spans = 0;
    for (size_t i = 0; i < n;) {
        size_t len = 0;
        for (size_t k = NOT_ENTITY_MAX_WORDS; k >= 1 && !len; k--) {
            if (i + k > n || !words_free(l, i, i + k)) continue;
            vcd_word_keys_join(&l->words, i, k, &l->key);
            if (l->key.len && vcd_strmap_get(l->not_forms, l->key.data, l->key.len, 0)) len = k;
        }
        if (!len) {
            i++;
            continue;
        }
        set_chunk(l, i, i + len, "not-entity");
        spans++;
        i += len;
    }
    return spans;
}

static void write_doc(const labeller *l, const char *text, vcd_buf *out)
{
    for (size_t w = 0; w < l->toks.n; w++) {
        const vcd_token *k = &l->toks.toks[w];
        vcd_buf_append(out, text + k->byte_start, k->byte_end - k->byte_start);
        if (l->inside[w])
            vcd_buf_printf(out, "\t%s-%s\n", l->inside[w] == 1 ? "B" : "I", l->tag[w]);
        else
            vcd_buf_puts(out, "\tO\n");
    }
    vcd_buf_putc(out, '\n');
}

static int by_doc_then_start(const void *a, const void *b)
{
    const vcd_mention *x = a, *y = b;
    if (x->doc != y->doc) return x->doc < y->doc ? -1 : 1;
    if (x->byte_start != y->byte_start) return x->byte_start < y->byte_start ? -1 : 1;
    if (x->byte_end != y->byte_end) return x->byte_end < y->byte_end ? -1 : 1;
    return (x->type > y->type) - (x->type < y->type);
}

static vcd_status read_mentions(const char *name, const unsigned char *data, size_t len,
                                const vcd_corpus *c, vcd_warn_fn warn, void *warn_ctx,
                                vcd_mentions *ms, vcd_open_labels_report *r)
{
    vcd_mentions_file_stats st;
    vcd_status rc = vcd_mentions_read_jsonl(name, data, len, c, ms, &st, warn, warn_ctx);
    r->mentions_read = ms->n;
    r->mentions_skipped = st.skipped_malformed + st.skipped_unknown_doc + st.skipped_text_mismatch;
    if (!rc && ms->n) qsort(ms->items, ms->n, sizeof *ms->items, by_doc_then_start);
    return rc;
}

/* Labels every comment; mentions are sorted by comment. */
static void label_corpus(labeller *l, const vcd_corpus *c, const vcd_mentions *ms,
                         const vcd_overlap *exclude, vcd_buf *out, vcd_open_labels_report *r)
{
    vcd_buf scratch = {0};
    size_t next = 0;
    for (size_t d = 0; d < c->n_docs; d++) {
        size_t first = next;
        while (next < ms->n && ms->items[next].doc == d)
            next++;
        const char *text = c->docs[d].text;
        if (exclude && vcd_overlap_test(exclude, text, strlen(text), &scratch)) {
            r->docs_excluded++;
            r->mentions_excluded += next - first;
            continue;
        }
        start_doc(l, text);
        size_t placed = 0;
        for (size_t i = first; i < next; i++)
            placed += (size_t)place_mention(l, &ms->items[i], r);
        size_t not_spans = place_not_entities(l);
        if (!placed && !not_spans) continue;
        r->mentions_written += placed;
        r->not_entity_spans += not_spans;
        r->docs_written++;
        r->words_written += l->toks.n;
        write_doc(l, text, out);
    }
    vcd_buf_free(&scratch);
}

vcd_status vcd_open_labels_build(const vcd_corpus *c, const char *mentions_name,
                                 const unsigned char *mentions, size_t mentions_len,
                                 const unsigned char *forms, size_t forms_len,
                                 const vcd_overlap *exclude, vcd_warn_fn warn, void *warn_ctx,
                                 vcd_buf *out, vcd_open_labels_report *r)
{
    memset(r, 0, sizeof *r);
    labeller l = {.not_forms = vcd_strmap_new()};
    vcd_mentions ms = {0};
    if (forms) read_not_entities(&l, forms, forms_len, r);
    vcd_status rc = read_mentions(mentions_name, mentions, mentions_len, c, warn, warn_ctx, &ms, r);
    if (!rc) {
        r->docs = c->n_docs;
        label_corpus(&l, c, &ms, exclude, out, r);
    }
    vcd_mentions_free(&ms);
    labeller_free(&l);
    return rc;
}

/* f stays empty ({0}) without a path. */
static vcd_status map_optional(const char *path, vcd_mapped_file *f)
{
    return path ? vcd_map_file(path, f) : VCD_OK;
}

vcd_status vcd_open_labels_run(const vcd_open_labels_options *o, vcd_open_labels_report *r)
{
    memset(r, 0, sizeof *r);
    if (!o->input || !o->mentions_path || !o->out_path)
        return vcd_fail(VCD_EINPUT, "label-mentions: needs --input, --mentions and --out");
    vcd_corpus *c = NULL;
    vcd_overlap *exclude = NULL;
    vcd_mapped_file forms = {0}, mentions = {0};
    vcd_buf out = {0};
    vcd_buf_clear(&out);
    vcd_status rc = map_optional(o->not_entities_path, &forms);
    if (!rc) rc = map_optional(o->mentions_path, &mentions);
    if (!rc && o->exclude_conll) rc = vcd_overlap_load(o->exclude_conll, &exclude);
    if (!rc) rc = vcd_corpus_load(o->input, &o->ingest, &c);
    if (!rc)
        rc = vcd_open_labels_build(c, o->mentions_path, mentions.data, mentions.len, forms.data,
                                   forms.len, exclude, o->warn, o->warn_ctx, &out, r);
    if (!rc) rc = vcd_write_file_atomic(o->out_path, out.data, out.len);
    vcd_buf_free(&out);
    vcd_overlap_free(exclude);
    vcd_corpus_free(c);
    vcd_unmap_file(&mentions);
    vcd_unmap_file(&forms);
    return rc;
}
