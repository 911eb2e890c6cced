/* `vcdiscover update`: new comments into an existing state with its entity
 * ids kept.
 *
 * Only the new comments are ingested and tagged. The old comments' text and
 * mentions come back from the state (docs.jsonl, mentions.jsonl), so forms,
 * counts, vectors, contexts and co-occurrence are those of all the comments
 * together, as a one-shot `cluster` would see them (encoding is cheap next
 * to tagging). The linkage then starts from the state's entities as fixed
 * groups (vcd_link_cluster_anchored): a new form joins an old entity only
 * where the linkage would join it, two old entities never merge (a join the
 * evidence now makes is reported as a proposed merge), and what is left
 * becomes new entities numbered after the old ones.
 *
 * The new state is written complete (manifest last) into a staging
 * directory next to the target, which is then swapped with the target in
 * one rename (RENAME_EXCHANGE): an interrupted update leaves the old state
 * as it was. */
#define _GNU_SOURCE /* renameat2 */
#include "vcd/fileio.h"
#include "vcd/linker.h"
#include "vcd/pipeline.h"
#include "vcd/state.h"
#include "vcd/strmap.h"
#include "vcd/text.h"
#include "vcd/vectors.h"
#include "../state/state_files.h"
#include "../state/state_internal.h"
#include "pipeline_internal.h"

#include <cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* Proposed merges written to the manifest (all are counted). */
#define MAX_MERGES_LISTED 50

typedef struct {
    vcd_records old;
    cJSON *manifest;
    vcd_corpus *fresh; /* the new input as ingested */
    vcd_corpus all;    /* old documents then new ones; borrows every string */
    size_t n_old_docs;
    vcd_link_run run; /* run.corpus is &all */
    int32_t *labels;
    double *probs;
    vcd_entities entities;
    vcd_link_merges merges;
    vcd_cluster_report cr;
    vcd_mapped_file sums_file;     /* the state's form sums: run.prior points into it */
    vcd_mapped_file contexts_file; /* and its form contexts */
} update_job;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void job_free(update_job *j)
{
    j->run.corpus = NULL; /* &all: not the run's to free */
    vcd_link_run_free(&j->run);
    free(j->all.docs);
    vcd_strmap_free(j->all.id_index);
    vcd_corpus_free(j->fresh);
    vcd_records_free(&j->old);
    cJSON_Delete(j->manifest);
    free(j->labels);
    free(j->probs);
    vcd_entities_free(&j->entities);
    free(j->merges.items);
    vcd_unmap_file(&j->sums_file);
    vcd_unmap_file(&j->contexts_file);
}

/* The state's form sums and contexts, when it has them (states of older
 * versions do not: then every mention is encoded and read again). */
static vcd_status read_form_sums(const char *dir, update_job *j)
{
    const cJSON *files = cJSON_GetObjectItemCaseSensitive(j->manifest, "files");
    if (!cJSON_GetObjectItemCaseSensitive(files, STATE_FORM_SUMS)) return VCD_OK;
    vcd_status rc = state_file_map(j->manifest, dir, STATE_FORM_SUMS, &j->sums_file);
    if (rc) return rc;
    char *path = vcd_path_join(dir, STATE_FORM_SUMS);
    rc = state_check_form_sums(path, &j->sums_file, &j->run.prior);
    free(path);
    if (rc || !cJSON_GetObjectItemCaseSensitive(files, STATE_FORM_CONTEXTS)) return rc;
    rc = state_file_map(j->manifest, dir, STATE_FORM_CONTEXTS, &j->contexts_file);
    if (rc) return rc;
    path = vcd_path_join(dir, STATE_FORM_CONTEXTS);
    rc = state_check_form_contexts(path, &j->contexts_file, &j->run.prior);
    free(path);
    return rc;
}

/* The state as every reader checks it, plus what an update needs: identity
 * linking, the comment text, every mention in an entity. */
