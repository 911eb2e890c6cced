/* The pieces the match path shares: the link code's one binary search
 * (link_lower_bound), the reader that places a state's mention in its
 * comment for both `match` and `update` (state_record_mention), and the
 * choice model's tables a state builds once and reuses: a query asked after
 * others gets the answer a freshly opened state gives it. */
#include "../../src/link/link_internal.h"
#include "../../src/state/state_internal.h"
#include "test.h"
#include "vcd/fileio.h"
#include "vcd/pipeline.h"

static uint64_t u32_at(const void *a, size_t i)
{
    return ((const uint32_t *)a)[i];
}

static void test_lower_bound(void)
{
    const uint32_t keys[] = {2, 4, 4, 4, 9};
    CHECK(link_lower_bound(keys, 0, u32_at, 4) == 0);
    CHECK(link_lower_bound(keys, 5, u32_at, 0) == 0);
    CHECK(link_lower_bound(keys, 5, u32_at, 2) == 0);
    CHECK(link_lower_bound(keys, 5, u32_at, 3) == 1);
    CHECK(link_lower_bound(keys, 5, u32_at, 4) == 1); /* the first of equal keys */
    CHECK(link_lower_bound(keys, 5, u32_at, 5) == 4);
    CHECK(link_lower_bound(keys, 5, u32_at, 9) == 4);
    CHECK(link_lower_bound(keys, 5, u32_at, 10) == 5);
    CHECK(link_lower_bound(keys, 1, u32_at, 3) == 1);
}

static void test_record_mention(void)
{
    /* "é" and "ë" are two bytes each: code points 6..9 are bytes 7..11 */
    vcd_record_doc docs[2] = {{.text = "h\xc3\xa9llo Zo\xc3\xab!"}, {.text = NULL}};
    vcd_record_mention ms[] = {
        {.doc = 0,
         .start = 6,
         .end = 9,
         .entity_id = 3,
         .type = 2,
         .source = 1,
         .text = "Zo\xc3\xab",
         .tagger_score = 0.5f},
        {.doc = 0, .start = 6, .end = 10, .text = "Zo\xc3\xab!"}, /* to the end: fine */
        {.doc = 0, .start = 6, .end = 12, .text = "Zo\xc3\xab!"}, /* past the end */
        {.doc = 0, .start = 5, .end = 8, .text = "Zo\xc3\xab"},   /* another span */
        {.doc = 0, .start = 0, .end = 1, .text = "x"},            /* another text */
        {.doc = 1, .start = 0, .end = 1, .text = "a"},            /* no comment text */
    };
    vcd_records r = {.docs = docs, .n_docs = 2, .mentions = ms, .n_mentions = 6};
    vcd_mention x;
    memset(&x, 0xff, sizeof x);
    CHECK(state_record_mention(&r, 0, &x) == 1);
    CHECK(x.doc == 0 && x.start == 6 && x.end == 9 && x.byte_start == 7 && x.byte_end == 11);
    CHECK(x.type == 2 && x.source == 1 && x.score == 0.5f && x.form == -1 && x.entity_id == 3);
    CHECK(state_record_mention(&r, 1, &x) == 1 && x.byte_end == 12);
    for (size_t i = 2; i < 6; i++)
        CHECK_MSG(state_record_mention(&r, i, &x) == 0, "mention %zu placed", i);
}

static int same_hits(const vcd_match_hit *a, size_t na, const vcd_match_hit *b, size_t nb)
{
    if (na != nb) return 0;
    for (size_t i = 0; i < na; i++)
        if (a[i].entity_id != b[i].entity_id || a[i].score != b[i].score ||
            a[i].similarity != b[i].similarity || strcmp(a[i].evidence, b[i].evidence) != 0 ||
            strcmp(a[i].alias, b[i].alias) != 0)
            return 0;
    return 1;
}

static void test_tables_reused(const char *dir)
{
    vcd_cluster_options o;
    vcd_cluster_options_default(&o);
    o.input = VCD_SOURCE_DIR "/tests/data/synthetic_comments.csv";
    o.out_dir = dir;
    o.tagger_spec = "rules";
    vcd_cluster_report rep;
    vcd_status rc = vcd_run_cluster(&o, &rep);
    CHECK_MSG(rc == VCD_OK, "%s", rc ? vcd_last_error() : "");
    const char *queries[] = {"Taylor Swift", "Tesla", "AVP", "Swift", "nothing like it"};
    enum { NQ = sizeof queries / sizeof *queries, K = 8 };
    vcd_state *busy = NULL;
    CHECK(vcd_state_open(dir, NULL, &busy) == VCD_OK);
    if (!busy) return;
    CHECK_MSG(busy->linker.choice.fitted || busy->linker.choice_corpus.fitted,
              "the shipped linker has no choice model: this test would not reach choose()");
    vcd_match_hit first[NQ][K];
    size_t n_first[NQ];
    for (size_t q = 0; q < NQ; q++)
        CHECK(vcd_state_match(busy, queries[q], K, 0.0, first[q], &n_first[q]) == VCD_OK);
    CHECK(busy->choice_form_entity != NULL);
    for (size_t q = 0; q < NQ; q++) {
        /* the same query again on the busy state, and first on a fresh one */
        vcd_match_hit again[K], fresh[K];
        size_t n_again = 0, n_fresh = 0;
        vcd_state *s = NULL;
        CHECK(vcd_state_open(dir, NULL, &s) == VCD_OK);
        if (!s) break;
        CHECK(vcd_state_match(busy, queries[q], K, 0.0, again, &n_again) == VCD_OK);
        CHECK(vcd_state_match(s, queries[q], K, 0.0, fresh, &n_fresh) == VCD_OK);
        CHECK_MSG(n_first[q] > 0 || q == NQ - 1, "\"%s\": no hit at threshold 0", queries[q]);
        CHECK_MSG(same_hits(first[q], n_first[q], again, n_again), "\"%s\" asked again differs",
                  queries[q]);
        CHECK_MSG(same_hits(first[q], n_first[q], fresh, n_fresh),
                  "\"%s\" differs from a fresh state's answer", queries[q]);
        vcd_state_close(s);
    }
    vcd_state_close(busy);
}

int main(void)
{
    test_lower_bound();
    test_record_mention();
    char dir[] = "/tmp/vcd_match_reuse_XXXXXX";
    if (!mkdtemp(dir)) return 1;
    test_tables_reused(dir);
    vcd_remove_tree(dir);
    return test_finish();
}
