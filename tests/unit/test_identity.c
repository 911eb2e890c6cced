/* The identity encoder: its kernels against finite differences, a tiny
 * training run that must converge and be reproducible byte for byte, the
 * model loader on damaged folders, and (when shipped) the trained model on
 * same-entity vs related-but-different names. */
#include "finite_diff.h"
#include "test.h"
#include "vcd/encode.h"
#include "vcd/fileio.h"
#include "vcd/identity.h"
#include "vcd/nn.h"
#include "vcd/safetensors.h"

/* ---- embedding bag ---- */

enum { BUCKETS = 7, EDIM = 3, BAGS = 3, NIDS = 7 };
static const int32_t bag_ids[NIDS] = {0, 3, 3, 6, 1, 2, 5};
static const size_t bag_off[BAGS + 1] = {0, 3, 3, 7}; /* bag 1 is empty */
static float bag_w[NIDS] = {1, 2, 0.5f, 1, 1, 3, 1};
static float table[BUCKETS * EDIM], bag_r[BAGS * EDIM];

static double bag_loss(void *ctx)
{
    float out[BAGS * EDIM];
    nn_embedding_bag_forward(out, table, bag_ids, ctx, bag_off, BAGS, EDIM);
    return dot(out, bag_r, BAGS * EDIM);
}

static void test_embedding_bag(void)
{
    unsigned s = 7;
    fill(table, BUCKETS * EDIM, &s);
    fill(bag_r, BAGS * EDIM, &s);
    for (int weighted = 0; weighted < 2; weighted++) {
        float *w = weighted ? bag_w : NULL;
        float g[BUCKETS * EDIM] = {0};
        nn_embedding_bag_backward(g, bag_r, bag_ids, w, bag_off, BAGS, EDIM);
        check_fd(weighted ? "weighted embedding bag" : "embedding bag", bag_loss, w, table, g,
                 BUCKETS * EDIM, 0);
        /* row 4 is in no bag: its gradient stays untouched */
        CHECK(g[4 * EDIM] == 0 && g[4 * EDIM + 1] == 0 && g[4 * EDIM + 2] == 0);
    }
    float out[BAGS * EDIM];
    nn_embedding_bag_forward(out, table, bag_ids, NULL, bag_off, BAGS, EDIM);
    CHECK(out[EDIM] == 0 && out[EDIM + 1] == 0);
    CHECK_NEAR(out[0], (table[0] + 2 * table[3 * EDIM]) / 3, 1e-6);
}

/* ---- L2 normalisation ---- */

enum { NR = 3, NN = 5 };
static float norm_x[NR * NN], norm_r[NR * NN];

static double norm_loss(void *ctx)
{
    (void)ctx;
    float y[NR * NN], n[NR];
    nn_l2norm_forward(y, n, norm_x, NR, NN);
    return dot(y, norm_r, NR * NN);
}

static void test_l2norm(void)
{
    unsigned s = 11;
    fill(norm_x, NR * NN, &s);
    fill(norm_r, NR * NN, &s);
    float y[NR * NN], n[NR], dx[NR * NN];
    nn_l2norm_forward(y, n, norm_x, NR, NN);
    CHECK_NEAR(dot(y, y, NN), 1.0, 1e-5);
    nn_l2norm_backward(dx, norm_r, y, n, NR, NN);
    check_fd("l2norm", norm_loss, NULL, norm_x, dx, NR * NN, 0);
}

/* ---- multiple-negatives ranking loss ---- */

enum { MR = 4, MC = 7, MD = 5 };
static float mnrl_a[MR * MD], mnrl_c[MC * MD];
static int mnrl_sym;

static double mnrl_loss(void *ctx)
{
    (void)ctx;
    float da[MR * MD], dc[MC * MD], scratch[2 * MR * MC];
    return nn_mnrl_loss(da, dc, mnrl_a, mnrl_c, MR, MC, MD, 3.0f, mnrl_sym, scratch);
}

