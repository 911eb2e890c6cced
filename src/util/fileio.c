/* nftw() is an XSI extension */
#define _XOPEN_SOURCE 700
#include "vcd/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static vcd_status read_stream(int fd, const char *path, vcd_mapped_file *out)
{
    vcd_buf b = {0};
    char chunk[65536];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR) continue;
            vcd_buf_free(&b);
            return vcd_fail(VCD_EINPUT, "%s: read failed: %s", path, strerror(errno));
        }
        if (n == 0) break;
        vcd_buf_append(&b, chunk, (size_t)n);
    }
    out->data = (const unsigned char *)(b.data ? b.data : vcd_xcalloc(1, 1));
    out->len = b.len;
    out->mapped = 0;
    return VCD_OK;
}

vcd_status vcd_map_file(const char *path, vcd_mapped_file *out)
{
    memset(out, 0, sizeof *out);
    int fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return vcd_fail(VCD_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return vcd_fail(VCD_EINPUT, "%s: cannot stat: %s", path, strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return vcd_fail(VCD_EINPUT, "%s: is a directory", path);
    }
    vcd_status rc;
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            rc = vcd_fail(VCD_ERUNTIME, "%s: mmap failed: %s", path, strerror(errno));
        } else {
            out->data = p;
            out->len = (size_t)st.st_size;
            out->mapped = 1;
            rc = VCD_OK;
        }
    } else {
        rc = read_stream(fd, path, out);
    }
    close(fd);
    return rc;
}

void vcd_unmap_file(vcd_mapped_file *f)
{
    if (!f->data) return;
    if (f->mapped)
        munmap((void *)f->data, f->len);
    else
        free((void *)f->data);
    memset(f, 0, sizeof *f);
}

/* A temporary name next to the target that no other writer (another
 * process, or another thread of this one) can hold: pid + counter, created
 * with O_EXCL so that a collision retries instead of sharing a file. */
static FILE *open_unique_tmp(const char *target, char **tmp_out)
{
    static unsigned counter;
    for (int attempt = 0; attempt < 100; attempt++) {
        unsigned k = __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
        vcd_buf tmp = {0};
        vcd_buf_printf(&tmp, "%s.tmp.%ld.%u", target, (long)getpid(), k);
        int fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            FILE *fp = fdopen(fd, "wb");
            if (fp) {
                *tmp_out = tmp.data;
                return fp;
            }
            close(fd);
            unlink(tmp.data);
        }
        int again = fd < 0 && errno == EEXIST;
        vcd_buf_free(&tmp);
        if (!again) return NULL;
    }
    return NULL;
}

/* Where the bytes for `path` go: "-" and character devices or FIFOs are
 * streamed to (renaming over them would replace the device node), a
 * symbolic link is followed to its target, anything else that exists must
 * be a regular file. Sets *target (caller frees) and *stream. */
static vcd_status resolve_output(const char *path, char **target, int *stream)
{
    struct stat st;
    *target = NULL;
    *stream = 0;
    if (strcmp(path, "-") == 0) {
        *stream = 2;
        return VCD_OK;
    }
    if (stat(path, &st) != 0) {
        if (errno != ENOENT)
            return vcd_fail(VCD_EINPUT, "%s: cannot write: %s", path, strerror(errno));
        if (lstat(path, &st) == 0)
            return vcd_fail(VCD_EINPUT, "%s: is a symbolic link to a missing file", path);
        *target = vcd_xstrdup(path); /* a new file */
        return VCD_OK;
    }
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
        *stream = 1;
        *target = vcd_xstrdup(path);
        return VCD_OK;
    }
    if (S_ISDIR(st.st_mode)) return vcd_fail(VCD_EINPUT, "%s: is a directory", path);
    if (!S_ISREG(st.st_mode))
        return vcd_fail(VCD_EINPUT, "%s: not a regular file, device or FIFO", path);
    char *real = realpath(path, NULL); /* the symlink's target, if any */
    if (!real) return vcd_fail(VCD_EINPUT, "%s: cannot resolve: %s", path, strerror(errno));
    *target = vcd_xstrdup(real);
    free(real);
    return VCD_OK;
}

