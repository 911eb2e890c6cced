/* Writing a Hugging Face folder: model.safetensors (F32 or F16),
 * config.json with the model's labels, vocab.txt, tokenizer_config.json. */
#include "bert_internal.h"
#include "vcd/fileio.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* IEEE binary32 -> binary16, round to nearest even, with subnormals,
 * infinities and NaN. */
static uint16_t float_to_half(float f)
{
    uint32_t x;
    memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000u;
    uint32_t mag = x & 0x7FFFFFFFu;
    if (mag >= 0x7F800000u) /* inf or NaN */
        return (uint16_t)(sign | 0x7C00u | (mag > 0x7F800000u ? 0x200u : 0));
    if (mag >= 0x477FF000u) return (uint16_t)(sign | 0x7C00u); /* rounds past 65504 */
    if (mag < 0x38800000u) {                                   /* half subnormal or zero */
        if (mag < 0x33000000u) return (uint16_t)sign;
        uint32_t e = mag >> 23;
        uint32_t m = (mag & 0x7FFFFFu) | 0x800000u;
        uint32_t shift = 126 - e; /* 14 + (113 - e) - 1 */
        uint32_t half = m >> shift;
        uint32_t rest = m & ((1u << shift) - 1), mid = 1u << (shift - 1);
        if (rest > mid || (rest == mid && (half & 1))) half++;
        return (uint16_t)(sign | half);
    }
    uint32_t h = ((mag - 0x38000000u) >> 13);
    uint32_t rest = mag & 0x1FFFu;
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1))) h++;
    return (uint16_t)(sign | h);
}

static char *safetensors_header(const vcd_bert *m, int f16, size_t *header_len)
{
    cJSON *h = cJSON_CreateObject();
    cJSON *meta = cJSON_AddObjectToObject(h, "__metadata__");
    cJSON_AddStringToObject(meta, "format", "pt");
    size_t width = f16 ? 2 : 4, at = 0;
    for (size_t i = 0; i < m->n_tensors; i++) {
        const bert_tensor_spec *s = &m->spec[i];
        cJSON *t = cJSON_AddObjectToObject(h, s->name);
        cJSON_AddStringToObject(t, "dtype", f16 ? "F16" : "F32");
        cJSON *shape = cJSON_AddArrayToObject(t, "shape");
        cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)s->rows));
        if (s->cols) cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)s->cols));
        cJSON *off = cJSON_AddArrayToObject(t, "data_offsets");
        size_t bytes = bert_spec_count(s) * width;
        cJSON_AddItemToArray(off, cJSON_CreateNumber((double)at));
        cJSON_AddItemToArray(off, cJSON_CreateNumber((double)(at + bytes)));
        at += bytes;
    }
    char *text = cJSON_PrintUnformatted(h);
    cJSON_Delete(h);
    /* Pad with spaces so the tensor data starts 8-byte aligned. */
    size_t n = strlen(text), padded = (n + 7) & ~(size_t)7;
    text = vcd_xrealloc(text, padded + 1);
    memset(text + n, ' ', padded - n);
    text[padded] = '\0';
    *header_len = padded;
    return text;
}

static vcd_status write_weights(const vcd_bert *m, const char *path, int f16)
{
    size_t hlen;
    char *header = safetensors_header(m, f16, &hlen);
    vcd_atomic_file f;
    vcd_status rc = vcd_atomic_open(&f, path);
    if (rc) {
        free(header);
        return rc;
    }
    unsigned char len8[8];
    for (int i = 0; i < 8; i++)
        len8[i] = (unsigned char)((uint64_t)hlen >> (8 * i));
    fwrite(len8, 1, 8, f.fp);
    fwrite(header, 1, hlen, f.fp);
    free(header);
    for (size_t i = 0; i < m->n_tensors; i++) {
        const float *p = m->param[i];
        size_t n = bert_spec_count(&m->spec[i]);
        for (size_t k = 0; k < n; k++) {
            unsigned char b[4];
            if (f16) {
                uint16_t h = float_to_half(p[k]);
                b[0] = (unsigned char)h;
                b[1] = (unsigned char)(h >> 8);
                fwrite(b, 1, 2, f.fp);
            } else {
                uint32_t x;
                memcpy(&x, &p[k], 4);
                for (int j = 0; j < 4; j++)
                    b[j] = (unsigned char)(x >> (8 * j));
                fwrite(b, 1, 4, f.fp);
            }
        }
    }
    return vcd_atomic_commit(&f);
}

