#!/usr/bin/env bash
# The HTML report of the bundled sample, used the way a person would in
# headless Chromium (tests/cli/report_browser.js over the DevTools pipe):
# search, sort, open a detail, and the page again with JavaScript off.
# Screenshots are kept in ARTIFACTS (default: build/artifacts/report).
# SKIPs (exit 77) when chromium or node is not installed.
# Usage: report_render_test.sh path/to/vcdiscover [ARTIFACTS]
set -u
BIN=$1
here=$(cd "$(dirname "$0")" && pwd)
ART=${2:-$here/../../build/artifacts/report}
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
NODE=$(command -v node || true)
if [ -z "$CHROMIUM" ] || [ -z "$NODE" ]; then echo "SKIP: chromium or node not installed"; exit 77; fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
"$BIN" cluster --input "$here/../../data/sample_comments.csv" --out "$T/s" --quiet >/dev/null 2>&1 || bad "cluster failed"
"$BIN" report --state "$T/s" --out "$T/report.html" >/dev/null || bad "report failed"
# self-contained: nothing is fetched (xmlns is a name, not a load)
grep -oE '(src|href)="[a-z]+:' "$T/report.html" | grep -v 'href="#' && bad "the page loads an external resource"
[ "$(grep -o '<script' "$T/report.html" | wc -l)" = 1 ] || bad "the page has other scripts than its own"
mkdir -p "$ART"
# "savitar" is the sample's late entity (data/README.md)
timeout 120 "$NODE" "$here/report_browser.js" "$CHROMIUM" "$T/report.html" "$ART" Savitar || bad "browser checks failed"
cp "$T/report.html" "$ART/report.html"
if [ "$fail" = 0 ]; then echo "report used in Chromium: all checks passed; screenshots in $ART"; fi
[ "$fail" = 0 ]
