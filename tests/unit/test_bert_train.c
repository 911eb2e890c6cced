/* Fine-tuning against PyTorch: loss, every gradient, and the parameters after
 * 1 and 3 torch.optim.AdamW steps (bert_tiny_train_step.*); every backward
 * kernel against central finite differences in double-checked float. */
#include "finite_diff.h"
#include "test.h"
#include "test_bert_fixture.h"
#include "vcd/bert.h"
#include "vcd/fileio.h"
#include "vcd/nn.h"
#include "vcd/safetensors.h"

#include <cJSON.h>

/* ---- finite differences on the kernels ---- */

enum { R = 6, IN = 5, OUT = 4, S = 4, B = 2, HEADS = 2, HID = 4 };

typedef struct {
    float x[R * IN], w[OUT * IN], b[OUT], y[R * OUT], r[R * OUT];
    float g[IN], gb[IN], mean[R], rstd[R], ln_y[R * IN], ln_r[R * IN];
    float q[B * S * HID], k[B * S * HID], v[B * S * HID], ctx[B * S * HID],
        probs[B * HEADS * S * S], att_r[B * S * HID];
    uint8_t mask[B * S];
    float logits[R * OUT];
    int32_t labels[R];
} fd_ctx;

static double linear_loss(void *p)
{
    fd_ctx *c = p;
    nn_linear_forward(c->y, c->x, c->w, c->b, R, IN, OUT);
    return dot(c->y, c->r, R * OUT);
}

static double layernorm_loss(void *p)
{
    fd_ctx *c = p;
    nn_layernorm_forward(c->ln_y, c->mean, c->rstd, c->x, c->g, c->gb, R, IN, 1e-5f);
    return dot(c->ln_y, c->ln_r, R * IN);
}

static double gelu_loss(void *p)
{
    fd_ctx *c = p;
    nn_gelu_forward(c->ln_y, c->x, R * IN);
    return dot(c->ln_y, c->ln_r, R * IN);
}

static double attention_loss(void *p)
{
    fd_ctx *c = p;
    nn_attention_forward(c->ctx, c->probs, c->q, c->k, c->v, c->mask, B, S, HEADS, HID);
    return dot(c->ctx, c->att_r, B * S * HID);
}

static double ce_loss(void *p)
{
    fd_ctx *c = p;
    return nn_cross_entropy(NULL, c->logits, c->labels, R, OUT, NULL);
}

static void check_kernels_fd(void)
{
    static fd_ctx c;
    unsigned s = 7;
    fill(c.x, R * IN, &s);
    fill(c.w, OUT * IN, &s);
    fill(c.b, OUT, &s);
    fill(c.r, R * OUT, &s);
    fill(c.g, IN, &s);
    fill(c.gb, IN, &s);
    fill(c.ln_r, R * IN, &s);

    float dx[R * IN], dw[OUT * IN] = {0}, db[OUT] = {0};
    linear_loss(&c);
    nn_linear_backward(dx, dw, db, c.r, c.x, c.w, R, IN, OUT);
    check_fd("linear dx", linear_loss, &c, c.x, dx, R * IN, 24);
    check_fd("linear dw", linear_loss, &c, c.w, dw, OUT * IN, 24);
    check_fd("linear db", linear_loss, &c, c.b, db, OUT, 24);

    float dg[IN] = {0}, dgb[IN] = {0};
    layernorm_loss(&c);
    nn_layernorm_backward(dx, dg, dgb, c.ln_r, c.x, c.mean, c.rstd, c.g, R, IN);
    check_fd("layernorm dx", layernorm_loss, &c, c.x, dx, R * IN, 24);
    check_fd("layernorm dg", layernorm_loss, &c, c.g, dg, IN, 24);
    check_fd("layernorm db", layernorm_loss, &c, c.gb, dgb, IN, 24);

    nn_gelu_backward(dx, c.ln_r, c.x, R * IN);
    check_fd("gelu dx", gelu_loss, &c, c.x, dx, R * IN, 24);

    fill(c.q, B * S * HID, &s);
    fill(c.k, B * S * HID, &s);
    fill(c.v, B * S * HID, &s);
    fill(c.att_r, B * S * HID, &s);
    for (size_t i = 0; i < B * S; i++)
        c.mask[i] = !(i == S - 1); /* the first sequence has one padded key */
    float dq[B * S * HID], dk[B * S * HID], dv[B * S * HID], scratch[S * S];
    attention_loss(&c);
    nn_attention_backward(dq, dk, dv, c.att_r, c.probs, c.q, c.k, c.v, B, S, HEADS, HID, scratch);
    check_fd("attention dq", attention_loss, &c, c.q, dq, B * S * HID, 24);
    check_fd("attention dk", attention_loss, &c, c.k, dk, B * S * HID, 24);
    check_fd("attention dv", attention_loss, &c, c.v, dv, B * S * HID, 24);
    /* A padded key gets no gradient and no probability. */
    CHECK(c.probs[S - 1] == 0.0f && dk[(S - 1) * HID] == 0.0f);

    fill(c.logits, R * OUT, &s);
    for (int i = 0; i < R; i++)
        c.labels[i] = i == 2 ? -100 : i % OUT;
    float dl[R * OUT];
    size_t count;
    nn_cross_entropy(dl, c.logits, c.labels, R, OUT, &count);
    CHECK(count == R - 1);
    check_fd("cross-entropy", ce_loss, &c, c.logits, dl, R * OUT, 24);
}

