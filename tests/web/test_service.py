"""Running day and night: /healthz, imports that do not stop everyone else (and stop at
their time budget), the index saved at shutdown and loaded at start, the access log, the
API docs without the internet."""

from __future__ import annotations

import gc
import io
import re
import threading
import time
import zipfile

from fastapi.testclient import TestClient

from laoshifu.store import Store
from laoshifu.store.damage import StoreDamaged

from .conftest import PASSWORD, csrf_of


def _handbook_zip(headings: int) -> bytes:
    """A knowledge folder whose handbook has many sections: seconds of parsing."""
    text = "".join(f"## 第{i}节 退火要点\n\n露点控制第{i}条，氢气比例要配着看。\n\n" for i in range(headings))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big/handbook/big.md", text)
    return buffer.getvalue()


def _app(world, **options):
    from laoshifu.web.app import create_app

    return create_app(world.store, max_upload_bytes=4 * 1024 * 1024, **options)


# -- /healthz ------------------------------------------------------------------------------
def test_healthz_says_store_index_and_version_without_login(world):
    client = world.client()
    first = client.get("/healthz")
    assert first.status_code == 200 and first.headers["cache-control"] == "no-store"
    body = first.json()
    assert set(body) == {"status", "version", "store", "store_version", "indexes", "uptime_s"}
    assert body["store"] == "ok" and body["version"] and body["status"] == "starting"
    assert body["indexes"] == {"main": "loading", "other": "loading"}
    world.api("xiao").post("/api/v1/ask", json={"question": "露点控制在多少？"})
    assert client.get("/healthz").json()["indexes"]["main"] == "ready"
    world.api("wang").post("/api/v1/units", json={"kind": "note", "id": "n-h", "title": "新笔记",
                                                 "body": "露点仪要校准。"})
    assert client.get("/healthz").json()["indexes"]["main"] == "updating"
    # nothing secret: no paths, URLs, users
    text = first.text
    assert "sqlite" not in text and "/" not in text.replace("\\/", "") and "wang" not in text


def test_healthz_is_503_when_the_store_is_damaged(world, monkeypatch):
    def damaged():
        from laoshifu.errors import Problem
        raise StoreDamaged(Problem("the store is damaged", file="/secret/path/laoshifu.db"))

    monkeypatch.setattr(world.store, "version", damaged)
    answer = world.client().get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["status"] == "store damaged" and "secret" not in answer.text


def test_the_served_app_loads_its_indexes_at_start_and_saves_them_at_shutdown(world, tmp_path,
                                                                              monkeypatch):
    index_dir = tmp_path / "index"
    with TestClient(_app(world, index_dir=index_dir, warm=True)) as client:
        deadline = time.monotonic() + 60
        while client.get("/healthz").json()["status"] != "ok":
            assert time.monotonic() < deadline, "indexes never loaded"
            time.sleep(0.05)
        assert not (index_dir / "main").exists()  # not saved at every change
    # the lifespan ended after the requests: both bases were saved
    state = (index_dir / "main" / "state.json").read_text(encoding="utf-8")
    assert f'"store_version": {world.store.version()}' in state
    assert (index_dir / "other" / "state.json").exists()
    # the next start loads them: no index is built
    from laoshifu.answer import asker

    def no_build(*args, **kwargs):
        raise AssertionError("the saved index should have been loaded")

    monkeypatch.setattr(asker, "build_index", no_build)
    again = Store.open(world.store.url)
    try:
        with TestClient(_app_on(again, index_dir)) as client:
            client.headers["Authorization"] = f"Bearer {world.tokens['xiao']}"
            answer = client.post("/api/v1/ask", json={"question": "脱碳退火露点控制在多少？"})
            assert answer.status_code == 200 and not answer.json()["refused"]
    finally:
        again.close()


def _app_on(store, index_dir):
    from laoshifu.web.app import create_app

    return create_app(store, index_dir=index_dir)


