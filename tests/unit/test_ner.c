/* The default CNN-CRF tagger: CRF likelihood, marginals and Viterbi against
 * brute-force enumeration; the window kernels' adjointness; the whole
 * network's gradient against finite differences; hostile config and
 * gazetteer files; knowledge-base flags per source; and training end to end
 * on a small synthetic corpus (learns it, same seed -> same bytes, the folder
 * reloads, a model with KB flags refuses another KB). */
#include "finite_diff.h"
#include "test.h"
#include "../../src/nn/ner/ner_internal.h"
#include "vcd/fileio.h"
#include "vcd/kb_build.h"
#include "vcd/ner_model.h"
#include "vcd/nn.h"
#include "vcd/vectors.h"

/* ---- CRF against enumeration ---- */

#define CL 3
#define CN 4

static double path_score(const float *emit, const float *trans, const float *start,
                         const float *end, const int32_t *y)
{
    double s = start[y[0]] + end[y[CN - 1]];
    for (int t = 0; t < CN; t++) {
        s += emit[t * CL + y[t]];
        if (t) s += trans[y[t - 1] * CL + y[t]];
    }
    return s;
}

static void test_crf(void)
{
    unsigned seed = 7;
    float emit[CN * CL], trans[CL * CL], start[CL], end[CL];
    for (int i = 0; i < CN * CL; i++)
        emit[i] = 2 * frand(&seed);
    for (int i = 0; i < CL * CL; i++)
        trans[i] = frand(&seed);
    for (int i = 0; i < CL; i++)
        start[i] = frand(&seed), end[i] = frand(&seed);
    nn_crf crf = {trans, start, end, CL};
    /* enumerate all 3^4 paths */
    double logz_terms[81], best = -1e30, marg[CN * CL] = {0};
    int32_t best_path[CN], y[CN];
    double mx = -1e30;
    for (int k = 0; k < 81; k++) {
        for (int t = 0, v = k; t < CN; t++, v /= CL)
            y[t] = v % CL;
        logz_terms[k] = path_score(emit, trans, start, end, y);
        if (logz_terms[k] > mx) mx = logz_terms[k];
        if (logz_terms[k] > best) {
            best = logz_terms[k];
            memcpy(best_path, y, sizeof y);
        }
    }
    double z = 0;
    for (int k = 0; k < 81; k++)
        z += exp(logz_terms[k] - mx);
    double logz = mx + log(z);
    for (int k = 0; k < 81; k++) {
        for (int t = 0, v = k; t < CN; t++, v /= CL)
            marg[t * CL + v % CL] += exp(logz_terms[k] - logz);
    }
    int32_t gold[CN] = {0, 2, 2, 1};
    float demit[CN * CL], dtrans[CL * CL] = {0}, dstart[CL] = {0}, dend[CL] = {0};
    float scratch[2 * CN * CL + CL], m[CN * CL];
    int32_t back[CN * CL], vit[CN];
    double nll = nn_crf_nll(demit, dtrans, dstart, dend, emit, gold, CN, &crf, scratch);
    CHECK_NEAR(nll, logz - path_score(emit, trans, start, end, gold), 1e-5);
    nn_crf_marginals(m, emit, CN, &crf, scratch);
    for (int i = 0; i < CN * CL; i++)
        CHECK_NEAR(m[i], marg[i], 1e-5);
    double vs = nn_crf_viterbi(vit, emit, CN, &crf, scratch, back);
    CHECK_NEAR(vs, best, 1e-5);
    CHECK(memcmp(vit, best_path, sizeof vit) == 0);
    /* gradient: central differences of the NLL */
    float *params[] = {emit, trans, start, end};
    float *grads[] = {demit, dtrans, dstart, dend};
    int sizes[] = {CN * CL, CL * CL, CL, CL};
    double worst = 0;
    for (int p = 0; p < 4; p++)
        for (int i = 0; i < sizes[p]; i++) {
            float keep = params[p][i], tmp[CN * CL], tt[CL * CL], ts[CL], te[CL];
            params[p][i] = keep + 1e-2f;
            double up = nn_crf_nll(tmp, tt, ts, te, emit, gold, CN, &crf, scratch);
            params[p][i] = keep - 1e-2f;
            double down = nn_crf_nll(tmp, tt, ts, te, emit, gold, CN, &crf, scratch);
            params[p][i] = keep;
            double fd = (up - down) / 2e-2, err = fabs(fd - grads[p][i]);
            if (err > worst) worst = err;
        }
    CHECK_MSG(worst < 2e-3, "CRF gradient vs finite differences: %g", worst);
    /* one-word sentence */
    CHECK_NEAR(nn_crf_viterbi(vit, emit, 1, &crf, scratch, back),
               start[vit[0]] + emit[vit[0]] + end[vit[0]], 1e-6);
}

/* ---- partial-label CRF against enumeration ---- */

#define PL 5 /* O, B-a, I-a, B-b, I-b */
#define PN 4

static double partial_path_score(const float *emit, const float *trans, const float *start,
                                 const float *end, const int32_t *y)
{
    double s = start[y[0]] + end[y[PN - 1]];
    for (int t = 0; t < PN; t++) {
        s += emit[t * PL + y[t]];
        if (t) s += trans[y[t - 1] * PL + y[t]];
    }
    return s;
}

/* log sum of exp(score) over all paths, or only over those k allows. */
static double partial_logz(const float *emit, const float *trans, const float *start,
                           const float *end, const nn_crf_allowed *k)
{
    double mx = -1e300, terms[625];
    int n = 0;
    for (int code = 0; code < 625; code++) {
        int32_t y[PN];
        int ok = 1;
        for (int t = 0, v = code; t < PN; t++, v /= PL) {
            y[t] = v % PL;
            if (k && !(k->allowed[t] >> y[t] & 1)) ok = 0;
            if (k && t && !k->trans_ok[y[t - 1] * PL + y[t]]) ok = 0;
        }
        if (k && !k->start_ok[y[0]]) ok = 0;
        if (!ok) continue;
        terms[n] = partial_path_score(emit, trans, start, end, y);
        if (terms[n] > mx) mx = terms[n];
        n++;
    }
    if (n == 0) return -INFINITY; /* no allowed path */
    double z = 0;
    for (int i = 0; i < n; i++)
        z += exp(terms[i] - mx);
    /* z >= 1: the maximum's own term (n > 0 above) */
    // cppcheck-suppress invalidFunctionArg
    return mx + log(z);
}

