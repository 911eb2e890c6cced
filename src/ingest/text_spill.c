/* The spill file: every document's strings written once, in document order,
 * to an unlinked temporary file and then memory-mapped read-only. Mapped
 * pages are clean and backed by the file, so the kernel can always take
 * them back; vcd_corpus_text_done also drops them behind a sequential pass
 * so that the resident set stays a window, not the whole text. Ids stay in
 * the heap (one arena): they are short and read in any order (an entity's
 * example comments, the id index). */
/* madvise and MADV_DONTNEED come with _DEFAULT_SOURCE (set for the whole build) */
#include "ingest_internal.h"
#include "vcd/fileio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Pages are dropped in steps of this much text behind a pass. */
#define RELEASE_STEP (8u << 20)

struct vcd_text_spill {
    FILE *fp;        /* while writing; NULL once mapped */
    char *path;      /* for messages; the file itself is already unlinked */
    size_t len;      /* bytes written */
    int write_errno; /* first write failure, 0 if none */
    const char *map; /* after text_spill_map */
    size_t released; /* map bytes below this were dropped in this pass */
    vcd_buf ids;     /* every id, NUL-terminated, in document order */
};

vcd_status text_spill_open(const char *dir, vcd_text_spill **out)
{
    *out = NULL;
    char *path = vcd_path_join(dir, ".vcd-text-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) {
        vcd_status rc = vcd_fail(VCD_ERUNTIME,
                                 "%s: cannot create a temporary file for the "
                                 "comment text: %s",
                                 dir, strerror(errno));
        free(path);
        return rc;
    }
    /* Unlinked at once: nothing is left behind by a crash or kill -9. */
    unlink(path);
    FILE *fp = fdopen(fd, "w+b");
    if (!fp) {
        close(fd);
        vcd_status rc = vcd_fail(VCD_ERUNTIME, "%s: cannot open: %s", path, strerror(errno));
        free(path);
        return rc;
    }
    vcd_text_spill *s = vcd_xcalloc(1, sizeof *s);
    s->fp = fp;
    s->path = path;
    *out = s;
    return VCD_OK;
}

void text_spill_put_id(vcd_text_spill *s, const char *id, size_t n)
{
    vcd_buf_append(&s->ids, id, n);
    vcd_buf_putc(&s->ids, '\0');
}

const char *text_spill_ids(const vcd_text_spill *s)
{
    return s->ids.data;
}

size_t text_spill_len(const vcd_text_spill *s)
{
    return s->len;
}

size_t text_spill_put(vcd_text_spill *s, const char *block, size_t n)
{
    size_t off = s->len;
    if (!s->write_errno && fwrite(block, 1, n, s->fp) != n) s->write_errno = errno ? errno : EIO;
    s->len += n;
    return off;
}

vcd_status text_spill_map(vcd_text_spill *s, const char **base)
{
    *base = NULL;
    if (!s->write_errno && fflush(s->fp) != 0) s->write_errno = errno ? errno : EIO;
    if (s->write_errno)
        return vcd_fail(VCD_ERUNTIME, "%s: cannot write the comment text: %s", s->path,
                        strerror(s->write_errno));
    if (s->len) {
        void *p = mmap(NULL, s->len, PROT_READ, MAP_PRIVATE, fileno(s->fp), 0);
        if (p == MAP_FAILED)
            return vcd_fail(VCD_ERUNTIME, "%s: cannot map the comment text: %s", s->path,
                            strerror(errno));
        s->map = p;
    }
    fclose(s->fp); /* the mapping keeps the file */
    s->fp = NULL;
    *base = s->map;
    return VCD_OK;
}

void text_spill_done(vcd_text_spill *s, const char *upto)
{
    if (!s || !s->map) return;
    if (!upto) {
        madvise((void *)s->map, s->len, MADV_DONTNEED);
        s->released = 0;
        return;
    }
    size_t to = (size_t)(upto - s->map);
    if (to < s->released) s->released = 0; /* a new pass started from the front */
    if (to - s->released < RELEASE_STEP) return;
    size_t end = to / (size_t)sysconf(_SC_PAGESIZE) * (size_t)sysconf(_SC_PAGESIZE);
    madvise((void *)(s->map + s->released), end - s->released, MADV_DONTNEED);
    s->released = end; /* page-aligned, as 0 is */
}

void text_spill_free(vcd_text_spill *s)
{
    if (!s) return;
    if (s->fp) fclose(s->fp);
    if (s->map) munmap((void *)s->map, s->len);
    vcd_buf_free(&s->ids);
    free(s->path);
    free(s);
}

void ingest_input_consumed(ingest_session *s, const unsigned char *at)
{
    if (!s->input_base) return;
    size_t pos = (size_t)(at - s->input_base);
    if (pos - s->input_released < RELEASE_STEP) return;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t end = pos / page * page;
    /* The input is a private read-only file mapping: dropped pages are
     * reread from the file, never zeroed. */
    madvise((void *)(s->input_base + s->input_released), end - s->input_released, MADV_DONTNEED);
    s->input_released = end;
}
