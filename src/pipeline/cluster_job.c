/* `vcdiscover cluster`: every stage in order, timed, and the state directory
 * written file by file with the manifest last (a directory without a
 * manifest is an unfinished run). */
#include "vcd/fileio.h"
#include "vcd/kb.h"
#include "vcd/link.h"
#include "vcd/linker.h"
#include "vcd/mentions.h"
#include "vcd/pipeline.h"
#include "vcd/state.h"
#include "vcd/vectors.h"
#include "../state/state_files.h"
#include "../state/state_write.h"
#include "pipeline_internal.h"

#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void vcd_cluster_options_default(vcd_cluster_options *o)
{
    memset(o, 0, sizeof *o);
    o->out_dir = "out";
    o->algo = VCD_ALGO_HDBSCAN;
    o->hdbscan.min_cluster_size = 2;
    o->hdbscan.min_samples = 2;
    o->min_entity_mentions = 3;
    o->hdbscan.selection = VCD_SELECT_LEAF;
    o->seed = 42;
    o->keep_text = 1;
    o->index_kind = VCD_INDEX_AUTO;
    o->min_similarity = 0.45;
    o->link = VCD_LINK_IDENTITY;
    o->cannot_link = 1;
    vcd_encoder_options_default(&o->encoder);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int mention_cmp(const void *x, const void *y)
{
    const vcd_mention *a = x, *b = y;
    if (a->doc != b->doc) return a->doc < b->doc ? -1 : 1;
    if (a->start != b->start) return a->start < b->start ? -1 : 1;
    return (a->end > b->end) - (a->end < b->end);
}

static void progress(const vcd_cluster_options *o, const char *stage, size_t done, size_t total)
{
    if (o->progress) o->progress(o->progress_ctx, stage, done, total);
}

vcd_status cluster_find_mentions(const vcd_cluster_options *o, const vcd_corpus *c,
                                 const vcd_vectors *vec, vcd_mentions *ms, char **tagger_name,
                                 vcd_cluster_report *r)
{
    if (o->mentions_path) {
        vcd_mapped_file f;
        vcd_status rc = vcd_map_file(o->mentions_path, &f);
        if (rc) return rc;
        vcd_mentions_file_stats st;
        rc = vcd_mentions_read_jsonl(o->mentions_path, f.data, f.len, c, ms, &st, o->warn,
                                     o->warn_ctx);
        vcd_unmap_file(&f);
        r->skipped_mentions =
            st.skipped_malformed + st.skipped_unknown_doc + st.skipped_text_mismatch;
        *tagger_name = vcd_xstrdup("file");
        return rc;
    }
    vcd_tagger *t;
    vcd_status rc =
        vcd_tagger_open(o->tagger_spec, o->gazetteer_path, vec, o->warn, o->warn_ctx, &t);
    if (rc) return rc;
    rc = vcd_tagger_tag_corpus(t, c, ms, o->progress, o->progress_ctx);
    *tagger_name = vcd_xstrdup(vcd_tagger_name(t));
    vcd_tagger_free(t);
    return rc;
}

/* Mention vectors are unit vectors (every encoder normalises): 2^32 = 1.0
 * leaves room for 2^31 mentions of one form. */
#define FIXED_ONE 4294967296.0

void cluster_encode_sum(const vcd_cluster_options *o, vcd_encoder *enc, const vcd_corpus *c,
                        const vcd_mention *ms, size_t n, int64_t *sums)
{
    size_t dim = vcd_encoder_dim(enc);
    float *scratch = NULL;
    size_t scratch_cap = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && ms[j].doc == ms[i].doc)
            j++;
        if (j - i > scratch_cap) {
            scratch_cap = (j - i) * 2;
            scratch = vcd_xrealloc(scratch, scratch_cap * dim * sizeof *scratch);
        }
        vcd_corpus_text_done(c, ms[i].doc); /* mentions are in document order */
        const vcd_doc *d = &c->docs[ms[i].doc];
        vcd_encode_doc_mentions(enc, d->text, strlen(d->text), ms + i, j - i, scratch);
        for (size_t k = i; k < j; k++) {
            int64_t *dst = sums + (size_t)ms[k].form * dim;
            const float *src = scratch + (k - i) * dim;
            for (size_t t = 0; t < dim; t++)
                dst[t] += (int64_t)llrint((double)src[t] * FIXED_ONE);
        }
        if ((i & 0x3FFF) == 0) progress(o, "encode", i, n);
        i = j;
    }
    progress(o, "encode", n, n);
    vcd_corpus_text_done(c, c->n_docs);
    free(scratch);
}

