/* BERT forward against Hugging Face transformers (bert_tiny F32, and the F16
 * bert_mini384 checkpoint), the pooled encoder against sentence-transformers,
 * and hostile checkpoint folders. */
#include "test.h"
#include "test_bert_fixture.h"
#include "vcd/bert.h"
#include "vcd/ingest.h"
#include "vcd/mentions.h"
#include "vcd/text.h"

#include <cJSON.h>
#include "vcd/fileio.h"
#include "vcd/safetensors.h"

#include <sys/stat.h>

static double max_abs_diff(const float *got, const vcd_tensor *want)
{
    float *w = vcd_tensor_to_f32(want);
    double worst = 0;
    for (size_t i = 0; i < want->count; i++) {
        double d = fabs((double)got[i] - w[i]);
        if (!(d <= worst)) worst = d;
    }
    free(w);
    return worst;
}

static size_t argmax_mismatches(const float *got, const vcd_tensor *want, size_t classes)
{
    float *w = vcd_tensor_to_f32(want);
    size_t bad = 0;
    for (size_t r = 0; r < want->count / classes; r++) {
        size_t a = 0, b = 0;
        for (size_t c = 1; c < classes; c++) {
            if (got[r * classes + c] > got[r * classes + a]) a = c;
            if (w[r * classes + c] > w[r * classes + b]) b = c;
        }
        bad += a != b;
    }
    free(w);
    return bad;
}

static void check_forward(const char *model_rel, const char *outputs_rel, const char *st_rel,
                          double tol, int has_layers)
{
    vcd_bert *m;
    CHECK(vcd_bert_open(test_shared_path(model_rel), &m) == VCD_OK);
    if (!m) {
        fprintf(stderr, "%s\n", vcd_last_error());
        return;
    }
    const vcd_bert_config *c = vcd_bert_get_config(m);
    CHECK(c->num_labels == 13 && strcmp(c->labels[1], "B-corporation") == 0);
    vcd_safetensors *out;
    CHECK(vcd_safetensors_open(test_shared_path(outputs_rel), &out) == VCD_OK);
    fixture_batch fb;
    load_batch(out, &fb);
    for (int training = 0; training <= 1; training++) {
        vcd_bert_run *run;
        CHECK(vcd_bert_run_new(m, fb.batch, fb.seq, training, &run) == VCD_OK);
        vcd_bert_batch b = {fb.batch, fb.seq, fb.ids, fb.mask, fb.types};
        CHECK(vcd_bert_forward(m, run, &b) == VCD_OK);
        if (training) {
            double e = max_abs_diff(vcd_bert_run_hidden(run, 0),
                                    vcd_safetensors_find(out, "embeddings_output"));
            CHECK_MSG(e <= tol, "%s embeddings_output max diff %g", model_rel, e);
            for (size_t l = 1; has_layers && l <= c->layers; l++) {
                char name[32];
                snprintf(name, sizeof name, "hidden_state.%zu", l);
                e = max_abs_diff(vcd_bert_run_hidden(run, l), vcd_safetensors_find(out, name));
                CHECK_MSG(e <= tol, "%s %s max diff %g", model_rel, name, e);
            }
        }
        double e = max_abs_diff(vcd_bert_run_last_hidden(run),
                                vcd_safetensors_find(out, "last_hidden_state"));
        CHECK_MSG(e <= tol, "%s last_hidden_state max diff %g", model_rel, e);
        const vcd_tensor *lt = vcd_safetensors_find(out, "logits");
        e = max_abs_diff(vcd_bert_run_logits(run), lt);
        CHECK_MSG(e <= tol, "%s logits max diff %g", model_rel, e);
        CHECK(argmax_mismatches(vcd_bert_run_logits(run), lt, 13) == 0);
        float *pooled = malloc(fb.batch * c->hidden * sizeof *pooled);
        vcd_bert_mean_pool(run, &b, 0, pooled);
        e = max_abs_diff(pooled, vcd_safetensors_find(out, "mean_pooled"));
        CHECK_MSG(e <= tol, "%s mean_pooled max diff %g", model_rel, e);
        vcd_safetensors *stf;
        CHECK(vcd_safetensors_open(test_shared_path(st_rel), &stf) == VCD_OK);
        e = max_abs_diff(pooled, vcd_safetensors_find(stf, "embeddings"));
        CHECK_MSG(e <= 1e-6, "%s sentence-transformers max diff %g", model_rel, e);
        vcd_safetensors_close(stf);
        free(pooled);
        vcd_bert_run_free(run);
    }
    free_batch(&fb);
    vcd_safetensors_close(out);
    vcd_bert_free(m);
}

