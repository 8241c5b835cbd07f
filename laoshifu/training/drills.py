"""Drills from production data: a stretch of a real (or example) day around a fault →
"看到什么，先做什么？", graded against what the daily review found there.

A rule that fired gives a drill whose answer is that rule's first action; a parameter out
of its window gives one whose answer is which parameter left its window. The drill is a
card of the rule or window it is judged by, so it changes (and retires) with that unit.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import and_, insert, select

from ..errors import LaoshifuError, Problem
from ..review.daily import DayReview, ReviewOptions, review_data
from ..review.load import fetch, open_data
from ..review.model import Finding
from ..store import Store, schema
from ..knowledge.units import Parameter, Rule, Unit, format_number
from ..knowledge.vocabulary import Vocabulary
from .cards import Card, order_key, pick_choices, seeded_rng
from .sync import CURRENT, sync_cards

ALL_NORMAL = "读数都在窗口里，继续正常监视"
BEFORE = timedelta(minutes=5)  # the stretch shown starts this long before the fault
POINTS = 4  # readings shown: before, at the start, in the middle, at the end


def drills_from_data(path: Path | str, units: Sequence[Unit], day: str | None = None,
                     line: str | None = None, limit: int = 20) -> list[Card]:
    """Review a day of production data and turn its rule firings and excursions into drills."""
    vocab = Vocabulary.from_units(units)
    data = open_data(path, vocab)
    try:
        review = review_data(data, units, vocab, ReviewOptions(day=day, line=line, charts=0), str(path))
        by_id = {u.id: u for u in units}
        cards = []
        for finding in review.findings:
            if len(cards) >= limit:
                break
            unit = by_id.get(finding.unit_id or "")
            card = _drill(data, review, finding, unit, units, vocab)
            if card is not None:
                cards.append(card)
        return cards
    finally:
        data.con.close()


def _drill(data, review: DayReview, finding: Finding, unit: Unit | None, units: Sequence[Unit],
           vocab: Vocabulary) -> Card | None:
    if finding.kind == "rule" and isinstance(unit, Rule) and unit.actions:
        keys = list(finding.detail.get("keys", []))
    elif finding.kind == "excursion" and isinstance(unit, Parameter) and finding.key:
        # The faulty parameter among its process's others, so the learner has to look.
        keys = [finding.key] + [k for k, p in vocab.processes.items()
                                if p == unit.process and k != finding.key][:3]
    else:
        return None
    columns = [c for c in (data.column(k) for k in keys) if c is not None]
    if not columns:
        return None
    start = datetime.fromisoformat(finding.start)
    end = datetime.fromisoformat(finding.end)
    rows = fetch(data, [c.sql for c in columns], review.line, (start - BEFORE).isoformat(),
                 (end + timedelta(seconds=1)).isoformat())
    if not len(rows.get("time", [])):
        return None
    moments = [start - BEFORE, start, start + (end - start) / 2, end]
    lines = []
    for moment in moments[:POINTS]:
        ms = (moment - datetime(1970, 1, 1)) / timedelta(milliseconds=1)
        i = int(np.clip(np.searchsorted(rows["time"], ms), 0, len(rows["time"]) - 1))
        shown = "、".join(f"{c.name} {_value(rows[c.sql][i])}{(' ' + c.unit) if c.unit else ''}"
                         for c in sorted(columns, key=lambda c: c.name))
        lines.append(f"{moment:%H:%M:%S}  {shown}")
    where = f"{review.line} 号线" if review.line else "产线"
    ask = "看到什么，先做什么？" if isinstance(unit, Rule) else "看到什么？"
    prompt = f"{review.day} {unit.process} {where}记录：\n" + "\n".join(lines) + "\n" + ask
    slot = f"drill:{finding.start}"[:32]
    rng = seeded_rng(unit.id, slot)
    if isinstance(unit, Rule):
        right = f"「{unit.title}」：{unit.actions[0]}"
        others = [f"「{r.title}」：{r.actions[0]}" for r in units
                  if isinstance(r, Rule) and r.id != unit.id and r.actions and r.process == unit.process]
        choices, correct = pick_choices(right, others, rng, include=[ALL_NORMAL])
        explain = f"复盘：{finding.summary}\n处置：\n" + "\n".join(
            f"{i}. {a}" for i, a in enumerate(unit.actions, 1))
    else:
        right = f"{unit.name}出了窗口（{unit.window_text()}）"
        others = [f"{c.name}出了窗口" for c in columns if c.key != finding.key]
        choices, correct = pick_choices(right, others, rng, include=[ALL_NORMAL])
        explain = f"复盘：{finding.summary}\n{unit.body}"
    return Card(unit_id=unit.id, unit_version=unit.version, slot=slot, unit_kind=unit.kind,
                answer_kind="choice", process=unit.process, title=unit.title, source=unit.source,
                prompt=prompt, choices=choices, correct=correct, answer_text=right, explain=explain,
                order_key=order_key(unit, 90))


def _value(value: float) -> str:
    return "—" if value is None or np.isnan(value) else format_number(round(float(value), 3))


def add_drills(store: Store, base: str, cards: Sequence[Card]) -> list[Card]:
    """Store drills as cards of their units' live versions; a drill already there, or one
    whose unit has changed since the data was reviewed, is left out."""
    sync_cards(store, base)
    c, u = schema.training_cards, schema.units
    added = []
    with store.transaction() as conn:
        for card in cards:
            live = conn.scalar(select(u.c.version).where(and_(
                u.c.base == base, u.c.id == card.unit_id, u.c.status == "approved")))
            if live is None:
                raise LaoshifuError(Problem(f"no approved unit {card.unit_id!r} in {base!r}",
                                            field="unit_id", hint="review the data against this base"))
            card = replace(card, unit_version=live)
            exists = conn.scalar(select(c.c.slot).where(and_(
                c.c.base == base, c.c.unit_id == card.unit_id, c.c.slot == card.slot,
                c.c.current == CURRENT)))
            if exists:
                continue
            conn.execute(insert(c).values(
                base=base, unit_id=card.unit_id, unit_version=live, slot=card.slot,
                unit_kind=card.unit_kind, process=card.process, fingerprint=card.fingerprint(),
                payload=json.dumps(card.to_dict(), ensure_ascii=False), current=CURRENT,
                order_key=card.order_key))
            added.append(card)
    return added
