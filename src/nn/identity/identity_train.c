/* Training the identity encoder the Sentence-BERT way: each step takes
 * `batch` groups, an anchor and a positive alias of each, and `hard` hard
 * negatives per anchor (aliases of the same-type groups whose canonical
 * names share the most character trigrams: Finland/Poland, Kelly
 * Clarkson/Kelly Rowland); every other column is an in-batch negative of
 * the multiple-negatives ranking loss. A deterministic 5% of the groups is
 * held out and scored after every epoch. */
#include "identity_train_internal.h"
#include "vcd/nn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HARD_K 8 /* hard-negative candidates kept per group */
#define TRIGRAM_BUCKETS (1u << 20)
#define POSTING_CAP 1500 /* trigrams shared by more groups say nothing */
#define HELDOUT_MOD 20   /* 1 in 20 groups = 5% */
#define CLIP 5.0

void vcd_identity_train_options_default(vcd_identity_train_options *o)
{
    memset(o, 0, sizeof *o);
    o->epochs = 30;
    o->batch = 128;
    o->dim = 96;
    o->hidden = 256;
    o->emb = 64;
    o->buckets = 28672;
    o->hard = 2;
    o->lr = 1e-2f;
    o->scale = 20.0f;
    o->symmetric = 1;
    o->seed = 42;
    o->f16 = 1;
}

/* The usable groups (>= 2 aliases), their aliases' features precomputed. */
typedef struct {
    size_t n;          /* usable groups */
    size_t *src;       /* usable -> input group */
    size_t *alias_off; /* CSR usable group -> alias rows */
    size_t n_alias;
    size_t *feat_off; /* alias row -> ids range */
    size_t *n_char;
    int32_t *ids;
    float *wts;
    float *dense; /* alias row x (vec_dim + IDM_SHAPE) */
    uint8_t *heldout;
    size_t *type_id;
    size_t *cand; /* n x HARD_K, (size_t)-1 = none */
} train_set;

static void train_set_free(train_set *t)
{
    free(t->src);
    free(t->alias_off);
    free(t->feat_off);
    free(t->n_char);
    free(t->ids);
    free(t->wts);
    free(t->dense);
    free(t->heldout);
    free(t->type_id);
    free(t->cand);
}

static void build_set(const vcd_alias_groups *g, const idm_config *c, const vcd_vectors *v,
                      train_set *t, char ***alias_text)
{
    size_t G = g->n_groups, *count = vcd_xcalloc(G, sizeof *count);
    for (size_t a = 0; a < g->n_alias; a++)
        count[g->alias_group[a]]++;
    size_t *usable = vcd_xmalloc(G * sizeof *usable);
    t->src = vcd_xmalloc((G ? G : 1) * sizeof *t->src);
    t->n = 0;
    for (size_t i = 0; i < G; i++) {
        usable[i] = (size_t)-1;
        if (count[i] < 2) continue;
        usable[i] = t->n;
        t->src[t->n++] = i;
    }
    t->alias_off = vcd_xcalloc(t->n + 1, sizeof *t->alias_off);
    for (size_t i = 0; i < G; i++)
        if (usable[i] != (size_t)-1) t->alias_off[usable[i] + 1] = count[i];
    for (size_t i = 0; i < t->n; i++)
        t->alias_off[i + 1] += t->alias_off[i];
    t->n_alias = t->alias_off[t->n];
    *alias_text = vcd_xmalloc((t->n_alias ? t->n_alias : 1) * sizeof **alias_text);
    size_t *fill = vcd_xcalloc(t->n + 1, sizeof *fill);
    for (size_t a = 0; a < g->n_alias; a++) {
        size_t u = usable[g->alias_group[a]];
        if (u != (size_t)-1) (*alias_text)[t->alias_off[u] + fill[u]++] = g->alias[a];
    }
    free(fill);
    free(count);
    free(usable);
    /* features */
    size_t Dn = c->vec_dim + IDM_SHAPE, cap = 0;
    t->feat_off = vcd_xcalloc(t->n_alias + 1, sizeof *t->feat_off);
    t->n_char = vcd_xcalloc(t->n_alias + 1, sizeof *t->n_char);
    t->dense = vcd_xcalloc((t->n_alias + 1) * Dn, sizeof *t->dense);
    t->ids = NULL, t->wts = NULL;
    idm_feats f = {0};
    for (size_t a = 0; a < t->n_alias; a++) {
        const char *s = (*alias_text)[a];
        idm_features(c, v, s, strlen(s), &f, t->dense + a * Dn);
        size_t at = t->feat_off[a];
        if (at + f.n > cap) {
            cap = 2 * (at + f.n) + 1024;
            t->ids = vcd_xrealloc(t->ids, cap * sizeof *t->ids);
            t->wts = vcd_xrealloc(t->wts, cap * sizeof *t->wts);
        }
        memcpy(t->ids + at, f.ids, f.n * sizeof *f.ids);
        memcpy(t->wts + at, f.wts, f.n * sizeof *f.wts);
        t->n_char[a] = f.n_char;
        t->feat_off[a + 1] = at + f.n;
    }
    idm_feats_free(&f);
    t->heldout = vcd_xcalloc(t->n + 1, 1);
    t->type_id = vcd_xcalloc(t->n + 1, sizeof *t->type_id);
    vcd_strmap *types = vcd_strmap_new();
    for (size_t i = 0; i < t->n; i++) {
        const char *name = g->name[t->src[i]], *type = g->type[t->src[i]];
        t->heldout[i] = vcd_hash64(name, strlen(name), 0x686f6c64) % HELDOUT_MOD == 0;
        int ins;
        t->type_id[i] = *vcd_strmap_upsert(types, type, strlen(type), vcd_strmap_size(types), &ins);
    }
    vcd_strmap_free(types);
}

