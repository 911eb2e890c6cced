/* Clusters a handful of comments through libvcdiscover's public API: writes
 * them to WORKDIR/comments.csv, runs the `cluster` job into WORKDIR/state,
 * prints the entities it found with their aliases, then asks which entity
 * "AVP" names. Build against an installed copy:
 *
 *   cc -std=c11 cluster_comments.c $(pkg-config --cflags --libs --static vcdiscover) \
 *      -o cluster_comments
 *   ./cluster_comments /tmp/vcd-example [glove-wiki-100d.vcdv]
 *
 * Without a vector file the shipped tagger cannot run and the rule tagger
 * does (the warning says so). */
#define _POSIX_C_SOURCE 200809L /* mkdir */
#include <vcd/mentions.h>
#include <vcd/pipeline.h>
#include <vcd/state.h>
#include <vcd/version.h>

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static const char *const comments[] = {
    "c1,2026-03-02,ana,4,0,The Apple Vision Pro is heavier than I expected",
    "c2,2026-03-02,ben,1,1,Vision Pro or Quest 3? I cannot decide",
    "c3,2026-03-03,cy,0,0,Marques Brownlee reviewed the Apple Vision Pro today",
    "c4,2026-03-04,dee,9,2,MKBHD always gets the new gear first",
    "c5,2026-03-05,eli,2,0,Taylor Swift tickets sold out in Paris in minutes",
    "c6,2026-03-05,fay,0,0,Saw Taylor Swift live in London last summer",
    "c7,2026-03-06,gus,3,0,Is the Vision Pro worth it at that price?",
    "c8,2026-03-07,hal,1,0,Tesla cut the price of the Model 3 again",
    "c9,2026-03-08,ivy,0,1,My Tesla Model 3 has done 80k miles without trouble",
    "c10,2026-03-09,jo,5,0,Paris is lovely in spring",
};

static void warn(void *ctx, const char *message)
{
    (void)ctx;
    fprintf(stderr, "warning: %s\n", message);
}

static int write_comments(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fputs("ID,Date,Author,Likes,Replies,Comment\n", f);
    for (size_t i = 0; i < sizeof comments / sizeof *comments; i++)
        fprintf(f, "%s\n", comments[i]);
    return fclose(f);
}

static void print_entities(const vcd_records *r)
{
    for (size_t i = 0; i < r->n_entities; i++) {
        const vcd_record_entity *e = &r->entities[i];
        printf("  %-20s %-8s %zu mention%s:", e->name, vcd_type_name((vcd_entity_type)e->type),
               e->size, e->size == 1 ? "" : "s");
        for (size_t a = 0; a < e->n_aliases; a++)
            printf("%s %s (%zu)", a ? "," : "", e->aliases[a].text, e->aliases[a].count);
        putchar('\n');
    }
}

static vcd_status match(const char *state_dir, const char *query)
{
    vcd_state *s;
    vcd_status rc = vcd_state_open(state_dir, NULL, &s);
    if (rc) return rc;
    vcd_match_hit hit;
    size_t n = 0;
    rc = vcd_state_match(s, query, 1, VCD_MATCH_THRESHOLD, &hit, &n);
    if (!rc && n)
        printf("\"%s\" is %s (P = %.2f, by %s via \"%s\")\n", query, hit.name, hit.score,
               hit.evidence, hit.alias);
    else if (!rc)
        printf("\"%s\": no match\n", query);
    vcd_state_close(s);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s WORKDIR [VECTORS.vcdv]\n", argv[0]);
        return 2;
    }
    char input[4096], state_dir[4096];
    snprintf(input, sizeof input, "%s/comments.csv", argv[1]);
    snprintf(state_dir, sizeof state_dir, "%s/state", argv[1]);
    mkdir(argv[1], 0777);
    if (write_comments(input) != 0) {
        fprintf(stderr, "cannot write %s\n", input);
        return 1;
    }
    printf("libvcdiscover %s (data: %s)\n", vcd_version(), vcd_data_dir());

    vcd_cluster_options o;
    vcd_cluster_options_default(&o);
    o.input = input;
    o.out_dir = state_dir;
    o.vectors_path = argc > 2 ? argv[2] : NULL;
    o.warn = warn;
    o.ingest.warn = warn;
    vcd_cluster_report report;
    vcd_records r;
    vcd_status rc = vcd_run_cluster(&o, &report);
    if (!rc) {
        printf("%zu comments, %zu mentions, %zu forms, %zu entities\n", report.docs,
               report.mentions, report.forms, report.entities);
        rc = vcd_records_load(state_dir, &r);
    }
    if (!rc) {
        print_entities(&r);
        vcd_records_free(&r);
        rc = match(state_dir, "AVP");
    }
    if (rc) {
        fprintf(stderr, "error: %s\n", vcd_last_error());
        return rc;
    }
    return 0;
}
