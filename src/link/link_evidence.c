/* Evidence about a pair of forms: what a careful reader would check before
 * saying two names are one entity. Each feature is a plain number; the pair
 * model (linker_model.c) weighs them. */
#include "link_internal.h"

#include <math.h>
#include <string.h>

static const char *const feature_names[VCD_EV_COUNT] = {
    [VCD_EV_COSINE] = "cosine",
    [VCD_EV_CONTEXT] = "context",
    [VCD_EV_SAME_LETTERS] = "same_letters",
    [VCD_EV_PLURAL] = "plural",
    [VCD_EV_FIRST_TOKEN] = "first_token",
    [VCD_EV_LAST_TOKEN] = "last_token",
    [VCD_EV_TOKEN_SUBSET] = "token_subset",
    [VCD_EV_ACRONYM] = "acronym",
    [VCD_EV_PREFIX] = "prefix",
    [VCD_EV_EDIT] = "edit",
    [VCD_EV_FIRST_LETTER] = "first_letter_edit",
    [VCD_EV_DIGITS_DIFFER] = "digits_differ",
    [VCD_EV_KB_SAME] = "kb_same",
    [VCD_EV_KB_DIFFERENT] = "kb_different",
    [VCD_EV_TYPE_DIFFERENT] = "type_different",
    [VCD_EV_COOCCUR] = "cooccur",
    [VCD_EV_NICKNAME] = "nickname",
    [VCD_EV_AMBIGUITY] = "ambiguity",
    [VCD_EV_COUNT_RATIO] = "count_ratio",
    [VCD_EV_NO_RULE] = "no_rule",
    [VCD_EV_NEARBY] = "nearby",
    [VCD_EV_NAME_CONFLICT] = "name_conflict",
    [VCD_EV_DOMINANCE] = "dominance",
};

const char *vcd_evidence_name(vcd_evidence_feature f)
{
    return f < VCD_EV_COUNT ? feature_names[f] : "?";
}

/* Optimal string alignment distance, or `limit + 1` once it must exceed
 * `limit`; strings longer than 63 bytes are never close. */
static size_t edit_distance(const char *a, size_t an, const char *b, size_t bn, size_t limit)
{
    if (an > 63 || bn > 63) return limit + 1;
    if ((an > bn ? an - bn : bn - an) > limit) return limit + 1;
    size_t d[64][64];
    for (size_t i = 0; i <= an; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= bn; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= an; i++) {
        size_t row_min = limit + 1;
        for (size_t j = 1; j <= bn; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t v = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < v) v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
            if (v < row_min) row_min = v;
        }
        if (row_min > limit) return limit + 1;
    }
    return d[an][bn];
}

/* One KB entry names both, strongly for at least one of them: "NYC" (weak:
 * an all-capital code) and "New York City" (strong). */
static int shares_kb(const link_form *a, const link_form *b)
{
    for (size_t i = 0; i < a->n_kb; i++)
        for (size_t j = 0; j < b->n_kb; j++)
            if (a->kb[i] == b->kb[j] && (a->kb_strong[i] || b->kb_strong[j])) return 1;
    return 0;
}

/* Any entry names both, even weakly ("NY" / "NYC"): an alias relation, so
 * writing both in one comment does not make them two things. */
static int shares_any_kb(const link_form *a, const link_form *b)
{
    for (size_t i = 0; i < a->n_kb; i++)
        for (size_t j = 0; j < b->n_kb; j++)
            if (a->kb[i] == b->kb[j]) return 1;
    return 0;
}

static int has_strong_kb(const link_form *f)
{
    for (size_t i = 0; i < f->n_kb; i++)
        if (f->kb_strong[i]) return 1;
    return 0;
}

/* "Chuck Barkley" / "Charles Barkley", "Chuck" / "Charles": the first words
 * are a known nickname pair and every other word agrees (or `a` is the
 * nickname alone). `a` is the shorter form. */
static int nickname_pair(const vcd_kb *kb, const link_form *a, const link_form *b)
{
    if (!kb || a->n_tokens == 0 || b->n_tokens == 0 || link_token_eq(a, 0, b, 0)) return 0;
    /* "Chuck" / "Charles Barkley": a nickname of the full name's first word */
    if (a->n_tokens == 1 && b->n_tokens >= 2)
        return vcd_kb_nickname_pair(kb, a->tokens[0], a->token_len[0], b->tokens[0],
                                    b->token_len[0]);
    if (a->n_tokens != b->n_tokens) return 0;
    for (size_t i = 1; i < a->n_tokens; i++)
        if (!link_token_eq(a, i, b, i)) return 0;
    return vcd_kb_nickname_pair(kb, a->tokens[0], a->token_len[0], b->tokens[0], b->token_len[0]);
}