static vcd_status read_state(const char *dir, update_job *j)
{
    vcd_status rc;
    j->manifest = state_read_json(dir, "manifest.json", &rc);
    if (rc) return rc;
    const char *schema = state_str(j->manifest, "schema");
    if (!schema || strcmp(schema, VCD_STATE_MANIFEST_SCHEMA) != 0)
        return vcd_fail(VCD_EINPUT, "%s/manifest.json: schema is not %s (re-run `cluster`)", dir,
                        VCD_STATE_MANIFEST_SCHEMA);
    const cJSON *cl = cJSON_GetObjectItemCaseSensitive(j->manifest, "clustering");
    const char *link = state_str(cl, "link");
    if (!link || strcmp(link, "identity") != 0)
        return vcd_fail(VCD_EINPUT, "%s: update needs a state linked by identity (not --link %s)",
                        dir, link ? link : "legacy");
    if ((rc = vcd_records_load(dir, &j->old))) return rc;
    for (size_t i = 0; i < j->old.n_docs; i++)
        if (!j->old.docs[i].text)
            return vcd_fail(VCD_EINPUT,
                            "%s/docs.jsonl: written with --no-text; update needs the comment "
                            "text (re-run `cluster` without --no-text)",
                            dir);
    for (size_t i = 0; i < j->old.n_mentions; i++)
        if (j->old.mentions[i].entity_id < 0)
            return vcd_fail(VCD_EINPUT, "%s/mentions.jsonl:%zu: mention in no entity", dir, i + 1);
    return read_form_sums(dir, j);
}

static const char *manifest_str(const cJSON *m, const char *section, const char *key)
{
    return state_str(cJSON_GetObjectItemCaseSensitive(m, section), key);
}

static vcd_status mismatch(const char *dir, const char *what, const char *state, const char *now)
{
    return vcd_fail(VCD_EINPUT,
                    "%s: built with %s %s, this update uses %s (give update the options `cluster` "
                    "was run with)",
                    dir, what, state ? state : "none", now ? now : "none");
}

/* The settings that shape mentions, vectors and evidence must be the
 * state's: checked before anything expensive runs. */
static vcd_status check_settings(const vcd_cluster_options *o, const char *dir, update_job *j)
{
    char hex[24] = "";
    const char *want = manifest_str(j->manifest, "vectors", "digest");
    if (j->run.vectors)
        snprintf(hex, sizeof hex, "%016llx",
                 (unsigned long long)vcd_vectors_digest(j->run.vectors));
    if ((want != NULL) != (j->run.vectors != NULL) || (want && strcmp(want, hex) != 0))
        return mismatch(dir, "word vectors", want, j->run.vectors ? hex : NULL);
    vcd_encoder *enc;
    vcd_status rc = vcd_encoder_open(o->encoder_spec, j->run.vectors, &o->encoder, &enc);
    if (rc) return rc;
    want = manifest_str(j->manifest, "encoder", "description");
    if (!want || strcmp(want, vcd_encoder_describe(enc)) != 0)
        rc = mismatch(dir, "encoder", want, vcd_encoder_describe(enc));
    vcd_encoder_free(enc);
    if (rc) return rc;
    const cJSON *cl = cJSON_GetObjectItemCaseSensitive(j->manifest, "clustering");
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cl, "cannot_link")) != (o->cannot_link != 0))
        return mismatch(dir, "--cannot-link", o->cannot_link ? "off" : "on",
                        o->cannot_link ? "on" : "off");
    return VCD_OK;
}

static vcd_status check_tagger_and_kb(const char *dir, update_job *j)
{
    const char *want = manifest_str(j->manifest, "tagger", "name");
    if (!want || strcmp(want, j->run.tagger) != 0)
        return mismatch(dir, "tagger", want, j->run.tagger);
    const cJSON *cl = cJSON_GetObjectItemCaseSensitive(j->manifest, "clustering");
    want = state_str(cJSON_GetObjectItemCaseSensitive(cl, "kb"), "digest");
    char hex[24] = "";
    if (j->run.kb)
        snprintf(hex, sizeof hex, "%016llx", (unsigned long long)vcd_kb_digest(j->run.kb));
    if ((want != NULL) != (j->run.kb != NULL) || (want && strcmp(want, hex) != 0))
        return mismatch(dir, "knowledge base", want, j->run.kb ? hex : NULL);
    return VCD_OK;
}

