/* The knowledge base: key normalisation, every importer on inline samples in
 * the publishers' formats, hostile inputs, corrupt .vcdkb images, byte-for-
 * byte determinism, and the real ../shared/data/kb files when present. */
#include "test.h"
#include "vcd/fileio.h"
#include "vcd/kb_build.h"

#include <sys/stat.h>

static int key_is(const char *text, const char *want)
{
    vcd_buf k = {0};
    vcd_kb_key(text, strlen(text), &k);
    int ok = strcmp(k.data, want) == 0;
    if (!ok) fprintf(stderr, "key(%s) = '%s', want '%s'\n", text, k.data, want);
    vcd_buf_free(&k);
    return ok;
}

static void test_key(void)
{
    CHECK(key_is("U.S.", "u s"));
    CHECK(key_is("New-York", "new york"));
    CHECK(key_is("  New   York  City!! ", "new york city"));
    CHECK(key_is("Pokémon", "pokemon"));
    CHECK(key_is("POKÉMON", "pokemon"));
    CHECK(key_is("Zürich", "zurich"));
    CHECK(key_is("Straße", "strasse"));
    CHECK(key_is("ＡＢＣ１２", "abc12")); /* NFKC: full-width forms */
    CHECK(key_is("ﬁnland", "finland"));   /* NFKC: the fi ligature */
    CHECK(key_is("McDonald's", "mcdonald s"));
    CHECK(key_is("東京", "東京"));
    CHECK(key_is("bad \xff\xfe byte", "bad byte"));
    CHECK(key_is("...", ""));
    CHECK(key_is("", ""));
    CHECK(key_is("PS5", "ps5"));
}

static const char geonames[] =
    "4560349\tPhiladelphia\tPhiladelphia\tPHL,Philly,fei cheng,Filadelfia,Филадельфия,City of "
    "Brotherly Love\t39.95233\t-75.16379\tP\tPPLA2\tUS\t\tPA\t101\t60000\t\t1567442\t12\t40\t"
    "America/New_York\t2017-05-23\n"
    "5128581\tNew York City\tNew York City\tBig Apple,NYC,NY,The Big "
    "Apple,manhattan\t40.71427\t-74."
    "00597\tP\tPPL\tUS\t\tNY\t\t\t\t8175133\t10\t57\tAmerica/New_York\t2017-05-23\n"
    "4560349\tDuplicate\tDuplicate\t\t0\t0\tP\tPPL\tUS\t\t\t\t\t\t50\t\t\tX\t2017-05-23\n"
    "1\tTruncated\tline\n"
    "2\tBadPop\tBadPop\t\t0\t0\tP\tPPL\tUS\t\t\t\t\t\tlots\t\t\tX\t2017-05-23\n"
    "3\tBad \xff UTF\tBad\t\t0\t0\tP\tPPL\tUS\t\t\t\t\t\t5\t\t\tX\t2017-05-23\n"
    "4\tTiny\tTiny\t\t0\t0\tP\tPPL\tUS\t\t\t\t\t\t5\t\t\tX\t2017-05-23\n"
    "5\tA Lake\tA Lake\t\t0\t0\tH\tLK\tUS\t\t\t\t\t\t500000\t\t\tX\t2017-05-23\n";

static const char countries[] =
    "[{\"name\":{\"common\":\"United Kingdom\",\"official\":\"United Kingdom of Great Britain and "
    "Northern Ireland\",\"native\":{\"eng\":{\"official\":\"United Kingdom\",\"common\":\"United "
    "Kingdom\"}}},\"cca2\":\"GB\",\"ccn3\":\"826\",\"cca3\":\"GBR\",\"cioc\":\"GBR\","
    "\"altSpellings\":[\"GB\",\"UK\",\"Great Britain\"],\"demonyms\":{\"eng\":{\"f\":\"British\","
    "\"m\":\"British\"}}},"
    "{\"name\":{\"common\":\"Finland\",\"official\":\"Republic of Finland\",\"native\":{\"fin\":{"
    "\"common\":\"Suomi\"}}},\"cca2\":\"FI\",\"cca3\":\"FIN\",\"altSpellings\":[\"FI\",\"Suomi\"],"
    "\"demonyms\":{\"eng\":{\"f\":\"Finnish\",\"m\":\"Finnish\"}}},"
    "{\"name\":{\"common\":\"Poland\",\"official\":\"Republic of Poland\"},\"cca2\":\"PL\","
    "\"cca3\":\"POL\",\"altSpellings\":[\"PL\",\"Polska\"],\"demonyms\":{\"eng\":{\"f\":\"Polish\","
    "\"m\":\"Polish\"}}},"
    "{\"name\":{\"common\":\"Jamaica\",\"official\":\"Jamaica\"},\"cca2\":\"JM\",\"cca3\":\"JAM\","
    "\"altSpellings\":[\"JM\"],\"demonyms\":{\"eng\":{\"f\":\"Jamaican\",\"m\":\"Jamaican\"}}},"
    "{\"name\":{\"common\":\"Nowhere\"},\"cca3\":\"no\"},"
    "{\"name\":{\"common\":\"Finland again\"},\"cca3\":\"FIN\"}]";

