"""Load: 50 simulated apprentices asking the example knowledge base over HTTP.

Starts ``laoshifu serve``'s app (uvicorn) on loopback on a fresh home with the example
knowledge base, then N concurrent clients (asyncio + httpx) each ask a question, wait for
the answer, and ask the next, for a bounded time. Reports requests/s, latency
percentiles, errors and the server's peak resident memory.

    .venv/bin/python benchmarks/load.py [--clients 50] [--seconds 60] [--workers 1]
                                        [--answer-cache both|on|off] [--primed]
                                        [--client httpx|raw]

Answers already given are given again while the knowledge stays the same
(laoshifu/answer/given_answers.py). With ``both`` (the default) the same load runs twice, each on a
new server: without that cache (LAOSHIFU_ANSWER_CACHE=off: every answer worked out), then
with it, starting empty (each question's first ask is worked out within the run). With
``--primed`` every question is asked once before the clock starts (not recorded), so the
run measures answers given again only (a refusal is still queued at each ask).

The apprentices are httpx clients by default. httpx spends 2-4 ms of CPU a request on the
same 2 cores as the server, more than the server itself; ``--client raw`` speaks HTTP/1.1 on
one keep-alive connection per apprentice straight on asyncio streams (~0.1 ms a request), as
phones would cost the server's machine nothing. Beside the latency the clients see, the
server's own time per request (request in to answer out, from its access log) is reported:
the rest is waiting to be read and to be run, on both sides.

The floor: the same clients then ask for the smallest authenticated answer (GET
/api/v1/me: HTTP, the token check, JSON), which gives the server's CPU per request before
any answer, and the load generator's own CPU per request (it shares the machine). With C
clients that never pause, N cores and S + G ms of CPU per request (server + generator), the
mean latency is at least C × (S + G) / N (Little's law): the floor below which no server
change can bring it on this machine.

Targets: zero errors, p95 <= 200 ms, server memory <= 400 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "go-silicon-steel"
FALLBACK = ["脱碳退火露点控制在多少？", "高温退火氢气露点要多少？", "常化温度多少合适？",
            "氧化镁涂层结垢怎么办？", "食堂几点开饭？"]


def questions() -> list[str]:
    path = EXAMPLE / "questions.yaml"
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        found = [i["question"] for i in items if isinstance(i, dict) and i.get("question")]
        return found or FALLBACK
    except (OSError, yaml.YAMLError):
        return FALLBACK


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid: int, field: str = "VmHWM") -> int:
    """Peak (VmHWM) or current resident memory of a process and its children, in kB."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith(field + ":"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children so far."""
    total = 0.0
    pids = [pid]
    try:
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            pass
    return total


def prepare(home: Path) -> str:
    env = {**os.environ, "LAOSHIFU_HOME": str(home)}
    env.pop("LAOSHIFU_DATABASE_URL", None)
    run = [sys.executable, "-m", "laoshifu.cli"]
    subprocess.run([*run, "import", str(EXAMPLE)], env=env, check=True, capture_output=True)
    subprocess.run([*run, "user", "add", "apprentice", "--role", "apprentice", "--password-stdin"],
                   env=env, check=True, capture_output=True, input="apprentice-pw\n", text=True)
    token = subprocess.run([*run, "token", "create", "apprentice"], env=env, check=True,
                           capture_output=True, text=True).stdout.strip()
    return token


class HttpxApprentice:
    """An apprentice asking through the shared httpx client (its pool of connections)."""

    def __init__(self, client: httpx.AsyncClient, token: str):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    async def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        response = await self.client.request(method, path, json=body, headers=self.headers)
        return response.status_code, response.content

    async def close(self) -> None:
        pass