/* all = the state's documents, then the new ones whose id the state does not
 * hold (those are counted as duplicates). */
static void build_union(update_job *j, vcd_update_report *r)
{
    const vcd_records *old = &j->old;
    size_t n_fresh = j->fresh->n_docs;
    j->all.docs = vcd_xmalloc((old->n_docs + n_fresh + 1) * sizeof *j->all.docs);
    vcd_strmap *ids = vcd_strmap_new();
    for (size_t i = 0; i < old->n_docs; i++) {
        const vcd_record_doc *d = &old->docs[i];
        size_t cps = vcd_utf8_length(d->text, strlen(d->text));
        j->all.docs[i] = (vcd_doc){d->id, d->text, d->author, d->time, d->likes, d->replies, cps};
        vcd_strmap_upsert(ids, d->id, strlen(d->id), i, NULL);
    }
    size_t n = old->n_docs;
    for (size_t i = 0; i < n_fresh; i++) {
        const vcd_doc *d = &j->fresh->docs[i];
        if (vcd_strmap_get(ids, d->id, strlen(d->id), SIZE_MAX) != SIZE_MAX) {
            r->duplicates_skipped++;
            continue;
        }
        j->all.docs[n++] = *d;
    }
    vcd_strmap_free(ids);
    j->n_old_docs = old->n_docs;
    j->all.n_docs = j->all.cap = n;
    j->all.has_date_column = old->has_dates || j->fresh->has_date_column;
    j->all.has_likes_column = old->has_likes || j->fresh->has_likes_column;
    j->all.has_replies_column = old->has_replies || j->fresh->has_replies_column;
    j->all.stats = j->fresh->stats;
    j->all.stats.skipped_duplicate += r->duplicates_skipped;
    r->docs_read = n_fresh;
    r->docs_added = n - old->n_docs;
}

/* The state's mentions, back in the corpus with byte offsets, each still
 * carrying its entity (the anchor of its form). */
static vcd_status old_mentions(update_job *j, const char *dir)
{
    for (size_t i = 0; i < j->old.n_mentions; i++) {
        const vcd_record_mention *m = &j->old.mentions[i];
        vcd_mention x;
        if (!state_record_mention(&j->old, i, &x))
            return vcd_fail(VCD_EINPUT,
                            "%s/mentions.jsonl:%zu: span %u..%u is not \"%s\" in its comment", dir,
                            i + 1, m->start, m->end, m->text);
        vcd_mentions_push(&j->run.mentions, &x);
    }
    return VCD_OK;
}

/* Mentions of the new documents only: the tagger sees just them; a mentions
 * file is read against every document and keeps the new documents' lines. */
static vcd_status new_mentions(const vcd_cluster_options *o, update_job *j, vcd_update_report *r)
{
    vcd_corpus view = j->all;
    view.docs += j->n_old_docs;
    view.n_docs = view.cap = j->all.n_docs - j->n_old_docs;
    view.id_index = NULL;
    vcd_mentions ms = {0};
    size_t skipped = j->cr.skipped_mentions;
    vcd_status rc = cluster_find_mentions(o, o->mentions_path ? &j->all : &view, j->run.vectors,
                                          &ms, &j->run.tagger, &j->cr);
    vcd_strmap_free(view.id_index);
    if (o->mentions_path) j->cr.skipped_mentions = skipped + j->cr.skipped_mentions;
    for (size_t i = 0; !rc && i < ms.n; i++) {
        vcd_mention m = ms.items[i];
        if (o->mentions_path) {
            if (m.doc < j->n_old_docs) continue; /* already in the state */
        } else {
            m.doc += (uint32_t)j->n_old_docs;
        }
        m.entity_id = -1;
        vcd_mentions_push(&j->run.mentions, &m);
        r->mentions_added++;
    }
    vcd_mentions_free(&ms);
    return rc;
}

