/* `train-ner`: fine-tuning a BERT token classifier on CoNLL data.
 * Labels sit on the first sub-token of each word (-100 elsewhere), the loss
 * is their mean cross-entropy, gradients are clipped to a global norm,
 * AdamW follows torch.optim.AdamW with Hugging Face Trainer's choices (no
 * decay on biases and LayerNorm, linear warm-up then linear decay), and the
 * dev set is scored with the project's conlleval scorer after every epoch. */
#include "vcd/bert_ner.h"
#include "vcd/fileio.h"
#include "vcd/strmap.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void vcd_train_ner_options_default(vcd_train_ner_options *o)
{
    memset(o, 0, sizeof *o);
    o->epochs = 3;
    o->batch = 8;
    o->max_seq = 128;
    o->lr = 2e-5f;
    o->weight_decay = 0.01f;
    o->warmup_ratio = 0.0f;
    o->max_grad_norm = 1.0f;
    o->linear_schedule = 1;
    o->seed = 42;
}

void vcd_train_ner_report_free(vcd_train_ner_report *r)
{
    free(r->epoch_loss);
    free(r->epoch_f1);
    memset(r, 0, sizeof *r);
}

/* ---- the data ---- */

typedef struct {
    vcd_conll *files;
    size_t n_files;
    /* sentences across files */
    const vcd_conll_token **tokens;
    size_t *lens;
    size_t n;
} ner_data;

static vcd_status data_load(ner_data *d, const char *first, const char *const *more, size_t n_more,
                            size_t limit)
{
    d->n_files = 1 + n_more;
    d->files = vcd_xcalloc(d->n_files, sizeof *d->files);
    size_t total = 0;
    for (size_t f = 0; f < d->n_files; f++) {
        vcd_status rc = vcd_conll_load_tagged(f == 0 ? first : more[f - 1], &d->files[f]);
        if (rc) return rc;
        total += d->files[f].n_sentences;
    }
    d->tokens = vcd_xcalloc(total ? total : 1, sizeof *d->tokens);
    d->lens = vcd_xcalloc(total ? total : 1, sizeof *d->lens);
    for (size_t f = 0; f < d->n_files; f++) {
        const vcd_conll *c = &d->files[f];
        size_t take = c->n_sentences;
        if (f == 0 && limit && limit < take) take = limit;
        for (size_t s = 0; s < take; s++) {
            d->tokens[d->n] = c->tokens + c->sentence_start[s];
            d->lens[d->n] = c->sentence_start[s + 1] - c->sentence_start[s];
            d->n++;
        }
    }
    return VCD_OK;
}

static void data_free(ner_data *d)
{
    for (size_t f = 0; f < d->n_files; f++)
        vcd_conll_free(&d->files[f]);
    free(d->files);
    free(d->tokens);
    free(d->lens);
}

static int tag_cmp(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    /* Group by type (after the "B-"/"I-" prefix), then by prefix. */
    const char *tx = strchr(x, '-'), *ty = strchr(y, '-');
    int c = strcmp(tx ? tx + 1 : x, ty ? ty + 1 : y);
    return c ? c : strcmp(x, y);
}

/* "O" first, then every other tag grouped by type: B-x, I-x, ... */
static char **collect_labels(const ner_data *d, size_t *n_out)
{
    vcd_strmap *seen = vcd_strmap_new();
    char **labels = NULL;
    size_t n = 0, cap = 0;
    for (size_t s = 0; s < d->n; s++) {
        for (size_t t = 0; t < d->lens[s]; t++) {
            const char *tag = d->tokens[s][t].tag ? d->tokens[s][t].tag : "O";
            int inserted;
            vcd_strmap_upsert(seen, tag, strlen(tag), 0, &inserted);
            if (!inserted || strcmp(tag, "O") == 0) continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                labels = vcd_xrealloc(labels, (cap + 1) * sizeof *labels);
            }
            labels[n++] = vcd_xstrdup(tag);
        }
    }
    vcd_strmap_free(seen);
    if (n) qsort(labels, n, sizeof *labels, tag_cmp);
    char **out = vcd_xmalloc((n + 1) * sizeof *out);
    out[0] = vcd_xstrdup("O");
    for (size_t i = 0; i < n; i++)
        out[i + 1] = labels[i];
    free(labels);
    *n_out = n + 1;
    return out;
}

/* Encoded training sentences: ids and per-position labels, concatenated. */
typedef struct {
    int32_t *ids, *labels;
    size_t *start, *len;
    size_t n, words;
} encoded_set;

static int32_t label_id(vcd_strmap *index, const char *tag)
{
    size_t id = vcd_strmap_get(index, tag, strlen(tag), (size_t)-1);
    return id == (size_t)-1 ? -100 : (int32_t)id;
}

