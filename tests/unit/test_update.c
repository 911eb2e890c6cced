/* The id-stability rule of `update` (vcd_link_cluster_anchored): the state's
 * entities are fixed groups; a new form joins one where the linkage would
 * join it; two fixed groups never join (the join is proposed instead); new
 * groups are numbered after the anchors. */
#include "test.h"
#include "vcd/linker.h"

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
    vcd_form fs[7] = {{.count = 9}, {.count = 3}, {.count = 8}, {.count = 5},
                      {.count = 2}, {.count = 2}, {.count = 4}};
    vcd_forms forms = {fs, 7};
    int32_t anchor[7] = {1, 1, 0, -1, -1, -1, -1};
    int32_t labels[7];
    vcd_link_merges merges;
    size_t groups =
        vcd_link_cluster_anchored(&pairs, &forms, 0.5, 0.02, anchor, 2, &merges, labels);
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
    vcd_form fs[4] = {{.count = 5}, {.count = 5}, {.count = 5}, {.count = 5}};
    vcd_forms forms = {fs, 4};
    int32_t anchor[4] = {0, 0, -1, -1}, labels[4], plain[4];
    CHECK(vcd_link_cluster_anchored(&pairs, &forms, 0.5, 0.02, anchor, 1, NULL, labels) == 1);
    CHECK(labels[0] == 0 && labels[1] == 0 && labels[2] == 1 && labels[3] == 1);
    int32_t none[4] = {-1, -1, -1, -1};
    vcd_link_cluster_anchored(&pairs, &forms, 0.5, 0.02, none, 0, NULL, labels);
    vcd_link_cluster(&pairs, &forms, 0.5, 0.02, plain);
    CHECK(memcmp(labels, plain, sizeof plain) == 0);
}

int main(void)
{
    test_anchors_keep_their_ids();
    test_anchor_conflicts();
    return test_finish();
}
