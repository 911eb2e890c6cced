/* libFuzzer: the state directory readers (vcd_state_open for match,
 * vcd_records_load for trends/report/eval, and the form-sum and context
 * checks `update` runs): manifest.json (with its updates[].merges),
 * docs.jsonl, mentions.jsonl, forms.jsonl, entities.json, form_vectors.bin,
 * form_sums.bin, form_contexts.bin. index.faiss is never read (`match`
 * rebuilds the index from form_vectors.bin), so it is not here.
 *
 * Input: first byte = mode, then the payload.
 *   mode & 0x0F == 0   the payload is a whole directory: repeated
 *                      [file index byte][uint32 LE length][bytes]
 *   mode & 0x0F in 1-8 the payload replaces that one file of a valid state
 *                      built once from a tiny corpus
 *   mode & 0x80        re-record every file's size, lines and digest in the
 *                      manifest afterwards (as a forger would), so that the
 *                      parsers behind the integrity check are reached too. */
#include "../../src/state/state_files.h"
#include "../../src/state/state_internal.h"
#include "vcd/fileio.h"
#include "vcd/pipeline.h"
#include "vcd/state.h"

#include <cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const names[] = {"manifest.json", "docs.jsonl",       "mentions.jsonl",
                                    "forms.jsonl",   "entities.json",    STATE_FORM_VECTORS,
                                    STATE_FORM_SUMS, STATE_FORM_CONTEXTS};
enum { N_NAMES = sizeof names / sizeof *names };

static char template_dir[64], work_dir[64];
static vcd_mapped_file template_files[N_NAMES];

static void put(const char *dir, const char *name, const void *p, size_t n)
{
    char *path = vcd_path_join(dir, name);
    vcd_write_file_atomic(path, p, n);
    free(path);
}

static void remove_dirs(void)
{
    vcd_remove_tree(template_dir);
    vcd_remove_tree(work_dir);
}

static void build_template(void)
{
    strcpy(template_dir, "/tmp/vcd_fuzz_state_XXXXXX");
    strcpy(work_dir, "/tmp/vcd_fuzz_work_XXXXXX");
    if (!mkdtemp(template_dir) || !mkdtemp(work_dir)) abort();
    atexit(remove_dirs);
    const char *csv = "id,date,text\n1,2026-01-01,Apple Vision Pro is out\n"
                      "2,2026-01-02,the Apple Vision Pro again\n3,2026-01-09,AVP and Apple "
                      "Vision Pro\n4,2026-02-01,Taylor Swift sings\n5,2026-02-02,Taylor Swift\n";
    put(template_dir, "in.csv", csv, strlen(csv));
    vcd_cluster_options o;
    vcd_cluster_options_default(&o);
    char *in = vcd_path_join(template_dir, "in.csv");
    o.input = in;
    o.out_dir = template_dir;
    o.tagger_spec = "rules";
    /* No KB: opening the shipped 3.8 MB one on every input made runs 12x
     * slower. The seed manifest_default_kb names it, so the KB digest check
     * is still reached. */
    o.kb_spec = "none";
    o.hdbscan.min_cluster_size = 2;
    vcd_cluster_report r;
    if (vcd_run_cluster(&o, &r) != VCD_OK) abort();
    free(in);
    for (size_t i = 0; i < N_NAMES; i++) {
        char *path = vcd_path_join(template_dir, names[i]);
        if (vcd_map_file(path, &template_files[i]) != VCD_OK) abort();
        free(path);
    }
}

static void clear_work(void)
{
    for (size_t i = 0; i < N_NAMES; i++) {
        char *path = vcd_path_join(work_dir, names[i]);
        unlink(path);
        free(path);
    }
}

