/* CoNLL reader. The whole file is copied once into `storage` and split in
 * place, so tokens and tags cost no allocation each. */
#include "vcd/eval.h"
#include "vcd/fileio.h"
#include "vcd/text.h"

#include <stdlib.h>
#include <string.h>

static int is_blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r') return 0;
    return 1;
}

static void end_sentence(vcd_conll *c, size_t *cap_s)
{
    if (c->n_tokens == c->sentence_start[c->n_sentences]) return; /* empty */
    if (c->n_sentences + 2 > *cap_s) {
        *cap_s *= 2;
        c->sentence_start = vcd_xrealloc(c->sentence_start, *cap_s * sizeof(size_t));
    }
    c->sentence_start[++c->n_sentences] = c->n_tokens;
}

/* Splits one line (already NUL-terminated in storage) into token and tag. */
static vcd_status split_line(const char *name, size_t line_no, char *p, size_t n,
                             vcd_conll_token *t)
{
    while (n && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
        p[--n] = '\0';
    const char sep = memchr(p, '\t', n) ? '\t' : ' ';
    char *first_sep = memchr(p, sep, n);
    if (first_sep == p)
        return vcd_fail(VCD_EINPUT, "%s:%zu: line starts with a separator (empty token)", name,
                        line_no);
    t->token = p;
    t->tag = NULL;
    if (!first_sep) return VCD_OK;
    *first_sep = '\0';
    char *last = p + n;
    while (last > first_sep + 1 && last[-1] != sep)
        last--;
    if (*last == '\0' || *last == ' ') return VCD_OK; /* trailing separators only */
    t->tag = last;
    return VCD_OK;
}

vcd_status vcd_conll_parse(const char *name, const unsigned char *data, size_t len, vcd_conll *out)
{
    memset(out, 0, sizeof *out);
    out->storage = vcd_xmalloc(len + 1);
    memcpy(out->storage, data, len);
    out->storage[len] = '\0';
    size_t cap_t = 1024, cap_s = 256, pos = 0, n, line_no = 0;
    out->tokens = vcd_xmalloc(cap_t * sizeof *out->tokens);
    out->sentence_start = vcd_xcalloc(cap_s, sizeof(size_t));
    const char *line;
    while (vcd_next_line((const unsigned char *)out->storage, len, &pos, &line, &n)) {
        line_no++;
        char *p = out->storage + (line - out->storage);
        if (!vcd_utf8_valid(p, n)) {
            vcd_conll_free(out);
            return vcd_fail(VCD_EINPUT, "%s:%zu: invalid UTF-8 or NUL byte", name, line_no);
        }
        p[n] = '\0'; /* the line terminator (or the final NUL) */
        if (is_blank(p, n) || strncmp(p, "-DOCSTART-", 10) == 0) {
            end_sentence(out, &cap_s);
            continue;
        }
        if (out->n_tokens == cap_t) {
            cap_t *= 2;
            out->tokens = vcd_xrealloc(out->tokens, cap_t * sizeof *out->tokens);
        }
        out->tokens[out->n_tokens].line = line_no;
        vcd_status rc = split_line(name, line_no, p, n, &out->tokens[out->n_tokens]);
        if (rc) {
            vcd_conll_free(out);
            return rc;
        }
        out->n_tokens++;
    }
    end_sentence(out, &cap_s);
    return VCD_OK;
}

vcd_status vcd_conll_load(const char *path, vcd_conll *out)
{
    vcd_mapped_file f;
    vcd_status rc = vcd_map_file(path, &f);
    if (rc) {
        memset(out, 0, sizeof *out);
        return rc;
    }
    rc = vcd_conll_parse(path, f.data, f.len, out);
    vcd_unmap_file(&f);
    return rc;
}

void vcd_conll_free(vcd_conll *c)
{
    free(c->tokens);
    free(c->sentence_start);
    free(c->storage);
    memset(c, 0, sizeof *c);
}

void vcd_conll_words_build(const vcd_conll *c, vcd_conll_words *out)
{
    size_t n = c->n_tokens;
    out->words = vcd_xmalloc((n + 1) * sizeof *out->words);
    out->lens = vcd_xmalloc((n + 1) * sizeof *out->lens);
    out->seqs = vcd_xmalloc((c->n_sentences + 1) * sizeof *out->seqs);
    for (size_t t = 0; t < n; t++) {
        out->words[t] = c->tokens[t].token;
        out->lens[t] = strlen(out->words[t]);
    }
    for (size_t s = 0; s < c->n_sentences; s++) {
        size_t a = c->sentence_start[s];
        out->seqs[s] = (vcd_word_seq){out->words + a, out->lens + a, c->sentence_start[s + 1] - a};
    }
}

void vcd_conll_words_free(vcd_conll_words *w)
{
    free(w->words);
    free(w->lens);
    free(w->seqs);
    memset(w, 0, sizeof *w);
}

vcd_status vcd_conll_check_tags(const vcd_conll *c, const char *name)
{
    for (size_t i = 0; i < c->n_tokens; i++) {
        const vcd_conll_token *t = &c->tokens[i];
        if (!t->tag)
            return vcd_fail(VCD_EINPUT, "%s:%zu: token '%.40s' has no tag", name, t->line,
                            t->token);
        if (strcmp(t->tag, "O") == 0) continue;
        if ((t->tag[0] == 'B' || t->tag[0] == 'I') && t->tag[1] == '-' && t->tag[2]) continue;
        return vcd_fail(VCD_EINPUT, "%s:%zu: tag '%.40s' is not O, B-TYPE or I-TYPE", name, t->line,
                        t->tag);
    }
    return VCD_OK;
}

vcd_status vcd_conll_load_tagged(const char *path, vcd_conll *out)
{
    vcd_status rc = vcd_conll_load(path, out);
    if (rc == VCD_OK && (rc = vcd_conll_check_tags(out, path)) != VCD_OK) vcd_conll_free(out);
    return rc;
}
