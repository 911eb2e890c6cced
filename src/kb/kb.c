/* Reading a .vcdkb: validation of the whole image at open, then lookups by
 * binary search over the sorted key array (layout in kb_format.h). */
#include "kb_format.h"
#include "vcd/fileio.h"
#include "vcd/kb.h"
#include "vcd/text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    vcd_mapped_file file; /* owned when opened from a path */
    const unsigned char *data;
    size_t len;
    uint32_t n_entries, n_aliases, n_keys, n_hits, n_nick, pool_len;
    const unsigned char *pool, *entries, *aliases, *keys, *hits, *nick;
    uint64_t digest;
    uint32_t base; /* index of this file's first entry in the handle */
} kb_part;

struct vcd_kb {
    kb_part parts[VCD_KB_MAX_FILES];
    size_t n_parts;
    size_t total;
};

static uint32_t rd32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint64_t rd64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static double rdf64(const unsigned char *p)
{
    double v;
    memcpy(&v, p, 8);
    return v;
}

static const char *str_at(const kb_part *p, uint32_t off)
{
    return (const char *)p->pool + off;
}

/* An offset that starts a string of the (already validated) pool. */
static int str_ok(const kb_part *p, uint32_t off)
{
    return off < p->pool_len && (off == 0 || p->pool[off - 1] == 0);
}

static int nonempty_ok(const kb_part *p, uint32_t off)
{
    return str_ok(p, off) && p->pool[off] != 0;
}

static vcd_status section(kb_part *p, size_t hoff, uint64_t count, uint64_t size,
                          const unsigned char **out)
{
    uint64_t off = rd64(p->data + hoff);
    if (off % 8 || off < VCDKB_HEADER_SIZE || off > p->len || count > (p->len - off) / size)
        return vcd_fail(VCD_EINPUT, "section out of bounds (truncated or corrupt file)");
    *out = p->data + off;
    return VCD_OK;
}

static vcd_status check_header(kb_part *p)
{
    if (p->len < VCDKB_HEADER_SIZE)
        return vcd_fail(VCD_EINPUT, "not a .vcdkb file (%zu bytes, too short)", p->len);
    if (memcmp(p->data, VCDKB_MAGIC, 8) != 0)
        return vcd_fail(VCD_EINPUT, "not a .vcdkb file (bad magic)");
    uint32_t version = rd32(p->data + KBH_VERSION);
    if (version != VCDKB_VERSION)
        return vcd_fail(VCD_EINPUT, "unsupported .vcdkb version %u (expected %u)", version,
                        VCDKB_VERSION);
    if (rd32(p->data + KBH_FLAGS) != 0) return vcd_fail(VCD_EINPUT, "unknown .vcdkb flags");
    for (size_t at = KBH_DIGEST + 8; at < VCDKB_HEADER_SIZE; at++)
        if (p->data[at]) return vcd_fail(VCD_EINPUT, "non-zero reserved header bytes");
    if (rd64(p->data + KBH_FILE_LEN) != p->len)
        return vcd_fail(VCD_EINPUT, "file is %zu bytes, header says %llu (truncated?)", p->len,
                        (unsigned long long)rd64(p->data + KBH_FILE_LEN));
    p->digest = rd64(p->data + KBH_DIGEST);
    if (vcd_hash64(p->data + VCDKB_HEADER_SIZE, p->len - VCDKB_HEADER_SIZE, VCDKB_DIGEST_SEED) !=
        p->digest)
        return vcd_fail(VCD_EINPUT, "digest mismatch (corrupt file)");
    p->n_entries = rd32(p->data + KBH_N_ENTRIES);
    p->n_aliases = rd32(p->data + KBH_N_ALIASES);
    p->n_keys = rd32(p->data + KBH_N_KEYS);
    p->n_hits = rd32(p->data + KBH_N_HITS);
    p->n_nick = rd32(p->data + KBH_N_NICK);
    p->pool_len = rd32(p->data + KBH_POOL_LEN);
    vcd_status rc;
    if ((rc = section(p, KBH_POOL_OFF, p->pool_len, 1, &p->pool)) ||
        (rc = section(p, KBH_ENTRIES_OFF, p->n_entries, VCDKB_ENTRY_SIZE, &p->entries)) ||
        (rc = section(p, KBH_ALIASES_OFF, p->n_aliases, VCDKB_ALIAS_SIZE, &p->aliases)) ||
        (rc = section(p, KBH_KEYS_OFF, p->n_keys, VCDKB_KEY_SIZE, &p->keys)) ||
        (rc = section(p, KBH_HITS_OFF, p->n_hits, VCDKB_HIT_SIZE, &p->hits)) ||
        (rc = section(p, KBH_NICK_OFF, p->n_nick, VCDKB_NICK_SIZE, &p->nick)))
        return rc;
    return VCD_OK;
}