static void forge_manifest(void)
{
    char *path = vcd_path_join(work_dir, "manifest.json");
    vcd_mapped_file f;
    if (vcd_map_file(path, &f) == VCD_OK) {
        cJSON *man = cJSON_ParseWithLength((const char *)f.data, f.len);
        vcd_unmap_file(&f);
        if (cJSON_IsObject(man)) {
            cJSON_DeleteItemFromObjectCaseSensitive(man, "files");
            cJSON *files = cJSON_AddObjectToObject(man, "files");
            for (size_t i = 1; i < N_NAMES; i++)
                state_file_record(files, work_dir, names[i]); /* missing files stay out */
            char *s = cJSON_PrintUnformatted(man);
            vcd_write_file_atomic(path, s, strlen(s));
            cJSON_free(s);
        }
        cJSON_Delete(man);
    }
    free(path);
}

static void read_form_contexts(const cJSON *man, vcd_form_sums_view *v)
{
    vcd_mapped_file f;
    if (state_file_map(man, work_dir, STATE_FORM_CONTEXTS, &f) != VCD_OK) return;
    char *path = vcd_path_join(work_dir, STATE_FORM_CONTEXTS);
    if (state_check_form_contexts(path, &f, v) == VCD_OK)
        for (size_t i = 0; i < v->n_forms * v->ctx_dim; i++)
            if (!(v->contexts[i] == v->contexts[i])) __builtin_trap(); /* finite, checked */
    free(path);
    vcd_unmap_file(&f);
}

/* As `update` reads them: through the manifest, then the checks that keep
 * its additions from overflowing. */
static void read_form_sums(void)
{
    vcd_status rc;
    cJSON *man = state_read_json(work_dir, "manifest.json", &rc);
    vcd_mapped_file f;
    if (man && state_file_map(man, work_dir, STATE_FORM_SUMS, &f) == VCD_OK) {
        char *path = vcd_path_join(work_dir, STATE_FORM_SUMS);
        vcd_form_sums_view v;
        if (state_check_form_sums(path, &f, &v) == VCD_OK) {
            uint64_t acc = 0; /* touch every word the check passed */
            for (size_t i = 0; i < v.n_forms * v.dim; i++)
                acc ^= (uint64_t)v.sums[i];
            for (size_t i = 0; i < v.n_forms; i++)
                if (v.counts[i] == 0) __builtin_trap();
            if (acc == 1) __builtin_trap(); /* keeps the loop */
            read_form_contexts(man, &v);
        }
        free(path);
        vcd_unmap_file(&f);
    }
    cJSON_Delete(man);
}

static void read_back(void)
{
    vcd_state *s = NULL;
    /* a vector path that cannot exist: the fuzzer must not pick files to map */
    if (vcd_state_open(work_dir, "/nonexistent/fuzz.vcdv", &s) == VCD_OK) {
        vcd_match_hit hits[3];
        size_t n;
        vcd_state_match(s, "Apple Vision Pro", 3, 0.0, hits, &n);
        vcd_state_match(s, "AVP", 3, 0.0, hits, &n);
        vcd_state_close(s);
    }
    read_form_sums();
    vcd_records r;
    if (vcd_records_load(work_dir, &r) == VCD_OK) {
        for (size_t i = 0; i < r.n_mentions; i++)
            if (r.mentions[i].doc >= r.n_docs || r.mentions[i].entity_id >= (int32_t)r.n_entities)
                __builtin_trap();
        size_t *order, *start;
        vcd_records_group_by_entity(&r, &order, &start);
        free(order);
        free(start);
        vcd_records_free(&r);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!template_dir[0]) build_template();
    if (size < 1) return 0;
    unsigned mode = data[0];
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    clear_work();
    if ((mode & 0x0F) == 0) {
        while (n >= 5) {
            size_t idx = p[0] % N_NAMES;
            uint32_t len;
            memcpy(&len, p + 1, 4);
            p += 5;
            n -= 5;
            if (len > n) len = (uint32_t)n;
            put(work_dir, names[idx], p, len);
            p += len;
            n -= len;
        }
    } else {
        size_t which = ((mode & 0x0F) - 1) % N_NAMES;
        for (size_t i = 0; i < N_NAMES; i++)
            if (i == which)
                put(work_dir, names[i], p, n);
            else
                put(work_dir, names[i], template_files[i].data, template_files[i].len);
    }
    if (mode & 0x80) forge_manifest();
    read_back();
    return 0;
}
