/* Initials and acronyms, shared by the encoder's features, entity merging
 * and `match`. ASCII letters only: acronyms in comments are Latin capitals. */
#include "vcd/text.h"
#include "ascii.h"

#include <string.h>

static int is_connector(const char *w, size_t n)
{
    static const char *const c[] = {"of", "the", "and", "de", "for", "&", NULL};
    for (int i = 0; c[i]; i++)
        if (strlen(c[i]) == n) {
            size_t k = 0;
            while (k < n && ascii_tolower(w[k]) == c[i][k])
                k++;
            if (k == n) return 1;
        }
    return 0;
}

size_t vcd_initials(const char *s, size_t n, vcd_buf *all, vcd_buf *content)
{
    vcd_buf_clear(all);
    vcd_buf_clear(content);
    size_t pieces = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && (s[i] == ' ' || s[i] == '-' || s[i] == '_' || s[i] == '\t'))
            i++;
        if (i >= n) break;
        size_t w = i;
        while (i < n && s[i] != ' ' && s[i] != '-' && s[i] != '_' && s[i] != '\t')
            i++;
        int connector = is_connector(s + w, i - w);
        /* pieces inside the word: CamelCase humps and digit runs */
        for (size_t p = w; p < i;) {
            size_t q = p + 1;
            if (ascii_digit(s[p])) {
                while (q < i && ascii_digit(s[q]))
                    q++;
                vcd_buf_append(all, s + p, q - p);
                vcd_buf_append(content, s + p, q - p);
            } else {
                while (q < i && !ascii_digit(s[q]) && !(ascii_upper(s[q]) && ascii_lower(s[q - 1])))
                    q++;
                char c = ascii_tolower(s[p]);
                vcd_buf_putc(all, c);
                if (!connector) vcd_buf_putc(content, c);
            }
            pieces++;
            p = q;
        }
    }
    return pieces;
}

static int is_word_break(char c)
{
    return c == ' ' || c == '-' || c == '_' || c == '\t';
}

int vcd_written_as_name(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        while (i < n && is_word_break(s[i]))
            i++;
        size_t w = i;
        int marked = 0;
        while (i < n && !is_word_break(s[i])) {
            marked |= ascii_upper(s[i]) || ascii_digit(s[i]) || (unsigned char)s[i] >= 0x80;
            i++;
        }
        if (i > w && !marked && !is_connector(s + w, i - w)) return 0;
    }
    return 1;
}

int vcd_acronym_key(const char *s, size_t n, vcd_buf *out)
{
    vcd_buf_clear(out);
    if (n < 2 || n > 10) return 0;
    size_t letters = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (ascii_upper(c)) {
            letters++;
            vcd_buf_putc(out, ascii_tolower(c));
        } else if (ascii_digit(c)) {
            vcd_buf_putc(out, c);
        } else if (c != '.' && c != '&') {
            return 0;
        }
    }
    return letters >= 2 && out->len >= 2 && out->len <= 8;
}

int vcd_is_acronym_of(const char *acr, size_t an, const char *name, size_t nn)
{
    vcd_buf key = {0}, all = {0}, content = {0};
    int yes = 0;
    if (vcd_acronym_key(acr, an, &key) && vcd_initials(name, nn, &all, &content) >= 2)
        yes = (all.len == key.len && memcmp(all.data, key.data, key.len) == 0) ||
              (content.len == key.len && memcmp(content.data, key.data, key.len) == 0);
    vcd_buf_free(&key);
    vcd_buf_free(&all);
    vcd_buf_free(&content);
    return yes;
}
