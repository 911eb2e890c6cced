/* Repair after decoding: a lower-case common verb at either end of a tagged
 * span leaves the span ("skip Tesla" -> "Tesla"), and a span that is only
 * such a verb is dropped; so is a span that is only a title ("Mr.": it
 * names nobody until a name follows, and annotators tag "Mr Bean" whole),
 * and a span the model is unsure of, when the model has a confidence
 * floor. */
#include "ner_internal.h"
#include "ner_verbs.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *s;
    size_t n;
} word_ref;

static int cmp_word(const void *key, const void *elem)
{
    const word_ref *w = key;
    const char *v = *(const char *const *)elem;
    size_t vn = strlen(v), n = w->n < vn ? w->n : vn;
    int c = memcmp(w->s, v, n);
    return c ? c : (w->n > vn) - (w->n < vn);
}

static int is_common_verb(const vcd_word_seq *s, size_t i)
{
    word_ref w = {s->words[i], s->lens[i]};
    return bsearch(&w, ner_common_verbs, sizeof ner_common_verbs / sizeof *ner_common_verbs,
                   sizeof *ner_common_verbs, cmp_word) != NULL;
}

/* Titles, lower-cased, sorted for bsearch. */
static const char *const titles[] = {"dr", "miss", "mister", "mr", "mrs", "ms", "sir"};

static int is_title_or_period(const vcd_word_seq *s, size_t i)
{
    char low[8];
    size_t n = s->lens[i];
    if (n && s->words[i][n - 1] == '.') n--; /* "Mr." as one word, or a lone "." */
    if (n == 0) return 1;
    if (n >= sizeof low) return 0;
    for (size_t k = 0; k < n; k++) {
        char ch = s->words[i][k];
        low[k] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
    }
    word_ref w = {low, n};
    return bsearch(&w, titles, sizeof titles / sizeof *titles, sizeof *titles, cmp_word) != NULL;
}

static int only_titles(const vcd_word_seq *s, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (!is_title_or_period(s, i)) return 0;
    return 1;
}

/* labels: the decoder's BIO-valid tags of one sentence. */
static void trim_sentence(const ner_config *c, const vcd_word_seq *s, int32_t *labels)
{
    size_t n = s->n;
    for (size_t a = 0; a < n;) {
        if (c->label_bio[labels[a]] != 1) {
            a++;
            continue;
        }
        size_t b = a + 1;
        while (b < n && c->label_bio[labels[b]] == 2 &&
               c->label_type[labels[b]] == c->label_type[labels[a]])
            b++;
        int32_t begin = labels[a];
        size_t from = a, to = b;
        while (from < to && is_common_verb(s, from))
            labels[from++] = 0;
        while (to > from && is_common_verb(s, to - 1))
            labels[--to] = 0;
        if (from < to && only_titles(s, from, to))
            while (from < to)
                labels[from++] = 0;
        if (from < to) labels[from] = begin;
        a = b;
    }
}

void ner_drop_unsure(const ner_config *c, size_t rows, const float *conf, int32_t *labels)
{
    if (c->min_span_conf <= 0) return;
    for (size_t a = 0; a < rows;) {
        if (c->label_bio[labels[a]] != 1) {
            a++;
            continue;
        }
        size_t b = a + 1;
        float lowest = conf[a];
        while (b < rows && c->label_bio[labels[b]] == 2 &&
               c->label_type[labels[b]] == c->label_type[labels[a]]) {
            if (conf[b] < lowest) lowest = conf[b];
            b++;
        }
        if (lowest < c->min_span_conf)
            for (size_t k = a; k < b; k++)
                labels[k] = 0;
        a = b;
    }
}

void ner_trim_verbs(const ner_config *c, const vcd_word_seq *seqs, size_t n_seq,
                    const size_t *starts, int32_t *labels)
{
    for (size_t s = 0; s < n_seq; s++)
        trim_sentence(c, &seqs[s], labels + starts[s]);
}
