#!/usr/bin/env python3
"""Verify answerable.json against the knowledge-base files.

For every item: the source line exists; each "any"/"all" string occurs
verbatim in that line; if "range" is given, some number written on that line
lies in [lo, hi]. Also checks ids, kinds, styles and that each item has at
least one check. Exit status 0 only if every item passes.

Usage: python3 check_sources.py [answerable.json] [kb_dir]
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_JSON = os.path.join(HERE, "answerable.json")
DEFAULT_KB = os.path.normpath(os.path.join(HERE, "..", "..", "examples", "go-silicon-steel"))

KINDS = {"value", "action", "safety", "why", "term", "procedure"}
STYLES = {"colloquial", "abbreviation", "traditional", "typo", "other-unit",
          "english", "grade-thickness", "reading", "paraphrase"}

_cache = {}


def read_lines(kb, rel):
    if rel not in _cache:
        path = os.path.join(kb, rel)
        enc = "gb18030" if rel.endswith(".txt") else "utf-8"
        with open(path, "rb") as f:
            text = f.read().decode(enc)
        _cache[rel] = text.splitlines()
    return _cache[rel]


NUM = re.compile(r"\d+(?:\.\d+)?")


def numbers(line):
    """Numbers written on a line. Digits glued to a preceding ASCII letter are
    part of a name (T1_NA, H2, B8, 30Q120) and are skipped; '-' counts as a
    sign only when it is not a hyphen after a letter/digit ('-40' yes,
    '4962-2008' no)."""
    out = []
    for m in NUM.finditer(line):
        s = m.start()
        if s > 0 and line[s - 1].isascii() and (line[s - 1].isalpha() or line[s - 1] == "_"):
            continue  # part of a name such as T1_NA, H2, B8, 30Q120, Mg2SiO4
        v = float(m.group())
        if s > 0 and line[s - 1] in "-−":
            prev = line[s - 2] if s > 1 else ""
            if not (prev.isascii() and prev.isalnum()):
                v = -v
        out.append(v)
    return out


def check_item(item, kb):
    errs = []
    for f in ("id", "q", "kind", "style", "source"):
        if not item.get(f):
            errs.append("missing field %s" % f)
    if errs:
        return errs
    if item["kind"] not in KINDS:
        errs.append("bad kind %r" % item["kind"])
    if item["style"] not in STYLES:
        errs.append("bad style %r" % item["style"])
    checks = [k for k in ("range", "any", "all") if k in item]
    if not checks:
        errs.append("no check")
    rel, _, ln = item["source"].rpartition(":")
    try:
        lines = read_lines(kb, rel)
        line = lines[int(ln) - 1]
    except (OSError, ValueError, IndexError) as e:
        return errs + ["bad source %s (%s)" % (item["source"], e)]
    for k in ("any", "all"):
        if k in item:
            vals = item[k]
            if not isinstance(vals, list) or not vals:
                errs.append("%s must be a non-empty list" % k)
                continue
            for s in vals:
                if s not in line:
                    errs.append("%s string %r not in line" % (k, s))
    if "range" in item:
        r = item["range"]
        if not (isinstance(r, list) and len(r) == 2 and r[0] <= r[1]):
            errs.append("bad range %r" % (r,))
        else:
            nums = numbers(line)
            if not any(r[0] <= v <= r[1] for v in nums):
                errs.append("no number of line in range %r (line numbers: %s)" % (r, nums[:20]))
    return errs


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_JSON
    kb = sys.argv[2] if len(sys.argv) > 2 else DEFAULT_KB
    with open(path, encoding="utf-8") as f:
        items = json.load(f)
    bad = 0
    seen = set()
    for it in items:
        errs = check_item(it, kb)
        if it.get("id") in seen:
            errs.append("duplicate id")
        seen.add(it.get("id"))
        if errs:
            bad += 1
            print("FAIL %s [%s] %s" % (it.get("id"), it.get("source"), it.get("q")))
            for e in errs:
                print("     - " + e)
    print("%d items, %d failing" % (len(items), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
