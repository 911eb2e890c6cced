#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then build examples/cluster_comments.c
# against that copy with pkg-config (as another project would) and run it.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR CC PROJECT_VERSION [EXTRA_CFLAGS]
# SKIP (77) when pkg-config is missing.
set -u
BUILD=$1 SRC=$2 CC=$3 VERSION=$4 EXTRA=${5:-}
command -v pkg-config >/dev/null || { echo "SKIP: pkg-config not installed"; exit 77; }
P=$(mktemp -d)
trap 'rm -rf "$P"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

cmake --install "$BUILD" --prefix "$P/prefix" >"$P/install.log" 2>&1 && ok || bad "cmake --install: $(tail -5 "$P/install.log")"
pc=$(find "$P/prefix" -name vcdiscover.pc | head -1)
[ -n "$pc" ] && ok || { bad "no vcdiscover.pc installed"; echo "install_test: $pass passed, $fail failed"; exit 1; }
libdir=$(dirname "$(dirname "$pc")")
for f in "$libdir/libvcdiscover.a" "$libdir/libfaiss_c.a" "$P/prefix/bin/vcdiscover" \
         "$P/prefix/include/vcd/pipeline.h" "$P/prefix/include/vcd/version.h" \
         "$P/prefix/share/vcdiscover/models/default/config.json" \
         "$P/prefix/share/vcdiscover/kb/default.vcdkb" "$P/prefix/share/doc/vcdiscover/NOTICE"; do
  [ -f "$f" ] && ok || bad "not installed: ${f#"$P/prefix/"}"
done
for h in "$SRC"/include/vcd/*.h; do
  cmp -s "$h" "$P/prefix/include/vcd/$(basename "$h")" || bad "header not installed: $(basename "$h")"
done
"$P/prefix/bin/vcdiscover" --version >"$P/version" 2>&1 && grep -q "^vcdiscover $VERSION$" "$P/version" && ok \
  || bad "installed CLI --version: $(head -3 "$P/version")"

export PKG_CONFIG_PATH="$(dirname "$pc")"
[ "$(pkg-config --modversion vcdiscover)" = "$VERSION" ] && ok || bad "pkg-config --modversion"
pkg-config --static --libs vcdiscover | grep -q -- "-lfaiss_c .*-lopenblas" && ok || bad "Libs.private lacks FAISS/OpenBLAS"
# the example, as its header comment says to build it, from a copy outside the tree
cp "$SRC/examples/cluster_comments.c" "$P/"
# shellcheck disable=SC2046,SC2086
"$CC" -std=c11 -Wall -Wextra -Werror $EXTRA "$P/cluster_comments.c" \
  $(pkg-config --cflags --libs --static vcdiscover) -o "$P/cluster_comments" >"$P/cc.log" 2>&1 && ok \
  || bad "building the example against the installed copy: $(head -20 "$P/cc.log")"
if [ -x "$P/cluster_comments" ]; then
  vec=()
  [ -f "$SRC/data/vectors/glove-wiki-100d.vcdv" ] && vec=("$SRC/data/vectors/glove-wiki-100d.vcdv")
  "$P/cluster_comments" "$P/work" "${vec[@]}" >"$P/out" 2>"$P/err" && ok || bad "example failed: $(cat "$P/err")"
  grep -q "^10 comments, [0-9]* mentions, [0-9]* forms, [1-9][0-9]* entities$" "$P/out" && ok \
    || bad "example summary: $(cat "$P/out")"
  grep -q "^  Taylor Swift " "$P/out" && ok || bad "example found no Taylor Swift: $(cat "$P/out")"
  [ -f "$P/work/state/manifest.json" ] && ok || bad "example wrote no state"
fi
echo "install_test: $pass passed, $fail failed"
[ "$fail" = 0 ]
