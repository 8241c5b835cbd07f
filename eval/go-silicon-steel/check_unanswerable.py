#!/usr/bin/env python3
"""Grep-evidence checker for eval/go-silicon-steel/unanswerable.json.

Every item is a question the go-silicon-steel knowledge base (KB) must NOT
answer.  Items may carry machine-checkable evidence of that:

  "absent":   [str, ...]        strings that must occur in NO KB file
                                (case-insensitive substring match)
  "not_near": [[a, b, w], ...]  b must not occur within w characters of any
                                occurrence of a, in any KB file

The KB is exactly the knowledge files of examples/go-silicon-steel/:
parameters.csv, glossary.yaml, laoshifu.yaml, rules/*.md, procedures/*.md,
notes/*.md, qa/*.md, handbook/*.md and handbook/*.txt (the .txt handbook is
GB18030-encoded).  questions.yaml is deliberately not read.

Usage:
  python3 check_unanswerable.py            # check everything, print evidence
  python3 check_unanswerable.py -q         # only summary and failures
  python3 check_unanswerable.py n017 n042  # evidence for selected ids
  python3 check_unanswerable.py --kb DIR   # use another KB folder
  python3 check_unanswerable.py --partial  # skip the 200/170/30/120 count checks

Exit status 0 when the file is well-formed, the expected counts hold and
every absent / not_near check passes; 1 otherwise.
"""
import argparse
import collections
import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_KB = os.path.normpath(os.path.join(HERE, "..", "..", "examples", "go-silicon-steel"))
DATA = os.path.join(HERE, "unanswerable.json")

KB_PATTERNS = ["parameters.csv", "glossary.yaml", "laoshifu.yaml", "rules/*.md",
               "procedures/*.md", "notes/*.md", "qa/*.md", "handbook/*.md",
               "handbook/*.txt"]
TRAPS = {"near-domain", "off-domain"}
STYLES = {"colloquial", "abbreviation", "traditional", "typo", "english",
          "grade-thickness", "reading", "paraphrase", "other-unit"}
EXPECT = {"total": 200, "near-domain": 170, "off-domain": 30, "min_absent": 120}


def read_text(path):
    raw = open(path, "rb").read()
    if path.endswith(".txt"):
        # the .txt handbook is GB18030; fall back to UTF-8 if it ever changes
        for enc in ("gb18030", "utf-8"):
            try:
                return raw.decode(enc)
            except UnicodeDecodeError:
                pass
    return raw.decode("utf-8")


def load_kb(kb_dir):
    files = {}
    for pat in KB_PATTERNS:
        for p in sorted(glob.glob(os.path.join(kb_dir, pat))):
            files[os.path.relpath(p, kb_dir)] = read_text(p)
    if not files:
        sys.exit("no KB files found under %s" % kb_dir)
    return files


def find_hits(files, term):
    """All (file, line_no, line) where term occurs, case-insensitive."""
    hits = []
    rx = re.compile(re.escape(term), re.I)
    for name, text in files.items():
        for i, line in enumerate(text.splitlines(), 1):
            if rx.search(line):
                hits.append((name, i, line.strip()))
    return hits


