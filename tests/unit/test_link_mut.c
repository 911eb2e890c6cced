/* Entities from labelled forms: the example comments are distinct comments
 * (a comment naming the entity three times is one example), first and last
 * seen span every dated mention, and the canonical name is the full form. */
#include "test.h"
#include "vcd/link.h"

static void add(vcd_mentions *ms, const vcd_corpus *c, uint32_t doc, const char *text, int nth)
{
    const char *p = c->docs[doc].text;
    for (int k = 0; p && k <= nth; k++)
        p = strstr(k ? p + 1 : p, text);
    CHECK(p != NULL);
    if (!p) return;
    vcd_mention m = {
        .doc = doc, .byte_start = (uint32_t)(p - c->docs[doc].text), .form = -1, .entity_id = -1};
    m.byte_end = m.byte_start + (uint32_t)strlen(text);
    m.start = m.byte_start;
    m.end = m.byte_end;
    m.type = VCD_TYPE_ORG;
    vcd_mentions_push(ms, &m);
}

static void test_examples_distinct(void)
{
    const char *csv = "id,date,text\n"
                      "a,2024-05-01,Tesla Tesla Tesla Motors\n"
                      "b,2024-01-01,tesla again\n"
                      "c,,Tesla Motors no date\n"
                      "d,2024-03-01,Tesla\n";
    vcd_corpus *c = NULL;
    CHECK(vcd_corpus_parse("t.csv", (const unsigned char *)csv, strlen(csv), NULL, &c) == VCD_OK);
    if (!c) return;
    vcd_mentions ms = {0};
    add(&ms, c, 0, "Tesla", 0);
    add(&ms, c, 0, "Tesla", 1);
    add(&ms, c, 0, "Tesla Motors", 0);
    add(&ms, c, 1, "tesla", 0);
    add(&ms, c, 2, "Tesla Motors", 0);
    add(&ms, c, 3, "Tesla", 0);
    vcd_forms forms;
    vcd_forms_build(c, &ms, &forms);
    CHECK(forms.n == 2);
    int32_t labels[2] = {0, 0};
    double probs[2] = {1, 1};
    vcd_entities ents;
    vcd_entities_build(c, &ms, &forms, labels, probs, &ents);
    CHECK(ents.n == 1);
    if (ents.n == 1) {
        const vcd_entity *e = &ents.items[0];
        CHECK(e->size == 6 && e->n_aliases == 2);
        CHECK_MSG(e->n_examples == 3, "%zu examples", e->n_examples);
        for (size_t i = 0; i < e->n_examples; i++)
            for (size_t j = 0; j < i; j++)
                CHECK_MSG(strcmp(e->examples[i], e->examples[j]) != 0, "example %s twice",
                          e->examples[i]);
        CHECK(e->n_examples == 3 && strcmp(e->examples[0], "a") == 0 &&
              strcmp(e->examples[1], "b") == 0 && strcmp(e->examples[2], "c") == 0);
        int64_t jan = 0, may = 0;
        CHECK(vcd_parse_iso8601("2024-01-01", 10, &jan) == VCD_OK);
        CHECK(vcd_parse_iso8601("2024-05-01", 10, &may) == VCD_OK);
        CHECK(e->first_seen == jan && e->last_seen == may);
        /* "Tesla Motors" is used half as often as "Tesla": the fuller name wins */
        CHECK_MSG(strcmp(e->name, "Tesla Motors") == 0, "%s", e->name);
    }
    vcd_entities_free(&ents);
    vcd_forms_free(&forms);
    vcd_mentions_free(&ms);
    vcd_corpus_free(c);
}

int main(void)
{
    test_examples_distinct();
    return test_finish();
}