static const char nasdaq[] =
    "Symbol,Company Name,Security Name,Market Category,Test Issue,Financial Status,Round Lot "
    "Size,ETF,NextShares\n"
    "AAPL,Apple Inc.,Apple Inc. - Common Stock,Q,N,N,100,N,N\n"
    "GOOG,Alphabet Inc.,Alphabet Inc. - Class C Capital Stock,Q,N,N,100,N,N\n"
    "GOOGL,Alphabet Inc.,Alphabet Inc. - Class A Common Stock,Q,N,N,100,N,N\n"
    "AAAP,Pacer ETF,Pacer ETF,G,N,N,100,Y,N\n"
    "ZZZT,Test Co,Test Co - Common Stock,G,Y,N,100,N,N\n"
    "ABCDW,ABC Corp,ABC Corp - Warrant,G,N,N,100,N,N\n"
    "\"UNTERMINATED,quote\n"
    "bad symbol,Something Inc.,x,G,N,N,100,N,N\n";

static const char nyse[] = "ACT Symbol,Company Name\n"
                           "CAT,\"Caterpillar, Inc. Common Stock\"\n"
                           "AAPL,Apple Inc. Common Stock\n"
                           "ACR$C,ACRES Commercial Realty Corp. 8.625% Fixed\n";

static const char sp500[] = "Symbol,Security,GICS Sector,GICS Sub-Industry,Headquarters "
                            "Location,Date added,CIK,Founded\n"
                            "KO,Coca-Cola Company (The),Consumer Staples,Soft Drinks,\"Atlanta, "
                            "Georgia\",1957-03-04,21344,1886\n"
                            "GOOGL,Alphabet Inc. (Class A),Communication Services,Interactive "
                            "Media,\"Mountain View, California\",2006-04-03,1652044,1998\n";

static const char nicknames[] = "name1,relationship,name2\n"
                                "charles,has_nickname,chuck\n"
                                "charles,has_nickname,charlie\n"
                                "william,has_nickname,bill\n"
                                "william,has_nickname,bill\n"
                                "broken line\n"
                                "a,is_not,b\n";

static const char tsv[] = "# my brands\n"
                          "\n"
                          "acme\tAcme Corp\tACME\tORG\n"
                          "acme\tAcme Corp\tAcme Rockets\tORG\n"
                          "acme\tAcme Corp\tAC\tORG\tweak\n"
                          "country:GBR\tUnited Kingdom\tBritain\tLOC\n"
                          "country:GBR\tUnited Kingdom\tBlighty\tORG\n"
                          "widget\tWidget\tWidgy\tTHING\n"
                          "short\tline\n";

typedef struct {
    vcd_kb_source src;
    const char *data;
} sample;

static const sample samples[] = {{VCD_KB_SRC_GEONAMES, geonames},
                                 {VCD_KB_SRC_COUNTRIES, countries},
                                 {VCD_KB_SRC_TICKERS, nasdaq},
                                 {VCD_KB_SRC_TICKERS, nyse},
                                 {VCD_KB_SRC_TICKERS, sp500},
                                 {VCD_KB_SRC_NICKNAMES, nicknames},
                                 {VCD_KB_SRC_TSV, tsv}};
#define N_SAMPLES (sizeof samples / sizeof *samples)

