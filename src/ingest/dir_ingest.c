/* Directory input: the files a directory holds, in a fixed order, so that
 * one process and every split of the directory over processes read the
 * same documents in the same order. */
#include "ingest_internal.h"
#include "vcd/fileio.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

int ingest_is_dir(const char *path)
{
    struct stat st;
    return strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *ingest_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int known_extension(const char *name)
{
    static const char *const exts[] = {".csv", ".txt", ".jsonl", ".ndjson"};
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof exts / sizeof *exts; i++)
        if (strcasecmp(dot, exts[i]) == 0) return 1;
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

vcd_status ingest_dir_files(const char *dir, const vcd_ingest_options *opt, char ***files,
                            size_t *n)
{
    *files = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) return vcd_fail(VCD_EINPUT, "%s: cannot open the directory: %s", dir, strerror(errno));
    char **names = NULL;
    size_t count = 0, cap = 0;
    const struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (opt->format == VCD_FORMAT_AUTO && !known_extension(e->d_name)) continue;
        char *path = vcd_path_join(dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(path);
            continue;
        }
        if (count == cap) {
            cap = cap ? cap * 2 : 16;
            names = vcd_xrealloc(names, cap * sizeof *names);
        }
        names[count++] = path;
    }
    closedir(d);
    if (count == 0) {
        free(names);
        return vcd_fail(VCD_EINPUT, "%s: no input files in the directory (.csv, .txt, .jsonl)",
                        dir);
    }
    qsort(names, count, sizeof *names, name_cmp); /* one directory: the same order as the names */
    *files = names;
    *n = count;
    return VCD_OK;
}

void ingest_dir_files_free(char **files, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
}