static void encode_set(vcd_bert *m, const ner_data *d, size_t max_seq, encoded_set *e)
{
    const vcd_bert_config *c = vcd_bert_get_config(m);
    vcd_strmap *index = vcd_strmap_new();
    for (size_t i = 0; i < c->num_labels; i++)
        vcd_strmap_upsert(index, c->labels[i], strlen(c->labels[i]), i, NULL);
    e->n = d->n;
    e->start = vcd_xcalloc(d->n + 1, sizeof *e->start);
    e->len = vcd_xcalloc(d->n + 1, sizeof *e->len);
    e->ids = vcd_xmalloc((d->n * max_seq + 1) * sizeof *e->ids);
    e->labels = vcd_xmalloc((d->n * max_seq + 1) * sizeof *e->labels);
    const char **words = NULL;
    size_t *lens = NULL, cap = 0;
    int32_t *first = NULL;
    vcd_wp_tokens scratch = {0};
    size_t at = 0;
    for (size_t s = 0; s < d->n; s++) {
        size_t n = d->lens[s];
        if (n > cap) {
            cap = n;
            words = vcd_xrealloc(words, cap * sizeof *words);
            lens = vcd_xrealloc(lens, cap * sizeof *lens);
            first = vcd_xrealloc(first, cap * sizeof *first);
        }
        for (size_t w = 0; w < n; w++) {
            words[w] = d->tokens[s][w].token;
            lens[w] = strlen(words[w]);
        }
        vcd_word_seq seq = {words, lens, n};
        size_t len = vcd_bert_encode_words(vcd_bert_tokenizer(m), &seq, max_seq, e->ids + at, first,
                                           &scratch);
        for (size_t p = 0; p < len; p++)
            e->labels[at + p] = -100;
        for (size_t w = 0; w < n; w++) {
            if (first[w] < 0) continue;
            const char *tag = d->tokens[s][w].tag ? d->tokens[s][w].tag : "O";
            e->labels[at + (size_t)first[w]] = label_id(index, tag);
        }
        e->start[s] = at;
        e->len[s] = len;
        e->words += n;
        at += len;
    }
    free(words);
    free(lens);
    free(first);
    vcd_wp_tokens_free(&scratch);
    vcd_strmap_free(index);
}

static void encoded_free(encoded_set *e)
{
    free(e->ids);
    free(e->labels);
    free(e->start);
    free(e->len);
}

/* ---- dev scoring ---- */

static vcd_status score_dev(vcd_bert_labeler *lab, const vcd_conll *dev, vcd_ner_score *score)
{
    const char **tags = vcd_xmalloc((dev->n_tokens + 1) * sizeof *tags);
    vcd_status rc = vcd_bert_tag_conll(lab, dev, tags);
    if (!rc) rc = vcd_ner_score_tags(dev, tags, score);
    free(tags);
    return rc;
}

/* ---- training ---- */

typedef struct {
    const vcd_train_ner_options *o;
    vcd_bert *m;
    vcd_bert_run *run;
    encoded_set train;
    size_t *order;
    int32_t *ids, *labels;
    uint8_t *mask;
    size_t total_steps, step;
    int32_t pad; /* the tokenizer's [PAD] id (0 without one) */
    vcd_rng rng;
} trainer;

static float scheduled_lr(const trainer *t)
{
    const vcd_train_ner_options *o = t->o;
    size_t warm = (size_t)(o->warmup_ratio * (float)t->total_steps + 0.5f);
    if (t->step < warm) return o->lr * (float)t->step / (float)warm;
    if (!o->linear_schedule) return o->lr;
    double left = (double)(t->total_steps - t->step) / (double)(t->total_steps - warm);
    return (float)(o->lr * (left > 0 ? left : 0));
}

/* One optimisation step on sentences order[from, to). */
static double train_step(trainer *t, size_t from, size_t to)
{
    const encoded_set *e = &t->train;
    size_t rows = to - from, seq = 0;
    for (size_t r = 0; r < rows; r++)
        if (e->len[t->order[from + r]] > seq) seq = e->len[t->order[from + r]];
    for (size_t r = 0; r < rows; r++) {
        size_t s = t->order[from + r], len = e->len[s];
        for (size_t p = 0; p < seq; p++) {
            int real = p < len;
            t->ids[r * seq + p] = real ? e->ids[e->start[s] + p] : t->pad;
            t->labels[r * seq + p] = real ? e->labels[e->start[s] + p] : -100;
            t->mask[r * seq + p] = (uint8_t)real;
        }
    }
    vcd_bert_batch b = {rows, seq, t->ids, t->mask, NULL};
    vcd_bert_zero_grad(t->m);
    if (vcd_bert_forward(t->m, t->run, &b)) return -1;
    double loss = vcd_bert_backward(t->m, t->run, &b, t->labels);
    vcd_bert_clip_grad_norm(t->m, t->o->max_grad_norm);
    vcd_bert_adamw opt = {t->o->lr, 0.9f, 0.999f, 1e-8f, t->o->weight_decay, 0};
    vcd_bert_adamw_step(t->m, &opt, scheduled_lr(t));
    t->step++;
    return loss;
}