float *cluster_form_vectors(const int64_t *sums, size_t n_forms, size_t dim)
{
    float *v = vcd_xmalloc(n_forms * dim * sizeof *v);
    for (size_t f = 0; f < n_forms; f++) {
        const int64_t *s = sums + f * dim;
        double ss = 0;
        for (size_t t = 0; t < dim; t++)
            ss += (double)s[t] * (double)s[t];
        double k = ss > 0 ? 1.0 / sqrt(ss) : 0.0;
        for (size_t t = 0; t < dim; t++)
            v[f * dim + t] = (float)((double)s[t] * k);
    }
    return v;
}

/* Whether the state's sums (run->prior) are those of the forms built again:
 * the same first keys, and each of those forms with as many mentions before
 * linked_docs as the state summed. Any difference (another tagger's
 * mentions, a state of an older version) means encoding everything. */
static int prior_applies(const vcd_link_run *run, size_t dim)
{
    const vcd_form_sums_view *p = &run->prior;
    if (!p->sums || p->dim != dim || p->n_forms > run->forms.n ||
        vcd_forms_keys_digest(&run->forms, p->n_forms) != p->keys_digest)
        return 0;
    uint64_t *old = vcd_xcalloc(run->forms.n + 1, sizeof *old);
    for (size_t i = 0; i < run->mentions.n && run->mentions.items[i].doc < run->linked_docs; i++)
        old[run->mentions.items[i].form]++;
    int same = 1;
    for (size_t f = 0; f < run->forms.n && same; f++)
        same = old[f] == (f < p->n_forms ? p->counts[f] : 0);
    free(old);
    return same;
}

/* Form vector = normalised mean of its mentions' vectors; the sums stay in
 * the run for the state. */
static void encode_forms(const vcd_cluster_options *o, vcd_link_run *run)
{
    size_t dim = run->dim, first = 0;
    run->form_sums = vcd_xcalloc(run->forms.n * dim + 1, sizeof *run->form_sums);
    run->prior_used = prior_applies(run, dim);
    if (run->prior_used) {
        memcpy(run->form_sums, run->prior.sums, run->prior.n_forms * dim * sizeof *run->form_sums);
        while (first < run->mentions.n && run->mentions.items[first].doc < run->linked_docs)
            first++;
    }
    run->mentions_encoded = run->mentions.n - first;
    cluster_encode_sum(o, run->encoder, run->corpus, run->mentions.items + first,
                       run->mentions_encoded, run->form_sums);
    run->form_vectors = cluster_form_vectors(run->form_sums, run->forms.n, dim);
}

