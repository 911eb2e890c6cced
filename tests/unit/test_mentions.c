/* The rule-based tagger and the pre-extracted mentions reader. */
#include "test.h"
#include "vcd/mentions.h"
#include "../../src/mentions/tagger_words.h"

static vcd_corpus *corpus_of(const char *csv)
{
    vcd_corpus *c = NULL;
    vcd_ingest_options o = {0};
    vcd_corpus_parse("t.csv", (const unsigned char *)csv, strlen(csv), &o, &c);
    return c;
}

static int has_mention(const vcd_corpus *c, const vcd_mentions *ms, size_t doc, const char *text,
                       int type)
{
    for (size_t i = 0; i < ms->n; i++) {
        const vcd_mention *m = &ms->items[i];
        const char *s = c->docs[m->doc].text + m->byte_start;
        size_t n = m->byte_end - m->byte_start;
        if (m->doc == doc && strlen(text) == n && memcmp(s, text, n) == 0 &&
            (type < 0 || m->type == type))
            return 1;
    }
    return 0;
}

static void test_rules(void)
{
    const char *csv = "id,text\n"
                      "1,I think Apple Vision Pro is great but the AVP price hurts\n"
                      "2,Great video! Bank of America and Elon Musk again lol\n"
                      "3,THIS IS SO GOOD OMG\n"
                      "4,watching from New York with my iPhone 15 #AppleVisionPro #love\n"
                      "5,Samsung Galaxy S24 vs PS5? :D\n";
    vcd_corpus *c = corpus_of(csv);
    CHECK(c != NULL);
    if (!c) return;
    vcd_tagger *t;
    CHECK(vcd_tagger_rules_new(VCD_DATA_DIR "/gazetteer.tsv", NULL, &t) == VCD_OK);
    vcd_mentions ms = {0};
    CHECK(vcd_tagger_tag_corpus(t, c, &ms, NULL, NULL) == VCD_OK);
    CHECK(has_mention(c, &ms, 0, "Apple Vision Pro", VCD_TYPE_PRODUCT));
    CHECK(has_mention(c, &ms, 0, "AVP", -1));
    CHECK(!has_mention(c, &ms, 0, "I", -1));
    CHECK(has_mention(c, &ms, 1, "Bank of America", -1));
    CHECK(has_mention(c, &ms, 1, "Elon Musk", VCD_TYPE_PER));
    CHECK(!has_mention(c, &ms, 1, "Great", -1));
    CHECK(!has_mention(c, &ms, 2, "THIS", -1) && !has_mention(c, &ms, 2, "OMG", -1));
    CHECK(has_mention(c, &ms, 3, "New York", VCD_TYPE_LOC));
    CHECK(has_mention(c, &ms, 3, "iPhone 15", VCD_TYPE_PRODUCT));
    CHECK(has_mention(c, &ms, 3, "AppleVisionPro", -1));
    CHECK(!has_mention(c, &ms, 3, "love", -1));
    CHECK(has_mention(c, &ms, 4, "Samsung Galaxy S24", VCD_TYPE_PRODUCT));
    CHECK(has_mention(c, &ms, 4, "PS5", VCD_TYPE_PRODUCT));
    CHECK(!has_mention(c, &ms, 4, "D", -1));
    for (size_t i = 0; i < ms.n; i++)
        CHECK(ms.items[i].end > ms.items[i].start && ms.items[i].entity_id == -1);
    vcd_mentions_free(&ms);
    vcd_tagger_free(t);
    vcd_corpus_free(c);
    CHECK(vcd_tagger_rules_new("/nonexistent.tsv", NULL, &t) == VCD_EINPUT);
}

static void test_mentions_file(void)
{
    vcd_corpus *c = corpus_of("id,text\nd1,caf\xc3\xa9 Apple Vision Pro\nd2,plain\n");
    const char *jl = "{\"doc_id\":\"d1\",\"text\":\"Apple Vision "
                     "Pro\",\"start\":5,\"end\":21,\"type\":\"product\"}\n"
                     "{\"doc_id\":\"d1\",\"text\":\"Apple\",\"start\":4,\"end\":9}\n"
                     "{\"doc_id\":\"zz\",\"text\":\"x\",\"start\":0,\"end\":1}\n"
                     "{\"doc_id\":\"d2\",\"text\":\"plain\",\"start\":0,\"end\":99}\n"
                     "{\"doc_id\":\"d2\",\"text\":\"plain\",\"start\":3,\"end\":1}\n"
                     "garbage\n\n"
                     "{\"doc_id\":\"d2\",\"text\":\"plain\",\"start\":0,\"end\":5,\"extra\":[1]}\n";
    vcd_mentions ms = {0};
    vcd_mentions_file_stats st;
    CHECK(vcd_mentions_read_jsonl("m.jsonl", (const unsigned char *)jl, strlen(jl), c, &ms, &st,
                                  NULL, NULL) == VCD_OK);
    CHECK(st.kept == 2 && ms.n == 2);
    CHECK(st.skipped_text_mismatch == 1 && st.skipped_unknown_doc == 1 &&
          st.skipped_malformed == 3);
    CHECK(ms.items[0].type == VCD_TYPE_PRODUCT && ms.items[0].byte_start == 6);
    vcd_mentions_free(&ms);
    vcd_corpus_free(c);
}

