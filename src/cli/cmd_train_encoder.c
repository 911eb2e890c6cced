/* `vcdiscover train-encoder`: trains the identity encoder on alias groups
 * and writes the model folder plus train_log.json. */
#include "cli.h"
#include "vcd/fileio.h"
#include "vcd/identity.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

enum {
    E_GROUPS,
    E_OUT,
    E_VECTORS,
    E_NO_VECTORS,
    E_EPOCHS,
    E_SEED,
    E_DIM,
    E_BATCH,
    E_HARD,
    E_LR,
    E_F32,
    E_QUIET,
    E_COUNT
};

static cli_option enc_options[E_COUNT] = {
    [E_GROUPS] = {"groups", 1, "alias groups, group<TAB>type<TAB>alias lines (repeatable)"},
    [E_OUT] = {"out", 1, "folder to write model.safetensors, config.json, train_log.json to"},
    [E_VECTORS] = {"vectors", 1,
                   "word vectors (.vcdv; default: data/vectors/glove-wiki-100d.vcdv)"},
    [E_NO_VECTORS] = {"no-vectors", 0, "character and word-hash features only"},
    [E_EPOCHS] = {"epochs", 1, "passes over the training groups (default: 30)"},
    [E_SEED] = {"seed", 1, "seed for weights, batches and negatives (default: 42)"},
    [E_DIM] = {"dim", 1, "output dimension (default: 96)"},
    [E_BATCH] = {"batch", 1, "groups per step (default: 128)"},
    [E_HARD] = {"hard-negatives", 1, "hard negatives per anchor (default: 2)"},
    [E_LR] = {"lr", 1, "peak AdamW learning rate, decayed linearly (default: 1e-2)"},
    [E_F32] = {"f32", 0, "store F32 weights (default: F16)"},
    [E_QUIET] = {"quiet", 0, "no per-epoch lines on stderr"},
};

typedef struct {
    const char *path;
    uint64_t digest;
    size_t bytes, skipped;
} input_info;

/* Every --groups value, in order (cli_parse keeps only the last). */
static size_t collect_groups(int argc, char **argv, const char **out, size_t cap)
{
    size_t n = 0;
    for (int i = 0; i < argc && n < cap; i++) {
        if (strcmp(argv[i], "--groups") == 0 && i + 1 < argc)
            out[n++] = argv[++i];
        else if (strncmp(argv[i], "--groups=", 9) == 0)
            out[n++] = argv[i] + 9;
    }
    return n;
}

static vcd_status load_groups(const char **paths, size_t n, vcd_alias_groups *g, input_info *info)
{
    for (size_t i = 0; i < n; i++) {
        vcd_mapped_file f;
        vcd_status rc = vcd_map_file(paths[i], &f);
        if (rc) return rc;
        info[i] = (input_info){paths[i], vcd_hash64(f.data, f.len, 0), f.len, 0};
        rc = vcd_alias_groups_add_tsv(g, paths[i], f.data, f.len, &info[i].skipped);
        vcd_unmap_file(&f);
        if (rc) return rc;
        if (info[i].skipped)
            fprintf(stderr, "vcdiscover: warning: %s: skipped %zu malformed lines\n", paths[i],
                    info[i].skipped);
    }
    return VCD_OK;
}

static void write_log(vcd_buf *b, int argc, char **argv, const vcd_identity_train_options *o,
                      const input_info *in, size_t n_in, const char *vpath,
                      const vcd_identity_report *r, size_t acronyms)
{
    vcd_buf_puts(b, "{\n  \"schema\": \"vcdiscover.identity-train-log/1\",\n  \"command\": ");
    vcd_buf cmd = {0};
    vcd_buf_puts(&cmd, "vcdiscover train-encoder");
    for (int i = 0; i < argc; i++)
        vcd_buf_printf(&cmd, " %s", argv[i]);
    vcd_buf_json_string(b, cmd.data, cmd.len);
    vcd_buf_free(&cmd);
    vcd_buf_printf(b, ",\n  \"seed\": %" PRIu64 ",\n  \"inputs\": [", o->seed);
    for (size_t i = 0; i < n_in; i++) {
        vcd_buf_printf(b, "%s\n    {\"path\": ", i ? "," : "");
        vcd_buf_json_string(b, in[i].path, strlen(in[i].path));
        vcd_buf_printf(b, ", \"bytes\": %zu, \"digest\": \"%016" PRIx64 "\", \"skipped\": %zu}",
                       in[i].bytes, in[i].digest, in[i].skipped);
    }
    vcd_buf_puts(b, "\n  ],\n  \"vectors\": ");
    if (o->vectors) {
        vcd_buf_puts(b, "{\"path\": ");
        vcd_buf_json_string(b, vpath, strlen(vpath));
        vcd_buf_printf(b, ", \"digest\": \"%016" PRIx64 "\"}", vcd_vectors_digest(o->vectors));
    } else {
        vcd_buf_puts(b, "null");
    }
    vcd_buf_printf(b, ",\n  \"acronym_aliases_added\": %zu", acronyms);
    vcd_buf_printf(b,
                   ",\n  \"groups_train\": %zu,\n  \"groups_heldout\": %zu,\n  \"aliases_train\": "
                   "%zu,\n  \"aliases_heldout\": %zu,\n  \"epochs\": [",
                   r->groups_train, r->groups_heldout, r->aliases_train, r->aliases_heldout);
    for (size_t i = 0; i < r->n_epochs; i++) {
        const vcd_identity_epoch *e = &r->epoch[i];
        vcd_buf_printf(b,
                       "%s\n    {\"epoch\": %zu, \"loss\": %.6f, \"heldout_recall_at_1\": %.4f, "
                       "\"heldout_pos_cos\": %.4f, \"heldout_hard_neg_cos\": %.4f}",
                       i ? "," : "", i + 1, e->loss, e->recall_at_1, e->pos_cos, e->hard_neg_cos);
    }
    vcd_buf_puts(b, "\n  ]\n}\n");
}

