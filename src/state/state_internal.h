#ifndef VCD_STATE_INTERNAL_H
#define VCD_STATE_INTERNAL_H

#include "vcd/state.h"
#include "vcd/vectors.h"

typedef struct {
    char *name;
    char *type;
    size_t size;
} state_entity;

struct vcd_state {
    vcd_form *forms;
    size_t n_forms;
    state_entity *entities;
    size_t n_entities;
    vcd_index *index;
    vcd_encoder *encoder;
    vcd_vectors *vectors;
};

#endif
