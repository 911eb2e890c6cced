#include "cli.h"
#include "vcd/version.h"

#include <string.h>

enum { O_JSON, O_COUNT };

static cli_option version_options[O_COUNT] = {
    [O_JSON] = {"json", 0, "print JSON (schema vcdiscover.version/1)"},
};

static void print_json(const vcd_component *c)
{
    vcd_buf b = {0};
    vcd_buf_printf(
        &b, "{\"schema\":\"vcdiscover.version/1\",\"version\":\"%s\",\"data_dir\":", vcd_version());
    vcd_buf_json_string(&b, vcd_data_dir(), strlen(vcd_data_dir()));
    vcd_buf_puts(&b, ",\"components\":[");
    for (size_t i = 0; i < VCD_COMPONENT_COUNT; i++) {
        vcd_buf_puts(&b, i ? ",{\"name\":" : "{\"name\":");
        vcd_buf_json_string(&b, c[i].name, strlen(c[i].name));
        vcd_buf_puts(&b, ",\"version\":");
        vcd_buf_json_string(&b, c[i].version, strlen(c[i].version));
        vcd_buf_puts(&b, ",\"detail\":");
        vcd_buf_json_string(&b, c[i].detail, strlen(c[i].detail));
        vcd_buf_putc(&b, '}');
    }
    vcd_buf_puts(&b, "]}\n");
    fputs(b.data, stdout);
    vcd_buf_free(&b);
}

int cmd_version(int argc, char **argv)
{
    size_t npos;
    int rc = cli_parse("version", argc, argv, version_options, O_COUNT, NULL, 0, &npos);
    if (rc < 0) {
        cli_usage(stdout, "version", "[--json]", version_options, O_COUNT);
        return 0;
    }
    if (rc) return rc;
    vcd_component c[VCD_COMPONENT_COUNT];
    vcd_components(c);
    if (version_options[O_JSON].value) {
        print_json(c);
        return 0;
    }
    printf("vcdiscover %s\n", vcd_version());
    for (size_t i = 0; i < VCD_COMPONENT_COUNT; i++)
        printf("  %-9s %s%s%s%s\n", c[i].name, c[i].version, *c[i].detail ? " (" : "", c[i].detail,
               *c[i].detail ? ")" : "");
    printf("data: %s\n", vcd_data_dir());
    return 0;
}
