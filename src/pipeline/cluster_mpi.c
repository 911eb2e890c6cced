/* `mpirun -np N vcdiscover cluster`: the per-comment stages split over MPI
 * ranks, one state identical to a single process's.
 *
 * Ingest: rank 0 makes the plan (vcd_ingest_plan: byte ranges cut at
 * record bounds; for a CSV one scan of its quotes) and every rank parses
 * only its range into a part. Rank 0 receives the parts in rank order and
 * builds the corpus one process builds (duplicates, numbered ids, warnings
 * and their cap settled in order: vcd_corpus_builder). Rank 0 thus still
 * holds the whole corpus (link facts, entities and docs.jsonl need it;
 * docs/SCALE.md plan step 2); no other rank holds more than its part.
 *
 * Tagging is split into contiguous document ranges cut at the tagger's
 * batch bounds, found by rank 0 on the whole corpus: the word tagger labels
 * the whole batch of any comment from the batch's start (so its matrix
 * products, and confidences, are those of one pass), and a cut inside a
 * batch would have two ranks label it. Rank 0 sends each rank the documents
 * of its range; a range starts on a batch bound, so the rank's batches over
 * its documents alone are the one pass's. A tagger without batches whose
 * prepare() reads corpus statistics (the rules tagger's casing counts) runs
 * on rank 0 alone, over the whole corpus, and the ranges are even. Rank 0
 * gathers the mentions in rank order, which is document order: the array a
 * single pass builds. It sorts them and groups them into forms, and sends
 * each rank back the mentions of its range with their forms. Each rank
 * encodes those and adds them to per-form sums in fixed point
 * (cluster_encode_sum): integer sums, reduced to rank 0 with MPI_SUM, are
 * exactly the single pass's in any order. Rank 0 then links, clusters and
 * writes the state alone; the other ranks are done.
 *
 * Failures are agreed on after every step: the first failing rank's message
 * (the first in input order) becomes every rank's, so all stop together and
 * rank 0 reports it. */
#include "pipeline_internal.h"

#ifndef VCD_MPI

int cluster_mpi_size(void)
{
    return 1;
}

int cluster_mpi_rank(void)
{
    return 0;
}

vcd_status cluster_mpi_prepare(const vcd_cluster_options *o, vcd_link_run *run,
                               vcd_cluster_report *r, vcd_status rc)
{
    return rc ? rc : vcd_link_run_prepare(o, run, r);
}

#else

#include "vcd/mentions.h"
#include "vcd/vectors.h"

#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Sums are reduced in pieces of this many values: MPI counts are ints, and
 * the reduction's buffers stay small. */
#define REDUCE_STEP ((size_t)1 << 22)
/* Byte strings are sent in pieces of this many bytes (MPI counts are ints;
 * a part's mapped pages are dropped behind each piece). */
#define SEND_STEP ((size_t)1 << 26)
/* Each rank's documents are sent in parts of about this much text, added to
 * its corpus as they come: its heap holds one part, not all. */
#define DOCS_STEP ((size_t)4 << 20)

static int initialized(void)
{
    int init = 0, done = 0;
    MPI_Initialized(&init);
    if (init) MPI_Finalized(&done);
    return init && !done;
}