static vcd_kb_builder *build_samples(vcd_kb_import_stats *st, size_t min_pop)
{
    vcd_kb_import_options o = {.min_population = (double)min_pop};
    vcd_kb_builder *b = vcd_kb_builder_new(&o);
    for (size_t i = 0; i < N_SAMPLES; i++) {
        vcd_status rc =
            vcd_kb_import_memory(b, samples[i].src, (const unsigned char *)samples[i].data,
                                 strlen(samples[i].data), "sample", &st[i]);
        CHECK_MSG(rc == VCD_OK, "sample %zu: %s", i, vcd_last_error());
    }
    return b;
}

/* The first hit's id for `text`, or "" (and its strength). */
static const char *first_id(const vcd_kb *kb, const char *text, vcd_kb_strength *s)
{
    vcd_kb_hit h[8];
    size_t n = vcd_kb_lookup(kb, text, strlen(text), h, 8);
    if (!n) return "";
    if (s) *s = h[0].strength;
    return vcd_kb_id(kb, h[0].entry);
}

static int id_is(const vcd_kb *kb, const char *text, const char *want)
{
    const char *got = first_id(kb, text, NULL);
    if (strcmp(got, want)) fprintf(stderr, "lookup(%s) = '%s', want '%s'\n", text, got, want);
    return strcmp(got, want) == 0;
}