static void test_crf_partial(void)
{
    unsigned seed = 11;
    float emit[PN * PL], trans[PL * PL], start[PL], end[PL];
    for (int i = 0; i < PN * PL; i++)
        emit[i] = 2 * frand(&seed);
    for (int i = 0; i < PL * PL; i++)
        trans[i] = frand(&seed);
    for (int i = 0; i < PL; i++)
        start[i] = frand(&seed), end[i] = frand(&seed);
    nn_crf crf = {trans, start, end, PL};
    /* BIO: I-x only after B-x or I-x, never first */
    uint8_t trans_ok[PL * PL], start_ok[PL] = {1, 1, 0, 1, 0};
    for (int i = 0; i < PL; i++)
        for (int j = 0; j < PL; j++)
            trans_ok[i * PL + j] = !(j == 2 && i != 1 && i != 2) && !(j == 4 && i != 3 && i != 4);
    float scratch[4 * PN * PL + PL], scratch1[2 * PN * PL + PL];
    /* one allowed tag per position: the ordinary likelihood, same gradient */
    int32_t gold[PN] = {1, 2, 0, 3};
    uint64_t one[PN];
    for (int t = 0; t < PN; t++)
        one[t] = 1u << gold[t];
    nn_crf_allowed k1 = {one, trans_ok, start_ok};
    float de1[PN * PL], dt1[PL * PL] = {0}, ds1[PL] = {0}, dn1[PL] = {0};
    float de2[PN * PL], dt2[PL * PL] = {0}, ds2[PL] = {0}, dn2[PL] = {0};
    double a = nn_crf_partial_nll(de1, dt1, ds1, dn1, emit, &k1, PN, &crf, scratch);
    double b = nn_crf_nll(de2, dt2, ds2, dn2, emit, gold, PN, &crf, scratch1);
    CHECK_NEAR(a, b, 1e-4);
    double worst = 0;
    for (int i = 0; i < PN * PL; i++)
        worst = fmax(worst, fabs(de1[i] - de2[i]));
    for (int i = 0; i < PL * PL; i++)
        worst = fmax(worst, fabs(dt1[i] - dt2[i]));
    for (int i = 0; i < PL; i++)
        worst = fmax(worst, fmax(fabs(ds1[i] - ds2[i]), fabs(dn1[i] - dn2[i])));
    CHECK_MSG(worst < 1e-5, "partial vs full gradient: %g", worst);
    /* sets of tags: {O, b}, {B-a, B-b}, {I-a, I-b}, {O, B-b, I-b} */
    uint64_t sets[PN] = {1u | 1u << 3, 1u << 1 | 1u << 3, 1u << 2 | 1u << 4,
                         1u | 1u << 3 | 1u << 4};
    nn_crf_allowed k = {sets, trans_ok, start_ok};
    float de[PN * PL], dt[PL * PL] = {0}, ds[PL] = {0}, dn[PL] = {0};
    double nll = nn_crf_partial_nll(de, dt, ds, dn, emit, &k, PN, &crf, scratch);
    double want =
        partial_logz(emit, trans, start, end, NULL) - partial_logz(emit, trans, start, end, &k);
    CHECK_NEAR(nll, want, 1e-4);
    CHECK(nll > 0);
    float *params[] = {emit, trans, start, end};
    float *grads[] = {de, dt, ds, dn};
    int sizes[] = {PN * PL, PL * PL, PL, PL};
    worst = 0;
    for (int p = 0; p < 4; p++)
        for (int i = 0; i < sizes[p]; i++) {
            float keep = params[p][i], tmp[PN * PL], tt[PL * PL], ts[PL], te[PL];
            params[p][i] = keep + 1e-2f;
            double up = nn_crf_partial_nll(tmp, tt, ts, te, emit, &k, PN, &crf, scratch);
            params[p][i] = keep - 1e-2f;
            double down = nn_crf_partial_nll(tmp, tt, ts, te, emit, &k, PN, &crf, scratch);
            params[p][i] = keep;
            double fd = (up - down) / 2e-2, err = fabs(fd - grads[p][i]);
            if (err > worst) worst = err;
        }
    CHECK_MSG(worst < 2e-3, "partial CRF gradient vs finite differences: %g", worst);
    /* every tag allowed: the loss is 0 */
    uint64_t all[PN] = {31, 31, 31, 31};
    nn_crf_allowed ka = {all, NULL, NULL};
    CHECK_NEAR(nn_crf_partial_nll(de, dt, ds, dn, emit, &ka, PN, &crf, scratch), 0, 1e-5);
    /* no allowed path (I-a first): NAN, zero emission gradient */
    uint64_t none[PN] = {1u << 2, 1, 1, 1};
    nn_crf_allowed kn = {none, trans_ok, start_ok};
    CHECK(isnan(nn_crf_partial_nll(de, dt, ds, dn, emit, &kn, PN, &crf, scratch)));
    CHECK(de[0] == 0 && de[PN * PL - 1] == 0);
}

/* Labels O, B-location 1, I-location 2, B-person 3, I-person 4. */
static void person_location_config(ner_config *c)
{
    char **types = vcd_xmalloc(2 * sizeof *types);
    types[0] = vcd_xstrdup("person");
    types[1] = vcd_xstrdup("location");
    ner_config_set_types(c, types, 2);
}

/* Lower-case common verbs leave span ends; capitalised ones and inner ones
 * stay. A span of titles only is dropped. */
static void test_trim_verbs(void)
{
    ner_config c = {0};
    person_location_config(&c);
    const char *w[] = {"skip", "Tesla", "Motors", "said", "skip",  "Skip", "Bayless",
                       "New",  "York",  "City",   "is",   "Catch", "is",   "Me"};
    size_t lens[14];
    for (int i = 0; i < 14; i++)
        lens[i] = strlen(w[i]);
    vcd_word_seq seq = {w, lens, 14};
    int32_t labels[14] = {3, 4, 4, 4, 3, 3, 4, 1, 2, 2, 2, 3, 4, 4};
    int32_t want[14] = {0, 3, 4, 0, 0, 3, 4, 1, 2, 2, 0, 3, 4, 4};
    size_t starts[2] = {0, 14};
    ner_trim_verbs(&c, &seq, 1, starts, labels);
    CHECK(memcmp(labels, want, sizeof want) == 0);
    for (int i = 0; i < 14; i++)
        CHECK_MSG(labels[i] == want[i], "word %d (%s): %d, want %d", i, w[i], labels[i], want[i]);
    /* a span that is only a title names nobody: "Mr ." and "MRS." go, "Mr
     * Bean" and "Drake" stay, and so does "Dr" of a longer title word */
    const char *t[] = {"Mr", ".", "said", "MRS.", "Mr", "Bean", "Drake", "Dre"};
    size_t tl[8];
    for (int i = 0; i < 8; i++)
        tl[i] = strlen(t[i]);
    vcd_word_seq ts = {t, tl, 8};
    int32_t tlab[8] = {3, 4, 0, 3, 3, 4, 3, 3};
    int32_t twant[8] = {0, 0, 0, 0, 3, 4, 3, 3};
    size_t tstarts[2] = {0, 8};
    ner_trim_verbs(&c, &ts, 1, tstarts, tlab);
    for (int i = 0; i < 8; i++)
        CHECK_MSG(tlab[i] == twant[i], "title word %d (%s): %d, want %d", i, t[i], tlab[i],
                  twant[i]);
    ner_config_free(&c);
}

/* Open labels: a labelled chunk is that whole mention, a not-entity chunk
 * is O, every other word may be anything. */
static void test_open_mask(void)
{
    ner_config c = {0};
    person_location_config(&c);
    /* "Ann Lee saw oh wow here in Rome": Ann Lee person, "oh wow" not an
     * entity, Rome location (last word) */
    vcd_chunk ch[3] = {{0, 2, "person", 6}, {3, 5, "not-entity", 10}, {7, 8, "location", 8}};
    uint64_t a[8], any = 0x1f, no_inside = 1 | 2 | 8;
    CHECK(ner_open_mask(&c, ch, 3, 8, "t", a) == VCD_OK);
    uint64_t want[8] = {1u << 3, 1u << 4, no_inside, 1, 1, any, any, 1u << 1};
    for (int i = 0; i < 8; i++)
        CHECK_MSG(a[i] == want[i], "word %d: allowed %#llx, want %#llx", i,
                  (unsigned long long)a[i], (unsigned long long)want[i]);
    /* a one-word mention right before another: the second still starts */
    vcd_chunk two[2] = {{0, 1, "person", 6}, {1, 2, "location", 8}};
    CHECK(ner_open_mask(&c, two, 2, 2, "t", a) == VCD_OK);
    CHECK(a[0] == 1u << 3 && a[1] == 1u << 1);
    vcd_chunk bad[1] = {{0, 1, "product", 7}};
    CHECK(ner_open_mask(&c, bad, 1, 2, "open.conll", a) == VCD_EINPUT);
    CHECK(strstr(vcd_last_error(), "open.conll: type 'product'") != NULL);
    ner_config_free(&c);
}

/* The confidence floor drops a whole span when its least sure word is
 * below it, and nothing else; 0 keeps every span. */
static void test_drop_unsure(void)
{
    ner_config c = {0};
    person_location_config(&c);
    /* person (sure), location (one unsure word), O, person (unsure), person right after */
    int32_t labels[8] = {3, 4, 1, 2, 0, 3, 3, 4};
    const float conf[8] = {0.9f, 0.8f, 0.9f, 0.3f, 0.2f, 0.45f, 0.7f, 0.6f};
    int32_t keep[8];
    memcpy(keep, labels, sizeof keep);
    ner_drop_unsure(&c, 8, conf, keep);
    CHECK(memcmp(keep, labels, sizeof keep) == 0); /* floor 0: unchanged */
    c.min_span_conf = 0.5f;
    ner_drop_unsure(&c, 8, conf, labels);
    const int32_t want[8] = {3, 4, 0, 0, 0, 0, 3, 4};
    for (int i = 0; i < 8; i++)
        CHECK_MSG(labels[i] == want[i], "word %d: %d, want %d", i, labels[i], want[i]);
    ner_config_free(&c);
}

