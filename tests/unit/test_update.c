/* The id-stability rule of `update` (vcd_link_cluster_anchored): the state's
 * entities are fixed groups; a new form joins one where the linkage would
 * join it; two fixed groups never join (the join is proposed instead); new
 * groups are numbered after the anchors. */
#include "test.h"
#include "vcd/linker.h"
#include "vcd/text.h"

/* One-word forms "f0", "f1", ... with the given counts, as link forms (no
 * two of them related by any spelling rule). */
static vcd_link_forms *link_forms_of(vcd_forms *forms, const uint32_t *counts, size_t n, float *vec)
{
    forms->items = vcd_xcalloc(n, sizeof *forms->items);
    forms->n = n;
    for (size_t i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof name, "f%zu", i);
        forms->items[i].key = vcd_xstrdup(name);
        forms->items[i].surface = vcd_xstrdup(name);
        forms->items[i].count = counts[i];
        forms->items[i].entity_id = -1;
        memset(vec + i * 8, 0, 8 * sizeof *vec);
        vec[i * 8 + i % 8] = 1;
    }
    vcd_link_input in = {forms, vec, 8, NULL, NULL, NULL, NULL};
    vcd_link_forms *lf = NULL;
    CHECK(vcd_link_forms_build(&in, &lf) == VCD_OK);
    return lf;
}

static void test_anchors_keep_their_ids(void)
{
    /* forms 0, 1: entity 1 of the state ("Barry Allen", "Barry A."); form 2:
     * entity 0 ("Flash"); form 3 "Barry" is new and fits both; forms 4, 5 new
     * and alike; form 6 new and alone */
    vcd_link_pair items[5];
    memset(items, 0, sizeof items);
    items[0] = (vcd_link_pair){.a = 0, .b = 3, .p = 0.9f};
    items[1] = (vcd_link_pair){.a = 2, .b = 3, .p = 0.8f};
    items[2] = (vcd_link_pair){.a = 4, .b = 5, .p = 0.7f};
    items[3] = (vcd_link_pair){.a = 1, .b = 6, .p = 0.3f}; /* too weak to join */
    items[4] = (vcd_link_pair){.a = 0, .b = 2, .p = 0.6f}; /* an old-old pair */
    vcd_link_pairs pairs = {items, 5, 5};
    uint32_t counts[7] = {9, 3, 8, 5, 2, 2, 4};
    vcd_forms forms;
    float vec[7 * 8];
    vcd_link_forms *lf = link_forms_of(&forms, counts, 7, vec);
    int32_t anchor[7] = {1, 1, 0, -1, -1, -1, -1};
    int32_t labels[7];
    vcd_link_merges merges;
    size_t groups = vcd_link_cluster_anchored(&pairs, lf, 0.5, 0.02, anchor, 2, &merges, labels);
    CHECK(groups == 1);
    CHECK(labels[0] == 1 && labels[1] == 1 && labels[2] == 0); /* ids unchanged */
    CHECK(labels[3] == 1);                                     /* the likelier entity */
    CHECK(labels[4] == 2 && labels[5] == 2);                   /* new, after the anchors */
    CHECK(labels[6] == -1);
    /* "Barry" would also have joined "Flash", and the old-old pair would have
     * joined the two entities: proposed once, never done */
    CHECK(merges.n == 1 && merges.items[0].a == 0 && merges.items[0].b == 1);
    CHECK_NEAR(merges.items[0].p, 0.8, 1e-6);
    free(merges.items);
    vcd_link_forms_free(lf);
    vcd_forms_free(&forms);
}

/* A cannot-link between a new form and a member of an entity keeps it out,
 * and without anchors the function is vcd_link_cluster. */
static void test_anchor_conflicts(void)
{
    vcd_link_pair items[3];
    memset(items, 0, sizeof items);
    items[0] = (vcd_link_pair){.a = 0, .b = 2, .p = 0.9f}; /* new 2 ~ entity 0's form 0 */
    items[1] = (vcd_link_pair){.a = 1, .b = 2, .p = 0.0f}; /* ... apart from its form 1 */
    items[2] = (vcd_link_pair){.a = 2, .b = 3, .p = 0.8f};
    vcd_link_pairs pairs = {items, 3, 3};
    uint32_t counts[4] = {5, 5, 5, 5};
    vcd_forms forms;
    float vec[4 * 8];
    vcd_link_forms *lf = link_forms_of(&forms, counts, 4, vec);
    int32_t anchor[4] = {0, 0, -1, -1}, labels[4], plain[4];
    CHECK(vcd_link_cluster_anchored(&pairs, lf, 0.5, 0.02, anchor, 1, NULL, labels) == 1);
    CHECK(labels[0] == 0 && labels[1] == 0 && labels[2] == 1 && labels[3] == 1);
    int32_t none[4] = {-1, -1, -1, -1};
    vcd_link_cluster_anchored(&pairs, lf, 0.5, 0.02, none, 0, NULL, labels);
    vcd_link_cluster(&pairs, lf, 0.5, 0.02, plain);
    CHECK(memcmp(labels, plain, sizeof plain) == 0);
    vcd_link_forms_free(lf);
    vcd_forms_free(&forms);
}

int main(void)
{
    test_anchors_keep_their_ids();
    test_anchor_conflicts();
    return test_finish();
}