/* Bad folders: each must be an input error with a message, never a crash. */
static void write_file(const char *dir, const char *name, const void *data, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    fwrite(data, 1, n, f);
    fclose(f);
}

static void copy_file(const char *from, const char *dir, const char *name)
{
    vcd_mapped_file f;
    if (vcd_map_file(from, &f)) return;
    write_file(dir, name, f.data, f.len);
    vcd_unmap_file(&f);
}

static void check_hostile_folders(void)
{
    char dir[] = "/tmp/vcd_bert_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    const char *src = test_shared_path("fixtures/bert_tiny");
    char p[4096];
    snprintf(p, sizeof p, "%s/vocab.txt", src);
    copy_file(p, dir, "vocab.txt");
    snprintf(p, sizeof p, "%s/config.json", src);
    vcd_mapped_file cfg;
    CHECK(vcd_map_file(p, &cfg) == VCD_OK);
    snprintf(p, sizeof p, "%s/model.safetensors", src);
    vcd_mapped_file w;
    CHECK(vcd_map_file(p, &w) == VCD_OK);
    vcd_bert *m = NULL;

    /* No weights at all. */
    write_file(dir, "config.json", cfg.data, cfg.len);
    CHECK(vcd_bert_open(dir, &m) != VCD_OK && m == NULL);
    /* Truncated weights. */
    write_file(dir, "model.safetensors", w.data, w.len / 2);
    CHECK(vcd_bert_open(dir, &m) == VCD_EINPUT && m == NULL);
    /* Config and weights disagree on the width. */
    write_file(dir, "model.safetensors", w.data, w.len);
    const char *narrow = "{\"model_type\":\"bert\",\"vocab_size\":8000,\"hidden_size\":32,"
                         "\"num_hidden_layers\":2,\"num_attention_heads\":4,"
                         "\"intermediate_size\":256,\"max_position_embeddings\":128}";
    write_file(dir, "config.json", narrow, strlen(narrow));
    CHECK(vcd_bert_open(dir, &m) == VCD_EINPUT && strstr(vcd_last_error(), "shape"));
    /* More layers in the config than in the file: a missing tensor. */
    const char *deep = "{\"vocab_size\":8000,\"hidden_size\":64,\"num_hidden_layers\":3,"
                       "\"num_attention_heads\":4,\"intermediate_size\":256,"
                       "\"max_position_embeddings\":128}";
    write_file(dir, "config.json", deep, strlen(deep));
    CHECK(vcd_bert_open(dir, &m) == VCD_EINPUT && strstr(vcd_last_error(), "missing tensor"));
    /* Fewer layers: an unexpected tensor. */
    const char *shallow = "{\"vocab_size\":8000,\"hidden_size\":64,\"num_hidden_layers\":1,"
                          "\"num_attention_heads\":4,\"intermediate_size\":256,"
                          "\"max_position_embeddings\":128}";
    write_file(dir, "config.json", shallow, strlen(shallow));
    CHECK(vcd_bert_open(dir, &m) == VCD_EINPUT && strstr(vcd_last_error(), "unexpected tensor"));
    /* Heads that do not divide the width, negative sizes, other model types. */
    const char *bad[] = {
        "{\"vocab_size\":8000,\"hidden_size\":64,\"num_hidden_layers\":2,"
        "\"num_attention_heads\":5,\"intermediate_size\":256}",
        "{\"vocab_size\":-1,\"hidden_size\":64,\"num_hidden_layers\":2,"
        "\"num_attention_heads\":4,\"intermediate_size\":256}",
        "{\"model_type\":\"roberta\",\"vocab_size\":8000,\"hidden_size\":64,"
        "\"num_hidden_layers\":2,\"num_attention_heads\":4,\"intermediate_size\":256}",
        "{\"vocab_size\":8000,\"hidden_size\":64,\"num_hidden_layers\":2,\"num_attention_heads\":4,"
        "\"intermediate_size\":256,\"id2label\":{\"0\":\"O\",\"5\":\"B-x\"}}",
        "[1,2,3]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        vcd_bert_config c;
        CHECK(vcd_bert_config_parse("config.json", bad[i], strlen(bad[i]), &c) == VCD_EINPUT);
    }
    /* The real config with a wrong label count for the classifier. */
    const char *labels3 = "{\"vocab_size\":8000,\"hidden_size\":64,\"num_hidden_layers\":2,"
                          "\"num_attention_heads\":4,\"intermediate_size\":256,"
                          "\"max_position_embeddings\":128,"
                          "\"id2label\":{\"0\":\"O\",\"1\":\"B-a\",\"2\":\"I-a\"}}";
    write_file(dir, "config.json", labels3, strlen(labels3));
    CHECK(vcd_bert_open(dir, &m) == VCD_EINPUT && strstr(vcd_last_error(), "labels"));
    vcd_unmap_file(&cfg);
    vcd_unmap_file(&w);
    vcd_remove_tree(dir);
}

