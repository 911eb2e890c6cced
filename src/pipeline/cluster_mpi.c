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
 * exactly the single pass's in any order. Rank 0 then links and clusters
 * alone, and broadcasts each form's entity and membership and each entity's
 * KB id; every rank renders the mentions.jsonl lines of the part it encoded
 * and writes them at its offset (MPI_Exscan of the sizes) into one file
 * with MPI-IO, which rank 0 renames into place. Rank 0 writes the other
 * files alone.
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

vcd_status cluster_mpi_write_mentions(const char *dir, vcd_link_run *run, const double *probs,
                                      const vcd_entities *e, vcd_status rc)
{
    (void)dir, (void)run, (void)probs, (void)e;
    return rc;
}

#else

#include "../state/state_write.h"
#include "vcd/fileio.h"
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

/* MPI counts are ints: a long array goes in pieces. */
static void bcast_bytes(void *p, size_t n)
{
    for (size_t at = 0; at < n; at += SEND_STEP) {
        size_t k = n - at < SEND_STEP ? n - at : SEND_STEP;
        MPI_Bcast((char *)p + at, (int)k, MPI_BYTE, 0, MPI_COMM_WORLD);
    }
}

/* Rank 0's buffer, length first, on every rank. */
static void bcast_buf(const world *w, vcd_buf *b)
{
    unsigned long long n = b->len;
    MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    if (w->rank != 0) {
        vcd_buf_clear(b);
        vcd_buf_reserve(b, (size_t)n);
        b->len = (size_t)n;
    }
    bcast_bytes(b->data, (size_t)n);
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
    if (w->rank != 0) /* a worker keeps its part: it writes their lines of mentions.jsonl */
        run->mentions = (vcd_mentions){owned, n_part, n_part + 1};
    run->mentions_part = n_part; /* rank 0's: the head of its mentions */
    for (size_t at = 0; at < total; at += REDUCE_STEP) {
        int n = (int)(total - at < REDUCE_STEP ? total - at : REDUCE_STEP);
        MPI_Reduce(w->rank == 0 ? MPI_IN_PLACE : sums + at, sums + at, n, MPI_INT64_T, MPI_SUM, 0,
                   MPI_COMM_WORLD);
    }
    if (w->rank == 0) {
        run->form_vectors = cluster_form_vectors(sums, run->forms.n, run->dim);
        run->form_sums = sums; /* the state keeps them */
    } else {
        free(sums);
    }
    return VCD_OK;
}

/* ---- mentions.jsonl, each rank writing the lines of its part ---- */

/* What a worker needs of rank 0's linking for its lines: each form's entity
 * and membership, each entity's KB id. */
typedef struct {
    int32_t *form_entity;
    double *form_probs;
    size_t n_forms;
    char *kb_blob;  /* the KB ids, each ended by a NUL */
    int64_t *kb_at; /* entity e's id at kb_blob + kb_at[e]; -1: none */
    size_t n_entities;
} shared_labels;

static void shared_labels_free(shared_labels *l)
{
    free(l->form_entity);
    free(l->form_probs);
    free(l->kb_blob);
    free(l->kb_at);
}