static vcd_status cluster_forms(const vcd_cluster_options *o, const float *X,
                                const vcd_forms *forms, size_t dim, int32_t *labels, double *probs,
                                int *exact)
{
    size_t n = forms->n;
    if (o->algo == VCD_ALGO_KMEANS) {
        /* k-means over mentions: expand each form by its count so that
         * frequent forms pull centroids as they would in the raw data. */
        size_t total = 0;
        for (size_t f = 0; f < n; f++)
            total += forms->items[f].count;
        float *E = vcd_xmalloc(total * dim * sizeof *E);
        int32_t *ml = vcd_xmalloc(total * sizeof *ml);
        size_t k = 0;
        for (size_t f = 0; f < n; f++)
            for (uint32_t c = 0; c < forms->items[f].count; c++, k++)
                memcpy(E + k * dim, X + f * dim, dim * sizeof *E);
        vcd_status rc = vcd_kmeans_fit(E, total, dim, o->kmeans_k, o->seed, 25, ml);
        k = 0;
        for (size_t f = 0; f < n && rc == VCD_OK; f++) {
            labels[f] = ml[k];
            probs[f] = 1.0;
            k += forms->items[f].count;
        }
        free(E);
        free(ml);
        *exact = 1;
        return rc;
    }
    /* Points are distinct forms, unweighted: copies of one form sit at
     * distance 0, which would give every frequent form an infinitely dense
     * cluster of its own and hide its aliases. Frequency comes back in
     * promote_frequent_forms. */
    vcd_hdbscan_result r;
    vcd_status rc = vcd_hdbscan_fit(X, n, dim, NULL, &o->hdbscan, &r);
    if (rc) return rc;
    memcpy(labels, r.labels, n * sizeof *labels);
    memcpy(probs, r.probabilities, n * sizeof *probs);
    *exact = r.exact;
    vcd_hdbscan_result_free(&r);
    return VCD_OK;
}

/* A form that HDBSCAN left as noise but that is mentioned often enough is an
 * entity with a single alias. */
static void promote_frequent_forms(const vcd_forms *forms, size_t min_mentions, int32_t *labels,
                                   double *membership)
{
    int32_t next = 0;
    for (size_t f = 0; f < forms->n; f++)
        if (labels[f] + 1 > next) next = labels[f] + 1;
    for (size_t f = 0; f < forms->n; f++)
        if (labels[f] < 0 && forms->items[f].count >= min_mentions) {
            labels[f] = next++;
            membership[f] = 1.0;
        }
}

/* What `match` needs to reopen the same evidence: the KB files (with the
 * shipped KB's digest) and the pair model. */
static void link_manifest(cJSON *cl, const vcd_cluster_options *o, const vcd_kb *kb,
                          const vcd_encoder *enc, const vcd_cluster_report *r)
{
    cJSON_AddStringToObject(cl, "link", o->link == VCD_LINK_LEGACY ? "legacy" : "identity");
    if (o->link == VCD_LINK_LEGACY) return;
    cJSON_AddBoolToObject(cl, "cannot_link", o->cannot_link);
    /* whether the input's order could serve as evidence (nearby comments) */
    cJSON_AddNumberToObject(cl, "order_lift", round(r->order_lift * 1e4) / 1e4);
    cJSON_AddStringToObject(cl, "linker",
                            o->linker_path ? o->linker_path
                                           : vcd_linker_default_path_for(vcd_encoder_kind(enc)));
    cJSON *k = cJSON_AddObjectToObject(cl, "kb");
    cJSON_AddStringToObject(k, "spec", kb ? (o->kb_spec ? o->kb_spec : "default") : "none");
    if (kb) {
        char hex[24];
        snprintf(hex, sizeof hex, "%016llx", (unsigned long long)vcd_kb_digest(kb));
        cJSON_AddStringToObject(k, "digest", hex);
    }
}

