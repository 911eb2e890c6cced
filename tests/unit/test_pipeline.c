/* End to end: the synthetic fixture (tests/data/synthetic_comments.csv: known
 * alias groups, one entity from mid-May), determinism, match on the written state,
 * pre-extracted WNUT gold mentions, and the 58k real comments. */
#include "test.h"
#include "vcd/fileio.h"
#include "vcd/pipeline.h"
#include "vcd/state.h"
#include "vcd/text.h"

#include <cJSON.h>

static const char *VECTORS = VCD_DATA_DIR "/vectors/glove-wiki-100d.vcdv";

static char *temp_dir(void)
{
    char *d = strdup("/tmp/vcd_pipeline_XXXXXX");
    return mkdtemp(d);
}

static char *slurp(const char *dir, const char *name)
{
    char *path = vcd_path_join(dir, name);
    vcd_mapped_file f;
    char *s = NULL;
    if (vcd_map_file(path, &f) == VCD_OK) {
        s = vcd_xstrndup((const char *)f.data, f.len);
        vcd_unmap_file(&f);
    }
    free(path);
    return s;
}

static void run(const char *input, const char *out, const char *mentions, vcd_cluster_report *r,
                vcd_status want)
{
    vcd_cluster_options o;
    vcd_cluster_options_default(&o);
    o.input = input;
    o.out_dir = out;
    o.mentions_path = mentions;
    o.gazetteer_path = VCD_DATA_DIR "/gazetteer.tsv";
    o.vectors_path = access(VECTORS, R_OK) == 0 ? VECTORS : NULL;
    /* The fixture's alias groups test clustering; the rule tagger's mentions
     * on the synthetic templates are the fixed input for that. */
    o.tagger_spec = "rules";
    vcd_status rc = vcd_run_cluster(&o, r);
    CHECK_MSG(rc == want, "%s: %s", input, rc ? vcd_last_error() : "ok");
}

/* Entity id holding the alias with this key, or -1. */
static int entity_of(const cJSON *ents, const char *key)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, ents)
    {
        const cJSON *a;
        cJSON_ArrayForEach(a, cJSON_GetObjectItem(e, "aliases"))
        {
            if (strcmp(cJSON_GetObjectItem(a, "key")->valuestring, key) == 0)
                return (int)cJSON_GetObjectItem(e, "id")->valuedouble;
        }
    }
    return -1;
}

