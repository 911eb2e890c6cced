/* drop-overlap on the real files of scripts/train_default_model.sh: WNUT 2017
 * dev against the 58,357 raw YouTube comments. The counts and the kept bytes
 * (length and vcd_hash64) are those of the Python step it replaced, whose
 * output was compared with cmp. SKIPs without ../shared. */
#include "test.h"
#include "vcd/fileio.h"
#include "vcd/overlap.h"

#include <stdlib.h>

int main(void)
{
    const char *dev = test_shared_path("data/wnut17/dev.conll");
    const char *comments = test_shared_path("data/youtube/comments.txt");
    if (test_skip_if_missing(dev) || test_skip_if_missing(comments)) return TEST_SKIP;
    vcd_overlap *o;
    CHECK(vcd_overlap_load(dev, &o) == VCD_OK);
    if (!o) return test_finish();
    CHECK(vcd_overlap_probe_count(o) == 963); /* 967 sentences of 12+, 4 repeated */
    vcd_mapped_file in;
    CHECK(vcd_map_file(comments, &in) == VCD_OK);
    char *buf = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&buf, &size);
    vcd_overlap_counts c;
    CHECK(vcd_overlap_filter_lines(o, in.data, in.len, mem, &c) == VCD_OK);
    fclose(mem);
    /* 58,361 lines: 4 comments hold a lone CR, a line break to Python */
    CHECK_MSG(c.kept == 57277 && c.dropped == 1084 && c.invalid_lines == 0, "%zu kept, %zu dropped",
              c.kept, c.dropped);
    CHECK_MSG(size == 3599784, "%zu bytes", size);
    CHECK(vcd_hash64(buf, size, 0) == UINT64_C(0x539e69d24fca1fd3));
    free(buf);
    vcd_unmap_file(&in);
    vcd_overlap_free(o);
    return test_finish();
}
