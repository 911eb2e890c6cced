#include "cli.h"
#include "vcd/bert_ner.h"
#include "vcd/ner_model.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    T_TRAIN,
    T_DEV,
    T_EXTRA,
    T_MODEL,
    T_OUT,
    T_INIT_RANDOM,
    T_EPOCHS,
    T_LR,
    T_BATCH,
    T_WD,
    T_WARMUP,
    T_SCHEDULE,
    T_CLIP,
    T_MAX_SEQ,
    T_SEED,
    T_F16,
    T_LIMIT,
    T_QUIET,
    T_JSON,
    T_VECTORS,
    T_CHAR_BUCKETS,
    T_CHAR_DIM,
    T_HIDDEN,
    T_DROPOUT,
    T_EMA,
    T_LSTM,
    T_LOWER,
    T_MEMBERS,
    T_SILVER_PER_EPOCH,
    T_DEV2,
    T_DEV2_MAP,
    T_PARTIAL,
    T_PARTIAL_SCHEME,
    T_PARTIAL_PER_EPOCH,
    T_OPEN,
    T_NOTE,
    T_KB,
    T_SPAN_FLOOR,
    T_CASE_PRIOR,
    T_SILVER_CASE_FLOOR,
    T_COUNT
};

static cli_option train_options[T_COUNT] = {
    [T_TRAIN] = {"train", 1, "training data, CoNLL (token ... tag, blank line between texts)"},
    [T_DEV] = {"dev", 1, "dev data, CoNLL: scored after every epoch; the best epoch is kept"},
    [T_EXTRA] = {"silver", 1, "more training data, CoNLL (e.g. from 'vcdiscover silver')"},
    [T_MODEL] = {"model", 1,
                 "Hugging Face BERT folder to fine-tune (config.json, vocab.txt, "
                 "model.safetensors); without it the default CNN-CRF tagger is trained"},
    [T_OUT] = {"out", 1, "folder to write the trained model to"},
    [T_INIT_RANDOM] = {"init-random", 0,
                       "start from random weights (only config.json and vocab.txt are read)"},
    [T_EPOCHS] = {"epochs", 1, "passes over the training data (default: CNN-CRF 20, BERT 3)"},
    [T_LR] = {"lr", 1, "peak learning rate (default: CNN-CRF 1e-3, BERT 2e-5)"},
    [T_BATCH] = {"batch", 1, "sentences per step (default: CNN-CRF 32, BERT 8)"},
    [T_WD] = {"weight-decay", 1,
              "AdamW weight decay; BERT: not on biases/LayerNorm (default: CNN-CRF 0, BERT "
              "0.01)"},
    [T_WARMUP] = {"warmup", 1, "fraction of steps of linear warm-up (default: 0)"},
    [T_SCHEDULE] = {"schedule", 1,
                    "linear | constant learning rate after warm-up (default: "
                    "linear)"},
    [T_CLIP] = {"clip", 1, "clip the global gradient norm to this; 0 = off (default: 1.0)"},
    [T_MAX_SEQ] = {"max-seq", 1, "sub-tokens per sentence incl. [CLS]/[SEP] (default: 128)"},
    [T_SEED] = {"seed", 1, "seed for shuffling and new weights (default: 42)"},
    [T_F16] = {"f16", 0, "store the weights as F16"},
    [T_LIMIT] = {"max-sentences", 1, "use only the first N training sentences"},
    [T_QUIET] = {"quiet", 0, "no progress bar"},
    [T_JSON] = {"json", 0, "print the summary as JSON"},
    [T_VECTORS] = {"vectors", 1,
                   "CNN-CRF: word vectors (.vcdv; default: data/vectors/glove-wiki-100d.vcdv)"},
    [T_CHAR_BUCKETS] = {"char-buckets", 1, "CNN-CRF: hashed character n-gram rows (default: 4096)"},
    [T_CHAR_DIM] = {"char-dim", 1, "CNN-CRF: character n-gram embedding width (default: 32)"},
    [T_HIDDEN] = {"hidden", 1, "CNN-CRF: convolution width (default: 256)"},
    [T_DROPOUT] = {"dropout", 1, "CNN-CRF: dropout on inputs and hidden layers (default: 0.3)"},
    [T_LSTM] = {"lstm", 1,
                "CNN-CRF: a BiLSTM of this width per direction as the second layer; 0 = a "
                "second convolution (default: 0)"},
    [T_LOWER] = {"lowercase", 1,
                 "CNN-CRF: probability of showing a training sentence in lower case "
                 "(default: 0)"},
    [T_MEMBERS] = {"members", 1,
                   "CNN-CRF: networks in the ensemble, seeds seed .. seed + N - 1 (default: 1)"},
    [T_SILVER_PER_EPOCH] = {"silver-per-epoch", 1,
                            "CNN-CRF: each epoch trains on all gold sentences and this many "
                            "silver ones, drawn afresh (default: all silver)"},
    [T_DEV2] = {"dev2", 1,
                "CNN-CRF: a second dev set (another domain, CoNLL): epochs and the O offset are "
                "chosen by the mean of both dev F1s"},
    [T_DEV2_MAP] = {"dev2-map", 1,
                    "CNN-CRF: read --dev2's tags as WNUT 2017 types: wnut16 (mapping in "
                    "../shared/data/wnut16/README.md)"},
    [T_PARTIAL] = {"partial", 1,
                   "CNN-CRF: more training data with partial labels (CoNLL; see "
                   "--partial-scheme): the CRF sums over every tag path its annotation allows"},
    [T_PARTIAL_SCHEME] = {"partial-scheme", 1,
                          "CNN-CRF: btc (Broad Twitter Corpus: PER -> person, LOC -> location, "
                          "ORG -> corporation or group, O -> O, product, creative-work or "
                          "group; default) | btc-org (the same, but O is never a group)"},
    [T_PARTIAL_PER_EPOCH] = {"partial-per-epoch", 1,
                             "CNN-CRF: partial and open-labelled sentences per epoch, drawn "
                             "afresh (default: all)"},
    [T_OPEN] = {"open-labels", 1,
                "CNN-CRF: labels that name some mentions only (CoNLL, e.g. from 'vcdiscover "
                "label-mentions'): a chunk of a training type is that whole mention, a "
                "not-entity chunk is O, any other word may take any tag"},
    [T_NOTE] = {"note", 1,
                "CNN-CRF: text recorded in train_log.json (e.g. the training data's licences)"},
    [T_KB] = {"kb", 1,
              "CNN-CRF: flags from this knowledge base's names, one per source (city, country, "
              "demonym, company, ticker, place code, given name); the model then needs the same "
              "file as the shipped default KB (checked by digest)"},
    [T_SPAN_FLOOR] =
        {"tune-span-confidence", 0,
         "CNN-CRF: after the O offset, choose on the dev sets a confidence below which "
         "a tagged span is dropped (0 .. 0.6)"},
    [T_SILVER_CASE_FLOOR] = {"silver-case-floor", 1,
                             "CNN-CRF: a silver span whose words the --case-prior counts show "
                             "capitalised less often than this (0..1; default 0: off) becomes O"},
    [T_CASE_PRIOR] = {"case-prior", 1,
                      "CNN-CRF: a text file (one text per line) whose words, with the training "
                      "sentences', give each word's share of capitalised mid-sentence sightings "
                      "as an input (needs --kb; the counts ship inside the model)"},
    [T_EMA] = {"ema", 1,
               "CNN-CRF: decay of the weight average that is scored and kept; 0 = off "
               "(default: 0.998)"},
};