static void test_mnrl(void)
{
    unsigned s = 5;
    fill(mnrl_a, MR * MD, &s);
    fill(mnrl_c, MC * MD, &s);
    for (mnrl_sym = 0; mnrl_sym < 2; mnrl_sym++) {
        float da[MR * MD], dc[MC * MD], scratch[2 * MR * MC];
        double loss = nn_mnrl_loss(da, dc, mnrl_a, mnrl_c, MR, MC, MD, 3.0f, mnrl_sym, scratch);
        CHECK(loss > 0 && isfinite(loss));
        check_fd(mnrl_sym ? "symmetric MNRL (anchors)" : "MNRL (anchors)", mnrl_loss, NULL, mnrl_a,
                 da, MR * MD, 0);
        check_fd(mnrl_sym ? "symmetric MNRL (candidates)" : "MNRL (candidates)", mnrl_loss, NULL,
                 mnrl_c, dc, MC * MD, 0);
    }
    /* Reference value: one anchor, two candidates. */
    float a[2] = {1, 0}, c[4] = {1, 0, 0, 1}, da[2], dc[4], scratch[4];
    double l = nn_mnrl_loss(da, dc, a, c, 1, 2, 2, 20.0f, 0, scratch);
    CHECK_NEAR(l, log(1 + exp(-20.0)), 1e-9);
}

/* ---- a tiny training run ---- */

static const char *syllables[] = {"ka",   "lo",  "mi",  "ru",  "te",  "zan", "bor", "vel",
                                  "quin", "dra", "sep", "hol", "nex", "tor", "pil", "gam"};

static void word(unsigned *s, char *out, size_t syl)
{
    out[0] = 0;
    for (size_t i = 0; i < syl; i++) {
        *s = *s * 1103515245u + 12345u;
        strcat(out, syllables[(*s >> 16) % 16]);
    }
}

/* Groups "Kalomi Rutezan": the name, the surname, the lower-case name, the
 * initials in capitals, and the hashtag "#KalomiRutezan". */
static const char *write_groups(void)
{
    static const char *path = "/tmp/vcd-test-identity-groups.tsv";
    vcd_buf b = {0};
    unsigned s = 3;
    for (int g = 0; g < 80; g++) {
        char w1[32], w2[32], name[80];
        word(&s, w1, 2 + g % 2);
        word(&s, w2, 2 + (g / 2) % 2);
        w1[0] = (char)(w1[0] - 32), w2[0] = (char)(w2[0] - 32);
        snprintf(name, sizeof name, "%s %s", w1, w2);
        vcd_buf_printf(&b, "g%d\tPER\t%s\ng%d\tPER\t%s\n", g, name, g, w2);
        vcd_buf_printf(&b, "g%d\tPER\t#%s%s\ng%d\tPER\t%c%c\n", g, w1, w2, g, w1[0], w2[0]);
    }
    vcd_buf_puts(&b, "bad line\n");
    CHECK(vcd_write_file_atomic(path, b.data, b.len) == VCD_OK);
    vcd_buf_free(&b);
    return path;
}

static vcd_status train_tiny(const char *dir, uint64_t seed, vcd_identity_report *r)
{
    const char *path = write_groups();
    vcd_mapped_file f;
    if (vcd_map_file(path, &f)) return VCD_EINPUT;
    vcd_alias_groups *g = vcd_alias_groups_new();
    size_t skipped = 0;
    vcd_status rc = vcd_alias_groups_add_tsv(g, path, f.data, f.len, &skipped);
    vcd_unmap_file(&f);
    CHECK(skipped == 1);
    CHECK(vcd_alias_groups_count(g) == 80);
    vcd_identity_train_options o;
    vcd_identity_train_options_default(&o);
    o.epochs = 12, o.batch = 16, o.dim = 16, o.hidden = 32, o.emb = 16, o.buckets = 2048;
    o.lr = 1e-2f, o.seed = seed, o.quiet = 1;
    if (!rc) rc = vcd_identity_train(g, &o, dir, r);
    vcd_alias_groups_free(g);
    return rc;
}

static double cosine(vcd_identity_model *m, const char *a, const char *b)
{
    float ya[1024], yb[1024];
    const char *t[2] = {a, b};
    size_t l[2] = {strlen(a), strlen(b)};
    size_t d = vcd_identity_dim(m);
    vcd_identity_encode(m, t, l, 1, ya);
    vcd_identity_encode(m, t + 1, l + 1, 1, yb);
    return dot(ya, yb, d);
}

static int same_file(const char *a, const char *b)
{
    vcd_mapped_file fa, fb;
    if (vcd_map_file(a, &fa)) return 0;
    if (vcd_map_file(b, &fb)) {
        vcd_unmap_file(&fa);
        return 0;
    }
    int same = fa.len == fb.len && memcmp(fa.data, fb.data, fa.len) == 0;
    vcd_unmap_file(&fa);
    vcd_unmap_file(&fb);
    return same;
}

