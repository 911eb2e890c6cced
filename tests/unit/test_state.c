/* The state directory as hostile input: every file is checked against the
 * manifest (size, lines, digest), the FAISS index is rebuilt from validated
 * form vectors, and a crafted file with a matching digest is still refused. */
#include "../../src/state/state_files.h"
#include "../../src/state/state_internal.h"
#include "test.h"
#include "vcd/fileio.h"
#include "vcd/pipeline.h"
#include "vcd/state.h"

#include <cJSON.h>
#include <math.h>
#include <sys/stat.h>

static char *build_state(void)
{
    char *dir = strdup("/tmp/vcd_state_XXXXXX");
    if (!mkdtemp(dir)) return dir;
    vcd_cluster_options o;
    vcd_cluster_options_default(&o);
    o.input = VCD_SOURCE_DIR "/tests/data/synthetic_comments.csv";
    o.out_dir = dir;
    o.tagger_spec = "rules";
    vcd_cluster_report r;
    vcd_status rc = vcd_run_cluster(&o, &r);
    CHECK_MSG(rc == VCD_OK, "%s", rc ? vcd_last_error() : "");
    return dir;
}

static void copy_file(const char *from, const char *to)
{
    vcd_mapped_file f;
    if (vcd_map_file(from, &f) != VCD_OK) return;
    CHECK(vcd_write_file_atomic(to, f.data, f.len) == VCD_OK);
    vcd_unmap_file(&f);
}

/* A fresh copy of the state directory (flat: states have no subfolders). */
static char *copy_state(const char *src)
{
    char *dir = strdup("/tmp/vcd_state_copy_XXXXXX");
    if (!mkdtemp(dir)) return dir;
    const char *names[] = {"manifest.json", "docs.jsonl",       "mentions.jsonl",
                           "forms.jsonl",   "entities.json",    STATE_FORM_VECTORS,
                           STATE_FORM_SUMS, STATE_FORM_CONTEXTS};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char *a = vcd_path_join(src, names[i]), *b = vcd_path_join(dir, names[i]);
        copy_file(a, b);
        free(a);
        free(b);
    }
    return dir;
}

/* Re-records `name` in the manifest, as a forger who understands the format would. */
static void forge_manifest(const char *dir, const char *name)
{
    char *path = vcd_path_join(dir, "manifest.json");
    vcd_mapped_file f;
    CHECK(vcd_map_file(path, &f) == VCD_OK);
    cJSON *man = cJSON_ParseWithLength((const char *)f.data, f.len);
    vcd_unmap_file(&f);
    cJSON *files = cJSON_GetObjectItemCaseSensitive(man, "files");
    cJSON_DeleteItemFromObjectCaseSensitive(files, name);
    CHECK(state_file_record(files, dir, name) == VCD_OK);
    char *s = cJSON_Print(man);
    CHECK(vcd_write_file_atomic(path, s, strlen(s)) == VCD_OK);
    cJSON_free(s);
    cJSON_Delete(man);
    free(path);
}

static void set_manifest_string(const char *dir, const char *object, const char *key,
                                const char *value)
{
    char *path = vcd_path_join(dir, "manifest.json");
    vcd_mapped_file f;
    CHECK(vcd_map_file(path, &f) == VCD_OK);
    cJSON *man = cJSON_ParseWithLength((const char *)f.data, f.len);
    vcd_unmap_file(&f);
    cJSON *o = cJSON_GetObjectItemCaseSensitive(man, object);
    cJSON_ReplaceItemInObjectCaseSensitive(o, key, cJSON_CreateString(value));
    char *s = cJSON_Print(man);
    CHECK(vcd_write_file_atomic(path, s, strlen(s)) == VCD_OK);
    cJSON_free(s);
    cJSON_Delete(man);
    free(path);
}

/* Rewrites dir/name keeping its first `keep` bytes (0: empty), then appends `extra`. */
static void rewrite(const char *dir, const char *name, size_t keep, const char *extra)
{
    char *path = vcd_path_join(dir, name);
    vcd_mapped_file f;
    CHECK(vcd_map_file(path, &f) == VCD_OK);
    vcd_buf b = {0};
    vcd_buf_append(&b, f.data, keep < f.len ? keep : f.len);
    vcd_buf_puts(&b, extra);
    vcd_unmap_file(&f);
    CHECK(vcd_write_file_atomic(path, b.data, b.len) == VCD_OK);
    vcd_buf_free(&b);
    free(path);
}

