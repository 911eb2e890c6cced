#!/usr/bin/env bash
# Renders the HTML report of the sample data in headless Chromium, the way a
# person would open it, and checks the page loaded with its sections and a
# non-empty screenshot. SKIPs (exit 77) when chromium is not installed.
# Usage: report_render_test.sh path/to/vcdiscover
set -u
BIN=$1
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then echo "SKIP: chromium not installed"; exit 77; fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
SAMPLE="$(dirname "$0")/../../data/sample_comments.csv"
"$BIN" cluster --no-vectors --input "$SAMPLE" --out "$T/s" >/dev/null 2>&1 || bad "cluster failed"
"$BIN" report --state "$T/s" --out "$T/report.html" >/dev/null || bad "report failed"
flags=(--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
       --user-data-dir="$T/profile" --window-size=1000,2400)
# dump the DOM after load: proves the page parsed and shows what a reader gets
timeout 120 "$CHROMIUM" "${flags[@]}" --dump-dom "file://$T/report.html" >"$T/dom.html" 2>"$T/dom.err" \
  || bad "chromium --dump-dom failed: $(tail -3 "$T/dom.err")"
for id in summary top-entities timeseries timeseries-chart emerging cluster-sizes-chart examples; do
  grep -q "id=\"$id\"" "$T/dom.html" || bad "rendered page lacks #$id"
done
grep -q '<polyline' "$T/dom.html" || bad "no chart lines in the rendered page"
grep -q 'class="emerging-entity"' "$T/dom.html" || bad "no emerging entity rendered"
grep -q 'Nintendo Switch 2' "$T/dom.html" || bad "Nintendo Switch 2 missing"
grep -qi '<script' "$T/dom.html" && bad "the rendered page contains a script"
# console errors (failed loads, parse errors) are logged with --enable-logging
timeout 120 "$CHROMIUM" "${flags[@]}" --enable-logging=stderr --v=0 \
  --screenshot="$T/report.png" "file://$T/report.html" >"$T/shot.out" 2>"$T/shot.err" \
  || bad "chromium --screenshot failed: $(tail -3 "$T/shot.err")"
grep -E 'CONSOLE|Failed to load|net::ERR' "$T/shot.err" && bad "page logged errors"
size=$(stat -c %s "$T/report.png" 2>/dev/null || echo 0)
[ "$size" -gt 20000 ] || bad "screenshot missing or blank ($size bytes)"
head -c 8 "$T/report.png" | od -An -c | grep -q 'P   N   G' || bad "screenshot is not a PNG"
if [ "$fail" = 0 ]; then echo "report rendered: all checks passed ($size-byte screenshot)"; fi
[ "$fail" = 0 ]
