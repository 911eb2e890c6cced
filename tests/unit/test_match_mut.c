/* `match` on a state: a query spelled exactly as an alias is an exact-alias
 * hit, with score 1 on a legacy state (an entity's score is its best
 * alias's, not the last or the worst seen), and the hits come best first. */
#include "test.h"
#include "vcd/fileio.h"
#include "vcd/pipeline.h"
#include "vcd/state.h"

static void check_exact(const char *dir, vcd_link_mode mode)
{
    vcd_cluster_options o;
    vcd_cluster_options_default(&o);
    o.input = VCD_SOURCE_DIR "/tests/data/synthetic_comments.csv";
    o.out_dir = dir;
    o.tagger_spec = "rules";
    o.link = mode;
    vcd_cluster_report r;
    vcd_status rc = vcd_run_cluster(&o, &r);
    CHECK_MSG(rc == VCD_OK, "%s", rc ? vcd_last_error() : "");
    vcd_state *s = NULL;
    CHECK(vcd_state_open(dir, NULL, &s) == VCD_OK);
    if (!s) return;
    const char *queries[] = {"Apple Vision Pro", "Taylor Swift", "Tesla"};
    for (size_t q = 0; q < 3; q++) {
        vcd_match_hit hits[5];
        size_t n = 0;
        CHECK(vcd_state_match(s, queries[q], 5, 0.0, hits, &n) == VCD_OK);
        /* legacy scores are rule-based (an exact alias is 1); identity ones calibrated */
        double want = mode == VCD_LINK_LEGACY ? 1.0 : 0.5;
        CHECK_MSG(n >= 1 && hits[0].score >= want && strcmp(hits[0].evidence, "exact-alias") == 0,
                  "%s (%s link): %zu hits, first %g %s", queries[q],
                  mode == VCD_LINK_LEGACY ? "legacy" : "identity", n, n ? hits[0].score : 0.0,
                  n ? hits[0].evidence : "");
        for (size_t i = 1; i < n; i++)
            CHECK(hits[i].score <= hits[i - 1].score);
    }
    vcd_state_close(s);
}

int main(void)
{
    char a[] = "/tmp/vcd_match_mut_XXXXXX", b[] = "/tmp/vcd_match_mut_XXXXXX";
    if (!mkdtemp(a) || !mkdtemp(b)) return 1;
    check_exact(a, VCD_LINK_LEGACY);
    check_exact(b, VCD_LINK_IDENTITY);
    vcd_remove_tree(a);
    vcd_remove_tree(b);
    return test_finish();
}
