#include "vcd/encode.h"
#include "vcd/link.h"
#include "vcd/strmap.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t form;
    size_t surface_count;
} surface_tally;

void vcd_forms_build(const vcd_corpus *c, vcd_mentions *ms, vcd_forms *out)
{
    vcd_strmap *by_key = vcd_strmap_new();
    vcd_strmap *by_surface = vcd_strmap_new(); /* "form\x1fsurface" -> count */
    vcd_buf key = {0}, sk = {0};
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    uint32_t(*type_votes)[VCD_TYPE_COUNT] = NULL;
    size_t *best_surface_count = NULL;
    for (size_t i = 0; i < ms->n; i++) {
        vcd_mention *m = &ms->items[i];
        vcd_corpus_text_done(c, m->doc); /* mentions are in document order */
        const char *text = c->docs[m->doc].text + m->byte_start;
        size_t n = m->byte_end - m->byte_start;
        vcd_span_key(text, n, m->source == VCD_SRC_HASHTAG, &key);
        int inserted;
        size_t *slot =
            vcd_strmap_upsert(by_key, key.data ? key.data : "", key.len, out->n, &inserted);
        size_t f = *slot;
        if (inserted) {
            if (out->n == cap) {
                cap = cap ? cap * 2 : 256;
                out->items = vcd_xrealloc(out->items, cap * sizeof *out->items);
                type_votes = vcd_xrealloc(type_votes, cap * sizeof *type_votes);
                best_surface_count =
                    vcd_xrealloc(best_surface_count, cap * sizeof *best_surface_count);
            }
            vcd_form *nf = &out->items[out->n++];
            nf->key = vcd_xstrndup(key.data ? key.data : "", key.len);
            nf->surface = vcd_xstrndup(text, n);
            nf->count = 0;
            nf->entity_id = -1;
            nf->type = VCD_TYPE_UNK;
            memset(type_votes[f], 0, sizeof type_votes[f]);
            best_surface_count[f] = 0;
        }
        m->form = (int32_t)f;
        vcd_form *fm = &out->items[f];
        fm->count++;
        type_votes[f][m->type < VCD_TYPE_COUNT ? m->type : 0]++;
        vcd_buf_clear(&sk);
        vcd_buf_printf(&sk, "%zu\x1f", f);
        vcd_buf_append(&sk, text, n);
        size_t *sc = vcd_strmap_upsert(by_surface, sk.data, sk.len, 0, NULL);
        (*sc)++;
        /* Strictly more wins, so the first spelling seen keeps ties stable. */
        if (*sc > best_surface_count[f]) {
            best_surface_count[f] = *sc;
            if (strlen(fm->surface) != n || memcmp(fm->surface, text, n) != 0) {
                free(fm->surface);
                fm->surface = vcd_xstrndup(text, n);
            }
        }
    }
    vcd_corpus_text_done(c, c->n_docs);
    for (size_t f = 0; f < out->n; f++) {
        uint32_t best = 0;
        for (int t = 1; t < VCD_TYPE_COUNT; t++)
            if (type_votes[f][t] > best) {
                best = type_votes[f][t];
                out->items[f].type = (uint8_t)t;
            }
    }
    free(type_votes);
    free(best_surface_count);
    vcd_buf_free(&key);
    vcd_buf_free(&sk);
    vcd_strmap_free(by_key);
    vcd_strmap_free(by_surface);
}

void vcd_forms_free(vcd_forms *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->items[i].key);
        free(f->items[i].surface);
    }
    free(f->items);
    memset(f, 0, sizeof *f);
}

uint64_t vcd_forms_keys_digest(const vcd_forms *f, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
    for (size_t i = 0; i < n && i < f->n; i++)
        h = vcd_hash64(f->items[i].key, strlen(f->items[i].key) + 1, h); /* the NUL separates */
    return h;
}
