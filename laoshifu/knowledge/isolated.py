"""Heavy jobs of the web server (importing an upload) in a child process with a time budget.

An import parses and validates every file before it writes, all in Python: a large or
pathological upload can take many seconds of CPU. Run in the server's own process it holds
the GIL (and, inside ``async`` code, the event loop), and every other user waits. In a
child process it runs beside the server on its own core, and past its budget it is killed:
the import is all or nothing, so a killed one leaves the store as it was.

Children are forked from a fork server started once (``forkserver``: no threads or open
database connections of the web server are copied into them) with the import code already
loaded, so a job starts in milliseconds.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import threading
import traceback
from typing import Any, Callable

from ..errors import LaoshifuError, Problem

DEFAULT_IMPORT_SECONDS = 300.0
# Jobs at once per server process: imports write one at a time anyway, and each child
# takes a core from the answering.
MAX_JOBS = 2

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(["laoshifu.knowledge.uploads", "laoshifu.store"])
_slots = threading.BoundedSemaphore(MAX_JOBS)


class OverBudget(LaoshifuError):
    """A job ran past its time budget and was stopped."""


class JobCrashed(RuntimeError):
    """A job died or failed with an unexpected error (a bug, not the user's input)."""


def _socket_dir_fits() -> None:
    """The fork server listens on a UNIX socket in multiprocessing's temporary folder, and
    such paths are limited to about 107 bytes: under a deep LAOSHIFU_HOME/tmp the socket
    goes to the system's temporary folder instead (chosen once per process)."""
    from multiprocessing import util

    if len(tempfile.gettempdir()) <= 60:
        return
    saved = tempfile.tempdir
    tempfile.tempdir = "/tmp" if os.path.isdir("/tmp") else None
    try:
        util.get_temp_dir()  # made now and remembered by multiprocessing for this process
    finally:
        tempfile.tempdir = saved


def run(fn: Callable[..., Any], *args: Any, seconds: float, what: str = "the job") -> Any:
    """``fn(*args)`` in a child process: its result, or its LaoshifuError raised here;
    ``OverBudget`` after ``seconds`` (the child is killed)."""
    with _slots:
        receiver, sender = _context.Pipe(duplex=False)
        # The child sees this process's settings as they are now (the fork server kept
        # the ones it started with).
        child = _context.Process(target=_child, daemon=True,
                                 args=(sender, fn, args, dict(os.environ), tempfile.gettempdir()))
        _socket_dir_fits()
        child.start()
        sender.close()
        try:
            if not receiver.poll(seconds):
                child.kill()
                raise OverBudget(Problem(
                    f"{what} took longer than {seconds:g} s and was stopped; nothing was changed",
                    field="file", hint="import the folder on the server with `laoshifu import "
                                       "PATH`, or split it into smaller uploads"))
            try:
                outcome, payload = receiver.recv()
            except EOFError:
                child.join(5)
                raise JobCrashed(f"{what} died (exit code {child.exitcode})") from None
        finally:
            receiver.close()
            child.join(5)
    if outcome == "ok":
        return payload
    if outcome == "error":
        kind, problems = payload
        raise kind(problems)
    raise JobCrashed(f"{what} failed:\n{payload}")


def _child(sender, fn, args, environ: dict[str, str], tmp: str) -> None:
    os.environ.clear()
    os.environ.update(environ)
    tempfile.tempdir = tmp
    try:
        result = ("ok", fn(*args))
    except LaoshifuError as exc:
        result = ("error", (type(exc), exc.problems))
    except BaseException:  # noqa: BLE001 - reported to the parent as a crash
        result = ("crash", traceback.format_exc())
    sender.send(result)
    sender.close()


# -- the jobs ----------------------------------------------------------------------------
def import_upload(store, base: str, filename: str, data: bytes, user, *, dry_run: bool,
                  max_bytes: int, on_conflict: str, seconds: float = DEFAULT_IMPORT_SECONDS):
    """``uploads.import_upload`` in a child process on the same store, within ``seconds``."""
    if store.dialect == "sqlite" and store.engine.url.database in (None, "", ":memory:"):
        # A store in memory exists in this process only (tests, demos): import here.
        from . import uploads

        return uploads.import_upload(store, base, filename, data, user, dry_run=dry_run,
                                     max_bytes=max_bytes, on_conflict=on_conflict)
    report = run(_import_job, store.url, base, filename, data, user, dry_run, max_bytes,
                 on_conflict, seconds=seconds, what=f"importing {filename}")
    if report.changed and not dry_run:
        # Written by another process: this one's index looks at the store at once.
        store.local_writes += 1
    return report


def _import_job(url: str, base: str, filename: str, data: bytes, user, dry_run: bool,
                max_bytes: int, on_conflict: str):
    from . import uploads
    from ..store import Store

    store = Store.open(url, migrate=False)
    try:
        return uploads.import_upload(store, base, filename, data, user, dry_run=dry_run,
                                     max_bytes=max_bytes, on_conflict=on_conflict)
    finally:
        store.close()
