/* Identity metrics: form keys, form-pair precision/recall on hand-made
 * partitions (noise, ties, a form split across clusters), the worst pairs,
 * gold files with bad lines, the string baseline, `eval match` end to end on
 * a synthetic corpus, and the baseline on the youtube_entities dev set. */
#include "test.h"
#include "vcd/eval.h"
#include "vcd/fileio.h"
#include "vcd/pipeline.h"

static char *temp_dir(void)
{
    char *d = strdup("/tmp/vcd_form_eval_XXXXXX");
    return mkdtemp(d);
}

static void check_key(const char *in, const char *want)
{
    vcd_buf b = {0};
    vcd_form_key(in, strlen(in), &b);
    CHECK_MSG(strcmp(b.data ? b.data : "", want) == 0, "'%s' -> '%s', want '%s'", in,
              b.data ? b.data : "", want);
    vcd_buf_free(&b);
}

static void test_form_key(void)
{
    check_key("Trump's", "trumps");
    check_key("#VisionPro", "visionpro");
    check_key("Donald  Trump", "donaldtrump");
    check_key("Beyonc\xc3\xa9", "beyonce");
    check_key("\xc3\x89"
              "COLE 42",
              "ecole42");
    check_key("\xce\xa3\xcf\x89\xce\xba\xcf\x81\xce\xac\xcf\x84\xce\xb7\xcf\x82",
              "\xcf\x83\xcf\x89\xce\xba\xcf\x81\xce\xb1\xcf\x84\xce\xb7\xcf\x83");
    check_key("!!! \xf0\x9f\x98\x82", "");
}

/* Five forms, two entities (0: forms 0 1 4; 1: forms 2 3), clusters 1 2 3:
 *   form 0: two mentions in cluster 1
 *   form 1: one in cluster 1
 *   form 2: one in cluster 1 (a wrong merge with entity 0)
 *   form 3: two noise, one in cluster 2 (mostly noise: shares nothing)
 *   form 4: one in cluster 3, one in cluster 1 (split: the tie goes to 1)
 *   form 5: gold tie between entities 1 and 0 (goes to 0), noise and
 *           cluster 7 tied (the cluster wins) */