cJSON *cluster_manifest(const vcd_cluster_options *o, const vcd_corpus *c, const vcd_encoder *enc,
                        const vcd_vectors *vec, const vcd_kb *kb, cJSON *files, const char *tagger,
                        const vcd_cluster_report *r)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "schema", VCD_STATE_MANIFEST_SCHEMA);
    cJSON_AddStringToObject(m, "vcdiscover_version", VCD_VERSION);
    cJSON *in = cJSON_AddObjectToObject(m, "input");
    cJSON_AddStringToObject(in, "path", o->input);
    cJSON_AddNumberToObject(in, "rows_read", (double)c->stats.rows_read);
    cJSON_AddNumberToObject(in, "docs", (double)c->n_docs);
    cJSON_AddNumberToObject(in, "skipped_invalid_utf8", (double)c->stats.skipped_invalid_utf8);
    cJSON_AddNumberToObject(in, "skipped_malformed", (double)c->stats.skipped_malformed);
    cJSON_AddNumberToObject(in, "skipped_empty", (double)c->stats.skipped_empty);
    cJSON_AddNumberToObject(in, "skipped_duplicate", (double)c->stats.skipped_duplicate);
    cJSON_AddNumberToObject(in, "bad_dates", (double)c->stats.bad_dates);
    cJSON_AddNumberToObject(in, "bad_numbers", (double)c->stats.bad_numbers);
    cJSON_AddBoolToObject(in, "has_dates", c->has_date_column);
    cJSON_AddBoolToObject(in, "has_likes", c->has_likes_column);
    cJSON_AddBoolToObject(in, "has_replies", c->has_replies_column);
    cJSON *tg = cJSON_AddObjectToObject(m, "tagger");
    cJSON_AddStringToObject(tg, "name", tagger);
    if (o->mentions_path) cJSON_AddStringToObject(tg, "mentions_file", o->mentions_path);
    if (o->gazetteer_path) cJSON_AddStringToObject(tg, "gazetteer", o->gazetteer_path);
    cJSON_AddNumberToObject(tg, "skipped_mentions", (double)r->skipped_mentions);
    cJSON *en = cJSON_AddObjectToObject(m, "encoder");
    cJSON_AddStringToObject(en, "kind", vcd_encoder_kind(enc));
    if (vcd_encoder_model_dir(enc))
        cJSON_AddStringToObject(en, "model", vcd_encoder_model_dir(enc));
    cJSON_AddStringToObject(en, "description", vcd_encoder_describe(enc));
    cJSON_AddNumberToObject(en, "dim", (double)vcd_encoder_dim(enc));
    cJSON_AddNumberToObject(en, "w_word", o->encoder.w_word);
    cJSON_AddNumberToObject(en, "w_char", o->encoder.w_char);
    cJSON_AddNumberToObject(en, "w_ctx", o->encoder.w_ctx);
    cJSON_AddNumberToObject(en, "char_dim", (double)o->encoder.char_dim);
    cJSON_AddNumberToObject(en, "ctx_window", (double)o->encoder.ctx_window);
    cJSON *vv = cJSON_AddObjectToObject(m, "vectors");
    if (vec) {
        char hex[24];
        snprintf(hex, sizeof hex, "%016llx", (unsigned long long)vcd_vectors_digest(vec));
        cJSON_AddStringToObject(vv, "path", o->vectors_path);
        cJSON_AddStringToObject(vv, "digest", hex);
        cJSON_AddNumberToObject(vv, "words", (double)vcd_vectors_count(vec));
        cJSON_AddNumberToObject(vv, "dim", (double)vcd_vectors_dim(vec));
    }
    cJSON *cl = cJSON_AddObjectToObject(m, "clustering");
    cJSON_AddStringToObject(cl, "algorithm", o->algo == VCD_ALGO_KMEANS ? "kmeans" : "hdbscan");
    if (o->algo == VCD_ALGO_KMEANS) {
        cJSON_AddNumberToObject(cl, "k", (double)o->kmeans_k);
    } else {
        cJSON_AddNumberToObject(cl, "min_cluster_size", (double)o->hdbscan.min_cluster_size);
        cJSON_AddNumberToObject(cl, "min_samples",
                                (double)(o->hdbscan.min_samples ? o->hdbscan.min_samples
                                                                : o->hdbscan.min_cluster_size));
        cJSON_AddStringToObject(cl, "selection",
                                o->hdbscan.selection == VCD_SELECT_LEAF ? "leaf" : "eom");
        cJSON_AddBoolToObject(cl, "exact_mst", r->exact_mst);
    }
    cJSON_AddNumberToObject(cl, "min_similarity", o->min_similarity);
    cJSON_AddNumberToObject(cl, "min_entity_mentions", (double)o->min_entity_mentions);
    cJSON_AddNumberToObject(cl, "seed", (double)o->seed);
    link_manifest(cl, o, kb, enc, r);
    /* No FAISS file: readers rebuild this index from the form vectors. */
    cJSON *ixj = cJSON_AddObjectToObject(m, "index");
    vcd_index_kind kind = vcd_index_resolve_kind(o->index_kind, r->forms, 0);
    cJSON_AddStringToObject(ixj, "kind", vcd_index_kind_label(kind));
    cJSON_AddNumberToObject(ixj, "size", (double)r->forms);
    cJSON_AddStringToObject(ixj, "vectors", STATE_FORM_VECTORS);
    cJSON *cnt = cJSON_AddObjectToObject(m, "counts");
    cJSON_AddNumberToObject(cnt, "docs", (double)r->docs);
    cJSON_AddNumberToObject(cnt, "mentions", (double)r->mentions);
    cJSON_AddNumberToObject(cnt, "forms", (double)r->forms);
    cJSON_AddNumberToObject(cnt, "entities", (double)r->entities);
    cJSON_AddNumberToObject(cnt, "noise_mentions", (double)r->noise_mentions);
    cJSON_AddItemToObject(m, "files", files);
    return m;
}