/* ---- hard negatives: trigram Dice on the canonical (first) alias ---- */

static size_t trigrams(const char *s, uint32_t *out, size_t cap, vcd_buf *key)
{
    vcd_match_key(s, strlen(s), key);
    char pad[260];
    size_t n = key->len < 256 ? key->len : 256, k = 0;
    pad[0] = '<';
    memcpy(pad + 1, key->data ? key->data : "", n);
    pad[n + 1] = '>';
    for (size_t i = 0; i + 3 <= n + 2 && k < cap; i++)
        out[k++] = (uint32_t)(vcd_hash64(pad + i, 3, 0x747269) % TRIGRAM_BUCKETS);
    return k;
}

static void find_candidates(train_set *t, char **alias_text)
{
    enum { TMAX = 258 };
    size_t N = t->n;
    uint32_t *tg = vcd_xmalloc((N * TMAX + 1) * sizeof *tg);
    size_t *tn = vcd_xcalloc(N + 1, sizeof *tn),
           *head = vcd_xcalloc(TRIGRAM_BUCKETS + 1, sizeof *head);
    vcd_buf key = {0};
    for (size_t i = 0; i < N; i++) {
        tn[i] = trigrams(alias_text[t->alias_off[i]], tg + i * TMAX, TMAX, &key);
        for (size_t k = 0; k < tn[i]; k++)
            head[tg[i * TMAX + k] + 1]++;
    }
    vcd_buf_free(&key);
    for (size_t b = 0; b < TRIGRAM_BUCKETS; b++)
        head[b + 1] += head[b];
    size_t *post = vcd_xmalloc((head[TRIGRAM_BUCKETS] + 1) * sizeof *post);
    size_t *fill = vcd_xcalloc(TRIGRAM_BUCKETS, sizeof *fill);
    for (size_t i = 0; i < N; i++)
        for (size_t k = 0; k < tn[i]; k++) {
            uint32_t b = tg[i * TMAX + k];
            post[head[b] + fill[b]++] = i;
        }
    free(fill);
    uint32_t *shared = vcd_xcalloc(N + 1, sizeof *shared);
    size_t *touched = vcd_xmalloc((N + 1) * sizeof *touched);
    t->cand = vcd_xmalloc((N * HARD_K + 1) * sizeof *t->cand);
    for (size_t i = 0; i < N; i++) {
        size_t nt = 0;
        for (size_t k = 0; k < tn[i]; k++) {
            uint32_t b = tg[i * TMAX + k];
            if (head[b + 1] - head[b] > POSTING_CAP) continue;
            for (size_t p = head[b]; p < head[b + 1]; p++) {
                size_t j = post[p];
                if (j == i || t->type_id[j] != t->type_id[i]) continue;
                if (!shared[j]++) touched[nt++] = j;
            }
        }
        size_t *best = t->cand + i * HARD_K;
        double score[HARD_K];
        for (size_t k = 0; k < HARD_K; k++)
            best[k] = (size_t)-1, score[k] = -1;
        for (size_t q = 0; q < nt; q++) {
            size_t j = touched[q];
            double d = 2.0 * shared[j] / (double)(tn[i] + tn[j]);
            shared[j] = 0;
            /* insertion into the top list; ties by index keep it deterministic */
            size_t at = HARD_K;
            while (at > 0 && (d > score[at - 1] || (d == score[at - 1] && j < best[at - 1])))
                at--;
            if (at == HARD_K) continue;
            memmove(best + at + 1, best + at, (HARD_K - at - 1) * sizeof *best);
            memmove(score + at + 1, score + at, (HARD_K - at - 1) * sizeof *score);
            best[at] = j, score[at] = d;
        }
    }
    free(shared);
    free(touched);
    free(post);
    free(head);
    free(tg);
    free(tn);
}