static void test_form_pairs(void)
{
    int32_t form[] = {0, 0, 1, 2, 3, 3, 3, 4, 4, 5, 5};
    int64_t truth[] = {0, 0, 0, 1, 1, 1, 1, 0, 0, 1, 0};
    int64_t pred[] = {1, 1, 1, 1, -1, -1, 2, 3, 1, -1, 7};
    vcd_form_vote v[7];
    vcd_form_pairs p;
    vcd_form_pairs_compute(form, truth, pred, 11, 7, v, &p);
    CHECK(p.forms == 6); /* form 6 has no mention */
    CHECK(v[0].entity == 0 && v[0].cluster == 1 && v[0].count == 2);
    CHECK(v[2].entity == 1 && v[2].cluster == 1);
    CHECK(v[3].entity == 1 && v[3].cluster == -1 && v[3].count == 3);
    CHECK(v[4].cluster == 1);
    CHECK(v[5].entity == 0 && v[5].cluster == 7);
    CHECK(v[6].count == 0);
    /* entity 0: forms 0 1 4 5 (6 pairs); entity 1: forms 2 3 (1 pair) */
    CHECK(p.same_entity_pairs == 7);
    /* cluster 1: forms 0 1 2 4 (6 pairs); cluster 7: form 5 alone */
    CHECK(p.together_pairs == 6);
    CHECK(p.correct_pairs == 3); /* 0-1, 0-4, 1-4 */
    CHECK_NEAR(p.recall, 3.0 / 7.0, 1e-12);
    CHECK_NEAR(p.precision, 0.5, 1e-12);

    vcd_form_pair_ref r[8];
    size_t n = vcd_form_pair_errors(v, 7, 1, 8, r);
    /* cluster 1 by count: 0 (2), 4 (2), 1 (1), 2 (1): merges with form 2 */
    CHECK(n == 3);
    if (n == 3) {
        CHECK(r[0].a == 0 && r[0].b == 2 && r[0].weight == 1);
        CHECK(r[1].a == 4 && r[1].b == 2);
        CHECK(r[2].a == 1 && r[2].b == 2);
    }
    CHECK(vcd_form_pair_errors(v, 7, 1, 2, r) == 2 && r[1].a == 4);
    CHECK(vcd_form_pair_errors(v, 7, 1, 0, r) == 0);
    n = vcd_form_pair_errors(v, 7, 0, 8, r);
    /* missed: 3-2 (3 is in no cluster) and 5 (cluster 7) with each of 0 4 1 */
    CHECK(n == 4);
    if (n == 4) {
        CHECK(r[0].a == 0 && r[0].b == 5 && r[0].weight == 2); /* ties: form order */
        CHECK(r[1].a == 4 && r[1].b == 5 && r[1].weight == 2);
        CHECK(r[2].a == 3 && r[2].b == 2 && r[2].weight == 1); /* 3 has 3 mentions */
        CHECK(r[3].a == 5 && r[3].b == 1 && r[3].weight == 1);
    }
    /* everything apart: recall 0, precision undefined */
    int64_t apart[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    vcd_form_pairs_compute(form, truth, apart, 11, 7, v, &p);
    CHECK(p.together_pairs == 0 && p.correct_pairs == 0);
    CHECK(p.recall == 0 && p.precision == -1);
}

static int warnings;
static void count_warning(void *ctx, const char *m)
{
    (void)ctx;
    (void)m;
    warnings++;
}

static void test_hostile_gold(void)
{
    vcd_buf b = {0};
    vcd_buf_puts(&b, "{\"doc_id\":\"1\",\"text\":\"Trump\",\"start\":0,\"end\":5,\"entity\":\"E2\","
                     "\"entity_name\":\"Donald Trump\"}\n\n   \n");
    vcd_buf_puts(&b, "{\"doc_id\":7,\"text\":\"Obama\",\"start\":3,\"end\":8,\"entity_id\":5}\n");
    const char *bad[] = {"not json",
                         "[1,2]",
                         "{\"doc_id\":\"1\",\"start\":0,\"end\":5}",
                         "{\"doc_id\":\"1\",\"start\":5,\"end\":5,\"entity\":\"E1\"}",
                         "{\"doc_id\":\"1\",\"start\":-1,\"end\":5,\"entity\":\"E1\"}",
                         "{\"doc_id\":\"1\",\"start\":1.5,\"end\":5,\"entity\":\"E1\"}",
                         "{\"doc_id\":1.5,\"start\":1,\"end\":5,\"entity\":\"E1\"}",
                         "{\"doc_id\":\"1\",\"start\":1,\"end\":5e10,\"entity\":\"E1\"}",
                         "{\"doc_id\":\"1\",\"start\":1,\"end\":5,\"entity\":[]}",
                         "{\"doc_id\":\"\",\"start\":1,\"end\":5,\"entity\":\"E1\"}",
                         "{\"doc_id\":\"1\",\"start\":1,\"end\":5,\"entity\":\"\"}",
                         "\xff\xfe"};
    for (int r = 0; r < 3; r++)
        for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
            vcd_buf_puts(&b, bad[i]);
            vcd_buf_putc(&b, '\n');
        }
    /* a mention without text has no form; one without letters neither */
    vcd_buf_puts(&b, "{\"doc_id\":\"2\",\"start\":0,\"end\":2,\"entity\":\"E2\"}\n"
                     "{\"doc_id\":\"3\",\"start\":0,\"end\":3,\"text\":\"!!!\",\"entity\":\"E1\"}");
    vcd_gold g;
    warnings = 0;
    CHECK(vcd_gold_parse("g", (const unsigned char *)b.data, b.len, &g, count_warning, NULL) ==
          VCD_OK);
    CHECK(g.n == 4);
    CHECK(g.skipped == 36);
    CHECK(warnings == 21); /* 20 lines, then the count */
    CHECK(g.n_entities == 3);
    /* ids in order: "#5", "E1", "E2" */
    CHECK(g.n_entities == 3 && strcmp(g.entity_ids[0], "#5") == 0 &&
          strcmp(g.entity_ids[2], "E2") == 0);
    CHECK(g.items[0].entity == 2 && g.items[1].entity == 0);
    CHECK(strcmp(g.items[1].doc_id, "7") == 0);
    CHECK(strcmp(vcd_gold_entity_name(&g, 2), "Donald Trump") == 0);
    CHECK(strcmp(vcd_gold_entity_name(&g, 1), "E1") == 0);
    CHECK(g.n_forms == 2 && g.items[2].form == -1 && g.items[3].form == -1);
    vcd_gold_free(&g);
    vcd_gold_free(NULL);
    CHECK(vcd_gold_parse("g", (const unsigned char *)"x\n", 2, &g, NULL, NULL) == VCD_EINPUT);
    vcd_gold_free(&g);
    vcd_buf_free(&b);
}

