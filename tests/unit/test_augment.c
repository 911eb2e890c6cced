/* Recall augmentation: entities clustered from the synthetic fixture
 * (tests/data), then new comments in which the tagger found nothing. */
#include "test.h"
#include "vcd/augment.h"
#include "vcd/combined_eval.h"
#include "vcd/fileio.h"
#include "vcd/pipeline.h"

static char work[] = "/tmp/vcd-test-augment-XXXXXX";

static vcd_state *sample_state(void)
{
    char *out = vcd_path_join(work, "state");
    vcd_cluster_options o;
    vcd_cluster_options_default(&o);
    o.input = VCD_SOURCE_DIR "/tests/data/synthetic_comments.csv";
    o.gazetteer_path = VCD_SOURCE_DIR "/data/gazetteer.tsv";
    o.out_dir = out;
    vcd_cluster_report r;
    vcd_state *s = NULL;
    CHECK(vcd_run_cluster(&o, &r) == VCD_OK);
    CHECK(vcd_state_open(out, NULL, &s) == VCD_OK);
    free(out);
    return s;
}

static int has_mention(const vcd_corpus *c, const vcd_mentions *ms, size_t doc, const char *text,
                       int type)
{
    for (size_t i = 0; i < ms->n; i++) {
        const vcd_mention *m = &ms->items[i];
        const char *t = c->docs[m->doc].text + m->byte_start;
        if (m->doc == doc && m->byte_end - m->byte_start == strlen(text) &&
            memcmp(t, text, strlen(text)) == 0 && (type < 0 || m->type == type) &&
            m->source == VCD_SRC_CLUSTER_MATCH)
            return 1;
    }
    return 0;
}

static void test_candidates(vcd_state *s)
{
    const char *txt = "honestly my vision pro is collecting dust\n"
                      "the apple pie at the game was great\n"
                      "saw Taylor at the show, also the ps5 restock\n";
    vcd_ingest_options io = {0};
    io.format = VCD_FORMAT_TXT;
    vcd_corpus *c;
    CHECK(vcd_corpus_parse("t", (const unsigned char *)txt, strlen(txt), &io, &c) == VCD_OK);
    vcd_mentions none = {0}, out = {0};
    vcd_augment_candidates cands;
    vcd_state *known[1] = {s};
    CHECK(vcd_augment_candidates_find(known, 1, c, &none, &cands) == VCD_OK);
    CHECK(cands.n > 0);
    size_t added = vcd_augment_select(&cands, 0.35, &out);
    CHECK(added == out.n && added >= 2);
    CHECK(has_mention(c, &out, 0, "vision pro", VCD_TYPE_PRODUCT));
    CHECK(has_mention(c, &out, 2, "ps5", VCD_TYPE_PRODUCT));
    /* without word vectors "Taylor" is an entity of its own, of unknown type */
    CHECK(has_mention(c, &out, 2, "Taylor", -1));
    for (size_t i = 0; i < out.n; i++)
        CHECK(out.items[i].doc != 1); /* no entity there */
    /* a higher threshold keeps a subset */
    vcd_mentions strict = {0};
    CHECK(vcd_augment_select(&cands, 0.99, &strict) <= added);
    /* existing mentions block overlapping candidates */
    vcd_mentions existing = {0};
    vcd_mention m = out.items[0];
    m.source = VCD_SRC_FILE;
    vcd_mentions_push(&existing, &m);
    vcd_augment_candidates again;
    CHECK(vcd_augment_candidates_find(known, 1, c, &existing, &again) == VCD_OK);
    for (size_t i = 0; i < again.n; i++)
        CHECK(again.items[i].doc != m.doc || again.items[i].end <= m.start ||
              again.items[i].start >= m.end);
    vcd_augment_candidates_free(&again);
    vcd_mentions_free(&existing);
    vcd_mentions_free(&strict);
    vcd_mentions_free(&out);
    vcd_augment_candidates_free(&cands);
    vcd_corpus_free(c);
}

/* WNUT 2017 dev with known entities from WNUT train only: augmentation must
 * raise recall and F1 over the tagger alone at the default threshold. */
static void test_wnut(void)
{
    if (test_skip_if_missing(test_shared_path("data/wnut17/dev.conll"))) return;
    static const double sweep[] = {0.35, 1.0};
    vcd_combined_eval_options o = {0};
    o.gold_path = test_shared_path("data/wnut17/dev.conll");
    o.known_conll = test_shared_path("data/wnut17/train.conll");
    o.gazetteer_path = VCD_SOURCE_DIR "/data/gazetteer.tsv";
    char *dir = vcd_path_join(work, "eval");
    o.work_dir = dir;
    o.threshold = 0.35;
    o.sweep = sweep;
    o.n_sweep = 2;
    vcd_combined_eval e;
    CHECK(vcd_combined_eval_run(&o, &e) == VCD_OK);
    double p0, r0, f0, p1, r1, f1;
    vcd_prf(e.alone.tp, e.alone.fp, e.alone.fn, &p0, &r0, &f0);
    vcd_prf(e.augmented.tp, e.augmented.fp, e.augmented.fn, &p1, &r1, &f1);
    CHECK(e.alone.tp + e.alone.fn == 836); /* every gold chunk of dev */
    CHECK_MSG(r1 > r0 && f1 > f0, "recall %.3f -> %.3f, F1 %.3f -> %.3f", r0, r1, f0, f1);
    CHECK(e.n_sweep == 2 && e.sweep[0].added >= e.sweep[1].added);
    CHECK(e.known_entities[1] > 500);
    vcd_combined_eval_free(&e);
    free(dir);
}

int main(void)
{
    CHECK(mkdtemp(work) != NULL);
    vcd_state *s = sample_state();
    if (s) test_candidates(s);
    vcd_state_close(s);
    test_wnut();
    vcd_remove_tree(work);
    return test_finish();
}