static void test_sample(void)
{
    char *out = temp_dir(), *out2 = temp_dir();
    vcd_cluster_report r;
    run(VCD_SOURCE_DIR "/tests/data/synthetic_comments.csv", out, NULL, &r, VCD_OK);
    CHECK(r.docs == 3000 && r.mentions > 2000 && r.entities >= 8);
    char *ej = slurp(out, "entities.json");
    cJSON *root = cJSON_Parse(ej);
    CHECK(root &&
          strcmp(cJSON_GetObjectItem(root, "schema")->valuestring, "vcdiscover.entities/1") == 0);
    const cJSON *ents = cJSON_GetObjectItem(root, "entities");
    /* aliases of one entity end up together; different entities apart */
    const char *groups[][3] = {
        /* "AVP" stays apart on this fixture: on real comments an acronym
         * alone is weak evidence (5 of 22 such pairs in the labelled dev
         * set are one entity), and nothing else relates them here */
        {"apple vision pro", "vision pro", NULL},       {"playstation 5", "ps5", NULL},
        {"new york city", "nyc", "new york"},           {"nintendo switch 2", "switch 2", "ns2"},
        {"manchester united", "man united", "man utd"}, {"taylor swift", "taylor", NULL}};
    int ids[6];
    for (size_t g = 0; g < 6; g++) {
        ids[g] = entity_of(ents, groups[g][0]);
        CHECK_MSG(ids[g] >= 0, "%s has no entity", groups[g][0]);
        for (size_t k = 1; k < 3 && groups[g][k]; k++)
            CHECK_MSG(entity_of(ents, groups[g][k]) == ids[g], "%s not with %s", groups[g][k],
                      groups[g][0]);
        for (size_t h = 0; h < g; h++)
            CHECK_MSG(ids[h] != ids[g], "%s merged with %s", groups[g][0], groups[h][0]);
    }
    CHECK(entity_of(ents, "tesla") != entity_of(ents, "elon musk"));
    /* the late entity is first seen in May */
    const cJSON *late = cJSON_GetArrayItem(ents, ids[3]);
    CHECK(late && strncmp(cJSON_GetObjectItem(late, "first_seen")->valuestring, "2026-05", 7) == 0);
    CHECK(strcmp(cJSON_GetObjectItem(cJSON_GetArrayItem(ents, ids[0]), "name")->valuestring,
                 "Apple Vision Pro") == 0);
    cJSON_Delete(root);

    /* same input, same seed: byte-identical outputs */
    run(VCD_SOURCE_DIR "/tests/data/synthetic_comments.csv", out2, NULL, &r, VCD_OK);
    const char *files[] = {"entities.json", "mentions.jsonl", "forms.jsonl", "docs.jsonl"};
    for (size_t i = 0; i < 4; i++) {
        char *a = slurp(out, files[i]), *b = slurp(out2, files[i]);
        CHECK_MSG(a && b && strcmp(a, b) == 0, "%s differs between runs", files[i]);
        free(a);
        free(b);
    }
    char *m1 = slurp(out, "manifest.json");
    CHECK(m1 && strstr(m1, "\"schema\":\t\"vcdiscover.manifest/3\"") != NULL);
    free(m1);

    /* match reads the state back */
    vcd_state *s;
    CHECK(vcd_state_open(out, NULL, &s) == VCD_OK);
    vcd_match_hit hits[5];
    size_t n;
    CHECK(vcd_state_match(s, "Vision Pro", 5, 0.5, hits, &n) == VCD_OK);
    CHECK(n >= 1 && hits[0].entity_id == ids[0]);
    CHECK(vcd_state_match(s, "PS5", 5, 0.5, hits, &n) == VCD_OK);
    CHECK(n >= 1 && hits[0].entity_id == ids[1]);
    CHECK(vcd_state_match(s, "Taylor Swfit", 5, 0.5, hits, &n) == VCD_OK);
    CHECK(n >= 1 && hits[0].entity_id == ids[5]);
    CHECK(vcd_state_match(s, "chocolate cake recipe", 5, 0.5, hits, &n) == VCD_OK);
    CHECK(n == 0);
    CHECK(vcd_state_match(s, "", 5, 0.5, hits, &n) == VCD_EINPUT);
    vcd_state_close(s);
    CHECK(vcd_state_open("/nonexistent_state", NULL, &s) == VCD_EINPUT);
    free(ej);
    free(out);
    free(out2);
}

static void test_failure_leaves_no_manifest(void)
{
    char *out = temp_dir();
    char *bad = vcd_path_join(out, "bad.csv");
    CHECK(vcd_write_file_atomic(bad, "ID;Comment\n1;x\n", 15) == VCD_OK);
    vcd_cluster_report r;
    run(bad, out, NULL, &r, VCD_EINPUT);
    char *m = slurp(out, "manifest.json");
    CHECK(m == NULL);
    free(m);
    free(bad);
    free(out);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Splits JSON Lines into their span keys: each line up to the end of its
 * "text" value (doc_id, start, end, text), sorted. */
static size_t span_keys(char *text, char ***keys)
{
    size_t n = 0, cap = 0;
    *keys = NULL;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *t = strstr(line, ",\"text\":\"");
        char *q = t ? t + 9 : NULL;
        while (q && *q && *q != '"')
            q += *q == '\\' && q[1] ? 2 : 1;
        if (!q || !*q) continue;
        q[1] = '\0';
        if (n == cap) *keys = realloc(*keys, (cap = cap ? 2 * cap : 1024) * sizeof **keys);
        (*keys)[n++] = line;
    }
    qsort(*keys, n, sizeof **keys, compare_strings);
    return n;
}

/* The number of mentions in `written` whose doc, span and text are a gold
 * line's, when both sets are the same size and agree one for one; else 0. */
static size_t same_spans(const char *gold, size_t gold_len, const char *written)
{
    vcd_mapped_file f;
    if (vcd_map_file(written, &f) != VCD_OK) return 0;
    char *a = strndup(gold, gold_len), *b = strndup((const char *)f.data, f.len);
    vcd_unmap_file(&f);
    char **ka, **kb;
    size_t na = span_keys(a, &ka), nb = span_keys(b, &kb), same = na == nb ? na : 0;
    for (size_t i = 0; i < same; i++)
        if (strcmp(ka[i], kb[i]) != 0) same = 0;
    free(ka);
    free(kb);
    free(a);
    free(b);
    return same;
}