static void write_file(const char *path, const char *text)
{
    CHECK(vcd_write_file_atomic(path, text, strlen(text)) == VCD_OK);
}

static void test_baseline(void)
{
    char *dir = temp_dir();
    char *path = vcd_path_join(dir, "gold.jsonl");
    /* forms: trump (3 mentions, one "TRUMP" of another entity: majority E1),
     * donaldtrump (1), obama (1) */
    write_file(path,
               "{\"doc_id\":\"1\",\"text\":\"Trump\",\"start\":0,\"end\":5,\"entity\":\"E1\"}\n"
               "{\"doc_id\":\"2\",\"text\":\"trump\",\"start\":0,\"end\":5,\"entity\":\"E1\"}\n"
               "{\"doc_id\":\"3\",\"text\":\"TRUMP\",\"start\":0,\"end\":5,\"entity\":\"E3\"}\n"
               "{\"doc_id\":\"4\",\"text\":\"Donald Trump\",\"start\":0,\"end\":12,"
               "\"entity\":\"E1\"}\n"
               "{\"doc_id\":\"5\",\"text\":\"Obama\",\"start\":0,\"end\":5,\"entity\":\"E2\"}\n");
    vcd_cluster_eval_options o = {
        .gold_path = path, .baseline = VCD_BASELINE_LOWERCASE, .max_errors = 5};
    vcd_cluster_eval e;
    CHECK(vcd_eval_clusters(&o, &e) == VCD_OK);
    /* clusters {1,2,3} {4} {5}; entities E1 {1,2,4}, E3 {3}, E2 {5}.
     * precision: 2/3 + 2/3 + 1/3 + 1 + 1 = 11/3 over 5; recall: 2/3 + 2/3 + 1 + 1/3 + 1 */
    CHECK_NEAR(e.scores.bcubed_precision, 11.0 / 15.0, 1e-12);
    CHECK_NEAR(e.scores.bcubed_recall, 11.0 / 15.0, 1e-12);
    CHECK(e.predicted_entities == 3);
    CHECK(e.form_pairs.same_entity_pairs == 1 && e.form_pairs.together_pairs == 0);
    CHECK(e.form_pairs.recall == 0 && e.form_pairs.precision == -1);
    CHECK(e.n_merges == 0 && e.n_misses == 1);
    if (e.n_misses == 1) {
        CHECK(strcmp(e.misses[0].surface_a, "TRUMP") == 0); /* ties: byte order */
        CHECK(e.misses[0].count_a == 3 && e.misses[0].count_b == 1);
        CHECK(strcmp(e.misses[0].entity_b, "E1") == 0);
    }
    vcd_cluster_eval_free(&e);
    vcd_cluster_eval_free(NULL);
    o.baseline = VCD_BASELINE_NONE; /* a state is then required */
    CHECK(vcd_eval_clusters(&o, &e) == VCD_EINPUT);
    vcd_cluster_eval_free(&e);
    vcd_remove_tree(dir);
    free(path);
    free(dir);
}

/* A synthetic corpus: one mention per comment, eight entities of which
 * five are written in two or more ways. */