/* anchor[f]: the state entity of form f (-1: a form the state never saw). */
static int32_t *form_anchors(const update_job *j, vcd_update_report *r)
{
    const vcd_link_run *run = &j->run;
    int32_t *anchor = vcd_xmalloc((run->forms.n + 1) * sizeof *anchor);
    for (size_t f = 0; f < run->forms.n; f++)
        anchor[f] = -1;
    for (size_t i = 0; i < run->mentions.n; i++) {
        const vcd_mention *m = &run->mentions.items[i];
        if (m->doc < j->n_old_docs && anchor[m->form] < 0) anchor[m->form] = m->entity_id;
    }
    for (size_t f = 0; f < run->forms.n; f++)
        r->forms_added += anchor[f] < 0;
    return anchor;
}

static vcd_status link_update(const vcd_cluster_options *o, update_job *j, vcd_update_report *r)
{
    double cannot;
    vcd_status rc = cluster_link_score(o, &j->run, &cannot, &j->cr.order_lift);
    if (rc) return rc;
    size_t n = j->run.forms.n;
    int32_t n_old = (int32_t)j->old.n_entities;
    int32_t *anchor = form_anchors(j, r);
    j->labels = vcd_xmalloc((n + 1) * sizeof *j->labels);
    j->probs = vcd_xmalloc((n + 1) * sizeof *j->probs);
    size_t groups = vcd_link_cluster_anchored(&j->run.pairs, j->run.link_forms, 0.5, cannot, anchor,
                                              n_old, &j->merges, j->labels);
    free(anchor);
    cluster_pair_membership(&j->run.pairs, j->labels, n, j->probs);
    /* as in `cluster`, a form joined to nothing is an entity of its own */
    int32_t next = n_old + (int32_t)groups;
    for (size_t f = 0; f < n; f++)
        if (j->labels[f] < 0) {
            j->labels[f] = next++;
            j->probs[f] = 1.0;
        }
    r->proposed_merges = j->merges.n;
    return VCD_OK;
}

/* vcd_entities_build numbers entities by size; the state's keep their ids
 * and the new ones follow in that order. */
static vcd_status renumber(update_job *j, const char *dir)
{
    vcd_entities *e = &j->entities;
    size_t n_old = j->old.n_entities;
    vcd_entity *items = vcd_xcalloc(e->n + 1, sizeof *items);
    int32_t *final_id = vcd_xmalloc((e->n + 1) * sizeof *final_id);
    uint8_t *filled = vcd_xcalloc(e->n + 1, 1);
    size_t next = n_old;
    vcd_status rc = VCD_OK;
    for (size_t k = 0; k < e->n; k++) {
        int32_t label = j->labels[e->items[k].aliases[0]];
        size_t id = label < (int32_t)n_old ? (size_t)label : next++;
        final_id[k] = (int32_t)id;
        if (id >= e->n || filled[id]) {
            rc = vcd_fail(VCD_ERUNTIME, "update: entity numbering went wrong at %zu", id);
            break;
        }
        items[id] = e->items[k];
        items[id].id = (int32_t)id;
        filled[id] = 1;
    }
    for (size_t id = 0; !rc && id < e->n; id++)
        if (!filled[id])
            rc = vcd_fail(VCD_EINPUT, "%s/entities.json: entity %zu has no mention", dir, id);
    if (rc) {
        free(items); /* the entities still own everything */
    } else {
        free(e->items);
        e->items = items;
        for (size_t f = 0; f < j->run.forms.n; f++) {
            int32_t b = j->run.forms.items[f].entity_id;
            j->run.forms.items[f].entity_id = b < 0 ? -1 : final_id[b];
        }
        for (size_t i = 0; i < j->run.mentions.n; i++)
            j->run.mentions.items[i].entity_id =
                j->run.forms.items[j->run.mentions.items[i].form].entity_id;
    }
    free(final_id);
    free(filled);
    return rc;
}

