/* Writing a Hugging Face folder: model.safetensors (F32 or F16),
 * config.json with the model's labels, vocab.txt, tokenizer_config.json. */
#include "bert_internal.h"
#include "vcd/fileio.h"
#include "vcd/safetensors.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static vcd_status write_weights(const vcd_bert *m, const char *path, int f16)
{
    vcd_tensor_f32 *t = vcd_xmalloc(m->n_tensors * sizeof *t);
    for (size_t i = 0; i < m->n_tensors; i++) {
        const bert_tensor_spec *s = &m->spec[i];
        t[i] = (vcd_tensor_f32){s->name, m->param[i], s->rows, s->cols};
    }
    vcd_status rc = vcd_safetensors_write_f32(path, t, m->n_tensors, f16);
    free(t);
    return rc;
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