static void test_training(void)
{
    vcd_identity_report r1, r2;
    const char *d1 = "/tmp/vcd-test-identity-1", *d2 = "/tmp/vcd-test-identity-2";
    CHECK(train_tiny(d1, 9, &r1) == VCD_OK);
    CHECK(train_tiny(d2, 9, &r2) == VCD_OK);
    CHECK(r1.n_epochs == 12);
    CHECK_MSG(r1.epoch[11].loss < 0.5 * r1.epoch[0].loss, "loss %g -> %g", r1.epoch[0].loss,
              r1.epoch[11].loss);
    CHECK(same_file("/tmp/vcd-test-identity-1/model.safetensors",
                    "/tmp/vcd-test-identity-2/model.safetensors"));
    CHECK(r1.epoch[11].loss == r2.epoch[11].loss);
    vcd_identity_model *m;
    CHECK(vcd_identity_open(d1, NULL, &m) == VCD_OK);
    if (!m) return;
    /* aliases of one group closer than the other group's (training groups) */
    unsigned s = 3;
    int wins = 0, total = 0;
    char names[80][80], surnames[80][32];
    for (int g = 0; g < 80; g++) {
        char w1[32];
        word(&s, w1, 2 + g % 2);
        word(&s, surnames[g], 2 + (g / 2) % 2);
        w1[0] = (char)(w1[0] - 32), surnames[g][0] = (char)(surnames[g][0] - 32);
        snprintf(names[g], sizeof names[g], "%.31s %.31s", w1, surnames[g]);
    }
    for (int g = 0; g + 1 < 80; g++, total++)
        wins += cosine(m, names[g], surnames[g]) > cosine(m, names[g], surnames[g + 1]);
    CHECK_MSG(wins >= total * 8 / 10, "alias beats the neighbour's in %d of %d", wins, total);
    vcd_identity_free(m);
}

/* ---- the loader ---- */

static void write_text(const char *dir, const char *name, const char *text)
{
    char *p = vcd_path_join(dir, name);
    CHECK(vcd_write_file_atomic(p, text, strlen(text)) == VCD_OK);
    free(p);
}

static void test_loader(void)
{
    const char *dir = "/tmp/vcd-test-identity-bad";
    vcd_remove_tree(dir);
    CHECK(vcd_ensure_dir(dir) == VCD_OK);
    vcd_identity_model *m = NULL;
    CHECK(vcd_identity_open(dir, NULL, &m) != VCD_OK && m == NULL);
    const char *cfg = "{\"schema\":\"vcdiscover.identity-model/1\",\"features\":"
                      "\"char-2-5+words+initials+vectors+shape/1\",\"buckets\":4,\"emb\":2,"
                      "\"shape\":8,\"hidden\":3,\"dim\":2,\"vectors\":{\"dim\":0,\"digest\":"
                      "\"0000000000000000\"}}";
    write_text(dir, "config.json", cfg);
    CHECK(vcd_identity_open(dir, NULL, &m) != VCD_OK); /* no weights */
    float emb[8] = {0}, w1[3 * 12] = {0}, b1[3] = {0}, w2[6] = {1, 0, 0, 0, 1, 0}, b2[2] = {0};
    vcd_tensor_f32 t[5] = {{"ngram_emb", emb, 4, 2},
                           {"hidden.weight", w1, 3, 12},
                           {"hidden.bias", b1, 3, 0},
                           {"out.weight", w2, 2, 3},
                           {"out.bias", b2, 2, 0}};
    char *st = vcd_path_join(dir, "model.safetensors");
    CHECK(vcd_safetensors_write_f32(st, t, 5, 0) == VCD_OK);
    CHECK(vcd_identity_open(dir, NULL, &m) == VCD_OK);
    vcd_identity_free(m);
    m = NULL;
    b1[1] = NAN;
    CHECK(vcd_safetensors_write_f32(st, t, 5, 0) == VCD_OK);
    CHECK(vcd_identity_open(dir, NULL, &m) != VCD_OK && m == NULL);
    CHECK(strstr(vcd_last_error(), "finite") != NULL);
    b1[1] = 0;
    t[1].cols = 11; /* wrong shape */
    CHECK(vcd_safetensors_write_f32(st, t, 5, 0) == VCD_OK);
    CHECK(vcd_identity_open(dir, NULL, &m) != VCD_OK);
    CHECK(strstr(vcd_last_error(), "hidden.weight") != NULL);
    free(st);
    write_text(dir, "config.json", "{\"schema\":\"vcdiscover.identity-model/1\"}");
    CHECK(vcd_identity_open(dir, NULL, &m) != VCD_OK);
    CHECK(vcd_identity_config_check("x", "[1,", 4) != VCD_OK);
    const char *needs_vec = "{\"schema\":\"vcdiscover.identity-model/1\",\"features\":"
                            "\"char-2-5+words+initials+vectors+shape/1\",\"buckets\":4,\"emb\":2,"
                            "\"shape\":8,\"hidden\":3,\"dim\":2,\"vectors\":{\"dim\":100,"
                            "\"digest\":\"0000000000000000\"}}";
    write_text(dir, "config.json", needs_vec);
    CHECK(vcd_identity_open(dir, NULL, &m) != VCD_OK);
    CHECK(strstr(vcd_last_error(), "vectors") != NULL);
    vcd_remove_tree(dir);
}

