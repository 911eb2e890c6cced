/* Building a .vcdkb: importers for the publishers' own file formats and the
 * writer. `vcdiscover kb import` is a thin layer over this.
 *
 * Each importer reads its file line by line; a row it cannot use (too few
 * columns, invalid UTF-8, a bad number, a duplicate id, a field over the
 * length caps) is a counted skip in the stats, and a file with no usable row
 * at all is one VCD_EINPUT error naming the format it expected. Entries are
 * merged by id across files and importers (a TSV line with id
 * "country:GBR" adds aliases to the country), aliases deduplicated by
 * vcd_kb_key within an entry (a strong spelling wins over a weak one), and
 * the file written sorted by id. The same inputs in the same order give the
 * same bytes (the order decides which symbol names a merged company and
 * which file's spelling leads when two sources rank alike).
 *
 * User TSV ids without a ':' are namespaced "user:<id>"; an id with one is
 * used as given. A leading UTF-8 byte order mark is ignored in every format. */
#ifndef VCD_KB_BUILD_H
#define VCD_KB_BUILD_H

#include "vcd/kb.h"

typedef struct vcd_kb_builder vcd_kb_builder;

typedef enum {
    VCD_KB_SRC_GEONAMES,  /* GeoNames cities*.txt / allCountries.txt dump */
    VCD_KB_SRC_COUNTRIES, /* mledoze/countries countries.json */
    VCD_KB_SRC_TICKERS,   /* nasdaq-listings, nyse-other-listings, s-and-p-500 CSVs */
    VCD_KB_SRC_NICKNAMES, /* carltonnorthern/nicknames names.csv */
    VCD_KB_SRC_TSV,       /* id<TAB>name<TAB>alias<TAB>type[<TAB>weak] */
    VCD_KB_SRC_COUNT
} vcd_kb_source;

const char *vcd_kb_source_name(vcd_kb_source s);

typedef struct {
    /* GeoNames: cities below this population are left out (0 keeps all). */
    double min_population;
} vcd_kb_import_options;

typedef struct {
    size_t rows;              /* data rows read (not headers, comments, blanks) */
    size_t entries;           /* new entries */
    size_t merged;            /* rows that added to an existing entry */
    size_t aliases;           /* new aliases (after deduplication) */
    size_t pairs;             /* nickname pairs */
    size_t skipped_malformed; /* wrong column count, bad id or number, not the format */
    size_t skipped_encoding;  /* invalid UTF-8 or control characters */
    size_t skipped_too_long;  /* a line over 1 MiB or a name over the cap */
    size_t skipped_duplicate; /* an id seen before in a source where ids are unique */
    size_t skipped_filtered;  /* by design: population, ETFs, warrants, test issues */
    size_t names_dropped;     /* alternate names dropped (script, length, code) */
} vcd_kb_import_stats;

vcd_kb_builder *vcd_kb_builder_new(const vcd_kb_import_options *opts);
void vcd_kb_builder_free(vcd_kb_builder *b);

/* Imports one file into the builder; `st` (optional) receives this file's counts. */
vcd_status vcd_kb_import(vcd_kb_builder *b, vcd_kb_source src, const char *path,
                         vcd_kb_import_stats *st);
/* The same from memory (`name` is used in messages). */
vcd_status vcd_kb_import_memory(vcd_kb_builder *b, vcd_kb_source src, const unsigned char *data,
                                size_t len, const char *name, vcd_kb_import_stats *st);

typedef struct {
    size_t entries, aliases, keys, pairs;
} vcd_kb_build_counts;
void vcd_kb_builder_counts(const vcd_kb_builder *b, vcd_kb_build_counts *out);

/* The .vcdkb image (appended to `out`, cleared first). */
vcd_status vcd_kb_builder_serialize(const vcd_kb_builder *b, vcd_buf *out);
/* Serialises and writes atomically. */
vcd_status vcd_kb_builder_write(const vcd_kb_builder *b, const char *path);

#endif
