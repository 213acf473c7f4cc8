#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS (default 60) from a working corpus
# seeded by fuzz/seeds/<target> and the bundled corpus (corpus/), which
# grows across runs under BUILD/fuzz-corpus/.  A crash, leak or failed
# property stops the run: its input is copied to tests/regress/<target>/
# (replayed by ctest from then on) and the script exits 1.
# Usage: fuzz/run.sh BUILD_DIR [SECONDS] [TARGET...]   (make fuzz runs it)
# With FUZZ_RECORD=1 a row per target is appended to tests/fuzz-runs.md.
set -uo pipefail
build=${1:?usage: fuzz/run.sh BUILD_DIR [SECONDS] [TARGET...]}; shift
seconds=${1:-60}; [ $# -gt 0 ] && shift
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(normalizer decimal engine pdf html)
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
status=0
for t in "${targets[@]}"; do
  bin=$build/fuzz/fuzz_$t
  [ -x "$bin" ] || { echo "fuzz: $bin not built (make fuzz builds it)"; exit 2; }
  corpus=$build/fuzz-corpus/$t; artifacts=$build/fuzz-artifacts/$t/
  mkdir -p "$corpus" "$artifacts"
  cp -n "$root"/fuzz/seeds/$t/* "$corpus"/ 2>/dev/null
  [ -d "$root/tests/regress/$t" ] && cp -n "$root"/tests/regress/$t/* "$corpus"/ 2>/dev/null
  extra=()
  case $t in
    normalizer|engine)
      cp -n "$root"/corpus/seed/*.txt "$corpus"/ 2>/dev/null
      # Real prose as seeds: the text of the bundled PDFs, a few pages each.
      if command -v pdftotext >/dev/null; then
        for f in "$root"/corpus/real/*.pdf; do
          [ -e "$corpus/$(basename "$f").txt" ] || pdftotext -l 3 "$f" "$corpus/$(basename "$f").txt" 2>/dev/null
        done
      fi
      extra=(-max_len=65536) ;;
    decimal) extra=(-max_len=128) ;;
    html)
      cp -n "$root"/corpus/html/*.html "$root"/corpus/seed/*.html "$corpus"/ 2>/dev/null
      extra=(-max_len=65536) ;;
    pdf)
      for f in "$root"/corpus/seed/*.pdf "$root"/corpus/real/*.pdf; do
        [ "$(stat -c %s "$f")" -le 400000 ] && cp -n "$f" "$corpus"/
      done
      extra=(-max_len=400000) ;;
  esac
  log=$build/fuzz-$t.log
  start=$(date +%s)
  ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$root/tests/lsan.supp UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$bin" "${extra[@]}" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts" "$corpus" >"$log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ $rc -eq 0 ]; then
    result="no crash"
  else
    status=1
    mkdir -p "$root/tests/regress/$t"
    found=$(ls "$artifacts" 2>/dev/null)
    for a in $found; do cp "$artifacts/$a" "$root/tests/regress/$t/"; done
    result="FAILED (exit $rc; inputs kept in tests/regress/$t: ${found:-none}; log $log)"
    grep -m3 -E "ERROR|runtime error|fuzz check failed" "$log"
  fi
  row="| $(date -u +%Y-%m-%d) | $t | ${secs} s | ${execs:-?} | $(ls "$corpus" | wc -l) | $result |"
  echo "fuzz $t: ${secs} s, ${execs:-?} inputs run, $result"
  [ "${FUZZ_RECORD:-0}" = 1 ] && echo "$row" >> "$root/tests/fuzz-runs.md"
done
exit $status