static void count_changes(const update_job *j, vcd_update_report *r)
{
    size_t n_old = j->old.n_entities;
    uint8_t *grown = vcd_xcalloc(n_old + 1, 1);
    for (size_t i = 0; i < j->run.mentions.n; i++) {
        const vcd_mention *m = &j->run.mentions.items[i];
        if (m->doc >= j->n_old_docs && m->entity_id >= 0 && (size_t)m->entity_id < n_old)
            grown[m->entity_id] = 1;
    }
    for (size_t e = 0; e < n_old; e++)
        r->entities_grown += grown[e];
    free(grown);
    r->new_entities = j->entities.n - n_old;
    r->docs = j->all.n_docs;
    r->mentions = j->run.mentions.n;
    r->forms = j->run.forms.n;
    r->entities = j->entities.n;
}

static double old_count(const cJSON *in, const char *key)
{
    return state_num(in, key, 0);
}

/* The input section describes every comment in the state: the first input's
 * path, and the row counts of all inputs together. */
static void merge_input_stats(update_job *j)
{
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(j->manifest, "input");
    vcd_ingest_stats *s = &j->all.stats;
    s->rows_read += (size_t)old_count(in, "rows_read");
    s->skipped_invalid_utf8 += (size_t)old_count(in, "skipped_invalid_utf8");
    s->skipped_malformed += (size_t)old_count(in, "skipped_malformed");
    s->skipped_empty += (size_t)old_count(in, "skipped_empty");
    s->skipped_duplicate += (size_t)old_count(in, "skipped_duplicate");
    s->bad_dates += (size_t)old_count(in, "bad_dates");
    s->bad_numbers += (size_t)old_count(in, "bad_numbers");
    const cJSON *tg = cJSON_GetObjectItemCaseSensitive(j->manifest, "tagger");
    j->cr.skipped_mentions += (size_t)state_num(tg, "skipped_mentions", 0);
}

static vcd_status input_digest(const char *path, char hex[24])
{
    vcd_mapped_file f;
    vcd_status rc = vcd_map_file(path, &f);
    if (rc) return rc;
    snprintf(hex, 24, "%016llx", (unsigned long long)(vcd_hash64(f.data, f.len, f.len) | 1));
    vcd_unmap_file(&f);
    return VCD_OK;
}

/* One entry of the manifest's `updates`. No wall clock: `when` is the
 * latest date among the new comments (null without dates), and the input
 * digest names the input. */
static cJSON *update_record(const vcd_cluster_options *o, const update_job *j,
                            const vcd_update_report *r, const char *digest)
{
    cJSON *u = cJSON_CreateObject();
    int64_t when = VCD_NO_DATE;
    for (size_t d = j->n_old_docs; d < j->all.n_docs; d++)
        if (j->all.docs[d].time != VCD_NO_DATE &&
            (when == VCD_NO_DATE || j->all.docs[d].time > when))
            when = j->all.docs[d].time;
    if (when == VCD_NO_DATE) {
        cJSON_AddNullToObject(u, "when");
    } else {
        char buf[32];
        vcd_format_iso8601(when, buf);
        cJSON_AddStringToObject(u, "when", buf);
    }
    cJSON_AddStringToObject(u, "input", o->input);
    cJSON_AddStringToObject(u, "input_digest", digest);
    cJSON_AddNumberToObject(u, "comments_read", (double)r->docs_read);
    cJSON_AddNumberToObject(u, "comments_added", (double)r->docs_added);
    cJSON_AddNumberToObject(u, "duplicates_skipped", (double)r->duplicates_skipped);
    cJSON_AddNumberToObject(u, "mentions_added", (double)r->mentions_added);
    cJSON_AddNumberToObject(u, "forms_added", (double)r->forms_added);
    cJSON_AddNumberToObject(u, "entities_grown", (double)r->entities_grown);
    cJSON_AddNumberToObject(u, "new_entities", (double)r->new_entities);
    cJSON_AddNumberToObject(u, "first_new_entity", (double)j->old.n_entities);
    cJSON_AddNumberToObject(u, "proposed_merges", (double)j->merges.n);
    cJSON *pm = cJSON_AddArrayToObject(u, "merges");
    for (size_t i = 0; i < j->merges.n && i < MAX_MERGES_LISTED; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddNumberToObject(x, "a", j->merges.items[i].a);
        cJSON_AddNumberToObject(x, "b", j->merges.items[i].b);
        cJSON_AddNumberToObject(x, "p", (double)(int)(j->merges.items[i].p * 1e4f + 0.5f) / 1e4);
        cJSON_AddItemToArray(pm, x);
    }
    return u;
}