static int read_numbers(vcd_train_ner_options *o)
{
    double lr = o->lr, wd = o->weight_decay, warm = o->warmup_ratio, clip = o->max_grad_norm;
    size_t seed = (size_t)o->seed;
    if (cli_size(train_options, T_COUNT, "epochs", 1, 1000, &o->epochs) ||
        cli_size(train_options, T_COUNT, "batch", 1, 1024, &o->batch) ||
        cli_size(train_options, T_COUNT, "max-seq", 8, 4096, &o->max_seq) ||
        cli_size(train_options, T_COUNT, "seed", 0, SIZE_MAX, &seed) ||
        cli_size(train_options, T_COUNT, "max-sentences", 1, SIZE_MAX, &o->max_train_sentences) ||
        cli_real(train_options, T_COUNT, "lr", 1e-9, 0.999, &lr) ||
        cli_real(train_options, T_COUNT, "weight-decay", 0, 0.999, &wd) ||
        cli_real(train_options, T_COUNT, "warmup", 0, 0.999, &warm) ||
        cli_real(train_options, T_COUNT, "clip", 0, 1e9, &clip))
        return EXIT_USAGE;
    o->lr = (float)lr;
    o->weight_decay = (float)wd;
    o->warmup_ratio = (float)warm;
    o->max_grad_norm = (float)clip;
    o->seed = seed;
    const char *s = train_options[T_SCHEDULE].value;
    if (s && strcmp(s, "linear") != 0 && strcmp(s, "constant") != 0)
        return cli_error(EXIT_USAGE, "--schedule: expected linear or constant, got '%s'", s);
    o->linear_schedule = !s || strcmp(s, "linear") == 0;
    return 0;
}