static const struct {
    const char *entity, *name, *type, *text;
    int copies;
} SYNTH[] = {
    {"E1", "Donald Trump", "PER", "Trump", 6},
    {"E1", "Donald Trump", "PER", "Donald Trump", 3},
    {"E2", "Apple Inc.", "ORG", "Apple", 6},
    {"E2", "Apple Inc.", "ORG", "Apple Inc", 2},
    {"E3", "Samsung Galaxy S8", "PRODUCT", "S8", 5},
    {"E3", "Samsung Galaxy S8", "PRODUCT", "Galaxy S8", 3},
    {"E4", "Nintendo", "ORG", "Nintendo", 5},
    {"E5", "Boston Celtics", "GROUP", "Celtics", 4},
    {"E5", "Boston Celtics", "GROUP", "Boston Celtics", 2},
    {"E6", "Taylor Swift", "PER", "Taylor Swift", 4},
    {"E6", "Taylor Swift", "PER", "Swift", 2},
    {"E7", "YouTube", "ORG", "YouTube", 4},
    {"E8", "Netflix", "ORG", "Netflix", 4},
};

static const char *TEMPLATES[] = {"I think %s is great", "wow %s again lol",
                                  "%s did it better than anyone", "who else loves %s here",
                                  "so %s is trending now"};

static void write_synthetic(const char *txt, const char *gold)
{
    vcd_buf t = {0}, g = {0}, line = {0};
    size_t doc = 0;
    for (size_t k = 0; k < sizeof SYNTH / sizeof *SYNTH; k++)
        for (int c = 0; c < SYNTH[k].copies; c++) {
            const char *tpl = TEMPLATES[doc % 5];
            vcd_buf_clear(&line);
            vcd_buf_printf(&line, tpl, SYNTH[k].text);
            size_t start = (size_t)(strstr(tpl, "%s") - tpl);
            vcd_buf_printf(&t, "%s\n", line.data);
            doc++;
            vcd_buf_printf(&g,
                           "{\"doc_id\": \"%zu\", \"text\": \"%s\", \"start\": %zu, \"end\": %zu, "
                           "\"entity\": \"%s\", \"entity_name\": \"%s\", \"type\": \"%s\"}\n",
                           doc, SYNTH[k].text, start, start + strlen(SYNTH[k].text),
                           SYNTH[k].entity, SYNTH[k].name, SYNTH[k].type);
        }
    write_file(txt, t.data);
    write_file(gold, g.data);
    vcd_buf_free(&t);
    vcd_buf_free(&g);
    vcd_buf_free(&line);
}

static vcd_status match_eval(const char *txt, const char *gold, const char *work, uint64_t *seeds,
                             size_t n_seeds, vcd_match_eval *e)
{
    vcd_cluster_options c;
    vcd_cluster_options_default(&c);
    c.input = txt;
    c.ingest.format = VCD_FORMAT_TXT;
    vcd_match_eval_options o = {.gold_path = gold,
                                .cluster = &c,
                                .work_dir = work,
                                .seeds = seeds,
                                .n_seeds = n_seeds,
                                .holdout_frac = 1.0,
                                .absent_frac = 0.25,
                                .threshold = 0.5};
    return vcd_eval_match(&o, e);
}

static int file_contains(const char *path, const char *needle)
{
    vcd_mapped_file f;
    if (vcd_map_file(path, &f)) return -1;
    char *s = vcd_xstrndup((const char *)f.data, f.len);
    vcd_unmap_file(&f);
    int hit = strstr(s, needle) != NULL;
    free(s);
    return hit;
}

