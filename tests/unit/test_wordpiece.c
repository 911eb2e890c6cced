/* WordPiece against Hugging Face: every line of tokenize_{cased,uncased}.jsonl
 * (text -> ids) and tokenize_words_*.jsonl (words -> ids + word_ids). */
#include "test.h"
#include "vcd/fileio.h"
#include "vcd/wordpiece.h"

#include <cJSON.h>

static vcd_wordpiece *open_vocab(const char *dir_rel, int lower)
{
    vcd_mapped_file f;
    if (vcd_map_file(test_shared_path(dir_rel), &f)) return NULL;
    vcd_wordpiece_options o;
    vcd_wordpiece_options_default(&o);
    o.lower_case = lower;
    vcd_wordpiece *wp = NULL;
    vcd_status rc = vcd_wordpiece_from_vocab(dir_rel, (const char *)f.data, f.len, &o, &wp);
    vcd_unmap_file(&f);
    CHECK(rc == VCD_OK);
    return wp;
}

/* Compares [CLS] tokens [SEP] with a JSON id array. */
static int ids_equal(const vcd_wordpiece *wp, const vcd_wp_tokens *t, const cJSON *want)
{
    const vcd_wordpiece_specials *sp = vcd_wordpiece_special_ids(wp);
    if ((size_t)cJSON_GetArraySize(want) != t->n + 2) return 0;
    for (size_t i = 0; i < t->n + 2; i++) {
        int32_t got = i == 0 ? sp->cls : i == t->n + 1 ? sp->sep : t->ids[i - 1];
        if (cJSON_GetArrayItem(want, (int)i)->valueint != got) return 0;
    }
    return 1;
}

static void check_texts(vcd_wordpiece *wp, const char *rel, size_t *lines_out)
{
    vcd_mapped_file f;
    CHECK(vcd_map_file(test_shared_path(rel), &f) == VCD_OK);
    size_t pos = 0, n, lines = 0, bad = 0;
    const char *line;
    vcd_wp_tokens t = {0};
    while (vcd_next_line(f.data, f.len, &pos, &line, &n)) {
        cJSON *j = cJSON_ParseWithLength(line, n);
        const cJSON *text = cJSON_GetObjectItem(j, "text");
        vcd_wp_tokens_clear(&t);
        vcd_wordpiece_tokenize(wp, text->valuestring, strlen(text->valuestring), &t);
        if (!ids_equal(wp, &t, cJSON_GetObjectItem(j, "slow"))) {
            if (bad++ < 5)
                fprintf(stderr, "%s line %zu differs: %s\n", rel, lines + 1, text->valuestring);
        }
        /* Offsets: non-decreasing, inside the text. */
        for (size_t i = 0; i < t.n; i++)
            CHECK(t.cp_start[i] < t.cp_end[i] && (i == 0 || t.cp_start[i] >= t.cp_start[i - 1]));
        lines++;
        cJSON_Delete(j);
    }
    CHECK_MSG(bad == 0, "%s: %zu of %zu texts differ", rel, bad, lines);
    *lines_out = lines;
    vcd_wp_tokens_free(&t);
    vcd_unmap_file(&f);
}

static void check_words(vcd_wordpiece *wp, const char *rel)
{
    vcd_mapped_file f;
    CHECK(vcd_map_file(test_shared_path(rel), &f) == VCD_OK);
    size_t pos = 0, n, lines = 0, bad = 0;
    const char *line;
    vcd_wp_tokens t = {0};
    while (vcd_next_line(f.data, f.len, &pos, &line, &n)) {
        cJSON *j = cJSON_ParseWithLength(line, n);
        const cJSON *words = cJSON_GetObjectItem(j, "words");
        vcd_wp_tokens_clear(&t);
        for (int k = 0; k < cJSON_GetArraySize(words); k++) {
            const char *w = cJSON_GetArrayItem(words, k)->valuestring;
            vcd_wordpiece_tokenize_word(wp, w, strlen(w), &t);
        }
        int ok = ids_equal(wp, &t, cJSON_GetObjectItem(j, "ids"));
        const cJSON *wid = cJSON_GetObjectItem(j, "word_ids");
        for (size_t i = 0; ok && i < t.n; i++)
            ok = cJSON_GetArrayItem(wid, (int)i + 1)->valueint == t.word[i];
        if (!ok && bad++ < 5) fprintf(stderr, "%s line %zu differs\n", rel, lines + 1);
        lines++;
        cJSON_Delete(j);
    }
    CHECK_MSG(bad == 0, "%s: %zu of %zu word lists differ", rel, bad, lines);
    CHECK(lines > 100);
    vcd_wp_tokens_free(&t);
    vcd_unmap_file(&f);
}

