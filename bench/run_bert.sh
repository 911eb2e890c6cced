#!/usr/bin/env bash
# BERT benchmarks (not tests): writes a dated section to reports/benchmarks.md.
#   - inference and one fine-tuning step on a BERT-base shape (hidden 768,
#     12 layers, 12 heads, seq 128, batch 32, random weights), tokens/s,
#     side by side with PyTorch CPU on the same shapes and thread count
#     (Debian's python3-torch, installed here if missing: a peer, never a
#     dependency of vcdiscover);
#   - GFLOP/s against this machine's sgemm peak; inference peak RSS against
#     the weights' size.
# Usage: bench/run_bert.sh [--iters N]   (needs scripts/setup.sh to have run)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
iters=3
[ "${1:-}" = "--iters" ] && iters=$2
[ -x build/bench/bench_bert ] || { echo "bench: run scripts/setup.sh first" >&2; exit 2; }
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  apt-get install -y -q python3-torch >/dev/null
fi
threads=$(nproc)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
build/bench/bench_bert make "$out/base"
sgemm=$(build/bench/bench_bert sgemm)
infer=$(build/bench/bench_bert infer "$out/base" 32 128 "$iters")
train=$(build/bench/bench_bert train "$out/base" 32 128 "$iters")
peer=$(/usr/bin/python3 bench/bert_torch.py 32 128 "$iters" "$threads")
field() { echo "$1" | grep -o "\"$2\": *\"\?[0-9a-z.+]*" | head -1 | sed 's/.*: *"\?//'; }
peer_infer=$(echo "$peer" | grep '"infer"')
peer_train=$(echo "$peer" | grep '"train"')
ratio() { awk "BEGIN{printf \"%.2f\", $1 / $2}"; }
{
  echo
  echo "## $(date -u +%Y-%m-%d) BERT on $threads cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo
  echo "BERT-base shape (hidden 768, 12 layers, 12 heads, intermediate 3072), batch 32 x seq 128, random"
  echo "weights, best of $iters after one warm-up; PyTorch $(field "$peer_infer" torch) with $threads threads on the same shapes."
  echo
  echo "| measurement | vcdiscover | PyTorch | ratio | target |"
  echo "| --- | --- | --- | --- | --- |"
  echo "| inference tokens/s | $(field "$infer" tokens_per_s) | $(field "$peer_infer" tokens_per_s) | $(ratio "$(field "$infer" tokens_per_s)" "$(field "$peer_infer" tokens_per_s)")x | >= 1.0x |"
  echo "| fine-tuning step tokens/s | $(field "$train" tokens_per_s) | $(field "$peer_train" tokens_per_s) | $(ratio "$(field "$train" tokens_per_s)" "$(field "$peer_train" tokens_per_s)")x | >= 0.8x |"
  echo "| inference GFLOP/s (sgemm peak $(field "$sgemm" gflops)) | $(field "$infer" gflops) | | $(ratio "$(field "$infer" gflops)" "$(field "$sgemm" gflops)") of peak | |"
  echo "| training GFLOP/s | $(field "$train" gflops) | | $(ratio "$(field "$train" gflops)" "$(field "$sgemm" gflops)") of peak | |"
  echo "| inference peak RSS | $(field "$infer" peak_rss_mib) MiB (weights $(field "$infer" weights_mib) MiB) | | | <= weights + 200 MiB |"
  echo "| training peak RSS | $(field "$train" peak_rss_mib) MiB | | | |"
} >>reports/benchmarks.md
tail -14 reports/benchmarks.md
