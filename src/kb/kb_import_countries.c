/* mledoze/countries countries.json: a JSON array of country objects.
 *
 * Kept: name.common (canonical), name.official, the native common names and
 * altSpellings written in Latin script (strong), cca2/cca3/cioc codes and
 * altSpellings equal to a code (weak). Translations are skipped: they are
 * other languages' names for the country, mostly identical to the English
 * one in Latin scripts, and the rest would add false friends ("Allemagne",
 * "Nemecko") for no comment we see. Demonyms become a second entry
 * country:<cca3>:people of type GROUP ("Jamaican", "Jamaicans"), so the
 * people never merge with the country. */
#include "kb_internal.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>

#define COUNTRY_MAX_FILE (64u << 20)
/* A country name read alone means the country, not a city of that name:
 * countries outrank every city population. */
#define COUNTRY_PROMINENCE 1e10

static const char *str_field(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static int code_ok(const char *s, size_t want)
{
    if (!s || strlen(s) != want) return 0;
    for (size_t i = 0; i < want; i++)
        if (s[i] < 'A' || s[i] > 'Z') return 0;
    return 1;
}

static void add_name(vcd_kb_builder *b, size_t e, const char *s, vcd_kb_strength strength,
                     vcd_kb_import_stats *st)
{
    if (!s) return;
    size_t n = strlen(s);
    if (n == 0 || n > KB_MAX_NAME || !kb_text_ok(s, n) || !kb_latin(s, n)) {
        st->names_dropped++;
        return;
    }
    st->aliases += (size_t)kbb_alias(b, e, s, n, strength);
}

/* English plural of a demonym: "Jamaican" -> "Jamaicans"; words ending in
 * s, sh, ch, x, z or "ese" are their own plural ("Swiss", "British",
 * "French", "Chinese"). */
static void add_demonym(vcd_kb_builder *b, size_t e, const char *s, vcd_kb_import_stats *st)
{
    if (!s || !*s) return;
    add_name(b, e, s, VCD_KB_STRONG, st);
    size_t n = strlen(s);
    if (n > KB_MAX_NAME - 1) return;
    const char *tail = s + n - 1;
    int own = *tail == 's' || *tail == 'x' || *tail == 'z' ||
              (n >= 2 && (!strcmp(s + n - 2, "sh") || !strcmp(s + n - 2, "ch"))) ||
              (n >= 3 && !strcmp(s + n - 3, "ese"));
    if (own) return;
    char plural[KB_MAX_NAME + 2];
    snprintf(plural, sizeof plural, "%ss", s);
    add_name(b, e, plural, VCD_KB_STRONG, st);
}

static void country_people(vcd_kb_builder *b, const cJSON *c, const char *cca3,
                           vcd_kb_import_stats *st)
{
    const cJSON *eng =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c, "demonyms"), "eng");
    const char *m = str_field(eng, "m"), *f = str_field(eng, "f");
    const char *first = m && *m ? m : f;
    if (!first || !*first || strlen(first) > KB_MAX_NAME || !kb_text_ok(first, strlen(first)))
        return;
    char id[32];
    snprintf(id, sizeof id, "country:%s:people", cca3);
    int created;
    size_t e =
        kbb_entry(b, id, first, strlen(first), VCD_TYPE_GROUP, COUNTRY_PROMINENCE, 0, &created);
    if (!created) return;
    st->entries++;
    st->aliases++;
    add_demonym(b, e, m, st);
    add_demonym(b, e, f, st);
}

static void country_names(vcd_kb_builder *b, size_t e, const cJSON *c, const cJSON *name,
                          vcd_kb_import_stats *st)
{
    const char *cca2 = str_field(c, "cca2"), *cca3 = str_field(c, "cca3");
    const char *cioc = str_field(c, "cioc"), *ccn3 = str_field(c, "ccn3");
    add_name(b, e, str_field(name, "official"), VCD_KB_STRONG, st);
    const cJSON *native = cJSON_GetObjectItemCaseSensitive(name, "native"), *it;
    cJSON_ArrayForEach(it, native)
    {
        add_name(b, e, str_field(it, "common"), VCD_KB_STRONG, st);
    }
    const cJSON *alt = cJSON_GetObjectItemCaseSensitive(c, "altSpellings");
    cJSON_ArrayForEach(it, alt)
    {
        const char *s = cJSON_IsString(it) ? it->valuestring : NULL;
        if (!s) continue;
        int code = (cca2 && !strcmp(s, cca2)) || (cca3 && !strcmp(s, cca3)) ||
                   (cioc && !strcmp(s, cioc)) || (ccn3 && !strcmp(s, ccn3));
        add_name(b, e, s, code ? VCD_KB_WEAK : VCD_KB_STRONG, st);
    }
    /* ISO and IOC codes collide with words ("IN", "IT", "CAN"): weak. */
    if (code_ok(cca2, 2)) add_name(b, e, cca2, VCD_KB_WEAK, st);
    add_name(b, e, cca3, VCD_KB_WEAK, st);
    if (code_ok(cioc, 3)) add_name(b, e, cioc, VCD_KB_WEAK, st);
}

static int country_row(vcd_kb_builder *b, const cJSON *c, vcd_kb_import_stats *st)
{
    st->rows++;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(c, "name");
    const char *common = str_field(name, "common"), *cca3 = str_field(c, "cca3");
    if (!common || !code_ok(cca3, 3)) {
        st->skipped_malformed++;
        return 0;
    }
    size_t n = strlen(common);
    if (n == 0 || n > KB_MAX_NAME || !kb_text_ok(common, n)) {
        st->skipped_encoding += n <= KB_MAX_NAME;
        st->skipped_too_long += n > KB_MAX_NAME;
        return 0;
    }
    char id[32];
    snprintf(id, sizeof id, "country:%s", cca3);
    int created;
    size_t e = kbb_entry(b, id, common, n, VCD_TYPE_LOC, COUNTRY_PROMINENCE, 0, &created);
    if (!created) {
        st->skipped_duplicate++;
        return 1;
    }
    st->entries++;
    st->aliases++;
    country_names(b, e, c, name, st);
    country_people(b, c, cca3, st);
    return 1;
}

vcd_status kb_import_countries(vcd_kb_builder *b, const unsigned char *d, size_t n,
                               const char *name, vcd_kb_import_stats *st)
{
    if (n > COUNTRY_MAX_FILE)
        return vcd_fail(VCD_EINPUT, "%s: %zu bytes is too large for a countries.json", name, n);
    cJSON *root = cJSON_ParseWithLength((const char *)d, n);
    if (!cJSON_IsArray(root)) {
        cJSON_Delete(root);
        return vcd_fail(VCD_EINPUT,
                        "%s: not a mledoze countries.json (expected a JSON array of countries)",
                        name);
    }
    size_t usable = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, root)
    {
        usable += (size_t)country_row(b, c, st);
    }
    cJSON_Delete(root);
    if (usable == 0)
        return vcd_fail(VCD_EINPUT, "%s: no country with name.common and a 3-letter cca3", name);
    return VCD_OK;
}
