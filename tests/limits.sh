#!/usr/bin/env bash
# Per-document limits with worker processes: a document that hangs, grows
# without bound or crashes its worker fails with its own code, the others
# keep their records, and the run ends in bounded time.  The misbehaviour is
# injected (CNBUDGET_TEST_FAULT, src/worker_pool.cpp) because no file in the
# corpus hangs Poppler on purpose.
set -euo pipefail
bin=$1; root=$2
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
mkdir "$t/in"
seed=$root/corpus/seed/000_11ca13e1048fbe42.txt
for name in a_good hang b_good bloat c_good crash d_good; do
  cp "$seed" "$t/in/$name.txt"
done
echo "distinct" >> "$t/in/b_good.txt"; echo "distinct 2" >> "$t/in/c_good.txt"; echo "distinct 3" >> "$t/in/d_good.txt"
echo 1 >> "$t/in/hang.txt"; echo 2 >> "$t/in/bloat.txt"; echo 3 >> "$t/in/crash.txt"
fail() { echo "FAIL: $*"; exit 1; }
for jobs in 1 2; do
  start=$(date +%s)
  set +e
  CNBUDGET_TEST_FAULT="hang:hang.txt,alloc:bloat.txt,crash:crash.txt" \
    "$bin" extract --quiet -j$jobs --timeout 1 --max-memory 300 --out "$t/out$jobs" "$t/in"
  rc=$?
  set -e
  secs=$(( $(date +%s) - start ))
  [ $rc -eq 1 ] || fail "-j$jobs: exit status $rc, expected 1 (some inputs failed)"
  [ $secs -lt 40 ] || fail "-j$jobs: took $secs s; the hung worker was not stopped in time"
  python3 - "$t/out$jobs/records.jsonl" <<'PY'
import collections, json, sys
docs, figs = {}, collections.Counter()
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    name = r["source"].rsplit("/", 1)[-1]
    if r["type"] == "document":
        assert name not in docs, "two document records for " + name
        docs[name] = r
    elif r["type"] == "figure":
        figs[name] += 1
want = {"hang.txt": "timeout", "bloat.txt": "memory_limit", "crash.txt": "worker_crashed"}
for name, code in want.items():
    d = docs[name]
    assert d["status"] == "failed" and d["error"]["code"] == code, (name, d)
    assert d["sha256"], name + " has no sha256"
    assert figs[name] == 0, name
for name in ("a_good.txt", "b_good.txt", "c_good.txt", "d_good.txt"):
    assert docs[name]["status"] == "ok", docs[name]
    assert figs[name] > 30, (name, figs[name])
assert len(docs) == 7, sorted(docs)
PY
  echo "-j$jobs: timeout, memory_limit and worker_crashed recorded, good documents whole, $secs s"
done
echo "limits: 1 passed, 0 failed"