/* <gather(x), y> == <x, scatter(y)> over two sequences. */
static void test_window(void)
{
    size_t starts[3] = {0, 3, 7}, dim = 2, half = 1, rows = 7, w = 3;
    float x[14], y[7 * 3 * 2], g[7 * 3 * 2], s[14];
    unsigned seed = 3;
    for (size_t i = 0; i < 14; i++)
        x[i] = frand(&seed);
    for (size_t i = 0; i < rows * w * dim; i++)
        y[i] = frand(&seed);
    nn_window_gather(g, x, starts, 2, dim, half);
    nn_window_scatter(s, y, starts, 2, dim, half);
    double a = 0, b = 0;
    for (size_t i = 0; i < rows * w * dim; i++)
        a += (double)g[i] * y[i];
    for (size_t i = 0; i < 14; i++)
        b += (double)x[i] * s[i];
    CHECK_NEAR(a, b, 1e-5);
    /* row 3 starts the second sequence: its left neighbour is zero */
    CHECK(g[3 * w * dim] == 0 && g[3 * w * dim + 1] == 0);
    CHECK(g[3 * w * dim + 2] == x[6] && g[3 * w * dim + 4] == x[8]);
    CHECK(g[2 * w * dim + 4] == 0); /* row 2 ends the first sequence */
}

/* ---- LSTM kernel against finite differences ---- */

typedef struct {
    float xw[5 * 12], whh[12 * 3], r[5 * 3], h[5 * 3], c[5 * 3], gates[5 * 12];
    size_t starts[3];
    int reverse;
} lstm_case;

static double lstm_loss(lstm_case *k)
{
    nn_lstm_forward(k->h, 3, k->c, k->gates, k->xw, k->whh, k->starts, 2, 3, k->reverse);
    double s = 0;
    for (int i = 0; i < 15; i++)
        s += (double)k->h[i] * k->r[i];
    return s;
}

static void test_lstm_kernel(int reverse)
{
    lstm_case k = {.starts = {0, 3, 5}, .reverse = reverse};
    unsigned seed = 21 + (unsigned)reverse;
    for (int i = 0; i < 60; i++)
        k.xw[i] = frand(&seed);
    for (int i = 0; i < 36; i++)
        k.whh[i] = frand(&seed);
    for (int i = 0; i < 15; i++)
        k.r[i] = frand(&seed);
    lstm_loss(&k);
    float dxw[60], hprev[15], dwhh[36] = {0};
    nn_lstm_backward(dxw, hprev, k.r, 3, k.h, k.c, k.gates, k.whh, k.starts, 2, 3, reverse);
    nn_linear_backward(NULL, dwhh, NULL, dxw, hprev, k.whh, 5, 3, 12);
    double worst = 0;
    float *params[2] = {k.xw, k.whh}, *grads[2] = {dxw, dwhh};
    int sizes[2] = {60, 36};
    for (int p = 0; p < 2; p++)
        for (int i = 0; i < sizes[p]; i++) {
            float keep = params[p][i];
            params[p][i] = keep + 1e-3f;
            double up = lstm_loss(&k);
            params[p][i] = keep - 1e-3f;
            double down = lstm_loss(&k);
            params[p][i] = keep;
            double err = fabs((up - down) / 2e-3 - grads[p][i]);
            if (err > worst) worst = err;
        }
    CHECK_MSG(worst < 1e-3, "LSTM (reverse %d) gradient vs finite differences: %g", reverse, worst);
}

/* ---- a tiny vector store and corpus ---- */

static const char *tiny_vectors_path(void)
{
    static char path[] = "/tmp/vcd-test-ner-vectors.vcdv";
    static const char *words[] = {"the",   "a",      "is",    "in",  "to",      "and",    "london",
                                  "paris", "berlin", "alice", "bob", "carol",   "google", "amazon",
                                  "likes", "lives",  "works", "at",  "visited", "."};
    vcd_buf b = {0};
    unsigned seed = 11;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        vcd_buf_puts(&b, words[i]);
        int group = i >= 6 && i < 9 ? 1 : i >= 9 && i < 12 ? 2 : i >= 12 && i < 14 ? 3 : 0;
        for (int d = 0; d < 8; d++)
            vcd_buf_printf(&b, " %.4f", (d == group ? 1.0 : 0.0) + 0.1 * frand(&seed));
        vcd_buf_putc(&b, '\n');
    }
    unsigned char *out;
    size_t n;
    vcd_vectors_import_stats st;
    vcd_status rc = vcd_vectors_import_memory((const unsigned char *)b.data, b.len, VCD_VEC_TEXT, 0,
                                              &out, &n, &st);
    CHECK(rc == VCD_OK);
    if (!rc) CHECK(vcd_write_file_atomic(path, out, n) == VCD_OK);
    free(out);
    vcd_buf_free(&b);
    return path;
}

static const char *write_conll(const char *path, int variant)
{
    static const char *people[] = {"Alice", "Bob", "Carol", "alice"};
    static const char *places[] = {"London", "Paris", "Berlin"};
    static const char *orgs[] = {"Google", "Amazon"};
    vcd_buf b = {0};
    for (int s = 0; s < 60; s++) {
        const char *p = people[(s + variant) % 4], *l = places[(s * 7 + variant) % 3];
        const char *o = orgs[s % 2];
        if (s % 3 == 0)
            vcd_buf_printf(&b, "%s\tB-person\nlives\tO\nin\tO\n%s\tB-location\n.\tO\n\n", p, l);
        else if (s % 3 == 1)
            vcd_buf_printf(&b, "%s\tB-person\nworks\tO\nat\tO\n%s\tB-corporation\n\n", p, o);
        else
            vcd_buf_printf(&b, "the\tO\n%s\tB-person\n%s\tI-person\nvisited\tO\n%s\tB-location\n\n",
                           p, people[(s + 1) % 3], l);
    }
    CHECK(vcd_write_file_atomic(path, b.data, b.len) == VCD_OK);
    vcd_buf_free(&b);
    return path;
}

/* ---- whole-network gradient ---- */

typedef struct {
    vcd_ner_model *m;
    ner_features f;
    ner_acts a;
    size_t starts[3];
    int32_t gold[9];
    float *grad;
    ner_params g;
} net_case;

static double net_loss(net_case *c, int with_grad)
{
    size_t L = c->m->cfg.n_labels;
    vcd_rng rng;
    vcd_rng_seed(&rng, 1); /* dropout 0: masks are all ones */
    const ner_params *p = &c->m->member[0];
    ner_net_forward(&c->m->cfg, p, &c->f, c->starts, 2, &c->a, 0.0f, &rng);
    nn_crf crf = {p->trans, p->start, p->end, L};
    float scratch[2 * 9 * 16 + 16];
    double loss = 0;
    if (with_grad) memset(c->grad, 0, c->m->n_params * sizeof *c->grad);
    float junk[16 * 16 + 32] = {0}; /* CRF gradients nobody reads */
    float *dtr = with_grad ? c->g.trans : junk, *dst = with_grad ? c->g.start : junk + 256,
          *den = with_grad ? c->g.end : junk + 272;
    for (size_t s = 0; s < 2; s++) {
        size_t a = c->starts[s], n = c->starts[s + 1] - a;
        loss += nn_crf_nll(c->a.d_emit + a * L, dtr, dst, den, c->a.emit + a * L, c->gold + a, n,
                           &crf, scratch);
    }
    if (with_grad) ner_net_backward(&c->m->cfg, p, &c->f, c->starts, 2, &c->a, &c->g);
    return loss;
}

