"""Can the server listen there? Asked before ``serve`` prints its address or makes the
first admin, so a busy port is one clear line, not "serving on …" and a traceback."""

from __future__ import annotations

import errno
import socket

from ..errors import LaoshifuError, Problem


def check_address(host: str, port: int) -> None:
    """Raise LaoshifuError unless a server could listen on ``host``:``port`` now."""
    if not 0 < port < 65536:
        raise LaoshifuError(Problem(f"{port} is not a port number", field="port",
                                    hint="1 to 65535, e.g. 8000"))
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as exc:
        raise LaoshifuError(Problem(f"cannot listen on {host!r}: {exc.strerror}", field="host",
                                    hint="an address of this machine: 127.0.0.1, or 0.0.0.0 "
                                         "for every network")) from None
    with socket.socket(family, kind, proto) as probe:
        # As uvicorn binds: a port left in TIME_WAIT by a stopped server counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise LaoshifuError(_refusal(exc, host, port)) from None


def _refusal(exc: OSError, host: str, port: int) -> Problem:
    if exc.errno == errno.EADDRINUSE:
        return Problem(f"端口 {port} 已被占用 (port {port} on {host} is already in use: another "
                       "laoshifu serve, or another program)", field="port",
                       hint=f"stop it, or use another port: laoshifu serve --port {port + 1} "
                            f"(make run PORT={port + 1})")
    if exc.errno == errno.EACCES:
        return Problem(f"no permission to listen on port {port}", field="port",
                       hint="ports below 1024 need root: use 8000 or above")
    if exc.errno == errno.EADDRNOTAVAIL:
        return Problem(f"{host} is not an address of this machine", field="host",
                       hint="127.0.0.1, or 0.0.0.0 for every network")
    return Problem(f"cannot listen on {host}:{port} ({exc.strerror})", field="port")
