#!/usr/bin/env python3
"""Generate registry/src/ids/ai_table.rs from the GS1 Barcode Syntax Dictionary.

Usage (from anywhere):

    python3 registry/tools/gen_ai_table.py [DICTIONARY] [--check]

DICTIONARY defaults to the conformance corpus copy
(../shared/conformance/gs1/gs1-syntax-dictionary/gs1-syntax-dictionary.txt next to the
repository). With --check the table is not written: the script exits 1 when the committed file
differs from what it would write.

The dictionary format is described in its own header. Ranges of AIs ("3100-3105") are expanded
to one entry per AI, so that the table can be binary-searched by AI.
"""

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_DICT = REPO.parent / "shared/conformance/gs1/gs1-syntax-dictionary/gs1-syntax-dictionary.txt"
OUTPUT = REPO / "registry/src/ids/ai_table.rs"

COMPONENT = re.compile(r"^(\[)?([NXYZ])(\.\.)?(\d+)(\])?((?:,[a-z0-9]+)*)$")
CHARSETS = {"N": "N", "X": "X", "Y": "Y", "Z": "Z"}
# Linter name -> Rust variant of registry::ids::lint::Linter
LINTERS = {
    "csetnumeric": "CsetNumeric", "cset82": "Cset82", "cset39": "Cset39", "cset64": "Cset64",
    "csum": "Csum", "csumalpha": "Csumalpha", "gcppos1": "Gcppos1", "gcppos2": "Gcppos2",
    "hasnondigit": "Hasnondigit", "hh": "Hh", "hhmi": "Hhmi", "mi": "Mi", "ss": "Ss",
    "hyphen": "Hyphen", "iban": "Iban", "importeridx": "Importeridx", "iso3166": "Iso3166",
    "iso3166999": "Iso3166999", "iso3166alpha2": "Iso3166alpha2", "iso4217": "Iso4217",
    "iso5218": "Iso5218", "latitude": "Latitude", "longitude": "Longitude",
    "mediatype": "Mediatype", "nonzero": "Nonzero", "nozeroprefix": "Nozeroprefix",
    "packagetype": "Packagetype", "pcenc": "Pcenc", "pieceoftotal": "Pieceoftotal",
    "posinseqslash": "Posinseqslash", "winding": "Winding", "yesno": "Yesno", "zero": "Zero",
    "yymmd0": "Yymmd0", "yymmdd": "Yymmdd", "yyyymmd0": "Yyyymmd0", "yyyymmdd": "Yyyymmdd",
    "couponcode": "Couponcode", "couponposoffer": "Couponposoffer",
}


def fail(msg):
    sys.stderr.write("gen_ai_table: " + msg + "\n")
    sys.exit(2)


def rust_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def str_list(items):
    return "&[" + ", ".join(rust_str(i) for i in items) + "]"


def parse_component(tok, lineno):
    m = COMPONENT.match(tok)
    if not m:
        fail(f"line {lineno}: bad component {tok!r}")
    opt_open, cset, var, length, opt_close, linters = m.groups()
    if bool(opt_open) != bool(opt_close):
        fail(f"line {lineno}: unbalanced optional component {tok!r}")
    n = int(length)
    names = [l for l in linters.split(",") if l]
    for name in names:
        if name not in LINTERS:
            fail(f"line {lineno}: unknown linter {name!r}")
    return {
        "cset": CHARSETS[cset],
        "min": 1 if var else n,
        "max": n,
        "opt": bool(opt_open),
        "linters": [LINTERS[l] for l in names],
    }


def parse_line(line, lineno):
    title = ""
    if "#" in line:
        line, title = line.split("#", 1)
        title = title.strip()
    tokens = line.split()
    ais = tokens.pop(0)
    flags = ""
    if tokens and not COMPONENT.match(tokens[0]) and "=" not in tokens[0]:
        flags = tokens.pop(0)
    components, attrs = [], []
    for tok in tokens:
        if "=" in tok or tok == "dlpkey":
            attrs.append(tok)
        elif attrs:
            fail(f"line {lineno}: component {tok!r} after attributes")
        else:
            components.append(parse_component(tok, lineno))
    if not components:
        fail(f"line {lineno}: no specification")
    req, ex, dlpkey = [], [], None
    for a in attrs:
        if a.startswith("req="):
            req.append([group.split("+") for group in a[4:].split(",")])
        elif a.startswith("ex="):
            ex.extend(a[3:].split(","))
        elif a == "dlpkey":
            dlpkey = []
        elif a.startswith("dlpkey="):
            dlpkey = [alt.split(",") for alt in a[7:].split("|")]
        else:
            fail(f"line {lineno}: unknown attribute {a!r}")
    if "-" in ais:
        lo, hi = ais.split("-")
        if len(lo) != len(hi):
            fail(f"line {lineno}: bad range {ais}")
        expanded = [str(i).zfill(len(lo)) for i in range(int(lo), int(hi) + 1)]
    else:
        expanded = [ais]
    return [
        {
            "ai": ai,
            "fnc1": "*" not in flags,
            "dl_attr": "?" in flags,
            "components": components,
            "req": req,
            "ex": ex,
            "dlpkey": dlpkey,
            "title": title,
        }
        for ai in expanded
    ]


