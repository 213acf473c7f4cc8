#!/usr/bin/env bash
# kill -9 at a random point, --resume, and the output equals an uninterrupted
# run's: JSON Lines byte for byte, CSV files byte for byte, SQLite table by table.
set -euo pipefail
bin=$1; root=$2
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
mkdir "$t/in"
n=0
for round in 1 2 3 4 5; do
  for f in "$root"/corpus/seed/*.pdf "$root"/corpus/real/*.pdf "$root"/corpus/seed/*.txt; do
    n=$((n + 1)); cp "$f" "$t/in/$(printf '%03d' $n)_$(basename "$f")"
  done
done

# The output of one format as comparable text.
snapshot() {  # format dir
  case $1 in
    jsonl) cat "$2/records.jsonl" ;;
    csv) for f in documents figures projects rows checks errors; do echo "== $f"; cat "$2/$f.csv"; done ;;
    sqlite) for tb in documents figures projects rows cells checks errors manifest; do
              echo "== $tb"; sqlite3 "$2/cnbudget.sqlite" "SELECT * FROM $tb" | sort
            done ;;
  esac
}
marker() {  # format dir: a file that grows as the run writes
  case $1 in
    jsonl) echo "$2/records.jsonl" ;; csv) echo "$2/figures.csv" ;; sqlite) echo "$2/manifest.jsonl.none" ;;
  esac
}

check_format() {  # format attempts
  local fmt=$1 attempts=$2
  "$bin" extract --quiet -j2 --format "$fmt" --out "$t/full-$fmt" "$t/in" || [ $? -eq 1 ]
  snapshot "$fmt" "$t/full-$fmt" > "$t/full-$fmt.txt"
  [ -s "$t/full-$fmt.txt" ] || { echo "FAIL: $fmt: empty output"; exit 1; }
  for attempt in $(seq 1 "$attempts"); do
    rm -rf "$t/cut"
    "$bin" extract --quiet -j2 --format "$fmt" --out "$t/cut" "$t/in" & pid=$!
    # Wait until the run has started writing, then kill it at a random point.
    for _ in $(seq 1 400); do
      if [ "$fmt" = sqlite ]; then
        [ -s "$t/cut/cnbudget.sqlite" ] && break
      else
        [ -s "$(marker "$fmt" "$t/cut")" ] && break
      fi
      sleep 0.05
    done
    sleep "0.$((RANDOM % 10))$((RANDOM % 10))"
    kill -9 $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
    before=$(snapshot "$fmt" "$t/cut" 2>/dev/null | wc -l || true)
    "$bin" extract --quiet -j2 --format "$fmt" --out "$t/cut" --resume "$t/in" || [ $? -eq 1 ]
    snapshot "$fmt" "$t/cut" > "$t/cut.txt"
    if ! cmp -s "$t/full-$fmt.txt" "$t/cut.txt"; then
      echo "FAIL: $fmt: resumed output differs from the uninterrupted run (attempt $attempt, $before lines before resume)"
      diff "$t/full-$fmt.txt" "$t/cut.txt" | head -5
      exit 1
    fi
    if [ "$fmt" != sqlite ]; then
      python3 - "$t/full-$fmt/manifest.jsonl" "$t/cut/manifest.jsonl" <<'PY'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
key = lambda m: (m["path"], m["sha256"], m["status"], m["records"])
assert sorted(map(key, a)) == sorted(map(key, b)), "manifests differ"
PY
    fi
    echo "$fmt attempt $attempt: killed with $before lines written; resumed output identical"
  done
}

check_format jsonl 3
check_format csv 2
check_format sqlite 2

# Every document's records are whole: each document record is followed by its own records only.
python3 - "$t/full-jsonl/records.jsonl" <<'PY'
import json, sys
cur = None
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r["type"] == "document":
        cur = r["source"]
    else:
        assert r["source"] == cur, (cur, r["source"])
PY
# A run without --resume starts afresh: the SQLite file does not keep an older run's documents.
"$bin" extract --quiet --format sqlite --out "$t/fresh" "$root/corpus/seed/000_11ca13e1048fbe42.txt"
"$bin" extract --quiet --format sqlite --out "$t/fresh" "$root/corpus/seed/seed-reportlab.pdf"
got=$(sqlite3 "$t/fresh/cnbudget.sqlite" "SELECT count(*) FROM documents")
[ "$got" = 1 ] || { echo "FAIL: a fresh run kept $got documents"; exit 1; }
echo "resume: 1 passed, 0 failed"