/* ---- the shipped model ---- */

static const char *pairs[][2] = {
    {"Finland", "Finnland"},
    {"Finland", "Poland"},
    {"Apple Vision Pro", "AVP"},
    {"Apple Vision Pro", "Apple Watch"},
    {"Apple Vision Pro", "vision pro"},
    {"#VisionPro", "Vision Pro"},
    {"Facebook", "FB"},
    {"Facebook", "YouTube"},
    {"Kelly Clarkson", "Clarkson"},
    {"Kelly Clarkson", "Kelly Rowland"},
    {"New York City", "NYC"},
    {"New York City", "New Jersey"},
    {"Charles Barkley", "Barkley"},
    {"Charles Barkley", "Charles Oakley"},
};

static double encoder_cos(vcd_encoder *e, const char *a, const char *b)
{
    size_t d = vcd_encoder_dim(e);
    float *ya = malloc(d * sizeof *ya), *yb = malloc(d * sizeof *yb);
    vcd_encode_query(e, a, strlen(a), ya);
    vcd_encode_query(e, b, strlen(b), yb);
    double c = dot(ya, yb, d);
    free(ya);
    free(yb);
    return c;
}

static int test_shipped(void)
{
    const char *dir = VCD_DATA_DIR "/models/identity";
    char cfg[4096];
    snprintf(cfg, sizeof cfg, "%s/config.json", dir);
    if (test_skip_if_missing(cfg)) return 0;
    vcd_vectors *vec = NULL;
    if (access(VCD_DATA_DIR "/vectors/glove-wiki-100d.vcdv", R_OK) == 0)
        CHECK(vcd_vectors_open(VCD_DATA_DIR "/vectors/glove-wiki-100d.vcdv", &vec) == VCD_OK);
    vcd_encoder *id = NULL, *pooled = NULL;
    vcd_status rc = vcd_encoder_open("identity", vec, NULL, &id);
    if (rc && !vec) {
        printf("SKIP: the shipped identity model needs the word vectors\n");
        return 0;
    }
    CHECK(rc == VCD_OK);
    CHECK(vcd_encoder_open("pooled", vec, NULL, &pooled) == VCD_OK);
    if (!id || !pooled) return 1;
    CHECK(strcmp(vcd_encoder_kind(id), "identity") == 0);
    printf("%-36s %8s %8s\n", "pair", "pooled", "identity");
    double c[sizeof pairs / sizeof *pairs] = {0};
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        c[i] = encoder_cos(id, pairs[i][0], pairs[i][1]);
        char label[80];
        snprintf(label, sizeof label, "%s / %s", pairs[i][0], pairs[i][1]);
        printf("%-36s %8.3f %8.3f\n", label, encoder_cos(pooled, pairs[i][0], pairs[i][1]), c[i]);
    }
    CHECK_MSG(c[1] < c[0], "cos(Finland, Poland) %.3f >= cos(Finland, Finnland) %.3f", c[1], c[0]);
    CHECK_MSG(c[2] > c[3], "cos(Apple Vision Pro, AVP) %.3f <= (.., Apple Watch) %.3f", c[2], c[3]);
    vcd_encoder_free(id);
    vcd_encoder_free(pooled);
    vcd_vectors_close(vec);
    return 0;
}

int main(void)
{
    test_embedding_bag();
    test_l2norm();
    test_mnrl();
    test_training();
    test_loader();
    test_shipped();
    return test_finish();
}
