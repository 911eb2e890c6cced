/* HTML escaping for text from the input: comments contain markup (and
 * sometimes `<script>`), so nothing from a comment reaches the page raw. */
#include "vcd/report.h"

#include <utf8proc.h>

void vcd_html_escape(vcd_buf *b, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        const char *ref = c == '&'    ? "&amp;"
                          : c == '<'  ? "&lt;"
                          : c == '>'  ? "&gt;"
                          : c == '"'  ? "&quot;"
                          : c == '\'' ? "&#39;"
                                      : NULL;
        if (ref) {
            vcd_buf_puts(b, ref);
            i++;
            continue;
        }
        if (c < 0x80) {
            /* control characters other than whitespace are not allowed in HTML text */
            vcd_buf_putc(b, c < 0x20 && c != '\n' && c != '\t' ? ' ' : (char)c);
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) {
            vcd_buf_puts(b, "\xEF\xBF\xBD");
            i++;
        } else {
            vcd_buf_append(b, s + i, (size_t)k);
            i += (size_t)k;
        }
    }
}
