#include "cli.h"
#include "vcd/fileio.h"
#include "vcd/ingest.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("vcdiscover: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return code;
}

int cli_fail(vcd_status rc)
{
    return cli_error(rc == VCD_EINPUT ? EXIT_USAGE : EXIT_RUNTIME, "%s", vcd_last_error());
}

void cli_warn(void *ctx, const char *message)
{
    (void)ctx;
    fprintf(stderr, "vcdiscover: warning: %s\n", message);
}

void cli_progress(void *ctx, const char *stage, size_t done, size_t total)
{
    (void)ctx;
    if (total == 0) return;
    int pct = (int)(done * 100 / total);
    int bar = pct / 4;
    fprintf(stderr, "\r%-8s [%.*s%*s] %3d%%", stage, bar, "#########################", 25 - bar, "",
            pct);
    if (done >= total) fputc('\n', stderr);
    fflush(stderr);
}

static cli_option *find_option(cli_option *opts, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0) return &opts[i];
    return NULL;
}

int cli_parse(const char *command, int argc, char **argv, cli_option *opts, size_t n_opts,
              const char **positionals, size_t max_positionals, size_t *n_positionals)
{
    *n_positionals = 0;
    int only_positionals = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!only_positionals && strcmp(a, "--") == 0) {
            only_positionals = 1;
            continue;
        }
        if (!only_positionals && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) return -1;
        if (!only_positionals && a[0] == '-' && a[1] == '-' && a[2]) {
            const char *name = a + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            cli_option *o = find_option(opts, n_opts, name, len);
            if (!o)
                return cli_error(EXIT_USAGE, "%s: unknown option --%.*s (see --help)", command,
                                 (int)len, name);
            if (!o->takes_value) {
                if (eq) return cli_error(EXIT_USAGE, "%s: --%s takes no value", command, o->name);
                o->value = "1";
            } else if (eq) {
                o->value = eq + 1;
            } else if (i + 1 < argc) {
                o->value = argv[++i];
            } else {
                return cli_error(EXIT_USAGE, "%s: --%s needs a value", command, o->name);
            }
            continue;
        }
        if (*n_positionals >= max_positionals)
            return cli_error(EXIT_USAGE, "%s: unexpected argument '%s' (see --help)", command, a);
        positionals[(*n_positionals)++] = a;
    }
    return 0;
}

void cli_usage(FILE *out, const char *command, const char *synopsis, const cli_option *opts,
               size_t n_opts)
{
    fprintf(out, "usage: vcdiscover %s %s\n\n", command, synopsis);
    for (size_t i = 0; i < n_opts; i++) {
        char left[64];
        snprintf(left, sizeof left, "--%s%s", opts[i].name, opts[i].takes_value ? " X" : "");
        fprintf(out, "  %-24s %s\n", left, opts[i].help);
    }
    fprintf(out, "  %-24s %s\n", "--help", "show this help");
}

const char *cli_get(const cli_option *opts, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(opts[i].name, name) == 0) return opts[i].value;
    return NULL;
}

int cli_size(const cli_option *opts, size_t n, const char *name, size_t lo, size_t hi, size_t *out)
{
    const char *v = cli_get(opts, n, name);
    if (!v) return 0;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (!*v || *end || errno || v[0] == '-' || x < lo || x > hi)
        return cli_error(EXIT_USAGE, "--%s: expected an integer in %zu..%zu, got '%s'", name, lo,
                         hi, v);
    *out = (size_t)x;
    return 0;
}

int cli_real(const cli_option *opts, size_t n, const char *name, double lo, double hi, double *out)
{
    const char *v = cli_get(opts, n, name);
    if (!v) return 0;
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (!*v || *end || errno || !isfinite(x) || x < lo || x > hi)
        return cli_error(EXIT_USAGE, "--%s: expected a number in %g..%g, got '%s'", name, lo, hi,
                         v);
    *out = x;
    return 0;
}

int cli_date(const cli_option *opts, size_t n, const char *name, int64_t *out)
{
    const char *v = cli_get(opts, n, name);
    if (!v) return 0;
    if (vcd_parse_iso8601(v, strlen(v), out) != VCD_OK)
        return cli_error(EXIT_USAGE, "--%s: expected an ISO 8601 date like 2026-03-01, got '%s'",
                         name, v);
    return 0;
}

int cli_write_output(const char *path, const vcd_buf *b)
{
    if (strcmp(path, "-") == 0) {
        if (fwrite(b->data, 1, b->len, stdout) != b->len || fflush(stdout) != 0)
            return cli_error(EXIT_RUNTIME, "writing to standard output failed: %s",
                             strerror(errno ? errno : EIO));
        return 0;
    }
    vcd_status rc = vcd_write_file_atomic(path, b->data, b->len);
    return rc ? cli_fail(rc) : 0;
}

int cli_input_format(const char *v, vcd_input_format *fmt)
{
    if (!v) return 0;
    if (!strcmp(v, "csv"))
        *fmt = VCD_FORMAT_CSV;
    else if (!strcmp(v, "txt"))
        *fmt = VCD_FORMAT_TXT;
    else if (!strcmp(v, "jsonl"))
        *fmt = VCD_FORMAT_JSONL;
    else
        return cli_error(EXIT_USAGE, "--format: expected csv, txt or jsonl, got '%s'", v);
    return 0;
}

static const char *own_name(const char *arg, size_t *len)
{
    if (arg[0] != '-' || arg[1] != '-' || !arg[2]) return NULL;
    const char *eq = strchr(arg + 2, '=');
    *len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
    return arg + 2;
}

/* "--name" or "--name=value" */
int cli_is_option(const char *arg, const char *name)
{
    size_t len;
    const char *n = own_name(arg, &len);
    return n && len == strlen(name) && strncmp(n, name, len) == 0;
}

/* Splits argv: our options (with their values) to `mine`, everything else,
 * in order, to `rest` for the cluster parser. */
void cli_split_args(int argc, char **argv, const cli_option *opts, size_t n, char **mine,
                    int *n_mine, char **rest, int *n_rest)
{
    *n_mine = *n_rest = 0;
    for (int i = 0; i < argc; i++) {
        size_t len;
        const char *name = own_name(argv[i], &len);
        const cli_option *o = NULL;
        for (size_t k = 0; name && k < n && !o; k++)
            if (strlen(opts[k].name) == len && strncmp(opts[k].name, name, len) == 0) o = &opts[k];
        if (!o && strcmp(argv[i], "--help") && strcmp(argv[i], "-h")) {
            rest[(*n_rest)++] = argv[i];
            continue;
        }
        mine[(*n_mine)++] = argv[i];
        if (o && o->takes_value && !strchr(argv[i], '=') && i + 1 < argc)
            mine[(*n_mine)++] = argv[++i];
    }
}
