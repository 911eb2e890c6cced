#include "cli.h"

#include <errno.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

static void usage(FILE *out)
{
    fputs("usage: vcdiscover <command> [options]\n\n"
          "commands:\n"
          "  cluster          find mentions in comments and cluster them into entities\n"
          "  update           add new comments to a state; entity ids stay, new ones follow\n"
          "  match TEXT       which known entity is this mention?\n"
          "  trends           entity counts over time and which entities are emerging\n"
          "  report           one self-contained HTML report of a state directory\n"
          "  eval             NER and clustering quality (eval ner, eval clusters, eval match, "
          "eval --gold)\n"
          "  ner              tag text with an entity tagger (CoNLL, CSV or plain text)\n"
          "  train-ner        train the default CNN-CRF tagger (or fine-tune BERT) on CoNLL\n"
          "  train-linker     fit the identity pair model on labelled mentions\n"
          "  train-encoder    train the identity encoder for mention names on alias groups\n"
          "  pairs mine       alias groups for train-encoder from the comments themselves\n"
          "  silver           weak BIO labels for your comments from known names\n"
          "  label-mentions   partial BIO labels from hand-labelled mentions (train-ner "
          "--open-labels)\n"
          "  drop-overlap     drop the comments that share a text with a CoNLL file\n"
          "  vectors import   convert word vectors into vcdiscover's memory-mapped format\n"
          "  kb               build (kb import), query (kb lookup) or export a knowledge base\n"
          "  version          the version and the versions of the libraries it was built with\n\n"
          "Run 'vcdiscover <command> --help' for a command's options.\n",
          out);
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        /* one line, as every error (the commands: vcdiscover --help) */
        return cli_error(
            EXIT_USAGE,
            "usage: vcdiscover <command> [options] (no command given; see vcdiscover --help)");
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0)
        return cmd_version(argc - 2, argv + 2);
    if (strcmp(cmd, "cluster") == 0) return cmd_cluster(argc - 2, argv + 2);
    if (strcmp(cmd, "update") == 0) return cmd_update(argc - 2, argv + 2);
    if (strcmp(cmd, "match") == 0) return cmd_match(argc - 2, argv + 2);
    if (strcmp(cmd, "trends") == 0) return cmd_trends(argc - 2, argv + 2);
    if (strcmp(cmd, "report") == 0) return cmd_report(argc - 2, argv + 2);
    if (strcmp(cmd, "eval") == 0) return cmd_eval(argc - 2, argv + 2);
    if (strcmp(cmd, "train-ner") == 0) return cmd_train_ner(argc - 2, argv + 2);
    if (strcmp(cmd, "train-linker") == 0) return cmd_train_linker(argc - 2, argv + 2);
    if (strcmp(cmd, "train-encoder") == 0) return cmd_train_encoder(argc - 2, argv + 2);
    if (strcmp(cmd, "pairs") == 0) return cmd_pairs(argc - 2, argv + 2);
    if (strcmp(cmd, "ner") == 0) return cmd_ner(argc - 2, argv + 2);
    if (strcmp(cmd, "silver") == 0) return cmd_silver(argc - 2, argv + 2);
    if (strcmp(cmd, "label-mentions") == 0) return cmd_label_mentions(argc - 2, argv + 2);
    if (strcmp(cmd, "drop-overlap") == 0) return cmd_drop_overlap(argc - 2, argv + 2);
    if (strcmp(cmd, "vectors") == 0) return cmd_vectors(argc - 2, argv + 2);
    if (strcmp(cmd, "kb") == 0) return cmd_kb(argc - 2, argv + 2);
    return cli_error(EXIT_USAGE, "%s: unknown command (see vcdiscover --help)", cmd);
}

int main(int argc, char **argv)
{
#ifdef __GLIBC__
    /* Large buffers (batch activations, a chunk's words) are mapped and given
     * back when freed. glibc raises its threshold after the first such free
     * and keeps later ones in the heap for good: ~50 MiB more peak on the
     * 4x resample (bench/bench_ingest_memory.sh). */
    mallopt(M_MMAP_THRESHOLD, 256 << 10);
#endif
#ifdef VCD_MPI
    if (!cli_mpi_begin(&argc, &argv)) {
        cli_mpi_end();
        return 0;
    }
#endif
    int rc = run(argc, argv);
    /* Every command prints through stdio: a full disk or closed pipe shows
     * only here, when the buffered output is flushed. One check for all. */
    int failed = ferror(stdout);
    if (fflush(stdout) != 0) failed = 1;
    int err = errno;
    if (fclose(stdout) != 0) failed = 1, err = errno;
    if (failed && rc == 0)
        rc = cli_error(EXIT_RUNTIME, "writing to standard output failed: %s",
                       strerror(err ? err : EIO));
#ifdef VCD_MPI
    cli_mpi_end();
#endif
    return rc;
}
