"""``create_app()``: the FastAPI application with the JSON API under /api/v1 (and the staff pages)."""

from __future__ import annotations

import gc
import importlib
import logging
import pkgutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from helhet import __version__, api
from helhet.api import problems
from helhet.config import get_settings

log = logging.getLogger(__name__)


def configure_logging() -> None:
    logging.basicConfig(
        level=get_settings().log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=False
    )


def api_router() -> APIRouter:
    """Every module in ``helhet.api`` with a ``router`` is mounted under /api/v1 (a new domain needs no edit)."""
    router = APIRouter(prefix="/api/v1")
    for info in sorted(pkgutil.iter_modules(api.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"helhet.api.{info.name}")
        if hasattr(module, "router"):
            router.include_router(module.router)
    return router


#: the youngest generation is collected when this many more objects live than at the last collection: above
#: what one request holds at once (a pathway read of 1,000 events about 5,000), so a request's objects are freed
#: by reference counting before a collection walks them and none are promoted to be walked again by a full one
YOUNG_COLLECTION_THRESHOLD = 10_000
_settled = False


def settle_heap() -> None:
    """Tune the garbage collector for serving, once per process (a test process makes many apps). What start-up
    made (modules, routes, statements built once: about 270,000 objects) is put out of the collector's reach, so
    a collection walks only what requests made: without it a full collection came every few hundred pathway
    reads and held one up for 200 ms. And the youngest generation waits for ``YOUNG_COLLECTION_THRESHOLD``
    objects: with the default 700 a pathway read set off three collections and every few dozen reads a full one
    (20 ms); now 400 reads in a row set off none."""
    global _settled
    if _settled:
        return
    gc.collect()  # the start-up's own garbage is freed, not frozen
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, middle, oldest)
    _settled = True


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    settle_heap()  # every module is imported and the app built: nothing start-up makes comes later
    yield


def create_app() -> FastAPI:
    configure_logging()
    app = FastAPI(
        lifespan=_lifespan,
        title="Helhet",
        version=__version__,
        description="A shared pathway around the person in Norwegian substance-use treatment.",
        openapi_url="/openapi.json",
    )
    problems.install(app)
    app.include_router(api_router())
    from helhet import web  # staff pages: sessions, security headers, static files, HTML errors

    web.install(app)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