vcd_status vcd_atomic_open(vcd_atomic_file *f, const char *path)
{
    memset(f, 0, sizeof *f);
    char *target;
    vcd_status rc = resolve_output(path, &target, &f->stream);
    if (rc) return rc;
    if (f->stream == 2) {
        f->fp = stdout;
    } else if (f->stream) {
        f->fp = fopen(target, "wb");
    } else {
        f->fp = open_unique_tmp(target, &f->tmp_path);
    }
    if (!f->fp) {
        rc = vcd_fail(VCD_EINPUT, "%s: cannot write: %s", path, strerror(errno));
        free(target);
        return rc;
    }
    f->path = vcd_xstrdup(path);
    f->target = target;
    return VCD_OK;
}

static void atomic_release(vcd_atomic_file *f)
{
    free(f->path);
    free(f->target);
    free(f->tmp_path);
    memset(f, 0, sizeof *f);
}

vcd_status vcd_atomic_commit(vcd_atomic_file *f)
{
    int failed = ferror(f->fp);
    if (fflush(f->fp) != 0) failed = 1;
    int err = errno;
    if (f->stream != 2 && fclose(f->fp) != 0) failed = 1, err = errno;
    f->fp = NULL;
    if (failed) {
        vcd_status rc =
            vcd_fail(VCD_ERUNTIME, "%s: write failed: %s", f->path, strerror(err ? err : EIO));
        if (f->tmp_path) unlink(f->tmp_path);
        atomic_release(f);
        return rc;
    }
    if (f->tmp_path && rename(f->tmp_path, f->target) != 0) {
        vcd_status rc = vcd_fail(VCD_ERUNTIME, "%s: rename failed: %s", f->path, strerror(errno));
        unlink(f->tmp_path);
        atomic_release(f);
        return rc;
    }
    atomic_release(f);
    return VCD_OK;
}

void vcd_atomic_abort(vcd_atomic_file *f)
{
    if (f->fp && f->stream != 2) fclose(f->fp);
    if (f->tmp_path) unlink(f->tmp_path);
    atomic_release(f);
}

vcd_status vcd_write_file_atomic(const char *path, const void *data, size_t len)
{
    vcd_atomic_file f;
    vcd_status rc = vcd_atomic_open(&f, path);
    if (rc) return rc;
    if (len && fwrite(data, 1, len, f.fp) != len) {
        rc = vcd_fail(VCD_ERUNTIME, "%s: write failed: %s", path, strerror(errno));
        vcd_atomic_abort(&f);
        return rc;
    }
    return vcd_atomic_commit(&f);
}

vcd_status vcd_ensure_dir(const char *path)
{
    char *p = vcd_xstrdup(path);
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = '\0';
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            vcd_status rc =
                vcd_fail(VCD_EINPUT, "%s: cannot create directory: %s", p, strerror(errno));
            free(p);
            return rc;
        }
        *s = '/';
    }
    if (mkdir(p, 0777) != 0 && errno != EEXIST) {
        vcd_status rc = vcd_fail(VCD_EINPUT, "%s: cannot create directory: %s", p, strerror(errno));
        free(p);
        return rc;
    }
    struct stat st;
    if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
        vcd_status rc = vcd_fail(VCD_EINPUT, "%s: not a directory", p);
        free(p);
        return rc;
    }
    if (access(p, W_OK) != 0) {
        vcd_status rc = vcd_fail(VCD_EINPUT, "%s: directory is not writable", p);
        free(p);
        return rc;
    }
    free(p);
    return VCD_OK;
}

vcd_status vcd_dir_lock(const char *dir, int *fd_out)
{
    *fd_out = -1;
    char *path = vcd_path_join(dir, VCD_LOCK_FILE);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    vcd_status rc = VCD_OK;
    if (fd < 0) {
        rc = vcd_fail(VCD_EINPUT, "%s: cannot create the lock file: %s", path, strerror(errno));
    } else if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        rc = errno == EWOULDBLOCK
                 ? vcd_fail(VCD_EINPUT, "%s: another run is writing this directory (locked)", dir)
                 : vcd_fail(VCD_ERUNTIME, "%s: cannot lock: %s", path, strerror(errno));
        close(fd);
    } else {
        *fd_out = fd;
    }
    free(path);
    return rc;
}

void vcd_dir_unlock(int fd)
{
    if (fd >= 0) close(fd); /* closing releases the flock */
}

char *vcd_path_join(const char *dir, const char *name)
{
    vcd_buf b = {0};
    vcd_buf_puts(&b, dir);
    if (b.len && b.data[b.len - 1] != '/') vcd_buf_putc(&b, '/');
    vcd_buf_puts(&b, name);
    return b.data;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void vcd_remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
