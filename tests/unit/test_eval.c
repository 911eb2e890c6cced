/* NER scoring against conlleval's counts (../shared/fixtures/conll_eval) and
 * clustering scores against scikit-learn (clustering_reference.json), plus
 * hand-computed cases that need no fixture. */
#include "test.h"
#include "vcd/eval.h"
#include "vcd/fileio.h"
#include "vcd/safetensors.h"

#include <cJSON.h>

static cJSON *load_json(const char *path)
{
    vcd_mapped_file f;
    if (vcd_map_file(path, &f)) return NULL;
    cJSON *j = cJSON_ParseWithLength((const char *)f.data, f.len);
    vcd_unmap_file(&f);
    return j;
}

static vcd_ner_score score_strings(const char *gold, const char *pred)
{
    vcd_conll g, p;
    vcd_ner_score s;
    CHECK(vcd_conll_parse("gold", (const unsigned char *)gold, strlen(gold), &g) == VCD_OK);
    CHECK(vcd_conll_parse("pred", (const unsigned char *)pred, strlen(pred), &p) == VCD_OK);
    CHECK(vcd_ner_score_conll(&g, &p, &s) == VCD_OK);
    vcd_conll_free(&g);
    vcd_conll_free(&p);
    return s;
}

/* conlleval's reading of ill-formed sequences, worked out by hand. */
static void test_chunk_rules(void)
{
    const char *tags[] = {"I-PER", "I-PER", "B-PER", "I-ORG", "O", "I-LOC", "B-LOC", "O"};
    vcd_chunk c[8];
    size_t n = vcd_conll_chunks(tags, 8, c);
    CHECK(n == 5);
    if (n != 5) return;
    CHECK(c[0].start == 0 && c[0].end == 2); /* I- after O starts a chunk */
    CHECK(c[1].start == 2 && c[1].end == 3); /* B- always starts one */
    CHECK(c[2].start == 3 && c[2].end == 4 && c[2].type_len == 3 && !memcmp(c[2].type, "ORG", 3));
    CHECK(c[3].start == 5 && c[3].end == 6);
    CHECK(c[4].start == 6 && c[4].end == 7);
    const char *hyphen[] = {"B-creative-work", "I-creative-work"};
    CHECK(vcd_conll_chunks(hyphen, 2, c) == 1 && c[0].end == 2 && c[0].type_len == 13);
}

static void test_hand_scores(void)
{
    const char *gold = "New\tB-LOC\nYork\tI-LOC\nis\tO\nbig\tO\n\nApple\tB-ORG\n";
    const char *pred = "New\tB-LOC\nYork\tB-LOC\nis\tO\nbig\tB-PER\n\nApple\tB-ORG\n";
    vcd_ner_score s = score_strings(gold, pred);
    CHECK(s.tp == 1 && s.fp == 3 && s.fn == 1);
    CHECK(s.sentences == 2 && s.tokens == 5);
    double p, r, f;
    vcd_prf(s.tp, s.fp, s.fn, &p, &r, &f);
    CHECK_NEAR(p, 0.25, 1e-12);
    CHECK_NEAR(r, 0.5, 1e-12);
    CHECK_NEAR(f, 1.0 / 3.0, 1e-12);
    vcd_ner_score_free(&s);

    vcd_conll g, q;
    vcd_ner_score bad;
    const char *other = "New\tB-LOC\nJersey\tI-LOC\nis\tO\nbig\tO\n\nApple\tB-ORG\n";
    CHECK(vcd_conll_parse("g", (const unsigned char *)gold, strlen(gold), &g) == VCD_OK);
    CHECK(vcd_conll_parse("q", (const unsigned char *)other, strlen(other), &q) == VCD_OK);
    CHECK(vcd_ner_score_conll(&g, &q, &bad) == VCD_EINPUT);
    CHECK(strstr(vcd_last_error(), "token 2") != NULL);
    vcd_ner_score_free(&bad);
    vcd_conll_free(&g);
    vcd_conll_free(&q);
    const char *invalid = "a\tO\n\xff\tO\n";
    CHECK(vcd_conll_parse("x", (const unsigned char *)invalid, strlen(invalid), &g) == VCD_EINPUT);
    CHECK(strstr(vcd_last_error(), "x:2:") != NULL);
}

