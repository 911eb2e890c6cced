/* Ticker CSVs: NASDAQ listings (Symbol, Company Name, Security Name, ...,
 * Test Issue, ..., ETF), NYSE/other listings (ACT Symbol, Company Name) and
 * the S&P 500 constituents (Symbol, Security, GICS Sector, ...); columns are
 * found by header name.
 *
 * One entry per company, id ticker:<first symbol seen>: a second symbol of
 * the same company (GOOG and GOOGL, BRK.A and BRK.B) or the same symbol in
 * another file joins it. Aliases: the company name cleaned of share-class
 * boilerplate ("Apple Inc. - Common Stock" -> "Apple Inc."), the name
 * without its legal suffix ("Apple") when that keeps at least 4 letters
 * (shorter stems, "3M" aside, are words or initials), and every symbol as a
 * weak alias ("CAT", "A" are words). The canonical name comes from the best
 * source: S&P 500, then NASDAQ's company column, then NYSE. Warrants, rights,
 * units, notes, preferred shares, ETFs and test issues are not companies of
 * their own: counted as filtered. */
#include "kb_internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum { RANK_SP500 = 0, RANK_NASDAQ = 1, RANK_OTHER = 2 };

typedef struct {
    long symbol, name, security, etf, test;
    int rank;
} ticker_cols;

static long col_index(const vcd_buf *store, const size_t *off, long n, const char *want)
{
    for (long i = 0; i < n; i++)
        if (strcasecmp(store->data + off[i], want) == 0) return i;
    return -1;
}

static int ticker_header(const vcd_buf *store, const size_t *off, long n, ticker_cols *c)
{
    c->symbol = col_index(store, off, n, "Symbol");
    if (c->symbol < 0) c->symbol = col_index(store, off, n, "ACT Symbol");
    c->security = col_index(store, off, n, "Security Name");
    c->name = col_index(store, off, n, "Company Name");
    c->etf = col_index(store, off, n, "ETF");
    c->test = col_index(store, off, n, "Test Issue");
    c->rank = RANK_OTHER;
    if (col_index(store, off, n, "GICS Sector") >= 0) {
        c->name = col_index(store, off, n, "Security");
        c->rank = RANK_SP500;
    } else if (c->security >= 0 && c->name >= 0) {
        c->rank = RANK_NASDAQ;
    }
    if (c->name < 0) c->name = c->security;
    return c->symbol >= 0 && c->name >= 0;
}

static int symbol_ok(const char *s, size_t n)
{
    if (n == 0 || n > 12) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
              c == '$' || c == '^' || c == '='))
            return 0;
    }
    return 1;
}

/* Securities that are not a company's own shares. */
static int secondary_security(const char *sym, const char *desc)
{
    static const char *const words[] = {"Warrant",
                                        "Right",
                                        " Units",
                                        "Notes",
                                        "Preferred",
                                        "Debent",
                                        "Depositary Shares representing",
                                        "%",
                                        " ETF",
                                        "ETN",
                                        "Subordinated"};
    if (strchr(sym, '$') || strchr(sym, '^') || strchr(sym, '=')) return 1;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strstr(desc, words[i])) return 1;
    size_t n = strlen(desc);
    return n >= 4 && !strcmp(desc + n - 4, " ETF");
}

/* Cuts the share-class description: "Apple Inc. - Common Stock",
 * "Agilent Technologies, Inc. Common Stock", "Alphabet Inc. (Class A)". */
static size_t clean_name(const char *s, size_t n)
{
    static const char *const tails[] = {" - ",
                                        " Common Stock",
                                        " Common Shares",
                                        " Ordinary Shares",
                                        " Capital Stock",
                                        " Class A",
                                        " Class B",
                                        " Class C",
                                        " Series ",
                                        " American Depositary",
                                        " New Common",
                                        " Subordinate Voting",
                                        " Shares of Beneficial",
                                        " Limited Partnership Units",
                                        " (Class",
                                        " (The)"};
    size_t cut = n;
    for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
        const char *p = strstr(s, tails[i]);
        if (p && (size_t)(p - s) < cut) cut = (size_t)(p - s);
    }
    while (cut && (s[cut - 1] == ' ' || s[cut - 1] == ','))
        cut--;
    return cut;
}

static size_t letters(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z') || (unsigned char)s[i] >= 0x80;
    return k;
}

/* The name without its legal suffix ("Apple Inc." -> "Apple",
 * "Caterpillar, Inc." -> "Caterpillar"); returns the stem length or 0. */
static size_t legal_stem(const char *s, size_t n)
{
    static const char *const suffixes[] = {
        " Inc.", " Inc",  " Incorporated", " Corp.",   " Corp", " Corporation", " Company",
        " Co.",  " Ltd.", " Ltd",          " Limited", " plc",  " PLC",         " N.V.",
        " S.A.", " AG",   " SE",           " L.P.",    " LP",   " LLC",         " Holdings Inc."};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        size_t m = strlen(suffixes[i]);
        if (n > m && !memcmp(s + n - m, suffixes[i], m)) {
            size_t stem = n - m;
            while (stem && (s[stem - 1] == ' ' || s[stem - 1] == ','))
                stem--;
            return letters(s, stem) >= 4 ? stem : 0;
        }
    }
    return 0;
}