static void test_net_gradient(const char *vec_path, size_t lstm)
{
    vcd_vectors *vec;
    if (vcd_vectors_open(vec_path, &vec)) return;
    net_case c = {0};
    c.m = ner_model_alloc(vec);
    ner_config *cfg = &c.m->cfg;
    cfg->vec_dim = vcd_vectors_dim(vec);
    cfg->char_buckets = 64;
    cfg->char_dim = 4;
    cfg->hidden = 5;
    cfg->lstm = lstm;
    char **types = vcd_xmalloc(2 * sizeof *types);
    types[0] = vcd_xstrdup("person");
    types[1] = vcd_xstrdup("location");
    ner_config_set_types(cfg, types, 2);
    CHECK(cfg->n_labels == 5 && strcmp(cfg->labels[1], "B-location") == 0);
    ner_model_alloc_params(c.m, 1);
    unsigned seed = 5;
    for (size_t i = 0; i < c.m->n_params; i++)
        c.m->store[i] = 0.5f * frand(&seed);
    const char *w1[] = {"Alice", "lives", "in", "Paris"},
               *w2[] = {"bob", "visited", "the", "Berlin", "zoo"};
    size_t l1[] = {5, 5, 2, 5}, l2[] = {3, 7, 3, 6, 3};
    vcd_word_seq seqs[2] = {{w1, l1, 4}, {w2, l2, 5}};
    c.starts[0] = 0, c.starts[1] = 4, c.starts[2] = 9;
    int32_t gold[9] = {3, 0, 0, 1, 3, 0, 0, 1, 2};
    memcpy(c.gold, gold, sizeof gold);
    ner_features_reserve(&c.f, cfg, 9);
    ner_features_batch(c.m, seqs, 2, c.starts, NULL, &c.f);
    CHECK(c.f.dense[0 * cfg->n_dense + cfg->vec_dim + NER_F_UPPER_INITIAL] == 1);
    CHECK(c.f.dense[4 * cfg->n_dense + cfg->vec_dim + NER_F_FIRST] == 1);
    CHECK(c.f.dense[8 * cfg->n_dense + cfg->vec_dim + NER_F_OOV] == 1); /* "zoo" */
    ner_acts_reserve(&c.a, cfg, 9, 1);
    c.grad = vcd_xcalloc(c.m->n_params, sizeof *c.grad);
    ner_params_bind(&c.g, c.grad, cfg);
    net_loss(&c, 1);
    float *analytic = vcd_xmalloc(c.m->n_params * sizeof *analytic);
    memcpy(analytic, c.grad, c.m->n_params * sizeof *analytic);
    /* every parameter tensor, a few entries each (char rows that are used) */
    float *views[] = {c.m->member[0].w1,
                      c.m->member[0].b1,
                      lstm ? c.m->member[0].lstm_w_ih[0] : c.m->member[0].w2,
                      lstm ? c.m->member[0].lstm_w_hh[0] : c.m->member[0].b2,
                      lstm ? c.m->member[0].lstm_b[0] : c.m->member[0].w2 + 20,
                      lstm ? c.m->member[0].lstm_w_ih[1] + 9 : c.m->member[0].w2 + 40,
                      lstm ? c.m->member[0].lstm_w_hh[1] + 5 : c.m->member[0].w2 + 60,
                      lstm ? c.m->member[0].lstm_b[1] + 2 : c.m->member[0].b2 + 1,
                      c.m->member[0].w3,
                      c.m->member[0].b3,
                      c.m->member[0].trans,
                      c.m->member[0].start,
                      c.m->member[0].end,
                      c.m->member[0].char_emb + c.f.ngrams[0] * cfg->char_dim};
    /* per tensor: relative error of its checked entries */
    double worst = 0;
    for (size_t v = 0; v < sizeof views / sizeof *views; v++) {
        double diff2 = 0, norm2 = 0;
        for (size_t k = 0; k < 4; k++) {
            float *x = views[v] + k;
            size_t idx = (size_t)(x - c.m->store);
            float keep = *x;
            *x = keep + 3e-3f;
            double up = net_loss(&c, 0);
            *x = keep - 3e-3f;
            double down = net_loss(&c, 0);
            *x = keep;
            double fd = (up - down) / 6e-3;
            diff2 += (fd - analytic[idx]) * (fd - analytic[idx]);
            norm2 += fd * fd;
        }
        double rel = sqrt(diff2) / (sqrt(norm2) + 1e-3);
        if (rel > worst) worst = rel;
    }
    /* The loss is computed in float and some tensors' gradients are small,
     * so this checks the wiring (a wrong buffer is an O(1) error); the LSTM
     * and CRF kernels are checked to tight tolerances on their own. */
    CHECK_MSG(worst < 0.1, "network (lstm %zu) gradient vs finite differences: %g", lstm, worst);
    free(analytic);
    free(c.grad);
    ner_features_free(&c.f);
    ner_acts_free(&c.a);
    vcd_ner_model_free(c.m);
    vcd_vectors_close(vec);
}

/* ---- hostile files ---- */

static void test_hostile_config(void)
{
    static const char *bad[] = {
        "",
        "[]",
        "{\"schema\":\"vcdiscover.ner-model/1\"}",
        /* labels not sorted by type */
        "{\"schema\":\"vcdiscover.ner-model/1\",\"architecture\":\"cnn-crf\",\"features\":"
        "\"glove+shape+rank+gazetteer+char-ngrams-2-4/1\",\"labels\":[\"O\",\"B-z\",\"I-z\","
        "\"B-a\",\"I-a\"],\"char_buckets\":8,\"char_dim\":2,\"hidden\":3,\"o_penalty\":0,"
        "\"vectors\":{\"dim\":8,\"digest\":\"0000000000000001\"}}",
        /* huge buckets */
        "{\"schema\":\"vcdiscover.ner-model/1\",\"architecture\":\"cnn-crf\",\"features\":"
        "\"glove+shape+rank+gazetteer+char-ngrams-2-4/1\",\"labels\":[\"O\",\"B-a\",\"I-a\"],"
        "\"char_buckets\":1e12,\"char_dim\":2,\"hidden\":3,\"o_penalty\":0,"
        "\"vectors\":{\"dim\":8,\"digest\":\"0000000000000001\"}}",
        /* bad digest */
        "{\"schema\":\"vcdiscover.ner-model/1\",\"architecture\":\"cnn-crf\",\"features\":"
        "\"glove+shape+rank+gazetteer+char-ngrams-2-4/1\",\"labels\":[\"O\",\"B-a\",\"I-a\"],"
        "\"char_buckets\":8,\"char_dim\":2,\"hidden\":3,\"o_penalty\":0,"
        "\"vectors\":{\"dim\":8,\"digest\":\"xyz\"}}",
        /* KB features without the KB's digest and sources */
        "{\"schema\":\"vcdiscover.ner-model/1\",\"architecture\":\"cnn-crf\",\"features\":"
        "\"glove+shape+rank+gazetteer+kb-sources+char-ngrams-2-4/2\",\"labels\":[\"O\",\"B-a\","
        "\"I-a\"],\"char_buckets\":8,\"char_dim\":2,\"hidden\":3,\"o_penalty\":0,"
        "\"vectors\":{\"dim\":8,\"digest\":\"0000000000000001\"}}",
        /* KB sources of another build (order differs) */
        "{\"schema\":\"vcdiscover.ner-model/1\",\"architecture\":\"cnn-crf\",\"features\":"
        "\"glove+shape+rank+gazetteer+kb-sources+char-ngrams-2-4/2\",\"labels\":[\"O\",\"B-a\","
        "\"I-a\"],\"char_buckets\":8,\"char_dim\":2,\"hidden\":3,\"o_penalty\":0,"
        "\"vectors\":{\"dim\":8,\"digest\":\"0000000000000001\"},\"kb\":{\"digest\":"
        "\"0000000000000002\",\"sources\":[\"country\",\"city\",\"demonym\",\"company\","
        "\"ticker\",\"place-code\",\"given-name\"]}}",
        /* the capitalisation prior without its table's size */
        "{\"schema\":\"vcdiscover.ner-model/1\",\"architecture\":\"cnn-crf\",\"features\":"
        "\"glove+shape+rank+gazetteer+kb-sources+case-prior+char-ngrams-2-4/3\",\"labels\":[\"O\","
        "\"B-a\",\"I-a\"],\"char_buckets\":8,\"char_dim\":2,\"hidden\":3,\"o_penalty\":0,"
        "\"vectors\":{\"dim\":8,\"digest\":\"0000000000000001\"},\"kb\":{\"digest\":"
        "\"0000000000000002\",\"sources\":[\"city\",\"country\",\"demonym\",\"company\","
        "\"ticker\",\"place-code\",\"given-name\"]}}",
        /* an unknown feature set */
        "{\"schema\":\"vcdiscover.ner-model/1\",\"architecture\":\"cnn-crf\",\"features\":"
        "\"glove+shape/9\",\"labels\":[\"O\",\"B-a\",\"I-a\"],\"char_buckets\":8,"
        "\"char_dim\":2,\"hidden\":3,\"o_penalty\":0,"
        "\"vectors\":{\"dim\":8,\"digest\":\"0000000000000001\"}}",
        /* a confidence floor of 1 or more would drop every span */
        "{\"schema\":\"vcdiscover.ner-model/1\",\"architecture\":\"cnn-crf\",\"features\":"
        "\"glove+shape+rank+gazetteer+char-ngrams-2-4/1\",\"labels\":[\"O\",\"B-a\",\"I-a\"],"
        "\"char_buckets\":8,\"char_dim\":2,\"hidden\":3,\"o_penalty\":0,\"min_span_confidence\":1,"
        "\"vectors\":{\"dim\":8,\"digest\":\"0000000000000001\"}}",
        /* negative penalty */
        "{\"schema\":\"vcdiscover.ner-model/1\",\"architecture\":\"cnn-crf\",\"features\":"
        "\"glove+shape+rank+gazetteer+char-ngrams-2-4/1\",\"labels\":[\"O\",\"B-a\",\"I-a\"],"
        "\"char_buckets\":8,\"char_dim\":2,\"hidden\":3,\"o_penalty\":-1,"
        "\"vectors\":{\"dim\":8,\"digest\":\"0000000000000001\"}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ner_config c;
        CHECK_MSG(ner_config_parse("config.json", bad[i], strlen(bad[i]), &c) == VCD_EINPUT,
                  "config %zu accepted", i);
        CHECK(strstr(vcd_last_error(), "config.json") != NULL);
    }
    const char *good =
        "{\"schema\":\"vcdiscover.ner-model/1\",\"architecture\":\"cnn-crf\",\"features\":"
        "\"glove+shape+rank+gazetteer+char-ngrams-2-4/1\",\"labels\":[\"O\",\"B-a\",\"I-a\","
        "\"B-b\",\"I-b\"],\"char_buckets\":8,\"char_dim\":2,\"hidden\":3,\"o_penalty\":0.5,"
        "\"vectors\":{\"dim\":8,\"digest\":\"00000000000000ff\"}}";
    ner_config c;
    CHECK(ner_config_parse("config.json", good, strlen(good), &c) == VCD_OK);
    CHECK(c.n_types == 2 && c.vectors_digest == 0xff && c.o_penalty == 0.5f);
    CHECK(c.kb_sources == 0 && c.n_dense == 8 + NER_FLAGS + 4);
    const char *good_kb =
        "{\"schema\":\"vcdiscover.ner-model/1\",\"architecture\":\"cnn-crf\",\"features\":"
        "\"glove+shape+rank+gazetteer+kb-sources+char-ngrams-2-4/2\",\"labels\":[\"O\",\"B-a\","
        "\"I-a\"],\"char_buckets\":8,\"char_dim\":2,\"hidden\":3,\"o_penalty\":0,"
        "\"vectors\":{\"dim\":8,\"digest\":\"0000000000000001\"},\"kb\":{\"digest\":"
        "\"00000000000000a2\",\"sources\":[\"city\",\"country\",\"demonym\",\"company\","
        "\"ticker\",\"place-code\",\"given-name\"]}}";
    ner_config ck;
    CHECK(ner_config_parse("config.json", good_kb, strlen(good_kb), &ck) == VCD_OK);
    CHECK(ck.kb_sources == NER_KB_SOURCES && ck.kb_digest == 0xa2);
    CHECK(ck.n_dense == 8 + NER_FLAGS + 2 + 2 * NER_KB_SOURCES);
    ner_config_free(&ck);
    static const char *bad_gaz[] = {"alice\tperson\n", "alice\tzzz\t1\n",    "\ta\t1\n",
                                    "a  b\ta\t1\n",    "a\ta\t0\n",          "a\ta\t-1\n",
                                    "a\ta\t1x\n",      "a\ta\t1\na\tb\t2\n", "a b c d e f\ta\t1\n",
                                    "a\xff\ta\t1\n"};
    for (size_t i = 0; i < sizeof bad_gaz / sizeof *bad_gaz; i++) {
        ner_gazetteer g;
        CHECK_MSG(ner_gazetteer_parse("gazetteer.tsv", (const unsigned char *)bad_gaz[i],
                                      strlen(bad_gaz[i]), &c, &g) == VCD_EINPUT,
                  "gazetteer %zu accepted", i);
    }
    const char *gaz = "# comment\nalice\tb\t3\nnew york\ta\t1\n";
    ner_gazetteer g;
    CHECK(ner_gazetteer_parse("g", (const unsigned char *)gaz, strlen(gaz), &c, &g) == VCD_OK);
    CHECK(g.n == 2 && g.type[0] == 1 && g.count[0] == 3);
    vcd_buf text = {0};
    ner_gazetteer_text(&g, &c, &text);
    CHECK(strstr(text.data, "new york\ta\t1\n") != NULL);
    vcd_buf_free(&text);
    ner_gazetteer_free(&g);
    ner_config_free(&c);
}