/* Every pool string valid UTF-8 without control characters, the pool ending
 * in NUL: then any offset that starts a string is safe to use as a C string. */
static vcd_status check_pool(const kb_part *p)
{
    if (p->pool_len == 0 || p->pool[p->pool_len - 1] != 0)
        return vcd_fail(VCD_EINPUT, "string pool not NUL-terminated");
    size_t start = 0;
    for (size_t i = 0; i < p->pool_len; i++) {
        if (p->pool[i] != 0) {
            if (p->pool[i] < 0x20 || p->pool[i] == 0x7F)
                return vcd_fail(VCD_EINPUT, "control character in string pool");
            continue;
        }
        if (!vcd_utf8_valid((const char *)p->pool + start, i - start))
            return vcd_fail(VCD_EINPUT, "invalid UTF-8 in string pool");
        start = i + 1;
    }
    return VCD_OK;
}

static vcd_status check_entries(const kb_part *p)
{
    uint64_t next_alias = 0;
    for (uint32_t i = 0; i < p->n_entries; i++) {
        const unsigned char *e = p->entries + (size_t)i * VCDKB_ENTRY_SIZE;
        uint32_t start = rd32(e + 8), count = rd32(e + 12), type = rd32(e + 16);
        double prom = rdf64(e + 24);
        if (!nonempty_ok(p, rd32(e)) || !nonempty_ok(p, rd32(e + 4)))
            return vcd_fail(VCD_EINPUT, "entry %u: bad id or name offset", i);
        if (type >= VCD_TYPE_COUNT || rd32(e + 20) != 0 || !isfinite(prom) || prom < 0)
            return vcd_fail(VCD_EINPUT, "entry %u: bad type or prominence", i);
        if (start != next_alias || count == 0 || count > p->n_aliases - start)
            return vcd_fail(VCD_EINPUT, "entry %u: bad alias range", i);
        for (uint32_t j = start; j < start + count; j++) {
            const unsigned char *a = p->aliases + (size_t)j * VCDKB_ALIAS_SIZE;
            if (!nonempty_ok(p, rd32(a)) || rd32(a + 4) != i || rd32(a + 8) > VCD_KB_WEAK)
                return vcd_fail(VCD_EINPUT, "alias %u: bad text, entry or strength", j);
        }
        next_alias += count;
    }
    if (next_alias != p->n_aliases) return vcd_fail(VCD_EINPUT, "aliases not covered by entries");
    return VCD_OK;
}

static double entry_prominence(const kb_part *p, uint32_t e)
{
    return rdf64(p->entries + (size_t)e * VCDKB_ENTRY_SIZE + 24);
}

/* <0 when hit (ea, sa) must come before (eb, sb): the lookup order. */
static int hit_order(const kb_part *p, uint32_t ea, uint32_t sa, uint32_t eb, uint32_t sb)
{
    double pa = entry_prominence(p, ea), pb = entry_prominence(p, eb);
    if (pa != pb) return pa > pb ? -1 : 1;
    if (sa != sb) return sa < sb ? -1 : 1;
    return ea < eb ? -1 : ea > eb;
}

