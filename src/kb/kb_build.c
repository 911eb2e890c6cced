/* The KB builder: entries merged by id, aliases deduplicated by key, and the
 * .vcdkb writer (layout in kb_format.h). */
#include "kb_format.h"
#include "kb_internal.h"
#include "vcd/fileio.h"
#include "vcd/text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static const char *const source_names[VCD_KB_SRC_COUNT] = {"geonames", "countries", "tickers",
                                                           "nicknames", "tsv"};

const char *vcd_kb_source_name(vcd_kb_source s)
{
    return (unsigned)s < VCD_KB_SRC_COUNT ? source_names[s] : "unknown";
}

vcd_kb_builder *vcd_kb_builder_new(const vcd_kb_import_options *opts)
{
    vcd_kb_builder *b = vcd_xcalloc(1, sizeof *b);
    if (opts) b->opt = *opts;
    b->ids = vcd_strmap_new();
    b->alias_keys = vcd_strmap_new();
    b->pairs = vcd_strmap_new();
    b->ticker_symbols = vcd_strmap_new();
    b->ticker_names = vcd_strmap_new();
    return b;
}

void vcd_kb_builder_free(vcd_kb_builder *b)
{
    if (!b) return;
    for (size_t i = 0; i < b->n_entries; i++) {
        kb_entry *e = &b->entries[i];
        for (size_t j = 0; j < e->n_aliases; j++)
            free(e->aliases[j].text);
        free(e->aliases);
        free(e->id);
        free(e->name);
    }
    free(b->entries);
    for (size_t i = 0; i < b->n_pairs; i++) {
        free(b->pair_a[i]);
        free(b->pair_b[i]);
    }
    free(b->pair_a);
    free(b->pair_b);
    vcd_strmap_free(b->ids);
    vcd_strmap_free(b->alias_keys);
    vcd_strmap_free(b->pairs);
    vcd_strmap_free(b->ticker_symbols);
    vcd_strmap_free(b->ticker_names);
    vcd_buf_free(&b->key);
    free(b);
}

size_t kbb_entry(vcd_kb_builder *b, const char *id, const char *name, size_t name_len, int type,
                 double prominence, int name_rank, int *created)
{
    int inserted;
    size_t *slot = vcd_strmap_upsert(b->ids, id, strlen(id), b->n_entries, &inserted);
    *created = inserted;
    if (!inserted) return *slot;
    if (b->n_entries == b->cap_entries) {
        b->cap_entries = b->cap_entries ? 2 * b->cap_entries : 1024;
        b->entries = vcd_xrealloc(b->entries, b->cap_entries * sizeof *b->entries);
    }
    size_t idx = b->n_entries++;
    kb_entry *e = &b->entries[idx];
    memset(e, 0, sizeof *e);
    e->id = vcd_xstrdup(id);
    e->name = vcd_xstrndup(name, name_len);
    e->type = type;
    e->prominence = prominence;
    e->name_rank = name_rank;
    kbb_alias(b, idx, name, name_len, VCD_KB_STRONG);
    return idx;
}

static void alias_map_key(vcd_kb_builder *b, size_t entry, const char *text, size_t n, vcd_buf *k)
{
    vcd_kb_key(text, n, &b->key);
    vcd_buf_clear(k);
    uint32_t e32 = (uint32_t)entry;
    vcd_buf_append(k, &e32, 4);
    vcd_buf_append(k, b->key.data, b->key.len);
}

int kbb_alias(vcd_kb_builder *b, size_t entry, const char *text, size_t n, vcd_kb_strength s)
{
    vcd_buf k = {0};
    alias_map_key(b, entry, text, n, &k);
    if (k.len == 4) { /* nothing but separators */
        vcd_buf_free(&k);
        return 0;
    }
    kb_entry *e = &b->entries[entry];
    int inserted;
    size_t *slot = vcd_strmap_upsert(b->alias_keys, k.data, k.len, e->n_aliases, &inserted);
    vcd_buf_free(&k);
    if (!inserted) {
        if (s == VCD_KB_STRONG) e->aliases[*slot].strength = VCD_KB_STRONG;
        return 0;
    }
    if (e->n_aliases == e->cap_aliases) {
        e->cap_aliases = e->cap_aliases ? 2 * e->cap_aliases : 4;
        e->aliases = vcd_xrealloc(e->aliases, e->cap_aliases * sizeof *e->aliases);
    }
    e->aliases[e->n_aliases].text = vcd_xstrndup(text, n);
    e->aliases[e->n_aliases].strength = (uint8_t)s;
    e->n_aliases++;
    b->n_aliases++;
    return 1;
}

