"""Captured proposals saved as drafts for the master's 审核, each citing its source.

Whoever captures — an engineer or the master himself — the result is a draft: nothing
captured is approved without the master reading it. A unit the knowledge base already
says word for word is not saved again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..knowledge import editing
from ..people import permissions
from ..errors import Conflict, LaoshifuError, Problem
from ..store import Store
from .proposals import Proposal


@dataclass
class SaveReport:
    saved: list[str] = field(default_factory=list)  # "id vN"
    unchanged: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"saved": self.saved, "unchanged": self.unchanged}


def save_drafts(store: Store, base: str, proposals: list[Proposal], user, source_name: str) -> SaveReport:
    """Save every valid proposal as a draft. All are checked first (validation, a draft of
    the same unit already waiting): if any cannot be saved, none is."""
    permissions.check(user, "edit", base)
    problems: list[Problem] = []
    for proposal in proposals:
        if not proposal.valid:
            problems += proposal.problems or [Problem(f"{proposal.kind} {proposal.id} is not valid",
                                                      file=proposal.source.file, line=proposal.source.line)]
        elif not proposal.unchanged and store.get_pending(base, proposal.id) is not None:
            problems.append(Problem(f"a draft of {proposal.id!r} is already waiting for review",
                                    file=proposal.source.file, line=proposal.source.line, field="id",
                                    hint="decide on it in 审核 first, or leave this one out"))
    if problems:
        raise LaoshifuError(problems)
    report = SaveReport()
    for proposal in proposals:
        if proposal.unchanged:
            report.unchanged.append(proposal.id)
            continue
        unit = proposal.unit.with_changes(status="draft")  # type: ignore[union-attr]
        old = store.get_unit(base, unit.id)
        if old is not None and old.status == "draft":
            expected = old.version  # a captured draft captured again: its next version
        elif old is None:
            expected = 0
        else:
            expected = None
        try:
            saved = editing.save_edit(store, base, unit, user, comment=_comment(proposal, source_name),
                                      expected_version=expected)
        except Conflict as exc:
            raise LaoshifuError([Problem(f"{p.message} (saved so far: {', '.join(report.saved) or 'none'})",
                                         file=proposal.source.file, line=proposal.source.line,
                                         field=p.field, hint=p.hint) for p in exc.problems]) from None
        report.saved.append(f"{saved.id} v{saved.version}")
    return report


def _comment(proposal: Proposal, source_name: str) -> str:
    """The version's comment: where it was captured from, for the review page."""
    parts = [f"录入 {source_name} → {proposal.source.citation}"]
    if proposal.source.image:
        parts.append(f"原图 {proposal.source.image}")
    if proposal.source.uncertain:
        parts.append(f"OCR 把握 {proposal.source.confidence:.2f}，请对照原图")
    if proposal.by == "model":
        parts.append("AI 模型提议")
    parts += proposal.notes
    return "；".join(parts)[:2000]