# -- imports off the event loop, within a budget ----------------------------------------------
def test_a_slow_import_does_not_block_healthz_or_asking(world):
    # Large enough to take seconds however fast imports get (8,000 units took 0.35 s here).
    data = _handbook_zip(40000)
    api = world.api("wang")
    # the test worker's heap from earlier tests is not the server's: keep full collections of
    # it out of the measured waits
    gc.freeze()
    try:
        with TestClient(world.app) as client:
            client.headers["Authorization"] = f"Bearer {world.tokens['xiao']}"
            client.post("/api/v1/ask", json={"question": "露点控制在多少？"})  # index in memory
            result = {}

            def upload():
                started = time.monotonic()
                result["response"] = client.post(
                    "/api/v1/import", data={"base": "main", "dry_run": "true"},
                    files={"file": ("big.zip", data, "application/zip")},
                    headers={"Authorization": api.headers["Authorization"]})
                result["seconds"] = time.monotonic() - started

            importer = threading.Thread(target=upload)
            importer.start()
            time.sleep(0.3)
            waits = []
            while importer.is_alive():
                started = time.monotonic()
                assert client.get("/healthz").status_code == 200
                asked = client.post("/api/v1/ask", json={"question": "氢气比例多少合适？"})
                assert asked.status_code == 200
                waits.append(time.monotonic() - started)
            importer.join()
    finally:
        gc.unfreeze()
    assert result["response"].status_code == 200, result["response"].text
    assert result["response"].json()["created"] == 40000
    assert result["seconds"] > 0.5  # a slow import indeed (seconds on a loaded machine)
    # while it ran, other users were answered, each in a small part of its time (before,
    # the first of them waited for the whole import)
    # (one 1.4 s pause in 2.5 s was seen once in the full suite on a loaded machine: a bound on
    # the typical wait and on the count, with the longest well under the import's time, still
    # fails for an import that blocks — its first asker waits the whole import)
    assert len(waits) >= 10, waits
    assert sorted(waits)[len(waits) // 2] < 0.5, waits
    assert max(waits) < result["seconds"] * 0.75, waits


def test_an_import_past_its_time_budget_is_stopped_and_changes_nothing(world):
    before = len(world.store.list_units("main"))
    app = _app(world, import_seconds=0.2)
    data = _handbook_zip(30000)
    api = TestClient(app)
    api.headers["Authorization"] = f"Bearer {world.tokens['wang']}"
    answer = api.post("/api/v1/import", data={"base": "main"},
                      files={"file": ("big.zip", data, "application/zip")})
    assert answer.status_code == 503
    error = answer.json()["error"]
    assert error["code"] == "over_time"
    assert error["message"] == ("importing big.zip took longer than 0.2 s and was stopped; "
                                "nothing was changed")
    assert "laoshifu import" in error["problems"][0]["hint"]
    # the page says the same
    page = TestClient(app)
    from .conftest import login
    login(page, "wang", PASSWORD)
    token = csrf_of(page.get("/import").text)
    shown = page.post("/import", data={"csrf": token, "base": "main"},
                      files={"file": ("big.zip", data, "application/zip")})
    assert shown.status_code == 503 and "took longer than 0.2 s" in shown.text
    assert len(world.store.list_units("main")) == before


def test_an_import_error_in_the_child_comes_back_whole(world):
    """Problems keep their file, line and field across the process boundary."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("kb/parameters.csv", "id,process,name,unit,target,lower,upper\n"
                                              "p1,脱碳退火,露点,℃,abc,55,65\n")
    answer = world.api("wang").post("/api/v1/import", data={"base": "main"},
                                    files={"file": ("kb.zip", buffer.getvalue(), "application/zip")})
    assert answer.status_code == 400
    problem = answer.json()["error"]["problems"][0]
    assert problem["file"].endswith("parameters.csv") and problem["line"] == 2
    assert problem["field"] == "target"


# -- the access log --------------------------------------------------------------------------
LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (GET|POST) (\S+) (\d{3}) \d+\.\dms (\S+)$")


def test_the_access_log_has_method_path_status_time_user_and_no_secrets(world, tmp_path):
    log = tmp_path / "logs" / "access.log"
    app = _app(world, access_log=log)
    api = TestClient(app)
    api.headers["Authorization"] = f"Bearer {world.tokens['xiao']}"
    api.post("/api/v1/ask?token=SECRET-IN-QUERY", json={"question": "露点控制在多少？"})
    TestClient(app).get("/login?next=/units%0A2026-01-01T00:00:00.000Z GET /forged 200 1.0ms admin")
    page = TestClient(app)
    from .conftest import login
    login(page, "wang", PASSWORD)
    page.get("/units/no-such-unit")
    lines = log.read_text(encoding="utf-8").splitlines()
    parsed = [LINE.match(x) for x in lines]
    assert all(parsed), lines
    seen = [(m[1], m[2], m[3], m[4]) for m in parsed]
    assert seen[0] == ("POST", "/api/v1/ask", "200", "xiao")
    assert seen[1] == ("GET", "/login", "200", "-")
    assert ("POST", "/login", "303", "-") in seen
    assert ("GET", "/units/no-such-unit", "404", "wang") in seen
    text = log.read_text(encoding="utf-8")
    assert "SECRET" not in text and "forged" not in text and PASSWORD not in text
    assert world.tokens["xiao"] not in text


def test_the_access_log_rotates_and_two_workers_lose_no_line(tmp_path):
    import logging

    from laoshifu.web.access_log import SharedRotatingFileHandler

    path = tmp_path / "access.log"
    # two processes' handlers on one file, as two uvicorn workers have
    workers = [SharedRotatingFileHandler(path, max_bytes=2000, backups=50) for _ in range(2)]
    for i in range(300):
        record = logging.LogRecord("a", logging.INFO, "", 0, f"line {i:04d} " + "x" * 40, None, None)
        workers[i % 2].emit(record)
    for handler in workers:
        handler.close()
    files = sorted(tmp_path.glob("access.log*"))
    assert len(files) > 5
    assert all(f.stat().st_size <= 2000 for f in files)
    numbers = sorted(int(x.split()[1]) for f in files for x in f.read_text().splitlines())
    assert numbers == list(range(300))


# -- API docs offline --------------------------------------------------------------------------
def test_the_api_docs_load_nothing_from_the_internet(world):
    client = world.client()
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "http" not in page.text.replace("http-equiv", "")  # no CDN
    assert "<script>" not in page.text  # no inline script: the CSP stays as it is
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for name, kind in (("swagger-ui-bundle.js", "text/javascript"), ("swagger-ui.css", "text/css"),
                       ("LICENSE", "text/plain")):
        asset = client.get(f"/api/v1/docs/{name}")
        assert asset.status_code == 200 and asset.headers["content-type"].startswith(kind)
    assert "Apache License" in client.get("/api/v1/docs/LICENSE").text
    assert client.get("/static/api-docs.js").status_code == 200
    assert client.get("/api/v1/docs/..%2Fcore.py").status_code == 404
    assert client.get("/api/v1/docs/index.html").status_code == 404
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "Laoshifu 老师傅"