/* Saving and reopening gives the same network (F32 exactly, F16 to its
 * precision); a fresh model from the same seed is the same bytes. */
static void check_save_roundtrip(void)
{
    vcd_bert *m;
    CHECK(vcd_bert_open(test_shared_path("fixtures/bert_tiny"), &m) == VCD_OK);
    char dir[] = "/tmp/vcd_bert_save_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char f32[4200], f16[4200];
    snprintf(f32, sizeof f32, "%s/f32", dir);
    snprintf(f16, sizeof f16, "%s/f16", dir);
    CHECK(vcd_bert_save(m, f32, 0) == VCD_OK);
    CHECK(vcd_bert_save(m, f16, 1) == VCD_OK);
    vcd_bert *a, *b;
    CHECK(vcd_bert_open(f32, &a) == VCD_OK);
    CHECK(vcd_bert_open(f16, &b) == VCD_OK);
    for (size_t i = 0; a && b && i < vcd_bert_tensor_count(m); i++) {
        const char *name = vcd_bert_tensor_name(m, i);
        size_t n;
        const float *x = vcd_bert_param(m, name, &n), *y = vcd_bert_param(a, name, NULL),
                    *z = vcd_bert_param(b, name, NULL);
        int same = 1, close = 1;
        for (size_t k = 0; k < n; k++) {
            same &= x[k] == y[k];
            /* F16 rounds to nearest: half an ulp, 2^-11 relative (2^-25 for subnormals). */
            close &= fabsf(x[k] - z[k]) <= fmaxf(fabsf(x[k]) * 0x1p-11f, 0x1p-25f);
        }
        CHECK_MSG(same && close, "%s", name);
    }
    CHECK(a && strcmp(vcd_bert_get_config(a)->labels[12], "I-product") == 0);
    vcd_bert_free(a);
    vcd_bert_free(b);

    /* Random initialisation: deterministic, HF-shaped statistics. */
    const char *labels[] = {"O", "B-person", "I-person"};
    vcd_bert *r1, *r2;
    CHECK(vcd_bert_new_random(f32, labels, 3, 7, &r1) == VCD_OK);
    CHECK(vcd_bert_new_random(f32, labels, 3, 7, &r2) == VCD_OK);
    size_t n;
    const float *w1 = vcd_bert_param(r1, "bert.encoder.layer.0.attention.self.query.weight", &n);
    const float *w2 = vcd_bert_param(r2, "bert.encoder.layer.0.attention.self.query.weight", NULL);
    double ss = 0;
    for (size_t k = 0; k < n; k++)
        ss += (double)w1[k] * w1[k];
    CHECK(memcmp(w1, w2, n * sizeof *w1) == 0);
    CHECK_NEAR(sqrt(ss / (double)n), 0.02, 0.002);
    const float *g = vcd_bert_param(r1, "bert.embeddings.LayerNorm.weight", &n);
    CHECK(g && g[0] == 1.0f && g[n - 1] == 1.0f);
    const float *pad = vcd_bert_param(r1, "bert.embeddings.word_embeddings.weight", NULL);
    CHECK(pad[0] == 0.0f && pad[63] == 0.0f); /* [PAD] row */
    CHECK(vcd_bert_get_config(r1)->num_labels == 3);
    vcd_bert_free(r1);
    vcd_bert_free(r2);
    vcd_bert_free(m);
    vcd_remove_tree(dir);
}