static void test_conll_fixture(const char *level, const cJSON *expected)
{
    char rel[128];
    snprintf(rel, sizeof rel, "fixtures/conll_eval/dev_pred_%s.conll", level);
    vcd_conll gold, pred;
    vcd_ner_score s;
    CHECK(vcd_conll_load(test_shared_path("data/wnut17/dev.conll"), &gold) == VCD_OK);
    CHECK(vcd_conll_load(test_shared_path(rel), &pred) == VCD_OK);
    CHECK(vcd_ner_score_conll(&gold, &pred, &s) == VCD_OK);
    const cJSON *e = cJSON_GetObjectItem(expected, level);
    double p, r, f;
    vcd_prf(s.tp, s.fp, s.fn, &p, &r, &f);
    CHECK_NEAR(p, cJSON_GetObjectItem(e, "precision")->valuedouble, 1e-12);
    CHECK_NEAR(r, cJSON_GetObjectItem(e, "recall")->valuedouble, 1e-12);
    CHECK_NEAR(f, cJSON_GetObjectItem(e, "f1")->valuedouble, 1e-12);
    const cJSON *per = cJSON_GetObjectItem(e, "per_type"), *t;
    CHECK(s.n_types == (size_t)cJSON_GetArraySize(per));
    cJSON_ArrayForEach(t, per)
    {
        int found = 0;
        for (size_t i = 0; i < s.n_types; i++) {
            if (strcmp(s.types[i].type, t->string) != 0) continue;
            found = 1;
            CHECK_MSG(s.types[i].tp == (size_t)cJSON_GetObjectItem(t, "tp")->valuedouble &&
                          s.types[i].fp == (size_t)cJSON_GetObjectItem(t, "fp")->valuedouble &&
                          s.types[i].fn == (size_t)cJSON_GetObjectItem(t, "fn")->valuedouble,
                      "%s %s: ours tp %zu fp %zu fn %zu", level, t->string, s.types[i].tp,
                      s.types[i].fp, s.types[i].fn);
        }
        CHECK_MSG(found, "%s: type %s missing", level, t->string);
    }
    vcd_ner_score_free(&s);
    vcd_conll_free(&gold);
    vcd_conll_free(&pred);
}

static void test_hand_cluster_scores(void)
{
    /* identical partitions up to renaming */
    int64_t a[] = {0, 0, 1, 1, 2, 2}, b[] = {5, 5, 3, 3, 9, 9};
    vcd_cluster_scores s;
    CHECK(vcd_cluster_scores_compute(a, b, 6, &s) == VCD_OK);
    CHECK_NEAR(s.ari, 1, 1e-12);
    CHECK_NEAR(s.nmi, 1, 1e-12);
    CHECK_NEAR(s.ami, 1, 1e-12);
    CHECK_NEAR(s.bcubed_f1, 1, 1e-12);
    /* everything in one cluster: B-cubed precision = sum over classes (|c|/n)^2 */
    int64_t one[] = {0, 0, 0, 0, 0, 0};
    CHECK(vcd_cluster_scores_compute(a, one, 6, &s) == VCD_OK);
    CHECK_NEAR(s.bcubed_precision, 1.0 / 3.0, 1e-12);
    CHECK_NEAR(s.bcubed_recall, 1, 1e-12);
    CHECK_NEAR(s.ari, 0, 1e-12);
    CHECK_NEAR(s.homogeneity, 0, 1e-12);
    CHECK_NEAR(s.completeness, 1, 1e-12);
    /* silhouette of two tight pairs far apart */
    float X[] = {0, 0, 1, 0, 10, 0, 11, 0};
    int64_t l[] = {0, 0, 1, 1};
    double sil;
    CHECK(vcd_silhouette(X, 4, 2, l, &sil) == VCD_OK);
    /* point 0: a = 1, b = mean(10, 11) = 10.5 -> 9.5/10.5; point 1: a = 1, b = mean(9, 10) =
     * 9.5 -> 8.5/9.5; symmetric for the other pair */
    CHECK_NEAR(sil, (9.5 / 10.5 + 8.5 / 9.5) / 2, 1e-12);
    CHECK(vcd_silhouette(X, 4, 2, one, &sil) == VCD_EINPUT);
}

