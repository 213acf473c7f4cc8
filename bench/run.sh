#!/usr/bin/env bash
# Benchmark: an archive of N PDFs built from corpus/ (distinct names, ~5 %
# broken), then in one run on the same files: pdftotext, cnbudget -j1 and
# -j2, wall time and peak RSS (/usr/bin/time -v for the largest process, a
# sampler for the sum over cnbudget's worker processes), and a check that
# every good file has records and every broken one its error code
# (bench/check_archive.py).  Usage: bench/run.sh [N]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-2000}
bin=${CNBUDGET:-$root/build/cnbudget}
command -v pdftotext >/dev/null || { echo "needs pdftotext (poppler-utils)"; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)"; exit 2; }
work=${BENCH_DIR:-$(mktemp -d)}
arch=$work/archive; mkdir -p "$arch"
good=("$root"/corpus/real/*.pdf "$root"/corpus/seed/seed-libreoffice.pdf "$root"/corpus/seed/seed-chromium.pdf \
      "$root"/corpus/seed/seed-reportlab.pdf "$root"/corpus/seed/seed-owner-restricted.pdf)
bad=("$root"/corpus/seed/seed-truncated.pdf "$root"/corpus/seed/seed-garbage.pdf "$root"/corpus/seed/empty.pdf \
     "$root"/corpus/seed/seed-scanned.pdf "$root"/corpus/seed/seed-encrypted-userpw.pdf)
for i in $(seq 1 "$n"); do
  if [ $((i % 20)) -eq 0 ]; then src=${bad[$((i / 20 % ${#bad[@]}))]}; else src=${good[$((i % ${#good[@]}))]}; fi
  cp "$src" "$arch/$(printf '%06d' "$i")_$(basename "$src")"
done
ls "$arch"/*.pdf > "$work/list"

measure() {  # name, command...
  # The command runs in its own session so that its worker processes can be
  # summed: /usr/bin/time reports the largest single process, the sampler
  # the whole tree (every 0.2 s).
  local name=$1; shift
  setsid /usr/bin/time -v "$@" > /dev/null 2> "$work/$name.time" &
  local pid=$! peak=0 cur
  while kill -0 "$pid" 2>/dev/null; do
    cur=$(ps -o rss= -s "$pid" 2>/dev/null | awk '{s += $1} END {print s + 0}')
    [ "$cur" -gt "$peak" ] && peak=$cur
    sleep 0.2
  done
  wait "$pid" || true
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$work/$name.time")
  rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$work/$name.time")
  echo "$name $wall $rss $peak"
}
secs() { awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }' <<< "$1"; }

runs=${RUNS:-"pdftotext j1 j2"}   # RUNS=j2 bench/run.sh 10000: only the memory check at scale
r_pt=""; r_j1=""; r_j2=""
case " $runs " in *" pdftotext "*) r_pt=$(measure pdftotext bash -c 'while read -r f; do pdftotext -q "$f" /dev/null; done < "$1"' _ "$work/list");; esac
case " $runs " in *" j1 "*) r_j1=$(measure cnbudget_j1 "$bin" extract --quiet -j1 --files-from "$work/list" -o /dev/null);; esac
case " $runs " in *" j2 "*) r_j2=$(measure cnbudget_j2 "$bin" extract --quiet -j2 --files-from "$work/list" -o "$work/j2.jsonl");; esac
{
  echo "## $(date -u +%F) — $n files ($(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
  echo
  echo "| run | wall s | peak RSS KiB, largest process | peak RSS KiB, all processes (sampled) |"
  echo "|---|---|---|---|"
  for r in "$r_pt" "$r_j1" "$r_j2"; do [ -n "$r" ] || continue; set -- $r; echo "| $1 | $(secs "$2") | $3 | $4 |"; done
  echo
  if [ -n "$r_pt" ] && [ -n "$r_j1" ] && [ -n "$r_j2" ]; then
    t_pt=$(secs "$(cut -d' ' -f2 <<< "$r_pt")"); t_j1=$(secs "$(cut -d' ' -f2 <<< "$r_j1")"); t_j2=$(secs "$(cut -d' ' -f2 <<< "$r_j2")")
    awk -v a="$t_j1" -v b="$t_pt" -v c="$t_j2" -v n="$n" 'BEGIN {
      printf "- cnbudget -j1 / pdftotext: %.2f\n", a / b;
      printf "- cnbudget -j1 / -j2 (speed-up): %.2f\n", a / c;
      printf "- files/s at -j2: %.1f\n", n / c }'
    echo
  fi
} | tee -a "$root/bench/RESULTS.md"
# The run completed; every good file has its records and every broken one
# its error code (checked on the -j2 output).
if [ -n "$r_j2" ]; then
  python3 "$root/bench/check_archive.py" "$work/list" "$work/j2.jsonl" | tee -a "$root/bench/RESULTS.md"
fi
[ -n "${BENCH_DIR:-}" ] || rm -rf "$work"