/* Hand-checked behaviour on a tiny vocabulary, independent of ../shared. */
static void check_small_vocab(void)
{
    const char vocab[] =
        "[PAD]\n[UNK]\n[CLS]\n[SEP]\nun\n##aff\n##able\n,\nrun\n##ning\nhe\n##llo\n";
    vcd_wordpiece_options o;
    vcd_wordpiece_options_default(&o);
    o.lower_case = 1;
    vcd_wordpiece *wp;
    CHECK(vcd_wordpiece_from_vocab("mini", vocab, sizeof vocab - 1, &o, &wp) == VCD_OK);
    vcd_wp_tokens t = {0};
    const char *text = "UNAFFÁBLE, rünning\xe2\x80\x8b xyz";
    vcd_wordpiece_tokenize(wp, text, strlen(text), &t);
    int32_t want[] = {4, 5, 6, 7, 8, 9, 1};
    CHECK(t.n == 7);
    for (size_t i = 0; i < t.n && i < 7; i++)
        CHECK(t.ids[i] == want[i]);
    CHECK(t.n == 7 && t.word[0] == 0 && t.word[2] == 0 && t.word[3] == 1 && t.word[4] == 2 &&
          t.word[6] == 3);
    /* Offsets in code points of the original: "rünning" is 11..18. */
    CHECK(t.n == 7 && t.cp_start[4] == 11 && t.cp_end[4] == 14 && t.cp_end[5] == 18);
    CHECK(t.n == 7 && t.cp_start[6] == 20 && t.cp_end[6] == 23);
    vcd_wp_tokens_free(&t);
    vcd_wordpiece_free(wp);

    /* No [UNK] in the vocabulary is an input error. */
    CHECK(vcd_wordpiece_from_vocab("bad", "a\nb\n", 4, &o, &wp) == VCD_EINPUT);
    CHECK(vcd_wordpiece_from_vocab("bad", "[UNK]\n\xff\n", 8, &o, &wp) == VCD_EINPUT);
}

int main(void)
{
    check_small_vocab();
    if (test_skip_if_missing(test_shared_path("fixtures/tokenize_cased.jsonl"))) {
        /* the checks that need no fixture still decide pass or fail */
        return test_finish() ? 1 : TEST_SKIP;
    }
    vcd_wordpiece *cased = open_vocab("fixtures/vocab_cased/vocab.txt", 0);
    vcd_wordpiece *uncased = open_vocab("fixtures/vocab_uncased/vocab.txt", 1);
    size_t lines = 0;
    check_texts(cased, "fixtures/tokenize_cased.jsonl", &lines);
    CHECK(lines == 2458);
    check_texts(uncased, "fixtures/tokenize_uncased.jsonl", &lines);
    CHECK(lines == 2458);
    check_words(cased, "fixtures/tokenize_words_cased.jsonl");
    check_words(uncased, "fixtures/tokenize_words_uncased.jsonl");
    vcd_wordpiece_free(cased);
    vcd_wordpiece_free(uncased);

    /* A checkpoint folder brings its own settings. */
    vcd_wordpiece *dir;
    CHECK(vcd_wordpiece_open_dir(test_shared_path("fixtures/bert_tiny"), &dir) == VCD_OK);
    CHECK(!vcd_wordpiece_settings(dir)->lower_case);
    vcd_wordpiece_free(dir);
    return test_finish();
}
