#include "cli.h"
#include "vcd/vectors.h"

#include <string.h>

enum { O_INPUT, O_OUT, O_FORMAT, O_MAX, O_COUNT };

static cli_option vec_options[O_COUNT] = {
    [O_INPUT] = {"input", 1, "GloVe/word2vec/fastText text file, or the wink JSON file"},
    [O_OUT] = {"out", 1, "output .vcdv file"},
    [O_FORMAT] = {"format", 1, "text | wink (default: wink for .json, else text)"},
    [O_MAX] = {"max-words", 1, "keep only the N most frequent words (default: all)"},
};

int cmd_vectors(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "import") != 0) {
        if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
            cli_usage(stdout, "vectors import", "--input FILE --out FILE.vcdv", vec_options,
                      O_COUNT);
            return 0;
        }
        return cli_error(EXIT_USAGE, "vectors: expected 'vectors import --input FILE --out FILE'");
    }
    const char *pos[1];
    size_t npos;
    int rc = cli_parse("vectors import", argc - 1, argv + 1, vec_options, O_COUNT, pos, 0, &npos);
    if (rc < 0) {
        cli_usage(stdout, "vectors import", "--input FILE --out FILE.vcdv", vec_options, O_COUNT);
        return 0;
    }
    if (rc) return rc;
    const char *in = vec_options[O_INPUT].value, *out = vec_options[O_OUT].value;
    if (!in || !out) return cli_error(EXIT_USAGE, "vectors import: --input and --out are required");
    size_t max_words = 0;
    if (cli_size(vec_options, O_COUNT, "max-words", 1, 100000000, &max_words)) return EXIT_USAGE;
    vcd_vectors_format fmt = VCD_VEC_TEXT;
    const char *f = vec_options[O_FORMAT].value;
    if (f) {
        if (!strcmp(f, "wink"))
            fmt = VCD_VEC_WINK;
        else if (strcmp(f, "text"))
            return cli_error(EXIT_USAGE, "--format: expected text or wink, got '%s'", f);
    } else {
        size_t n = strlen(in);
        if (n > 5 && !strcmp(in + n - 5, ".json")) fmt = VCD_VEC_WINK;
    }
    vcd_vectors_import_stats st;
    vcd_status s = vcd_vectors_import(in, fmt, out, max_words, &st);
    if (s) return cli_fail(s);
    printf(
        "imported %zu words (%zu read, %zu malformed, %zu duplicates after normalisation) -> %s\n",
        st.words_kept, st.words_read, st.skipped_bad, st.skipped_duplicate, out);
    return 0;
}