/* WNUT 2017 dev: gold entity spans as pre-extracted mentions. */
static void test_wnut_mentions(void)
{
    const char *path = test_shared_path("data/wnut17/dev.conll");
    if (test_skip_if_missing(path)) return;
    vcd_mapped_file f;
    CHECK(vcd_map_file(path, &f) == VCD_OK);
    char *out = temp_dir();
    char *txt_path = vcd_path_join(out, "dev.txt"), *ment_path = vcd_path_join(out, "gold.jsonl");
    vcd_buf txt = {0}, ment = {0}, line = {0};
    size_t doc = 1, cp = 0, gold = 0;
    long ent_start = -1;
    vcd_buf ent = {0};
    for (size_t pos = 0; pos <= f.len;) {
        const unsigned char *nl = pos < f.len ? memchr(f.data + pos, '\n', f.len - pos) : NULL;
        size_t end = nl ? (size_t)(nl - f.data) : f.len;
        const char *p = (const char *)f.data + pos;
        size_t n = end - pos;
        const char *tab = memchr(p, '\t', n);
        int blank = n == 0 || !tab;
        const char *tag = tab ? tab + 1 : "O";
        int inside = !blank && tag[0] == 'I';
        if (ent_start >= 0 && !inside) {
            vcd_buf_printf(&ment, "{\"doc_id\":\"%zu\",\"start\":%ld,\"end\":%zu,\"text\":", doc,
                           ent_start, cp - 1);
            vcd_buf_json_string(&ment, ent.data, ent.len);
            vcd_buf_puts(&ment, "}\n");
            gold++;
            ent_start = -1;
        }
        if (blank) {
            if (line.len) {
                vcd_buf_append(&txt, line.data, line.len - 1);
                vcd_buf_putc(&txt, '\n');
                doc++;
            }
            vcd_buf_clear(&line);
            cp = 0;
        } else {
            size_t tn = (size_t)(tab - p);
            if (tag[0] == 'B') {
                ent_start = (long)cp;
                vcd_buf_clear(&ent);
            }
            if (ent_start >= 0) {
                if (ent.len) vcd_buf_putc(&ent, ' ');
                vcd_buf_append(&ent, p, tn);
            }
            vcd_buf_append(&line, p, tn);
            vcd_buf_putc(&line, ' ');
            cp += vcd_utf8_length(p, tn) + 1;
        }
        if (!nl) break;
        pos = end + 1;
    }
    vcd_unmap_file(&f);
    CHECK(vcd_write_file_atomic(txt_path, txt.data, txt.len) == VCD_OK);
    CHECK(vcd_write_file_atomic(ment_path, ment.data, ment.len) == VCD_OK);
    vcd_cluster_report r;
    run(txt_path, out, ment_path, &r, VCD_OK);
    /* All 836 gold spans of dev are clustered, none skipped, each exactly as given. */
    CHECK_MSG(gold == 836 && r.mentions == gold && r.skipped_mentions == 0,
              "%zu kept + %zu skipped of %zu", r.mentions, r.skipped_mentions, gold);
    char *written = vcd_path_join(out, "mentions.jsonl");
    CHECK(same_spans(ment.data, ment.len, written) == gold);
    free(written);
    printf("WNUT dev gold mentions: %zu, clustered %zu into %zu entities\n", gold, r.mentions,
           r.entities);
    vcd_buf_free(&txt);
    vcd_buf_free(&ment);
    vcd_buf_free(&line);
    vcd_buf_free(&ent);
    free(txt_path);
    free(ment_path);
    free(out);
}

static void test_youtube(void)
{
    const char *path = test_shared_path("data/youtube/comments.txt");
    if (test_skip_if_missing(path)) return;
    char *out = temp_dir();
    vcd_cluster_report r;
    run(path, out, NULL, &r, VCD_OK);
    CHECK(r.docs > 58000 && r.mentions > 10000 && r.entities > 500);
    printf("youtube: %zu docs, %zu mentions, %zu forms, %zu entities, %.2fs\n", r.docs, r.mentions,
           r.forms, r.entities,
           r.seconds_ingest + r.seconds_tag + r.seconds_encode + r.seconds_cluster +
               r.seconds_index + r.seconds_write);
    vcd_state *s;
    CHECK(vcd_state_open(out, NULL, &s) == VCD_OK);
    vcd_match_hit hits[3];
    size_t n;
    CHECK(vcd_state_match(s, "Trump", 3, 0.5, hits, &n) == VCD_OK && n >= 1);
    CHECK(n >= 1 && strcmp(hits[0].evidence, "exact-alias") == 0);
    vcd_state_close(s);
    free(out);
}

int main(void)
{
    test_sample();
    test_failure_leaves_no_manifest();
    test_wnut_mentions();
    test_youtube();
    return test_finish();
}