/* ---- the PyTorch training step ---- */

/* Worst |ours - torch| over every tensor stored under `prefix`. */
static double worst_over(const vcd_bert *m, const vcd_safetensors *ref, const char *prefix,
                         int grads, size_t *compared)
{
    double worst = 0;
    *compared = 0;
    for (size_t i = 0; i < vcd_bert_tensor_count(m); i++) {
        const char *name = vcd_bert_tensor_name(m, i);
        char key[160];
        snprintf(key, sizeof key, "%s%s", prefix, name);
        const vcd_tensor *t = vcd_safetensors_find(ref, key);
        size_t n = 0;
        const float *ours = grads ? vcd_bert_grad(m, name, &n) : vcd_bert_param(m, name, &n);
        if (!t || !ours || t->count != n) {
            worst = INFINITY;
            continue;
        }
        float *want = vcd_tensor_to_f32(t);
        for (size_t k = 0; k < n; k++) {
            double d = fabs((double)ours[k] - want[k]);
            if (!(d <= worst)) worst = d;
        }
        free(want);
        (*compared)++;
    }
    return worst;
}

static void check_train_step(void)
{
    vcd_bert *m;
    CHECK(vcd_bert_open(test_shared_path("fixtures/bert_tiny"), &m) == VCD_OK);
    vcd_safetensors *ref;
    CHECK(vcd_safetensors_open(test_shared_path("fixtures/bert_tiny_train_step.safetensors"),
                               &ref) == VCD_OK);
    vcd_mapped_file jf;
    CHECK(vcd_map_file(test_shared_path("fixtures/bert_tiny_train_step.json"), &jf) == VCD_OK);
    cJSON *j = cJSON_ParseWithLength((const char *)jf.data, jf.len);
    const cJSON *losses = cJSON_GetObjectItem(j, "losses_before_steps_1_2_3");

    fixture_batch fb;
    load_batch(ref, &fb);
    size_t batch = fb.batch, seq = fb.seq;
    int32_t *labels = tensor_i32(vcd_safetensors_find(ref, "labels"));

    vcd_bert_make_trainable(m);
    vcd_bert_run *run;
    CHECK(vcd_bert_run_new(m, batch, seq, 1, &run) == VCD_OK);
    vcd_bert_batch b = {batch, seq, fb.ids, fb.mask, fb.types};
    vcd_bert_adamw opt = {1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 1};
    for (int step = 1; step <= 3; step++) {
        vcd_bert_zero_grad(m);
        CHECK(vcd_bert_forward(m, run, &b) == VCD_OK);
        double loss = vcd_bert_backward(m, run, &b, labels);
        double want = cJSON_GetArrayItem(losses, step - 1)->valuedouble;
        CHECK_MSG(fabs(loss - want) <= 5e-7, "step %d loss %.8f vs %.8f", step, loss, want);
        size_t n;
        if (step == 1) {
            double e = worst_over(m, ref, "grad.", 1, &n);
            CHECK_MSG(e <= 5e-7 && n == vcd_bert_tensor_count(m), "gradients: max diff %g", e);
        }
        vcd_bert_adamw_step(m, &opt, opt.lr);
        if (step == 1 || step == 3) {
            double e = worst_over(m, ref, step == 1 ? "step1." : "step3.", 0, &n);
            CHECK_MSG(e <= 1e-6 && n == vcd_bert_tensor_count(m), "params after step %d: %g", step,
                      e);
        }
    }
    vcd_bert_run_free(run);
    free_batch(&fb);
    free(labels);
    cJSON_Delete(j);
    vcd_unmap_file(&jf);
    vcd_safetensors_close(ref);
    vcd_bert_free(m);
}

int main(void)
{
    check_kernels_fd();
    if (test_skip_if_missing(test_shared_path("fixtures/bert_tiny_train_step.safetensors"))) {
        /* the checks that need no fixture still decide pass or fail */
        return test_finish() ? 1 : TEST_SKIP;
    }
    check_train_step();
    return test_finish();
}
