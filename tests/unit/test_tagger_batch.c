/* vcd_tagger_batch: the batches the word tagger labels in, which the MPI
 * cluster job cuts the corpus at. A part tagged from a batch bound makes the
 * labeller calls of one pass over everything from there, and gets its
 * mentions, scores included, even from a labeller whose output depends on
 * the batch (as matrix products may); a part cut inside a batch gets them
 * too, but labels the comments before the cut for nothing. */
#include "test.h"
#include "vcd/mentions.h"
#include "../../src/mentions/tagger_words.h"

#define MAX_CALLS 64

/* Capitalised words are people; the confidence depends on the batch (on
 * where the comment sits in it), as a labeller's floating-point results may.
 * Records each call's size. */
typedef struct {
    size_t calls, sizes[MAX_CALLS];
} batch_log;

static vcd_status log_label(void *ctx, const vcd_word_seq *seqs, size_t n, int32_t *labels,
                            float *conf)
{
    batch_log *f = ctx;
    size_t k = 0;
    for (size_t s = 0; s < n; s++)
        for (size_t w = 0; w < seqs[s].n; w++, k++) {
            labels[k] = seqs[s].words[w][0] >= 'A' && seqs[s].words[w][0] <= 'Z';
            conf[k] = 1.0f / (float)(1 + s % 7); /* where its comment sits in the batch */
        }
    if (f->calls < MAX_CALLS) f->sizes[f->calls] = n;
    f->calls++;
    return VCD_OK;
}

static const char *log_name(const void *ctx, int32_t label)
{
    (void)ctx;
    return label ? "B-person" : "O";
}

static void log_free(void *ctx)
{
    (void)ctx;
}

static const vcd_word_labeler log_labeler = {"batch-log", log_label, log_name, log_free};

/* Tags documents [from, n_docs) with a fresh tagger. */
static void tag_from(const vcd_corpus *c, size_t from, batch_log *f, vcd_mentions *out)
{
    memset(f, 0, sizeof *f);
    memset(out, 0, sizeof *out);
    vcd_tagger *t = vcd_tagger_words_new(&log_labeler, f);
    vcd_status rc = vcd_tagger_prepare(t, c);
    for (size_t d = from; d < c->n_docs && rc == VCD_OK; d++)
        rc = t->ops->tag_doc(t, c, d, out);
    CHECK(rc == VCD_OK);
    vcd_tagger_free(t);
}

/* The mentions of `all` from document `from` on equal `part`, scores too. */
static int same_tail(const vcd_mentions *all, const vcd_mentions *part, size_t from)
{
    size_t i = 0;
    while (i < all->n && all->items[i].doc < from)
        i++;
    if (all->n - i != part->n) return 0;
    for (size_t j = 0; j < part->n; j++, i++) {
        const vcd_mention *a = &all->items[i], *b = &part->items[j];
        if (a->doc != b->doc || a->start != b->start || a->end != b->end || a->score != b->score)
            return 0;
    }
    return 1;
}

static vcd_corpus *make_corpus(size_t n_docs, int long_docs, vcd_buf *b)
{
    for (size_t d = 0; d < n_docs; d++) {
        vcd_buf_printf(b, "Alice met %s%zu today", long_docs ? "" : "bob", d % 7);
        for (int w = 0; long_docs && w < 100; w++)
            vcd_buf_puts(b, " and so on");
        vcd_buf_putc(b, '\n');
    }
    vcd_corpus *c = NULL;
    CHECK(vcd_corpus_parse("b.txt", (const unsigned char *)b->data, b->len, NULL, &c) == VCD_OK);
    return c;
}

static void test_word_batches(void)
{
    for (int long_docs = 0; long_docs < 2; long_docs++) {
        vcd_buf b = {0};
        vcd_corpus *c = make_corpus(long_docs ? 12000 : 40000, long_docs, &b);
        batch_log full;
        vcd_mentions all;
        tag_from(c, 0, &full, &all);
        CHECK(full.calls >= 3 && full.calls < MAX_CALLS);
        /* The batches vcd_tagger_batch reports are the labeller's calls. */
        batch_log probe = {0};
        vcd_tagger *t = vcd_tagger_words_new(&log_labeler, &probe);
        CHECK(vcd_tagger_prepare(t, c) == VCD_OK);
        size_t doc = 0, k = 0, cut = 0;
        while (doc < c->n_docs && k < full.calls) {
            size_t s, e, s2, e2;
            vcd_tagger_batch(t, c, doc, &s, &e);
            vcd_tagger_batch(t, c, (s + e) / 2, &s2, &e2);
            CHECK_MSG(s == doc && e - s == full.sizes[k], "batch %zu: [%zu, %zu)", k, s, e);
            CHECK(s2 == s && e2 == e);
            if (k == 1) cut = s;
            doc = e, k++;
        }
        CHECK(doc == c->n_docs && k == full.calls && probe.calls == 0);
        vcd_tagger_free(t);
        /* A part from a bound is the full pass's tail, in the same calls. */
        batch_log part_log;
        vcd_mentions part;
        tag_from(c, cut, &part_log, &part);
        CHECK(cut > 0 && same_tail(&all, &part, cut));
        CHECK(part_log.calls == full.calls - 1 && part_log.sizes[0] == full.sizes[1]);
        vcd_mentions_free(&part);
        tag_from(c, cut + 1, &part_log, &part);
        CHECK(same_tail(&all, &part, cut + 1) && part_log.sizes[0] == full.sizes[1]);
        vcd_mentions_free(&part);
        vcd_mentions_free(&all);
        vcd_corpus_free(c);
        vcd_buf_free(&b);
    }
}

/* The rule tagger labels each comment alone: every batch is one document. */
static void test_rules_batches(void)
{
    vcd_buf b = {0};
    vcd_corpus *c = make_corpus(10, 0, &b);
    vcd_tagger *t = NULL;
    CHECK(vcd_tagger_open("rules", NULL, NULL, NULL, NULL, &t) == VCD_OK);
    CHECK(vcd_tagger_prepare(t, c) == VCD_OK);
    size_t s = 99, e = 99;
    vcd_tagger_batch(t, c, 4, &s, &e);
    CHECK(s == 4 && e == 5);
    vcd_tagger_free(t);
    vcd_corpus_free(c);
    vcd_buf_free(&b);
}

int main(void)
{
    test_word_batches();
    test_rules_batches();
    return test_finish();
}
