/* Knowledge base of known entities: one memory-mapped alias table built by
 * `vcdiscover kb import` from standard files (GeoNames cities dumps, the
 * mledoze countries JSON, ticker CSVs, given-name nickname CSVs and a plain
 * id<TAB>name<TAB>alias<TAB>type TSV), opened read-only by the link stage.
 *
 * Every alias is indexed under vcd_kb_key(alias): NFKC + case fold +
 * combining marks stripped ("Pokémon" and "Pokemon" share a key, as do
 * "Zürich" and "Zurich": comments drop accents far more often than two
 * different entities differ only by one), every run of characters that are
 * not letters or digits collapsed to one space, trimmed ("U.S." -> "u s",
 * "New-York" -> "new york"). A lookup normalises its query the same way, so
 * importers and callers cannot disagree. Invalid UTF-8 bytes count as
 * separators.
 *
 * Opening validates the whole file (magic, version, every offset and length
 * in bounds, strings NUL-terminated UTF-8, a digest of the contents): a bad
 * file is one VCD_EINPUT error, never an out-of-bounds read. */
#ifndef VCD_KB_H
#define VCD_KB_H

#include "vcd/common.h"
#include "vcd/mentions.h"

typedef struct vcd_kb vcd_kb;

/* How much an alias says on its own. A strong alias (an official or common
 * name, an alternate spelling, a city's "Philly") names its entry; a weak one
 * (a ticker symbol that is also a word, "CAT"; a two-letter code) is
 * evidence only when something else agrees (type, context, a strong alias
 * in the same cluster). */
typedef enum { VCD_KB_STRONG = 0, VCD_KB_WEAK = 1 } vcd_kb_strength;

typedef struct {
    uint32_t entry; /* index into the KB's entries, 0 .. vcd_kb_size() - 1 */
    vcd_kb_strength strength;
} vcd_kb_hit;

/* Opens (memory-maps and validates) a .vcdkb file. */
vcd_status vcd_kb_open(const char *path, vcd_kb **out);
/* Validates and opens an in-memory image; `data` is not copied and must
 * outlive the handle (tests, fuzzing). */
vcd_status vcd_kb_open_memory(const void *data, size_t len, vcd_kb **out);
/* Adds a second file (a user's own --kb next to the default): entries are
 * numbered after the ones already open; lookups search both. At most
 * VCD_KB_MAX_FILES files per handle. A failed add leaves the handle as it was. */
vcd_status vcd_kb_add(vcd_kb *kb, const char *path);
#define VCD_KB_MAX_FILES 8
void vcd_kb_close(vcd_kb *kb);

size_t vcd_kb_size(const vcd_kb *kb);
/* Stable id, e.g. "geonames:5128581", "country:FIN", "ticker:AAPL", "user:acme". */
const char *vcd_kb_id(const vcd_kb *kb, uint32_t entry);
/* Canonical display name ("New York City", "Finland", "Apple Inc."). */
const char *vcd_kb_name(const vcd_kb *kb, uint32_t entry);
vcd_entity_type vcd_kb_type(const vcd_kb *kb, uint32_t entry);
/* Prominence for choosing among entries that share an alias (GeoNames
 * population, 0 when the source has none). */
double vcd_kb_prominence(const vcd_kb *kb, uint32_t entry);
/* The entry's aliases (original spellings, canonical name first). Returns
 * the total count; writes up to `max` pointers into the mapped file. */
size_t vcd_kb_aliases(const vcd_kb *kb, uint32_t entry, const char **out, vcd_kb_strength *strength,
                      size_t max);

/* Entries with an alias whose key equals vcd_kb_key(text). Returns the total
 * number of hits (may exceed max); writes up to `max`, most prominent first
 * (ties: strong before weak, then lower entry index), so the order is fixed
 * by the files alone. An entry appears at most once per file. */
size_t vcd_kb_lookup(const vcd_kb *kb, const char *text, size_t n, vcd_kb_hit *hits, size_t max);

/* 1 when the given names `a` and `b` are a known name/nickname pair
 * ("Charles"/"Chuck", "William"/"Bill"), either direction, case-insensitive.
 * A nickname pair says two given names can denote one person, not that two
 * people are one. */
int vcd_kb_nickname_pair(const vcd_kb *kb, const char *a, size_t an, const char *b, size_t bn);

/* The KB's key of `text` (see above) into `out`. */
void vcd_kb_key(const char *text, size_t n, vcd_buf *out);

/* Buffers vcd_kb_key_with reuses from call to call, so a caller keying
 * every word of a stream (the tagger) allocates only while they grow.
 * Zero-initialise; one per thread. */
typedef struct {
    vcd_buf clean; /* the input with invalid bytes and NUL as spaces */
    int32_t *cps;  /* decomposed code points, then their UTF-8 */
    size_t cap;    /* code points cps holds (plus one spare) */
} vcd_kb_key_scratch;
/* vcd_kb_key with caller-owned buffers: byte for byte the same key. */
void vcd_kb_key_with(const char *text, size_t n, vcd_buf *out, vcd_kb_key_scratch *sc);
void vcd_kb_key_scratch_free(vcd_kb_key_scratch *sc);

/* Digest of the KB's contents (recorded in state manifests); with added
 * files, a combination of every file's digest in order. */
uint64_t vcd_kb_digest(const vcd_kb *kb);
/* Number of nickname pairs (all files). */
size_t vcd_kb_nickname_count(const vcd_kb *kb);
/* The i-th nickname pair (0 .. vcd_kb_nickname_count() - 1, files in order)
 * as its two keys (*a < *b by strcmp); 0 when i is out of range. Lets a
 * caller index every given name the KB knows (the tagger's features). */
int vcd_kb_nickname_at(const vcd_kb *kb, size_t i, const char **a, const char **b);

/* Alias groups as TSV lines `id<TAB>type<TAB>alias`, every alias of one
 * entry on consecutive lines, entries in file order (training data for an
 * identity encoder). Strings in a valid file hold no tabs or newlines. */
void vcd_kb_export_tsv(const vcd_kb *kb, vcd_buf *out);

/* The shipped default KB (VCD_DATA_DIR "/kb/default.vcdkb"). */
const char *vcd_kb_default_path(void);

#endif