/* ---- the model under training ---- */

typedef struct {
    idm_config cfg;
    size_t n_params;
    float *p, *g, *m, *v;
    idm_params P, Gp;
    uint8_t *row_mark; /* touched embedding rows */
    int32_t *rows;
    size_t n_rows;
} trainee;

static void trainee_init(trainee *t, const idm_config *c, vcd_rng *rng)
{
    t->cfg = *c;
    t->n_params = idm_param_count(c);
    t->p = vcd_xcalloc(t->n_params, sizeof(float));
    t->g = vcd_xcalloc(t->n_params, sizeof(float));
    t->m = vcd_xcalloc(t->n_params, sizeof(float));
    t->v = vcd_xcalloc(t->n_params, sizeof(float));
    idm_params_bind(&t->P, t->p, c);
    idm_params_bind(&t->Gp, t->g, c);
    for (size_t i = 0; i < c->buckets * c->emb; i++)
        t->P.table[i] = (float)(vcd_rng_uniform(rng) - 0.5) * 3.4f; /* std 1 */
    float a1 = 1.0f / sqrtf((float)idm_in_dim(c)), a2 = 1.0f / sqrtf((float)c->hidden);
    for (size_t i = 0; i < c->hidden * idm_in_dim(c); i++)
        t->P.w1[i] = (float)(vcd_rng_uniform(rng) * 2 - 1) * a1 * 1.7f;
    for (size_t i = 0; i < c->dim * c->hidden; i++)
        t->P.w2[i] = (float)(vcd_rng_uniform(rng) * 2 - 1) * a2 * 1.7f;
    t->row_mark = vcd_xcalloc(c->buckets, 1);
    t->rows = vcd_xmalloc(c->buckets * sizeof *t->rows);
}

static void trainee_free(trainee *t)
{
    free(t->p);
    free(t->g);
    free(t->m);
    free(t->v);
    free(t->row_mark);
    free(t->rows);
}

/* AdamW on the dense layers, and on the touched embedding rows only (the
 * sparse-Adam convention); gradients are zeroed for the next step. */
