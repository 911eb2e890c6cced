/* Files: whole-file reads, read-only memory maps, and atomic writes. */
#ifndef VCD_FILEIO_H
#define VCD_FILEIO_H

#include "vcd/common.h"
#include <stdio.h>

/* A read-only view of a file. Small or special files (pipes) are read into
 * memory; regular files are memory-mapped. Empty files give len 0. */
typedef struct {
    const unsigned char *data;
    size_t len;
    int mapped;
} vcd_mapped_file;

vcd_status vcd_map_file(const char *path, vcd_mapped_file *out);
void vcd_unmap_file(vcd_mapped_file *f);

/* Atomic output: everything goes to a temporary file next to the target
 * ("<target>.tmp.<pid>.<n>", created exclusively, so concurrent writers
 * never share one), and only vcd_atomic_commit() renames it over the
 * target; vcd_atomic_abort() removes it, so a failed run never leaves a
 * half-written file behind. A symbolic link is followed (its target is
 * replaced, the link stays). "-" (stdout), character devices and FIFOs are
 * streamed to instead: renaming over them would replace the device node.
 * Write errors on any of them are reported by vcd_atomic_commit(). */
typedef struct {
    FILE *fp;
    char *path;     /* as given, for messages */
    char *target;   /* resolved file written or replaced; NULL for stdout */
    char *tmp_path; /* NULL when streaming */
    int stream;     /* 0 atomic, 1 device or FIFO, 2 stdout */
} vcd_atomic_file;

vcd_status vcd_atomic_open(vcd_atomic_file *f, const char *path);
vcd_status vcd_atomic_commit(vcd_atomic_file *f);
void vcd_atomic_abort(vcd_atomic_file *f);
/* Writes a whole buffer atomically. */
vcd_status vcd_write_file_atomic(const char *path, const void *data, size_t len);

/* Creates the directory (and parents) if missing; fails if not writable. */
vcd_status vcd_ensure_dir(const char *path);
/* An exclusive advisory lock (flock) on dir/.vcdiscover.lock, held until
 * vcd_dir_unlock: a second writer is refused at once, never interleaved. */
#define VCD_LOCK_FILE ".vcdiscover.lock"
vcd_status vcd_dir_lock(const char *dir, int *fd);
void vcd_dir_unlock(int fd);
/* Joins dir and name into a new string owned by the caller. */
char *vcd_path_join(const char *dir, const char *name);
/* Removes a directory tree (the caller's own temporary directories only). */
void vcd_remove_tree(const char *path);

#endif