typedef struct {
    vcd_link_run run;
    vcd_entities entities;
    int32_t *labels;
    double *probs;
} job_state;

static void job_free(job_state *j)
{
    vcd_link_run_free(&j->run);
    vcd_entities_free(&j->entities);
    free(j->labels);
    free(j->probs);
}

/* Every state file, in the order written; the manifest records each. */
static const char *const state_files[] = {"docs.jsonl",       "mentions.jsonl",   "forms.jsonl",
                                          "entities.json",    STATE_FORM_VECTORS, STATE_FORM_SUMS,
                                          STATE_FORM_CONTEXTS};

/* Removes the files that say "this directory is a finished state" before
 * any is replaced: the manifest, and the FAISS file older versions wrote. */
static void remove_stale(const char *dir)
{
    const char *names[] = {"manifest.json", "index.faiss"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char *path = vcd_path_join(dir, names[i]);
        remove(path);
        free(path);
    }
}

static vcd_status write_contexts(const char *dir, const vcd_link_run *run)
{
    size_t dim;
    const float *sums = vcd_link_forms_context_sums(run->link_forms, &dim);
    return state_write_form_contexts(dir, sums, dim, &run->forms);
}

vcd_status cluster_write_files(const char *dir, const vcd_link_run *run, const double *probs,
                               const vcd_entities *entities, int keep_text, cJSON **files_out)
{
    vcd_status rc;
    *files_out = NULL;
    if ((rc = state_write_docs(dir, run->corpus, keep_text)) ||
        (!run->mentions_written &&
         (rc = state_write_mentions(dir, run->corpus, &run->mentions, probs, entities))) ||
        (rc = state_write_forms(dir, &run->forms)) ||
        (rc = state_write_entities(dir, &run->forms, entities)) ||
        (rc = state_write_form_vectors(dir, run->form_vectors, run->forms.n, run->dim)) ||
        (rc = state_write_form_sums(dir, run->form_sums, &run->forms, run->dim)) ||
        (rc = write_contexts(dir, run)))
        return rc;
    cJSON *files = cJSON_CreateObject();
    for (size_t i = 0; i < sizeof state_files / sizeof *state_files && !rc; i++)
        rc = state_file_record(files, dir, state_files[i]);
    if (rc) {
        cJSON_Delete(files);
        return rc;
    }
    *files_out = files;
    return VCD_OK;
}

vcd_status cluster_write_manifest(const char *dir, cJSON *manifest)
{
    char *text = cJSON_Print(manifest);
    vcd_status rc = state_write_json(dir, "manifest.json", text);
    cJSON_free(text);
    return rc;
}

static vcd_status write_state(const vcd_cluster_options *o, job_state *j, vcd_cluster_report *r)
{
    remove_stale(o->out_dir);
    cJSON *files;
    vcd_status rc =
        cluster_write_files(o->out_dir, &j->run, j->probs, &j->entities, o->keep_text, &files);
    if (rc) return rc;
    cJSON *m = cluster_manifest(o, j->run.corpus, j->run.encoder, j->run.vectors, j->run.kb, files,
                                j->run.tagger, r);
    rc = cluster_write_manifest(o->out_dir, m);
    cJSON_Delete(m);
    return rc;
}

