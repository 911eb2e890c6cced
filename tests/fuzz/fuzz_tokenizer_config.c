/* libFuzzer: a BERT model folder's tokenizer_config.json with its vocab.txt,
 * read the way the BERT loaders read them (vcd_wordpiece_open_dir). The
 * input is split at the first NUL: the config before it (an empty one is
 * left out, as in folders without it), the vocabulary after it (a small
 * fixed one when there is no NUL). Invariants: an accepted folder has the
 * flags its config sets (else BertTokenizer's defaults), an unknown token,
 * special ids inside the vocabulary, and tokenizes text to ids inside it. */
#include "vcd/fileio.h"
#include "vcd/wordpiece.h"

#include <cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/vcd-fuzz-tok-XXXXXX";
static char *config_path, *vocab_path;

static void remove_dir(void)
{
    unlink(config_path);
    unlink(vocab_path);
    rmdir(dir);
}

static int flag(const cJSON *cfg, const char *key, int fallback)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    return cJSON_IsBool(v) ? cJSON_IsTrue(v) : fallback;
}

/* The settings the config asks for, checked against what the reader took. */
static void check_settings(const vcd_wordpiece *wp, const uint8_t *cfg_text, size_t n)
{
    cJSON *cfg = n ? cJSON_ParseWithLength((const char *)cfg_text, n) : NULL;
    const vcd_wordpiece_options *o = vcd_wordpiece_settings(wp);
    const cJSON *sa = cJSON_GetObjectItemCaseSensitive(cfg, "strip_accents");
    if (o->lower_case != flag(cfg, "do_lower_case", 1) ||
        o->chinese_chars != flag(cfg, "tokenize_chinese_chars", 1) ||
        o->strip_accents != (cJSON_IsBool(sa) ? cJSON_IsTrue(sa) : -1))
        __builtin_trap();
    cJSON_Delete(cfg);
}

static void check_tokens(vcd_wordpiece *wp)
{
    static const char text[] = "Caf\xc3\xa9 na\xc3\xafve \xe4\xb8\xad\xe6\x96\x87 [UNK] ab,c "
                               "\x01\xef\xbf\xbd x##b \xf0\x9f\x98\x82";
    size_t n = vcd_wordpiece_vocab_size(wp);
    const vcd_wordpiece_specials *sp = vcd_wordpiece_special_ids(wp);
    const int32_t ids[] = {sp->pad, sp->cls, sp->sep, sp->mask};
    if (sp->unk < 0 || (size_t)sp->unk >= n) __builtin_trap();
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
        if (ids[i] < -1 || (ids[i] >= 0 && (size_t)ids[i] >= n)) __builtin_trap();
    vcd_wp_tokens t = {0};
    vcd_wordpiece_tokenize(wp, text, sizeof text - 1, &t);
    for (size_t i = 0; i < t.n; i++)
        if (t.ids[i] < 0 || (size_t)t.ids[i] >= n || t.cp_start[i] >= t.cp_end[i] ||
            t.cp_end[i] > sizeof text - 1)
            __builtin_trap();
    vcd_wp_tokens_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready = -1;
    if (ready < 0) {
        ready = mkdtemp(dir) != NULL;
        if (ready) {
            config_path = vcd_path_join(dir, "tokenizer_config.json");
            vocab_path = vcd_path_join(dir, "vocab.txt");
            atexit(remove_dir);
        }
    }
    if (!ready) return 0;
    static const char fallback[] = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n<unk>\na\n##b\nab\n"
                                   "##c\n,\ncafe\n\xc3\xa9\n\xe4\xb8\xad\n";
    const uint8_t *nul = memchr(data, 0, size);
    size_t clen = nul ? (size_t)(nul - data) : size;
    const void *vocab = nul ? (const void *)(nul + 1) : fallback;
    size_t vlen = nul ? size - clen - 1 : sizeof fallback - 1;
    unlink(config_path);
    if (clen && vcd_write_file_atomic(config_path, data, clen) != VCD_OK) return 0;
    if (vcd_write_file_atomic(vocab_path, vocab, vlen) != VCD_OK) return 0;
    vcd_wordpiece *wp = NULL;
    if (vcd_wordpiece_open_dir(dir, &wp) == VCD_OK) {
        check_settings(wp, data, clen);
        check_tokens(wp);
    }
    vcd_wordpiece_free(wp);
    return 0;
}