static size_t file_size(const char *dir, const char *name)
{
    char *path = vcd_path_join(dir, name);
    struct stat st;
    size_t n = stat(path, &st) == 0 ? (size_t)st.st_size : 0;
    free(path);
    return n;
}

/* Overwrites n bytes of dir/name at offset `at`, keeping the size. */
static void patch(const char *dir, const char *name, long at, const void *bytes, size_t n)
{
    char *path = vcd_path_join(dir, name);
    FILE *f = fopen(path, "r+b");
    CHECK(f && fseek(f, at, SEEK_SET) == 0 && fwrite(bytes, 1, n, f) == n);
    if (f) fclose(f);
    free(path);
}

/* The readers that read `name` refuse the directory, naming the file:
 * match's (forms, entities, vectors) and the records' (docs, mentions, entities). */
static void check_refused(const char *dir, const char *name, const char *why, int open, int records)
{
    if (open) {
        vcd_state *s = NULL;
        vcd_status rc = vcd_state_open(dir, NULL, &s);
        CHECK_MSG(rc == VCD_EINPUT && strstr(vcd_last_error(), name) &&
                      strstr(vcd_last_error(), why),
                  "%s (%s): open gave %d: %s", name, why, (int)rc, rc ? vcd_last_error() : "ok");
        vcd_state_close(s);
    }
    if (records) {
        vcd_records r;
        vcd_status rc = vcd_records_load(dir, &r);
        CHECK_MSG(rc == VCD_EINPUT && strstr(vcd_last_error(), name) &&
                      strstr(vcd_last_error(), why),
                  "%s (%s): records gave %d: %s", name, why, (int)rc, rc ? vcd_last_error() : "ok");
        if (rc == VCD_OK) vcd_records_free(&r);
    }
}

static void test_damaged_files(const char *good)
{
    const struct {
        const char *name;
        int open, records;
    } files[] = {{"docs.jsonl", 0, 1},
                 {"mentions.jsonl", 0, 1},
                 {"forms.jsonl", 1, 0},
                 {"entities.json", 1, 1}};
    for (size_t i = 0; i < 4; i++) {
        const char *name = files[i].name;
        int o = files[i].open, r = files[i].records;
        char *d = copy_state(good);
        rewrite(d, name, file_size(d, name) / 2, ""); /* truncated */
        check_refused(d, name, "bytes, the manifest records", o, r);
        rewrite(d, name, 0, ""); /* emptied */
        check_refused(d, name, "bytes, the manifest records", o, r);
        vcd_remove_tree(d);
        free(d);
        d = copy_state(good);
        patch(d, name, 3, "#", 1); /* one byte changed: same size and lines */
        check_refused(d, name, "digest", o, r);
        vcd_remove_tree(d);
        free(d);
    }
}

static void test_form_vectors(const char *good)
{
    char *d = copy_state(good);
    size_t n = file_size(d, STATE_FORM_VECTORS);
    rewrite(d, STATE_FORM_VECTORS, n - 4, "");
    check_refused(d, STATE_FORM_VECTORS, "bytes, the manifest records", 1, 0);
    /* a forged file whose digest the manifest matches: still validated */
    rewrite(d, STATE_FORM_VECTORS, n - 4, "\xff\xff\xff\xff"); /* NaN */
    forge_manifest(d, STATE_FORM_VECTORS);
    check_refused(d, STATE_FORM_VECTORS, "outside [-1, 1]", 1, 0);
    rewrite(d, STATE_FORM_VECTORS, n - 8, "");
    forge_manifest(d, STATE_FORM_VECTORS);
    check_refused(d, STATE_FORM_VECTORS, "bytes, expected", 1, 0);
    uint64_t one = 1;
    patch(d, STATE_FORM_VECTORS, 16, &one, 8); /* header claims one form */
    forge_manifest(d, STATE_FORM_VECTORS);
    check_refused(d, STATE_FORM_VECTORS, "vectors of dimension", 1, 0);
    vcd_remove_tree(d);
    free(d);
    /* every index kind is rebuilt at open (no FAISS file is ever read) */
    const char *kinds[] = {"hnsw", "ivf", "flat"};
    for (size_t k = 0; k < 3; k++) {
        d = copy_state(good);
        set_manifest_string(d, "index", "kind", kinds[k]);
        char *faiss = vcd_path_join(d, "index.faiss");
        CHECK(vcd_write_file_atomic(faiss, "garbage, never read", 19) == VCD_OK);
        free(faiss);
        vcd_state *s = NULL;
        CHECK_MSG(vcd_state_open(d, NULL, &s) == VCD_OK, "%s: %s", kinds[k], vcd_last_error());
        vcd_match_hit hits[3];
        size_t nh = 0;
        CHECK(s && vcd_state_match(s, "Apple Vision Pro", 3, 0.5, hits, &nh) == VCD_OK && nh >= 1 &&
              strcmp(hits[0].name, "Apple Vision Pro") == 0);
        vcd_state_close(s);
        vcd_remove_tree(d);
        free(d);
    }
    d = copy_state(good);
    set_manifest_string(d, "index", "kind", "lsh");
    check_refused(d, "manifest.json", "unknown index kind", 1, 0);
    vcd_remove_tree(d);
    free(d);
}