/* Word by word, each word of `s` is its counterpart in `l` or a shortening
 * of it that keeps its first letter and its order ("Man Utd" / "Manchester
 * United"). */
static int is_shortening(const char *a, size_t an, const char *b, size_t bn)
{
    if (an == 0 || an > bn || a[0] != b[0]) return 0;
    size_t j = 0;
    for (size_t i = 0; i < an; i++) {
        while (j < bn && b[j] != a[i])
            j++;
        if (j++ == bn) return 0;
    }
    return 1;
}

static int abbreviates(const link_form *s, const link_form *l)
{
    if (s->n_tokens < 2 || s->n_tokens != l->n_tokens) return 0;
    for (size_t i = 0; i < s->n_tokens; i++)
        if (!is_shortening(s->tokens[i], s->token_len[i], l->tokens[i], l->token_len[i])) return 0;
    return 1;
}

/* Names of as many words are close word by word: "Julianna Moore" /
 * "Julianne Moore", not "Charles Oakley" / "Charles Barkley", whose two
 * slips both fall in one short word. */
static int words_close(const link_form *s, const link_form *l)
{
    if (s->n_tokens < 2 || s->n_tokens != l->n_tokens) return 1;
    for (size_t i = 0; i < s->n_tokens; i++) {
        size_t limit = s->token_len[i] >= 8 ? 2 : 1;
        if (edit_distance(s->tokens[i], s->token_len[i], l->tokens[i], l->token_len[i], limit) >
            limit)
            return 0;
    }
    return 1;
}

/* A truncation keeps its plural: "Dems" / "Democrats", "Cavs" /
 * "Cavaliers". One word each; the stem is three letters or more. */
static int plural_truncation(const link_form *s, const link_form *l)
{
    size_t sn = s->compact_len;
    return s->n_tokens == 1 && l->n_tokens == 1 && sn >= 4 && s->compact[sn - 1] == 's' &&
           l->compact_len > sn && memcmp(s->compact, l->compact, sn - 1) == 0;
}

/* Length of the diminutive ending (-y, -ie, -ey, -ee, -i) of a word. */
static size_t diminutive_ending(const char *w, size_t n)
{
    if (n >= 2 && w[n - 1] == 'e' && (w[n - 2] == 'i' || w[n - 2] == 'e')) return 2;
    if (n >= 2 && w[n - 1] == 'y' && w[n - 2] == 'e') return 2;
    return n >= 1 && (w[n - 1] == 'y' || w[n - 1] == 'i');
}

/* One word each, the same stem of three letters or more under two spellings
 * of a diminutive ending: "Willy" / "Willie", "Rolly" / "Rollie". One slip. */
static int diminutive_variant(const link_form *s, const link_form *l)
{
    if (s->n_tokens != 1 || l->n_tokens != 1) return 0;
    size_t se = diminutive_ending(s->compact, s->compact_len);
    size_t le = diminutive_ending(l->compact, l->compact_len);
    size_t stem = s->compact_len - se;
    return se && le && stem >= 3 && stem == l->compact_len - le &&
           memcmp(s->compact, l->compact, stem) == 0;
}

/* A noun derived from a name is another thing: "YouTube" / "YouTubers",
 * "Jake Paul" / "Jake Paulers", "London" / "Londoner", "Christian" /
 * "Christianity", "Trump" / "Trumpism". The name has five letters or more
 * ("Coop" / "Cooper" is a truncation) and the ending goes on its last word. */
static int derived_noun(const link_form *s, const link_form *l)
{
    static const char *const endings[] = {"er", "ers", "ism", "ist", "ists", "ity"};
    size_t sn = s->compact_len, ln = l->compact_len;
    if (sn < 5 || ln <= sn || s->n_tokens != l->n_tokens || memcmp(s->compact, l->compact, sn))
        return 0;
    const char *rest = l->compact + sn;
    size_t rn = ln - sn;
    if (s->compact[sn - 1] == 'e' && rest[0] == 'r' && (rn == 1 || (rn == 2 && rest[1] == 's')))
        return 1; /* YouTube + r(s) */
    for (size_t i = 0; i < sizeof endings / sizeof *endings; i++)
        if (strlen(endings[i]) == rn && memcmp(endings[i], rest, rn) == 0) return 1;
    return 0;
}

/* A compass word makes another place: "Northern Ireland" / "Ireland", "South
 * Africa" / "Africa", "West Virginia" / "Virginia"; "New" too for places
 * ("New England", "New Mexico"), not for things ("new iPhone"). */
