"""Progress of long work: rich bars on a terminal, nothing anywhere else.

Library functions take an optional ``progress`` callback, ``(stage, done, total)``, and call
it as they go (``report`` skips a missing one); they never print. The CLI makes the callback
with ``bars``: a bar per stage on stderr when stderr is a terminal, and no callback at all
when it is not (a pipe, a log, CI) or when the command prints JSON, so no output changes.
rich is imported only when a bar is shown.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, TextIO, TypeVar

Progress = Callable[[str, int, "int | None"], None]
T = TypeVar("T")


def report(progress: Progress | None, stage: str, done: int, total: int | None = None) -> None:
    """Tell ``progress`` (when there is one) that ``done`` of ``total`` of ``stage`` are done."""
    if progress is not None:
        progress(stage, done, total)


def steps(progress: Progress | None, stage: str, items: Iterable[T], total: int | None = None
          ) -> Iterator[T]:
    """``items``, reporting each one done under ``stage``."""
    if progress is None:
        yield from items
        return
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    progress(stage, 0, total)
    done = 0
    for item in items:
        yield item
        done += 1
        progress(stage, done, total)


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def bars(enabled: bool = True, stream: TextIO | None = None) -> Iterator[Progress | None]:
    """A progress callback drawing one bar per stage on ``stream`` (stderr), or None when
    ``enabled`` is false (``--json``) or the stream is not a terminal."""
    stream = stream if stream is not None else sys.stderr
    if not enabled or not is_terminal(stream):
        yield None
        return
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress as Bars, TextColumn,
                               TimeElapsedColumn)

    console = Console(file=stream, force_terminal=True)
    with Bars(TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(),
              TimeElapsedColumn(), console=console, transient=True) as shown:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int | None = None) -> None:
            task = tasks.get(stage)
            if task is None:
                task = tasks[stage] = shown.add_task(stage, total=total)
            shown.update(task, completed=done, total=total)

        yield update