static void test_samples(void)
{
    vcd_kb_import_stats st[N_SAMPLES];
    vcd_kb_builder *b = build_samples(st, 10);
    /* GeoNames: 8 rows; dup, truncated, bad number, bad UTF-8, filtered x2 */
    CHECK(st[0].rows == 8 && st[0].entries == 2);
    CHECK(st[0].skipped_duplicate == 1 && st[0].skipped_malformed == 2);
    CHECK(st[0].skipped_encoding == 1 && st[0].skipped_filtered == 2);
    CHECK(st[0].names_dropped >= 3); /* fei cheng, Cyrillic, manhattan */
    CHECK(st[1].entries == 8 && st[1].skipped_malformed == 1 && st[1].skipped_duplicate == 1);
    CHECK(st[2].skipped_filtered == 3 && st[2].skipped_malformed == 2 && st[2].entries == 2);
    CHECK(st[3].skipped_filtered == 1 && st[3].merged == 1);
    CHECK(st[5].pairs == 3 && st[5].skipped_duplicate == 1 && st[5].skipped_malformed == 2);
    CHECK(st[6].rows == 7 && st[6].entries == 1 && st[6].skipped_malformed == 3);

    vcd_buf img = {0};
    CHECK(vcd_kb_builder_serialize(b, &img) == VCD_OK);
    vcd_kb *kb = NULL;
    CHECK(vcd_kb_open_memory(img.data, img.len, &kb) == VCD_OK);
    if (!kb) return;
    vcd_kb_strength s = VCD_KB_STRONG;
    CHECK(id_is(kb, "Philly", "geonames:4560349"));
    CHECK(id_is(kb, "philadelphia", "geonames:4560349"));
    CHECK(id_is(kb, "City of Brotherly Love", "geonames:4560349"));
    CHECK(!strcmp(first_id(kb, "PHL", &s), "geonames:4560349") && s == VCD_KB_WEAK);
    CHECK(id_is(kb, "NYC", "geonames:5128581") && id_is(kb, "Big Apple", "geonames:5128581"));
    CHECK(id_is(kb, "fei cheng", "") && id_is(kb, "manhattan", "") && id_is(kb, "Tiny", ""));
    CHECK(!strcmp(first_id(kb, "UK", &s), "country:GBR") && s == VCD_KB_STRONG);
    CHECK(!strcmp(first_id(kb, "GB", &s), "country:GBR") && s == VCD_KB_WEAK);
    CHECK(id_is(kb, "Britain", "country:GBR")); /* from the TSV, merged by id */
    CHECK(id_is(kb, "Blighty", ""));            /* type conflict: skipped */
    CHECK(id_is(kb, "Finland", "country:FIN") && id_is(kb, "Poland", "country:POL"));
    CHECK(id_is(kb, "Suomi", "country:FIN") && id_is(kb, "Polska", "country:POL"));
    CHECK(id_is(kb, "Jamaicans", "country:JAM:people") && id_is(kb, "Jamaica", "country:JAM"));
    CHECK(id_is(kb, "British", "country:GBR:people"));
    CHECK(id_is(kb, "Britishs", ""));
    CHECK(!strcmp(first_id(kb, "AAPL", &s), "ticker:AAPL") && s == VCD_KB_WEAK);
    CHECK(!strcmp(first_id(kb, "Apple", &s), "ticker:AAPL") && s == VCD_KB_STRONG);
    CHECK(id_is(kb, "Apple Inc. - Common Stock", ""));
    CHECK(id_is(kb, "GOOGL", "ticker:GOOG") && id_is(kb, "GOOG", "ticker:GOOG"));
    CHECK(id_is(kb, "Caterpillar", "ticker:CAT") && id_is(kb, "Coca-Cola", "ticker:KO"));
    CHECK(id_is(kb, "Pacer ETF", "") && id_is(kb, "ABCDW", "") && id_is(kb, "ZZZT", ""));
    CHECK(id_is(kb, "Acme Rockets", "user:acme") && id_is(kb, "acme", "user:acme"));
    uint32_t goog = 0;
    vcd_kb_hit h[4];
    CHECK(vcd_kb_lookup(kb, "GOOG", 4, h, 4) == 1);
    goog = h[0].entry;
    CHECK(!strcmp(vcd_kb_name(kb, goog), "Alphabet Inc.")); /* S&P name, share class cut */
    CHECK(vcd_kb_type(kb, goog) == VCD_TYPE_ORG && vcd_kb_prominence(kb, goog) == 2);
    const char *al[16];
    vcd_kb_strength as[16];
    size_t na = vcd_kb_aliases(kb, goog, al, as, 16);
    CHECK(na >= 4 && !strcmp(al[0], "Alphabet Inc."));
    CHECK(vcd_kb_nickname_pair(kb, "Charles", 7, "Chuck", 5));
    CHECK(vcd_kb_nickname_pair(kb, "CHUCK", 5, "charles", 7));
    CHECK(!vcd_kb_nickname_pair(kb, "Charles", 7, "Bill", 4));
    CHECK(!vcd_kb_nickname_pair(kb, "Chuck", 5, "Charlie", 7)); /* not transitive */
    CHECK(vcd_kb_nickname_pair(kb, "William", 7, "Bill", 4) && vcd_kb_nickname_count(kb) == 3);
    const char *na_ = NULL, *nb_ = NULL;
    /* sorted by key: (bill, william), (charles, charlie), (charles, chuck) */
    CHECK(vcd_kb_nickname_at(kb, 0, &na_, &nb_) && !strcmp(na_, "bill") && !strcmp(nb_, "william"));
    CHECK(vcd_kb_nickname_at(kb, 2, &na_, &nb_) && !strcmp(na_, "charles") &&
          !strcmp(nb_, "chuck"));
    CHECK(!vcd_kb_nickname_at(kb, 3, &na_, &nb_));
    vcd_buf tsvout = {0};
    vcd_kb_export_tsv(kb, &tsvout);
    CHECK(strstr(tsvout.data, "country:GBR\tLOC\tUnited Kingdom\n") != NULL);
    CHECK(strstr(tsvout.data, "ticker:AAPL\tORG\tAAPL\n") != NULL);
    vcd_buf_free(&tsvout);
    vcd_kb_close(kb);

    /* determinism: the same inputs give the same bytes */
    vcd_kb_import_stats st2[N_SAMPLES];
    vcd_kb_builder *b2 = build_samples(st2, 10);
    vcd_buf img2 = {0};
    CHECK(vcd_kb_builder_serialize(b2, &img2) == VCD_OK);
    CHECK(img.len == img2.len && memcmp(img.data, img2.data, img.len) == 0);
    vcd_kb_builder_free(b2);
    vcd_buf_free(&img2);
    vcd_buf_free(&img);
    vcd_kb_builder_free(b);
}

