/* Versions of the project and of the libraries it links. */
#include "vcd/version.h"

#include <cJSON.h>
#include <cblas.h>
#include <csv.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

/* FAISS's version macros are in a C++ header (faiss/Index.h); CMake reads
 * them at configure time and passes the result (cmake/vcd_versions.cmake). */
#ifndef VCD_FAISS_VERSION
#define VCD_FAISS_VERSION "unknown"
#endif

#define STR_(x) #x
#define STR(x) STR_(x)

const char *vcd_version(void)
{
    return VCD_VERSION;
}

const char *vcd_data_dir(void)
{
    return VCD_DATA_DIR;
}

static void set(vcd_component *c, const char *name, const char *version, const char *detail)
{
    snprintf(c->name, sizeof c->name, "%s", name);
    snprintf(c->version, sizeof c->version, "%s", version);
    snprintf(c->detail, sizeof c->detail, "%s", detail);
}

/* openblas_get_config() is "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell
 * MAX_THREADS=64": the second word is the version, the rest the build. */
static void openblas(vcd_component *c)
{
    const char *cfg = openblas_get_config();
    if (!cfg) cfg = "";
    const char *p = strncmp(cfg, "OpenBLAS ", 9) == 0 ? cfg + 9 : cfg;
    size_t n = strcspn(p, " ");
    char version[32];
    snprintf(version, sizeof version, "%.*s", (int)(n < 31 ? n : 31), p);
    set(c, "OpenBLAS", n ? version : "unknown", p[n] == ' ' ? p + n + 1 : "");
}

void vcd_components(vcd_component out[VCD_COMPONENT_COUNT])
{
    set(&out[0], "FAISS", VCD_FAISS_VERSION, "");
    openblas(&out[1]);
    set(&out[2], "utf8proc", utf8proc_version(), "");
    set(&out[3], "libcsv", STR(CSV_MAJOR) "." STR(CSV_MINOR) "." STR(CSV_RELEASE), "");
    set(&out[4], "cJSON", cJSON_Version(), "");
}
