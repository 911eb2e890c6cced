/* Pooled encoder properties, forms, entities, refinement and alias evidence. */
#include "test.h"
#include "vcd/encode.h"
#include "vcd/link.h"

static double dotf(const float *a, const float *b, size_t d)
{
    double s = 0;
    for (size_t i = 0; i < d; i++)
        s += (double)a[i] * b[i];
    return s;
}

static vcd_vectors *maybe_vectors(void)
{
    vcd_vectors *v = NULL;
    if (vcd_vectors_open(VCD_DATA_DIR "/vectors/glove-wiki-100d.vcdv", &v) != VCD_OK) {
        printf("SKIP part: default vectors not imported; char features only\n");
        return NULL;
    }
    return v;
}

static void test_encoder(vcd_vectors *v)
{
    vcd_encoder *e;
    CHECK(vcd_encoder_pooled_new(v, NULL, &e) == VCD_OK);
    size_t d = vcd_encoder_dim(e);
    CHECK(d == (v ? 200u : 0u) + 256u);
    float *a = malloc(d * sizeof *a), *b = malloc(d * sizeof *b), *c = malloc(d * sizeof *c);
    vcd_encode_query(e, "AVP", 3, a);
    vcd_encode_query(e, "Apple Vision Pro", 16, b);
    vcd_encode_query(e, "Taylor Swift", 12, c);
    CHECK_NEAR(dotf(a, a, d), 1.0, 1e-5);
    CHECK_NEAR(dotf(b, b, d), 1.0, 1e-5);
    CHECK_MSG(dotf(a, b, d) > dotf(a, c, d) + 0.2, "acronym %.3f vs other %.3f", dotf(a, b, d),
              dotf(a, c, d));
    vcd_encode_query(e, "Taylor Swfit", 12, a); /* misspelling stays close */
    CHECK_MSG(dotf(a, c, d) > 0.5, "%.3f", dotf(a, c, d));
    vcd_encode_query(e, "Taylor Swift", 12, a); /* deterministic */
    CHECK(memcmp(a, c, d * sizeof *a) == 0);
    /* context changes the vector of a mention but not its span blocks */
    const char *text = "I love Apple pies so much";
    vcd_mention m = {.byte_start = 7, .byte_end = 12, .source = VCD_SRC_CAPITALIZED};
    vcd_encode_doc_mentions(e, text, strlen(text), &m, 1, a);
    CHECK_NEAR(dotf(a, a, d), 1.0, 1e-5);
    vcd_encoder_options bad;
    vcd_encoder_options_default(&bad);
    bad.char_dim = 1;
    vcd_encoder *e2;
    CHECK(vcd_encoder_pooled_new(v, &bad, &e2) == VCD_EINPUT);
    free(a);
    free(b);
    free(c);
    vcd_encoder_free(e);
}

static vcd_corpus *corpus_of(const char *csv)
{
    vcd_corpus *c = NULL;
    vcd_corpus_parse("t.csv", (const unsigned char *)csv, strlen(csv), NULL, &c);
    return c;
}

static void add(vcd_mentions *ms, const vcd_corpus *c, uint32_t doc, const char *text)
{
    const char *p = strstr(c->docs[doc].text, text);
    vcd_mention m = {
        .doc = doc, .byte_start = (uint32_t)(p - c->docs[doc].text), .form = -1, .entity_id = -1};
    m.byte_end = m.byte_start + (uint32_t)strlen(text);
    m.start = m.byte_start;
    m.end = m.byte_end;
    m.type = VCD_TYPE_PRODUCT;
    vcd_mentions_push(ms, &m);
}

static void test_forms_and_entities(void)
{
    vcd_corpus *c =
        corpus_of("id,date,text\n1,2024-01-01,Vision Pro rocks\n2,2024-02-01,vision  pro meh\n"
                  "3,2024-03-01,Apple Vision Pro and AVP\n4,,AVP\n");
    vcd_mentions ms = {0};
    add(&ms, c, 0, "Vision Pro");
    add(&ms, c, 1, "vision  pro");
    add(&ms, c, 2, "Apple Vision Pro");
    add(&ms, c, 2, "AVP");
    add(&ms, c, 3, "AVP");
    vcd_forms forms;
    vcd_forms_build(c, &ms, &forms);
    CHECK(forms.n == 3);
    CHECK(strcmp(forms.items[0].key, "vision pro") == 0 && forms.items[0].count == 2);
    CHECK(strcmp(forms.items[0].surface, "Vision Pro") == 0);
    CHECK(ms.items[1].form == 0 && ms.items[4].form == 2);
    /* AVP on its own, the others together; acronym evidence merges it */
    int32_t labels[3] = {0, 0, -1};
    CHECK(vcd_merge_acronyms(&forms, labels) == 1);
    CHECK(labels[2] == 0);
    double probs[3] = {1, 1, 1};
    vcd_entities ents;
    vcd_entities_build(c, &ms, &forms, labels, probs, &ents);
    CHECK(ents.n == 1);
    CHECK_MSG(strcmp(ents.items[0].name, "Apple Vision Pro") == 0, "%s", ents.items[0].name);
    CHECK(ents.items[0].size == 5 && ents.items[0].n_aliases == 3);
    CHECK(ents.items[0].first_seen == 1704067200 && ents.items[0].last_seen == 1709251200);
    CHECK(ents.items[0].type == VCD_TYPE_PRODUCT);
    CHECK(ms.items[3].entity_id == 0);
    vcd_entities_free(&ents);
    vcd_forms_free(&forms);
    vcd_mentions_free(&ms);
    vcd_corpus_free(c);
}

static void test_split(void)
{
    /* three unit vectors: two close, one orthogonal, all in one cluster */
    float X[9] = {1, 0, 0, 0.96f, 0.28f, 0, 0, 0, 1};
    vcd_form f[3] = {{.key = "a", .surface = "a", .count = 1},
                     {.key = "b", .surface = "b", .count = 1},
                     {.key = "c", .surface = "c", .count = 1}};
    vcd_forms forms = {f, 3};
    int32_t labels[3] = {0, 0, 0};
    vcd_split_dissimilar(X, 3, &forms, 0.5, labels);
    CHECK(labels[0] == 0 && labels[1] == 0 && labels[2] == -1);
    double m[3];
    vcd_membership(X, 3, &forms, labels, m);
    CHECK_NEAR(m[0], 0.96, 1e-6);
    CHECK(m[2] == 0.0);
    CHECK_NEAR(vcd_trigram_dice("taylor swift", 12, "taylor swift", 12), 1.0, 1e-12);
    CHECK(vcd_trigram_dice("taylor swift", 12, "taylor swfit", 12) > 0.6);
    CHECK(vcd_trigram_dice("abc", 3, "xyz", 3) == 0.0);
}

int main(void)
{
    vcd_vectors *v = maybe_vectors();
    test_encoder(v);
    test_encoder(NULL);
    test_forms_and_entities();
    test_split();
    vcd_vectors_close(v);
    return test_finish();
}