void kbb_offer_name(vcd_kb_builder *b, size_t entry, const char *name, size_t n, int rank)
{
    kb_entry *e = &b->entries[entry];
    if (rank >= e->name_rank) return;
    vcd_buf k = {0};
    alias_map_key(b, entry, name, n, &k);
    if (k.len == 4) {
        vcd_buf_free(&k);
        return;
    }
    kbb_alias(b, entry, name, n, VCD_KB_STRONG);
    size_t at = vcd_strmap_get(b->alias_keys, k.data, k.len, SIZE_MAX);
    vcd_buf_free(&k);
    /* The canonical name leads the alias list: move it to the front and
     * renumber the two slots it swapped with. */
    kb_alias tmp = e->aliases[at];
    memmove(e->aliases + 1, e->aliases, at * sizeof *e->aliases);
    e->aliases[0] = tmp;
    for (size_t i = 0; i <= at; i++) {
        vcd_buf kk = {0};
        alias_map_key(b, entry, e->aliases[i].text, strlen(e->aliases[i].text), &kk);
        *vcd_strmap_upsert(b->alias_keys, kk.data, kk.len, 0, NULL) = i;
        vcd_buf_free(&kk);
    }
    free(e->name);
    e->name = vcd_xstrdup(e->aliases[0].text);
    e->name_rank = rank;
}

int kbb_pair(vcd_kb_builder *b, const char *x, size_t xn, const char *y, size_t yn)
{
    vcd_buf kx = {0}, ky = {0};
    vcd_kb_key(x, xn, &kx);
    vcd_kb_key(y, yn, &ky);
    int added = 0;
    int c = strcmp(kx.data, ky.data);
    if (kx.len && ky.len && c != 0) {
        vcd_buf *lo = c < 0 ? &kx : &ky, *hi = c < 0 ? &ky : &kx;
        vcd_buf joint = {0};
        vcd_buf_append(&joint, lo->data, lo->len + 1);
        vcd_buf_append(&joint, hi->data, hi->len);
        int inserted;
        vcd_strmap_upsert(b->pairs, joint.data, joint.len, b->n_pairs, &inserted);
        vcd_buf_free(&joint);
        if (inserted) {
            if (b->n_pairs == b->cap_pairs) {
                b->cap_pairs = b->cap_pairs ? 2 * b->cap_pairs : 256;
                b->pair_a = vcd_xrealloc(b->pair_a, b->cap_pairs * sizeof *b->pair_a);
                b->pair_b = vcd_xrealloc(b->pair_b, b->cap_pairs * sizeof *b->pair_b);
            }
            b->pair_a[b->n_pairs] = vcd_xstrdup(lo->data);
            b->pair_b[b->n_pairs] = vcd_xstrdup(hi->data);
            b->n_pairs++;
            added = 1;
        }
    }
    vcd_buf_free(&kx);
    vcd_buf_free(&ky);
    return added;
}

/* ---- small text helpers shared by the importers ---- */

int kb_text_ok(const char *s, size_t n)
{
    if (!vcd_utf8_valid(s, n)) return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F) return 0;
    return 1;
}

int kb_line_ok(const char *s, size_t n)
{
    if (!vcd_utf8_valid(s, n)) return 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7F) return 0;
    return 1;
}

static int latin_letter(utf8proc_int32_t cp)
{
    return cp < 0x80 || (cp >= 0xC0 && cp <= 0x2AF) || (cp >= 0x1E00 && cp <= 0x1EFF) ||
           (cp >= 0x2C60 && cp <= 0x2C7F) || (cp >= 0xA720 && cp <= 0xA7FF) ||
           (cp >= 0xFB00 && cp <= 0xFB06);
}

