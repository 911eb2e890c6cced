/* libFuzzer: an input read in 1-6 parts (what `mpirun` ranks do: the plan's
 * CSV bound scan, parts parsed alone, the builder) must give the corpus and
 * the warnings of one pass; any difference aborts. */
#include "vcd/ingest.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/vcd-fuzz-part-XXXXXX";
static char path[sizeof dir + 16];

static void remove_dir(void)
{
    unlink(path);
    rmdir(dir);
}

static void collect(void *ctx, const char *msg)
{
    vcd_buf_puts(ctx, msg);
    vcd_buf_putc(ctx, '\n');
}

static int same(const vcd_corpus *a, const vcd_corpus *b)
{
    if (a->n_docs != b->n_docs || memcmp(&a->stats, &b->stats, sizeof a->stats) != 0) return 0;
    for (size_t i = 0; i < a->n_docs; i++)
        if (strcmp(a->docs[i].id, b->docs[i].id) || strcmp(a->docs[i].text, b->docs[i].text) ||
            a->docs[i].time != b->docs[i].time || a->docs[i].likes != b->docs[i].likes)
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    static int ready = -1;
    if (ready < 0) {
        ready = mkdtemp(dir) != NULL;
        if (ready) atexit(remove_dir);
    }
    if (!ready) return 0;
    static const char *const ext[] = {"csv", "txt", "jsonl", "csv"};
    uint8_t mode = data[0];
    unlink(path);
    snprintf(path, sizeof path, "%s/in.%s", dir, ext[mode % 4]);
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);
    vcd_buf w1 = {0}, w2 = {0}, plan = {0};
    vcd_ingest_part part = {0};
    vcd_ingest_options o = {.warn = collect, .warn_ctx = &w1};
    o.delimiter = mode % 4 == 3 ? '\t' : 0;
    o.max_field_bytes = (mode & 32) ? 64 : 0;
    vcd_corpus *one = NULL, *many = NULL;
    vcd_status rc1 = vcd_corpus_load(path, &o, &one);
    o.warn_ctx = &w2;
    size_t n = 1 + (size_t)(mode >> 2) % 6;
    vcd_status rc2 = vcd_ingest_plan(path, &o, n, &plan);
    vcd_corpus_builder *b = NULL;
    if (!rc2) rc2 = vcd_corpus_builder_new(path, &o, &b);
    for (size_t k = 0; k < n && !rc2; k++) {
        vcd_ingest_part_free(&part);
        rc2 = vcd_ingest_read_part(path, &o, plan.data, plan.len, k, &part);
        if (!rc2) rc2 = vcd_corpus_builder_add(b, part.data, part.len);
    }
    if (!rc2)
        rc2 = vcd_corpus_builder_finish(b, 0, &many);
    else
        vcd_corpus_builder_free(b);
    if (rc1 != rc2 || (!rc1 && !same(one, many)) ||
        (!rc1 && (w1.len != w2.len || (w1.len && memcmp(w1.data, w2.data, w1.len) != 0))))
        abort();
    vcd_corpus_free(one);
    vcd_corpus_free(many);
    vcd_buf_free(&w1);
    vcd_buf_free(&w2);
    vcd_buf_free(&plan);
    vcd_ingest_part_free(&part);
    return 0;
}