static size_t ticker_entry(vcd_kb_builder *b, const char *sym, const char *name, size_t nn,
                           const ticker_cols *c, vcd_kb_import_stats *st)
{
    vcd_kb_key(name, nn, &b->key);
    size_t e = vcd_strmap_get(b->ticker_symbols, sym, strlen(sym), SIZE_MAX);
    if (e == SIZE_MAX) e = vcd_strmap_get(b->ticker_names, b->key.data, b->key.len, SIZE_MAX);
    if (e == SIZE_MAX) {
        char id[32];
        snprintf(id, sizeof id, "ticker:%s", sym);
        int created;
        e = kbb_entry(b, id, name, nn, VCD_TYPE_ORG, 0, c->rank, &created);
        st->entries += (size_t)created;
        st->aliases += (size_t)created;
        st->merged += (size_t)!created;
    } else {
        st->merged++;
        kbb_offer_name(b, e, name, nn, c->rank);
    }
    vcd_kb_key(name, nn, &b->key);
    vcd_strmap_upsert(b->ticker_names, b->key.data, b->key.len, e, NULL);
    vcd_strmap_upsert(b->ticker_symbols, sym, strlen(sym), e, NULL);
    return e;
}

static int ticker_row(vcd_kb_builder *b, const vcd_buf *store, const size_t *off, long nf,
                      const ticker_cols *c, vcd_kb_import_stats *st)
{
    long need = c->symbol > c->name ? c->symbol : c->name;
    if (nf <= need) {
        st->skipped_malformed++;
        return 0;
    }
    const char *sym = store->data + off[c->symbol], *raw = store->data + off[c->name];
    const char *desc = c->security >= 0 && c->security < nf ? store->data + off[c->security] : raw;
    size_t sn = strlen(sym);
    if (!symbol_ok(sym, sn) || !*raw) {
        st->skipped_malformed++;
        return 0;
    }
    int flagged = (c->etf >= 0 && c->etf < nf && !strcmp(store->data + off[c->etf], "Y")) ||
                  (c->test >= 0 && c->test < nf && !strcmp(store->data + off[c->test], "Y"));
    if (flagged || secondary_security(sym, desc)) {
        st->skipped_filtered++;
        return 1;
    }
    size_t nn = clean_name(raw, strlen(raw));
    if (nn == 0) {
        st->skipped_malformed++;
        return 0;
    }
    if (nn > KB_MAX_NAME) {
        st->skipped_too_long++;
        return 0;
    }
    double prom = c->rank == RANK_SP500 ? 2 : 1; /* an index member outranks a namesake */
    size_t e = ticker_entry(b, sym, raw, nn, c, st);
    if (b->entries[e].prominence < prom) b->entries[e].prominence = prom;
    st->aliases += (size_t)kbb_alias(b, e, raw, nn, VCD_KB_STRONG);
    size_t stem = legal_stem(raw, nn);
    if (stem) st->aliases += (size_t)kbb_alias(b, e, raw, stem, VCD_KB_STRONG);
    st->aliases += (size_t)kbb_alias(b, e, sym, sn, VCD_KB_WEAK);
    return 1;
}

vcd_status kb_import_tickers(vcd_kb_builder *b, const unsigned char *d, size_t n, const char *name,
                             vcd_kb_import_stats *st)
{
    size_t pos = 0, len, usable = 0;
    const char *line;
    vcd_buf store = {0};
    size_t off[KB_MAX_FIELDS], flen[KB_MAX_FIELDS];
    ticker_cols c = {0};
    int have_header = 0;
    while (vcd_next_line(d, n, &pos, &line, &len)) {
        if (len == 0) continue;
        if (!have_header) {
            long nf = kb_line_ok(line, len) && len <= KB_MAX_LINE
                          ? kb_csv_split(line, len, &store, off, flen, KB_MAX_FIELDS)
                          : -1;
            if (nf < 0 || !ticker_header(&store, off, nf, &c)) {
                vcd_buf_free(&store);
                return vcd_fail(VCD_EINPUT,
                                "%s: not a ticker CSV (the header needs a Symbol and a Company "
                                "Name or Security column)",
                                name);
            }
            have_header = 1;
            continue;
        }
        st->rows++;
        if (len > KB_MAX_LINE) {
            st->skipped_too_long++;
            continue;
        }
        if (!kb_line_ok(line, len) || memchr(line, '\t', len)) {
            st->skipped_encoding++;
            continue;
        }
        long nf = kb_csv_split(line, len, &store, off, flen, KB_MAX_FIELDS);
        if (nf < 0) {
            st->skipped_malformed++;
            continue;
        }
        usable += (size_t)ticker_row(b, &store, off, nf, &c, st);
    }
    vcd_buf_free(&store);
    if (usable == 0)
        return vcd_fail(VCD_EINPUT, "%s: no usable ticker row (symbol and company name)", name);
    return VCD_OK;
}
