#!/usr/bin/env bash
# Output formats read back with real parsers; -j and shards change nothing.
set -euo pipefail
bin=$1; root=$2
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
seed=$root/corpus/seed
"$bin" extract --quiet --format csv --excel --out "$t/csv" "$seed" || [ $? -eq 1 ]
"$bin" extract --quiet -j1 "$seed" "$root/corpus/real" -o "$t/j1.jsonl" || [ $? -eq 1 ]
"$bin" extract --quiet -j2 "$seed" "$root/corpus/real" -o "$t/j2.jsonl" || [ $? -eq 1 ]
cmp "$t/j1.jsonl" "$t/j2.jsonl" || { echo "FAIL: -j2 output differs from -j1"; exit 1; }
for k in 0 1 2; do
  "$bin" extract --quiet -j2 --shard $k/3 "$seed" "$root/corpus/real" -o "$t/shard$k.jsonl" || [ $? -eq 1 ]
done
"$bin" extract --quiet --format sqlite --out "$t/db" "$seed" || [ $? -eq 1 ]
db=$t/db/cnbudget.sqlite
got=$(sqlite3 "$db" "SELECT \"income.total\", \"expenditure.total\", \"three_public.total\", operating_costs FROM figures_wide WHERE source LIKE '%seed-libreoffice.pdf'")
[ "$got" = "462.48|462.48|40.0|103.0" ] || { echo "FAIL: figures_wide for the seed: $got"; exit 1; }
got=$(sqlite3 "$db" "SELECT value_text, yuan, change_amount FROM figures WHERE source LIKE '%seed-reportlab.pdf' AND field = 'operating_costs'")
[ "$got" = "103.00|1030000|26.79" ] || { echo "FAIL: exact digits in figures: $got"; exit 1; }
got=$(sqlite3 "$db" "SELECT error_code FROM documents WHERE source LIKE '%seed-scanned.pdf'")
[ "$got" = "no_text_layer" ] || { echo "FAIL: documents.error_code: $got"; exit 1; }
got=$(sqlite3 "$db" "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('figures_field', 'documents_district_year')")
[ "$got" = "2" ] || { echo "FAIL: indices: $got"; exit 1; }
# --files-from - reads paths from stdin (the Hadoop Streaming / RDD.pipe form).
ls "$seed"/*.pdf | "$bin" extract --quiet --files-from - -o "$t/stdin.jsonl" || [ $? -eq 1 ]
python3 - "$t" <<'PY'
import csv, json, sys, os
t = sys.argv[1]
def read(name):
    with open(os.path.join(t, "csv", name), encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))
raw = open(os.path.join(t, "csv", "figures.csv"), "rb").read(3)
assert raw == b"\xef\xbb\xbf", "--excel writes a BOM"
docs, figs, projs = read("documents.csv"), read("figures.csv"), read("projects.csv")
by = {d["source"].rsplit("/", 1)[-1]: d for d in docs}
assert by["seed-encrypted-userpw.pdf"]["error_code"] == "encrypted"
lo = [f for f in figs if f["source"].endswith("seed-libreoffice.pdf")]
total = [f for f in lo if f["field"] == "income.total"]
assert total and total[0]["value"] == "462.48" and total[0]["yuan"] == "4624800", total
assert total[0]["change_amount"] == "60.02" and total[0]["change_direction"] == "increase"
for f in figs:
    for k in ("label", "text", "section"):
        assert not f[k].startswith(("=", "+", "-", "@")), f[k]
assert any(p["name"].startswith("外事专项经费") for p in projs)
j1 = [json.loads(l) for l in open(os.path.join(t, "j1.jsonl"), encoding="utf-8")]
shards = []
for k in range(3):
    shards += [json.loads(l) for l in open(os.path.join(t, f"shard{k}.jsonl"), encoding="utf-8")]
key = lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False)
assert sorted(map(key, j1)) == sorted(map(key, shards)), "shards together equal the single run"
docs1 = {r["source"] for r in j1 if r["type"] == "document"}
seen = [r["source"] for r in shards if r["type"] == "document"]
assert len(seen) == len(set(seen)) == len(docs1), "every input in exactly one shard"
stdin = [json.loads(l) for l in open(os.path.join(t, "stdin.jsonl"), encoding="utf-8")]
assert sum(r["type"] == "document" for r in stdin) == 9
print("csv, -j, shards, --files-from: ok")
PY
echo "outputs: 1 passed, 0 failed"