/* form_sums.bin as `update` reads it: through the manifest, then checked. */
static vcd_status check_sums(const char *dir, vcd_form_sums_view *v, vcd_mapped_file *f)
{
    vcd_status rc;
    cJSON *man = state_read_json(dir, "manifest.json", &rc);
    if (!rc) rc = state_file_map(man, dir, STATE_FORM_SUMS, f);
    cJSON_Delete(man);
    if (rc) return rc;
    char *path = vcd_path_join(dir, STATE_FORM_SUMS);
    rc = state_check_form_sums(path, f, v);
    free(path);
    if (rc) vcd_unmap_file(f);
    return rc;
}

static void expect_sums_refused(const char *dir, const char *why)
{
    vcd_form_sums_view v;
    vcd_mapped_file f;
    vcd_status rc = check_sums(dir, &v, &f);
    if (rc == VCD_OK) vcd_unmap_file(&f);
    CHECK_MSG(rc == VCD_EINPUT && strstr(vcd_last_error(), why), "want \"%s\", got %s", why,
              rc ? vcd_last_error() : "ok");
}

/* form_contexts.bin against the sums of the same state, as `update` reads it. */
static vcd_status check_contexts(const char *dir, vcd_form_sums_view *v)
{
    vcd_mapped_file fs, fc;
    vcd_status rc = check_sums(dir, v, &fs);
    if (rc) return rc;
    cJSON *man = state_read_json(dir, "manifest.json", &rc);
    if (!rc) rc = state_file_map(man, dir, STATE_FORM_CONTEXTS, &fc);
    cJSON_Delete(man);
    if (!rc) {
        char *path = vcd_path_join(dir, STATE_FORM_CONTEXTS);
        rc = state_check_form_contexts(path, &fc, v);
        free(path);
        vcd_unmap_file(&fc);
    }
    vcd_unmap_file(&fs);
    return rc;
}

static void expect_contexts_refused(const char *dir, const char *why)
{
    vcd_form_sums_view v;
    vcd_status rc = check_contexts(dir, &v);
    CHECK_MSG(rc == VCD_EINPUT && strstr(vcd_last_error(), why), "want \"%s\", got %s", why,
              rc ? vcd_last_error() : "ok");
}

static void test_form_contexts(const char *good)
{
    vcd_form_sums_view v;
    CHECK_MSG(check_contexts(good, &v) == VCD_OK, "%s", vcd_last_error());
    char *d = copy_state(good);
    size_t n = file_size(d, STATE_FORM_CONTEXTS);
    /* contexts of dimension 1, the first one NaN */
    rewrite(d, STATE_FORM_CONTEXTS, STATE_FORM_CONTEXTS_HEADER, "");
    char *path = vcd_path_join(d, STATE_FORM_CONTEXTS);
    FILE *fp = fopen(path, "ab");
    float nan_value = NAN, zero = 0;
    for (size_t i = 0; fp && i < v.n_forms; i++)
        CHECK(fwrite(i ? &zero : &nan_value, 4, 1, fp) == 1);
    if (fp) fclose(fp);
    free(path);
    uint32_t one_dim = 1;
    patch(d, STATE_FORM_CONTEXTS, 12, &one_dim, 4);
    forge_manifest(d, STATE_FORM_CONTEXTS);
    expect_contexts_refused(d, "non-finite");
    uint64_t other = 12345;
    patch(d, STATE_FORM_CONTEXTS, 24, &other, 8); /* another state's forms */
    forge_manifest(d, STATE_FORM_CONTEXTS);
    expect_contexts_refused(d, "not the contexts of");
    vcd_remove_tree(d);
    free(d);
    d = copy_state(good);
    rewrite(d, STATE_FORM_CONTEXTS, n, "abcd");
    forge_manifest(d, STATE_FORM_CONTEXTS);
    expect_contexts_refused(d, "bytes, expected");
    patch(d, STATE_FORM_CONTEXTS, 0, "VCDFCTX9", 8);
    forge_manifest(d, STATE_FORM_CONTEXTS);
    expect_contexts_refused(d, "not a form-context file");
    vcd_remove_tree(d);
    free(d);
}