class RawApprentice:
    """An apprentice on his own keep-alive HTTP/1.1 connection, spoken directly on asyncio
    streams: a tenth of a millisecond of CPU a request on the machine the server runs on."""

    def __init__(self, url: str, token: str):
        self.host, _, port = url.split("//", 1)[1].partition(":")
        self.port = int(port)
        self.head = f"Host: {self.host}:{self.port}\r\nAuthorization: Bearer {token}\r\n"
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        head = f"{method} {path} HTTP/1.1\r\n{self.head}"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
        try:
            self.writer.write(f"{head}\r\n".encode("ascii") + data)
            header = await self.reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"(?im)^content-length:[ \t]*(\d+)", header)
            if length is None:
                raise ConnectionError("an answer without Content-Length")
            payload = await self.reader.readexactly(int(length[1]))
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            await self.close()  # the next request opens a new connection
            raise
        if re.search(rb"(?im)^connection:[ \t]*close", header):
            await self.close()
        return int(header.split(b" ", 2)[1]), payload

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


@asynccontextmanager
async def apprentices(kind: str, url: str, token: str, count: int):
    """``count`` apprentices of the ``kind`` of client (httpx or raw)."""
    if kind == "raw":
        made = [RawApprentice(url, token) for _ in range(count)]
        try:
            yield made
        finally:
            for apprentice in made:
                await apprentice.close()
        return
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
        yield [HttpxApprentice(client, token) for _ in range(count)]


CLIENT_ERRORS = (httpx.HTTPError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError)


async def timed(apprentice, method: str, path: str, body: dict | None,
                latencies: list[float], errors: list[str]) -> None:
    started = time.perf_counter()
    try:
        status, payload = await apprentice.request(method, path, body)
        if status != 200:
            errors.append(f"{status} {payload[:200].decode('utf-8', 'replace')}")
    except CLIENT_ERRORS as exc:
        errors.append(repr(exc))
    latencies.append((time.perf_counter() - started) * 1000)


async def client_loop(apprentice, pool: list[str], stop_at: float, latencies: list[float],
                      errors: list[str], seed: int, think: float) -> None:
    rng = random.Random(seed)
    while time.monotonic() < stop_at:
        question = rng.choice(pool)
        await timed(apprentice, "POST", "/api/v1/ask", {"question": question}, latencies, errors)
        if think:
            # An apprentice reads the answer before asking again.
            await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, int(round(p / 100 * (len(ordered) - 1)))))
    return ordered[k]


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def smallest_loop(apprentice, stop_at: float, latencies: list[float],
                        errors: list[str]) -> None:
    while time.monotonic() < stop_at:
        await timed(apprentice, "GET", "/api/v1/me", None, latencies, errors)


def server_side(log: Path, offset: int, method: str, path: str) -> dict:
    """The server's own time per answered request since ``offset`` in its access log:
    from the request handed to the app to the answer sent."""
    try:
        with open(log, "rb") as f:
            f.seek(offset)
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return {}
    ms = [float(m) for m in re.findall(rf" {method} {re.escape(path)} 200 ([\d.]+)ms ", text)]
    if not ms:
        return {}
    return {"server_p50_ms": round(percentile(ms, 50), 1), "server_p95_ms": round(percentile(ms, 95), 1),
            "server_mean_ms": round(sum(ms) / len(ms), 1)}


def log_size(log: Path) -> int:
    try:
        return log.stat().st_size
    except OSError:
        return 0


async def run_floor(url: str, token: str, clients: int, seconds: float, pid: int,
                    client: str = "httpx", log: Path | None = None) -> dict:
    """The same clients asking for the smallest authenticated answer (GET /api/v1/me)."""
    latencies: list[float] = []
    errors: list[str] = []
    async with apprentices(client, url, token, clients) as each:
        await each[0].request("GET", "/api/v1/me")
        offset = log_size(log) if log else 0
        cpu_before, own_before = cpu_seconds(pid), own_cpu_seconds()
        started = time.monotonic()
        await asyncio.gather(*(smallest_loop(a, started + seconds, latencies, errors) for a in each))
        elapsed = time.monotonic() - started
        cpu, own = cpu_seconds(pid) - cpu_before, own_cpu_seconds() - own_before
    n = max(len(latencies), 1)
    return {"server_cpu_ms_per_request": round(cpu * 1000 / n, 2),
            "client_cpu_ms_per_request": round(own * 1000 / n, 2),
            "requests_per_s": round(len(latencies) / elapsed, 1),
            "p50_ms": round(percentile(latencies, 50), 1), "p95_ms": round(percentile(latencies, 95), 1),
            "errors": len(errors), **(server_side(log, offset, "GET", "/api/v1/me") if log else {})}


