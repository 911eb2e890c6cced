/* libFuzzer: the gold mentions reader of `eval clusters` and `eval match`,
 * then the form votes and worst pairs over what it kept. Invariants: every
 * kept mention points inside the tables and the file; skipped lines are
 * warned about one line each, at most 20, then one summary line. */
#include "vcd/eval.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { SHOWN = 20 }; /* the reader's cap on warnings */

static void count_warning(void *ctx, const char *msg)
{
    if (strchr(msg, '\n')) __builtin_trap();
    ++*(size_t *)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vcd_gold g;
    size_t warnings = 0;
    vcd_status rc = vcd_gold_parse("fuzz", data, size, &g, count_warning, &warnings);
    if (warnings != (g.skipped > SHOWN ? SHOWN + 1 : g.skipped)) __builtin_trap();
    if (rc == VCD_OK) {
        int32_t *form = malloc(g.n * sizeof *form);
        int64_t *truth = malloc(g.n * sizeof *truth), *pred = malloc(g.n * sizeof *pred);
        for (size_t i = 0; i < g.n; i++) {
            const vcd_gold_mention *m = &g.items[i];
            if (m->entity < 0 || (size_t)m->entity >= g.n_entities) __builtin_trap();
            if (m->form >= (int32_t)g.n_forms || m->line_off + m->line_len > size) __builtin_trap();
            form[i] = m->form;
            truth[i] = m->entity;
            pred[i] = (int64_t)(m->start % 3) - 1; /* some noise */
        }
        vcd_form_vote *v = malloc((g.n_forms + 1) * sizeof *v);
        vcd_form_pairs p;
        vcd_form_pairs_compute(form, truth, pred, g.n, g.n_forms, v, &p);
        if (p.correct_pairs > p.same_entity_pairs || p.correct_pairs > p.together_pairs)
            __builtin_trap();
        vcd_form_pair_ref r[4];
        vcd_form_pair_errors(v, g.n_forms, 1, 4, r);
        vcd_form_pair_errors(v, g.n_forms, 0, 4, r);
        free(v);
        free(form);
        free(truth);
        free(pred);
    }
    vcd_gold_free(&g);
    return 0;
}