static cJSON *build_manifest(const vcd_cluster_options *o, update_job *j,
                             const vcd_update_report *r, cJSON *files, const char *digest)
{
    vcd_cluster_options first = *o; /* the input section names the first input */
    const char *path = manifest_str(j->manifest, "input", "path");
    first.input = path ? path : o->input;
    j->cr.docs = r->docs;
    j->cr.mentions = r->mentions;
    j->cr.forms = r->forms;
    j->cr.entities = r->entities;
    j->cr.noise_mentions = 0;
    cJSON *m = cluster_manifest(&first, &j->all, j->run.encoder, j->run.vectors, j->run.kb, files,
                                j->run.tagger, &j->cr);
    const cJSON *old = cJSON_GetObjectItemCaseSensitive(j->manifest, "updates");
    cJSON *ups = cJSON_IsArray(old) ? cJSON_Duplicate(old, 1) : cJSON_CreateArray();
    cJSON_AddItemToArray(ups, update_record(o, j, r, digest));
    cJSON_AddItemToObject(m, "updates", ups);
    return m;
}

/* dir without trailing slashes + ".update-tmp": next to the target, so the
 * swap stays within one file system. */
static char *staging_path(const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    char *p = vcd_xmalloc(n + 16);
    memcpy(p, dir, n);
    memcpy(p + n, ".update-tmp", 12);
    return p;
}

static int is_state_file(const char *name)
{
    static const char *const names[] = {"manifest.json", "docs.jsonl",        "mentions.jsonl",
                                        "forms.jsonl",   "entities.json",     STATE_FORM_VECTORS,
                                        STATE_FORM_SUMS, STATE_FORM_CONTEXTS, VCD_LOCK_FILE};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i]) == 0) return 1;
    return 0;
}

/* Files the user keeps beside the state (trends.json, a report) stay in the
 * directory: hard links into the staging copy before the swap. */
static void carry_over(const char *target, const char *stage)
{
    DIR *d = opendir(target);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
            continue;
        if (is_state_file(e->d_name) || e->d_type != DT_REG) continue;
        char *from = vcd_path_join(target, e->d_name), *to = vcd_path_join(stage, e->d_name);
        int linked = link(from, to) == 0; /* best effort: a file left behind is not the state */
        (void)linked;
        free(from);
        free(to);
    }
    closedir(d);
}

static vcd_status swap_in(const char *stage, const char *target)
{
    if (renameat2(AT_FDCWD, stage, AT_FDCWD, target, RENAME_EXCHANGE) == 0) return VCD_OK;
    return vcd_fail(VCD_ERUNTIME, "%s: cannot swap in the updated state: %s", target,
                    strerror(errno));
}

static vcd_status write_update(const vcd_cluster_options *o, update_job *j, const char *target,
                               const vcd_update_report *r)
{
    char digest[24];
    vcd_status rc = input_digest(o->input, digest);
    if (rc) return rc;
    char *stage = staging_path(target);
    vcd_remove_tree(stage); /* what an interrupted update left */
    int lock = -1;
    rc = vcd_ensure_dir(stage);
    if (!rc) rc = vcd_dir_lock(stage, &lock);
    cJSON *files = NULL;
    if (!rc) rc = cluster_write_files(stage, &j->run, j->probs, &j->entities, o->keep_text, &files);
    if (!rc) {
        cJSON *m = build_manifest(o, j, r, files, digest);
        rc = cluster_write_manifest(stage, m);
        cJSON_Delete(m);
    }
    if (!rc) carry_over(target, stage);
    if (!rc) rc = swap_in(stage, target);
    /* after the swap, stage holds the old state */
    vcd_remove_tree(stage);
    vcd_dir_unlock(lock);
    free(stage);
    return rc;
}

static int is_txt(const vcd_cluster_options *o)
{
    size_t n = strlen(o->input);
    return o->ingest.format == VCD_FORMAT_TXT || (o->ingest.format == VCD_FORMAT_AUTO && n >= 4 &&
                                                  strcasecmp(o->input + n - 4, ".txt") == 0);
}

