/* Tagging with the default model: sentences are packed into batches of a
 * few thousand words so the convolutions run as large matrix products;
 * feature extraction and decoding run in parallel over sentences. */
#include "ner_internal.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#define NER_BATCH_ROWS 4096

typedef struct {
    ner_features f;
    ner_acts a;
    size_t *starts;
    size_t cap_seq;
    float *conf; /* the floor's confidences when the caller wants none */
    size_t cap_conf;
} tag_buffers;

static void tag_batch(const vcd_ner_model *m, const vcd_word_seq *seqs, size_t n_seq,
                      tag_buffers *b, int32_t *labels, float *conf)
{
    if (n_seq + 1 > b->cap_seq) {
        b->cap_seq = n_seq + 1;
        b->starts = vcd_xrealloc(b->starts, b->cap_seq * sizeof *b->starts);
    }
    b->starts[0] = 0;
    for (size_t s = 0; s < n_seq; s++)
        b->starts[s + 1] = b->starts[s] + seqs[s].n;
    size_t rows = b->starts[n_seq];
    if (!rows) return;
    ner_features_reserve(&b->f, &m->cfg, rows);
    ner_acts_reserve(&b->a, &m->cfg, rows, 0);
    ner_features_batch(m, seqs, n_seq, b->starts, NULL, &b->f);
    ner_emissions(m, &b->f, b->starts, n_seq, &b->a);
    if (!conf && m->cfg.min_span_conf > 0) {
        if (rows > b->cap_conf) {
            b->cap_conf = rows;
            b->conf = vcd_xrealloc(b->conf, rows * sizeof *b->conf);
        }
        conf = b->conf;
    }
    ner_decode(m, &b->a, b->starts, n_seq, labels, conf);
    ner_trim_verbs(&m->cfg, seqs, n_seq, b->starts, labels);
    if (conf) ner_drop_unsure(&m->cfg, rows, conf, labels);
}

/* Batches run in parallel, one per thread, each with single-threaded
 * matrix products: OpenBLAS's own threads and OpenMP's would otherwise spin
 * against each other on every small product. */
vcd_status vcd_ner_model_tag(const vcd_ner_model *m, const vcd_word_seq *seqs, size_t n,
                             int32_t *labels, float *conf)
{
    size_t *first = vcd_xmalloc((n + 1) * sizeof *first), *out = vcd_xmalloc((n + 1) * sizeof *out);
    size_t n_batches = 0, rows_done = 0;
    for (size_t s = 0; s < n;) {
        size_t e = s, rows = 0;
        while (e < n && (e == s || rows + seqs[e].n <= NER_BATCH_ROWS))
            rows += seqs[e++].n;
        first[n_batches] = s;
        out[n_batches++] = rows_done;
        rows_done += rows;
        s = e;
    }
    first[n_batches] = n;
    int blas_threads = openblas_get_num_threads();
    if (n_batches > 1) openblas_set_num_threads(1);
#pragma omp parallel if (n_batches > 1)
    {
        tag_buffers b = {0};
#pragma omp for schedule(dynamic, 1)
        for (size_t k = 0; k < n_batches; k++)
            tag_batch(m, seqs + first[k], first[k + 1] - first[k], &b, labels + out[k],
                      conf ? conf + out[k] : NULL);
        ner_features_free(&b.f);
        ner_acts_free(&b.a);
        free(b.starts);
        free(b.conf);
    }
    if (n_batches > 1) openblas_set_num_threads(blas_threads);
    free(first);
    free(out);
    return VCD_OK;
}

vcd_status vcd_ner_model_tag_conll(const vcd_ner_model *m, const vcd_conll *c, const char **tags)
{
    vcd_conll_words w;
    vcd_conll_words_build(c, &w);
    int32_t *labels = vcd_xmalloc((c->n_tokens + 1) * sizeof *labels);
    vcd_status rc = vcd_ner_model_tag(m, w.seqs, c->n_sentences, labels, NULL);
    for (size_t i = 0; !rc && i < c->n_tokens; i++)
        tags[i] = m->cfg.labels[labels[i]];
    vcd_conll_words_free(&w);
    free(labels);
    return rc;
}
