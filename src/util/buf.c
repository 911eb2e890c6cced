#include "vcd/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vcd_buf_reserve(vcd_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->data = vcd_xrealloc(b->data, cap);
    b->cap = cap;
}

void vcd_buf_append(vcd_buf *b, const void *p, size_t n)
{
    vcd_buf_reserve(b, n);
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void vcd_buf_puts(vcd_buf *b, const char *s)
{
    vcd_buf_append(b, s, strlen(s));
}

void vcd_buf_putc(vcd_buf *b, char c)
{
    vcd_buf_append(b, &c, 1);
}

void vcd_buf_printf(vcd_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0) {
        vcd_buf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
}

void vcd_buf_json_string(vcd_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    vcd_buf_reserve(b, n + 2);
    vcd_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':
            vcd_buf_append(b, "\\\"", 2);
            break;
        case '\\':
            vcd_buf_append(b, "\\\\", 2);
            break;
        case '\n':
            vcd_buf_append(b, "\\n", 2);
            break;
        case '\r':
            vcd_buf_append(b, "\\r", 2);
            break;
        case '\t':
            vcd_buf_append(b, "\\t", 2);
            break;
        default:
            if (c < 0x20) {
                char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                vcd_buf_append(b, esc, 6);
            } else {
                vcd_buf_putc(b, (char)c);
            }
        }
    }
    vcd_buf_putc(b, '"');
}

void vcd_buf_clear(vcd_buf *b)
{
    /* After a clear, data is always a valid empty string, never NULL. */
    b->len = 0;
    vcd_buf_reserve(b, 0);
    b->data[0] = '\0';
}

void vcd_buf_free(vcd_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