/* The tail of a --json summary: per-epoch loss and dev F1, then "]}". */
static void print_epochs_json(const double *loss, const double *f1, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%s{\"loss\":%.6f,\"dev_f1\":%.4f}", i ? "," : "", loss[i], 100 * f1[i]);
    printf("]}\n");
}

static void print_report(const vcd_train_ner_options *o, const vcd_train_ner_report *r, int json)
{
    if (json) {
        printf("{\"schema\":\"vcdiscover.train-ner-run/1\",\"out\":");
        vcd_buf b = {0};
        vcd_buf_json_string(&b, o->out_dir, strlen(o->out_dir));
        printf("%s,\"train_sentences\":%zu,\"steps\":%zu,\"best_epoch\":%zu,\"best_dev_f1\":%.4f,"
               "\"seconds\":%.3f,\"epochs\":[",
               b.data, r->train_sentences, r->steps, r->best_epoch, 100 * r->best_f1, r->seconds);
        vcd_buf_free(&b);
        print_epochs_json(r->epoch_loss, r->epoch_f1, r->epochs_run);
        return;
    }
    for (size_t i = 0; i < r->epochs_run; i++) {
        printf("epoch %zu: train loss %.4f", i + 1, r->epoch_loss[i]);
        if (o->dev_path) printf(", dev F1 %.2f", 100 * r->epoch_f1[i]);
        printf("\n");
    }
    printf("%zu sentences (%zu words), %zu steps in %.1f s\n", r->train_sentences, r->train_words,
           r->steps, r->seconds);
    if (o->dev_path)
        printf("best epoch %zu: dev P %.2f R %.2f F1 %.2f\n", r->best_epoch,
               100 * r->best_precision, 100 * r->best_recall, 100 * r->best_f1);
    printf("wrote %s/{config.json,model.safetensors,vocab.txt,tokenizer_config.json,"
           "train_log.json}\n",
           o->out_dir);
}

static int read_default_numbers(vcd_ner_train_options *o)
{
    double lr = o->lr, wd = o->weight_decay, dropout = o->dropout, ema = o->ema_decay;
    double lower = o->lowercase, case_floor = o->silver_case_floor;
    size_t seed = (size_t)o->seed;
    if (cli_size(train_options, T_COUNT, "epochs", 1, 1000, &o->epochs) ||
        cli_size(train_options, T_COUNT, "batch", 1, 4096, &o->batch) ||
        cli_size(train_options, T_COUNT, "seed", 0, SIZE_MAX, &seed) ||
        cli_size(train_options, T_COUNT, "max-sentences", 1, SIZE_MAX, &o->max_train_sentences) ||
        cli_size(train_options, T_COUNT, "char-buckets", 1, (size_t)1 << 24, &o->char_buckets) ||
        cli_size(train_options, T_COUNT, "char-dim", 1, 512, &o->char_dim) ||
        cli_size(train_options, T_COUNT, "hidden", 1, 4096, &o->hidden) ||
        cli_size(train_options, T_COUNT, "lstm", 0, 1024, &o->lstm) ||
        cli_size(train_options, T_COUNT, "members", 1, 16, &o->members) ||
        cli_size(train_options, T_COUNT, "silver-per-epoch", 1, SIZE_MAX, &o->silver_per_epoch) ||
        cli_size(train_options, T_COUNT, "partial-per-epoch", 1, SIZE_MAX, &o->partial_per_epoch) ||
        cli_real(train_options, T_COUNT, "lr", 1e-9, 0.999, &lr) ||
        cli_real(train_options, T_COUNT, "weight-decay", 0, 0.999, &wd) ||
        cli_real(train_options, T_COUNT, "dropout", 0, 0.95, &dropout) ||
        cli_real(train_options, T_COUNT, "ema", 0, 0.99999, &ema) ||
        cli_real(train_options, T_COUNT, "lowercase", 0, 1, &lower) ||
        cli_real(train_options, T_COUNT, "silver-case-floor", 0, 1, &case_floor))
        return EXIT_USAGE;
    o->silver_case_floor = (float)case_floor;
    o->lr = (float)lr;
    o->weight_decay = (float)wd;
    o->dropout = (float)dropout;
    o->ema_decay = (float)ema;
    o->lowercase = (float)lower;
    o->seed = seed;
    return 0;
}