/* The proposals of the manifest's updates: each pair once, latest P; an id
 * that is no entity is refused. */
static void set_updates(const char *dir, const char *updates_json)
{
    char *path = vcd_path_join(dir, "manifest.json");
    vcd_mapped_file f;
    CHECK(vcd_map_file(path, &f) == VCD_OK);
    cJSON *man = cJSON_ParseWithLength((const char *)f.data, f.len);
    vcd_unmap_file(&f);
    cJSON_DeleteItemFromObjectCaseSensitive(man, "updates");
    cJSON_AddItemToObject(man, "updates", cJSON_Parse(updates_json));
    char *s = cJSON_Print(man);
    CHECK(vcd_write_file_atomic(path, s, strlen(s)) == VCD_OK);
    cJSON_free(s);
    cJSON_Delete(man);
    free(path);
}

static void test_proposed_merges(const char *good)
{
    char *d = copy_state(good);
    set_updates(d, "[{\"merges\":[{\"a\":1,\"b\":0,\"p\":0.6},{\"a\":2,\"b\":1,\"p\":0.9}]},"
                   "{\"merges\":[{\"a\":0,\"b\":1,\"p\":0.7}]}]");
    vcd_records r;
    CHECK_MSG(vcd_records_load(d, &r) == VCD_OK, "%s", vcd_last_error());
    CHECK(r.n_merges == 2 && r.merges[0].a == 1 && r.merges[0].b == 2 &&
          fabsf(r.merges[0].p - 0.9f) < 1e-6f && r.merges[1].a == 0 && r.merges[1].b == 1 &&
          fabsf(r.merges[1].p - 0.7f) < 1e-6f);
    vcd_records_free(&r);
    const char *bad[] = {"[{\"merges\":[{\"a\":0,\"b\":99999999,\"p\":0.5}]}]",
                         "[{\"merges\":[{\"a\":1,\"b\":1,\"p\":0.5}]}]",
                         "[{\"merges\":[{\"a\":0,\"b\":1,\"p\":1.5}]}]",
                         "[{\"merges\":[{\"a\":0.5,\"b\":1,\"p\":0.5}]}]",
                         "[{\"merges\":[{\"b\":1,\"p\":0.5}]}]"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        set_updates(d, bad[i]);
        vcd_status rc = vcd_records_load(d, &r);
        CHECK_MSG(rc == VCD_EINPUT && strstr(vcd_last_error(), "updates[0].merges[0]"), "%s: %s",
                  bad[i], rc ? vcd_last_error() : "accepted");
        if (rc == VCD_OK) vcd_records_free(&r);
    }
    vcd_remove_tree(d);
    free(d);
}

