"""The capture extractor's precision and recall on the labelled sentences.

tests/capture/data/labelled.yaml is the held-out set (127 sentences, written before the
extractor); fresh.yaml a second one (58 sentences in freer phrasing, written after it and
first measured without any change); dev.yaml holds the sentences it was developed on. All
are matched against the example knowledge base's vocabulary (examples/go-silicon-steel).

    python benchmarks/capture_extract.py [--set labelled|fresh|dev|all] [--misses] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from laoshifu.capture.evaluate import evaluate, load_labelled  # noqa: E402
from laoshifu.capture.lexicon import Lexicon  # noqa: E402
from laoshifu.formats.folder import read_folder  # noqa: E402

DATA = ROOT / "tests" / "capture" / "data"
SETS = {"dev": DATA / "dev.yaml", "labelled": DATA / "labelled.yaml", "fresh": DATA / "fresh.yaml"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=(*SETS, "all"), default="all")
    parser.add_argument("--misses", action="store_true", help="print every miss")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    lexicon = Lexicon.from_units(read_folder(ROOT / "examples" / "go-silicon-steel").units)
    names = list(SETS) if args.set == "all" else [args.set]
    reports = {name: evaluate(load_labelled(SETS[name]), lexicon) for name in names}
    if args.json:
        print(json.dumps({name: r.to_dict() for name, r in reports.items()}, ensure_ascii=False, indent=2))
        return
    print(f"{'set':<10} {'kind':<10} {'sentences':>9} {'proposed':>8} {'expected':>8} "
          f"{'correct':>7} {'precision':>9} {'recall':>6}")
    for name, report in reports.items():
        rows = [("all", report.overall), *report.by_kind.items()]
        for kind, c in rows:
            print(f"{name:<10} {kind:<10} {report.sentences if kind == 'all' else '':>9} "
                  f"{c.proposed:>8} {c.expected:>8} {c.correct:>7} {c.precision:>9.3f} {c.recall:>6.3f}")
        if args.misses:
            for miss in report.misses:
                print(f"  ✗ {miss['text'].strip()}")
                for label in miss["missed"]:
                    print(f"      missed {label}")
                for wrong in miss["wrong"]:
                    print(f"      wrong  {wrong}")


if __name__ == "__main__":
    main()
