/* The .vcdkb file layout (all integers little-endian, read with memcpy so a
 * copy at any alignment works):
 *
 *   header (128 bytes, below)
 *   string pool: NUL-terminated UTF-8 strings without control characters
 *   entries:  n_entries x {u32 id, u32 name, u32 alias_start, u32 alias_count,
 *                          u32 type, u32 zero, f64 prominence}        (32 bytes)
 *   aliases:  n_aliases x {u32 text, u32 entry, u32 strength}         (12 bytes)
 *   keys:     n_keys    x {u32 key, u32 hit_start, u32 hit_count}     (12 bytes)
 *             sorted by strcmp of the key strings, strictly increasing
 *   hits:     n_hits    x {u32 entry, u32 strength}                   (8 bytes)
 *             each key's run ordered by prominence desc, strength, entry
 *   nicknames: n_nick   x {u32 a, u32 b} keys with strcmp(a, b) < 0, pairs
 *             strictly increasing by (a, b)                           (8 bytes)
 *
 * String fields are offsets into the pool that start a string. A sorted key
 * array (binary search) rather than a hash table: sortedness is one linear
 * check at open and a lookup's cost is bounded by log2(n_keys) comparisons
 * whatever the file says. `digest` is vcd_hash64 of every byte after the
 * header. */
#ifndef VCD_KB_FORMAT_H
#define VCD_KB_FORMAT_H

#include <stdint.h>

#define VCDKB_MAGIC "VCDKB\0\0\0"
#define VCDKB_VERSION 1u
#define VCDKB_DIGEST_SEED 0x4B42u
#define VCDKB_HEADER_SIZE 128u
#define VCDKB_ENTRY_SIZE 32u
#define VCDKB_ALIAS_SIZE 12u
#define VCDKB_KEY_SIZE 12u
#define VCDKB_HIT_SIZE 8u
#define VCDKB_NICK_SIZE 8u

/* Header field byte offsets. */
enum {
    KBH_MAGIC = 0,
    KBH_VERSION = 8,
    KBH_FLAGS = 12,
    KBH_N_ENTRIES = 16,
    KBH_N_ALIASES = 20,
    KBH_N_KEYS = 24,
    KBH_N_HITS = 28,
    KBH_N_NICK = 32,
    KBH_POOL_LEN = 36,
    KBH_POOL_OFF = 40,
    KBH_ENTRIES_OFF = 48,
    KBH_ALIASES_OFF = 56,
    KBH_KEYS_OFF = 64,
    KBH_HITS_OFF = 72,
    KBH_NICK_OFF = 80,
    KBH_FILE_LEN = 88,
    KBH_DIGEST = 96,
};

#endif