/* The tagger turns labels into mentions: a classifier forced to one label
 * shows the span mapping (B- on every word: one mention per word; I- on
 * every word: one mention over the whole comment, as conlleval reads it). */
static void check_tagger_spans(void)
{
    char dir[] = "/tmp/vcd_bert_tag_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    const char *labels[] = {"O", "B-person", "I-person"};
    const char *text = "Taylor Swift sang in Zürich";
    vcd_corpus *c;
    CHECK(vcd_corpus_parse("t.txt", (const unsigned char *)text, strlen(text), NULL, &c) == VCD_OK);
    vcd_tokens toks = {0};
    vcd_tokenize(text, strlen(text), &toks);
    for (int forced = 1; forced <= 2; forced++) {
        vcd_bert *m;
        CHECK(vcd_bert_new_random(test_shared_path("fixtures/bert_tiny"), labels, 3, 1, &m) ==
              VCD_OK);
        vcd_bert_make_trainable(m);
        float *bias = vcd_bert_param_mut(m, "classifier.bias", NULL);
        bias[forced] = 100.0f;
        CHECK(vcd_bert_save(m, dir, 0) == VCD_OK);
        vcd_bert_free(m);
        vcd_tagger *t;
        CHECK(vcd_tagger_open("bert:/nonexistent", NULL, NULL, NULL, NULL, &t) == VCD_EINPUT);
        char spec[4200];
        snprintf(spec, sizeof spec, "bert:%s", dir);
        CHECK(vcd_tagger_open(spec, NULL, NULL, NULL, NULL, &t) == VCD_OK);
        vcd_mentions ms = {0};
        CHECK(vcd_tagger_tag_corpus(t, c, &ms, NULL, NULL) == VCD_OK);
        if (forced == 1) {
            CHECK(ms.n == toks.n);
            for (size_t i = 0; i < ms.n && i < toks.n; i++)
                CHECK(ms.items[i].start == toks.toks[i].cp_start &&
                      ms.items[i].end == toks.toks[i].cp_end && ms.items[i].type == VCD_TYPE_PER &&
                      ms.items[i].source == VCD_SRC_MODEL);
        } else {
            CHECK(ms.n == 1 && ms.items[0].start == 0 && ms.items[0].end == 27 &&
                  ms.items[0].byte_end == strlen(text) && ms.items[0].score > 0.99f);
        }
        vcd_mentions_free(&ms);
        vcd_tagger_free(t);
    }
    vcd_tokens_free(&toks);
    vcd_corpus_free(c);
    vcd_remove_tree(dir);
}

/* Writes `src`'s tensors under new names (rename() returns NULL to drop
 * one) plus optional extra F32 vectors, as a safetensors file. */
static void rewrite_safetensors(const vcd_safetensors *src, const char *path,
                                const char *(*rename)(const char *, char *), const char *extra)
{
    cJSON *h = cJSON_CreateObject();
    size_t at = 0;
    vcd_buf data = {0};
    char buf[256];
    for (size_t i = 0; i < vcd_safetensors_count(src); i++) {
        const vcd_tensor *t = vcd_safetensors_at(src, i);
        const char *name = rename(t->name, buf);
        if (!name) continue;
        cJSON *e = cJSON_AddObjectToObject(h, name);
        cJSON_AddStringToObject(e, "dtype", "F32");
        cJSON *shape = cJSON_AddArrayToObject(e, "shape");
        for (size_t d = 0; d < t->ndim; d++)
            cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)t->shape[d]));
        cJSON *off = cJSON_AddArrayToObject(e, "data_offsets");
        cJSON_AddItemToArray(off, cJSON_CreateNumber((double)at));
        cJSON_AddItemToArray(off, cJSON_CreateNumber((double)(at + t->count * 4)));
        vcd_buf_append(&data, t->data, t->count * 4);
        at += t->count * 4;
    }
    if (extra) {
        cJSON *e = cJSON_AddObjectToObject(h, extra);
        cJSON_AddStringToObject(e, "dtype", "F32");
        cJSON *shape = cJSON_AddArrayToObject(e, "shape");
        cJSON_AddItemToArray(shape, cJSON_CreateNumber(2));
        cJSON *off = cJSON_AddArrayToObject(e, "data_offsets");
        cJSON_AddItemToArray(off, cJSON_CreateNumber((double)at));
        cJSON_AddItemToArray(off, cJSON_CreateNumber((double)(at + 8)));
        float two[2] = {1, 2};
        vcd_buf_append(&data, two, 8);
    }
    char *text = cJSON_PrintUnformatted(h);
    size_t n = strlen(text), padded = (n + 7) & ~(size_t)7;
    FILE *f = fopen(path, "wb");
    uint64_t len = padded;
    fwrite(&len, 8, 1, f);
    fwrite(text, 1, n, f);
    for (size_t i = n; i < padded; i++)
        fputc(' ', f);
    fwrite(data.data, 1, data.len, f);
    fclose(f);
    cJSON_free(text);
    cJSON_Delete(h);
    vcd_buf_free(&data);
}

