/* Promises of src/util checked by behaviour: an atomic replace leaves the
 * old file (and every hard link to it) untouched until the rename, a
 * writer never takes over another writer's temporary file, JSON strings
 * escape every character JSON forbids raw, and the line reader drops the
 * CR of CRLF. */
#include "test.h"
#include "vcd/fileio.h"

#include <sys/stat.h>

static char *slurp(const char *path)
{
    vcd_mapped_file f;
    if (vcd_map_file(path, &f) != VCD_OK) return NULL;
    char *s = vcd_xstrndup((const char *)f.data, f.len);
    vcd_unmap_file(&f);
    return s;
}

/* Temporary names are "<target>.tmp.<pid>.<counter>"; files already holding
 * the first names (another writer's, or leftovers) are skipped, not reused.
 * Runs first, while this process's counter is still at 0. */
static void test_foreign_temporaries_untouched(const char *dir)
{
    enum { TAKEN = 16 };
    char *target = vcd_path_join(dir, "out.json");
    char names[TAKEN][4096];
    for (int k = 0; k < TAKEN; k++) {
        snprintf(names[k], sizeof names[k], "%s.tmp.%ld.%d", target, (long)getpid(), k);
        FILE *fp = fopen(names[k], "wb"); /* not through vcd_atomic_*: the counter stays */
        CHECK(fp && fputs("theirs", fp) >= 0 && fclose(fp) == 0);
    }
    CHECK(vcd_write_file_atomic(target, "mine", 4) == VCD_OK);
    char *s = slurp(target);
    CHECK(s && strcmp(s, "mine") == 0);
    free(s);
    for (int k = 0; k < TAKEN; k++) {
        s = slurp(names[k]);
        CHECK_MSG(s && strcmp(s, "theirs") == 0, "%s changed or vanished", names[k]);
        free(s);
    }
    free(target);
}

/* The new content goes to a new inode that replaces the name: a hard link
 * to the old file (a reader holding it, a backup) keeps the old bytes, and
 * the final path is unchanged until the commit. */
static void test_replace_keeps_old_inode(const char *dir)
{
    char *path = vcd_path_join(dir, "docs.jsonl"), *backup = vcd_path_join(dir, "backup.jsonl");
    CHECK(vcd_write_file_atomic(path, "old\n", 4) == VCD_OK);
    CHECK(link(path, backup) == 0);
    struct stat before, after;
    CHECK(stat(path, &before) == 0);
    vcd_atomic_file f;
    CHECK(vcd_atomic_open(&f, path) == VCD_OK);
    fputs("new content\n", f.fp);
    fflush(f.fp);
    char *s = slurp(path);
    CHECK_MSG(s && strcmp(s, "old\n") == 0, "the final path changed before the commit");
    free(s);
    CHECK(vcd_atomic_commit(&f) == VCD_OK);
    CHECK(stat(path, &after) == 0 && after.st_ino != before.st_ino);
    s = slurp(path);
    CHECK(s && strcmp(s, "new content\n") == 0);
    free(s);
    s = slurp(backup);
    CHECK_MSG(s && strcmp(s, "old\n") == 0, "the hard link to the old file changed");
    free(s);
    /* an aborted write leaves the old file and no temporary */
    CHECK(vcd_atomic_open(&f, path) == VCD_OK);
    fputs("half", f.fp);
    char *tmp = vcd_xstrdup(f.tmp_path ? f.tmp_path : "");
    vcd_atomic_abort(&f);
    s = slurp(path);
    CHECK(s && strcmp(s, "new content\n") == 0);
    free(s);
    CHECK(*tmp && access(tmp, F_OK) != 0);
    free(tmp);
    free(path);
    free(backup);
}

static void check_json(const char *in, size_t n, const char *want)
{
    vcd_buf b = {0};
    vcd_buf_json_string(&b, in, n);
    vcd_buf_putc(&b, 0);
    CHECK_MSG(strcmp(b.data, want) == 0, "got %s, want %s", b.data, want);
    vcd_buf_free(&b);
}

static void test_json_strings(void)
{
    check_json("plain", 5, "\"plain\"");
    check_json("a\"b\\c/d", 7, "\"a\\\"b\\\\c/d\"");
    check_json("\n\r\t", 3, "\"\\n\\r\\t\"");
    /* every control character below 0x20 is escaped, none raw */
    char ctl[32];
    for (int c = 1; c < 32; c++)
        ctl[c - 1] = (char)c;
    vcd_buf b = {0};
    vcd_buf_json_string(&b, ctl, 31);
    for (size_t i = 0; i < b.len; i++)
        CHECK_MSG((unsigned char)b.data[i] >= 0x20, "raw control byte 0x%02x at %zu",
                  (unsigned char)b.data[i], i);
    vcd_buf_free(&b);
    check_json("\x01\x1f\x10", 3, "\"\\u0001\\u001f\\u0010\"");
    check_json("\xc3\xa9", 2, "\"\xc3\xa9\""); /* UTF-8 passes as is */
    check_json("a\0b", 3, "\"a\\u0000b\"");
}

static void test_lines(void)
{
    const char *text = "one\r\ntwo\n\r\nlast\r";
    const char *want[] = {"one", "two", "", "last"};
    size_t pos = 0, n, k = 0;
    const char *line;
    while (vcd_next_line((const unsigned char *)text, strlen(text), &pos, &line, &n)) {
        CHECK(k < 4 && n == strlen(want[k]) && memcmp(line, want[k], n) == 0);
        k++;
    }
    CHECK(k == 4);
}

int main(void)
{
    char dir[] = "/tmp/vcd_util_mut_XXXXXX";
    if (!mkdtemp(dir)) return 1;
    test_foreign_temporaries_untouched(dir);
    test_replace_keeps_old_inode(dir);
    test_json_strings();
    test_lines();
    vcd_remove_tree(dir);
    return test_finish();
}