int kb_latin(const char *s, size_t n)
{
    for (size_t pos = 0; pos < n;) {
        int32_t cp;
        if (!vcd_utf8_next(s, n, &pos, &cp)) return 0;
        utf8proc_category_t c = utf8proc_category(cp);
        int letter = c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
        int mark = c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME;
        if (letter && !latin_letter(cp)) return 0;
        if (mark && !(cp >= 0x300 && cp <= 0x36F)) return 0;
        if (c == UTF8PROC_CATEGORY_ND && cp > 0x7F) return 0; /* non-ASCII digits: another script */
    }
    return 1;
}

int kb_has_upper(const char *s, size_t n)
{
    for (size_t pos = 0; pos < n;) {
        int32_t cp;
        if (!vcd_utf8_next(s, n, &pos, &cp)) return 0;
        utf8proc_category_t c = utf8proc_category(cp);
        if (c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT) return 1;
    }
    return 0;
}

void kb_trim(const char **s, size_t *n)
{
    while (*n && ((*s)[0] == ' ' || (*s)[0] == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

size_t kb_split(const char *s, size_t n, char sep, const char **f, size_t *len, size_t max)
{
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= n && k < max; i++) {
        if (i == n || (s[i] == sep && k + 1 < max)) {
            f[k] = s + start;
            len[k] = i - start;
            k++;
            start = i + 1;
        }
    }
    return k;
}

long kb_csv_split(const char *s, size_t n, vcd_buf *store, size_t *off, size_t *len, size_t max)
{
    vcd_buf_clear(store);
    size_t k = 0, i = 0;
    for (;;) {
        if (k == max) return (long)k; /* extra fields are ignored */
        off[k] = store->len;
        if (i < n && s[i] == '"') {
            i++;
            for (;;) {
                if (i >= n) return -1;
                if (s[i] == '"') {
                    if (i + 1 < n && s[i + 1] == '"') {
                        vcd_buf_putc(store, '"');
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                vcd_buf_putc(store, s[i++]);
            }
            while (i < n && s[i] != ',') /* text after the closing quote: keep it */
                vcd_buf_putc(store, s[i++]);
        } else {
            while (i < n && s[i] != ',')
                vcd_buf_putc(store, s[i++]);
        }
        len[k] = store->len - off[k];
        vcd_buf_putc(store, '\0');
        k++;
        if (i >= n) return (long)k;
        i++; /* the comma */
    }
}

int kb_parse_uint(const char *s, size_t n, double *out)
{
    if (n == 0 || n > 15) return 0;
    double v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

/* ---- import dispatch ---- */

vcd_status vcd_kb_import_memory(vcd_kb_builder *b, vcd_kb_source src, const unsigned char *data,
                                size_t len, const char *name, vcd_kb_import_stats *st)
{
    vcd_kb_import_stats local;
    if (!st) st = &local;
    memset(st, 0, sizeof *st);
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) { /* a UTF-8 byte order mark */
        data += 3;
        len -= 3;
    }
    switch (src) {
    case VCD_KB_SRC_GEONAMES:
        return kb_import_geonames(b, data, len, name, st);
    case VCD_KB_SRC_COUNTRIES:
        return kb_import_countries(b, data, len, name, st);
    case VCD_KB_SRC_TICKERS:
        return kb_import_tickers(b, data, len, name, st);
    case VCD_KB_SRC_NICKNAMES:
        return kb_import_nicknames(b, data, len, name, st);
    case VCD_KB_SRC_TSV:
        return kb_import_tsv(b, data, len, name, st);
    default:
        return vcd_fail(VCD_EINPUT, "%s: unknown KB source kind", name);
    }
}

vcd_status vcd_kb_import(vcd_kb_builder *b, vcd_kb_source src, const char *path,
                         vcd_kb_import_stats *st)
{
    vcd_mapped_file f;
    vcd_status rc = vcd_map_file(path, &f);
    if (rc) return rc;
    rc = vcd_kb_import_memory(b, src, f.data, f.len, path, st);
    vcd_unmap_file(&f);
    return rc;
}

/* ---- the writer ---- */

typedef struct {
    const char *key;
    uint32_t entry; /* output index */
    uint32_t strength;
    double prominence;
} hit_row;

static int hit_cmp(const void *pa, const void *pb)
{
    const hit_row *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    if (c) return c;
    if (a->prominence != b->prominence) return a->prominence > b->prominence ? -1 : 1;
    if (a->strength != b->strength) return a->strength < b->strength ? -1 : 1;
    return a->entry < b->entry ? -1 : a->entry > b->entry;
}

static const vcd_kb_builder *sort_builder; /* qsort has no context argument */

static int entry_order_cmp(const void *pa, const void *pb)
{
    const kb_entry *e = sort_builder->entries;
    return strcmp(e[*(const size_t *)pa].id, e[*(const size_t *)pb].id);
}

typedef struct {
    const char *a, *b;
} pair_row;

static int pair_cmp(const void *pa, const void *pb)
{
    const pair_row *x = pa, *y = pb;
    int c = strcmp(x->a, y->a);
    return c ? c : strcmp(x->b, y->b);
}

typedef struct {
    vcd_buf data;
    vcd_strmap *seen;
} pool;

static uint32_t pool_add(pool *p, const char *s)
{
    size_t n = strlen(s);
    int inserted;
    size_t *slot = vcd_strmap_upsert(p->seen, s, n, p->data.len, &inserted);
    if (inserted) vcd_buf_append(&p->data, s, n + 1);
    return (uint32_t)*slot;
}

static void put32(vcd_buf *b, uint32_t v)
{
    vcd_buf_append(b, &v, 4); /* the supported targets are little-endian */
}

static void set64(vcd_buf *b, size_t at, uint64_t v)
{
    memcpy(b->data + at, &v, 8);
}

static void set32(vcd_buf *b, size_t at, uint32_t v)
{
    memcpy(b->data + at, &v, 4);
}

/* An entry whose name is nothing but separators ("(", "--") gets no alias,
 * so no lookup can reach it; the reader refuses entries without aliases, so
 * the file leaves it out. */
static int entry_is_findable(const kb_entry *e)
{
    return e->n_aliases > 0;
}

vcd_status vcd_kb_builder_serialize(const vcd_kb_builder *b, vcd_buf *out)
{
    vcd_buf_clear(out);
    size_t n = 0;
    size_t *order = vcd_xmalloc((b->n_entries ? b->n_entries : 1) * sizeof *order);
    for (size_t i = 0; i < b->n_entries; i++)
        if (entry_is_findable(&b->entries[i])) order[n++] = i;
    sort_builder = b;
    qsort(order, n, sizeof *order, entry_order_cmp);

    pool p = {.seen = vcd_strmap_new()};
    vcd_buf_putc(&p.data, '\0'); /* offset 0: the empty string */
    vcd_buf ents = {0}, als = {0}, keys = {0}, hits = {0}, nicks = {0};
    hit_row *rows = vcd_xmalloc((b->n_aliases ? b->n_aliases : 1) * sizeof *rows);
    size_t n_rows = 0, alias_at = 0;
    vcd_buf k = {0};
    for (size_t i = 0; i < n; i++) {
        const kb_entry *e = &b->entries[order[i]];
        put32(&ents, pool_add(&p, e->id));
        put32(&ents, pool_add(&p, e->name));
        put32(&ents, (uint32_t)alias_at);
        put32(&ents, (uint32_t)e->n_aliases);
        put32(&ents, (uint32_t)e->type);
        put32(&ents, 0);
        vcd_buf_append(&ents, &e->prominence, 8);
        for (size_t j = 0; j < e->n_aliases; j++) {
            put32(&als, pool_add(&p, e->aliases[j].text));
            put32(&als, (uint32_t)i);
            put32(&als, e->aliases[j].strength);
            vcd_kb_key(e->aliases[j].text, strlen(e->aliases[j].text), &k);
            rows[n_rows++] = (hit_row){.key = vcd_xstrdup(k.data),
                                       .entry = (uint32_t)i,
                                       .strength = e->aliases[j].strength,
                                       .prominence = e->prominence};
        }
        alias_at += e->n_aliases;
    }
    vcd_buf_free(&k);
    qsort(rows, n_rows, sizeof *rows, hit_cmp);
    size_t n_keys = 0;
    for (size_t i = 0; i < n_rows;) {
        size_t j = i;
        while (j < n_rows && strcmp(rows[j].key, rows[i].key) == 0)
            j++;
        put32(&keys, pool_add(&p, rows[i].key));
        put32(&keys, (uint32_t)i);
        put32(&keys, (uint32_t)(j - i));
        for (size_t r = i; r < j; r++) {
            put32(&hits, rows[r].entry);
            put32(&hits, rows[r].strength);
        }
        n_keys++;
        i = j;
    }
    for (size_t i = 0; i < n_rows; i++)
        free((char *)rows[i].key);
    free(rows);
    pair_row *pr = vcd_xmalloc((b->n_pairs ? b->n_pairs : 1) * sizeof *pr);
    for (size_t i = 0; i < b->n_pairs; i++)
        pr[i] = (pair_row){b->pair_a[i], b->pair_b[i]};
    qsort(pr, b->n_pairs, sizeof *pr, pair_cmp);
    for (size_t i = 0; i < b->n_pairs; i++) {
        put32(&nicks, pool_add(&p, pr[i].a));
        put32(&nicks, pool_add(&p, pr[i].b));
    }
    free(pr);
    while (p.data.len % 8)
        vcd_buf_putc(&p.data, '\0');

    vcd_status rc = VCD_OK;
    if (p.data.len > UINT32_MAX || b->n_aliases > UINT32_MAX || n > UINT32_MAX)
        rc = vcd_fail(VCD_EINPUT, "knowledge base too large for the .vcdkb format");
    if (!rc) {
        vcd_buf_reserve(out, VCDKB_HEADER_SIZE);
        memset(out->data, 0, VCDKB_HEADER_SIZE);
        out->len = VCDKB_HEADER_SIZE;
        memcpy(out->data, VCDKB_MAGIC, 8);
        set32(out, KBH_VERSION, VCDKB_VERSION);
        set32(out, KBH_N_ENTRIES, (uint32_t)n);
        set32(out, KBH_N_ALIASES, (uint32_t)b->n_aliases);
        set32(out, KBH_N_KEYS, (uint32_t)n_keys);
        set32(out, KBH_N_HITS, (uint32_t)n_rows);
        set32(out, KBH_N_NICK, (uint32_t)b->n_pairs);
        set32(out, KBH_POOL_LEN, (uint32_t)p.data.len);
        const vcd_buf *sec[] = {&p.data, &ents, &als, &keys, &hits, &nicks};
        const size_t at[] = {KBH_POOL_OFF, KBH_ENTRIES_OFF, KBH_ALIASES_OFF,
                             KBH_KEYS_OFF, KBH_HITS_OFF,    KBH_NICK_OFF};
        for (size_t s = 0; s < 6; s++) {
            set64(out, at[s], out->len);
            if (sec[s]->len) vcd_buf_append(out, sec[s]->data, sec[s]->len);
            while (out->len % 8)
                vcd_buf_putc(out, '\0');
        }
        set64(out, KBH_FILE_LEN, out->len);
        set64(out, KBH_DIGEST,
              vcd_hash64(out->data + VCDKB_HEADER_SIZE, out->len - VCDKB_HEADER_SIZE,
                         VCDKB_DIGEST_SEED));
    }
    vcd_buf_free(&p.data);
    vcd_strmap_free(p.seen);
    vcd_buf_free(&ents);
    vcd_buf_free(&als);
    vcd_buf_free(&keys);
    vcd_buf_free(&hits);
    vcd_buf_free(&nicks);
    free(order);
    return rc;
}

vcd_status vcd_kb_builder_write(const vcd_kb_builder *b, const char *path)
{
    vcd_buf img = {0};
    vcd_status rc = vcd_kb_builder_serialize(b, &img);
    if (!rc) rc = vcd_write_file_atomic(path, img.data, img.len);
    vcd_buf_free(&img);
    return rc;
}

void vcd_kb_builder_counts(const vcd_kb_builder *b, vcd_kb_build_counts *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < b->n_entries; i++)
        out->entries += entry_is_findable(&b->entries[i]);
    out->aliases = b->n_aliases;
    out->pairs = b->n_pairs;
    /* Distinct keys over all entries: what the key index will hold. */
    vcd_strmap *seen = vcd_strmap_new();
    vcd_buf k = {0};
    for (size_t i = 0; i < b->n_entries; i++)
        for (size_t j = 0; j < b->entries[i].n_aliases; j++) {
            const char *t = b->entries[i].aliases[j].text;
            vcd_kb_key(t, strlen(t), &k);
            vcd_strmap_upsert(seen, k.data, k.len, 0, NULL);
        }
    out->keys = vcd_strmap_size(seen);
    vcd_buf_free(&k);
    vcd_strmap_free(seen);
}