static int qualified_place(const link_form *s, const link_form *l)
{
    static const char *const compass[] = {"north",     "south",     "east",      "west",
                                          "northern",  "southern",  "eastern",   "western",
                                          "northeast", "northwest", "southeast", "southwest"};
    if (l->n_tokens != s->n_tokens + 1) return 0;
    for (size_t i = 0; i < s->n_tokens; i++)
        if (!link_token_eq(s, i, l, i + 1)) return 0;
    const char *w = l->tokens[0];
    size_t n = l->token_len[0];
    if (l->type == VCD_TYPE_LOC && n == 3 && memcmp(w, "new", 3) == 0) return 1;
    for (size_t i = 0; i < sizeof compass / sizeof *compass; i++)
        if (strlen(compass[i]) == n && memcmp(compass[i], w, n) == 0) return 1;
    return 0;
}

/* The longer name is another thing built on the shorter one. */
static int another_thing(const link_form *s, const link_form *l)
{
    return derived_noun(s, l) || qualified_place(s, l);
}

static void spelling_evidence(const link_form *s, const link_form *l, float *x)
{
    size_t sn = s->compact_len, ln = l->compact_len;
    if (sn == ln && memcmp(s->compact, l->compact, sn) == 0) {
        x[VCD_EV_SAME_LETTERS] = 1;
        return;
    }
    if (another_thing(s, l)) return; /* no spelling evidence: name_conflict holds them apart */
    /* the s ends the last word: "Windows S" is no plural of "windows" */
    if (sn >= 3 && ln == sn + 1 && l->compact[sn] == 's' && s->n_tokens == l->n_tokens &&
        memcmp(s->compact, l->compact, sn) == 0) {
        x[VCD_EV_PLURAL] = 1;
        return;
    }
    if (s->n_tokens == 1 && l->n_tokens >= 2) {
        if (link_token_eq(s, 0, l, 0)) x[VCD_EV_FIRST_TOKEN] = 1;
        if (link_token_eq(s, 0, l, (size_t)l->n_tokens - 1)) x[VCD_EV_LAST_TOKEN] = 1;
    } else if (s->n_tokens >= 2 && s->n_tokens < l->n_tokens && link_tokens_inside(NULL, s, l)) {
        x[VCD_EV_TOKEN_SUBSET] = 1;
    }
    if (s->n_tokens == 1 && sn >= 2 && l->initials_len == sn &&
        memcmp(s->compact, l->initials, sn) == 0)
        x[VCD_EV_ACRONYM] = 1;
    if (x[VCD_EV_FIRST_TOKEN] + x[VCD_EV_LAST_TOKEN] + x[VCD_EV_TOKEN_SUBSET] > 0) return;
    if ((sn >= 3 && ln > sn && memcmp(s->compact, l->compact, sn) == 0) || abbreviates(s, l) ||
        plural_truncation(s, l))
        x[VCD_EV_PREFIX] = 1;
    if (sn >= 4) {
        /* one slip per word of up to 7 letters, two in longer names. The
         * evidence is the letters that agree beyond the slips (a slip costs
         * two): a near-spelling of a long name is rarer by chance than of a
         * short one ("Julianna Moore" / "Julianne Moore" against "Marty" /
         * "Martin"), which 1 - d / length hardly told apart. */
        size_t limit = sn >= 8 ? 2 : 1;
        size_t d = edit_distance(s->compact, sn, l->compact, ln, limit);
        if (d > limit && diminutive_variant(s, l)) d = 1;
        if (d <= limit && words_close(s, l)) {
            if (s->compact[0] != l->compact[0])
                x[VCD_EV_FIRST_LETTER] = 1;
            else
                x[VCD_EV_EDIT] = (float)(sn - 2 * d) / 10.0f;
        }
    }
}

/* Comments arrive in export order, and an export lists one video's
 * comments together: a short name used next to a full name is likely the
 * same person. Share of `s`'s comments within LINK_NEARBY_DOCS of one of `l`'s. */

static float link_nearby(const link_form *s, const link_form *l)
{
    if (!s->n_docs || !l->n_docs) return 0;
    size_t near = 0, j = 0;
    for (size_t i = 0; i < s->n_docs; i++) {
        uint32_t d = s->docs[i];
        while (j < l->n_docs && l->docs[j] + LINK_NEARBY_DOCS < d)
            j++;
        near += j < l->n_docs && l->docs[j] <= d + LINK_NEARBY_DOCS;
    }
    return (float)near / (float)s->n_docs;
}

int link_is_short(const link_form *a, const link_form *b)
{
    return a->n_tokens < b->n_tokens ||
           (a->n_tokens == b->n_tokens && a->compact_len <= b->compact_len);
}

/* The pair as short and long form. */
static void order_pair(const link_form *a, const link_form *b, const link_form **s,
                       const link_form **l)
{
    int a_short = link_is_short(a, b);
    *s = a_short ? a : b;
    *l = a_short ? b : a;
}

/* Fills the spelling, nickname and KB-same evidence; 1 when an alias rule
 * relates the two forms. */
