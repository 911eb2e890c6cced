/* Atomic outputs: unique temporaries for concurrent writers, symlinks
 * followed, FIFOs streamed to (never replaced), the directory lock. */
#include "test.h"
#include "vcd/fileio.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char *slurp(const char *path)
{
    vcd_mapped_file f;
    if (vcd_map_file(path, &f) != VCD_OK) return NULL;
    char *s = vcd_xstrndup((const char *)f.data, f.len);
    vcd_unmap_file(&f);
    return s;
}

static void test_concurrent_writers(const char *dir)
{
    char *path = vcd_path_join(dir, "out.txt");
    vcd_atomic_file a, b;
    CHECK(vcd_atomic_open(&a, path) == VCD_OK && vcd_atomic_open(&b, path) == VCD_OK);
    CHECK(a.tmp_path && b.tmp_path && strcmp(a.tmp_path, b.tmp_path) != 0);
    fputs("first\n", a.fp);
    fputs("second\n", b.fp);
    CHECK(vcd_atomic_commit(&b) == VCD_OK && vcd_atomic_commit(&a) == VCD_OK);
    char *s = slurp(path);
    CHECK(s && strcmp(s, "first\n") == 0); /* whole files only: the last commit wins */
    free(s);
    free(path);
}

static void test_symlink_followed(const char *dir)
{
    char *target = vcd_path_join(dir, "target.txt"), *link = vcd_path_join(dir, "link.txt");
    CHECK(vcd_write_file_atomic(target, "old", 3) == VCD_OK);
    CHECK(symlink("target.txt", link) == 0);
    CHECK(vcd_write_file_atomic(link, "new", 3) == VCD_OK);
    struct stat st;
    CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode)); /* the link stays a link */
    char *s = slurp(target);
    CHECK(s && strcmp(s, "new") == 0);
    free(s);
    char *dangling = vcd_path_join(dir, "dangling.txt");
    CHECK(symlink("missing/nowhere.txt", dangling) == 0);
    CHECK(vcd_write_file_atomic(dangling, "x", 1) == VCD_EINPUT);
    free(dangling);
    free(target);
    free(link);
}

static void test_fifo_streamed(const char *dir)
{
    char *fifo = vcd_path_join(dir, "pipe");
    CHECK(mkfifo(fifo, 0600) == 0);
    pid_t child = fork();
    if (child == 0) { /* the reader: drain the FIFO, exit 0 if it saw the bytes */
        int fd = open(fifo, O_RDONLY);
        char buf[64] = {0};
        ssize_t n = read(fd, buf, sizeof buf - 1);
        _exit(n == 5 && memcmp(buf, "hello", 5) == 0 ? 0 : 1);
    }
    CHECK(vcd_write_file_atomic(fifo, "hello", 5) == VCD_OK);
    int status = 1;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    struct stat st;
    CHECK(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));    /* not replaced by a file */
    CHECK(vcd_write_file_atomic(dir, "x", 1) == VCD_EINPUT); /* a directory */
    free(fifo);
}

static void test_lock(const char *dir)
{
    int a, b;
    CHECK(vcd_dir_lock(dir, &a) == VCD_OK);
    CHECK(vcd_dir_lock(dir, &b) == VCD_EINPUT && strstr(vcd_last_error(), "another run"));
    vcd_dir_unlock(a);
    CHECK(vcd_dir_lock(dir, &b) == VCD_OK);
    vcd_dir_unlock(b);
}

int main(void)
{
    char dir[] = "/tmp/vcd_fileio_XXXXXX";
    if (!mkdtemp(dir)) return 1;
    test_concurrent_writers(dir);
    test_symlink_followed(dir);
    test_fifo_streamed(dir);
    test_lock(dir);
    vcd_remove_tree(dir);
    return test_finish();
}
