#!/usr/bin/env bash
# Benchmark (not a test): `cluster` in one process vs `mpirun -np N` (an
# -DVCD_MPI=ON build) on the 58,357 real comments resampled to 1x, 4x, 16x
# rows (bench/resample_comments.awk: rows drawn with replacement by a fixed
# MINSTD generator, unique ids r<k>-<row>, dates spread over 2023-2024).
# Per run: wall time, peak RSS of every rank (/usr/bin/time around each
# rank), rank 0's stage times, and whether the state is byte-identical to
# the single process's. One run each (the machine is shared).
# At the scales in --one-thread-scales (default "1 4") also one process with
# one OpenMP thread: what one rank would do alone.
# Usage: bench/bench_mpi.sh [--scales "1 4 16"] [--np 2] [--one-thread-scales "1 4"]
#                           [--bin PATH] [--mpi-bin PATH] [--no-record]
# Appends a dated section to reports/benchmarks.md unless --no-record.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bin=build/vcdiscover mpi_bin=build-mpi/vcdiscover scales="1 4 16" np=2 record=1 one_thread="1 4"
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --mpi-bin) mpi_bin=$2; shift 2 ;;
    --scales) scales=$2; shift 2 ;;
    --np) np=$2; shift 2 ;;
    --one-thread-scales) one_thread=$2; shift 2 ;;
    --no-record) record=0; shift ;;
    *) echo "usage: $0 [--scales \"1 4 16\"] [--np N] [--bin PATH] [--mpi-bin PATH] [--no-record]" >&2; exit 2 ;;
  esac
done
comments=../shared/data/youtube/comments.txt
[ -f "$comments" ] || { echo "bench: $comments not found" >&2; exit 2; }
[ -x "$bin" ] || { echo "bench: $bin not built (scripts/setup.sh)" >&2; exit 2; }
[ -x "$mpi_bin" ] || { echo "bench: $mpi_bin not built (cmake -B build-mpi -DVCD_MPI=ON)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Each rank under its own /usr/bin/time: peak RSS per rank.
cat >"$tmp/rank.sh" <<'EOF'
#!/bin/sh
exec /usr/bin/time -f '%e %M %U %S' -o "$RANK_TIME.${OMPI_COMM_WORLD_RANK:-0}" "$@"
EOF
chmod +x "$tmp/rank.sh"

field() { grep -o "\"$1\":[0-9][0-9.]*" "$2" | head -1 | cut -d: -f2; }
stages() {
  echo "$(field ingest "$1") / $(field tag "$1") / $(field encode "$1") / $(field cluster "$1") / $(field write "$1")"
}
load0=$(cut -d' ' -f1-3 /proc/loadavg)
cpu() { awk "BEGIN{printf \"%.1f\", $1 + $2}"; }
rows=()
for k in $scales; do
  awk -v copies="$k" -f bench/resample_comments.awk "$comments" >"$tmp/c$k.csv"
  /usr/bin/time -f '%e %M %U %S' -o "$tmp/time" "$bin" cluster --quiet --json --input "$tmp/c$k.csv" \
    --out "$tmp/one" >"$tmp/one.json"
  read -r wall rss user sys <"$tmp/time"
  docs=$(field docs "$tmp/one.json") mentions=$(field mentions "$tmp/one.json") forms=$(field forms "$tmp/one.json")
  rows+=("| ${k}x | $docs / $mentions / $forms | 1 process | ${wall} s | $(cpu "$user" "$sys") | $((rss / 1024)) MiB | $(stages "$tmp/one.json") | |")
  echo "${rows[-1]}" >&2
  if [[ " $one_thread " == *" $k "* ]]; then
    OMP_NUM_THREADS=1 /usr/bin/time -f '%e %M %U %S' -o "$tmp/time" "$bin" cluster --quiet --json \
      --input "$tmp/c$k.csv" --out "$tmp/one1" >"$tmp/one1.json"
    read -r wall rss user sys <"$tmp/time"
    rows+=("| ${k}x | | 1 process, 1 thread | ${wall} s | $(cpu "$user" "$sys") | $((rss / 1024)) MiB | $(stages "$tmp/one1.json") | |")
    echo "${rows[-1]}" >&2
    rm -rf "$tmp/one1"
  fi
  # One OpenMP thread per rank: N ranks on N cores.
  RANK_TIME="$tmp/rank" /usr/bin/time -f '%e' -o "$tmp/time" \
    mpirun --allow-run-as-root --oversubscribe -x RANK_TIME -x OMP_NUM_THREADS=1 -np "$np" \
    "$tmp/rank.sh" "$mpi_bin" cluster --quiet --json --input "$tmp/c$k.csv" --out "$tmp/mpi" \
    >"$tmp/mpi.json"
  wall=$(cat "$tmp/time")
  rss_list="" cpu_list=""
  for r in $(seq 0 $((np - 1))); do
    read -r _ rss user sys <"$tmp/rank.$r"
    rss_list="$rss_list${rss_list:+ / }$((rss / 1024))"
    cpu_list="$cpu_list${cpu_list:+ / }$(cpu "$user" "$sys")"
  done
  same=yes
  for f in $(ls -A "$tmp/one"); do cmp -s "$tmp/one/$f" "$tmp/mpi/$f" || same="no ($f)"; done
  rows+=("| ${k}x | | mpirun -np $np | ${wall} s | $cpu_list | $rss_list MiB | $(stages "$tmp/mpi.json") | $same |")
  echo "${rows[-1]}" >&2
  rm -rf "$tmp/one" "$tmp/mpi" "$tmp/c$k.csv"
done

core=$(build/bench/bench_hdbscan 2000 8 5 2>/dev/null | grep -o '"openblas_core": "[^"]*"' | cut -d'"' -f4 || true)
section=$(
  echo
  echo "## $(date -u +%Y-%m-%d) cluster on MPI, $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), OpenBLAS core ${core:-unknown}, $(mpirun --version | head -1)"
  echo
  echo "\`bench/bench_mpi.sh\`: one process ($bin; default threads, and at ${one_thread// /x, }x one thread) vs"
  echo "\`mpirun -np $np\` ($mpi_bin, one OpenMP thread per rank), one run each. Inputs: the 58,357 comments resampled by"
  echo "\`bench/resample_comments.awk\`. CPU and RSS: CPU seconds and peak resident set of each rank"
  echo "(rank 0 first). Load average at the start: $load0."
  echo "Stages: rank 0's ingest / tag / encode / cluster (link facts, candidates, linkage) / write, in s."
  echo
  echo "| input | docs / mentions / forms | run | wall | CPU s (user + sys) | peak RSS | stages (s) | state identical |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  printf '%s\n' "${rows[@]}"
)
echo "$section"
[ "$record" = 1 ] && echo "$section" >>reports/benchmarks.md
exit 0