/* ---- training end to end ---- */

static int files_equal(const char *a, const char *b)
{
    vcd_mapped_file x, y;
    if (vcd_map_file(a, &x)) return 0;
    if (vcd_map_file(b, &y)) {
        vcd_unmap_file(&x);
        return 0;
    }
    int eq = x.len == y.len && memcmp(x.data, y.data, x.len) == 0;
    vcd_unmap_file(&x);
    vcd_unmap_file(&y);
    return eq;
}

/* Options of a tiny model trained in seconds: the training tests' common base. */
static void tiny_model_options(vcd_ner_train_options *o, const char *vec, const char *train,
                               const char *dev, const char *out, size_t epochs)
{
    vcd_ner_train_options_default(o);
    o->train_path = train;
    o->dev_path = dev;
    o->vectors_path = vec;
    o->out_dir = out;
    o->epochs = epochs;
    o->batch = 8;
    o->char_buckets = 512;
    o->char_dim = 8;
    o->hidden = 16;
    o->lr = 5e-3f;
    o->ema_decay = 0.9f;
    o->quiet = 1;
}

static void train_once(const char *vec, const char *train, const char *dev, const char *out,
                       size_t members, vcd_ner_train_report *r)
{
    vcd_ner_train_options o;
    tiny_model_options(&o, vec, train, dev, out, 12);
    o.dropout = 0.2f;
    o.members = members;
    vcd_status rc = vcd_ner_train(&o, r);
    CHECK_MSG(rc == VCD_OK, "%s", vcd_last_error());
}

static void test_training(const char *vec_path)
{
    const char *train = write_conll("/tmp/vcd-test-ner-train.conll", 0);
    const char *dev = write_conll("/tmp/vcd-test-ner-dev.conll", 1);
    vcd_ner_train_report r1, r2;
    vcd_remove_tree("/tmp/vcd-test-ner-m1");
    vcd_remove_tree("/tmp/vcd-test-ner-m2");
    train_once(vec_path, train, dev, "/tmp/vcd-test-ner-m1", 1, &r1);
    train_once(vec_path, train, dev, "/tmp/vcd-test-ner-m2", 1, &r2);
    CHECK_MSG(r1.best_f1 > 0.9, "synthetic dev F1 %.3f", r1.best_f1);
    CHECK(r1.saved_f1 == r1.best_f1); /* F32 folder scores what training saw */
    CHECK(r1.gazetteer_entries > 5);
    CHECK(files_equal("/tmp/vcd-test-ner-m1/model.safetensors",
                      "/tmp/vcd-test-ner-m2/model.safetensors"));
    CHECK(files_equal("/tmp/vcd-test-ner-m1/gazetteer.tsv", "/tmp/vcd-test-ner-m2/gazetteer.tsv"));
    vcd_ner_train_report_free(&r1);
    vcd_ner_train_report_free(&r2);

    /* reload and tag words the way `ner` does */
    vcd_vectors *vec;
    CHECK(vcd_vectors_open(vec_path, &vec) == VCD_OK);
    vcd_ner_model *m = NULL;
    CHECK(vcd_ner_model_open("/tmp/vcd-test-ner-m1", vec, &m) == VCD_OK);
    CHECK(vcd_ner_model_is_folder("/tmp/vcd-test-ner-m1"));
    CHECK(!vcd_ner_model_is_folder("/tmp/nonexistent-folder"));
    if (m) {
        const char *w[] = {"Carol", "works", "at", "Google"};
        size_t l[] = {5, 5, 2, 6};
        vcd_word_seq s = {w, l, 4};
        int32_t labels[4];
        float conf[4];
        CHECK(vcd_ner_model_tag(m, &s, 1, labels, conf) == VCD_OK);
        CHECK(strcmp(vcd_ner_model_label(m, (size_t)labels[0]), "B-person") == 0);
        CHECK(strcmp(vcd_ner_model_label(m, (size_t)labels[3]), "B-corporation") == 0);
        CHECK(conf[0] > 0.5f && conf[0] <= 1.0001f);
        vcd_ner_model_free(m);
    }
    /* a truncated weights file is an error naming the file */
    vcd_mapped_file f;
    if (vcd_map_file("/tmp/vcd-test-ner-m1/model.safetensors", &f) == VCD_OK) {
        CHECK(vcd_write_file_atomic("/tmp/vcd-test-ner-m2/model.safetensors", f.data, f.len / 2) ==
              VCD_OK);
        vcd_unmap_file(&f);
        CHECK(vcd_ner_model_open("/tmp/vcd-test-ner-m2", vec, &m) == VCD_EINPUT);
        CHECK(strstr(vcd_last_error(), "model.safetensors") != NULL);
    }
    /* an ensemble of two: the folder holds both, and scores as trained */
    vcd_ner_train_report r3;
    vcd_remove_tree("/tmp/vcd-test-ner-m3");
    train_once(vec_path, train, dev, "/tmp/vcd-test-ner-m3", 2, &r3);
    CHECK(r3.saved_f1 == r3.best_f1 && r3.best_f1 > 0.9);
    CHECK(r3.epochs_run == 24);
    vcd_ner_train_report_free(&r3);
    m = NULL;
    CHECK(vcd_ner_model_open("/tmp/vcd-test-ner-m3", vec, &m) == VCD_OK);
    if (m) {
        CHECK(m->n_members == 2 && m->cfg.members == 2);
        /* the members differ (different seeds) */
        CHECK(memcmp(m->member[0].w1, m->member[1].w1, 16 * sizeof(float)) != 0);
        vcd_ner_model_free(m);
    }
    vcd_vectors_close(vec);
    vcd_remove_tree("/tmp/vcd-test-ner-m1");
    vcd_remove_tree("/tmp/vcd-test-ner-m2");
    vcd_remove_tree("/tmp/vcd-test-ner-m3");
}

