"""The access log: one line per request under LAOSHIFU_HOME/logs, rotated by size.

    2026-07-22T05:30:01.123Z POST /api/v1/ask 200 6.3ms xiao

Time, method, path, status, milliseconds, user ("-" when nobody is logged in). Never the
query string (it can carry a token), a body or a header. The path is written as it was
sent, percent-encoded, so nothing in a request can start a line of its own.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from datetime import datetime, timezone
from logging.handlers import RotatingFileHandler
from pathlib import Path

MAX_BYTES = 10 * 1024 * 1024
BACKUPS = 10  # at most 110 MB of access log
MAX_PATH = 200

_loggers: dict[Path, logging.Logger] = {}


class SharedRotatingFileHandler(RotatingFileHandler):
    """RotatingFileHandler that several worker processes can share: each record is written
    under a file lock, after reopening the file if another process rotated it."""

    def __init__(self, path: Path, max_bytes: int = MAX_BYTES, backups: int = BACKUPS):
        path.parent.mkdir(parents=True, exist_ok=True)
        super().__init__(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
        self._lock_file = open(path.parent / f".{path.name}.lock", "a+b")  # noqa: SIM115

    def emit(self, record: logging.LogRecord) -> None:
        fcntl.flock(self._lock_file, fcntl.LOCK_EX)
        try:
            if self.stream is not None and self._rotated_elsewhere():
                self.stream.close()
                self.stream = self._open()
            super().emit(record)
            if self.stream is not None:
                self.stream.flush()
        finally:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)

    def _rotated_elsewhere(self) -> bool:
        try:
            return os.stat(self.baseFilename).st_ino != os.fstat(self.stream.fileno()).st_ino
        except OSError:
            return True

    def close(self) -> None:
        super().close()
        self._lock_file.close()


def access_logger(path: Path) -> logging.Logger:
    """One logger per log file in this process, writing only to that file."""
    path = Path(path)
    if path not in _loggers:
        logger = logging.Logger(f"laoshifu.access:{path}", logging.INFO)
        handler = SharedRotatingFileHandler(path)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        _loggers[path] = logger
    return _loggers[path]


def line(scope: dict, status: int, ms: float) -> str:
    at = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return f"{at} {scope.get('method', '-')} {_path(scope)} {status} {ms:.1f}ms {_user(scope)}"


def _path(scope: dict) -> str:
    raw = scope.get("raw_path") or scope.get("path", "").encode("utf-8")
    raw = raw.split(b"?", 1)[0]  # some servers leave the query on raw_path
    text = "".join(chr(b) if 0x21 <= b <= 0x7E else f"%{b:02X}" for b in raw[:MAX_PATH])
    return text + ("…" if len(raw) > MAX_PATH else "")


def _user(scope: dict) -> str:
    # Set by the token and session checks (web/auth.py) when they know the user.
    name = scope.get("lsf_actor") or getattr(scope.get("lsf_user"), "name", None)
    if not name:
        return "-"
    return "".join(c if c.isprintable() and not c.isspace() else "?" for c in str(name)[:64])


class AccessLog:
    """ASGI middleware writing one ``line`` per HTTP request, when its answer is sent."""

    def __init__(self, app, path: Path):
        self.app = app
        self.log = access_logger(path)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # if the app fails before answering

        async def sending(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self.log.info(line(scope, status, (time.perf_counter() - started) * 1000))
