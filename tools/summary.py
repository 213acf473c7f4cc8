#!/usr/bin/env python3
"""Prints a short summary of a cnbudget JSON Lines file: documents by status
and error code, figures by field family, projects."""
import collections
import json
import sys


def main(path):
    docs = collections.Counter()
    codes = collections.Counter()
    kinds = collections.Counter()
    families = collections.Counter()
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            kinds[r["type"]] += 1
            if r["type"] == "document":
                docs[r["status"]] += 1
                if r.get("error"):
                    codes[r["error"]["code"]] += 1
            elif r["type"] == "figure":
                families[r["field"].split(".")[0]] += 1
    print(f"{path}: {sum(docs.values())} documents ({', '.join(f'{k} {v}' for k, v in sorted(docs.items()))})")
    if codes:
        print("  failures: " + ", ".join(f"{k} {v}" for k, v in sorted(codes.items())))
    print(f"  {kinds['figure']} figures, {kinds['project']} projects, {kinds['error']} error records")
    print("  figures by family: " + ", ".join(f"{k} {v}" for k, v in families.most_common()))


if __name__ == "__main__":
    main(sys.argv[1])