static void trainee_step(trainee *t, const idm_batch *b, const nn_adamw *opt, long step)
{
    const idm_config *c = &t->cfg;
    t->n_rows = 0;
    for (size_t k = 0; k < b->n_ids; k++)
        if (!t->row_mark[b->ids[k]]) t->row_mark[b->ids[k]] = 1, t->rows[t->n_rows++] = b->ids[k];
    size_t E = c->emb, off = c->buckets * E, dense = t->n_params - off;
    double norm2 = 0, dn = nn_global_norm(t->g + off, dense);
    norm2 += dn * dn;
    for (size_t r = 0; r < t->n_rows; r++) {
        double rn = nn_global_norm(t->g + (size_t)t->rows[r] * E, E);
        norm2 += rn * rn;
    }
    double norm = sqrt(norm2);
    float k = norm > CLIP ? (float)(CLIP / norm) : 1.0f;
    if (k != 1.0f) {
        for (size_t i = off; i < t->n_params; i++)
            t->g[i] *= k;
        for (size_t r = 0; r < t->n_rows; r++)
            for (size_t j = 0; j < E; j++)
                t->g[(size_t)t->rows[r] * E + j] *= k;
    }
    nn_adamw_update(t->p + off, t->g + off, t->m + off, t->v + off, dense, opt, step, 1);
    memset(t->g + off, 0, dense * sizeof(float));
    for (size_t r = 0; r < t->n_rows; r++) {
        size_t at = (size_t)t->rows[r] * E;
        nn_adamw_update(t->p + at, t->g + at, t->m + at, t->v + at, E, opt, step, 0);
        memset(t->g + at, 0, E * sizeof(float));
        t->row_mark[t->rows[r]] = 0;
    }
}

static void add_alias_row(idm_batch *b, const idm_config *c, const train_set *s, size_t a)
{
    size_t lo = s->feat_off[a];
    idm_batch_add(b, c, s->ids + lo, s->wts + lo, s->n_char[a], s->feat_off[a + 1] - lo,
                  s->dense + a * (c->vec_dim + IDM_SHAPE));
}

static size_t pick_alias(const train_set *s, size_t g, vcd_rng *rng, size_t avoid)
{
    size_t lo = s->alias_off[g], n = s->alias_off[g + 1] - lo;
    for (;;) {
        size_t a = lo + vcd_rng_next(rng) % n;
        if (a != avoid || n < 2) return a;
    }
}

/* A hard negative for group g: a random one of its candidates that is in
 * training and not in this batch, else a random training group. */
static size_t pick_negative(const train_set *s, size_t g, const uint8_t *in_batch,
                            const size_t *train, size_t n_train, vcd_rng *rng)
{
    const size_t *cand = s->cand + g * HARD_K;
    size_t ok[HARD_K], n = 0;
    for (size_t k = 0; k < HARD_K; k++)
        if (cand[k] != (size_t)-1 && !s->heldout[cand[k]] && !in_batch[cand[k]]) ok[n++] = cand[k];
    if (n) return ok[vcd_rng_next(rng) % (n < 3 ? n : 3)]; /* the top three */
    for (int tries = 0; tries < 64; tries++) {
        size_t j = train[vcd_rng_next(rng) % n_train];
        if (!in_batch[j]) return j;
    }
    return (size_t)-1;
}

typedef struct {
    size_t *train, n_train;
    uint8_t *in_batch;
    idm_batch batch;
    float *dy, *scratch;
} step_ctx;

