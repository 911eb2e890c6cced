/* Shared by the KB builder and its importers. */
#ifndef VCD_KB_INTERNAL_H
#define VCD_KB_INTERNAL_H

#include "vcd/kb_build.h"
#include "vcd/strmap.h"

/* Caps: a line longer than this is a counted skip, and so is a name longer
 * than the importer's cap (GeoNames alternates are capped tighter). */
#define KB_MAX_LINE (1u << 20)
#define KB_MAX_NAME 256u
#define KB_MAX_FIELDS 32u

typedef struct {
    char *text;
    uint8_t strength;
} kb_alias;

typedef struct {
    char *id;
    char *name;
    int type;
    double prominence;
    int name_rank; /* lower is a better source of the canonical name */
    kb_alias *aliases;
    size_t n_aliases, cap_aliases;
} kb_entry;

struct vcd_kb_builder {
    vcd_kb_import_options opt;
    kb_entry *entries;
    size_t n_entries, cap_entries;
    size_t n_aliases;
    vcd_strmap *ids;        /* id -> entry index */
    vcd_strmap *alias_keys; /* entry index (4 bytes) + key -> alias index */
    vcd_strmap *pairs;      /* "a\0b" -> pair index */
    char **pair_a, **pair_b;
    size_t n_pairs, cap_pairs;
    vcd_strmap *ticker_symbols; /* symbol -> entry index */
    vcd_strmap *ticker_names;   /* key of the cleaned company name -> entry index */
    vcd_buf key;                /* scratch */
};

/* The entry with this id, created (with `name` as its first alias) when
 * absent; *created says which. */
size_t kbb_entry(vcd_kb_builder *b, const char *id, const char *name, size_t name_len, int type,
                 double prominence, int name_rank, int *created);
/* Adds an alias; 1 when new, 0 when its key is empty or already the entry's
 * (a strong spelling upgrades a weak one of the same key). */
int kbb_alias(vcd_kb_builder *b, size_t entry, const char *text, size_t n, vcd_kb_strength s);
/* Makes `name` the canonical name when `rank` is better than the current one. */
void kbb_offer_name(vcd_kb_builder *b, size_t entry, const char *name, size_t n, int rank);
/* Records a given-name/nickname pair; 1 when new. */
int kbb_pair(vcd_kb_builder *b, const char *x, size_t xn, const char *y, size_t yn);

/* Text an alias may hold: valid UTF-8, no control characters, no NUL. */
int kb_text_ok(const char *s, size_t n);
/* The same for a whole line, where tabs separate fields. */
int kb_line_ok(const char *s, size_t n);
/* Every letter Latin (ASCII, Latin-1, Latin Extended, IPA, combining marks),
 * everything else a digit, space or punctuation. */
int kb_latin(const char *s, size_t n);
/* At least one upper- or title-case letter. */
int kb_has_upper(const char *s, size_t n);
/* Trims ASCII spaces at both ends. */
void kb_trim(const char **s, size_t *n);
/* Splits s on `sep` into at most max fields (the last absorbs the rest) and
 * returns how many; no quoting. */
size_t kb_split(const char *s, size_t n, char sep, const char **f, size_t *len, size_t max);
/* One CSV record on one line (RFC 4180 quotes, "" escapes) into fields
 * decoded into `store`; returns the field count, or -1 for an unterminated
 * quote. */
long kb_csv_split(const char *s, size_t n, vcd_buf *store, size_t *off, size_t *len, size_t max);
/* Parses a non-negative decimal integer (at most 15 digits). */
int kb_parse_uint(const char *s, size_t n, double *out);

/* The per-format importers (kb_import_*.c). */
vcd_status kb_import_geonames(vcd_kb_builder *b, const unsigned char *d, size_t n, const char *name,
                              vcd_kb_import_stats *st);
vcd_status kb_import_countries(vcd_kb_builder *b, const unsigned char *d, size_t n,
                               const char *name, vcd_kb_import_stats *st);
vcd_status kb_import_tickers(vcd_kb_builder *b, const unsigned char *d, size_t n, const char *name,
                             vcd_kb_import_stats *st);
vcd_status kb_import_nicknames(vcd_kb_builder *b, const unsigned char *d, size_t n,
                               const char *name, vcd_kb_import_stats *st);
vcd_status kb_import_tsv(vcd_kb_builder *b, const unsigned char *d, size_t n, const char *name,
                         vcd_kb_import_stats *st);

#endif
