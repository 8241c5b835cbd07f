"""One user-error type carrying file:line:column:field and a hint."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the user's input, located as precisely as we can."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None
    hint: str | None = None

    def location(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        # A problem with no file (a question, a CLI argument) needs no location.
        text = f"{self.location()}: " if self.file or self.line is not None else ""
        if self.field:
            text += f"[{self.field}] "
        text += self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    def to_dict(self) -> dict:
        return {
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "hint": self.hint,
        }


class LaoshifuError(Exception):
    """A mistake in user input or use; shown to people without a traceback."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class NotFound(LaoshifuError):
    """A unit, question, user or base that does not exist."""


class PermissionDenied(LaoshifuError):
    """The acting user's role does not allow this."""


class Conflict(LaoshifuError):
    """What the user saw changed meanwhile, or what they would create is already there."""