static double run_epoch(trainee *T, const train_set *s, const vcd_identity_train_options *o,
                        step_ctx *x, vcd_rng *rng, long *step, long total_steps)
{
    const idm_config *c = &T->cfg;
    vcd_rng_shuffle(x->train, x->n_train, rng);
    size_t B = o->batch, D = c->dim;
    double sum = 0;
    size_t steps = 0;
    for (size_t from = 0; from + 2 <= x->n_train; from += B) {
        size_t rows = x->n_train - from < B ? x->n_train - from : B;
        const size_t *grp = x->train + from;
        for (size_t i = 0; i < rows; i++)
            x->in_batch[grp[i]] = 1;
        idm_batch_clear(&x->batch);
        size_t *pos_alias = vcd_xmalloc(rows * sizeof *pos_alias);
        for (size_t i = 0; i < rows; i++) {
            size_t a = pick_alias(s, grp[i], rng, (size_t)-1);
            pos_alias[i] = pick_alias(s, grp[i], rng, a);
            add_alias_row(&x->batch, c, s, a);
        }
        for (size_t i = 0; i < rows; i++)
            add_alias_row(&x->batch, c, s, pos_alias[i]);
        free(pos_alias);
        for (size_t h = 0; h < o->hard; h++)
            for (size_t i = 0; i < rows; i++) {
                size_t j = pick_negative(s, grp[i], x->in_batch, x->train, x->n_train, rng);
                if (j != (size_t)-1)
                    add_alias_row(&x->batch, c, s, pick_alias(s, j, rng, (size_t)-1));
            }
        for (size_t i = 0; i < rows; i++)
            x->in_batch[grp[i]] = 0;
        idm_forward(c, &T->P, &x->batch);
        size_t cols = x->batch.rows - rows;
        sum += nn_mnrl_loss(x->dy, x->dy + rows * D, x->batch.y, x->batch.y + rows * D, rows, cols,
                            D, o->scale, o->symmetric, x->scratch);
        idm_backward(c, &T->P, &T->Gp, &x->batch, x->dy);
        ++*step;
        float decay = 1.0f - (float)(*step - 1) / (float)total_steps;
        nn_adamw opt = {o->lr * decay, 0.9f, 0.999f, 1e-8f, 0.01f};
        trainee_step(T, &x->batch, &opt, *step);
        steps++;
    }
    return steps ? sum / (double)steps : 0;
}

/* ---- held-out scores ---- */

static float *encode_rows(const trainee *T, const train_set *s, const size_t *alias, size_t n,
                          idm_batch *b)
{
    size_t D = T->cfg.dim;
    float *out = vcd_xmalloc((n * D + 1) * sizeof *out);
    for (size_t from = 0; from < n; from += b->cap) {
        size_t k = n - from < b->cap ? n - from : b->cap;
        idm_batch_clear(b);
        for (size_t i = 0; i < k; i++)
            add_alias_row(b, &T->cfg, s, alias[from + i]);
        idm_forward(&T->cfg, &T->P, b);
        memcpy(out + from * D, b->y, k * D * sizeof *out);
    }
    return out;
}

static double dotf(const float *a, const float *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)a[i] * b[i];
    return s;
}

static void evaluate(const trainee *T, const train_set *s, idm_batch *b, vcd_identity_epoch *e)
{
    size_t D = T->cfg.dim, n = 0, np = 0, nh = 0;
    size_t *alias = vcd_xmalloc((s->n_alias + 1) * sizeof *alias);
    size_t *grp = vcd_xmalloc((s->n_alias + 1) * sizeof *grp);
    size_t *pairs = vcd_xmalloc((2 * s->n + 1) * sizeof *pairs);
    for (size_t g = 0; g < s->n; g++) {
        if (!s->heldout[g]) continue;
        for (size_t a = s->alias_off[g]; a < s->alias_off[g + 1]; a++)
            alias[n] = a, grp[n++] = g;
        if (s->cand[g * HARD_K] != (size_t)-1) {
            pairs[2 * nh] = s->alias_off[g];
            pairs[2 * nh++ + 1] = s->alias_off[s->cand[g * HARD_K]];
        }
    }
    float *y = encode_rows(T, s, alias, n, b);
    size_t hits = 0;
    double pos = 0;
    for (size_t i = 0; i < n; i++) {
        double best = -2;
        size_t arg = i;
        for (size_t j = 0; j < n; j++) {
            if (j == i) continue;
            double d = dotf(y + i * D, y + j * D, D);
            if (d > best) best = d, arg = j;
            if (j > i && grp[j] == grp[i]) pos += d, np++;
        }
        hits += arg != i && grp[arg] == grp[i];
    }
    free(y);
    float *hy = encode_rows(T, s, pairs, 2 * nh, b);
    double neg = 0;
    for (size_t k = 0; k < nh; k++)
        neg += dotf(hy + 2 * k * D, hy + (2 * k + 1) * D, D);
    free(hy);
    e->recall_at_1 = n ? (double)hits / (double)n : 0;
    e->pos_cos = np ? pos / (double)np : 0;
    e->hard_neg_cos = nh ? neg / (double)nh : 0;
    free(alias);
    free(grp);
    free(pairs);
}