async def prime(client: httpx.AsyncClient, token: str, pool: list[str]) -> None:
    """Every question asked once, a few at a time, without queueing a refusal."""
    headers = {"Authorization": f"Bearer {token}"}
    gate = asyncio.Semaphore(4)

    async def one(question: str) -> None:
        async with gate:
            await client.post("/api/v1/ask", json={"question": question, "record": False},
                              headers=headers)

    await asyncio.gather(*(one(q) for q in pool))


async def run_load(url: str, token: str, clients: int, seconds: float, pid: int,
                   think: float, primed: bool = False, client: str = "httpx",
                   log: Path | None = None) -> dict:
    pool = questions()
    latencies: list[float] = []
    errors: list[str] = []
    async with httpx.AsyncClient(base_url=url, timeout=30) as preparing:
        # Warm up: the first ask builds the in-memory index.
        await preparing.post("/api/v1/ask", json={"question": pool[0], "record": False},
                             headers={"Authorization": f"Bearer {token}"})
        if primed:
            await prime(preparing, token, pool)
    async with apprentices(client, url, token, clients) as each:
        offset = log_size(log) if log else 0
        cpu_before, own_before = cpu_seconds(pid), own_cpu_seconds()
        started = time.monotonic()
        stop_at = started + seconds
        peak = 0

        async def watch() -> None:
            nonlocal peak
            while time.monotonic() < stop_at:
                peak = max(peak, rss_kb(pid, "VmRSS"))
                await asyncio.sleep(0.5)

        await asyncio.gather(watch(), *(client_loop(a, pool, stop_at, latencies, errors, i, think)
                                        for i, a in enumerate(each)))
        elapsed = time.monotonic() - started
        cpu, own = cpu_seconds(pid) - cpu_before, own_cpu_seconds() - own_before
    return {
        "server_cpu_ms_per_request": round(cpu * 1000 / max(len(latencies), 1), 2),
        "client_cpu_ms_per_request": round(own * 1000 / max(len(latencies), 1), 2),
        "clients": clients, "think_s": think, "seconds": round(elapsed, 1), "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 50), 1), "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1), "errors": len(errors),
        "error_samples": errors[:3], "questions": len(pool),
        "server_peak_rss_mb": round(max(peak, rss_kb(pid)) / 1024, 1), "client": client,
        **(server_side(log, offset, "POST", "/api/v1/ask") if log else {}),
    }


def serve(home: Path, workers: int, cache: str) -> tuple[subprocess.Popen, str]:
    """``laoshifu serve``'s app on loopback, answers kept (``on``) or not (``off``)."""
    port = free_port()
    env = {**os.environ, "LAOSHIFU_HOME": str(home), "LAOSHIFU_ANSWER_CACHE": cache}
    env.pop("LAOSHIFU_DATABASE_URL", None)
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "laoshifu.web.app:create_app",
                               "--factory", "--host", "127.0.0.1", "--port", str(port),
                               "--workers", str(workers), "--log-level", "warning",
                               "--backlog", "2048"], env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url + "/login", timeout=1).status_code == 200:
                return server, url
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.terminate()
            raise SystemExit("server did not start")
        time.sleep(0.2)


def measured(home: Path, token: str, args: argparse.Namespace, seconds: float, cache: str,
             floor: bool) -> dict:
    server, url = serve(home, args.workers, cache)
    log = home / "logs" / "access.log"  # the served app's (LAOSHIFU_HOME/logs)
    try:
        result = asyncio.run(run_load(url, token, args.clients, seconds, server.pid, args.think,
                                      primed=args.primed and cache == "on", client=args.client,
                                      log=log))
        if floor:
            result["floor"] = asyncio.run(run_floor(url, token, args.clients, min(seconds, 10),
                                                    server.pid, client=args.client, log=log))
    finally:
        server.terminate()
        server.wait(15)
    result["answer_cache"] = cache
    result["primed"] = bool(args.primed and cache == "on")
    return result


