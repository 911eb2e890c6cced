/* Alias groups as the trainer sees them. */
#ifndef VCD_IDENTITY_TRAIN_INTERNAL_H
#define VCD_IDENTITY_TRAIN_INTERNAL_H

#include "identity_internal.h"
#include "vcd/strmap.h"

struct vcd_alias_groups {
    vcd_strmap *by_name, *seen;
    char **name, **type; /* per group */
    size_t n_groups, groups_cap;
    char **alias; /* in input order */
    size_t *alias_group;
    size_t n_alias, alias_cap;
    vcd_buf key;
};

#endif
