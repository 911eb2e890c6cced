/* The default CNN-CRF model as a word labeller for the shared word tagger
 * (tagger_words.c), and the choice of tagger by name, with the fallback to
 * the rule tagger when the default model is not there. */
#include "tagger_words.h"
#include "vcd/ner_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static vcd_status model_label(void *ctx, const vcd_word_seq *seqs, size_t n, int32_t *labels,
                              float *conf)
{
    return vcd_ner_model_tag(ctx, seqs, n, labels, conf);
}

static const char *model_label_name(const void *ctx, int32_t label)
{
    return vcd_ner_model_label(ctx, (size_t)label);
}

static void model_free(void *ctx)
{
    vcd_ner_model_free(ctx);
}

static const vcd_word_labeler model_word_labeler = {"cnn-crf", model_label, model_label_name,
                                                    model_free};

vcd_status vcd_tagger_model_new(const char *dir, const struct vcd_vectors *vectors,
                                vcd_tagger **out)
{
    *out = NULL;
    if (!vectors)
        return vcd_fail(VCD_EINPUT, "tagger model:%s: needs word vectors (--vectors)", dir);
    vcd_ner_model *m;
    vcd_status rc = vcd_ner_model_open(dir, vectors, &m);
    if (rc) return rc;
    *out = vcd_tagger_words_new(&model_word_labeler, m);
    return VCD_OK;
}

const char *vcd_default_ner_model_dir(void)
{
    const char *env = getenv("VCDISCOVER_NER_MODEL");
    return env && *env ? env : VCD_DATA_DIR "/models/default";
}

const char *vcd_default_ner_model_missing(const struct vcd_vectors *vectors)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/model.safetensors", vcd_default_ner_model_dir());
    if (access(path, R_OK) != 0) return "is missing";
    return vectors ? NULL : "needs word vectors";
}

/* The default model, or the rule tagger when its folder or the word
 * vectors are missing (said through warn). A folder that is there but
 * damaged is an error, not a silent downgrade. */
static vcd_status open_default(const char *gazetteer_path, const struct vcd_vectors *vocab,
                               vcd_warn_fn warn, void *warn_ctx, vcd_tagger **out)
{
    const char *dir = vcd_default_ner_model_dir(), *why = vcd_default_ner_model_missing(vocab);
    if (!why) return vcd_tagger_model_new(dir, vocab, out);
    if (warn) {
        char msg[4200];
        snprintf(msg, sizeof msg, "default NER model %s %s; using the rule-based tagger", dir, why);
        warn(warn_ctx, msg);
    }
    return vcd_tagger_rules_new(gazetteer_path, vocab, out);
}

vcd_status vcd_tagger_open(const char *spec, const char *gazetteer_path,
                           const struct vcd_vectors *vocab, vcd_warn_fn warn, void *warn_ctx,
                           vcd_tagger **out)
{
    *out = NULL;
    if (!spec || strcmp(spec, "default") == 0)
        return open_default(gazetteer_path, vocab, warn, warn_ctx, out);
    if (strcmp(spec, "rules") == 0) return vcd_tagger_rules_new(gazetteer_path, vocab, out);
    if (strncmp(spec, "bert:", 5) == 0 && spec[5]) return vcd_tagger_bert_new(spec + 5, out);
    if (strncmp(spec, "model:", 6) == 0 && spec[6])
        return vcd_tagger_model_new(spec + 6, vocab, out);
    return vcd_fail(VCD_EINPUT, "tagger '%s': expected default, rules, model:DIR or bert:DIR",
                    spec);
}
