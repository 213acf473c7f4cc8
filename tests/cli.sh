#!/usr/bin/env bash
# The command's contract: exit codes, error records, one bad file never stops a batch.
set -euo pipefail
bin=$1; root=$2
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$bin" --help | grep -q "cnbudget extract" || fail "--help"
set +e; "$bin" extract >/dev/null 2>&1; rc=$?; set -e
[ $rc -eq 2 ] || fail "no PATH should exit 2, got $rc"
set +e; "$bin" extract --bogus x >/dev/null 2>&1; rc=$?; set -e
[ $rc -eq 2 ] || fail "unknown option should exit 2, got $rc"

# A good file alone: exit 0.
"$bin" extract --quiet "$root/corpus/seed/000_11ca13e1048fbe42.txt" -o "$t/one.jsonl" || fail "good file should exit 0"
head -1 "$t/one.jsonl" | grep -q '"type":"document"' || fail "document record first"

# The seed folder: good and bad files mixed; exit 1; every file has a document record.
set +e; "$bin" extract --quiet "$root/corpus/seed" -o "$t/all.jsonl"; rc=$?; set -e
[ $rc -eq 1 ] || fail "a batch with failures should exit 1, got $rc"
python3 - "$t/all.jsonl" <<'PY'
import json, sys
docs = {}
figs = {}
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    name = r["source"].rsplit("/", 1)[-1]
    if r["type"] == "document":
        docs[name] = r
    elif r["type"] == "figure":
        figs[name] = figs.get(name, 0) + 1
        assert r["page"] >= 1 and r["text"], r
want = {"empty.pdf": "empty", "seed-garbage.pdf": "not_a_pdf", "seed-truncated.pdf": "damaged",
        "seed-encrypted-userpw.pdf": "encrypted", "seed-scanned.pdf": "no_text_layer"}
for name, code in want.items():
    d = docs[name]
    assert d["status"] == "failed" and d["error"]["code"] == code, (name, d)
    assert name not in figs, name
for name in ("seed-libreoffice.pdf", "seed-chromium.pdf", "seed-reportlab.pdf", "seed-owner-restricted.pdf"):
    assert docs[name]["status"] == "ok", name
    assert figs[name] >= 80, (name, figs.get(name))
# Exact decimals in the output text.
raw = open(sys.argv[1], encoding="utf-8").read()
assert '"value":462.48' in raw and '"yuan":4624800' in raw and '"value":103.00' in raw
print("records ok:", len(docs), "documents")
PY
# A missing file among good ones: recorded, the rest still extracted.
set +e; "$bin" extract --quiet "$t/missing.pdf" "$root/corpus/seed/000_11ca13e1048fbe42.txt" -o "$t/mix.jsonl"; rc=$?; set -e
[ $rc -eq 1 ] || fail "missing input should exit 1"
grep -q '"code":"not_found"' "$t/mix.jsonl" || fail "not_found record"
grep -q '"type":"figure"' "$t/mix.jsonl" || fail "the good file after a missing one"
# Per-document limits: the document is partial, says why, and the run goes on.
set +e; "$bin" extract --quiet --max-pages 3 "$root/corpus/seed/seed-libreoffice.pdf" "$root/corpus/seed/000_11ca13e1048fbe42.txt" -o "$t/lim.jsonl"; rc=$?; set -e
[ $rc -eq 1 ] || fail "--max-pages should make the document partial (exit 1), got $rc"
grep -q '"status":"partial","error":{"code":"page_limit"' "$t/lim.jsonl" || fail "page_limit status"
grep -q '"source":"[^"]*000_11ca13e1048fbe42.txt","field":"income.total"' "$t/lim.jsonl" || fail "the next input after a limited one"
set +e; "$bin" extract --timeout soon x.pdf >/dev/null 2>&1; rc=$?; set -e
[ $rc -eq 2 ] || fail "--timeout soon is a usage error"
set +e; "$bin" extract --max-memory 10 x.pdf >/dev/null 2>&1; rc=$?; set -e
[ $rc -eq 2 ] || fail "--max-memory 10 (below 64 MB) is a usage error"
# A file name with spaces and a newline is just a name.
weird="$t/a b
c.txt"
cp "$root/corpus/seed/000_11ca13e1048fbe42.txt" "$weird"
"$bin" extract --quiet "$weird" -o "$t/weird.jsonl" || fail "odd file name"
python3 -c "import json,sys; r=json.loads(open(sys.argv[1]).readline()); assert r['source'].endswith('a b\nc.txt'), r['source']" "$t/weird.jsonl"
echo "cli: 1 passed, 0 failed"
