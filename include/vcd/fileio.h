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

/* Atomic output: everything goes to "<path>.tmp.<pid>", and only
 * vcd_atomic_commit() renames it over `path`. vcd_atomic_abort() removes the
 * temporary, so a failed run never leaves a half-written file behind. */
typedef struct {
    FILE *fp;
    char *path;
    char *tmp_path;
} vcd_atomic_file;

vcd_status vcd_atomic_open(vcd_atomic_file *f, const char *path);
vcd_status vcd_atomic_commit(vcd_atomic_file *f);
void vcd_atomic_abort(vcd_atomic_file *f);
/* Writes a whole buffer atomically. */
vcd_status vcd_write_file_atomic(const char *path, const void *data, size_t len);

/* Creates the directory (and parents) if missing; fails if not writable. */
vcd_status vcd_ensure_dir(const char *path);
/* Joins dir and name into a new string owned by the caller. */
char *vcd_path_join(const char *dir, const char *name);
/* Removes a directory tree (the caller's own temporary directories only). */
void vcd_remove_tree(const char *path);

#endif