static double run_epoch(trainer *t)
{
    const vcd_train_ner_options *o = t->o;
    size_t n = t->train.n;
    vcd_rng_shuffle(t->order, n, &t->rng);
    double sum = 0;
    size_t batches = 0;
    for (size_t from = 0; from < n; from += o->batch) {
        size_t to = from + o->batch < n ? from + o->batch : n;
        sum += train_step(t, from, to);
        batches++;
        if (o->progress) o->progress(o->progress_ctx, "train", to, n);
    }
    return batches ? sum / (double)batches : 0;
}

static vcd_status open_model(const vcd_train_ner_options *o, char **labels, size_t n,
                             vcd_bert **out)
{
    if (o->init_random)
        return vcd_bert_new_random(o->model_dir, (const char *const *)labels, n, o->seed, out);
    vcd_status rc = vcd_bert_open(o->model_dir, out);
    if (rc) return rc;
    const vcd_bert_config *c = vcd_bert_get_config(*out);
    int same = c->num_labels == n;
    for (size_t i = 0; same && i < n; i++)
        same = strcmp(c->labels[i], labels[i]) == 0;
    if (!same) vcd_bert_reset_classifier(*out, (const char *const *)labels, n, o->seed);
    return VCD_OK;
}

static vcd_status check_options(const vcd_train_ner_options *o)
{
    if (o->epochs < 1 || o->epochs > 1000)
        return vcd_fail(VCD_EINPUT, "train-ner: --epochs 1..1000");
    if (o->batch < 1 || o->batch > 1024) return vcd_fail(VCD_EINPUT, "train-ner: --batch 1..1024");
    if (o->max_seq < 8 || o->max_seq > 4096)
        return vcd_fail(VCD_EINPUT, "train-ner: --max-seq 8..4096");
    if (!(o->lr > 0 && o->lr < 1)) return vcd_fail(VCD_EINPUT, "train-ner: --lr must be in (0, 1)");
    if (!(o->weight_decay >= 0 && o->weight_decay < 1))
        return vcd_fail(VCD_EINPUT, "train-ner: --weight-decay must be in [0, 1)");
    if (!(o->warmup_ratio >= 0 && o->warmup_ratio < 1))
        return vcd_fail(VCD_EINPUT, "train-ner: --warmup must be in [0, 1)");
    if (!(o->max_grad_norm >= 0)) return vcd_fail(VCD_EINPUT, "train-ner: --clip must be >= 0");
    return VCD_OK;
}

static vcd_status write_log(const vcd_train_ner_options *o, const vcd_train_ner_report *r,
                            const vcd_bert *m)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "schema", "vcdiscover.train-ner/1");
    cJSON_AddStringToObject(j, "architecture", "bert");
    cJSON_AddStringToObject(j, "train", o->train_path);
    if (o->dev_path) cJSON_AddStringToObject(j, "dev", o->dev_path);
    cJSON_AddStringToObject(j, "init", o->init_random ? "random" : o->model_dir);
    cJSON_AddNumberToObject(j, "epochs", (double)o->epochs);
    cJSON_AddNumberToObject(j, "batch", (double)o->batch);
    cJSON_AddNumberToObject(j, "lr", o->lr);
    cJSON_AddNumberToObject(j, "weight_decay", o->weight_decay);
    cJSON_AddNumberToObject(j, "warmup_ratio", o->warmup_ratio);
    cJSON_AddNumberToObject(j, "max_grad_norm", o->max_grad_norm);
    cJSON_AddNumberToObject(j, "max_seq", (double)o->max_seq);
    cJSON_AddNumberToObject(j, "seed", (double)o->seed);
    cJSON_AddNumberToObject(j, "parameters", (double)vcd_bert_param_count(m));
    cJSON_AddNumberToObject(j, "train_sentences", (double)r->train_sentences);
    cJSON_AddNumberToObject(j, "steps", (double)r->steps);
    cJSON_AddNumberToObject(j, "best_epoch", (double)r->best_epoch);
    cJSON_AddNumberToObject(j, "best_dev_f1", r->best_f1 * 100);
    cJSON *ep = cJSON_AddArrayToObject(j, "per_epoch");
    for (size_t i = 0; i < r->epochs_run; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "epoch", (double)(i + 1));
        cJSON_AddNumberToObject(e, "train_loss", r->epoch_loss[i]);
        if (o->dev_path) cJSON_AddNumberToObject(e, "dev_f1", r->epoch_f1[i] * 100);
        cJSON_AddItemToArray(ep, e);
    }
    char *text = cJSON_Print(j);
    cJSON_Delete(j);
    char *path = vcd_path_join(o->out_dir, "train_log.json");
    vcd_status rc = vcd_write_file_atomic(path, text, strlen(text));
    free(path);
    cJSON_free(text);
    return rc;
}