static int has_bytes(const vcd_mapped_file *f, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= f->len; i++)
        if (memcmp(f->data + i, needle, n) == 0) return 1;
    return 0;
}

/* Partial labels (BTC scheme) and a second dev set (WNUT 2016 scheme). */
static void test_partial_training(const char *vec_path)
{
    const char *train = write_conll("/tmp/vcd-test-ner-train.conll", 0);
    const char *dev = write_conll("/tmp/vcd-test-ner-dev.conll", 1);
    static const char *people[] = {"Dave", "Erin", "Frank"}, *orgs[] = {"Netflix", "Tesla"};
    vcd_buf b = {0}, d2 = {0};
    for (int s = 0; s < 40; s++) {
        vcd_buf_printf(&b, "%s\tB-PER\nworks\tO\nat\tO\n%s\tB-ORG\nin\tO\nParis\tB-LOC\n\n",
                       people[s % 3], orgs[s % 2]);
        vcd_buf_printf(&d2,
                       "%s\tB-person\nworks\tO\nat\tO\n%s\tB-company\nin\tO\n%s\tB-geo-loc\n\n",
                       people[(s + 1) % 3], orgs[(s + 1) % 2], s % 2 ? "London" : "Berlin");
    }
    const char *part = "/tmp/vcd-test-ner-btc.conll", *dev2 = "/tmp/vcd-test-ner-w16.conll";
    CHECK(vcd_write_file_atomic(part, b.data, b.len) == VCD_OK);
    CHECK(vcd_write_file_atomic(dev2, d2.data, d2.len) == VCD_OK);
    vcd_ner_train_options o;
    tiny_model_options(&o, vec_path, train, dev, "/tmp/vcd-test-ner-m4", 8);
    o.dev2_path = dev2;
    o.dev2_scheme = "wnut16";
    o.partial_path = part;
    o.partial_scheme = "btc";
    vcd_ner_train_report r;
    vcd_status rc = vcd_ner_train(&o, &r);
    CHECK_MSG(rc == VCD_OK, "%s", vcd_last_error());
    CHECK(r.partial_sentences == 40 && r.partial_skipped == 0);
    CHECK(r.train_sentences == 100);
    CHECK(r.epoch_f1_dev2 != NULL);
    CHECK_MSG(r.saved_f1_dev2 > 0.6, "dev2 F1 %.3f", r.saved_f1_dev2);
    vcd_ner_train_report_free(&r);
    /* the BTC types did not become model types */
    vcd_mapped_file f;
    if (vcd_map_file("/tmp/vcd-test-ner-m4/config.json", &f) == VCD_OK) {
        CHECK(!has_bytes(&f, "PER") && !has_bytes(&f, "ORG"));
        vcd_unmap_file(&f);
    }
    if (vcd_map_file("/tmp/vcd-test-ner-m4/train_log.json", &f) == VCD_OK) {
        CHECK(has_bytes(&f, "\"dev2_f1\""));
        vcd_unmap_file(&f);
    }
    /* open labels beside the BTC ones: counted with them, logged apart */
    const char *open = "/tmp/vcd-test-ner-open.conll";
    static const char open_text[] = "Erin\tO\nflew\tO\nto\tO\nParis\tB-location\n\n"
                                    "oh\tB-not-entity\nDave\tB-person\n\n";
    CHECK(vcd_write_file_atomic(open, open_text, strlen(open_text)) == VCD_OK);
    o.open_path = open;
    rc = vcd_ner_train(&o, &r);
    CHECK_MSG(rc == VCD_OK, "%s", vcd_last_error());
    CHECK(r.partial_sentences == 42 && r.open_sentences == 2 && r.partial_skipped == 0);
    vcd_ner_train_report_free(&r);
    if (vcd_map_file("/tmp/vcd-test-ner-m4/train_log.json", &f) == VCD_OK) {
        CHECK(has_bytes(&f, "\"open_label_sentences\""));
        vcd_unmap_file(&f);
    }
    /* an open chunk of a type the model lacks is an error naming the file */
    static const char open_bad[] = "Tesla\tB-MISC\n\n";
    CHECK(vcd_write_file_atomic(open, open_bad, strlen(open_bad)) == VCD_OK);
    CHECK(vcd_ner_train(&o, &r) == VCD_EINPUT);
    CHECK(strstr(vcd_last_error(), "vcd-test-ner-open.conll: type 'MISC'") != NULL);
    vcd_ner_train_report_free(&r);
    o.open_path = NULL;
    remove(open);
    /* a type outside the scheme, an unknown scheme: errors naming them */
    vcd_buf_puts(&b, "Bob\tB-MISC\n\n");
    CHECK(vcd_write_file_atomic(part, b.data, b.len) == VCD_OK);
    CHECK(vcd_ner_train(&o, &r) == VCD_EINPUT);
    CHECK(strstr(vcd_last_error(), "MISC") != NULL);
    vcd_ner_train_report_free(&r);
    o.partial_path = NULL;
    o.dev2_scheme = "wnut15";
    CHECK(vcd_ner_train(&o, &r) == VCD_EINPUT);
    vcd_ner_train_report_free(&r);
    o.dev2_scheme = NULL; /* dev2's WNUT 2016 types read as they are: not the model's */
    o.dev_path = NULL;
    CHECK(vcd_ner_train(&o, &r) == VCD_EINPUT); /* dev2 without dev */
    vcd_ner_train_report_free(&r);
    vcd_buf_free(&b);
    vcd_buf_free(&d2);
    vcd_remove_tree("/tmp/vcd-test-ner-m4");
}

/* ---- knowledge-base flags ---- */

/* A small KB in the importers' formats: two cities (one with a weak code),
 * a country and its people, a company with its symbol, a nickname pair. */
static const char *write_tiny_kb(const char *path)
{
    static const char geo[] = "5128581\tNew York City\tNew York City\tNYC,Big "
                              "Apple\t40.7\t-74.0\tP\tPPL\tUS\t\tNY\t\t\t\t"
                              "8175133\t10\t57\tAmerica/New_York\t2017-05-23\n"
                              "5128582\tYork\tYork\t\t40.7\t-74."
                              "0\tP\tPPL\tUS\t\tNY\t\t\t\t200000\t10\t57\tX\t2017-05-23\n";
    static const char countries[] =
        "[{\"name\":{\"common\":\"Jamaica\",\"official\":\"Jamaica\"},\"cca2\":\"JM\",\"cca3\":"
        "\"JAM\",\"altSpellings\":[\"JM\"],\"demonyms\":{\"eng\":{\"f\":\"Jamaican\",\"m\":"
        "\"Jamaican\"}}}]";
    static const char tickers[] = "Symbol,Company Name\nAAPL,Apple Inc. Common Stock\n";
    static const char nick[] = "name1,relationship,name2\nwilliam,has_nickname,bill\n";
    vcd_kb_import_options ko = {0};
    vcd_kb_builder *b = vcd_kb_builder_new(&ko);
    const struct {
        vcd_kb_source src;
        const char *text;
    } in[] = {{VCD_KB_SRC_GEONAMES, geo},
              {VCD_KB_SRC_COUNTRIES, countries},
              {VCD_KB_SRC_TICKERS, tickers},
              {VCD_KB_SRC_NICKNAMES, nick}};
    for (size_t i = 0; i < 4; i++)
        CHECK_MSG(vcd_kb_import_memory(b, in[i].src, (const unsigned char *)in[i].text,
                                       strlen(in[i].text), "tiny", NULL) == VCD_OK,
                  "%s", vcd_last_error());
    vcd_buf img = {0};
    CHECK(vcd_kb_builder_serialize(b, &img) == VCD_OK);
    CHECK(vcd_write_file_atomic(path, img.data, img.len) == VCD_OK);
    vcd_buf_free(&img);
    vcd_kb_builder_free(b);
    return path;
}

