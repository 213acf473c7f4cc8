#!/usr/bin/env python3
"""Checks a benchmark run's output: one document record per input, every good
file ok with figures, every broken one failed with the code its kind gives.
Usage: check_archive.py LIST RECORDS.jsonl   (exit 1 on any mismatch)"""
import json
import sys

# bench/run.sh names each copy NNNNNN_<source name>; the broken sources and
# the code each must give.
BROKEN = {"seed-truncated.pdf": "damaged", "seed-garbage.pdf": "not_a_pdf", "empty.pdf": "empty",
          "seed-scanned.pdf": "no_text_layer", "seed-encrypted-userpw.pdf": "encrypted"}

inputs = [line.rstrip("\n") for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
docs, figures = {}, {}
for line in open(sys.argv[2], encoding="utf-8"):
    r = json.loads(line)
    if r["type"] == "document":
        if r["source"] in docs:
            sys.exit("two document records for " + r["source"])
        docs[r["source"]] = r
    elif r["type"] == "figure":
        figures[r["source"]] = figures.get(r["source"], 0) + 1
bad = []
good_ok = broken_ok = 0
for path in inputs:
    d = docs.get(path)
    kind = path.rsplit("/", 1)[-1].split("_", 1)[1]
    if d is None:
        bad.append(path + ": no document record")
    elif kind in BROKEN:
        code = (d.get("error") or {}).get("code")
        if d["status"] == "failed" and code == BROKEN[kind]:
            broken_ok += 1
        else:
            bad.append("%s: %s/%s, expected failed/%s" % (path, d["status"], code, BROKEN[kind]))
    elif d["status"] == "ok" and figures.get(path, 0) > 0:
        good_ok += 1
    else:
        bad.append("%s: %s with %d figures" % (path, d["status"], figures.get(path, 0)))
for p in sorted(set(docs) - set(inputs)):
    bad.append(p + ": a record for a file not in the list")
for b in bad[:20]:
    print("  " + b)
print("- archive check (%d inputs): %d good files ok with figures, %d broken with their codes, %d problems"
      % (len(inputs), good_ok, broken_ok, len(bad)))
sys.exit(1 if bad else 0)
