#include "cli.h"

int cmd_eval_combined(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_error(EXIT_USAGE, "eval: expected 'ner', 'clusters' or --gold FILE.conll");
}