int cluster_mpi_size(void)
{
    int n = 1;
    if (initialized()) MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

int cluster_mpi_rank(void)
{
    int r = 0;
    if (initialized()) MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct {
    int rank, size;
    MPI_Datatype mention; /* one vcd_mention, as bytes (every rank runs this binary) */
    size_t *lo;           /* rank k holds documents [lo[k], lo[k + 1]); rank 0 holds all */
    int tag_on_root;      /* the tagger needs the whole corpus: rank 0 tags alone */
} world;

/* The first failing rank's status and message, on every rank. */
static vcd_status agree(const world *w, vcd_status rc)
{
    int mine = rc ? w->rank : w->size, first;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (first == w->size) return VCD_OK;
    int code = (int)rc;
    char msg[1024] = {0};
    if (w->rank == first) snprintf(msg, sizeof msg, "%s", vcd_last_error());
    MPI_Bcast(&code, 1, MPI_INT, first, MPI_COMM_WORLD);
    MPI_Bcast(msg, (int)sizeof msg, MPI_CHAR, first, MPI_COMM_WORLD);
    return w->rank == first ? rc : vcd_fail((vcd_status)code, "%s", msg);
}

static void send_bytes(const char *data, size_t len, int to, vcd_ingest_part *part)
{
    unsigned long long n = len;
    MPI_Send(&n, 1, MPI_UNSIGNED_LONG_LONG, to, 0, MPI_COMM_WORLD);
    for (size_t at = 0; at < len; at += SEND_STEP) {
        int k = (int)(len - at < SEND_STEP ? len - at : SEND_STEP);
        MPI_Send(data + at, k, MPI_BYTE, to, 0, MPI_COMM_WORLD);
        if (part) vcd_ingest_part_done(part, at + (size_t)k);
    }
}

static void recv_buf(vcd_buf *b, int from)
{
    unsigned long long n;
    MPI_Recv(&n, 1, MPI_UNSIGNED_LONG_LONG, from, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    vcd_buf_clear(b);
    vcd_buf_reserve(b, (size_t)n);
    for (size_t at = 0; at < n; at += SEND_STEP) {
        int k = (int)(n - at < SEND_STEP ? n - at : SEND_STEP);
        MPI_Recv(b->data + at, k, MPI_BYTE, from, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    b->len = (size_t)n;
}

static void bcast_buf(const world *w, vcd_buf *b)
{
    unsigned long long n = b->len;
    MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    if (w->rank != 0) {
        vcd_buf_clear(b);
        vcd_buf_reserve(b, (size_t)n);
        b->len = (size_t)n;
    }
    for (size_t at = 0; at < n; at += SEND_STEP) {
        int k = (int)(n - at < SEND_STEP ? n - at : SEND_STEP);
        MPI_Bcast(b->data + at, k, MPI_BYTE, 0, MPI_COMM_WORLD);
    }
}

/* Every rank parses its part of the input (staged in a file in the spill
 * directory); rank 0 builds the corpus of one pass from the parts, in rank
 * order. */
static vcd_status ingest_parts(const world *w, const vcd_cluster_options *o, vcd_corpus **out)
{
    *out = NULL;
    vcd_buf plan = {0};
    vcd_ingest_part part = {0};
    vcd_status rc = VCD_OK;
    if (w->rank == 0) rc = vcd_ingest_plan(o->input, &o->ingest, (size_t)w->size, &plan);
    if (!(rc = agree(w, rc))) {
        bcast_buf(w, &plan);
        rc =
            vcd_ingest_read_part(o->input, &o->ingest, plan.data, plan.len, (size_t)w->rank, &part);
    }
    vcd_buf_free(&plan);
    if ((rc = agree(w, rc))) {
        vcd_ingest_part_free(&part);
        return rc;
    }
    if (w->rank != 0) {
        send_bytes(part.data, part.len, 0, &part);
        vcd_ingest_part_free(&part);
        return VCD_OK;
    }
    vcd_corpus_builder *b;
    rc = vcd_corpus_builder_new(o->input, &o->ingest, &b);
    if (!rc) rc = vcd_corpus_builder_add(b, part.data, part.len);
    vcd_ingest_part_free(&part);
    vcd_buf got = {0};
    for (int k = 1; k < w->size; k++) { /* received even after a failure: no rank waits */
        recv_buf(&got, k);
        if (!rc) rc = vcd_corpus_builder_add(b, got.data, got.len);
    }
    vcd_buf_free(&got);
    if (!rc)
        rc = vcd_corpus_builder_finish(b, 0, out);
    else
        vcd_corpus_builder_free(b);
    return rc;
}

/* Rank 0 sends documents [lo, hi) to rank `to` in parts of ~DOCS_STEP of
 * text, then an empty message. */
static void send_docs(const vcd_corpus *c, size_t lo, size_t hi, int to)
{
    vcd_buf part = {0};
    for (size_t a = lo; a < hi;) {
        size_t e = a, bytes = 0;
        while (e < hi && (e == a || bytes < DOCS_STEP))
            bytes += c->docs[e++].n_codepoints + 64; /* about its bytes, without reading them */
        vcd_corpus_part(c, a, e, &part);
        send_bytes(part.data, part.len, to, NULL);
        a = e;
    }
    vcd_buf_free(&part);
    send_bytes(NULL, 0, to, NULL);
}

static vcd_status recv_docs(const vcd_cluster_options *o, vcd_corpus **out)
{
    vcd_corpus_builder *b;
    vcd_status rc = vcd_corpus_builder_new(o->input, &o->ingest, &b);
    vcd_buf part = {0};
    for (;;) {
        recv_buf(&part, 0);
        if (part.len == 0) break;
        if (!rc) rc = vcd_corpus_builder_add(b, part.data, part.len);
    }
    vcd_buf_free(&part);
    if (rc) {
        vcd_corpus_builder_free(b);
        return rc;
    }
    return vcd_corpus_builder_finish(b, 1, out);
}

/* Rank 0's document ranges: even shares moved to the nearer batch bound,
 * so no batch is labelled twice; even shares for a tagger that must see the
 * whole corpus (w->tag_on_root) or without tagging (--mentions). */
static void split_docs(world *w, vcd_tagger *t, const vcd_corpus *c)
{
    size_t *lo = w->lo;
    lo[0] = 0;
    for (int k = 1; k < w->size; k++) {
        size_t target = c->n_docs * (size_t)k / (size_t)w->size, s = target, e = target;
        if (t && !w->tag_on_root && target < c->n_docs) vcd_tagger_batch(t, c, target, &s, &e);
        size_t cut = target - s <= e - target ? s : e;
        lo[k] = cut < lo[k - 1] ? lo[k - 1] : cut;
    }
    lo[w->size] = c->n_docs;
}

/* Rank 0 opens the tagger and splits the documents; every rank gets its
 * range (rank 0 keeps the whole corpus). *t: rank 0's tagger, prepared. */
static vcd_status distribute(world *w, const vcd_cluster_options *o, vcd_link_run *run,
                             vcd_tagger **t)
{
    *t = NULL;
    vcd_status rc = VCD_OK;
    if (w->rank == 0 && !o->mentions_path) {
        rc = vcd_tagger_open(o->tagger_spec, o->gazetteer_path, run->vectors, o->warn, o->warn_ctx,
                             t);
        if (!rc) rc = vcd_tagger_prepare(*t, run->corpus);
        /* statistics of the whole corpus, and no batches to split at */
        if (!rc) w->tag_on_root = !(*t)->ops->batch && (*t)->ops->prepare;
    }
    if (w->rank == 0 && !rc) split_docs(w, *t, run->corpus);
    if ((rc = agree(w, rc))) return rc;
    unsigned long long *lo = vcd_xmalloc(((size_t)w->size + 1) * sizeof *lo);
    for (int k = 0; k <= w->size; k++)
        lo[k] = w->lo[k];
    MPI_Bcast(lo, w->size + 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    MPI_Bcast(&w->tag_on_root, 1, MPI_INT, 0, MPI_COMM_WORLD);
    for (int k = 0; k <= w->size; k++)
        w->lo[k] = (size_t)lo[k];
    free(lo);
    if (w->rank == 0) {
        for (int k = 1; k < w->size; k++)
            send_docs(run->corpus, w->lo[k], w->lo[k + 1], k);
    } else {
        rc = recv_docs(o, &run->corpus);
    }
    return agree(w, rc);
}

/* This rank's documents tagged, in document order, into run->mentions
 * (document numbers of the whole corpus). */
static vcd_status tag_part(const world *w, const vcd_cluster_options *o, vcd_link_run *run,
                           vcd_tagger *t)
{
    if (w->tag_on_root && w->rank > 0) return VCD_OK;
    vcd_status rc = VCD_OK;
    if (!t)
        rc = vcd_tagger_open(o->tagger_spec, o->gazetteer_path, run->vectors, o->warn, o->warn_ctx,
                             &t);
    if (rc) return rc;
    const vcd_corpus *c = run->corpus;
    /* rank 0 holds every document; the others theirs, from 0 */
    size_t base = w->rank == 0 ? 0 : w->lo[w->rank];
    size_t from = w->lo[w->rank] - base;
    size_t to = w->tag_on_root ? c->n_docs : w->lo[w->rank + 1] - base;
    if (w->rank > 0) rc = vcd_tagger_prepare(t, c);
    for (size_t d = from; !rc && d < to; d++) {
        size_t n0 = run->mentions.n;
        rc = t->ops->tag_doc(t, c, d, &run->mentions);
        for (size_t i = n0; i < run->mentions.n; i++)
            run->mentions.items[i].doc += (uint32_t)base;
        vcd_corpus_text_done(c, d);
        if (o->progress && (d - from) % 4096 == 0)
            o->progress(o->progress_ctx, "tag", d - from, to - from);
    }
    vcd_corpus_text_done(c, c->n_docs);
    run->tagger = vcd_xstrdup(vcd_tagger_name(t));
    vcd_tagger_free(t);
    return rc;
}

/* Every rank's mentions onto rank 0, in rank order (others keep none). */
static vcd_status gather_mentions(const world *w, vcd_mentions *ms)
{
    if (ms->n > INT_MAX)
        return vcd_fail(VCD_ERUNTIME, "mpi: more than %d mentions on one rank", INT_MAX);
    int n = (int)ms->n;
    int *counts = vcd_xmalloc((size_t)w->size * sizeof *counts);
    int *displs = vcd_xmalloc((size_t)w->size * sizeof *displs);
    MPI_Gather(&n, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD);
    size_t total = 0;
    for (int k = 0; w->rank == 0 && k < w->size; k++) {
        displs[k] = (int)total;
        total += (size_t)counts[k];
        if (total > INT_MAX) total = (size_t)INT_MAX + 1; /* reported below, after the gather */
    }
    int fits = total <= INT_MAX;
    MPI_Bcast(&fits, 1, MPI_INT, 0, MPI_COMM_WORLD);
    vcd_status rc = VCD_OK;
    if (!fits) {
        rc = vcd_fail(VCD_ERUNTIME, "mpi: more than %d mentions in all", INT_MAX);
    } else {
        vcd_mention *all = w->rank == 0 ? vcd_xmalloc((total + 1) * sizeof *all) : NULL;
        MPI_Gatherv(ms->items, n, w->mention, all, counts, displs, w->mention, 0, MPI_COMM_WORLD);
        vcd_mentions_free(ms);
        if (w->rank == 0) *ms = (vcd_mentions){all, total, total + 1};
    }
    free(counts);
    free(displs);
    return rc;
}

/* First mention (sorted by document) of document `doc` or later. */
static size_t first_of_doc(const vcd_mentions *ms, size_t doc)
{
    size_t lo = 0, hi = ms->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ms->items[mid].doc < doc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Rank k gets the mentions of its documents [lo[k], lo[k + 1]) with their
 * forms, numbered from its first document; rank 0's part stays at the head
 * of its array. */
static void scatter_mentions(const world *w, const vcd_link_run *run, vcd_mention **part,
                             size_t *n_part, vcd_mention **owned)
{
    int *counts = vcd_xmalloc((size_t)w->size * sizeof *counts);
    int *displs = vcd_xmalloc((size_t)w->size * sizeof *displs);
    if (w->rank == 0) {
        for (int k = 0; k < w->size; k++) {
            size_t a = first_of_doc(&run->mentions, w->lo[k]);
            size_t b = first_of_doc(&run->mentions, w->lo[k + 1]);
            displs[k] = (int)a;
            counts[k] = (int)(b - a);
        }
    }
    int n;
    MPI_Scatter(counts, 1, MPI_INT, &n, 1, MPI_INT, 0, MPI_COMM_WORLD);
    *n_part = (size_t)n;
    *owned = NULL;
    if (w->rank == 0) {
        MPI_Scatterv(run->mentions.items, counts, displs, w->mention, MPI_IN_PLACE, n, w->mention,
                     0, MPI_COMM_WORLD);
        *part = run->mentions.items;
    } else {
        *owned = *part = vcd_xmalloc(((size_t)n + 1) * sizeof **part);
        MPI_Scatterv(NULL, NULL, NULL, w->mention, *part, n, w->mention, 0, MPI_COMM_WORLD);
        for (int i = 0; i < n; i++)
            (*part)[i].doc -= (uint32_t)w->lo[w->rank];
    }
    free(counts);
    free(displs);
}

/* Encodes this rank's part; rank 0 ends with the form vectors. */
static vcd_status encode_part(const world *w, const vcd_cluster_options *o, vcd_link_run *run)
{
    vcd_status rc = vcd_encoder_open(o->encoder_spec, run->vectors, &o->encoder, &run->encoder);
    if ((rc = agree(w, rc))) return rc;
    unsigned long long n_forms = run->forms.n;
    MPI_Bcast(&n_forms, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    vcd_mention *part, *owned;
    size_t n_part;
    scatter_mentions(w, run, &part, &n_part, &owned);
    run->dim = vcd_encoder_dim(run->encoder);
    size_t total = (size_t)n_forms * run->dim;
    int64_t *sums = vcd_xcalloc(total + 1, sizeof *sums);
    cluster_encode_sum(o, run->encoder, run->corpus, part, n_part, sums);
    free(owned);
    for (size_t at = 0; at < total; at += REDUCE_STEP) {
        int n = (int)(total - at < REDUCE_STEP ? total - at : REDUCE_STEP);
        MPI_Reduce(w->rank == 0 ? MPI_IN_PLACE : sums + at, sums + at, n, MPI_INT64_T, MPI_SUM, 0,
                   MPI_COMM_WORLD);
    }
    if (w->rank == 0) run->form_vectors = cluster_form_vectors(sums, run->forms.n, run->dim);
    free(sums);
    return VCD_OK;
}

vcd_status cluster_mpi_prepare(const vcd_cluster_options *o, vcd_link_run *run,
                               vcd_cluster_report *r, vcd_status rc)
{
    world w = {.rank = 0, .size = 1};
    MPI_Comm_rank(MPI_COMM_WORLD, &w.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &w.size);
    memset(run, 0, sizeof *run);
    double t0 = now_seconds();
    if ((rc = agree(&w, rc))) return rc;
    rc = ingest_parts(&w, o, &run->corpus);
    if (!rc && o->vectors_path) rc = vcd_vectors_open(o->vectors_path, &run->vectors);
    if (!rc && w.rank == 0) {
        r->docs = run->corpus->n_docs;
        r->skipped_rows = run->corpus->stats.rows_read - run->corpus->n_docs;
    }
    if ((rc = agree(&w, rc))) return rc;
    w.lo = vcd_xcalloc((size_t)w.size + 1, sizeof *w.lo);
    r->seconds_ingest = now_seconds() - t0;
    double t1 = now_seconds(); /* sending each rank its documents counts as tagging */
    vcd_tagger *t = NULL;
    rc = distribute(&w, o, run, &t);
    MPI_Type_contiguous((int)sizeof(vcd_mention), MPI_BYTE, &w.mention);
    MPI_Type_commit(&w.mention);
    if (rc) {
        vcd_tagger_free(t);
    } else if (o->mentions_path) { /* nothing to split: rank 0 reads the file */
        if (w.rank == 0)
            rc = cluster_find_mentions(o, run->corpus, run->vectors, &run->mentions, &run->tagger,
                                       r);
    } else {
        rc = tag_part(&w, o, run, t);
    }
    if (!(rc = agree(&w, rc))) rc = gather_mentions(&w, &run->mentions);
    if (!rc && w.rank == 0 && run->mentions.n == 0)
        rc = vcd_fail(VCD_EINPUT, "%s: no mentions found to cluster", o->input);
    r->seconds_tag = now_seconds() - t1;
    double t2 = now_seconds();
    if (!(rc = agree(&w, rc))) {
        if (w.rank == 0) cluster_build_forms(run);
        rc = encode_part(&w, o, run);
    }
    r->seconds_encode = now_seconds() - t2;
    MPI_Type_free(&w.mention);
    free(w.lo);
    if (rc || w.rank != 0) return rc;
    return cluster_link_facts(o, run, r);
}

#endif
