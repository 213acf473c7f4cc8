#!/usr/bin/env bash
# Runs the command on the shared corpus and scores it with ../shared/eval/score.py.
# Thresholds are issue #2's: seed F1 and change >= 0.98, metadata >= 0.95;
# real documents F1 and change >= 0.95, metadata >= 0.9.
set -euo pipefail
bin=$1; root=$2
shared=${CNBUDGET_SHARED:-$root/../shared}
if [ ! -f "$shared/eval/score.py" ]; then echo "no $shared/eval/score.py: cannot score"; exit 1; fi
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
seed="$root/corpus/seed"
"$bin" extract --quiet "$seed/000_11ca13e1048fbe42.txt" "$seed/seed-libreoffice.pdf" "$seed/seed-chromium.pdf" \
  "$seed/seed-reportlab.pdf" "$seed/seed-owner-restricted.pdf" -o "$t/seed.jsonl"
"$bin" extract --quiet --password secret "$seed/seed-encrypted-userpw.pdf" -o "$t/enc.jsonl"
"$bin" extract --quiet "$root/corpus/real" -o "$t/real.jsonl"
mkdir "$t/gold"; cp "$shared"/eval/gold/*.jsonl "$t/gold/"; rm -f "$t"/gold/001_* "$t"/gold/*-tables.jsonl
echo "== seed (text + 4 PDFs)"
python3 "$shared/eval/score.py" "$t/gold/seed.jsonl" "$t/seed.jsonl" --min-f1 0.98 --min-change 0.98 --min-meta 0.95
grep -c '"type":"project"' "$t/seed.jsonl" | { read n; [ "$n" -eq 10 ] || { echo "expected 2 projects x 5 sources, got $n"; exit 1; }; }
echo "== encrypted seed with --password (scored as the libreoffice file)"
sed 's/seed-encrypted-userpw/seed-libreoffice/g' "$t/enc.jsonl" > "$t/enc2.jsonl"
python3 "$shared/eval/score.py" "$t/gold/seed.jsonl" "$t/enc2.jsonl" --min-f1 0.98 --min-change 0.98 --min-meta 0.95
echo "== real documents"
rm -f "$t/gold/seed.jsonl"
python3 "$shared/eval/score.py" "$t/gold" "$t/real.jsonl" --min-f1 "${REAL_MIN_F1:-0.95}" --min-change "${REAL_MIN_CHANGE:-0.95}" --min-meta "${REAL_MIN_META:-0.90}"
echo "== a disclosure published as a web page (001, HTML)"
mkdir "$t/gold_html"; cp "$shared"/eval/gold/001_*.jsonl "$t/gold_html/"
"$bin" extract --quiet "$root/corpus/html" -o "$t/html.jsonl"
python3 "$shared/eval/score.py" "$t/gold_html" "$t/html.jsonl" --min-f1 0.90 --min-change 0.95 --min-meta 0.95
echo "== consistency checks on the seed (issue 4's examples)"
python3 - "$t/seed.jsonl" <<'PY'
import collections, json, sys
checks = collections.defaultdict(list)
docs = {}
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r["type"] == "check":
        checks[r["source"]].append(r)
    elif r["type"] == "document":
        docs[r["source"]] = r
def find(src, rule, field=None):
    return [c for c in checks[src] if c["rule"] == rule and (field is None or field in c["fields"])]
bad = 0
for src, doc in docs.items():
    want = [  # rule, field, status, expected, actual
        ("income.total=sum(parts)", None, "fail", 442.48, 462.48),
        ("expenditure.total=basic+project", None, "fail", 442.48, 462.48),
        ("fiscal_expenditure.total=sum(function)", None, "pass", 442.48, 442.48),
        ("change.percent=change/prior", "operating_costs", "pass", 35.15, 35.15),
    ]
    for rule, field, status, expected, actual in want:
        got = find(src, rule, field)
        ok = any(c["status"] == status and c["expected"] == expected and c["actual"] == actual for c in got)
        if not ok:
            bad += 1
            print(f"FAIL {src}: {rule} should be {status} ({expected} vs {actual}); got {got}")
    n = doc["checks"]["passed"] + doc["checks"]["failed"]
    if n != len(checks[src]):
        bad += 1
        print(f"FAIL {src}: document counts {n} checks, {len(checks[src])} written")
print(f"{len(docs)} seed sources, {sum(map(len, checks.values()))} checks")
sys.exit(1 if bad else 0)
PY
echo "end_to_end: 1 passed, 0 failed"