static void test_types(void)
{
    CHECK(vcd_type_parse("creative-work") == VCD_TYPE_WORK);
    CHECK(vcd_type_parse("corporation") == VCD_TYPE_ORG);
    CHECK(vcd_type_parse("PER") == VCD_TYPE_PER);
    CHECK(vcd_type_parse("bogus") == -1);
    CHECK(strcmp(vcd_type_name(VCD_TYPE_LOC), "LOC") == 0);
}

/* A labeller that tags capitalised words as people and records its batches. */
typedef struct {
    size_t calls, max_seqs, max_words;
} fake_labels;

static vcd_status fake_label(void *ctx, const vcd_word_seq *seqs, size_t n, int32_t *labels,
                             float *conf)
{
    fake_labels *f = ctx;
    size_t k = 0;
    for (size_t s = 0; s < n; s++)
        for (size_t w = 0; w < seqs[s].n; w++, k++) {
            labels[k] = seqs[s].words[w][0] >= 'A' && seqs[s].words[w][0] <= 'Z';
            conf[k] = 1.0f;
        }
    f->calls++;
    if (n > f->max_seqs) f->max_seqs = n;
    if (k > f->max_words) f->max_words = k;
    return VCD_OK;
}

static const char *fake_name(const void *ctx, int32_t label)
{
    (void)ctx;
    return label ? "B-person" : "O";
}

static void fake_free(void *ctx)
{
    (void)ctx;
}

static const vcd_word_labeler fake_labeler = {"fake", fake_label, fake_name, fake_free};

/* Tags every document forwards, or backwards, and returns the mentions. */
static void tag_all(const vcd_corpus *c, int backwards, fake_labels *f, vcd_mentions *out)
{
    memset(f, 0, sizeof *f);
    memset(out, 0, sizeof *out);
    vcd_tagger *t = vcd_tagger_words_new(&fake_labeler, f);
    vcd_status rc = vcd_tagger_prepare(t, c);
    for (size_t i = 0; i < c->n_docs && rc == VCD_OK; i++)
        rc = t->ops->tag_doc(t, c, backwards ? c->n_docs - 1 - i : i, out);
    CHECK(rc == VCD_OK);
    vcd_tagger_free(t);
}

static int same_mentions(const vcd_mentions *a, const vcd_mentions *b)
{
    if (a->n != b->n) return 0;
    for (size_t i = 0; i < a->n; i++) { /* b is in reverse document order */
        const vcd_mention *x = &a->items[i], *y = NULL;
        for (size_t j = 0; j < b->n && !y; j++)
            if (b->items[j].doc == x->doc && b->items[j].start == x->start) y = &b->items[j];
        if (!y || y->end != x->end || y->byte_start != x->byte_start) return 0;
    }
    return 1;
}

/* The word tagger labels one chunk at a time (16,384 comments, or fewer
 * when they pass 512k words), in the same batches whatever the order. */
static void test_word_chunks(void)
{
    for (int longdocs = 0; longdocs < 2; longdocs++) {
        vcd_buf b = {0};
        size_t n_docs = longdocs ? 3000 : 40000;
        for (size_t d = 0; d < n_docs; d++) {
            vcd_buf_printf(&b, "Alice met %s%zu today", longdocs ? "" : "bob", d % 7);
            for (int w = 0; longdocs && w < 100; w++)
                vcd_buf_puts(&b, " and so on");
            vcd_buf_putc(&b, '\n');
        }
        vcd_corpus *c;
        CHECK(vcd_corpus_parse("w.txt", (const unsigned char *)b.data, b.len, NULL, &c) == VCD_OK);
        fake_labels fwd, back;
        vcd_mentions mf, mb;
        tag_all(c, 0, &fwd, &mf);
        tag_all(c, 1, &back, &mb);
        CHECK(mf.n == n_docs && same_mentions(&mf, &mb));
        CHECK(fwd.max_seqs <= 16384 && fwd.max_words <= (512u << 10));
        CHECK(fwd.calls == (longdocs ? 2 : 3) && back.calls == fwd.calls);
        CHECK(back.max_seqs == fwd.max_seqs && back.max_words == fwd.max_words);
        vcd_mentions_free(&mf);
        vcd_mentions_free(&mb);
        vcd_corpus_free(c);
        vcd_buf_free(&b);
    }
}

int main(void)
{
    test_rules();
    test_mentions_file();
    test_types();
    test_word_chunks();
    return test_finish();
}