static vcd_status check_keys(const kb_part *p)
{
    uint64_t next_hit = 0;
    const char *prev = NULL;
    for (uint32_t i = 0; i < p->n_keys; i++) {
        const unsigned char *k = p->keys + (size_t)i * VCDKB_KEY_SIZE;
        uint32_t off = rd32(k), start = rd32(k + 4), count = rd32(k + 8);
        if (!nonempty_ok(p, off)) return vcd_fail(VCD_EINPUT, "key %u: bad offset", i);
        const char *key = str_at(p, off);
        if (prev && strcmp(prev, key) >= 0)
            return vcd_fail(VCD_EINPUT, "key index not sorted at key %u", i);
        prev = key;
        if (start != next_hit || count == 0 || count > p->n_hits - start)
            return vcd_fail(VCD_EINPUT, "key %u: bad hit range", i);
        for (uint32_t j = start; j < start + count; j++) {
            const unsigned char *h = p->hits + (size_t)j * VCDKB_HIT_SIZE;
            uint32_t e = rd32(h), s = rd32(h + 4);
            if (e >= p->n_entries || s > VCD_KB_WEAK)
                return vcd_fail(VCD_EINPUT, "hit %u: bad entry or strength", j);
            if (j > start && hit_order(p, rd32(h - VCDKB_HIT_SIZE), rd32(h - 4), e, s) >= 0)
                return vcd_fail(VCD_EINPUT, "key %u: hits out of order", i);
        }
        next_hit += count;
    }
    if (next_hit != p->n_hits) return vcd_fail(VCD_EINPUT, "hits not covered by keys");
    return VCD_OK;
}

static vcd_status check_nicknames(const kb_part *p)
{
    for (uint32_t i = 0; i < p->n_nick; i++) {
        const unsigned char *q = p->nick + (size_t)i * VCDKB_NICK_SIZE;
        if (!nonempty_ok(p, rd32(q)) || !nonempty_ok(p, rd32(q + 4)))
            return vcd_fail(VCD_EINPUT, "nickname pair %u: bad offset", i);
        const char *a = str_at(p, rd32(q)), *b = str_at(p, rd32(q + 4));
        if (strcmp(a, b) >= 0) return vcd_fail(VCD_EINPUT, "nickname pair %u: not ordered", i);
        if (i > 0) {
            const char *pa = str_at(p, rd32(q - 8)), *pb = str_at(p, rd32(q - 4));
            int c = strcmp(pa, a);
            if (c > 0 || (c == 0 && strcmp(pb, b) >= 0))
                return vcd_fail(VCD_EINPUT, "nickname pairs not sorted at %u", i);
        }
    }
    return VCD_OK;
}

static vcd_status part_load(kb_part *p, const void *data, size_t len)
{
    memset(p, 0, sizeof *p);
    p->data = data;
    p->len = len;
    vcd_status rc;
    if ((rc = check_header(p)) || (rc = check_pool(p)) || (rc = check_entries(p)) ||
        (rc = check_keys(p)) || (rc = check_nicknames(p)))
        return rc;
    return VCD_OK;
}

/* A KB of one loaded part, or the part's error. */
static vcd_status kb_of_part(vcd_kb *kb, vcd_status rc, vcd_kb **out)
{
    if (rc) {
        free(kb);
        return rc;
    }
    kb->n_parts = 1;
    kb->total = kb->parts[0].n_entries;
    *out = kb;
    return VCD_OK;
}

vcd_status vcd_kb_open_memory(const void *data, size_t len, vcd_kb **out)
{
    *out = NULL;
    vcd_kb *kb = vcd_xcalloc(1, sizeof *kb);
    return kb_of_part(kb, part_load(&kb->parts[0], data, len), out);
}

static vcd_status part_open(kb_part *p, const char *path)
{
    vcd_mapped_file f;
    vcd_status rc = vcd_map_file(path, &f);
    if (rc) return rc;
    rc = part_load(p, f.data, f.len);
    if (rc) {
        vcd_unmap_file(&f);
        return vcd_fail(rc, "%s: %s", path, vcd_last_error());
    }
    p->file = f;
    return VCD_OK;
}

vcd_status vcd_kb_open(const char *path, vcd_kb **out)
{
    *out = NULL;
    vcd_kb *kb = vcd_xcalloc(1, sizeof *kb);
    return kb_of_part(kb, part_open(&kb->parts[0], path), out);
}

