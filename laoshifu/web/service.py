"""Running day and night: /healthz for a supervisor, the indexes loaded at start (so the
first apprentice does not wait), and saved at a graceful shutdown (so the next start loads
them instead of rebuilding). Uvicorn lets requests in flight finish before shutdown."""

from __future__ import annotations

import logging
import threading
import time
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from .. import health

router = APIRouter(include_in_schema=False)
log = logging.getLogger("laoshifu.web")


@router.get("/healthz")
def healthz(request: Request) -> JSONResponse:
    """No login needed; 503 when the store cannot be read."""
    state = request.app.state
    report = health.check(state.store, state.indexes.loaded(), time.monotonic() - state.started)
    return JSONResponse(report.to_dict(), status_code=200 if report.ok else 503,
                        headers={"Cache-Control": "no-store"})


@asynccontextmanager
async def lifespan(app: FastAPI):
    if app.state.warm:
        threading.Thread(target=_warm, args=(app,), name="laoshifu-warm", daemon=True).start()
    yield
    # Every request has finished (uvicorn waits for them before the lifespan ends).
    saved = await run_in_threadpool(app.state.indexes.save_all)
    if saved:
        log.warning("saved the search index of %s for the next start", ", ".join(saved))


def _warm(app: FastAPI) -> None:
    try:
        for base in app.state.store.bases():
            app.state.indexes.get(base)
    except Exception:  # noqa: BLE001 - the first question loads it again, and says why
        log.exception("could not load the search indexes at start")