def render_entry(e):
    comps = ", ".join(
        "c({}, {}, {}, {}, &[{}])".format(
            c["cset"], c["min"], c["max"], "true" if c["opt"] else "false", ", ".join(c["linters"])
        )
        for c in e["components"]
    )
    req = "&[" + ", ".join("&[" + ", ".join(str_list(g) for g in rule) + "]" for rule in e["req"]) + "]"
    if e["dlpkey"] is None:
        dl = "None"
    else:
        dl = "Some(&[" + ", ".join(str_list(alt) for alt in e["dlpkey"]) + "])"
    return "    e({}, {}, {}, &[{}], {}, {}, {}, {}),".format(
        rust_str(e["ai"]),
        "true" if e["fnc1"] else "false",
        "true" if e["dl_attr"] else "false",
        comps,
        req,
        str_list(e["ex"]),
        dl,
        rust_str(e["title"]),
    )


def render(entries, source):
    out = [
        "// @generated by registry/tools/gen_ai_table.py from the GS1 Barcode Syntax Dictionary;",
        "// do not edit by hand: run `python3 registry/tools/gen_ai_table.py` instead.",
        "//",
        "// Source: " + source,
        "//",
        "// The GS1 Barcode Syntax Dictionary is",
        "//   Copyright (c) 2020-2021 BWIPP project. https://bwipp.terryburton.co.uk/",
        "//   Copyright (c) 2020-2021 Zint Project. https://zint.org.uk/",
        "//   Copyright (c) 2021-2025 GS1 AISBL",
        "// and licensed under the Apache License, Version 2.0",
        "// (http://www.apache.org/licenses/LICENSE-2.0). This table is a mechanical",
        "// translation of it into Rust, under the same licence.",
        "//",
        "// One entry per AI: e(AI, FNC1 required after it, permitted as a Digital Link data",
        "// attribute, components c(charset, min, max, optional, linters), req rules (each a list",
        "// of alternative AND-groups), ex patterns, Digital Link primary key qualifier",
        "// sequences (None: not a primary key), title).",
        "",
        "use super::ai::{AiEntry, Charset::*, Component};",
        "use super::lint::Linter::*;",
        "",
        "const fn c(",
        "    charset: super::ai::Charset,",
        "    min: u8,",
        "    max: u8,",
        "    optional: bool,",
        "    linters: &'static [super::lint::Linter],",
        ") -> Component {",
        "    Component {",
        "        charset,",
        "        min,",
        "        max,",
        "        optional,",
        "        linters,",
        "    }",
        "}",
        "",
        "#[allow(clippy::too_many_arguments)]",
        "const fn e(",
        "    ai: &'static str,",
        "    fnc1: bool,",
        "    dl_data_attr: bool,",
        "    components: &'static [Component],",
        "    req: &'static [&'static [&'static [&'static str]]],",
        "    ex: &'static [&'static str],",
        "    dl_pkey: Option<&'static [&'static [&'static str]]>,",
        "    title: &'static str,",
        ") -> AiEntry {",
        "    AiEntry {",
        "        ai,",
        "        fnc1,",
        "        dl_data_attr,",
        "        components,",
        "        req,",
        "        ex,",
        "        dl_pkey,",
        "        title,",
        "    }",
        "}",
        "",
        "/// Every Application Identifier of the dictionary, sorted by AI.",
        "#[rustfmt::skip]",
        "pub(crate) static AI_TABLE: &[AiEntry] = &[",
    ]
    out += [render_entry(e) for e in entries]
    out += ["];", ""]
    return "\n".join(out)


def main(argv):
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    path = Path(args[0]) if args else DEFAULT_DICT
    text = path.read_text(encoding="utf-8")
    entries = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        entries.extend(parse_line(line, lineno))
    entries.sort(key=lambda e: e["ai"])
    for a, b in zip(entries, entries[1:]):
        if a["ai"] == b["ai"]:
            fail("duplicate AI " + a["ai"])
    source_file = path.parent / "SOURCE.txt"
    source = source_file.read_text(encoding="utf-8").strip() if source_file.exists() else path.name
    rendered = render(entries, source)
    if check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != rendered:
            sys.stderr.write(f"{OUTPUT} is out of date with {path}\n")
            return 1
        return 0
    OUTPUT.write_text(rendered, encoding="utf-8")
    print(f"wrote {len(entries)} AIs to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
