/* What this copy of libvcdiscover is and which libraries it was built with,
 * for `vcdiscover --version` and for programs that link the library. */
#ifndef VCD_VERSION_H
#define VCD_VERSION_H

#include <stddef.h>

/* The project version (CMake's project(VERSION)), e.g. "0.1.0". */
const char *vcd_version(void);

/* The folder the shipped models, KB and gazetteer are read from by default
 * (fixed when the library is configured: -DVCD_DATA_DIR). */
const char *vcd_data_dir(void);

typedef struct {
    char name[16];    /* "FAISS", "OpenBLAS", "utf8proc", "libcsv", "cJSON" */
    char version[32]; /* "1.7.3" */
    char detail[160]; /* build configuration where the library reports one, else "" */
} vcd_component;

#define VCD_COMPONENT_COUNT 5

/* Fills out[0 .. VCD_COMPONENT_COUNT) in that fixed order. FAISS and libcsv
 * are the versions of the headers compiled against (neither reports one at
 * run time); OpenBLAS, utf8proc and cJSON are asked at run time, so they name
 * the shared library actually loaded. */
void vcd_components(vcd_component out[VCD_COMPONENT_COUNT]);

#endif
