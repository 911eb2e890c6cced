/* Ingest: comment exports (CSV, plain text, JSON Lines) into a corpus of
 * documents. Rows that cannot be used are skipped, counted and reported
 * through the warning callback; only structural problems (no text column,
 * unreadable file) are errors. */
#ifndef VCD_INGEST_H
#define VCD_INGEST_H

#include "vcd/common.h"

#define VCD_NO_DATE INT64_MIN

typedef struct {
    const char *id;     /* from the id column, or the row number */
    const char *text;   /* NFC-normalised UTF-8 */
    const char *author; /* "" when absent */
    int64_t time;       /* seconds since the epoch, UTC; VCD_NO_DATE when absent */
    int64_t likes;      /* -1 when absent */
    int64_t replies;    /* -1 when absent */
    size_t n_codepoints;
} vcd_doc;

typedef enum { VCD_FORMAT_AUTO, VCD_FORMAT_CSV, VCD_FORMAT_TXT, VCD_FORMAT_JSONL } vcd_input_format;

typedef void (*vcd_warn_fn)(void *ctx, const char *message);

typedef struct {
    vcd_input_format format;
    const char *text_column; /* NULL: the defaults of the original export */
    const char *id_column;
    const char *date_column;
    char delimiter;         /* 0: ',' */
    size_t max_field_bytes; /* 0: 1 MiB; longer fields skip their row */
    vcd_warn_fn warn;       /* NULL: silent */
    void *warn_ctx;
    /* NULL: every document's strings live in the heap. A directory: they are
     * written to an unlinked temporary file there and memory-mapped, so the
     * corpus holds only a fixed-size record per document (see
     * vcd_corpus_text_done). */
    const char *spill_dir;
} vcd_ingest_options;

typedef struct {
    size_t rows_read;
    size_t skipped_invalid_utf8;
    size_t skipped_malformed; /* unparseable row, NUL byte, oversized field */
    size_t skipped_empty;     /* no text after trimming */
    size_t skipped_duplicate; /* same id seen before */
    size_t bad_dates;         /* kept, but without a date */
    size_t bad_numbers;       /* likes/replies not an integer: kept as absent */
} vcd_ingest_stats;

typedef struct vcd_corpus {
    vcd_doc *docs;
    size_t n_docs;
    size_t cap;
    int has_date_column;
    int has_likes_column;
    int has_replies_column;
    char *source_path;
    struct vcd_strmap *id_index; /* id -> doc index, owned */
    vcd_ingest_stats stats;
    struct vcd_text_spill *spill; /* the mapped strings when spilled, owned */
} vcd_corpus;

vcd_status vcd_corpus_load(const char *path, const vcd_ingest_options *opt, vcd_corpus **out);
/* Parses an in-memory buffer (used by the fuzzers and tests). `name` labels messages. */
vcd_status vcd_corpus_parse(const char *name, const unsigned char *data, size_t len,
                            const vcd_ingest_options *opt, vcd_corpus **out);
void vcd_corpus_free(vcd_corpus *c);

/* One input read by n processes (mpirun; src/pipeline/cluster_mpi.c). A
 * plan says which bytes each part reads: a .txt or JSON Lines file is cut
 * after the first newline at or past offsets len * k / n; a CSV after the
 * first newline past them at which the CSV parser is between records (one
 * scan of the whole file's quotes, no parsing); anything not a regular file
 * is read by part 0 alone. A part is parsed on its own into a byte string;
 * what depends on the rows before it (duplicates, row and line numbers in
 * ids and messages, which warnings are shown) is settled by the builder,
 * which takes the parts in order and gives the corpus vcd_corpus_load
 * gives, warnings and errors included. */
vcd_status vcd_ingest_plan(const char *path, const vcd_ingest_options *opt, size_t n,
                           vcd_buf *plan);
/* A part's bytes: in the heap, or with opt->spill_dir written to an unlinked
 * file there as they are parsed and mapped (the rank's memory stays small). */
typedef struct {
    const char *data;
    size_t len;
    vcd_buf heap;
    struct vcd_text_spill *spill;
} vcd_ingest_part;
vcd_status vcd_ingest_read_part(const char *path, const vcd_ingest_options *opt, const char *plan,
                                size_t plan_len, size_t k, vcd_ingest_part *out);
/* The bytes before `upto` are done with (sent): their mapped pages may go. */
void vcd_ingest_part_done(vcd_ingest_part *p, size_t upto);
void vcd_ingest_part_free(vcd_ingest_part *p);
typedef struct vcd_corpus_builder vcd_corpus_builder;
vcd_status vcd_corpus_builder_new(const char *path, const vcd_ingest_options *opt,
                                  vcd_corpus_builder **out);
vcd_status vcd_corpus_builder_add(vcd_corpus_builder *b, const char *part, size_t len);
/* The corpus (an empty one is an error unless allow_empty); frees b. */
vcd_status vcd_corpus_builder_finish(vcd_corpus_builder *b, int allow_empty, vcd_corpus **out);
void vcd_corpus_builder_free(vcd_corpus_builder *b);
/* Documents [lo, hi) of c as a part: a builder makes a corpus of them. */
void vcd_corpus_part(const vcd_corpus *c, size_t lo, size_t hi, vcd_buf *part);
/* Index of the document with this id, or -1. Linear scans are avoided by a
 * lazily built hash table owned by the corpus. */
long vcd_corpus_find(const vcd_corpus *c, const char *id);
/* A pass over the documents in order has finished with those before `doc`
 * (`doc` == n_docs: the pass is over). With spilled text, the mapped pages
 * behind the pass are dropped from memory once a few MiB have accumulated;
 * they are read back from the file if needed again. A no-op otherwise. */
void vcd_corpus_text_done(const vcd_corpus *c, size_t doc);

/* ISO 8601 date or date-time ("2024-03-01", "2024-03-01T12:00:00Z",
 * "2024-03-01 12:00:00+02:00", fractional seconds allowed) to UTC seconds. */
vcd_status vcd_parse_iso8601(const char *s, size_t n, int64_t *out);
/* Formats UTC seconds as "YYYY-MM-DDTHH:MM:SSZ" into buf (>= 21 bytes). */
void vcd_format_iso8601(int64_t t, char *buf);
/* Appends a date as a JSON value: "YYYY-MM-DDTHH:MM:SSZ", or null for VCD_NO_DATE. */
void vcd_json_date(vcd_buf *b, int64_t t);
int64_t vcd_days_from_civil(int64_t y, unsigned m, unsigned d);
void vcd_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

#endif
