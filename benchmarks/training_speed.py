"""带徒弟 speed: cards for a 100,000-unit knowledge base, and today's queue for one
apprentice among 1,000 apprentices with 5,000 cards each (5 million card states).

Measured side by side in one run:
  cards     the generated knowledge base (benchmarks/import_throughput.py) imported, then
            every card made and stored (``sync_cards``: read the units, build the deck,
            draw scenarios, write the cards);
  queue     ``today_queue`` (changed, due, new from the apprentice's track, learning
            steps; the sync check included) for random apprentices, p50/p95;
  baseline  the naive queue: read the apprentice's states and the base's current cards
            into Python and pick changed, due and new cards there.

    python benchmarks/training_speed.py [--units 100000] [--apprentices 1000] [--cards 5000] [--keep DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from import_throughput import generate
from sqlalchemy import func, insert, select

from laoshifu.people import accounts
from laoshifu.knowledge.folders import import_folder
from laoshifu.store import Store, schema
from laoshifu.training import study, tracks
from laoshifu.training.cards import Card
from laoshifu.training.sync import sync_cards

NOW = datetime(2026, 7, 22, 5, 30, tzinfo=UTC)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def make_cards(folder: Path, db: Path, units: int) -> dict:
    generate(folder, units)
    store = Store.open(f"sqlite:///{db}")
    t = time.perf_counter()
    import_folder(store, folder)
    imported = time.perf_counter() - t
    t = time.perf_counter()
    report = sync_cards(store, "main", NOW)
    seconds = time.perf_counter() - t
    store.close()
    return {"units": units, "import_s": round(imported, 1), "cards": report.cards_written,
            "cards_s": round(seconds, 1), "cards_per_s": round(report.cards_written / seconds)}


def fill_states(db: Path, apprentices: int, per: int, seed: int = 7) -> list[str]:
    """Give every apprentice ``per`` learnt cards of his track's processes (raw inserts: the
    fill is set-up, not what is measured)."""
    rng = random.Random(seed)
    store = Store.open(f"sqlite:///{db}")
    c = schema.training_cards
    with store.read() as conn:
        by_process: dict[str, list[tuple[str, str]]] = {}
        for process, unit_id, slot in conn.execute(c.select().with_only_columns(
                c.c.process, c.c.unit_id, c.c.slot).where(c.c.current == 1)):
            by_process.setdefault(process, []).append((unit_id, slot))
    processes = sorted(p for p in by_process if p)
    # A track of just enough processes to hold ``per`` cards, with some left to learn.
    size = statistics.mean(len(by_process[p]) for p in processes)
    span = min(len(processes), max(1, -int(-per * 1.15 // size)))
    master, _ = accounts.add_user(store, "master", "master", "password-123")
    names = [f"a{i:04d}" for i in range(apprentices)]
    at = NOW.isoformat(timespec="seconds")
    with store.transaction() as conn:  # through the schema: its column defaults apply
        conn.execute(insert(schema.users), [{"name": n, "role": "apprentice", "password_hash": "x",
                                             "created_at": at, "disabled": 0} for n in names])
        conn.execute(insert(schema.memberships), [{"user": n, "base": "main"} for n in names])
    raw = store.engine.raw_connection()
    cursor = raw.cursor()
    cursor.execute("BEGIN")
    rows = []
    for i, name in enumerate(names):
        mine = [processes[(i + k) % len(processes)] for k in range(span)]
        pool = [card for p in mine for card in by_process[p]]
        # Half are behind (about 5% of their cards due now: the queue is due cards), half
        # caught up (nothing due: the queue is new cards from the track).
        earliest = -3 if i % 2 else 0.01
        for unit_id, slot in rng.sample(pool, min(per, len(pool))):
            due = NOW + timedelta(days=rng.uniform(earliest, 60))
            rows.append((name, "main", unit_id, slot, 1, None, 0, 2, None, rng.uniform(1, 90),
                         rng.uniform(1, 10), due.isoformat(timespec="seconds"),
                         (due - timedelta(days=10)).isoformat(timespec="seconds"), 5, 0,
                         (NOW - timedelta(days=90)).isoformat(timespec="seconds")))
        if len(rows) >= 200_000:
            cursor.executemany("INSERT INTO training_state VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            rows.clear()
    cursor.executemany("INSERT INTO training_state VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    cursor.execute("COMMIT")
    cursor.execute("ANALYZE")
    raw.close()
    for i in range(len(processes)):  # one track per pair of processes, assigned by name
        wanted = tuple(processes[(i + k) % len(processes)] for k in range(span))
        who = tuple(f"user:{n}" for j, n in enumerate(names) if j % len(processes) == i)
        if who:
            tracks.save_track(store, tracks.Track(base="main", name=f"t{i}", processes=wanted,
                                                  assignees=who), master)
    store.close()
    return names


def naive_queue(store: Store, user: str, limit: int = 20) -> list[Card]:
    """Everything into Python, then filter: what one writes first."""
    s, c = schema.training_state, schema.training_cards
    with store.read() as conn:
        states = {(r.unit_id, r.slot): r for r in conn.execute(s.select().where(
            (s.c.user == user) & (s.c.base == "main")))}
        cards = [(r.unit_id, r.slot, r.process, r.order_key, r.payload) for r in conn.execute(
            c.select().where((c.c.base == "main") & (c.c.current == 1)))]
    mine = {p for (cu, cs, p, _, _) in cards if (cu, cs) in states}  # his processes
    now = NOW.isoformat(timespec="seconds")
    changed = [x for x in cards if (x[0], x[1]) in states and states[(x[0], x[1])].changed_from is not None]
    due = sorted((x for x in cards if (x[0], x[1]) in states and states[(x[0], x[1])].due <= now),
                 key=lambda x: states[(x[0], x[1])].due)
    new = sorted((x for x in cards if (x[0], x[1]) not in states and x[2] in mine), key=lambda x: x[3])
    return [Card.from_dict(json.loads(x[4])) for x in (changed + due + new)[:limit]]


def time_queues(db: Path, names: list[str], runs: int, seed: int = 11) -> dict:
    rng = random.Random(seed)
    store = Store.open(f"sqlite:///{db}")
    users = {n: accounts.get_user(store, n) for n in rng.sample(names, min(runs, len(names)))}
    picks = [rng.choice(list(users)) for _ in range(runs)]
    study.today_queue(store, "main", users[picks[0]], at=NOW)  # warm the pool and the sync check
    ours, naive = [], []
    sizes = []
    by_kind: dict[str, list[float]] = {"due": [], "new": []}
    for name in picks:
        t = time.perf_counter()
        queue = study.today_queue(store, "main", users[name], at=NOW)
        ours.append((time.perf_counter() - t) * 1000)
        by_kind["due" if queue.due else "new"].append(ours[-1])
        sizes.append(len(queue.items))
    for name in picks[: max(5, runs // 10)]:  # the baseline is slow: fewer runs
        t = time.perf_counter()
        naive_queue(store, name)
        naive.append((time.perf_counter() - t) * 1000)
    with store.read() as conn:
        states = conn.scalar(select(func.count()).select_from(schema.training_state))
    store.close()
    return {"states": states, "runs": len(ours), "queue_items": round(statistics.mean(sizes), 1),
            "ours_p50_ms": round(pct(ours, 50), 2), "ours_p95_ms": round(pct(ours, 95), 2),
            "due_p95_ms": round(pct(by_kind["due"], 95), 2) if by_kind["due"] else None,
            "new_p95_ms": round(pct(by_kind["new"], 95), 2) if by_kind["new"] else None,
            "naive_p50_ms": round(pct(naive, 50), 1), "naive_p95_ms": round(pct(naive, 95), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--apprentices", type=int, default=1000)
    parser.add_argument("--cards", type=int, default=5000, help="learnt cards per apprentice")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--keep", type=Path, help="build the store in this (empty) folder and keep it")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        where = args.keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        folder, db = where / "kb", where / "laoshifu.db"
        folder.mkdir()
        made = make_cards(folder, db, args.units)
        t = time.perf_counter()
        names = fill_states(db, args.apprentices, args.cards)
        fill = time.perf_counter() - t
        queue = time_queues(db, names, args.runs)
    result = {**made, "fill_s": round(fill, 1), **queue}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(f"cards: {made['cards']:,} from {made['units']:,} units in {made['cards_s']} s "
          f"({made['cards_per_s']:,}/s; the import before it took {made['import_s']} s)")
    print(f"queue: {queue['states']:,} card states, {args.apprentices:,} apprentices, "
          f"{queue['runs']} queues of ~{queue['queue_items']} cards")
    print(f"  {'system':<40} {'p50':>9} {'p95':>9}")
    print(f"  {'ours (today_queue, indexed)':<40} {queue['ours_p50_ms']:>7.2f}ms {queue['ours_p95_ms']:>7.2f}ms")
    print(f"  {'baseline (all into Python, then filter)':<40} {queue['naive_p50_ms']:>7.1f}ms "
          f"{queue['naive_p95_ms']:>7.1f}ms")
    print(f"  p95 of ours by queue: due cards {queue['due_p95_ms']} ms, new cards {queue['new_p95_ms']} ms")
    print(f"  target p95 <= 20 ms: {'met' if queue['ours_p95_ms'] <= 20 else 'NOT met'}")


if __name__ == "__main__":
    main()