def latency_floor_ms(floor: dict, clients: int) -> float:
    """Little's law: C clients that never pause, each request S + G ms of CPU on N cores."""
    per_request = floor["server_cpu_ms_per_request"] + floor["client_cpu_ms_per_request"]
    return round(clients * per_request / (os.cpu_count() or 1), 1)


def report(result: dict, label: str) -> None:
    print(f"{label}: {result['clients']} apprentices (think {result['think_s']} s) for "
          f"{result['seconds']} s: {result['requests']} asks, {result['requests_per_s']} req/s")
    print(f"  latency p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms")
    if "server_p95_ms" in result:
        print(f"  of which in the server (its access log): p50 {result['server_p50_ms']} ms, "
              f"p95 {result['server_p95_ms']} ms, mean {result['server_mean_ms']} ms")
    print(f"  CPU per request: server {result['server_cpu_ms_per_request']} ms, load generator "
          f"{result['client_cpu_ms_per_request']} ms")
    print(f"  errors {result['errors']}  server peak RSS {result['server_peak_rss_mb']} MB")
    for sample in result["error_samples"]:
        print("  error:", sample)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds an apprentice reads before the next question (0: flood)")
    parser.add_argument("--answer-cache", choices=("both", "on", "off"), default="both",
                        help="answers already given kept (on), not (off), or both runs")
    parser.add_argument("--primed", action="store_true",
                        help="ask every question once before the clock starts (answers kept only)")
    parser.add_argument("--client", choices=("httpx", "raw"), default="httpx",
                        help="the apprentices' HTTP client: httpx, or raw HTTP/1.1 on asyncio "
                             "streams (a tenth of a millisecond of CPU a request)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    seconds = min(args.seconds, 300)  # bounded
    caches = ("off", "on") if args.answer_cache == "both" else (args.answer_cache,)
    with tempfile.TemporaryDirectory(prefix="laoshifu-load-") as tmp:
        home = Path(tmp)
        token = prepare(home)
        runs = {cache: measured(home, token, args, seconds, cache, floor=cache == caches[-1])
                for cache in caches}
    result = dict(runs[caches[-1]])  # the figures of the last run (the cache on, by default)
    if len(caches) > 1:
        result["uncached"] = runs["off"]
    result["load_average"] = round(os.getloadavg()[0], 1)
    result["cores"] = os.cpu_count()
    result["floor"]["mean_latency_floor_ms"] = latency_floor_ms(result["floor"], args.clients)
    result["targets_met"] = all(r["errors"] == 0 and r["p95_ms"] <= 200 and r["server_peak_rss_mb"] <= 400
                                for r in runs.values())
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for cache in caches:
            report(runs[cache], "answers worked out every time (LAOSHIFU_ANSWER_CACHE=off)"
                   if cache == "off" else "answers already given kept (the default)"
                   + (", every question asked once before" if runs[cache]["primed"] else ""))
        floor = result["floor"]
        print(f"floor, GET /api/v1/me by the same clients: server {floor['server_cpu_ms_per_request']} ms, "
              f"load generator {floor['client_cpu_ms_per_request']} ms of CPU per request, "
              f"{floor['requests_per_s']} req/s, p95 {floor['p95_ms']} ms"
              + (f" (in the server: p95 {floor['server_p95_ms']} ms)" if "server_p95_ms" in floor else "")
              + f"; mean latency at least {floor['mean_latency_floor_ms']} ms with {args.clients} "
              f"clients on {result['cores']} cores")
        print(f"load average {result['load_average']}; targets "
              f"{'met' if result['targets_met'] else 'NOT met'} (0 errors, p95 <= 200 ms, <= 400 MB)")
    return 0 if result["targets_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
