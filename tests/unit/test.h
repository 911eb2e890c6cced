/* A minimal test harness: CHECK records failures and keeps going, each test
 * binary prints "N passed, N failed" and exits non-zero on any failure, or 77
 * (ctest's SKIP) when the data it needs is absent. */
#ifndef VCD_TEST_H
#define VCD_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int test_passed, test_failed;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond) {                                                                                \
            test_passed++;                                                                         \
        } else {                                                                                   \
            test_failed++;                                                                         \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                       \
    do {                                                                                           \
        if (cond) {                                                                                \
            test_passed++;                                                                         \
        } else {                                                                                   \
            test_failed++;                                                                         \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond);               \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                                      \
    CHECK_MSG(fabs((double)(a) - (double)(b)) <= (tol), "%g vs %g", (double)(a), (double)(b))

static inline int test_finish(void)
{
    printf("%d passed, %d failed\n", test_passed, test_failed);
    return test_failed ? 1 : 0;
}

/* ../shared next to the checkout, or $VCD_SHARED. */
static inline const char *test_shared_dir(void)
{
    const char *env = getenv("VCD_SHARED");
    if (env && *env) return env;
    return VCD_SHARED_DIR;
}

static inline char *test_shared_path(const char *rel)
{
    static char buf[4][4096];
    static int slot;
    char *b = buf[slot++ & 3];
    snprintf(b, 4096, "%s/%s", test_shared_dir(), rel);
    return b;
}

static inline int test_skip_if_missing(const char *path)
{
    if (access(path, R_OK) == 0) return 0;
    printf("SKIP: %s not found\n", path);
    return 1;
}

#define TEST_SKIP 77

#endif
