/* Loading a WordPiece vocabulary and its tokenizer settings. */
#include "vcd/fileio.h"
#include "vcd/strmap.h"
#include "vcd/text.h"
#include "vcd/wordpiece.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* The struct is private to the tokenizer; this file sees the same layout. */
#include "wordpiece_internal.h"

static vcd_status index_vocab(vcd_wordpiece *wp, const char *name)
{
    size_t pos = 0, lines = 0;
    /* Count first so the id table is allocated once. */
    for (size_t i = 0; i < wp->vocab_len; i++)
        if (wp->vocab_bytes[i] == '\n') lines++;
    if (wp->vocab_len > 0 && wp->vocab_bytes[wp->vocab_len - 1] != '\n') lines++;
    if (lines == 0) return vcd_fail(VCD_EINPUT, "%s: empty vocabulary", name);
    if (lines > (size_t)INT32_MAX) return vcd_fail(VCD_EINPUT, "%s: too many lines", name);
    wp->tokens = vcd_xcalloc(lines, sizeof *wp->tokens);
    wp->token_len = vcd_xcalloc(lines, sizeof *wp->token_len);
    wp->vocab = vcd_strmap_new();
    size_t id = 0;
    while (pos < wp->vocab_len) {
        char *line = wp->vocab_bytes + pos;
        char *nl = memchr(line, '\n', wp->vocab_len - pos);
        size_t n = nl ? (size_t)(nl - line) : wp->vocab_len - pos;
        pos += n + (nl ? 1 : 0);
        line[n] = '\0'; /* the copy has one spare byte at the end */
        if (n > 0 && line[n - 1] == '\r') line[--n] = '\0';
        if (!vcd_utf8_valid(line, n))
            return vcd_fail(VCD_EINPUT, "%s:%zu: invalid UTF-8", name, id + 1);
        wp->tokens[id] = line;
        wp->token_len[id] = n;
        int inserted;
        *vcd_strmap_upsert(wp->vocab, line, n, id, &inserted) = id; /* later duplicate wins */
        const char *body = line;
        size_t body_len = n;
        if (n >= 2 && line[0] == '#' && line[1] == '#') {
            body += 2;
            body_len -= 2;
        }
        size_t cps = 0;
        for (size_t i = 0; i < body_len; i++)
            cps += ((unsigned char)body[i] & 0xC0) != 0x80;
        if (cps > wp->max_piece_cps) wp->max_piece_cps = cps;
        id++;
    }
    wp->n_ids = id;
    return VCD_OK;
}

static int32_t special_id(const vcd_wordpiece *wp, const char *tok)
{
    return (int32_t)vcd_strmap_get(wp->vocab, tok, strlen(tok), (size_t)-1);
}

static const char *special_name(const cJSON *cfg, const char *key, const char *fallback)
{
    const cJSON *v = cfg ? cJSON_GetObjectItemCaseSensitive(cfg, key) : NULL;
    if (cJSON_IsString(v)) return v->valuestring;
    /* Newer configs store AddedToken objects: {"content": "[UNK]", ...}. */
    const cJSON *c = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, "content") : NULL;
    return cJSON_IsString(c) ? c->valuestring : fallback;
}

static vcd_status find_specials(vcd_wordpiece *wp, const char *name, const cJSON *cfg)
{
    const char *unk = special_name(cfg, "unk_token", "[UNK]");
    wp->specials.unk = special_id(wp, unk);
    wp->specials.pad = special_id(wp, special_name(cfg, "pad_token", "[PAD]"));
    wp->specials.cls = special_id(wp, special_name(cfg, "cls_token", "[CLS]"));
    wp->specials.sep = special_id(wp, special_name(cfg, "sep_token", "[SEP]"));
    wp->specials.mask = special_id(wp, special_name(cfg, "mask_token", "[MASK]"));
    if (wp->specials.unk < 0)
        return vcd_fail(VCD_EINPUT, "%s: the vocabulary has no unknown token %.40s", name, unk);
    return VCD_OK;
}