static int alias_rules(const vcd_link_forms *lf, const link_form *a, const link_form *b, float *x)
{
    const link_form *s, *l;
    order_pair(a, b, &s, &l);
    spelling_evidence(s, l, x);
    x[VCD_EV_NICKNAME] = (float)nickname_pair(lf->kb, s, l);
    if (shares_kb(a, b)) x[VCD_EV_KB_SAME] = 1;
    int rule = 0;
    for (int f = VCD_EV_SAME_LETTERS; f <= VCD_EV_EDIT; f++)
        rule |= x[f] > 0;
    return rule || x[VCD_EV_KB_SAME] > 0 || x[VCD_EV_NICKNAME] > 0 || shares_any_kb(a, b);
}

/* A name and a noun derived from it, or a place and a compass-qualified
 * place, are two things. Two full names that
 * differ in a word ("Barry Allen" / "Ray Allen", "Jake Paul" / "Sean Paul")
 * are two people unless a rule relates them or one
 * longer name the comments use holds both: "Galaxy S8" and "Samsung S8"
 * both shorten "Samsung Galaxy S8". */
static int names_conflict(const vcd_link_forms *lf, const link_form *a, const link_form *b,
                          int rule)
{
    const link_form *s, *l;
    order_pair(a, b, &s, &l);
    if (another_thing(s, l)) return 1;
    return !rule && a->n_tokens >= 2 && b->n_tokens >= 2 && !link_one_name_holds(lf, a, b, 0);
}

int link_names_conflict(const vcd_link_forms *lf, uint32_t a, uint32_t b)
{
    const link_form *fa = &lf->items[a], *fb = &lf->items[b];
    if (a == b || fa->n_tokens < 2 || fb->n_tokens < 2) return 0; /* the groups' check */
    float x[VCD_EV_COUNT] = {0};
    return names_conflict(lf, fa, fb, alias_rules(lf, fa, fb, x));
}

int link_kb_conflict(const link_form *a, const link_form *b)
{
    return a->n_kb && b->n_kb && !shares_kb(a, b) && has_strong_kb(a) && has_strong_kb(b);
}

void link_evidence(const vcd_link_forms *lf, const link_form *a, const link_form *b, float cosine,
                   uint32_t cooccur, uint32_t fits, uint64_t fit_mass, float *x)
{
    memset(x, 0, VCD_EV_COUNT * sizeof *x);
    const link_form *s, *l;
    order_pair(a, b, &s, &l);
    x[VCD_EV_COSINE] = cosine;
    if (a->context && b->context) {
        double dot = 0;
        for (size_t k = 0; k < lf->ctx_dim; k++)
            dot += (double)a->context[k] * b->context[k];
        x[VCD_EV_CONTEXT] = (float)dot;
    }
    int rule = alias_rules(lf, a, b, x);
    /* The parts of one person's name the comments write whole more often
     * than side by side ("Hillary" / "Clinton", "Chuck" / "Barkley") are
     * aliases through it: a given and a family name are not entities of
     * their own, while "Sydney Australia" or "Samsung S8" join two, and
     * "Savitar" and "Barry", often side by side, stay apart though a tagger
     * once spanned "Savitar Barry". */
    if (!rule && link_one_name_holds(lf, a, b, 1) > cooccur) rule = 1;
    /* both carry numbers and they differ: two models (iPhone 7 / iPhone 8) */
    if (a->digits[0] && b->digits[0] && strcmp(a->digits, b->digits) != 0)
        x[VCD_EV_DIGITS_DIFFER] = 1;
    if (link_kb_conflict(a, b)) x[VCD_EV_KB_DIFFERENT] = 1;
    if (a->type != VCD_TYPE_UNK && b->type != VCD_TYPE_UNK && a->type != b->type)
        x[VCD_EV_TYPE_DIFFERENT] = 1;
    x[VCD_EV_NO_RULE] = (float)!rule;
    if (names_conflict(lf, a, b, rule)) x[VCD_EV_NAME_CONFLICT] = 1;
    /* Two names written side by side in one comment are two things, unless
     * a rule relates them ("Charles Barkley ... Barkley"). */
    if (!rule) x[VCD_EV_COOCCUR] = (float)log1p((double)cooccur);
    x[VCD_EV_AMBIGUITY] = (float)log1p((double)fits);
    if ((x[VCD_EV_FIRST_TOKEN] > 0 || x[VCD_EV_LAST_TOKEN] > 0) && fit_mass > 0)
        x[VCD_EV_DOMINANCE] = (float)((double)l->count / (double)fit_mass);
    double hi = a->count > b->count ? a->count : b->count;
    double lo = a->count > b->count ? b->count : a->count;
    x[VCD_EV_COUNT_RATIO] = lo > 0 ? (float)log(hi / lo) : 0;
    x[VCD_EV_NEARBY] = link_nearby(a->count <= b->count ? a : b, a->count <= b->count ? b : a);
}
