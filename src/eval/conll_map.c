/* Tags of another annotation scheme read as WNUT 2017 types, so a corpus
 * annotated with other type names can validate and measure a WNUT tagger.
 * The mapping is the one ../shared/data/wnut16/README.md measured on the
 * tweets both WNUT 2016 and WNUT 2017 annotate. */
#include "vcd/eval.h"

#include <string.h>

typedef struct {
    const char *from;
    const char *b, *i; /* the WNUT 2017 tags; NULL: "O" */
} type_map;

static const type_map wnut16_map[] = {
    {"person", "B-person", "I-person"},
    {"geo-loc", "B-location", "I-location"},
    {"facility", "B-location", "I-location"},
    {"company", "B-corporation", "I-corporation"},
    {"product", "B-product", "I-product"},
    {"sportsteam", "B-group", "I-group"},
    /* 69 of 96 are bands and groups, 26 solo artists */
    {"musicartist", "B-group", "I-group"},
    {"movie", "B-creative-work", "I-creative-work"},
    {"tvshow", "B-creative-work", "I-creative-work"},
    /* 219 of 352 are O in WNUT 2017; the rest spread over five types */
    {"other", NULL, NULL},
};

int vcd_conll_scheme_known(const char *scheme)
{
    return scheme && strcmp(scheme, "wnut16") == 0;
}

vcd_status vcd_conll_map_types(vcd_conll *c, const char *scheme, const char *name)
{
    if (!vcd_conll_scheme_known(scheme))
        return vcd_fail(VCD_EINPUT, "%s: unknown tag scheme '%s' (expected wnut16)", name,
                        scheme ? scheme : "");
    size_t n_map = sizeof wnut16_map / sizeof *wnut16_map;
    for (size_t k = 0; k < c->n_tokens; k++) {
        vcd_conll_token *t = &c->tokens[k];
        if (!t->tag || strcmp(t->tag, "O") == 0) continue;
        const type_map *m = NULL;
        if ((t->tag[0] != 'B' && t->tag[0] != 'I') || t->tag[1] != '-')
            return vcd_fail(VCD_EINPUT, "%s:%zu: tag '%s' is not O, B-TYPE or I-TYPE", name,
                            t->line, t->tag);
        for (size_t i = 0; i < n_map && !m; i++)
            if (strcmp(t->tag + 2, wnut16_map[i].from) == 0) m = &wnut16_map[i];
        if (!m)
            return vcd_fail(VCD_EINPUT, "%s:%zu: tag '%s' is not a %s type", name, t->line, t->tag,
                            scheme);
        /* static strings: tags are only read once parsed */
        const char *to = !m->b ? "O" : t->tag[0] == 'B' ? m->b : m->i;
        t->tag = (char *)(uintptr_t)to;
    }
    return VCD_OK;
}