static vcd_status wordpiece_build(const char *name, const char *data, size_t len,
                                  const vcd_wordpiece_options *o, const cJSON *cfg,
                                  vcd_wordpiece **out)
{
    *out = NULL;
    vcd_wordpiece *wp = vcd_xcalloc(1, sizeof *wp);
    vcd_wordpiece_options_default(&wp->opt);
    if (o) wp->opt = *o;
    wp->vocab_bytes = vcd_xmalloc(len + 1);
    if (len) memcpy(wp->vocab_bytes, data, len);
    wp->vocab_bytes[len] = '\0';
    wp->vocab_len = len;
    vcd_status rc = index_vocab(wp, name);
    if (!rc) rc = find_specials(wp, name, cfg);
    if (rc) {
        vcd_wordpiece_free(wp);
        return rc;
    }
    *out = wp;
    return VCD_OK;
}

vcd_status vcd_wordpiece_from_vocab(const char *name, const char *data, size_t len,
                                    const vcd_wordpiece_options *o, vcd_wordpiece **out)
{
    return wordpiece_build(name, data, len, o, NULL, out);
}

static int json_flag(const cJSON *cfg, const char *key, int fallback)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    if (cJSON_IsBool(v)) return cJSON_IsTrue(v);
    return fallback;
}

static vcd_status read_tokenizer_config(const char *dir, vcd_wordpiece_options *o, cJSON **cfg)
{
    *cfg = NULL;
    char *path = vcd_path_join(dir, "tokenizer_config.json");
    vcd_mapped_file f;
    if (vcd_map_file(path, &f)) { /* absent: Hugging Face's BertTokenizer defaults */
        free(path);
        return VCD_OK;
    }
    cJSON *j = cJSON_ParseWithLength((const char *)f.data, f.len);
    vcd_unmap_file(&f);
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        vcd_status rc = vcd_fail(VCD_EINPUT, "%s: not a JSON object", path);
        free(path);
        return rc;
    }
    free(path);
    o->lower_case = json_flag(j, "do_lower_case", 1);
    const cJSON *sa = cJSON_GetObjectItemCaseSensitive(j, "strip_accents");
    o->strip_accents = cJSON_IsBool(sa) ? cJSON_IsTrue(sa) : -1;
    o->chinese_chars = json_flag(j, "tokenize_chinese_chars", 1);
    *cfg = j;
    return VCD_OK;
}

vcd_status vcd_wordpiece_open_dir(const char *dir, vcd_wordpiece **out)
{
    *out = NULL;
    vcd_wordpiece_options o;
    vcd_wordpiece_options_default(&o);
    o.lower_case = 1; /* BertTokenizer's default when no config says otherwise */
    cJSON *cfg;
    vcd_status rc = read_tokenizer_config(dir, &o, &cfg);
    if (rc) return rc;
    char *path = vcd_path_join(dir, "vocab.txt");
    vcd_mapped_file f;
    rc = vcd_map_file(path, &f);
    if (!rc) {
        rc = wordpiece_build(path, (const char *)f.data, f.len, &o, cfg, out);
        vcd_unmap_file(&f);
    }
    free(path);
    cJSON_Delete(cfg);
    return rc;
}

void vcd_wordpiece_free(vcd_wordpiece *wp)
{
    if (!wp) return;
    vcd_strmap_free(wp->vocab);
    free(wp->vocab_bytes);
    free(wp->tokens);
    free(wp->token_len);
    free(wp->clean.cp);
    free(wp->clean.origin);
    free(wp->word.cp);
    free(wp->word.origin);
    vcd_buf_free(&wp->utf8);
    vcd_buf_free(&wp->cand);
    free(wp->utf8_at);
    free(wp);
}

const vcd_wordpiece_specials *vcd_wordpiece_special_ids(const vcd_wordpiece *wp)
{
    return &wp->specials;
}

size_t vcd_wordpiece_vocab_size(const vcd_wordpiece *wp)
{
    return wp->n_ids;
}

const char *vcd_wordpiece_token(const vcd_wordpiece *wp, int32_t id, size_t *len)
{
    if (id < 0 || (size_t)id >= wp->n_ids) return NULL;
    if (len) *len = wp->token_len[id];
    return wp->tokens[id];
}

const vcd_wordpiece_options *vcd_wordpiece_settings(const vcd_wordpiece *wp)
{
    return &wp->opt;
}

void vcd_wordpiece_vocab_text(const vcd_wordpiece *wp, vcd_buf *out)
{
    for (size_t i = 0; i < wp->n_ids; i++) {
        vcd_buf_append(out, wp->tokens[i], wp->token_len[i]);
        vcd_buf_putc(out, '\n');
    }
}