/* BertModel checkpoints name tensors without "bert." and have no classifier. */
static const char *as_bert_model(const char *name, char *buf)
{
    if (strncmp(name, "classifier.", 11) == 0) return NULL;
    snprintf(buf, 256, "%s", strncmp(name, "bert.", 5) == 0 ? name + 5 : name);
    return buf;
}

static void check_bert_model_layout(void)
{
    char dir[] = "/tmp/vcd_bert_model_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char p[4200];
    snprintf(p, sizeof p, "%s/vocab.txt", test_shared_path("fixtures/bert_tiny"));
    copy_file(p, dir, "vocab.txt");
    const char *cfg = "{\"model_type\":\"bert\",\"vocab_size\":8000,\"hidden_size\":64,"
                      "\"num_hidden_layers\":2,\"num_attention_heads\":4,"
                      "\"intermediate_size\":256,\"max_position_embeddings\":128}";
    write_file(dir, "config.json", cfg, strlen(cfg));
    vcd_safetensors *src;
    CHECK(vcd_safetensors_open(test_shared_path("fixtures/bert_tiny/model.safetensors"), &src) ==
          VCD_OK);
    snprintf(p, sizeof p, "%s/model.safetensors", dir);
    rewrite_safetensors(src, p, as_bert_model, "pooler.dense.bias");
    vcd_bert *m = NULL;
    CHECK(vcd_bert_open(dir, &m) == VCD_OK);
    CHECK(m && vcd_bert_get_config(m)->num_labels == 0);
    vcd_safetensors *out;
    CHECK(vcd_safetensors_open(test_shared_path("fixtures/bert_tiny_outputs.safetensors"), &out) ==
          VCD_OK);
    fixture_batch fb;
    load_batch(out, &fb);
    vcd_bert_run *run;
    CHECK(m && vcd_bert_run_new(m, fb.batch, fb.seq, 0, &run) == VCD_OK);
    vcd_bert_batch b = {fb.batch, fb.seq, fb.ids, fb.mask, fb.types};
    CHECK(vcd_bert_forward(m, run, &b) == VCD_OK);
    double e =
        max_abs_diff(vcd_bert_run_last_hidden(run), vcd_safetensors_find(out, "last_hidden_state"));
    CHECK_MSG(e <= 2e-6, "BertModel layout: last_hidden_state max diff %g", e);
    vcd_bert_run_free(run);
    vcd_bert_free(m);
    /* An unknown tensor is refused by name. */
    rewrite_safetensors(src, p, as_bert_model, "decoder.weird");
    CHECK(vcd_bert_open(dir, &m) == VCD_EINPUT && strstr(vcd_last_error(), "decoder.weird"));
    free_batch(&fb);
    vcd_safetensors_close(out);
    vcd_safetensors_close(src);
    vcd_remove_tree(dir);
}

int main(void)
{
    if (test_skip_if_missing(test_shared_path("fixtures/bert_tiny/model.safetensors")))
        return TEST_SKIP;
    check_forward("fixtures/bert_tiny", "fixtures/bert_tiny_outputs.safetensors",
                  "fixtures/bert_tiny_sentence_transformers.safetensors", 2e-6, 1);
    check_forward("fixtures/bert_mini384_f16", "fixtures/bert_mini384_f16_outputs.safetensors",
                  "fixtures/bert_mini384_f16_sentence_transformers.safetensors", 2e-6, 0);
    check_hostile_folders();
    check_save_roundtrip();
    check_tagger_spans();
    check_bert_model_layout();
    return test_finish();
}