static void test_kb_flags(const char *vec_path)
{
    vcd_vectors *vec = NULL;
    vcd_kb *kb = NULL;
    CHECK(vcd_vectors_open(vec_path, &vec) == VCD_OK);
    CHECK(vcd_kb_open(write_tiny_kb("/tmp/vcd-test-ner-kb.vcdkb"), &kb) == VCD_OK);
    if (!vec || !kb) return;
    vcd_ner_model *m = ner_model_alloc(vec);
    ner_config *c = &m->cfg;
    c->vec_dim = vcd_vectors_dim(vec);
    c->char_buckets = 16;
    c->kb_sources = NER_KB_SOURCES;
    char **types = vcd_xmalloc(sizeof *types);
    types[0] = vcd_xstrdup("person");
    ner_config_set_types(c, types, 1);
    CHECK(c->n_dense == c->vec_dim + NER_FLAGS + 2 + 2 * NER_KB_SOURCES);
    ner_kb_index_build(kb, &m->kb);
    /* New York City is the longest city name here, York a shorter one
     * inside it; "Bill" a given name; AAPL a ticker, Apple a company. */
    const char *w[] = {"Bill", "left", "New",  "York", "City",  "for",       "York",
                       ",",    "NYC",  "AAPL", "and",  "Apple", "Jamaicans", "Jamaica"};
    size_t n = sizeof w / sizeof *w, l[16];
    for (size_t i = 0; i < n; i++)
        l[i] = strlen(w[i]);
    vcd_word_seq s = {w, l, n};
    ner_features f = {0};
    ner_scratch sc = {0};
    ner_features_reserve(&f, c, n);
    ner_features_sentence(m, &s, NULL, &f, 0, &sc);
    size_t kb0 = c->vec_dim + NER_FLAGS + 2;
    /* flag (word, source, 0 = B / 1 = I) */
#define KBF(word, src, inside) f.dense[(word)*c->n_dense + kb0 + 2 * (src) + (inside)]
    CHECK(KBF(0, NER_KB_GIVEN_NAME, 0) == 1 && KBF(0, NER_KB_GIVEN_NAME, 1) == 0);
    CHECK(KBF(1, NER_KB_GIVEN_NAME, 0) == 0);
    CHECK(KBF(2, NER_KB_CITY, 0) == 1 && KBF(3, NER_KB_CITY, 1) == 1 &&
          KBF(4, NER_KB_CITY, 1) == 1);
    CHECK(KBF(3, NER_KB_CITY, 0) == 0); /* York inside New York City: no second B */
    CHECK(KBF(6, NER_KB_CITY, 0) == 1 && KBF(6, NER_KB_CITY, 1) == 0);
    CHECK(KBF(8, NER_KB_PLACE_CODE, 0) == 1 && KBF(8, NER_KB_CITY, 0) == 0);
    CHECK(KBF(9, NER_KB_TICKER, 0) == 1 && KBF(9, NER_KB_COMPANY, 0) == 0);
    CHECK(KBF(11, NER_KB_COMPANY, 0) == 1 && KBF(11, NER_KB_TICKER, 0) == 0);
    CHECK(KBF(12, NER_KB_DEMONYM, 0) == 1 && KBF(12, NER_KB_COUNTRY, 0) == 0);
    CHECK(KBF(13, NER_KB_COUNTRY, 0) == 1 && KBF(13, NER_KB_DEMONYM, 0) == 0);
    float lit = 0;
    for (size_t src = 0; src < 2 * NER_KB_SOURCES; src++)
        lit += f.dense[5 * c->n_dense + kb0 + src] + f.dense[10 * c->n_dense + kb0 + src];
    CHECK(lit == 0); /* "for", "and" */
    /* the same buffers serve the next sentence; nothing leaks from the first */
    vcd_word_seq s2 = {w + 1, l + 1, 1};
    ner_features_sentence(m, &s2, NULL, &f, 0, &sc);
    CHECK(KBF(0, NER_KB_GIVEN_NAME, 0) == 0);
#undef KBF
    ner_scratch_free(&sc);
    ner_features_free(&f);
    vcd_ner_model_free(m);
    vcd_kb_close(kb);
    vcd_vectors_close(vec);
}

/* Training with KB flags: the folder records the KB, reloads with it, and
 * refuses any other (the shipped default here, a different file). */
static void test_kb_training(const char *vec_path)
{
    const char *train = write_conll("/tmp/vcd-test-ner-train.conll", 0);
    const char *dev = write_conll("/tmp/vcd-test-ner-dev.conll", 1);
    const char *kb_path = write_tiny_kb("/tmp/vcd-test-ner-kb.vcdkb");
    vcd_ner_train_options o;
    tiny_model_options(&o, vec_path, train, dev, "/tmp/vcd-test-ner-m5", 6);
    o.kb_path = kb_path;
    o.tune_span_floor = 1;
    vcd_remove_tree(o.out_dir);
    vcd_ner_train_report r;
    vcd_status rc = vcd_ner_train(&o, &r);
    CHECK_MSG(rc == VCD_OK, "%s", vcd_last_error());
    CHECK(r.saved_f1 == r.best_f1 && r.best_f1 > 0.5); /* the floor is saved and reloaded */
    CHECK(r.min_span_conf >= 0 && r.min_span_conf <= 0.6 + 1e-6);
    vcd_ner_train_report_free(&r);
    vcd_mapped_file f;
    if (vcd_map_file("/tmp/vcd-test-ner-m5/config.json", &f) == VCD_OK) {
        CHECK(has_bytes(&f, "kb-sources") && has_bytes(&f, "\"given-name\""));
        vcd_unmap_file(&f);
    }
    vcd_vectors *vec = NULL;
    vcd_kb *kb = NULL;
    CHECK(vcd_vectors_open(vec_path, &vec) == VCD_OK);
    CHECK(vcd_kb_open(kb_path, &kb) == VCD_OK);
    vcd_ner_model *m = NULL;
    CHECK(ner_model_open_kb(o.out_dir, vec, kb, &m) == VCD_OK);
    CHECK(m && m->cfg.kb_sources == NER_KB_SOURCES && m->kb.map != NULL);
    vcd_ner_model_free(m);
    /* any other KB: one error that says what to do */
    CHECK(vcd_ner_model_open(o.out_dir, vec, &m) == VCD_EINPUT && m == NULL);
    CHECK(strstr(vcd_last_error(), "knowledge base") != NULL ||
          strstr(vcd_last_error(), "knowledge-base") != NULL);
    vcd_kb_close(kb);
    vcd_vectors_close(vec);
    vcd_remove_tree(o.out_dir);
}

/* Capitalisation counts: mid-sentence sightings only, shouted texts and
 * sentence starts ignored, buckets pooled by hash, the features' layout. */