static void test_form_sums(const char *good)
{
    vcd_form_sums_view v;
    vcd_mapped_file f;
    CHECK_MSG(check_sums(good, &v, &f) == VCD_OK, "%s", vcd_last_error());
    vcd_records r;
    CHECK(vcd_records_load(good, &r) == VCD_OK);
    uint64_t total = 0;
    for (size_t i = 0; i < v.n_forms; i++)
        total += v.counts[i];
    CHECK(v.n_forms > 0 && v.dim > 0 && total == r.n_mentions);
    vcd_records_free(&r);
    vcd_unmap_file(&f);
    char *d = copy_state(good);
    size_t n = file_size(d, STATE_FORM_SUMS);
    rewrite(d, STATE_FORM_SUMS, n - 8, "");
    expect_sums_refused(d, "bytes, the manifest records");
    forge_manifest(d, STATE_FORM_SUMS);
    expect_sums_refused(d, "cannot hold");
    vcd_remove_tree(d);
    free(d);
    d = copy_state(good);
    uint64_t zero = 0, huge = (uint64_t)1 << 62;
    patch(d, STATE_FORM_SUMS, STATE_FORM_SUMS_HEADER, &zero, 8); /* form 0: no mention */
    forge_manifest(d, STATE_FORM_SUMS);
    expect_sums_refused(d, "mention count of 0");
    uint64_t one = 1;
    patch(d, STATE_FORM_SUMS, STATE_FORM_SUMS_HEADER, &one, 8);
    patch(d, STATE_FORM_SUMS, STATE_FORM_SUMS_HEADER + 8 * (long)v.n_forms, &huge, 8);
    forge_manifest(d, STATE_FORM_SUMS);
    expect_sums_refused(d, "sums more than");
    uint64_t many = UINT64_MAX / 4;
    patch(d, STATE_FORM_SUMS, 16, &many, 8); /* header claims more forms than fit */
    forge_manifest(d, STATE_FORM_SUMS);
    expect_sums_refused(d, "cannot hold");
    patch(d, STATE_FORM_SUMS, 0, "VCDFSUM2", 8);
    forge_manifest(d, STATE_FORM_SUMS);
    expect_sums_refused(d, "not a form-sum file");
    vcd_remove_tree(d);
    free(d);
}

/* Sets "entity_id" of the first line of dir/name (JSON Lines) to `eid`. */
static void set_first_entity_id(const char *dir, const char *name, double eid)
{
    char *path = vcd_path_join(dir, name);
    vcd_mapped_file f;
    CHECK(vcd_map_file(path, &f) == VCD_OK);
    const char *nl = memchr(f.data, '\n', f.len);
    size_t first = nl ? (size_t)(nl - (const char *)f.data) : f.len;
    cJSON *o = cJSON_ParseWithLength((const char *)f.data, first);
    CHECK(o && cJSON_GetObjectItemCaseSensitive(o, "entity_id"));
    cJSON_ReplaceItemInObjectCaseSensitive(o, "entity_id", cJSON_CreateNumber(eid));
    char *line = cJSON_PrintUnformatted(o);
    vcd_buf b = {0};
    vcd_buf_puts(&b, line);
    vcd_buf_append(&b, f.data + first, f.len - first);
    vcd_unmap_file(&f);
    CHECK(vcd_write_file_atomic(path, b.data, b.len) == VCD_OK);
    vcd_buf_free(&b);
    cJSON_free(line);
    cJSON_Delete(o);
    free(path);
}

/* An entity id one past the last entity, with a manifest forged to match:
 * refused by the reader of each file, not used as an index. */
static void test_entity_ids_in_range(const char *good)
{
    vcd_records r;
    CHECK(vcd_records_load(good, &r) == VCD_OK);
    double n = (double)r.n_entities;
    vcd_records_free(&r);
    CHECK(n > 0);
    char *d = copy_state(good);
    set_first_entity_id(d, "mentions.jsonl", n - 1); /* the last entity: fine */
    forge_manifest(d, "mentions.jsonl");
    vcd_status rc = vcd_records_load(d, &r);
    CHECK_MSG(rc == VCD_OK, "%s", vcd_last_error());
    if (rc == VCD_OK) vcd_records_free(&r);
    set_first_entity_id(d, "mentions.jsonl", n);
    forge_manifest(d, "mentions.jsonl");
    check_refused(d, "mentions.jsonl", "entity_id", 0, 1);
    vcd_remove_tree(d);
    free(d);
    d = copy_state(good);
    set_first_entity_id(d, "forms.jsonl", n);
    forge_manifest(d, "forms.jsonl");
    check_refused(d, "forms.jsonl", "points at entity", 1, 0);
    vcd_remove_tree(d);
    free(d);
}

int main(void)
{
    char *good = build_state();
    vcd_state *s = NULL;
    CHECK_MSG(vcd_state_open(good, NULL, &s) == VCD_OK, "%s", vcd_last_error());
    vcd_state_close(s);
    char *faiss = vcd_path_join(good, "index.faiss");
    CHECK(access(faiss, F_OK) != 0); /* no FAISS file is written */
    free(faiss);
    test_damaged_files(good);
    test_form_vectors(good);
    test_form_sums(good);
    test_form_contexts(good);
    test_proposed_merges(good);
    test_entity_ids_in_range(good);
    vcd_remove_tree(good);
    free(good);
    return test_finish();
}