static void test_match_eval(void)
{
    char *dir = temp_dir();
    char *txt = vcd_path_join(dir, "comments.txt"), *gold = vcd_path_join(dir, "gold.jsonl");
    char *work = vcd_path_join(dir, "work");
    write_synthetic(txt, gold);
    uint64_t seeds[] = {3, 4};
    vcd_match_eval a, b;
    vcd_status rc = match_eval(txt, gold, work, seeds, 2, &a);
    CHECK_MSG(rc == VCD_OK, "%s", rc ? vcd_last_error() : "");
    CHECK(a.n_runs == 2 && a.gold_mentions == 50);
    for (size_t i = 0; rc == VCD_OK && i < a.n_runs; i++) {
        const vcd_match_eval_run *r = &a.runs[i];
        CHECK(r->candidates == 5 && r->heldout == 5);             /* every entity with 2+ forms */
        CHECK(r->absent_entities == 2 && r->absent_queries == 2); /* one-form entities only */
        CHECK(r->n_answers == 7);
        CHECK(r->heldout_correct <= r->heldout_top1_any && r->heldout_top1_any <= r->heldout);
        CHECK(r->absent_no_match <= r->absent_queries);
        size_t in_bins = 0, hits = 0;
        for (size_t k = 0; k < VCD_MATCH_BINS; k++)
            in_bins += r->bins[k].count;
        for (size_t k = 0; k < r->n_answers; k++)
            hits += r->answers[k].hit != NULL;
        CHECK(in_bins == hits);
        /* the reduced file lost every held-out and absent form */
        char path[512];
        snprintf(path, sizeof path, "%s/seed-%llu/mentions.jsonl", work,
                 (unsigned long long)r->seed);
        for (size_t k = 0; k < r->n_answers; k++) {
            char needle[128];
            snprintf(needle, sizeof needle, "\"text\": \"%s\"", r->answers[k].query);
            CHECK_MSG(file_contains(path, needle) == 0, "%s still in %s", needle, path);
            CHECK(r->answers[k].absent == (k >= 5));
        }
        /* held-out forms are never an entity's most frequent one */
        for (size_t k = 0; k < 5; k++) {
            const char *q = r->answers[k].query;
            CHECK(strcmp(q, "Trump") && strcmp(q, "Apple") && strcmp(q, "S8") &&
                  strcmp(q, "Celtics") && strcmp(q, "Taylor Swift"));
        }
        CHECK(r->mentions_kept < 50 && r->state_entities > 0);
    }
    CHECK(a.top1_mean >= 0 && a.top1_mean <= 1 && a.absent_mean >= 0 && a.absent_mean <= 1);
    /* deterministic for a seed */
    rc = match_eval(txt, gold, NULL, seeds + 1, 1, &b);
    CHECK(rc == VCD_OK && b.n_runs == 1);
    if (rc == VCD_OK && a.n_runs == 2) {
        CHECK(b.runs[0].heldout_correct == a.runs[1].heldout_correct);
        CHECK(b.runs[0].absent_no_match == a.runs[1].absent_no_match);
        for (size_t k = 0; k < b.runs[0].n_answers && k < a.runs[1].n_answers; k++)
            CHECK(strcmp(b.runs[0].answers[k].query, a.runs[1].answers[k].query) == 0 &&
                  b.runs[0].answers[k].score == a.runs[1].answers[k].score);
    }
    vcd_match_eval_free(&a);
    vcd_match_eval_free(&b);
    vcd_match_eval_free(NULL);
    /* bad options and a gold file with nothing usable */
    CHECK(match_eval(txt, gold, work, seeds, 0, &a) == VCD_EINPUT);
    vcd_match_eval_free(&a);
    write_file(gold, "nothing\n");
    CHECK(match_eval(txt, gold, work, seeds, 1, &a) == VCD_EINPUT);
    vcd_match_eval_free(&a);
    vcd_remove_tree(dir);
    free(txt);
    free(gold);
    free(work);
    free(dir);
}

/* The README's baseline on youtube_entities dev: B-cubed F1 92.39. */
static int test_dev_baseline(void)
{
    const char *gold = test_shared_path("data/youtube_entities/dev_mentions.jsonl");
    if (test_skip_if_missing(gold)) return 0;
    vcd_cluster_eval_options o = {.gold_path = gold, .baseline = VCD_BASELINE_LOWERCASE};
    vcd_cluster_eval e;
    CHECK(vcd_eval_clusters(&o, &e) == VCD_OK);
    CHECK_NEAR(100 * e.scores.bcubed_f1, 92.39, 0.01);
    CHECK_NEAR(100 * e.scores.bcubed_precision, 99.98, 0.01);
    CHECK(e.gold_mentions == 8948 && e.skipped_lines == 0 && e.scores.n_true == 958);
    CHECK(e.form_pairs.same_entity_pairs == 284 && e.form_pairs.correct_pairs == 0);
    vcd_cluster_eval_free(&e);
    return 1;
}

int main(void)
{
    test_form_key();
    test_form_pairs();
    test_hostile_gold();
    test_baseline();
    test_match_eval();
    if (!test_dev_baseline()) return test_finish() ? 1 : TEST_SKIP;
    return test_finish();
}
