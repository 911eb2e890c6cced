/* vcdiscover: shared status codes, error reporting and small containers.
 *
 * Every fallible library function returns a vcd_status and, on failure,
 * leaves a one-line reason in a thread-local buffer read by vcd_last_error().
 * The CLI turns VCD_EINPUT/VCD_EUSAGE into exit 2 and VCD_ERUNTIME into exit 1. */
#ifndef VCD_COMMON_H
#define VCD_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef enum {
    VCD_OK = 0,
    VCD_EINPUT = 2,   /* bad input data or bad usage: the user can fix it */
    VCD_ERUNTIME = 1, /* I/O failure, out of memory, library failure */
} vcd_status;

/* Formats the message "<where>: <why>" into the thread-local error slot and
 * returns `code`, so callers can write `return vcd_fail(VCD_EINPUT, ...)`. */
vcd_status vcd_fail(vcd_status code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *vcd_last_error(void);

/* Allocation that aborts with a message instead of returning NULL: every
 * caller would have to report "out of memory" anyway. */
void *vcd_xmalloc(size_t n);
void *vcd_xcalloc(size_t count, size_t size);
void *vcd_xrealloc(void *p, size_t n);
char *vcd_xstrdup(const char *s);
char *vcd_xstrndup(const char *s, size_t n);

/* Growable byte buffer; always NUL-terminated after any append or clear
 * (data is NULL only for a zeroed buffer never written to). */
typedef struct {
    char *data;
    size_t len;
    size_t cap;
} vcd_buf;

void vcd_buf_reserve(vcd_buf *b, size_t extra);
void vcd_buf_append(vcd_buf *b, const void *p, size_t n);
void vcd_buf_puts(vcd_buf *b, const char *s);
void vcd_buf_putc(vcd_buf *b, char c);
void vcd_buf_printf(vcd_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends `s` (n bytes of UTF-8) as a quoted JSON string. */
void vcd_buf_json_string(vcd_buf *b, const char *s, size_t n);
void vcd_buf_clear(vcd_buf *b);
void vcd_buf_free(vcd_buf *b);

/* Deterministic random numbers (xoshiro256**), seeded explicitly. */
typedef struct {
    uint64_t s[4];
} vcd_rng;
void vcd_rng_seed(vcd_rng *r, uint64_t seed);
uint64_t vcd_rng_next(vcd_rng *r);
double vcd_rng_uniform(vcd_rng *r);
/* Fisher-Yates shuffle of a[0..n) driven by r. */
void vcd_rng_shuffle(size_t *a, size_t n, vcd_rng *r);

uint64_t vcd_hash64(const void *p, size_t n, uint64_t seed);

/* Line-oriented inputs: yields each line of data[0..len) without its "\n"
 * or "\r\n"; returns 0 at the end. *pos starts at 0 and is advanced. */
int vcd_next_line(const unsigned char *data, size_t len, size_t *pos, const char **line, size_t *n);

/* Union-find root with path halving; parent[x] == x marks a root. */
int64_t vcd_dsu_find(int64_t *parent, int64_t x);

typedef void (*vcd_progress_fn)(void *ctx, const char *stage, size_t done, size_t total);

#endif
