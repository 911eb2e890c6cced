/* The command-line layer: argument parsing and printing only; all work is
 * done by libvcdiscover. */
#ifndef VCD_CLI_H
#define VCD_CLI_H

#include "vcd/common.h"
#include "vcd/ingest.h"
#include "vcd/pipeline.h"
#include "vcd/trends.h"
#include <stdio.h>

/* Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input. */
#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

typedef struct {
    const char *name; /* long name without "--" */
    int takes_value;
    const char *help;
    const char *value; /* filled by cli_parse; "1" for flags */
} cli_option;

/* Parses argv into options and positionals; prints an error and returns
 * EXIT_USAGE on an unknown option or a missing value, -1 for --help. */
int cli_parse(const char *command, int argc, char **argv, cli_option *opts, size_t n_opts,
              const char **positionals, size_t max_positionals, size_t *n_positionals);
void cli_usage(FILE *out, const char *command, const char *synopsis, const cli_option *opts,
               size_t n_opts);
const char *cli_get(const cli_option *opts, size_t n, const char *name);
/* Integer/real option values, range-checked; return 0 or EXIT_USAGE. */
int cli_size(const cli_option *opts, size_t n, const char *name, size_t lo, size_t hi, size_t *out);
int cli_real(const cli_option *opts, size_t n, const char *name, double lo, double hi, double *out);
/* ISO 8601 date option to UTC seconds; 0 or EXIT_USAGE. */
int cli_date(const cli_option *opts, size_t n, const char *name, int64_t *out);
/* Writes a whole output atomically (temporary file + rename); "-" is stdout. */
int cli_write_output(const char *path, const vcd_buf *b);
int cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reports a library failure: "vcdiscover: error: <reason>", exit 2 or 1. */
int cli_fail(vcd_status rc);
void cli_warn(void *ctx, const char *message);
void cli_progress(void *ctx, const char *stage, size_t done, size_t total);

/* The trend options (bucket, since, until, window, baseline, min-count,
 * alpha, min-ratio), copied into the tables of 'trends' and 'report'. */
#define CLI_TREND_OPTION_COUNT 8
extern const cli_option cli_trend_options[CLI_TREND_OPTION_COUNT];
/* Reads the trend options (bucket, since, until, window, baseline, min-count,
 * alpha, min-ratio) shared by 'trends' and 'report'. */
int cli_trends_options(const cli_option *opts, size_t n, vcd_trends_options *o);

/* --format csv|txt|jsonl into *fmt (left alone when v is NULL). */
int cli_input_format(const char *v, vcd_input_format *fmt);

/* The options of 'cluster' (its own table and checks) into *o, for every
 * command that runs the cluster job; -1 for --help, else 0 or EXIT_USAGE. */
/* 1 when arg is "--name" or "--name=value". */
int cli_is_option(const char *arg, const char *name);
/* Splits argv: options in `opts` (with their values) to `mine`, everything
 * else, in order, to `rest` (for cluster's parser). */
void cli_split_args(int argc, char **argv, const cli_option *opts, size_t n, char **mine,
                    int *n_mine, char **rest, int *n_rest);
int cli_cluster_options_parse(const char *command, int argc, char **argv, vcd_cluster_options *o);

int cmd_cluster(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_silver(int argc, char **argv);
int cmd_label_mentions(int argc, char **argv);
int cmd_drop_overlap(int argc, char **argv);
int cmd_match(int argc, char **argv);
int cmd_vectors(int argc, char **argv);
int cmd_kb(int argc, char **argv);
int cmd_trends(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_train_ner(int argc, char **argv);
int cmd_train_linker(int argc, char **argv);
int cmd_ner(int argc, char **argv);
int cmd_train_encoder(int argc, char **argv);
int cmd_pairs(int argc, char **argv);
int cmd_version(int argc, char **argv);
/* `eval --gold`: the combined run (cmd_eval dispatches here without a subcommand). */
int cmd_eval_combined(int argc, char **argv);
/* `eval match`: held-out aliases and absent entities against a fresh state. */
int cmd_eval_match(int argc, char **argv);

#ifdef VCD_MPI
/* cli_mpi.c: starts MPI under mpirun; 0 when this rank has nothing to run. */
int cli_mpi_begin(int *argc, char ***argv);
void cli_mpi_end(void);
#endif

#endif