static vcd_status open_kb(const vcd_cluster_options *o, vcd_kb **out)
{
    *out = NULL;
    if (o->kb_spec && strcmp(o->kb_spec, "none") == 0) return VCD_OK;
    /* The shipped KB is part of the install; without it (a trimmed copy)
     * the evidence simply has no KB, as with --kb none, and the run says so. */
    if (access(vcd_kb_default_path(), R_OK) != 0) {
        if (o->warn) o->warn(o->warn_ctx, "no shipped knowledge base found; linking without one");
        return o->kb_spec ? vcd_kb_open(o->kb_spec, out) : VCD_OK;
    }
    vcd_status rc = vcd_kb_open(vcd_kb_default_path(), out);
    if (rc == VCD_OK && o->kb_spec) rc = vcd_kb_add(*out, o->kb_spec);
    if (rc) {
        vcd_kb_close(*out);
        *out = NULL;
    }
    return rc;
}

vcd_status cluster_ingest(const vcd_cluster_options *o, vcd_link_run *run, vcd_cluster_report *r)
{
    memset(run, 0, sizeof *run);
    double t0 = now_seconds();
    vcd_status rc = vcd_corpus_load(o->input, &o->ingest, &run->corpus);
    if (!rc && o->vectors_path) rc = vcd_vectors_open(o->vectors_path, &run->vectors);
    r->seconds_ingest = now_seconds() - t0;
    if (!rc) {
        r->docs = run->corpus->n_docs;
        r->skipped_rows = run->corpus->stats.rows_read - run->corpus->n_docs;
    }
    return rc;
}

vcd_status vcd_link_run_prepare(const vcd_cluster_options *o, vcd_link_run *run,
                                vcd_cluster_report *r)
{
    vcd_status rc = cluster_ingest(o, run, r);
    double t1 = now_seconds();
    if (!rc)
        rc = cluster_find_mentions(o, run->corpus, run->vectors, &run->mentions, &run->tagger, r);
    if (!rc && run->mentions.n == 0)
        rc = vcd_fail(VCD_EINPUT, "%s: no mentions found to cluster", o->input);
    r->seconds_tag = now_seconds() - t1;
    return rc ? rc : vcd_link_run_finish(o, run, r);
}

/* Every pair, or with linked documents only the pairs whose evidence the
 * new documents changed: those with a form the new documents mention (new
 * forms, which may join an entity, and grown ones, whose pairs may propose
 * a merge). */
static vcd_status link_candidates(vcd_link_run *run)
{
    if (run->linked_docs == 0) return vcd_link_candidates(run->link_forms, &run->pairs);
    uint8_t *fresh = vcd_xcalloc(run->forms.n + 1, 1);
    for (size_t i = 0; i < run->mentions.n; i++)
        if (run->mentions.items[i].doc >= run->linked_docs) fresh[run->mentions.items[i].form] = 1;
    vcd_status rc = vcd_link_candidates_touching(run->link_forms, fresh, &run->pairs);
    free(fresh);
    return rc;
}

vcd_status vcd_link_run_finish(const vcd_cluster_options *o, vcd_link_run *run,
                               vcd_cluster_report *r)
{
    double t2 = now_seconds();
    cluster_build_forms(run);
    vcd_status rc = vcd_encoder_open(o->encoder_spec, run->vectors, &o->encoder, &run->encoder);
    if (!rc) {
        run->dim = vcd_encoder_dim(run->encoder);
        encode_forms(o, run);
    }
    r->seconds_encode = now_seconds() - t2;
    return rc ? rc : cluster_link_facts(o, run, r);
}

void cluster_build_forms(vcd_link_run *run)
{
    qsort(run->mentions.items, run->mentions.n, sizeof *run->mentions.items, mention_cmp);
    vcd_forms_build(run->corpus, &run->mentions, &run->forms);
}