def near_hits(files, a, b, window):
    hits = []
    ra, rb = re.compile(re.escape(a), re.I), re.compile(re.escape(b), re.I)
    for name, text in files.items():
        for m in ra.finditer(text):
            s, e = max(0, m.start() - window), m.end() + window
            if rb.search(text[s:e]):
                line_no = text.count("\n", 0, m.start()) + 1
                hits.append((name, line_no, text[s:e].replace("\n", " ")))
    return hits


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("ids", nargs="*", help="only show evidence for these ids")
    ap.add_argument("-q", "--quiet", action="store_true", help="summary and failures only")
    ap.add_argument("--kb", default=DEFAULT_KB, help="KB folder (default: %(default)s)")
    ap.add_argument("--data", default=DATA, help="question file (default: %(default)s)")
    ap.add_argument("--partial", action="store_true",
                    help="skip the expected-count checks (for work in progress)")
    args = ap.parse_args()

    files = load_kb(args.kb)
    items = json.load(open(args.data, encoding="utf-8"))
    errors = []

    # ---- schema -------------------------------------------------------
    if not isinstance(items, list):
        sys.exit("unanswerable.json must be a JSON list")
    seen = set()
    for n, it in enumerate(items):
        iid = it.get("id", "#%d" % n)
        for key in ("id", "q", "trap", "style", "why"):
            if not isinstance(it.get(key), str) or not it.get(key).strip():
                errors.append("%s: missing or empty field %r" % (iid, key))
        if iid in seen:
            errors.append("%s: duplicate id" % iid)
        seen.add(iid)
        if not re.fullmatch(r"n\d{3}", str(iid)):
            errors.append("%s: id should look like n001" % iid)
        if it.get("trap") not in TRAPS:
            errors.append("%s: bad trap %r" % (iid, it.get("trap")))
        if it.get("style") not in STYLES:
            errors.append("%s: bad style %r" % (iid, it.get("style")))
        if "absent" in it and (not isinstance(it["absent"], list) or not it["absent"]
                               or not all(isinstance(s, str) and s for s in it["absent"])):
            errors.append("%s: 'absent' must be a non-empty list of strings" % iid)
        for nn in it.get("not_near", []):
            if not (isinstance(nn, list) and len(nn) == 3 and isinstance(nn[2], int)):
                errors.append("%s: bad not_near entry %r" % (iid, nn))
    qs = collections.Counter(it.get("q") for it in items)
    for q, c in qs.items():
        if c > 1:
            errors.append("duplicate question text: %s" % q)

    # ---- evidence -------------------------------------------------------
    want = set(args.ids)
    n_absent = n_near = 0
    for it in items:
        iid = it.get("id")
        show = (not args.quiet) and (not want or iid in want)
        lines, bad = [], False
        if it.get("absent"):
            n_absent += 1
            for term in it["absent"]:
                hits = find_hits(files, term)
                if hits:
                    bad = True
                    lines.append("    FAIL absent %r found %d time(s):" % (term, len(hits)))
                    for f, ln, txt in hits[:5]:
                        lines.append("         %s:%d  %s" % (f, ln, txt[:100]))
                else:
                    lines.append("    ok   absent %r  (0 hits in %d KB files)" % (term, len(files)))
        for a, b, w in it.get("not_near", []):
            n_near += 1
            hits = near_hits(files, a, b, w)
            if hits:
                bad = True
                lines.append("    FAIL %r within %d chars of %r:" % (b, w, a))
                for f, ln, txt in hits[:5]:
                    lines.append("         %s:%d  %s" % (f, ln, txt[:120]))
            else:
                lines.append("    ok   no %r within %d chars of %r" % (b, w, a))
        if bad:
            errors.append("%s: evidence check failed" % iid)
        if show or bad:
            print("%s [%s/%s] %s" % (iid, it.get("trap"), it.get("style"), it.get("q")))
            if not lines:
                print("    (no grep evidence recorded; see 'why')")
            for ln in lines:
                print(ln)

    # ---- counts ---------------------------------------------------------
    traps = collections.Counter(it.get("trap") for it in items)
    styles = collections.Counter(it.get("style") for it in items)
    by = collections.Counter((it.get("trap"), it.get("style")) for it in items)
    print("\n== summary ==")
    print("KB files scanned: %d (%s)" % (len(files), ", ".join(sorted(files))))
    print("items: %d   near-domain: %d   off-domain: %d" %
          (len(items), traps["near-domain"], traps["off-domain"]))
    print("items with 'absent' evidence: %d   not_near checks: %d" % (n_absent, n_near))
    print("styles: " + ", ".join("%s=%d" % kv for kv in sorted(styles.items())))
    print("near-domain styles: " + ", ".join(
        "%s=%d" % (s, by[("near-domain", s)]) for s in sorted(STYLES) if by[("near-domain", s)]))
    print("off-domain styles: " + ", ".join(
        "%s=%d" % (s, by[("off-domain", s)]) for s in sorted(STYLES) if by[("off-domain", s)]))

    if not want and not args.partial:
        if len(items) != EXPECT["total"]:
            errors.append("expected %d items, found %d" % (EXPECT["total"], len(items)))
        for t in ("near-domain", "off-domain"):
            if traps[t] != EXPECT[t]:
                errors.append("expected %d %s items, found %d" % (EXPECT[t], t, traps[t]))
        if n_absent < EXPECT["min_absent"]:
            errors.append("only %d items carry 'absent' evidence (need >= %d)"
                          % (n_absent, EXPECT["min_absent"]))

    if errors:
        print("\nFAILED (%d problem(s)):" % len(errors))
        for e in errors:
            print("  - " + e)
        return 1
    print("\nOK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
