/* The rule-based tagger and the pre-extracted mentions reader. */
#include "test.h"
#include "vcd/mentions.h"

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

int main(void)
{
    test_rules();
    test_mentions_file();
    test_types();
    return test_finish();
}