static void print_default_report(const vcd_ner_train_options *o, const vcd_ner_train_report *r,
                                 int json)
{
    if (json) {
        vcd_buf b = {0};
        vcd_buf_json_string(&b, o->out_dir, strlen(o->out_dir));
        printf("{\"schema\":\"vcdiscover.train-ner-run/1\",\"architecture\":\"cnn-crf\","
               "\"out\":%s,\"train_sentences\":%zu,\"best_epoch\":%zu,\"best_dev_f1\":%.4f,"
               "\"saved_dev_f1\":%.4f,",
               b.data, r->train_sentences, r->best_epoch, 100 * r->best_f1, 100 * r->saved_f1);
        if (o->dev2_path)
            printf("\"best_dev2_f1\":%.4f,\"saved_dev2_f1\":%.4f,", 100 * r->best_f1_dev2,
                   100 * r->saved_f1_dev2);
        printf("\"seconds\":%.3f,\"epochs\":[", r->seconds);
        vcd_buf_free(&b);
        print_epochs_json(r->epoch_loss, r->epoch_f1, r->epochs_run);
        return;
    }
    printf("%zu sentences (%zu words), %zu gazetteer names, %zu epochs in %.1f s\n",
           r->train_sentences, r->train_words, r->gazetteer_entries, r->epochs_run, r->seconds);
    if (o->dev_path)
        printf("best epoch %zu: dev F1 %.2f; with O offset %.2f: P %.2f R %.2f F1 %.2f; as "
               "saved%s: F1 %.2f\n",
               r->best_epoch, 100 * r->f1_before_penalty, r->o_penalty, 100 * r->best_precision,
               100 * r->best_recall, 100 * r->best_f1, o->f16 ? " (F16)" : "", 100 * r->saved_f1);
    if (o->tune_span_floor && o->dev_path)
        printf("span confidence floor %.2f (the F1s above and below include it)\n",
               r->min_span_conf);
    if (o->dev2_path)
        printf("dev2 F1 at that epoch and offset %.2f; as saved %.2f (selection: mean of both)\n",
               100 * r->best_f1_dev2, 100 * r->saved_f1_dev2);
    if (o->partial_path || o->open_path)
        printf("%zu partially labelled sentences, %zu of them open-labelled (%zu skipped: no "
               "allowed tag path)\n",
               r->partial_sentences, r->open_sentences, r->partial_skipped);
    printf("wrote %s/{config.json,model.safetensors,gazetteer.tsv,train_log.json}\n", o->out_dir);
}

/* The command line as typed, for train_log.json. */
static char *command_line(int argc, char **argv)
{
    vcd_buf b = {0};
    vcd_buf_puts(&b, "vcdiscover train-ner");
    for (int i = 0; i < argc; i++) {
        vcd_buf_putc(&b, ' ');
        vcd_buf_puts(&b, argv[i]);
    }
    return b.data;
}

static int train_default(int argc, char **argv)
{
    vcd_ner_train_options o;
    vcd_ner_train_options_default(&o);
    int rc = read_default_numbers(&o);
    if (rc) return rc;
    o.train_path = train_options[T_TRAIN].value;
    o.dev_path = train_options[T_DEV].value;
    o.dev2_path = train_options[T_DEV2].value;
    o.dev2_scheme = train_options[T_DEV2_MAP].value;
    o.partial_path = train_options[T_PARTIAL].value;
    o.open_path = train_options[T_OPEN].value;
    o.partial_scheme =
        train_options[T_PARTIAL_SCHEME].value ? train_options[T_PARTIAL_SCHEME].value : "btc";
    o.out_dir = train_options[T_OUT].value;
    o.note = train_options[T_NOTE].value;
    o.kb_path = train_options[T_KB].value;
    o.case_text_path = train_options[T_CASE_PRIOR].value;
    o.tune_span_floor = train_options[T_SPAN_FLOOR].value != NULL;
    o.f16 = train_options[T_F16].value != NULL;
    o.quiet = train_options[T_QUIET].value != NULL;
    o.vectors_path = train_options[T_VECTORS].value ? train_options[T_VECTORS].value
                                                    : VCD_DATA_DIR "/vectors/glove-wiki-100d.vcdv";
    const char *extra = train_options[T_EXTRA].value;
    if (extra) {
        o.extra_train = &extra;
        o.n_extra_train = 1;
    }
    if (!o.train_path || !o.out_dir)
        return cli_error(EXIT_USAGE, "train-ner: --train and --out are required");
    if (o.silver_per_epoch && !extra)
        return cli_error(EXIT_USAGE, "train-ner: --silver-per-epoch needs --silver");
    if (train_options[T_PARTIAL_SCHEME].value && !o.partial_path)
        return cli_error(EXIT_USAGE, "train-ner: --partial-scheme needs --partial");
    if (o.partial_per_epoch && !o.partial_path && !o.open_path)
        return cli_error(EXIT_USAGE,
                         "train-ner: --partial-per-epoch needs --partial or --open-labels");
    if ((o.dev2_path && !o.dev_path) || (o.dev2_scheme && !o.dev2_path))
        return cli_error(EXIT_USAGE, "train-ner: --dev2 needs --dev, --dev2-map needs --dev2");
    char *command = command_line(argc, argv);
    o.command = command;
    if (!o.quiet && isatty(2)) o.progress = cli_progress;
    vcd_ner_train_report r;
    vcd_status st = vcd_ner_train(&o, &r);
    free(command);
    if (!st) print_default_report(&o, &r, train_options[T_JSON].value != NULL);
    vcd_ner_train_report_free(&r);
    return st ? cli_fail(st) : 0;
}

