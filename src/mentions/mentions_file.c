/* Pre-extracted mentions: {"doc_id", "text", "start", "end"} per line, with
 * code-point offsets into the document's text. */
#include "vcd/mentions.h"
#include "vcd/text.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static void skip(vcd_warn_fn warn, void *ctx, const char *name, size_t line, const char *why,
                 size_t *counter, size_t *shown)
{
    (*counter)++;
    if (!warn || (*shown)++ >= 20) return;
    char msg[512];
    snprintf(msg, sizeof msg, "%s:%zu: %s; mention skipped", name, line, why);
    warn(ctx, msg);
}

static int get_offset(const cJSON *o, const char *key, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < 0 ||
        v->valuedouble > 4e9)
        return 0;
    *out = v->valuedouble;
    return 1;
}

vcd_status vcd_mentions_read_jsonl(const char *name, const unsigned char *data, size_t len,
                                   const vcd_corpus *c, vcd_mentions *out,
                                   vcd_mentions_file_stats *stats, vcd_warn_fn warn, void *warn_ctx)
{
    memset(stats, 0, sizeof *stats);
    size_t pos = 0, shown = 0, n;
    const char *p;
    while (vcd_next_line(data, len, &pos, &p, &n)) {
        stats->lines++;
        size_t line = stats->lines;
        size_t i = 0;
        while (i < n && (p[i] == ' ' || p[i] == '\t'))
            i++;
        if (i == n) continue;
        cJSON *o = cJSON_ParseWithLength(p, n);
        const cJSON *id = o ? cJSON_GetObjectItemCaseSensitive(o, "doc_id") : NULL;
        const cJSON *text = o ? cJSON_GetObjectItemCaseSensitive(o, "text") : NULL;
        double start, stop;
        char idbuf[32];
        const char *doc_id = NULL;
        if (cJSON_IsString(id))
            doc_id = id->valuestring;
        else if (cJSON_IsNumber(id)) {
            snprintf(idbuf, sizeof idbuf, "%.0f", id->valuedouble);
            doc_id = idbuf;
        }
        if (!o || !cJSON_IsObject(o) || !doc_id || !cJSON_IsString(text) ||
            !get_offset(o, "start", &start) || !get_offset(o, "end", &stop) || stop <= start) {
            skip(warn, warn_ctx, name, line, "needs doc_id, text, start < end",
                 &stats->skipped_malformed, &shown);
            cJSON_Delete(o);
            continue;
        }
        long doc = vcd_corpus_find(c, doc_id);
        if (doc < 0) {
            skip(warn, warn_ctx, name, line, "doc_id not in the input", &stats->skipped_unknown_doc,
                 &shown);
            cJSON_Delete(o);
            continue;
        }
        const vcd_doc *d = &c->docs[doc];
        size_t tlen = strlen(d->text);
        if ((size_t)stop > d->n_codepoints) {
            skip(warn, warn_ctx, name, line, "offsets past the end of the comment",
                 &stats->skipped_malformed, &shown);
            cJSON_Delete(o);
            continue;
        }
        size_t b0 = vcd_utf8_offset(d->text, tlen, (size_t)start);
        size_t b1 = vcd_utf8_offset(d->text, tlen, (size_t)stop);
        if (strlen(text->valuestring) != b1 - b0 ||
            memcmp(text->valuestring, d->text + b0, b1 - b0)) {
            skip(warn, warn_ctx, name, line, "text differs from the comment at those offsets",
                 &stats->skipped_text_mismatch, &shown);
            cJSON_Delete(o);
            continue;
        }
        const cJSON *ty = cJSON_GetObjectItemCaseSensitive(o, "type");
        int type = cJSON_IsString(ty) ? vcd_type_parse(ty->valuestring) : VCD_TYPE_UNK;
        vcd_mention m = {.doc = (uint32_t)doc,
                         .start = (uint32_t)start,
                         .end = (uint32_t)stop,
                         .byte_start = (uint32_t)b0,
                         .byte_end = (uint32_t)b1,
                         .type = (uint8_t)(type < 0 ? VCD_TYPE_UNK : type),
                         .source = VCD_SRC_FILE,
                         .score = 1.0f,
                         .form = -1,
                         .entity_id = -1};
        vcd_mentions_push(out, &m);
        stats->kept++;
        cJSON_Delete(o);
    }
    return VCD_OK;
}