static vcd_status train_epochs(trainer *t, const vcd_conll *dev, vcd_train_ner_report *r)
{
    const vcd_train_ner_options *o = t->o;
    vcd_bert_labeler *lab = NULL;
    vcd_status rc = dev ? vcd_bert_labeler_new(t->m, 32, o->max_seq, &lab) : VCD_OK;
    r->epoch_loss = vcd_xcalloc(o->epochs, sizeof(double));
    r->epoch_f1 = vcd_xcalloc(o->epochs, sizeof(double));
    r->best_f1 = -1;
    for (size_t ep = 0; ep < o->epochs && !rc; ep++) {
        r->epoch_loss[ep] = run_epoch(t);
        r->epochs_run = ep + 1;
        double f1 = 0, p = 0, rec = 0;
        if (dev) {
            vcd_ner_score s;
            if ((rc = score_dev(lab, dev, &s))) break;
            vcd_prf(s.tp, s.fp, s.fn, &p, &rec, &f1);
            vcd_ner_score_free(&s);
        }
        r->epoch_f1[ep] = f1;
        if (!dev || f1 > r->best_f1) {
            r->best_f1 = f1;
            r->best_precision = p;
            r->best_recall = rec;
            r->best_epoch = ep + 1;
            rc = vcd_bert_save(t->m, o->out_dir, o->f16);
        }
    }
    vcd_bert_labeler_free(lab);
    return rc;
}

vcd_status vcd_train_ner(const vcd_train_ner_options *o, vcd_train_ner_report *r)
{
    memset(r, 0, sizeof *r);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    vcd_status rc = check_options(o);
    if (rc) return rc;
    ner_data data = {0};
    vcd_conll dev = {0};
    trainer t = {.o = o};
    rc = data_load(&data, o->train_path, o->extra_train, o->n_extra_train, o->max_train_sentences);
    if (!rc && data.n == 0) rc = vcd_fail(VCD_EINPUT, "%s: no sentences", o->train_path);
    if (!rc && o->dev_path) rc = vcd_conll_load_tagged(o->dev_path, &dev);
    size_t n_labels = 0;
    char **labels = rc ? NULL : collect_labels(&data, &n_labels);
    if (!rc) rc = open_model(o, labels, n_labels, &t.m);
    if (!rc) rc = vcd_ensure_dir(o->out_dir);
    if (!rc) {
        vcd_bert_make_trainable(t.m);
        encode_set(t.m, &data, o->max_seq, &t.train);
        rc = vcd_bert_run_new(t.m, o->batch, o->max_seq, 1, &t.run);
    }
    if (!rc) {
        t.order = vcd_xmalloc(t.train.n * sizeof *t.order);
        for (size_t i = 0; i < t.train.n; i++)
            t.order[i] = i;
        t.ids = vcd_xmalloc(o->batch * o->max_seq * sizeof *t.ids);
        t.labels = vcd_xmalloc(o->batch * o->max_seq * sizeof *t.labels);
        t.mask = vcd_xmalloc(o->batch * o->max_seq);
        t.total_steps = o->epochs * ((t.train.n + o->batch - 1) / o->batch);
        vcd_rng_seed(&t.rng, o->seed);
        int32_t pad = vcd_wordpiece_special_ids(vcd_bert_tokenizer(t.m))->pad;
        t.pad = pad >= 0 ? pad : 0;
        r->train_sentences = t.train.n;
        r->train_words = t.train.words;
        rc = train_epochs(&t, o->dev_path ? &dev : NULL, r);
        r->steps = t.step;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    if (!rc) rc = write_log(o, r, t.m);
    for (size_t i = 0; labels && i < n_labels; i++)
        free(labels[i]);
    free(labels);
    free(t.order);
    free(t.ids);
    free(t.labels);
    free(t.mask);
    encoded_free(&t.train);
    vcd_bert_run_free(t.run);
    vcd_bert_free(t.m);
    if (o->dev_path) vcd_conll_free(&dev);
    data_free(&data);
    return rc;
}