static void test_case_prior(const char *vec_path)
{
    ner_case_counter k = {0};
    const char *texts[] = {
        "we met Alice and then alice again, Alice said oh",
        "Oh well. Oh no, oh my, oh dear, OH wait", /* "Oh" after "." starts a sentence */
        "then Alice left with Alice and Alice, oh",
        "THIS IS ALL SHOUTED ALICE ALICE", /* counts nothing */
        "RT @x : Wow so Alice",            /* "Wow" after ":" starts a sentence */
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        ner_case_count_text(&k, texts[i], strlen(texts[i]));
    size_t alice = vcd_strmap_get(k.map, "alice", 5, SIZE_MAX);
    size_t oh = vcd_strmap_get(k.map, "oh", 2, SIZE_MAX);
    CHECK(alice != SIZE_MAX && k.mid[alice] == 7 && k.cap[alice] == 6);
    CHECK(oh != SIZE_MAX && k.mid[oh] == 5 && k.cap[oh] == 1); /* the one capital: "OH" */
    CHECK(vcd_strmap_get(k.map, "wow", 3, SIZE_MAX) == SIZE_MAX);
    CHECK(vcd_strmap_get(k.map, "we", 2, SIZE_MAX) == SIZE_MAX);
    const char *words[] = {"Oh", "Alice", "oh"};
    size_t lens[] = {2, 5, 2};
    vcd_word_seq seq = {words, lens, 3};
    ner_case_count_words(&k, &seq);
    CHECK(k.mid[alice] == 8 && k.cap[alice] == 7 && k.mid[oh] == 6 && k.cap[oh] == 1);
    size_t B = 64;
    float *t = ner_case_table_build(&k, B);
    CHECK(ner_case_table_valid(t, B));
    size_t ba = (size_t)(ner_case_hash("alice", 5) % B), bo = (size_t)(ner_case_hash("oh", 2) % B);
    if (ba != bo) {
        CHECK_NEAR(t[2 * ba], (7.0 + 1) / (8 + 2) - 0.5, 1e-6);
        CHECK_NEAR(t[2 * bo], (1.0 + 1) / (6 + 2) - 0.5, 1e-6);
        CHECK(t[2 * ba + 1] > 0 && t[2 * ba + 1] < 1);
    }
    /* words seen fewer than NER_CASE_MIN_COUNT times leave no trace */
    CHECK(ner_case_table_used(t, B) <= 2);
    t[0] = 0.75f;
    CHECK(!ner_case_table_valid(t, B));
    t[0] = 0;
    /* the two inputs sit after the KB flags */
    vcd_vectors *vec = NULL;
    CHECK(vcd_vectors_open(vec_path, &vec) == VCD_OK);
    if (vec) {
        vcd_ner_model *m = ner_model_alloc(vec);
        ner_config *c = &m->cfg;
        c->vec_dim = vcd_vectors_dim(vec);
        c->char_buckets = 16;
        c->kb_sources = NER_KB_SOURCES;
        c->case_buckets = B;
        m->case_table = ner_case_table_build(&k, B);
        char **types = vcd_xmalloc(sizeof *types);
        types[0] = vcd_xstrdup("person");
        ner_config_set_types(c, types, 1);
        CHECK(c->n_dense == c->vec_dim + NER_FLAGS + 2 + 2 * NER_KB_SOURCES + 2);
        ner_features f = {0};
        ner_scratch sc = {0};
        ner_features_reserve(&f, c, 3);
        memset(f.dense, 0, 3 * c->n_dense * sizeof *f.dense);
        ner_features_sentence(m, &seq, NULL, &f, 0, &sc);
        size_t at = ner_case_offset(c);
        CHECK(f.dense[1 * c->n_dense + at] == m->case_table[2 * ba]);
        CHECK(f.dense[1 * c->n_dense + at + 1] == m->case_table[2 * ba + 1]);
        CHECK(f.dense[2 * c->n_dense + at] == m->case_table[2 * bo]);
        ner_scratch_free(&sc);
        ner_features_free(&f);
        vcd_ner_model_free(m);
        vcd_vectors_close(vec);
    }
    free(t);
    ner_case_counter_free(&k);
}

/* Training with the prior: the table ships in model.safetensors, reloads
 * identically, and a table with a value out of range is refused. */
static void test_case_training(const char *vec_path)
{
    const char *train = write_conll("/tmp/vcd-test-ner-train.conll", 0);
    const char *dev = write_conll("/tmp/vcd-test-ner-dev.conll", 1);
    const char *kb_path = write_tiny_kb("/tmp/vcd-test-ner-kb.vcdkb");
    vcd_buf text = {0};
    for (int i = 0; i < 20; i++)
        vcd_buf_puts(&text, "then Alice met bob and London , oh well\n");
    CHECK(vcd_write_file_atomic("/tmp/vcd-test-ner-case.txt", text.data, text.len) == VCD_OK);
    vcd_buf_free(&text);
    /* silver labels: "bob" (20 lower-case sightings in the text) and
     * "London" (always capitalised) */
    vcd_buf silver = {0};
    for (int i = 0; i < 4; i++)
        vcd_buf_puts(&silver, "then\tO\nbob\tB-person\nsaw\tO\nLondon\tB-location\n\n");
    CHECK(vcd_write_file_atomic("/tmp/vcd-test-ner-silver.conll", silver.data, silver.len) ==
          VCD_OK);
    vcd_buf_free(&silver);
    const char *extra[] = {"/tmp/vcd-test-ner-silver.conll"};
    vcd_ner_train_options o;
    tiny_model_options(&o, vec_path, train, dev, "/tmp/vcd-test-ner-m6", 3);
    o.case_text_path = "/tmp/vcd-test-ner-case.txt";
    vcd_ner_train_report r;
    CHECK(vcd_ner_train(&o, &r) == VCD_EINPUT); /* the prior needs the KB flags */
    CHECK(strstr(vcd_last_error(), "--kb") != NULL);
    o.kb_path = kb_path;
    o.silver_case_floor = 0.4f;
    o.extra_train = extra;
    o.n_extra_train = 1;
    vcd_remove_tree(o.out_dir);
    vcd_status rc = vcd_ner_train(&o, &r);
    CHECK_MSG(rc == VCD_OK, "%s", vcd_last_error());
    vcd_ner_train_report_free(&r);
    vcd_mapped_file f;
    if (vcd_map_file("/tmp/vcd-test-ner-m6/config.json", &f) == VCD_OK) {
        CHECK(has_bytes(&f, "case-prior") && has_bytes(&f, "\"case_prior\""));
        vcd_unmap_file(&f);
    }
    /* the four "bob" spans became O, the "London" ones stayed */
    if (vcd_map_file("/tmp/vcd-test-ner-m6/train_log.json", &f) == VCD_OK) {
        CHECK(has_bytes(&f, "\"silver_spans_relabelled_o\":\t4"));
        vcd_unmap_file(&f);
    }
    vcd_vectors *vec = NULL;
    vcd_kb *kb = NULL;
    CHECK(vcd_vectors_open(vec_path, &vec) == VCD_OK);
    CHECK(vcd_kb_open(kb_path, &kb) == VCD_OK);
    vcd_ner_model *m = NULL;
    CHECK(ner_model_open_kb(o.out_dir, vec, kb, &m) == VCD_OK);
    CHECK(m && m->cfg.case_buckets == NER_CASE_BUCKETS_DEFAULT && m->case_table != NULL);
    if (m && m->case_table) {
        size_t b = (size_t)(ner_case_hash("alice", 5) % m->cfg.case_buckets);
        CHECK(m->case_table[2 * b] > 0.3f && m->case_table[2 * b + 1] > 0); /* 20+ capitalised */
        b = (size_t)(ner_case_hash("bob", 3) % m->cfg.case_buckets);
        CHECK(m->case_table[2 * b] < -0.2f); /* 20 lower-case sightings, a few "Bob" */
        /* a damaged table is refused */
        m->case_table[2 * b] = 0.9f;
        CHECK(ner_model_save(m, "/tmp/vcd-test-ner-m6b", 0) == VCD_OK);
        vcd_ner_model *bad = NULL;
        CHECK(ner_model_open_kb("/tmp/vcd-test-ner-m6b", vec, kb, &bad) == VCD_EINPUT && !bad);
        CHECK(strstr(vcd_last_error(), "case_prior") != NULL);
        vcd_remove_tree("/tmp/vcd-test-ner-m6b");
    }
    vcd_ner_model_free(m);
    vcd_kb_close(kb);
    vcd_vectors_close(vec);
    vcd_remove_tree(o.out_dir);
    remove("/tmp/vcd-test-ner-case.txt");
    remove("/tmp/vcd-test-ner-silver.conll");
}

int main(void)
{
    test_crf();
    test_crf_partial();
    test_trim_verbs();
    test_open_mask();
    test_drop_unsure();
    test_window();
    test_lstm_kernel(0);
    test_lstm_kernel(1);
    test_hostile_config();
    const char *vec = tiny_vectors_path();
    test_net_gradient(vec, 0);
    test_net_gradient(vec, 3);
    test_training(vec);
    test_partial_training(vec);
    test_kb_flags(vec);
    test_kb_training(vec);
    test_case_prior(vec);
    test_case_training(vec);
    return test_finish();
}
