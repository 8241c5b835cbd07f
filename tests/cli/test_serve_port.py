"""serve checks its port before it says "serving on" (issue 9 #17)."""

from __future__ import annotations

import socket
import subprocess

import pytest

from laoshifu.errors import LaoshifuError
from laoshifu.web.listen import check_address

from ..conftest import ROOT


@pytest.fixture
def busy_port():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def test_a_busy_port_is_one_clear_line_and_exit_2(cli, busy_port, home):
    done = cli("serve", "--port", str(busy_port), timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""  # no "serving on", and no admin password for a server that failed
    assert done.stderr.strip().splitlines() == [
        f"error: [port] 端口 {busy_port} 已被占用 (port {busy_port} on 127.0.0.1 is already in use: "
        f"another laoshifu serve, or another program) (hint: stop it, or use another port: "
        f"laoshifu serve --port {busy_port + 1} (make run PORT={busy_port + 1}))"]
    assert not (home / "laoshifu.db").exists()


def test_a_free_port_passes(busy_port):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    check_address("127.0.0.1", free)


@pytest.mark.parametrize("host,port,field,message", [
    ("127.0.0.1", 70000, "port", "70000 is not a port number"),
    ("no-such-host.invalid", 8000, "host", "cannot listen on 'no-such-host.invalid'"),
    ("192.0.2.1", 8000, "host", "192.0.2.1 is not an address of this machine"),
])
def test_other_addresses_that_cannot_serve(host, port, field, message):
    with pytest.raises(LaoshifuError) as caught:
        check_address(host, port)
    problem = caught.value.problems[0]
    assert problem.field == field and problem.message.startswith(message)


def test_make_run_takes_the_port():
    done = subprocess.run(["make", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert ".venv/bin/laoshifu serve --host 127.0.0.1 --port 8123" in done.stdout
