"""Keep the cards in step with the knowledge: a new unit version makes new cards, and every
learner who had learnt the old card gets it again, first, with what changed.

Nothing in the store calls us on a change: the store's change counter says whether
anything moved since the cards were last made, so a sync that finds nothing new is one
small query, and every surface (web, API, CLI) calls it before it reads cards.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection, and_, bindparam, delete, insert, select, update

from ..store import Store, schema
from .cards import DECK_KINDS, Card, Deck, cards_for

# training_cards.current: 1 for the cards of the live version; NO_CARDS marks a live
# version that makes no card (a one-line section), so it is not looked at again.
CURRENT, NO_CARDS = 1, 2


@dataclass
class SyncReport:
    base: str
    units_changed: int = 0
    cards_written: int = 0
    requeued: list[str] = field(default_factory=list)  # card keys whose facts changed
    retired_units: int = 0
    skipped: bool = False  # nothing had changed since the last sync

    def to_dict(self) -> dict:
        return {"base": self.base, "units_changed": self.units_changed,
                "cards_written": self.cards_written, "requeued": self.requeued,
                "retired_units": self.retired_units, "skipped": self.skipped}


_STORE_VERSION = select(schema.meta.c.value).where(schema.meta.c.key == "store_version")
_SYNCED = select(schema.training_sync.c.store_version).where(
    schema.training_sync.c.base == bindparam("base"))


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds")


def sync_cards(store: Store, base: str, at: datetime | None = None) -> SyncReport:
    """Make ``base``'s cards match its approved units (cheap when nothing changed)."""
    at = at or datetime.now(UTC)
    report = SyncReport(base)
    ts = schema.training_sync
    with store.read() as conn:  # every queue asks: two prepared one-row reads
        version = int(conn.scalar(_STORE_VERSION) or 0)
        if conn.scalar(_SYNCED, {"base": base}) == version:
            report.skipped = True
            return report
    with store.transaction() as conn:
        # Another worker may have synced while we waited for the write lock.
        if conn.scalar(select(ts.c.store_version).where(ts.c.base == base)) == version:
            report.skipped = True
            return report
        _sync(store, conn, base, at, report)
        conn.execute(delete(ts).where(ts.c.base == base))
        conn.execute(insert(ts).values(base=base, store_version=version, synced_at=_iso(at)))
    return report


def _sync(store: Store, conn: Connection, base: str, at: datetime, report: SyncReport) -> None:
    u, c = schema.units, schema.training_cards
    live = dict(conn.execute(select(u.c.id, u.c.version).where(
        and_(u.c.base == base, u.c.status == "approved"))).all())
    carded: dict[str, dict[str, tuple[int, str]]] = {}  # unit -> slot -> (version, fingerprint)
    card_versions: dict[str, int] = {}
    for row in conn.execute(select(c.c.unit_id, c.c.slot, c.c.unit_version, c.c.fingerprint,
                                   c.c.current).where(
            and_(c.c.base == base, c.c.current.in_((CURRENT, NO_CARDS))))):
        carded.setdefault(row.unit_id, {})
        if row.current == CURRENT:
            carded[row.unit_id][row.slot] = (row.unit_version, row.fingerprint)
        card_versions[row.unit_id] = max(card_versions.get(row.unit_id, 0), row.unit_version)
    changed = [uid for uid, v in live.items() if card_versions.get(uid) != v]
    gone = [uid for uid in carded if uid not in live]
    for uid in gone:
        _retire(conn, base, uid, set(carded[uid]))
    report.retired_units = len(gone)
    if not changed:
        return
    # Distractors and scenario readings come from the base's windows, rules, procedures
    # and terms (read only when something changed); notes and sections only for themselves.
    context = store.list_units(base, kinds=DECK_KINDS)
    deck = Deck.of(context)
    by_id = {unit.id: unit for unit in context}
    by_id.update(store.get_units(base, [uid for uid in changed if uid not in by_id]))
    learnt = _learnt(conn, base, changed)
    replaced = [uid for uid in changed if uid in card_versions]
    for chunk in _chunks(replaced):
        conn.execute(update(c).where(and_(c.c.base == base, c.c.unit_id.in_(chunk),
                                          c.c.current.in_((CURRENT, NO_CARDS)))).values(current=0))
    rows = []
    for uid in changed:
        unit = by_id[uid]
        cards = cards_for(unit, deck)
        before = carded.get(uid, {})
        for card in cards:
            rows.append(_card_row(base, card))
            if (uid, card.slot) not in learnt:
                continue  # nobody has learnt this card yet: nothing to tell anyone
            old = before.get(card.slot)
            if old is not None and old[1] != card.fingerprint():
                report.requeued.append(card.key)
                _requeue(conn, base, uid, card.slot, at)
            elif old is None:
                _requeue(conn, base, uid, card.slot, at, only_suspended=True)
        if not cards:
            rows.append({"base": base, "unit_id": uid, "unit_version": unit.version, "slot": "",
                         "unit_kind": unit.kind, "process": unit.process, "fingerprint": "",
                         "current": NO_CARDS, "order_key": "", "payload": "{}"})
        vanished = set(before) - {card.slot for card in cards}
        if vanished:
            _retire(conn, base, uid, vanished)
    report.units_changed = len(changed)
    report.cards_written = sum(1 for r in rows if r["current"] == CURRENT)
    for start in range(0, len(rows), 2000):
        conn.execute(insert(c), rows[start:start + 2000])