/* An option that only the other architecture reads is a usage error, not
 * something to ignore silently. */
static int reject_options(const int *which, size_t n, const char *why)
{
    for (size_t i = 0; i < n; i++)
        if (train_options[which[i]].value)
            return cli_error(EXIT_USAGE, "train-ner: --%s %s", train_options[which[i]].name, why);
    return 0;
}

static int train_bert(void)
{
    vcd_train_ner_options o;
    vcd_train_ner_options_default(&o);
    int rc = read_numbers(&o);
    if (rc) return rc;
    o.train_path = train_options[T_TRAIN].value;
    o.dev_path = train_options[T_DEV].value;
    o.model_dir = train_options[T_MODEL].value;
    o.out_dir = train_options[T_OUT].value;
    o.init_random = train_options[T_INIT_RANDOM].value != NULL;
    o.f16 = train_options[T_F16].value != NULL;
    const char *extra = train_options[T_EXTRA].value;
    if (extra) {
        o.extra_train = &extra;
        o.n_extra_train = 1;
    }
    if (!o.train_path || !o.out_dir)
        return cli_error(EXIT_USAGE, "train-ner: --train and --out are required");
    if (!train_options[T_QUIET].value && isatty(2)) o.progress = cli_progress;
    vcd_train_ner_report r;
    vcd_status st = vcd_train_ner(&o, &r);
    if (!st) print_report(&o, &r, train_options[T_JSON].value != NULL);
    vcd_train_ner_report_free(&r);
    return st ? cli_fail(st) : 0;
}

int cmd_train_ner(int argc, char **argv)
{
    size_t npos;
    int rc = cli_parse("train-ner", argc, argv, train_options, T_COUNT, NULL, 0, &npos);
    if (rc < 0) {
        cli_usage(stdout, "train-ner",
                  "--train TRAIN.conll [--dev DEV.conll] [--model BERT_DIR] --out NEWDIR [options]",
                  train_options, T_COUNT);
        return 0;
    }
    if (rc) return rc;
    static const int bert_only[] = {T_INIT_RANDOM, T_WARMUP, T_SCHEDULE, T_CLIP, T_MAX_SEQ};
    static const int cnn_only[] = {
        T_VECTORS, T_CHAR_BUCKETS, T_CHAR_DIM,   T_HIDDEN,         T_DROPOUT,
        T_EMA,     T_LSTM,         T_LOWER,      T_MEMBERS,        T_SILVER_PER_EPOCH,
        T_DEV2,    T_DEV2_MAP,     T_PARTIAL,    T_PARTIAL_SCHEME, T_PARTIAL_PER_EPOCH,
        T_NOTE,    T_KB,           T_SPAN_FLOOR, T_CASE_PRIOR,     T_SILVER_CASE_FLOOR,
        T_OPEN};
    if (!train_options[T_MODEL].value) {
        rc = reject_options(bert_only, sizeof bert_only / sizeof *bert_only,
                            "needs --model (it is a BERT fine-tuning option)");
        return rc ? rc : train_default(argc, argv);
    }
    rc = reject_options(cnn_only, sizeof cnn_only / sizeof *cnn_only,
                        "is a CNN-CRF option; it does not apply with --model");
    return rc ? rc : train_bert();
}