vcd_status vcd_kb_add(vcd_kb *kb, const char *path)
{
    if (kb->n_parts == VCD_KB_MAX_FILES)
        return vcd_fail(VCD_EINPUT, "%s: at most %d knowledge base files", path, VCD_KB_MAX_FILES);
    kb_part *p = &kb->parts[kb->n_parts];
    vcd_status rc = part_open(p, path);
    if (rc) return rc;
    if (kb->total + p->n_entries > UINT32_MAX) {
        vcd_unmap_file(&p->file);
        return vcd_fail(VCD_EINPUT, "%s: too many entries in all knowledge bases", path);
    }
    p->base = (uint32_t)kb->total;
    kb->total += p->n_entries;
    kb->n_parts++;
    return VCD_OK;
}

void vcd_kb_close(vcd_kb *kb)
{
    if (!kb) return;
    for (size_t i = 0; i < kb->n_parts; i++)
        vcd_unmap_file(&kb->parts[i].file);
    free(kb);
}

size_t vcd_kb_size(const vcd_kb *kb)
{
    return kb->total;
}

/* The file holding global entry `entry` and its record. */
static const unsigned char *entry_rec(const vcd_kb *kb, uint32_t entry, const kb_part **part)
{
    for (size_t i = kb->n_parts; i-- > 0;) {
        const kb_part *p = &kb->parts[i];
        if (entry >= p->base) {
            if (entry - p->base >= p->n_entries) return NULL;
            *part = p;
            return p->entries + (size_t)(entry - p->base) * VCDKB_ENTRY_SIZE;
        }
    }
    return NULL;
}

const char *vcd_kb_id(const vcd_kb *kb, uint32_t entry)
{
    const kb_part *p;
    const unsigned char *e = entry_rec(kb, entry, &p);
    return e ? str_at(p, rd32(e)) : NULL;
}

const char *vcd_kb_name(const vcd_kb *kb, uint32_t entry)
{
    const kb_part *p;
    const unsigned char *e = entry_rec(kb, entry, &p);
    return e ? str_at(p, rd32(e + 4)) : NULL;
}

vcd_entity_type vcd_kb_type(const vcd_kb *kb, uint32_t entry)
{
    const kb_part *p;
    const unsigned char *e = entry_rec(kb, entry, &p);
    return e ? (vcd_entity_type)rd32(e + 16) : VCD_TYPE_UNK;
}

double vcd_kb_prominence(const vcd_kb *kb, uint32_t entry)
{
    const kb_part *p;
    const unsigned char *e = entry_rec(kb, entry, &p);
    return e ? rdf64(e + 24) : 0;
}

size_t vcd_kb_aliases(const vcd_kb *kb, uint32_t entry, const char **out, vcd_kb_strength *strength,
                      size_t max)
{
    const kb_part *p;
    const unsigned char *e = entry_rec(kb, entry, &p);
    if (!e) return 0;
    uint32_t start = rd32(e + 8), count = rd32(e + 12);
    for (uint32_t i = 0; i < count && i < max; i++) {
        const unsigned char *a = p->aliases + (size_t)(start + i) * VCDKB_ALIAS_SIZE;
        if (out) out[i] = str_at(p, rd32(a));
        if (strength) strength[i] = (vcd_kb_strength)rd32(a + 8);
    }
    return count;
}

/* Index of `key` in the part's key array, or -1. */
static long find_key(const kb_part *p, const char *key)
{
    size_t lo = 0, hi = p->n_keys;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(str_at(p, rd32(p->keys + mid * VCDKB_KEY_SIZE)), key);
        if (c == 0) return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

size_t vcd_kb_lookup(const vcd_kb *kb, const char *text, size_t n, vcd_kb_hit *hits, size_t max)
{
    vcd_buf key = {0};
    vcd_kb_key(text, n, &key);
    /* One sorted run per file; merged by the same order the files use. */
    const unsigned char *run[VCD_KB_MAX_FILES];
    uint32_t left[VCD_KB_MAX_FILES];
    size_t total = 0;
    for (size_t i = 0; i < kb->n_parts; i++) {
        const kb_part *p = &kb->parts[i];
        long k = key.len ? find_key(p, key.data) : -1;
        left[i] = 0;
        if (k < 0) continue;
        const unsigned char *rec = p->keys + (size_t)k * VCDKB_KEY_SIZE;
        run[i] = p->hits + (size_t)rd32(rec + 4) * VCDKB_HIT_SIZE;
        left[i] = rd32(rec + 8);
        total += left[i];
    }
    vcd_buf_free(&key);
    for (size_t out = 0; out < max && out < total; out++) {
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < kb->n_parts; i++) {
            if (!left[i]) continue;
            if (best == SIZE_MAX) {
                best = i;
                continue;
            }
            double pi = entry_prominence(&kb->parts[i], rd32(run[i]));
            double pb = entry_prominence(&kb->parts[best], rd32(run[best]));
            uint32_t si = rd32(run[i] + 4), sb = rd32(run[best] + 4);
            if (pi > pb || (pi == pb && si < sb)) best = i; /* ties: the earlier file */
        }
        const kb_part *p = &kb->parts[best];
        hits[out].entry = p->base + rd32(run[best]);
        hits[out].strength = (vcd_kb_strength)rd32(run[best] + 4);
        run[best] += VCDKB_HIT_SIZE;
        left[best]--;
    }
    return total;
}

