/* GeoNames dump (cities500/1000/5000/15000.txt, allCountries.txt): 19
 * tab-separated columns, one populated place a line. Only feature class P
 * (cities, towns) becomes an entry. */
#include "kb_internal.h"

#include <stdio.h>
#include <string.h>

#define GEO_COLUMNS 19
#define GEO_MAX_ALIAS 64 /* longer alternate names are descriptions, not names */

enum { G_ID = 0, G_NAME = 1, G_ASCII = 2, G_ALT = 3, G_CLASS = 6, G_POP = 14 };

/* "PHL", "NYC", "SF": an all-capital ASCII alternate of 2..4 letters is a
 * code or an abbreviation that is also a word in some comment ("LA", "SF"):
 * kept, but weak. */
static int looks_like_code(const char *s, size_t n)
{
    if (n < 2 || n > 4) return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 'A' || s[i] > 'Z') return 0;
    return 1;
}

static int all_digits_or_punct(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return 0;
    }
    return 1;
}

/* One alternate name: kept when it is short, Latin-script and written with a
 * capital (GeoNames' lower-case alternates are machine transliterations
 * from other scripts: "fei cheng", "firaderufia"). */
static void add_alternate(vcd_kb_builder *b, size_t entry, const char *s, size_t n,
                          vcd_kb_import_stats *st)
{
    kb_trim(&s, &n);
    if (n == 0) return;
    if (n > GEO_MAX_ALIAS || !kb_latin(s, n) || !kb_has_upper(s, n) || all_digits_or_punct(s, n)) {
        st->names_dropped++;
        return;
    }
    vcd_kb_strength strength = looks_like_code(s, n) ? VCD_KB_WEAK : VCD_KB_STRONG;
    st->aliases += (size_t)kbb_alias(b, entry, s, n, strength);
}

static int geo_row(vcd_kb_builder *b, const char *line, size_t n, vcd_kb_import_stats *st)
{
    const char *f[GEO_COLUMNS + 1];
    size_t len[GEO_COLUMNS + 1];
    size_t k = kb_split(line, n, '\t', f, len, GEO_COLUMNS + 1);
    double id, pop = 0;
    if (k != GEO_COLUMNS || !kb_parse_uint(f[G_ID], len[G_ID], &id) || len[G_NAME] == 0 ||
        (len[G_POP] && !kb_parse_uint(f[G_POP], len[G_POP], &pop))) {
        st->skipped_malformed++;
        return 0;
    }
    if (len[G_CLASS] != 1 || f[G_CLASS][0] != 'P' || pop < b->opt.min_population) {
        st->skipped_filtered++;
        return 1;
    }
    if (len[G_NAME] > GEO_MAX_ALIAS) {
        st->skipped_too_long++;
        return 1;
    }
    char idbuf[48];
    snprintf(idbuf, sizeof idbuf, "geonames:%.*s", (int)len[G_ID], f[G_ID]);
    int created;
    size_t e = kbb_entry(b, idbuf, f[G_NAME], len[G_NAME], VCD_TYPE_LOC, pop, 0, &created);
    if (!created) {
        st->skipped_duplicate++;
        return 1;
    }
    st->entries++;
    st->aliases++;
    if (len[G_ASCII] && len[G_ASCII] <= GEO_MAX_ALIAS)
        st->aliases += (size_t)kbb_alias(b, e, f[G_ASCII], len[G_ASCII], VCD_KB_STRONG);
    const char *alt = f[G_ALT];
    size_t left = len[G_ALT];
    while (left) {
        const char *comma = memchr(alt, ',', left);
        size_t m = comma ? (size_t)(comma - alt) : left;
        add_alternate(b, e, alt, m, st);
        if (!comma) break;
        alt += m + 1;
        left -= m + 1;
    }
    return 1;
}

vcd_status kb_import_geonames(vcd_kb_builder *b, const unsigned char *d, size_t n, const char *name,
                              vcd_kb_import_stats *st)
{
    size_t pos = 0, lens, usable = 0;
    const char *line;
    while (vcd_next_line(d, n, &pos, &line, &lens)) {
        if (lens == 0 || line[0] == '#') continue;
        st->rows++;
        if (lens > KB_MAX_LINE) {
            st->skipped_too_long++;
            continue;
        }
        if (!kb_line_ok(line, lens)) {
            st->skipped_encoding++;
            continue;
        }
        usable += (size_t)geo_row(b, line, lens, st);
    }
    if (usable == 0)
        return vcd_fail(VCD_EINPUT,
                        "%s: not a GeoNames dump (no line with 19 tab-separated columns, a "
                        "numeric geonameid and population)",
                        name);
    return VCD_OK;
}