static vcd_status check_options(const vcd_identity_train_options *o)
{
    if (o->epochs < 1 || o->epochs > 64)
        return vcd_fail(VCD_EINPUT, "train-encoder: epochs must be in 1..64");
    if (o->batch < 2 || o->batch > 4096)
        return vcd_fail(VCD_EINPUT, "train-encoder: batch must be in 2..4096");
    if (o->dim < 2 || o->dim > 1024 || o->hidden < 1 || o->hidden > 4096 || o->emb < 1 ||
        o->emb > 512 || o->buckets < 16 || o->buckets > ((size_t)1 << 22) || o->hard > 8)
        return vcd_fail(VCD_EINPUT, "train-encoder: a model size is out of range");
    if (!(o->lr > 0 && o->lr < 1) || !(o->scale > 0 && o->scale <= 100))
        return vcd_fail(VCD_EINPUT, "train-encoder: lr must be in (0, 1), scale in (0, 100]");
    return VCD_OK;
}

vcd_status vcd_identity_train(const vcd_alias_groups *g, const vcd_identity_train_options *o,
                              const char *dir, vcd_identity_report *report)
{
    vcd_status rc = check_options(o);
    if (rc) return rc;
    memset(report, 0, sizeof *report);
    idm_config c = {o->buckets, o->emb, o->hidden, o->dim, 0, 0};
    if (o->vectors)
        c.vec_dim = vcd_vectors_dim(o->vectors), c.vectors_digest = vcd_vectors_digest(o->vectors);
    train_set s = {0};
    char **alias_text = NULL;
    build_set(g, &c, o->vectors, &s, &alias_text);
    find_candidates(&s, alias_text);
    free(alias_text);
    step_ctx x = {0};
    x.train = vcd_xmalloc((s.n + 1) * sizeof *x.train);
    for (size_t i = 0; i < s.n; i++) {
        size_t na = s.alias_off[i + 1] - s.alias_off[i];
        if (s.heldout[i])
            report->groups_heldout++, report->aliases_heldout += na;
        else
            x.train[x.n_train++] = i, report->aliases_train += na;
    }
    report->groups_train = x.n_train;
    if (x.n_train < 2 || report->groups_heldout < 1) {
        train_set_free(&s);
        free(x.train);
        return vcd_fail(VCD_EINPUT,
                        "train-encoder: need >= 2 training and >= 1 held-out groups with two "
                        "aliases (have %zu and %zu)",
                        x.n_train, report->groups_heldout);
    }
    vcd_rng rng;
    vcd_rng_seed(&rng, o->seed);
    trainee T;
    trainee_init(&T, &c, &rng);
    size_t cap = o->batch * (2 + o->hard);
    idm_batch_init(&x.batch, &c, cap, 1);
    x.in_batch = vcd_xcalloc(s.n + 1, 1);
    x.dy = vcd_xmalloc(cap * c.dim * sizeof *x.dy);
    x.scratch = vcd_xmalloc(2 * o->batch * cap * sizeof *x.scratch);
    long step = 0, total = (long)(o->epochs * ((x.n_train + o->batch - 1) / o->batch));
    for (size_t ep = 0; ep < o->epochs; ep++) {
        vcd_identity_epoch *e = &report->epoch[ep];
        e->loss = run_epoch(&T, &s, o, &x, &rng, &step, total);
        evaluate(&T, &s, &x.batch, e);
        report->n_epochs = ep + 1;
        if (!o->quiet)
            fprintf(stderr,
                    "train-encoder: epoch %zu loss %.4f held-out recall@1 %.4f cos pos %.3f "
                    "hard-neg %.3f\n",
                    ep + 1, e->loss, e->recall_at_1, e->pos_cos, e->hard_neg_cos);
    }
    rc = idm_save(dir, &c, &T.P, o->f16);
    idm_batch_free(&x.batch);
    free(x.in_batch);
    free(x.dy);
    free(x.scratch);
    free(x.train);
    trainee_free(&T);
    train_set_free(&s);
    return rc;
}