def _chunks(items: list[str], size: int = 500):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _learnt(conn: Connection, base: str, unit_ids: list[str]) -> set[tuple[str, str]]:
    """(unit, slot) pairs that some learner has a memory of, among ``unit_ids``."""
    s = schema.training_state
    out: set[tuple[str, str]] = set()
    for chunk in _chunks(unit_ids):
        out.update(conn.execute(select(s.c.unit_id, s.c.slot).where(
            and_(s.c.base == base, s.c.unit_id.in_(chunk))).distinct()).all())
    return out


def _card_row(base: str, card: Card) -> dict:
    return {"base": base, "unit_id": card.unit_id, "unit_version": card.unit_version,
            "slot": card.slot, "unit_kind": card.unit_kind, "process": card.process,
            "fingerprint": card.fingerprint(), "current": 1, "order_key": card.order_key,
            "payload": json.dumps(card.to_dict(), ensure_ascii=False)}


def _requeue(conn: Connection, base: str, unit_id: str, slot: str, at: datetime,
             only_suspended: bool = False) -> None:
    """Everyone who learnt this card gets it first: due now, marked with the version he knew."""
    s = schema.training_state
    where = and_(s.c.base == base, s.c.unit_id == unit_id, s.c.slot == slot)
    if only_suspended:  # a card that comes back (its unit approved again) is news too
        where = and_(where, s.c.suspended == 1)
    conn.execute(update(s).where(and_(where, s.c.changed_from.is_(None))).values(
        changed_from=s.c.learned_version, due=_iso(at), suspended=0))
    conn.execute(update(s).where(and_(where, s.c.changed_from.is_not(None))).values(
        due=_iso(at), suspended=0))


def _retire(conn: Connection, base: str, unit_id: str, slots: set[str]) -> None:
    c, s = schema.training_cards, schema.training_state
    conn.execute(update(c).where(and_(c.c.base == base, c.c.unit_id == unit_id,
                                      c.c.current.in_((CURRENT, NO_CARDS)))).values(current=0))
    conn.execute(update(s).where(and_(s.c.base == base, s.c.unit_id == unit_id,
                                      s.c.slot.in_(slots))).values(suspended=1))


def current_card(conn: Connection, base: str, unit_id: str, slot: str) -> Card | None:
    c = schema.training_cards
    payload = conn.scalar(select(c.c.payload).where(and_(
        c.c.base == base, c.c.unit_id == unit_id, c.c.slot == slot, c.c.current == 1)))
    return Card.from_dict(json.loads(payload)) if payload else None


def card_at(conn: Connection, base: str, unit_id: str, slot: str, version: int) -> Card | None:
    """The card as it was for one version of its unit (None if that version had no such card)."""
    c = schema.training_cards
    payload = conn.scalar(select(c.c.payload).where(and_(
        c.c.base == base, c.c.unit_id == unit_id, c.c.slot == slot, c.c.unit_version <= version)
    ).order_by(c.c.unit_version.desc()).limit(1))
    return Card.from_dict(json.loads(payload)) if payload else None