vcd_status cluster_link_facts(const vcd_cluster_options *o, vcd_link_run *run,
                              vcd_cluster_report *r)
{
    if (o->link == VCD_LINK_LEGACY) return VCD_OK;
    double t3 = now_seconds();
    vcd_status rc = open_kb(o, &run->kb);
    if (!rc) {
        vcd_link_input in = {&run->forms, run->form_vectors, run->dim,    run->kb,
                             run->corpus, &run->mentions,    run->vectors};
        const vcd_form_sums_view *p = &run->prior;
        if (run->prior_used && p->contexts && run->vectors &&
            p->ctx_dim == vcd_vectors_dim(run->vectors)) {
            in.prior_contexts = p->contexts; /* the state's mentions are summed already */
            in.n_prior_contexts = p->n_forms;
            in.skip_docs = run->linked_docs;
        }
        rc = vcd_link_forms_build(&in, &run->link_forms);
    }
    if (!rc) rc = link_candidates(run);
    r->seconds_cluster = now_seconds() - t3;
    return rc;
}

void vcd_link_run_free(vcd_link_run *run)
{
    vcd_corpus_free(run->corpus);
    vcd_vectors_close(run->vectors);
    vcd_mentions_free(&run->mentions);
    vcd_forms_free(&run->forms);
    vcd_encoder_free(run->encoder);
    free(run->form_sums);
    free(run->form_vectors);
    free(run->tagger);
    vcd_kb_close(run->kb);
    vcd_link_forms_free(run->link_forms);
    vcd_link_pairs_free(&run->pairs);
    memset(run, 0, sizeof *run);
}

void cluster_pair_membership(const vcd_link_pairs *pairs, const int32_t *labels, size_t n,
                             double *membership)
{
    for (size_t f = 0; f < n; f++)
        membership[f] = 0;
    for (size_t i = 0; i < pairs->n; i++) {
        const vcd_link_pair *p = &pairs->items[i];
        if (labels[p->a] < 0 || labels[p->a] != labels[p->b]) continue;
        if (p->p > membership[p->a]) membership[p->a] = p->p;
        if (p->p > membership[p->b]) membership[p->b] = p->p;
    }
}

static vcd_status cluster_linker_load(const vcd_cluster_options *o, const vcd_encoder *enc,
                                      vcd_linker_model *model)
{
    const char *kind = vcd_encoder_kind(enc);
    const char *path = o->linker_path ? o->linker_path : vcd_linker_default_path_for(kind);
    vcd_status rc = vcd_linker_model_load(path, model);
    if (rc) return rc;
    /* cosines of another encoder would make its P meaningless */
    if (strcmp(model->encoder, kind) != 0)
        return vcd_fail(VCD_EINPUT,
                        "%s: pair model fit with the %s encoder, this run uses %s (fit one with "
                        "train-linker --encoder ..., pass it with --linker)",
                        path, model->encoder, kind);
    return VCD_OK;
}

vcd_status cluster_link_score(const vcd_cluster_options *o, vcd_link_run *run, double *cannot_p,
                              double *order_lift)
{
    vcd_linker_model model;
    vcd_status rc = cluster_linker_load(o, run->encoder, &model);
    if (rc) return rc;
    vcd_linker_score(&model, &run->pairs);
    *cannot_p = o->cannot_link ? model.cannot_link : 0.0;
    *order_lift = vcd_link_forms_order_lift(run->link_forms);
    return VCD_OK;
}

static vcd_status link_identity(const vcd_cluster_options *o, job_state *j, vcd_cluster_report *r)
{
    double cannot;
    vcd_status rc = cluster_link_score(o, &j->run, &cannot, &r->order_lift);
    if (rc) return rc;
    vcd_link_cluster(&j->run.pairs, j->run.link_forms, 0.5, cannot, j->labels);
    cluster_pair_membership(&j->run.pairs, j->labels, j->run.forms.n, j->probs);
    /* Every form is an entity, alone if nothing joins it: what is noise is
     * the tagger's call, not the linker's (the report ranks by size). */
    promote_frequent_forms(&j->run.forms, 1, j->labels, j->probs);
    return VCD_OK;
}

