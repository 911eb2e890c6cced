/* The --mentions reader at the edges of a comment: a span ending exactly at
 * the comment's end is kept, one code point further is refused, and the
 * "text" must be the span exactly (not a longer string that starts like it). */
#include "test.h"
#include "vcd/mentions.h"

static void test_span_edges(void)
{
    const char *csv = "id,text\nd1,Apple Vision Pro\n";
    vcd_corpus *c = NULL;
    CHECK(vcd_corpus_parse("t.csv", (const unsigned char *)csv, strlen(csv), NULL, &c) == VCD_OK);
    if (!c) return;
    const char *jl = "{\"doc_id\":\"d1\",\"text\":\"Pro\",\"start\":13,\"end\":16}\n"
                     "{\"doc_id\":\"d1\",\"text\":\"Pro\",\"start\":13,\"end\":17}\n"
                     "{\"doc_id\":\"d1\",\"text\":\"Apple Visionary\",\"start\":0,\"end\":12}\n"
                     "{\"doc_id\":\"d1\",\"text\":\"Apple Vision\",\"start\":0,\"end\":12}\n";
    vcd_mentions ms = {0};
    vcd_mentions_file_stats st;
    CHECK(vcd_mentions_read_jsonl("m.jsonl", (const unsigned char *)jl, strlen(jl), c, &ms, &st,
                                  NULL, NULL) == VCD_OK);
    CHECK_MSG(st.kept == 2 && ms.n == 2, "%zu kept", st.kept);
    CHECK(st.skipped_malformed == 1 && st.skipped_text_mismatch == 1);
    if (ms.n == 2) {
        CHECK(ms.items[0].end == 16 && ms.items[0].byte_end == 16);
        CHECK(ms.items[1].start == 0 && ms.items[1].end == 12);
    }
    for (size_t i = 0; i < ms.n; i++)
        CHECK(ms.items[i].end <= c->docs[0].n_codepoints);
    vcd_mentions_free(&ms);
    vcd_corpus_free(c);
}

int main(void)
{
    test_span_edges();
    return test_finish();
}