static int part_has_pair(const kb_part *p, const char *a, const char *b)
{
    size_t lo = 0, hi = p->n_nick;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const unsigned char *q = p->nick + mid * VCDKB_NICK_SIZE;
        int c = strcmp(str_at(p, rd32(q)), a);
        if (c == 0) c = strcmp(str_at(p, rd32(q + 4)), b);
        if (c == 0) return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

int vcd_kb_nickname_pair(const vcd_kb *kb, const char *a, size_t an, const char *b, size_t bn)
{
    vcd_buf ka = {0}, kb2 = {0};
    vcd_kb_key(a, an, &ka);
    vcd_kb_key(b, bn, &kb2);
    int found = 0, c = strcmp(ka.data, kb2.data);
    if (ka.len && kb2.len && c != 0) {
        const char *lo = c < 0 ? ka.data : kb2.data, *hi = c < 0 ? kb2.data : ka.data;
        for (size_t i = 0; i < kb->n_parts && !found; i++)
            found = part_has_pair(&kb->parts[i], lo, hi);
    }
    vcd_buf_free(&ka);
    vcd_buf_free(&kb2);
    return found;
}

size_t vcd_kb_nickname_count(const vcd_kb *kb)
{
    size_t n = 0;
    for (size_t i = 0; i < kb->n_parts; i++)
        n += kb->parts[i].n_nick;
    return n;
}

int vcd_kb_nickname_at(const vcd_kb *kb, size_t i, const char **a, const char **b)
{
    for (size_t k = 0; k < kb->n_parts; k++) {
        const kb_part *p = &kb->parts[k];
        if (i >= p->n_nick) {
            i -= p->n_nick;
            continue;
        }
        const unsigned char *q = p->nick + i * VCDKB_NICK_SIZE;
        *a = str_at(p, rd32(q));
        *b = str_at(p, rd32(q + 4));
        return 1;
    }
    return 0;
}

uint64_t vcd_kb_digest(const vcd_kb *kb)
{
    if (kb->n_parts == 1) return kb->parts[0].digest;
    uint64_t d[VCD_KB_MAX_FILES];
    for (size_t i = 0; i < kb->n_parts; i++)
        d[i] = kb->parts[i].digest;
    return vcd_hash64(d, kb->n_parts * sizeof *d, VCDKB_DIGEST_SEED);
}

void vcd_kb_export_tsv(const vcd_kb *kb, vcd_buf *out)
{
    vcd_buf_clear(out);
    for (size_t i = 0; i < kb->n_parts; i++) {
        const kb_part *p = &kb->parts[i];
        for (uint32_t e = 0; e < p->n_entries; e++) {
            const unsigned char *r = p->entries + (size_t)e * VCDKB_ENTRY_SIZE;
            const char *id = str_at(p, rd32(r));
            const char *type = vcd_type_name((vcd_entity_type)rd32(r + 16));
            uint32_t start = rd32(r + 8), count = rd32(r + 12);
            for (uint32_t j = start; j < start + count; j++)
                vcd_buf_printf(out, "%s\t%s\t%s\n", id, type,
                               str_at(p, rd32(p->aliases + (size_t)j * VCDKB_ALIAS_SIZE)));
        }
    }
}

const char *vcd_kb_default_path(void)
{
    return VCD_DATA_DIR "/kb/default.vcdkb";
}