static void bcast_labels(const world *w, const vcd_link_run *run, const double *probs,
                         const vcd_entities *e, shared_labels *l)
{
    unsigned long long n[2] = {0, 0};
    vcd_buf blob = {0};
    if (w->rank == 0) {
        l->n_forms = run->forms.n;
        l->n_entities = e->n;
        l->form_entity = vcd_xmalloc((l->n_forms + 1) * sizeof *l->form_entity);
        l->form_probs = vcd_xmalloc((l->n_forms + 1) * sizeof *l->form_probs);
        for (size_t f = 0; f < l->n_forms; f++) {
            l->form_entity[f] = run->forms.items[f].entity_id;
            l->form_probs[f] = probs[f];
        }
        l->kb_at = vcd_xmalloc((l->n_entities + 1) * sizeof *l->kb_at);
        for (size_t i = 0; i < e->n; i++) {
            const char *id = state_entity_kb_id(e, (int32_t)i);
            l->kb_at[i] = id ? (int64_t)blob.len : -1;
            if (id) vcd_buf_append(&blob, id, strlen(id) + 1);
        }
        n[0] = l->n_forms, n[1] = l->n_entities;
    }
    MPI_Bcast(n, 2, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    if (w->rank != 0) {
        l->n_forms = (size_t)n[0];
        l->n_entities = (size_t)n[1];
        l->form_entity = vcd_xmalloc((l->n_forms + 1) * sizeof *l->form_entity);
        l->form_probs = vcd_xmalloc((l->n_forms + 1) * sizeof *l->form_probs);
        l->kb_at = vcd_xmalloc((l->n_entities + 1) * sizeof *l->kb_at);
    }
    bcast_bytes(l->form_entity, l->n_forms * sizeof *l->form_entity);
    bcast_bytes(l->form_probs, l->n_forms * sizeof *l->form_probs);
    bcast_bytes(l->kb_at, l->n_entities * sizeof *l->kb_at);
    bcast_buf(w, &blob);
    l->kb_blob = blob.data; /* the labels own it now */
}

/* This rank's lines: the part it encoded (rank 0's is the head of its
 * mentions, a worker's all of them, given their entities here). */
static void render_part(const world *w, vcd_link_run *run, const shared_labels *l, vcd_buf *out)
{
    size_t n = run->mentions_part < run->mentions.n ? run->mentions_part : run->mentions.n;
    for (size_t i = 0; i < n; i++) {
        vcd_mention *m = &run->mentions.items[i];
        if (w->rank != 0)
            m->entity_id =
                m->form >= 0 && (size_t)m->form < l->n_forms ? l->form_entity[m->form] : -1;
        const char *kb =
            m->entity_id >= 0 && (size_t)m->entity_id < l->n_entities && l->kb_at[m->entity_id] >= 0
                ? l->kb_blob + l->kb_at[m->entity_id]
                : NULL;
        vcd_corpus_text_done(run->corpus, m->doc);
        state_mention_line(run->corpus, m, l->form_probs, kb, out);
        vcd_buf_putc(out, '\n');
    }
    vcd_corpus_text_done(run->corpus, run->corpus->n_docs);
}

/* Every rank writes its lines at its offset (MPI-IO) into the temporary file
 * rank 0 opened; the ranks share the state directory's file system. */
static vcd_status write_parts(const world *w, const char *tmp_path, const vcd_buf *lines)
{
    unsigned long long mine = lines->len, at = 0;
    MPI_Exscan(&mine, &at, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    if (w->rank == 0) at = 0; /* MPI_Exscan leaves rank 0's undefined */
    MPI_File fh;
    int err = MPI_File_open(MPI_COMM_WORLD, tmp_path, MPI_MODE_WRONLY, MPI_INFO_NULL, &fh);
    vcd_status rc = err == MPI_SUCCESS ? VCD_OK
                                       : vcd_fail(VCD_ERUNTIME, "%s: MPI cannot open it on rank %d",
                                                  tmp_path, w->rank);
    if ((rc = agree(w, rc))) return rc;
    for (size_t done = 0; !rc && done < lines->len; done += SEND_STEP) {
        size_t k = lines->len - done < SEND_STEP ? lines->len - done : SEND_STEP;
        MPI_Status st;
        if (MPI_File_write_at(fh, (MPI_Offset)(at + done), lines->data + done, (int)k, MPI_BYTE,
                              &st) != MPI_SUCCESS)
            rc = vcd_fail(VCD_ERUNTIME, "%s: write failed on rank %d", tmp_path, w->rank);
    }
    if (MPI_File_close(&fh) != MPI_SUCCESS && !rc)
        rc = vcd_fail(VCD_ERUNTIME, "%s: close failed on rank %d", tmp_path, w->rank);
    return agree(w, rc);
}

/* The temporary file's path, from rank 0 (NULL on every rank when it could
 * not be made). */
static char *bcast_path(const world *w, const vcd_atomic_file *f)
{
    vcd_buf p = {0};
    if (w->rank == 0 && f->tmp_path) vcd_buf_puts(&p, f->tmp_path);
    bcast_buf(w, &p);
    if (!p.len) {
        vcd_buf_free(&p);
        return NULL;
    }
    vcd_buf_putc(&p, '\0');
    return p.data;
}

vcd_status cluster_mpi_write_mentions(const char *dir, vcd_link_run *run, const double *probs,
                                      const vcd_entities *e, vcd_status rc)
{
    world w = {.rank = 0, .size = 1};
    MPI_Comm_rank(MPI_COMM_WORLD, &w.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &w.size);
    if ((rc = agree(&w, rc))) return rc; /* rank 0's linking, or a worker's part */
    shared_labels l = {0};
    bcast_labels(&w, run, probs, e, &l);
    vcd_buf lines = {0};
    render_part(&w, run, &l, &lines);
    shared_labels_free(&l);
    vcd_atomic_file f = {0};
    char *path = vcd_path_join(dir, "mentions.jsonl");
    if (w.rank == 0) rc = vcd_atomic_open(&f, path);
    if (!rc && w.rank == 0 && !f.tmp_path) { /* a device or FIFO: nothing to write at offsets */
        vcd_atomic_abort(&f);
        rc = vcd_fail(VCD_EINPUT, "%s: not a regular file", path);
    }
    char *tmp = bcast_path(&w, &f);
    if (!tmp) /* rank 0's error, on every rank */
        rc = agree(&w, rc ? rc : vcd_fail(VCD_ERUNTIME, "%s: rank 0 could not open it", path));
    else
        rc = write_parts(&w, tmp, &lines);
    if (w.rank == 0 && f.fp) {
        if (rc)
            vcd_atomic_abort(&f);
        else
            rc = vcd_atomic_commit(&f);
    }
    free(tmp);
    free(path);
    vcd_buf_free(&lines);
    return rc;
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
