/* `vcdiscover update --state DIR --input NEW [--out DIR2] [cluster options]` */
#include "cli.h"
#include "vcd/pipeline.h"

#include <stdlib.h>
#include <string.h>

enum { U_STATE, U_OUT, U_JSON, U_COUNT };

static void print_report(const vcd_update_options *o, const vcd_update_report *r, int json)
{
    const char *dir = o->out_dir ? o->out_dir : o->state_dir;
    double total = r->seconds_read + r->seconds_ingest + r->seconds_tag + r->seconds_encode +
                   r->seconds_link + r->seconds_write;
    if (json) {
        printf("{\"schema\":\"vcdiscover.update-run/1\",\"written\":%s,\"comments_read\":%zu,"
               "\"comments_added\":%zu,\"duplicates_skipped\":%zu,\"mentions_added\":%zu,"
               "\"forms_added\":%zu,\"entities_grown\":%zu,\"new_entities\":%zu,"
               "\"proposed_merges\":%zu,\"docs\":%zu,\"mentions\":%zu,\"forms\":%zu,"
               "\"entities\":%zu,\"mentions_encoded\":%zu,\"seconds\":{\"read\":%.3f,\"ingest\":%."
               "3f,\"tag\":%.3f,"
               "\"encode\":%.3f,\"link\":%.3f,\"write\":%.3f,\"total\":%.3f}}\n",
               r->written ? "true" : "false", r->docs_read, r->docs_added, r->duplicates_skipped,
               r->mentions_added, r->forms_added, r->entities_grown, r->new_entities,
               r->proposed_merges, r->docs, r->mentions, r->forms, r->entities, r->mentions_encoded,
               r->seconds_read, r->seconds_ingest, r->seconds_tag, r->seconds_encode,
               r->seconds_link, r->seconds_write, total);
        return;
    }
    printf("%zu comments read: %zu new, %zu already in the state (skipped)\n", r->docs_read,
           r->docs_added, r->duplicates_skipped);
    if (!r->written) {
        printf("nothing to add; %s left as it was\n", o->state_dir);
        return;
    }
    printf("%zu new mentions, %zu new forms: %zu entities grew, %zu new entities, %zu proposed "
           "merges (manifest.json, updates)\n",
           r->mentions_added, r->forms_added, r->entities_grown, r->new_entities,
           r->proposed_merges);
    printf("state now: %zu comments, %zu mentions, %zu forms, %zu entities\n", r->docs, r->mentions,
           r->forms, r->entities);
    printf("time: read %.2fs, ingest %.2fs, tag %.2fs, encode %.2fs, link %.2fs, write %.2fs "
           "(total %.2fs)\n",
           r->seconds_read, r->seconds_ingest, r->seconds_tag, r->seconds_encode, r->seconds_link,
           r->seconds_write, total);
    printf("wrote %s\n", dir);
}

int cmd_update(int argc, char **argv)
{
    cli_option opts[U_COUNT] = {
        [U_STATE] = {"state", 1, "state directory written by cluster (or update)"},
        [U_OUT] = {"out", 1, "write the updated state here instead of replacing --state"},
        [U_JSON] = {"json", 0, "print the run summary as JSON (schema vcdiscover.update-run/1)"},
    };
    char **mine = vcd_xmalloc(((size_t)argc + 1) * sizeof *mine);
    char **rest = vcd_xmalloc(((size_t)argc + 1) * sizeof *rest);
    int n_mine, n_rest;
    cli_split_args(argc, argv, opts, U_COUNT, mine, &n_mine, rest, &n_rest);
    size_t npos;
    int has_input = 0;
    for (int i = 0; i < n_rest; i++)
        has_input |= cli_is_option(rest[i], "input");
    int rc = cli_parse("update", n_mine, mine, opts, U_COUNT, NULL, 0, &npos);
    vcd_update_options o;
    memset(&o, 0, sizeof o);
    if (rc == 0) rc = cli_cluster_options_parse("update", n_rest, rest, &o.cluster);
    free(mine);
    free(rest);
    if (rc < 0) {
        cli_usage(stdout, "update", "--state DIR --input NEW_FILE [--out DIR2] [cluster options]",
                  opts, U_COUNT);
        return 0;
    }
    if (rc) return rc;
    if (!opts[U_STATE].value) return cli_error(EXIT_USAGE, "update: --state is required");
    if (!has_input) return cli_error(EXIT_USAGE, "update: --input is required");
    o.state_dir = opts[U_STATE].value;
    o.out_dir = opts[U_OUT].value;
    vcd_update_report r;
    vcd_status st = vcd_run_update(&o, &r);
    if (st) return cli_fail(st);
    print_report(&o, &r, opts[U_JSON].value != NULL);
    return 0;
}