static vcd_status run_update(const vcd_update_options *uo, update_job *j, vcd_update_report *r)
{
    const vcd_cluster_options *o = &uo->cluster;
    double t0 = now_seconds();
    vcd_status rc = read_state(uo->state_dir, j);
    if (!rc && o->vectors_path) rc = vcd_vectors_open(o->vectors_path, &j->run.vectors);
    if (!rc) rc = check_settings(o, uo->state_dir, j);
    double t1 = now_seconds();
    r->seconds_read = t1 - t0;
    if (!rc) rc = vcd_corpus_load(o->input, &o->ingest, &j->fresh);
    if (rc) return rc;
    build_union(j, r);
    if (r->duplicates_skipped && is_txt(o) && o->warn)
        o->warn(o->warn_ctx, "plain-text input: comment ids are line numbers, so lines of a new "
                             "file share ids with the state's comments and are skipped as "
                             "duplicates; give new comments ids (CSV or JSON Lines)");
    double t2 = now_seconds();
    r->seconds_ingest = t2 - t1;
    /* nothing new: the state stays as it is (a state asked for elsewhere is
     * still written) */
    int elsewhere = uo->out_dir && strcmp(uo->out_dir, uo->state_dir) != 0;
    if (r->docs_added == 0 && !elsewhere) return VCD_OK;
    j->run.corpus = &j->all;
    j->run.linked_docs = j->n_old_docs;
    if ((rc = old_mentions(j, uo->state_dir)) || (rc = new_mentions(o, j, r))) return rc;
    double t3 = now_seconds();
    r->seconds_tag = t3 - t2;
    if ((rc = vcd_link_run_finish(o, &j->run, &j->cr))) return rc;
    if ((rc = check_tagger_and_kb(uo->state_dir, j))) return rc;
    r->seconds_encode = j->cr.seconds_encode;
    r->mentions_encoded = j->run.mentions_encoded;
    if ((rc = link_update(o, j, r))) return rc;
    vcd_entities_build(&j->all, &j->run.mentions, &j->run.forms, j->labels, j->probs, &j->entities);
    if ((rc = renumber(j, uo->state_dir))) return rc;
    if (j->run.link_forms) vcd_entities_link_kb(&j->entities, j->run.link_forms, &j->run.forms);
    count_changes(j, r);
    merge_input_stats(j);
    double t4 = now_seconds();
    r->seconds_link = t4 - t3 - r->seconds_encode;
    rc = write_update(o, j, uo->out_dir ? uo->out_dir : uo->state_dir, r);
    r->written = rc == VCD_OK;
    r->seconds_write = now_seconds() - t4;
    return rc;
}

vcd_status vcd_run_update(const vcd_update_options *uo, vcd_update_report *r)
{
    memset(r, 0, sizeof *r);
    if (uo->cluster.link != VCD_LINK_IDENTITY)
        return vcd_fail(VCD_EINPUT, "update: only identity linking keeps entity ids (no --link "
                                    "legacy, --algo)");
    /* a missing or unfinished state is reported before a lock file is made */
    char *man = vcd_path_join(uo->state_dir, "manifest.json");
    int present = access(man, R_OK) == 0;
    free(man);
    if (!present)
        return vcd_fail(VCD_EINPUT,
                        "%s/manifest.json: missing (not a state directory, or an "
                        "unfinished run)",
                        uo->state_dir);
    int lock_state = -1, lock_out = -1;
    vcd_status rc = vcd_dir_lock(uo->state_dir, &lock_state);
    if (!rc && uo->out_dir && strcmp(uo->out_dir, uo->state_dir) != 0) {
        rc = vcd_ensure_dir(uo->out_dir);
        if (!rc) rc = vcd_dir_lock(uo->out_dir, &lock_out);
    }
    update_job j;
    memset(&j, 0, sizeof j);
    if (!rc) rc = run_update(uo, &j, r);
    job_free(&j);
    vcd_dir_unlock(lock_out);
    vcd_dir_unlock(lock_state);
    return rc;
}