static void test_sklearn_fixture(void)
{
    const char *path = test_shared_path("fixtures/clustering_reference.json");
    cJSON *ref = load_json(path);
    CHECK(ref != NULL);
    if (!ref) return;
    const cJSON *m = cJSON_GetObjectItem(ref, "metrics");
    const cJSON *la = cJSON_GetObjectItem(m, "labels_a"), *lb = cJSON_GetObjectItem(m, "labels_b");
    size_t n = (size_t)cJSON_GetArraySize(la);
    CHECK(n == 500 && (size_t)cJSON_GetArraySize(lb) == n);
    int64_t *a = calloc(n, sizeof *a), *b = calloc(n, sizeof *b);
    for (size_t i = 0; i < n; i++) {
        a[i] = (int64_t)cJSON_GetArrayItem(la, (int)i)->valuedouble;
        b[i] = (int64_t)cJSON_GetArrayItem(lb, (int)i)->valuedouble;
    }
    vcd_cluster_scores s;
    CHECK(vcd_cluster_scores_compute(a, b, n, &s) == VCD_OK);
    CHECK_NEAR(s.ari, cJSON_GetObjectItem(m, "ari")->valuedouble, 1e-9);
    CHECK_NEAR(s.nmi, cJSON_GetObjectItem(m, "nmi")->valuedouble, 1e-9);
    CHECK_NEAR(s.ami, cJSON_GetObjectItem(m, "ami")->valuedouble, 1e-9);
    CHECK_NEAR(s.homogeneity, cJSON_GetObjectItem(m, "homogeneity")->valuedouble, 1e-9);
    CHECK_NEAR(s.completeness, cJSON_GetObjectItem(m, "completeness")->valuedouble, 1e-9);
    CHECK_NEAR(s.v_measure, cJSON_GetObjectItem(m, "v_measure")->valuedouble, 1e-9);

    vcd_safetensors *st;
    CHECK(vcd_safetensors_open(test_shared_path("fixtures/hdbscan_reference.safetensors"), &st) ==
          VCD_OK);
    const vcd_tensor *X = vcd_safetensors_find(st, "blobs.X");
    CHECK(X != NULL);
    if (X) {
        float *x = vcd_tensor_to_f32(X);
        double sil;
        CHECK(vcd_silhouette(x, n, 10, a, &sil) == VCD_OK);
        CHECK_NEAR(sil,
                   cJSON_GetObjectItem(m, "silhouette_euclidean_on_blobs_first500_with_labels_a")
                       ->valuedouble,
                   1e-6);
        free(x);
    }
    vcd_safetensors_close(st);
    free(a);
    free(b);
    cJSON_Delete(ref);
}

/* WNUT 2016 tags read as WNUT 2017 types; unknown types are errors. */
static void test_map_wnut16(void)
{
    const char *text = "Hilton\tB-facility\nhotel\tI-facility\nin\tO\nParis\tB-geo-loc\n"
                       "fun\tB-other\nStar\tB-movie\nWars\tI-movie\nU2\tB-musicartist\n";
    vcd_conll c;
    CHECK(vcd_conll_parse("w16", (const unsigned char *)text, strlen(text), &c) == VCD_OK);
    CHECK(vcd_conll_map_types(&c, "wnut16", "w16") == VCD_OK);
    const char *want[] = {"B-location",      "I-location",      "O",      "B-location", "O",
                          "B-creative-work", "I-creative-work", "B-group"};
    for (size_t i = 0; i < 8 && i < c.n_tokens; i++)
        CHECK_MSG(strcmp(c.tokens[i].tag, want[i]) == 0, "token %zu: %s", i, c.tokens[i].tag);
    vcd_conll_free(&c);
    const char *bad = "x\tB-weather\n";
    CHECK(vcd_conll_parse("w16", (const unsigned char *)bad, strlen(bad), &c) == VCD_OK);
    CHECK(vcd_conll_map_types(&c, "wnut16", "w16") == VCD_EINPUT);
    CHECK(strstr(vcd_last_error(), "w16:1") != NULL);
    CHECK(vcd_conll_map_types(&c, "conll03", "w16") == VCD_EINPUT);
    vcd_conll_free(&c);
}

int main(void)
{
    test_chunk_rules();
    test_hand_scores();
    test_hand_cluster_scores();
    test_map_wnut16();
    if (test_skip_if_missing(test_shared_path("fixtures/conll_eval/expected.json")))
        return test_finish() ? 1 : TEST_SKIP;
    cJSON *expected = load_json(test_shared_path("fixtures/conll_eval/expected.json"));
    CHECK(expected != NULL);
    test_conll_fixture("light", expected);
    test_conll_fixture("medium", expected);
    test_conll_fixture("heavy", expected);
    cJSON_Delete(expected);
    test_sklearn_fixture();
    return test_finish();
}