static int read_options(vcd_identity_train_options *o)
{
    size_t seed = (size_t)o->seed;
    double lr = o->lr;
    if (cli_size(enc_options, E_COUNT, "epochs", 1, 64, &o->epochs) ||
        cli_size(enc_options, E_COUNT, "seed", 0, SIZE_MAX, &seed) ||
        cli_size(enc_options, E_COUNT, "dim", 2, 1024, &o->dim) ||
        cli_size(enc_options, E_COUNT, "batch", 2, 4096, &o->batch) ||
        cli_size(enc_options, E_COUNT, "hard-negatives", 0, 8, &o->hard) ||
        cli_real(enc_options, E_COUNT, "lr", 1e-7, 0.5, &lr))
        return EXIT_USAGE;
    o->seed = seed;
    o->lr = (float)lr;
    o->f16 = !enc_options[E_F32].value;
    o->quiet = enc_options[E_QUIET].value != NULL;
    return 0;
}

int cmd_train_encoder(int argc, char **argv)
{
    const char *pos[1];
    size_t npos;
    int prc = cli_parse("train-encoder", argc, argv, enc_options, E_COUNT, pos, 0, &npos);
    if (prc == -1) {
        cli_usage(stdout, "train-encoder", "--groups FILE [--groups FILE ...] --out DIR",
                  enc_options, E_COUNT);
        return 0;
    }
    if (prc) return prc;
    const char *groups[64];
    size_t n_groups = collect_groups(argc, argv, groups, 64);
    const char *out = enc_options[E_OUT].value;
    if (!n_groups || !out)
        return cli_error(EXIT_USAGE, "train-encoder: --groups and --out are required");
    vcd_identity_train_options o;
    vcd_identity_train_options_default(&o);
    if (read_options(&o)) return EXIT_USAGE;
    const char *vpath = enc_options[E_VECTORS].value ? enc_options[E_VECTORS].value
                                                     : "data/vectors/glove-wiki-100d.vcdv";
    vcd_vectors *vec = NULL;
    vcd_status rc = VCD_OK;
    if (!enc_options[E_NO_VECTORS].value) rc = vcd_vectors_open(vpath, &vec);
    o.vectors = vec;
    vcd_alias_groups *g = vcd_alias_groups_new();
    input_info info[64];
    if (!rc) rc = load_groups(groups, n_groups, g, info);
    size_t acronyms = rc ? 0 : vcd_alias_groups_add_acronyms(g);
    vcd_identity_report r;
    if (!rc) rc = vcd_identity_train(g, &o, out, &r);
    if (!rc) {
        vcd_buf b = {0};
        write_log(&b, argc, argv, &o, info, n_groups, vpath, &r, acronyms);
        char *path = vcd_path_join(out, "train_log.json");
        rc = vcd_write_file_atomic(path, b.data, b.len);
        free(path);
        vcd_buf_free(&b);
    }
    vcd_alias_groups_free(g);
    vcd_vectors_close(vec);
    if (rc) return cli_fail(rc);
    const vcd_identity_epoch *last = &r.epoch[r.n_epochs - 1];
    printf("train-encoder: %zu training groups, %zu held out; held-out recall@1 %.4f, cosine "
           "positive %.3f vs hard negative %.3f; wrote %s\n",
           r.groups_train, r.groups_heldout, last->recall_at_1, last->pos_cos, last->hard_neg_cos,
           out);
    return 0;
}
