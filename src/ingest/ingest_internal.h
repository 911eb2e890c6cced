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
} ingest_session;

/* The spill file (text_spill.c). put() returns the block's offset; a write
 * failure is kept and reported by map(). */
vcd_status text_spill_open(const char *dir, vcd_text_spill **out);
size_t text_spill_put(vcd_text_spill *s, const char *block, size_t n);
/* Ids are kept in a heap arena, in document order: text_spill_ids() is valid
 * once every id is put. */
void text_spill_put_id(vcd_text_spill *s, const char *id, size_t n);
const char *text_spill_ids(const vcd_text_spill *s);
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

vcd_status ingest_parse_csv(ingest_session *s, const unsigned char *data, size_t len);
vcd_status ingest_parse_txt(ingest_session *s, const unsigned char *data, size_t len);
vcd_status ingest_parse_jsonl(ingest_session *s, const unsigned char *data, size_t len);

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