static void test_not_the_format(void)
{
    static const struct {
        vcd_kb_source src;
        const char *data;
    } cases[] = {{VCD_KB_SRC_GEONAMES, "id,name\n1,x\n"},
                 {VCD_KB_SRC_GEONAMES, ""},
                 {VCD_KB_SRC_COUNTRIES, "{\"name\":1}"},
                 {VCD_KB_SRC_COUNTRIES, "[{\"x\":1}]"},
                 {VCD_KB_SRC_COUNTRIES, "[1,2"},
                 {VCD_KB_SRC_TICKERS, "a,b,c\n1,2,3\n"},
                 {VCD_KB_SRC_TICKERS, "Symbol,Company Name\n"},
                 {VCD_KB_SRC_NICKNAMES, "name1,relationship,name2\n"},
                 {VCD_KB_SRC_TSV, "# only a comment\n"},
                 {VCD_KB_SRC_TSV, "a,b,c,d\n"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        vcd_kb_builder *b = vcd_kb_builder_new(NULL);
        vcd_status rc = vcd_kb_import_memory(b, cases[i].src, (const unsigned char *)cases[i].data,
                                             strlen(cases[i].data), "f", NULL);
        CHECK_MSG(rc == VCD_EINPUT && !strchr(vcd_last_error(), '\n'), "case %zu", i);
        vcd_kb_builder_free(b);
    }
}

static void test_bom(void)
{
    static const char bom[] = "\xEF\xBB\xBFSymbol,Company Name\nAAPL,Apple Inc.\n";
    vcd_kb_builder *b = vcd_kb_builder_new(NULL);
    vcd_kb_import_stats st;
    CHECK(vcd_kb_import_memory(b, VCD_KB_SRC_TICKERS, (const unsigned char *)bom, strlen(bom), "b",
                               &st) == VCD_OK);
    CHECK(st.entries == 1 && st.rows == 1);
    vcd_kb_builder_free(b);
}

static void test_huge_field(void)
{
    /* a 2 MB field: the line is a counted skip, the next line still imports */
    vcd_buf d = {0};
    vcd_buf_puts(&d, "big\tBig\t");
    for (size_t i = 0; i < (2u << 20); i++)
        vcd_buf_putc(&d, 'x');
    vcd_buf_puts(&d, "\tORG\nok\tOkay Brand\tOK Brand\tPRODUCT\n");
    vcd_kb_builder *b = vcd_kb_builder_new(NULL);
    vcd_kb_import_stats st;
    CHECK(vcd_kb_import_memory(b, VCD_KB_SRC_TSV, (const unsigned char *)d.data, d.len, "t", &st) ==
          VCD_OK);
    CHECK(st.skipped_too_long == 1 && st.entries == 1);
    vcd_buf_clear(&d);
    vcd_buf_puts(&d, "9\tHuge\tHuge\t");
    for (size_t i = 0; i < (2u << 20); i++)
        vcd_buf_puts(&d, i % 10 ? "y" : ",");
    vcd_buf_puts(&d, "\t0\t0\tP\tPPL\tUS\t\t\t\t\t\t5\t\t\tX\t2017\n");
    CHECK(vcd_kb_import_memory(b, VCD_KB_SRC_GEONAMES, (const unsigned char *)d.data, d.len, "g",
                               &st) == VCD_EINPUT); /* the only row is over 1 MiB */
    CHECK(st.skipped_too_long == 1);
    vcd_buf_free(&d);
    vcd_kb_builder_free(b);
}

/* The sample files' KB as a file image. */
static void samples_image(vcd_buf *img)
{
    vcd_kb_import_stats st[N_SAMPLES];
    vcd_kb_builder *b = build_samples(st, 0);
    CHECK(vcd_kb_builder_serialize(b, img) == VCD_OK);
    vcd_kb_builder_free(b);
}

static void test_corrupt(void)
{
    vcd_buf img = {0};
    samples_image(&img);
    unsigned char *copy = malloc(img.len);
    int accepted_bad = 0;
    /* truncations */
    for (size_t cut = 0; cut < img.len; cut += 13) {
        vcd_kb *kb = NULL;
        accepted_bad += vcd_kb_open_memory(img.data, cut, &kb) == VCD_OK;
        vcd_kb_close(kb);
    }
    /* every single-byte flip is caught (digest or header checks) */
    for (size_t at = 0; at < img.len; at += 3) {
        memcpy(copy, img.data, img.len);
        copy[at] ^= 0x5A;
        vcd_kb *kb = NULL;
        accepted_bad += vcd_kb_open_memory(copy, img.len, &kb) == VCD_OK;
        vcd_kb_close(kb);
    }
    CHECK(accepted_bad == 0);
    vcd_kb *kb = NULL;
    CHECK(vcd_kb_open_memory("VCDKB", 5, &kb) == VCD_EINPUT && kb == NULL);
    free(copy);
    vcd_buf_free(&img);
}

/* A file whose digest is right but whose tables lie: offsets past the pool,
 * unsorted keys, bad hit ranges. Recomputes the digest after each edit. */
static void test_lying_tables(void)
{
    vcd_buf img = {0};
    samples_image(&img);
    unsigned char *copy = malloc(img.len);
    int accepted_bad = 0;
    uint64_t sec;
    for (size_t word = 128 / 4; word < img.len / 4; word++) {
        memcpy(copy, img.data, img.len);
        uint32_t v;
        memcpy(&v, copy + word * 4, 4);
        v ^= (word & 1) ? 0xFFFFFFFFu : 1u;
        memcpy(copy + word * 4, &v, 4);
        uint64_t d = vcd_hash64(copy + 128, img.len - 128, 0x4B42u);
        memcpy(copy + 96, &d, 8);
        vcd_kb *kb = NULL;
        if (vcd_kb_open_memory(copy, img.len, &kb) == VCD_OK) {
            /* only edits inside string bytes or padding may pass; lookups stay safe */
            vcd_kb_hit h[4];
            (void)vcd_kb_lookup(kb, "Philly", 6, h, 4);
            (void)vcd_kb_nickname_pair(kb, "charles", 7, "chuck", 5);
            vcd_kb_close(kb);
        }
    }
    memcpy(&sec, img.data + 40, 8); /* pool offset: pointing it past the end must fail */
    memcpy(copy, img.data, img.len);
    uint64_t far = img.len + 8;
    memcpy(copy + 40, &far, 8);
    vcd_kb *kb = NULL;
    accepted_bad += vcd_kb_open_memory(copy, img.len, &kb) == VCD_OK;
    vcd_kb_close(kb);
    CHECK(accepted_bad == 0 && sec == 128);
    free(copy);
    vcd_buf_free(&img);
}

static void test_files_and_add(void)
{
    char dir[] = "/tmp/vcd_kb_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *tsv_path = vcd_path_join(dir, "mine.tsv"), *a = vcd_path_join(dir, "a.vcdkb");
    char *c = vcd_path_join(dir, "c.vcdkb"), *nick = vcd_path_join(dir, "nick.csv");
    CHECK(vcd_write_file_atomic(tsv_path, tsv, strlen(tsv)) == VCD_OK);
    CHECK(vcd_write_file_atomic(nick, nicknames, strlen(nicknames)) == VCD_OK);
    vcd_kb_builder *b = vcd_kb_builder_new(NULL);
    CHECK(vcd_kb_import(b, VCD_KB_SRC_TSV, tsv_path, NULL) == VCD_OK);
    CHECK(vcd_kb_builder_write(b, a) == VCD_OK);
    vcd_kb_builder_free(b);
    b = vcd_kb_builder_new(NULL);
    CHECK(vcd_kb_import(b, VCD_KB_SRC_NICKNAMES, nick, NULL) == VCD_OK);
    CHECK(vcd_kb_import_memory(b, VCD_KB_SRC_TSV, (const unsigned char *)"x\tAcme\tAcme\tPRODUCT\n",
                               20, "m", NULL) == VCD_OK);
    CHECK(vcd_kb_builder_write(b, c) == VCD_OK);
    vcd_kb_builder_free(b);
    vcd_kb *kb = NULL;
    CHECK(vcd_kb_open(a, &kb) == VCD_OK);
    if (kb) {
        size_t first = vcd_kb_size(kb);
        uint64_t d1 = vcd_kb_digest(kb);
        CHECK(vcd_kb_add(kb, tsv_path) == VCD_EINPUT && vcd_kb_size(kb) == first);
        CHECK(vcd_kb_add(kb, c) == VCD_OK && vcd_kb_size(kb) == first + 1);
        CHECK(vcd_kb_digest(kb) != d1);
        vcd_kb_hit h[4];
        CHECK(vcd_kb_lookup(kb, "ACME", 4, h, 4) == 2);
        CHECK(!strcmp(vcd_kb_id(kb, h[0].entry), "user:acme")); /* tie: the first file */
        CHECK(!strcmp(vcd_kb_id(kb, h[1].entry), "user:x") && h[1].entry == first);
        CHECK(vcd_kb_nickname_pair(kb, "bill", 4, "william", 7));
        CHECK(vcd_kb_id(kb, (uint32_t)first + 5) == NULL);
        vcd_kb_close(kb);
    }
    CHECK(vcd_kb_open(tsv_path, &kb) == VCD_EINPUT && kb == NULL);
    CHECK(strstr(vcd_last_error(), "mine.tsv") != NULL);
    vcd_kb_close(NULL);
    vcd_kb_builder_free(NULL);
    vcd_remove_tree(dir);
    free(tsv_path);
    free(a);
    free(c);
    free(nick);
}

static void test_real_files(void)
{
    const char *geo = test_shared_path("data/kb/geonames_cities15000.txt");
    if (test_skip_if_missing(geo)) return;
    vcd_kb_builder *b = vcd_kb_builder_new(NULL);
    static const struct {
        vcd_kb_source src;
        const char *file;
    } files[] = {{VCD_KB_SRC_GEONAMES, "geonames_cities15000.txt"},
                 {VCD_KB_SRC_COUNTRIES, "countries.json"},
                 {VCD_KB_SRC_TICKERS, "sp500_constituents.csv"},
                 {VCD_KB_SRC_TICKERS, "nasdaq_listed.csv"},
                 {VCD_KB_SRC_TICKERS, "nyse_listed.csv"},
                 {VCD_KB_SRC_NICKNAMES, "nicknames.csv"}};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "data/kb/%s", files[i].file);
        vcd_status rc = vcd_kb_import(b, files[i].src, test_shared_path(rel), NULL);
        CHECK_MSG(rc == VCD_OK, "%s: %s", files[i].file, vcd_last_error());
    }
    vcd_buf img = {0};
    CHECK(vcd_kb_builder_serialize(b, &img) == VCD_OK);
    vcd_kb_builder_free(b);
    vcd_kb *kb = NULL;
    CHECK(vcd_kb_open_memory(img.data, img.len, &kb) == VCD_OK);
    if (kb) {
        vcd_kb_strength s = VCD_KB_STRONG;
        CHECK(id_is(kb, "Philly", "geonames:4560349"));
        CHECK(id_is(kb, "NYC", "geonames:5128581") && id_is(kb, "Big Apple", "geonames:5128581"));
        CHECK(id_is(kb, "UK", "country:GBR") && id_is(kb, "Great Britain", "country:GBR"));
        CHECK(id_is(kb, "Finland", "country:FIN") && id_is(kb, "Poland", "country:POL"));
        CHECK(!strcmp(first_id(kb, "AAPL", &s), "ticker:AAPL") && s == VCD_KB_WEAK);
        CHECK(id_is(kb, "Jamaicans", "country:JAM:people"));
        CHECK(id_is(kb, "Zurich", "geonames:2657896"));
        CHECK(vcd_kb_nickname_pair(kb, "Charles", 7, "Chuck", 5));
        CHECK(!vcd_kb_nickname_pair(kb, "Charles", 7, "Bill", 4));
        vcd_kb_close(kb);
    }
    vcd_buf_free(&img);
}

/* The shipped default KB opens and answers the lead's examples. */
static void test_default_kb(void)
{
    const char *path = vcd_kb_default_path();
    CHECK(strstr(path, "/kb/default.vcdkb") != NULL);
    if (test_skip_if_missing(path)) return;
    vcd_kb *kb = NULL;
    CHECK_MSG(vcd_kb_open(path, &kb) == VCD_OK, "%s", vcd_last_error());
    if (!kb) return;
    CHECK(id_is(kb, "Britain", "country:GBR") && id_is(kb, "UK", "country:GBR"));
    CHECK(id_is(kb, "Philly", "geonames:4560349") && id_is(kb, "Big Apple", "geonames:5128581"));
    CHECK(id_is(kb, "Apple", "ticker:AAPL") && id_is(kb, "Jamaicans", "country:JAM:people"));
    CHECK(vcd_kb_size(kb) > 10000 && vcd_kb_nickname_count(kb) > 1000);
    vcd_kb_close(kb);
}

int main(void)
{
    test_key();
    test_samples();
    test_not_the_format();
    test_huge_field();
    test_bom();
    test_corrupt();
    test_lying_tables();
    test_files_and_add();
    test_real_files();
    test_default_kb();
    return test_finish();
}
