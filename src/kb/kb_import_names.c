/* The two small line formats: given-name nickname pairs (CSV) and the
 * user's own TSV of entities. */
#include "kb_internal.h"

#include <stdio.h>
#include <string.h>

#define NICK_MAX_NAME 64
#define TSV_MAX_ID 128

/* carltonnorthern/nicknames: "name1,relationship,name2" then rows
 * "william,has_nickname,bill". Only has_nickname rows are pairs. */
vcd_status kb_import_nicknames(vcd_kb_builder *b, const unsigned char *d, size_t n,
                               const char *name, vcd_kb_import_stats *st)
{
    size_t pos = 0, len, usable = 0, line_no = 0;
    const char *line;
    vcd_buf store = {0};
    size_t off[4], flen[4];
    while (vcd_next_line(d, n, &pos, &line, &len)) {
        line_no++;
        if (len == 0) continue;
        if (len > KB_MAX_LINE) {
            st->rows++;
            st->skipped_too_long++;
            continue;
        }
        if (!kb_line_ok(line, len)) {
            st->rows++;
            st->skipped_encoding++;
            continue;
        }
        long nf = kb_csv_split(line, len, &store, off, flen, 4);
        if (nf == 3 && line_no == 1 && strcmp(store.data + off[1], "has_nickname") != 0)
            continue; /* the header */
        st->rows++;
        if (nf != 3 || strcmp(store.data + off[1], "has_nickname") != 0) {
            st->skipped_malformed++;
            continue;
        }
        if (flen[0] > NICK_MAX_NAME || flen[2] > NICK_MAX_NAME) {
            st->skipped_too_long++;
            continue;
        }
        usable++;
        size_t added =
            (size_t)kbb_pair(b, store.data + off[0], flen[0], store.data + off[2], flen[2]);
        st->pairs += added;
        st->skipped_duplicate += !added;
    }
    vcd_buf_free(&store);
    if (usable == 0)
        return vcd_fail(VCD_EINPUT,
                        "%s: not a nicknames CSV (expected rows name,has_nickname,nickname)", name);
    return VCD_OK;
}

static int tsv_type(const char *s, size_t n)
{
    static const char *const names[] = {"PER", "ORG", "PRODUCT", "LOC", "GROUP", "WORK", "EVENT"};
    static const vcd_entity_type types[] = {VCD_TYPE_PER,  VCD_TYPE_ORG,   VCD_TYPE_PRODUCT,
                                            VCD_TYPE_LOC,  VCD_TYPE_GROUP, VCD_TYPE_WORK,
                                            VCD_TYPE_EVENT};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i]) == n && !memcmp(names[i], s, n)) return (int)types[i];
    return -1;
}

static int id_ok(const char *s, size_t n)
{
    if (n == 0 || n > TSV_MAX_ID) return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ') return 0;
    return 1;
}

/* id<TAB>name<TAB>alias<TAB>type[<TAB>weak]: returns 1 when the row is in the
 * format (even if it only repeats what is known). An id without ':' is
 * namespaced "user:<id>"; one with ':' ("country:GBR") is used as given, so
 * a user can add aliases to a shipped entry of the same type. */
static int tsv_row(vcd_kb_builder *b, const char *line, size_t len, vcd_kb_import_stats *st)
{
    const char *f[6];
    size_t fl[6];
    size_t k = kb_split(line, len, '\t', f, fl, 6);
    for (size_t i = 0; i < k; i++)
        kb_trim(&f[i], &fl[i]);
    int type = k >= 4 ? tsv_type(f[3], fl[3]) : -1;
    int weak = k == 5 && fl[4] == 4 && !memcmp(f[4], "weak", 4);
    int strong = k == 5 && (fl[4] == 0 || (fl[4] == 6 && !memcmp(f[4], "strong", 6)));
    if ((k != 4 && !weak && !strong) || type < 0 || !id_ok(f[0], fl[0]) || fl[1] == 0) {
        st->skipped_malformed++;
        return 0;
    }
    if (fl[1] > KB_MAX_NAME || fl[2] > KB_MAX_NAME) {
        st->skipped_too_long++;
        return 0;
    }
    char id[TSV_MAX_ID + 8];
    snprintf(id, sizeof id, "%s%.*s", memchr(f[0], ':', fl[0]) ? "" : "user:", (int)fl[0], f[0]);
    int created;
    size_t e = kbb_entry(b, id, f[1], fl[1], type, 0, 1, &created);
    if (!created && b->entries[e].type != type) {
        st->skipped_malformed++; /* an id of another type: a conflict, not a merge */
        return 1;
    }
    st->entries += (size_t)created;
    st->aliases += (size_t)created;
    st->merged += (size_t)!created;
    if (!created) st->aliases += (size_t)kbb_alias(b, e, f[1], fl[1], VCD_KB_STRONG);
    if (fl[2])
        st->aliases += (size_t)kbb_alias(b, e, f[2], fl[2], weak ? VCD_KB_WEAK : VCD_KB_STRONG);
    return 1;
}

vcd_status kb_import_tsv(vcd_kb_builder *b, const unsigned char *d, size_t n, const char *name,
                         vcd_kb_import_stats *st)
{
    size_t pos = 0, len, usable = 0;
    const char *line;
    while (vcd_next_line(d, n, &pos, &line, &len)) {
        const char *t = line;
        size_t tn = len;
        kb_trim(&t, &tn);
        if (tn == 0 || t[0] == '#') continue;
        st->rows++;
        if (len > KB_MAX_LINE) {
            st->skipped_too_long++;
            continue;
        }
        if (!kb_line_ok(line, len)) {
            st->skipped_encoding++;
            continue;
        }
        usable += (size_t)tsv_row(b, line, len, st);
    }
    if (usable == 0)
        return vcd_fail(VCD_EINPUT,
                        "%s: not a KB TSV (expected id<TAB>name<TAB>alias<TAB>type lines, type "
                        "one of PER ORG PRODUCT LOC GROUP WORK EVENT)",
                        name);
    return VCD_OK;
}
