#ifndef VCD_INGEST_INTERNAL_H
#define VCD_INGEST_INTERNAL_H

#include "vcd/ingest.h"
#include "vcd/strmap.h"

typedef struct {
    const char *p;
    size_t n;
    int present;
} field_span;

/* One input row after column mapping, before validation. */
typedef struct {
    field_span id, text, author, date, likes, replies;
} raw_row;

typedef struct vcd_text_spill vcd_text_spill;

typedef struct {
    const char *name; /* file name for messages */
    const vcd_ingest_options *opt;
    vcd_corpus *corpus;
    vcd_strmap *seen; /* dedupe keys */
    size_t warnings;
    vcd_text_spill *spill; /* opt->spill_dir: documents' strings go here */
    size_t *spill_off;     /* each document's block in the spill, until mapped */
    /* A memory-mapped input: pages behind the parser are dropped. */
    const unsigned char *input_base;
    size_t input_released;
    /* Part mode (ingest_part.c): a byte range of the input is parsed, and
     * its rows and warnings go to `part` as records, not to the corpus;
     * what needs the rows before the range (duplicates, row and line
     * numbers, the warning cap) is left to vcd_corpus_builder. */
    vcd_buf *part;
    int txt_line_id;       /* part mode: the row's id is its (local) line number */
    size_t lines;          /* physical lines the parser was fed */
    size_t csv_hdr_end;    /* part mode, CSV: the header is [0, csv_hdr_end) */
    int csv_header_only;   /* reading the header of a later range: other records are not ours */
    const char *id_prefix; /* directory input: txt ids are "<file>:<line>" */
    struct vcd_text_spill
        *part_spill; /* part mode with a spill directory: the part is staged there */
} ingest_session;

/* The spill file (text_spill.c). put() returns the block's offset; a write
 * failure is kept and reported by map(). */
vcd_status text_spill_open(const char *dir, vcd_text_spill **out);
size_t text_spill_put(vcd_text_spill *s, const char *block, size_t n);
/* Ids are kept in a heap arena, in document order: text_spill_ids() is valid
 * once every id is put. */
void text_spill_put_id(vcd_text_spill *s, const char *id, size_t n);
const char *text_spill_ids(const vcd_text_spill *s);
size_t text_spill_len(const vcd_text_spill *s);
vcd_status text_spill_map(vcd_text_spill *s, const char **base);
/* Drops mapped pages below `upto` (NULL: all) in steps; see vcd_corpus_text_done. */
void text_spill_done(vcd_text_spill *s, const char *upto);
void text_spill_free(vcd_text_spill *s);
/* The parser is past the input before `at` for good: its mapped pages may go. */
void ingest_input_consumed(ingest_session *s, const unsigned char *at);

void ingest_session_init(ingest_session *s, const char *name, const vcd_ingest_options *opt,
                         vcd_corpus *c);
void ingest_session_done(ingest_session *s);
void ingest_warn(ingest_session *s, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Validates and appends a row; skips are counted and warned about. */
void ingest_add_row(ingest_session *s, const raw_row *row, size_t line);
/* The dedupe key of a row (its id, or a digest of date, author and text). */
void ingest_row_key(const raw_row *row, vcd_buf *key);
/* 1 if `key` was seen before (and records it). */
int ingest_seen(ingest_session *s, const char *key, size_t n);
/* Appends a finished document (its strings one block "id\0text\0author\0"). */
void ingest_push_doc(ingest_session *s, vcd_doc *d, char *block, size_t n);
vcd_status ingest_spill_finish(ingest_session *s);
/* Part mode: a parsed row, or a warning (ingest_part.c). */
void ingest_part_row(ingest_session *s, const raw_row *row, const vcd_doc *d, size_t line,
                     unsigned bad_dates, unsigned bad_numbers);
void ingest_part_warning(ingest_session *s, size_t line, const char *why);

vcd_status ingest_parse_csv(ingest_session *s, const unsigned char *data, size_t len);
vcd_status ingest_parse_txt(ingest_session *s, const unsigned char *data, size_t len);
vcd_status ingest_parse_jsonl(ingest_session *s, const unsigned char *data, size_t len);
/* The records starting in [start, end) of data[0..len) (start at a record
 * bound; the CSV header is read from the front). */
vcd_status ingest_parse_csv_range(ingest_session *s, const unsigned char *data, size_t len,
                                  size_t start, size_t end);
vcd_status ingest_parse_lines_range(ingest_session *s, vcd_input_format f,
                                    const unsigned char *data, size_t len, size_t start,
                                    size_t end);
/* Directory input (dir_ingest.c): the input files of dir, full paths, in
 * strcmp order of their names: regular files not starting with '.', with a
 * known extension (.csv .txt .jsonl .ndjson) unless opt->format is set. */
int ingest_is_dir(const char *path);
vcd_status ingest_dir_files(const char *dir, const vcd_ingest_options *opt, char ***files,
                            size_t *n);
void ingest_dir_files_free(char **files, size_t n);
const char *ingest_base_name(const char *path);
/* *bom: the UTF-8 byte-order mark's length; a UTF-16/32 one is an error. */
vcd_status ingest_check_bom(const char *name, const unsigned char *data, size_t len, size_t *bom);
vcd_input_format ingest_detect_format(const char *path, vcd_input_format f);
/* The first record bound at or after each offs[k] (sorted; n of them) of a
 * CSV: a byte after "\n" where libcsv's state machine is between rows, and
 * past the header (*hdr_end). Unfound: len. */
void ingest_csv_bounds(const unsigned char *data, size_t len, char delim, const size_t *offs,
                       size_t n, size_t *bounds, size_t *hdr_end);

/* Column name matching shared by the CSV header and JSON Lines keys. */
typedef enum {
    COL_ID,
    COL_TEXT,
    COL_AUTHOR,
    COL_DATE,
    COL_LIKES,
    COL_REPLIES,
    COL_COUNT
} column_role;
int ingest_column_role(const vcd_ingest_options *opt, const char *name, size_t n);

#endif