static vcd_status link_legacy(const vcd_cluster_options *o, job_state *j, vcd_cluster_report *r)
{
    const vcd_link_run *run = &j->run;
    vcd_status rc = cluster_forms(o, run->form_vectors, &run->forms, run->dim, j->labels, j->probs,
                                  &r->exact_mst);
    if (!rc && o->algo == VCD_ALGO_HDBSCAN) {
        vcd_split_dissimilar(run->form_vectors, run->dim, &run->forms, o->min_similarity,
                             j->labels);
        vcd_merge_acronyms(&run->forms, j->labels);
        promote_frequent_forms(&run->forms, o->min_entity_mentions, j->labels, j->probs);
    }
    if (!rc) vcd_membership(run->form_vectors, run->dim, &run->forms, j->labels, j->probs);
    return rc;
}

vcd_status vcd_run_cluster(const vcd_cluster_options *o, vcd_cluster_report *r)
{
    memset(r, 0, sizeof *r);
    job_state j = {0};
    int lock = -1;                       /* one writer per state directory, for the whole run */
    int worker = cluster_mpi_rank() > 0; /* tags and encodes its part, writes nothing */
    vcd_status rc = vcd_ensure_dir(o->out_dir);
    if (!rc && !worker) rc = vcd_dir_lock(o->out_dir, &lock);
    /* The comments' text is spilled next to the state it feeds. */
    vcd_cluster_options spilled = *o;
    if (!spilled.ingest.spill_dir) spilled.ingest.spill_dir = o->out_dir;
    /* Every rank takes part, even after a failure, so that none waits forever. */
    if (cluster_mpi_size() > 1)
        rc = cluster_mpi_prepare(&spilled, &j.run, r, rc);
    else if (!rc)
        rc = vcd_link_run_prepare(&spilled, &j.run, r);
    if (worker) { /* its lines of mentions.jsonl, once rank 0 has linked */
        rc = cluster_mpi_write_mentions(o->out_dir, &j.run, NULL, NULL, rc);
        job_free(&j);
        return rc;
    }
    double t3 = now_seconds();
    if (!rc) {
        progress(o, "cluster", 0, 1);
        j.labels = vcd_xmalloc(j.run.forms.n * sizeof *j.labels);
        j.probs = vcd_xmalloc(j.run.forms.n * sizeof *j.probs);
        rc = o->link == VCD_LINK_LEGACY ? link_legacy(o, &j, r) : link_identity(o, &j, r);
        progress(o, "cluster", 1, 1);
    }
    double t4 = now_seconds();
    r->seconds_cluster += t4 - t3;
    if (!rc) {
        vcd_entities_build(j.run.corpus, &j.run.mentions, &j.run.forms, j.labels, j.probs,
                           &j.entities);
        if (j.run.link_forms) vcd_entities_link_kb(&j.entities, j.run.link_forms, &j.run.forms);
    }
    double t5 = now_seconds();
    r->seconds_index = t5 - t4;
    if (cluster_mpi_size() > 1) { /* every rank writes its part of mentions.jsonl */
        remove_stale(o->out_dir);
        rc = cluster_mpi_write_mentions(o->out_dir, &j.run, j.probs, &j.entities, rc);
        j.run.mentions_written = rc == VCD_OK;
    }
    if (!rc) {
        r->mentions = j.run.mentions.n;
        r->forms = j.run.forms.n;
        r->entities = j.entities.n;
        for (size_t i = 0; i < j.run.mentions.n; i++)
            r->noise_mentions += j.run.mentions.items[i].entity_id < 0;
        rc = write_state(o, &j, r);
    }
    r->seconds_write = now_seconds() - t5;
    job_free(&j);
    vcd_dir_unlock(lock);
    return rc;
}
