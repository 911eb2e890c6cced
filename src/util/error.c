#include "vcd/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local char error_message[1024];

vcd_status vcd_fail(vcd_status code, const char *fmt, ...)
{
    /* Format into a scratch buffer first: callers often pass the previous
     * message (vcd_last_error()) as an argument to prefix it. */
    char tmp[sizeof error_message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    memcpy(error_message, tmp, sizeof tmp);
    /* One line only: a stray newline from a quoted input must not break the
     * "vcdiscover: error: <where>: <why>" contract. */
    for (char *p = error_message; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
    return code;
}

const char *vcd_last_error(void)
{
    return error_message[0] ? error_message : "unknown error";
}

static void out_of_memory(size_t n)
{
    fprintf(stderr, "vcdiscover: error: out of memory (allocating %zu bytes)\n", n);
    exit(1);
}

void *vcd_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) out_of_memory(n);
    return p;
}

void *vcd_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) out_of_memory(count * size);
    return p;
}

void *vcd_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) out_of_memory(n);
    return q;
}

char *vcd_xstrndup(const char *s, size_t n)
{
    char *p = vcd_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *vcd_xstrdup(const char *s)
{
    return vcd_xstrndup(s, strlen(s));
}
