/* BERT speed and memory on a BERT-base shape (not a test):
 *   bench_bert make DIR                 write a random BERT-base folder (F32)
 *   bench_bert infer DIR BATCH SEQ N    forward passes: tokens/s, GFLOP/s, peak RSS
 *   bench_bert train DIR BATCH SEQ N    fine-tuning steps (forward, backward, AdamW)
 *   bench_bert sgemm                    this machine's sgemm GFLOP/s (the peak to compare with)
 * Each prints one JSON line. */
#include "vcd/bert.h"
#include "vcd/fileio.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double peak_rss_mib(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_maxrss / 1024.0;
}

static int make_model(const char *dir)
{
    if (vcd_ensure_dir(dir)) return 1;
    const char *cfg = "{\"model_type\":\"bert\",\"vocab_size\":30522,\"hidden_size\":768,"
                      "\"num_hidden_layers\":12,\"num_attention_heads\":12,"
                      "\"intermediate_size\":3072,\"max_position_embeddings\":512,"
                      "\"type_vocab_size\":2,\"hidden_act\":\"gelu\",\"layer_norm_eps\":1e-12,"
                      "\"id2label\":{\"0\":\"O\",\"1\":\"B-person\",\"2\":\"I-person\"}}";
    char *path = vcd_path_join(dir, "config.json");
    vcd_status rc = vcd_write_file_atomic(path, cfg, strlen(cfg));
    free(path);
    vcd_buf v = {0};
    vcd_buf_puts(&v, "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n");
    for (int i = 5; i < 30522; i++)
        vcd_buf_printf(&v, "tok%d\n", i);
    path = vcd_path_join(dir, "vocab.txt");
    if (!rc) rc = vcd_write_file_atomic(path, v.data, v.len);
    free(path);
    vcd_buf_free(&v);
    vcd_bert *m = NULL;
    if (!rc) rc = vcd_bert_new_random(dir, NULL, 0, 1, &m);
    if (!rc) rc = vcd_bert_save(m, dir, 0);
    vcd_bert_free(m);
    if (rc) fprintf(stderr, "bench_bert: %s\n", vcd_last_error());
    return rc != VCD_OK;
}

static void fill_batch(size_t n, int32_t *ids, uint8_t *mask)
{
    uint64_t s = 12345;
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        ids[i] = 5 + (int32_t)((s >> 33) % 30000);
        mask[i] = 1;
    }
}

/* Multiply-adds x 2 of one forward pass. */
static double forward_flops(const vcd_bert_config *c, size_t B, size_t S)
{
    double T = (double)(B * S), H = (double)c->hidden, inter = (double)c->intermediate;
    double per_layer = 2 * T * H * H * 4 + 2 * T * H * inter * 2 + 2 * 2 * (double)B * S * S * H;
    return per_layer * (double)c->layers;
}

static int run(const char *mode, const char *dir, size_t B, size_t S, int iters)
{
    int training = strcmp(mode, "train") == 0;
    vcd_bert *m;
    if (vcd_bert_open(dir, &m)) {
        fprintf(stderr, "bench_bert: %s\n", vcd_last_error());
        return 1;
    }
    const vcd_bert_config *c = vcd_bert_get_config(m);
    double weights_mib = (double)vcd_bert_param_count(m) * 4 / 1048576.0;
    if (training) vcd_bert_make_trainable(m);
    vcd_bert_run *r;
    if (vcd_bert_run_new(m, B, S, training, &r)) {
        fprintf(stderr, "bench_bert: %s\n", vcd_last_error());
        return 1;
    }
    int32_t *ids = malloc(B * S * sizeof *ids), *labels = malloc(B * S * sizeof *labels);
    uint8_t *mask = malloc(B * S);
    fill_batch(B * S, ids, mask);
    for (size_t i = 0; i < B * S; i++)
        labels[i] = (int32_t)(i % 3);
    vcd_bert_batch b = {B, S, ids, mask, NULL};
    vcd_bert_adamw opt = {2e-5f, 0.9f, 0.999f, 1e-8f, 0.01f, 0};
    double best = 1e30;
    for (int it = 0; it <= iters; it++) { /* iteration 0 warms up */
        double t0 = now();
        vcd_bert_forward(m, r, &b);
        if (training) {
            vcd_bert_zero_grad(m);
            vcd_bert_backward(m, r, &b, labels);
            vcd_bert_clip_grad_norm(m, 1.0);
            vcd_bert_adamw_step(m, &opt, opt.lr);
        }
        double dt = now() - t0;
        if (it > 0 && dt < best) best = dt;
    }
    double flops = forward_flops(c, B, S) * (training ? 3 : 1);
    printf("{\"mode\":\"%s\",\"batch\":%zu,\"seq\":%zu,\"seconds\":%.4f,\"tokens_per_s\":%.1f,"
           "\"gflops\":%.2f,\"weights_mib\":%.1f,\"peak_rss_mib\":%.1f}\n",
           mode, B, S, best, (double)(B * S) / best, flops / best / 1e9, weights_mib,
           peak_rss_mib());
    free(ids);
    free(labels);
    free(mask);
    vcd_bert_run_free(r);
    vcd_bert_free(m);
    return 0;
}

static int sgemm_peak(void)
{
    size_t M = 4096, N = 3072, K = 768;
    float *a = calloc(M * K, sizeof *a), *b = calloc(N * K, sizeof *b),
          *c = calloc(M * N, sizeof *c);
    for (size_t i = 0; i < M * K; i++)
        a[i] = (float)(i % 7) * 0.1f;
    for (size_t i = 0; i < N * K; i++)
        b[i] = (float)(i % 5) * 0.1f;
    double best = 1e30;
    for (int it = 0; it < 4; it++) {
        double t0 = now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)M, (int)N, (int)K, 1.0f, a,
                    (int)K, b, (int)K, 0.0f, c, (int)N);
        double dt = now() - t0;
        if (it > 0 && dt < best) best = dt;
    }
    printf("{\"mode\":\"sgemm\",\"m\":%zu,\"n\":%zu,\"k\":%zu,\"gflops\":%.2f}\n", M, N, K,
           2.0 * (double)M * (double)N * (double)K / best / 1e9);
    free(a);
    free(b);
    free(c);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "make") == 0) return make_model(argv[2]);
    if (argc == 2 && strcmp(argv[1], "sgemm") == 0) return sgemm_peak();
    if (argc == 6 && (strcmp(argv[1], "infer") == 0 || strcmp(argv[1], "train") == 0))
        return run(argv[1], argv[2], (size_t)atol(argv[3]), (size_t)atol(argv[4]), atoi(argv[5]));
    fprintf(stderr, "usage: bench_bert make DIR | infer|train DIR BATCH SEQ ITERS | sgemm\n");
    return 2;
}
