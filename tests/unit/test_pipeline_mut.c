/* A rerun of `cluster` into a finished state that fails while writing
 * (forms.jsonl cannot be replaced: a directory stands in its way) leaves no
 * manifest: the old one is removed before the first file is rewritten, so
 * no reader takes the mix of new and old files for a state. */
#include "test.h"
#include "vcd/fileio.h"
#include "vcd/pipeline.h"
#include "vcd/state.h"

#include <sys/stat.h>

static vcd_status run(const char *dir)
{
    vcd_cluster_options o;
    vcd_cluster_options_default(&o);
    o.input = VCD_SOURCE_DIR "/tests/data/synthetic_comments.csv";
    o.out_dir = dir;
    o.tagger_spec = "rules";
    vcd_cluster_report r;
    return vcd_run_cluster(&o, &r);
}

static void test_failed_rewrite_leaves_no_manifest(const char *dir)
{
    vcd_status rc = run(dir);
    CHECK_MSG(rc == VCD_OK, "%s", rc ? vcd_last_error() : "");
    char *manifest = vcd_path_join(dir, "manifest.json"),
         *forms = vcd_path_join(dir, "forms.jsonl"), *docs = vcd_path_join(dir, "docs.jsonl");
    CHECK(access(manifest, F_OK) == 0);
    struct stat before, after;
    CHECK(stat(docs, &before) == 0);
    CHECK(remove(forms) == 0 && mkdir(forms, 0755) == 0);
    rc = run(dir);
    CHECK(rc != VCD_OK && strstr(vcd_last_error(), "forms.jsonl"));
    /* the failure came after the rewrite began (docs.jsonl is new)... */
    CHECK(stat(docs, &after) == 0 && after.st_ino != before.st_ino);
    /* ...and no manifest vouches for the directory */
    CHECK_MSG(access(manifest, F_OK) != 0, "a manifest survived a failed rewrite");
    /* a good rerun makes it a state again */
    CHECK(rmdir(forms) == 0);
    rc = run(dir);
    CHECK_MSG(rc == VCD_OK, "%s", rc ? vcd_last_error() : "");
    CHECK(access(manifest, F_OK) == 0);
    free(manifest);
    free(forms);
    free(docs);
}

/* Counts survive the state: 0 likes stays 0 (not absent), as in the input. */
static void test_zero_counts_kept(const char *dir)
{
    vcd_status rc = run(dir);
    CHECK_MSG(rc == VCD_OK, "%s", rc ? vcd_last_error() : "");
    vcd_records r;
    CHECK(vcd_records_load(dir, &r) == VCD_OK);
    size_t zero_likes = 0, zero_replies = 0, absent = 0;
    for (size_t i = 0; i < r.n_docs; i++) {
        zero_likes += r.docs[i].likes == 0;
        zero_replies += r.docs[i].replies == 0;
        absent += r.docs[i].likes < 0 || r.docs[i].replies < 0;
    }
    /* the fixture's first comment has 0 likes and 0 replies; none is blank */
    CHECK(r.n_docs > 0 && r.docs[0].likes == 0 && r.docs[0].replies == 0);
    CHECK(zero_likes > 0 && zero_replies > 0 && absent == 0);
    vcd_records_free(&r);
}

int main(void)
{
    char dir[] = "/tmp/vcd_pipeline_mut_XXXXXX";
    if (!mkdtemp(dir)) return 1;
    test_failed_rewrite_leaves_no_manifest(dir);
    test_zero_counts_kept(dir);
    vcd_remove_tree(dir);
    return test_finish();
}