static void set_item(cJSON *o, const char *key, cJSON *v)
{
    if (cJSON_GetObjectItemCaseSensitive(o, key))
        cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
    else
        cJSON_AddItemToObject(o, key, v);
}

static char *config_text(const vcd_bert *m, int f16)
{
    cJSON *c = cJSON_Duplicate(m->config_doc, 1);
    const vcd_bert_config *cfg = &m->cfg;
    cJSON *arch = cJSON_CreateArray();
    cJSON_AddItemToArray(
        arch, cJSON_CreateString(cfg->num_labels ? "BertForTokenClassification" : "BertModel"));
    set_item(c, "architectures", arch);
    set_item(c, "model_type", cJSON_CreateString("bert"));
    set_item(c, "torch_dtype", cJSON_CreateString(f16 ? "float16" : "float32"));
    set_item(c, "dtype", cJSON_CreateString(f16 ? "float16" : "float32"));
    if (cfg->num_labels) {
        cJSON *id2 = cJSON_CreateObject(), *l2id = cJSON_CreateObject();
        for (size_t i = 0; i < cfg->num_labels; i++) {
            char key[24];
            snprintf(key, sizeof key, "%zu", i);
            cJSON_AddStringToObject(id2, key, cfg->labels[i]);
            cJSON_AddNumberToObject(l2id, cfg->labels[i], (double)i);
        }
        set_item(c, "id2label", id2);
        set_item(c, "label2id", l2id);
    }
    char *s = cJSON_Print(c);
    cJSON_Delete(c);
    return s;
}

static char *tokenizer_config_text(const vcd_bert *m)
{
    const vcd_wordpiece_options *o = vcd_wordpiece_settings(m->wp);
    const vcd_wordpiece_specials *sp = vcd_wordpiece_special_ids(m->wp);
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "tokenizer_class", "BertTokenizer");
    cJSON_AddBoolToObject(c, "do_lower_case", o->lower_case);
    if (o->strip_accents < 0)
        cJSON_AddNullToObject(c, "strip_accents");
    else
        cJSON_AddBoolToObject(c, "strip_accents", o->strip_accents);
    cJSON_AddBoolToObject(c, "tokenize_chinese_chars", o->chinese_chars);
    const char *keys[] = {"unk_token", "pad_token", "cls_token", "sep_token", "mask_token"};
    int32_t ids[] = {sp->unk, sp->pad, sp->cls, sp->sep, sp->mask};
    for (int i = 0; i < 5; i++) {
        const char *tok = vcd_wordpiece_token(m->wp, ids[i], NULL);
        if (tok) cJSON_AddStringToObject(c, keys[i], tok);
    }
    char *s = cJSON_Print(c);
    cJSON_Delete(c);
    return s;
}

static vcd_status write_text(const char *dir, const char *name, char *text)
{
    char *path = vcd_path_join(dir, name);
    vcd_status rc = vcd_write_file_atomic(path, text, strlen(text));
    free(path);
    cJSON_free(text);
    return rc;
}

vcd_status vcd_bert_save(const vcd_bert *m, const char *dir, int f16)
{
    vcd_status rc = vcd_ensure_dir(dir);
    if (rc) return rc;
    char *path = vcd_path_join(dir, "model.safetensors");
    rc = write_weights(m, path, f16);
    free(path);
    if (!rc) rc = write_text(dir, "config.json", config_text(m, f16));
    if (!rc) rc = write_text(dir, "tokenizer_config.json", tokenizer_config_text(m));
    if (!rc) {
        vcd_buf vocab = {0};
        vcd_wordpiece_vocab_text(m->wp, &vocab);
        path = vcd_path_join(dir, "vocab.txt");
        rc = vcd_write_file_atomic(path, vocab.data ? vocab.data : "", vocab.len);
        free(path);
        vcd_buf_free(&vocab);
    }
    return rc;
}
