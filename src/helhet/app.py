"""``create_app()``: the FastAPI application with the JSON API under /api/v1 (and the staff pages)."""

from __future__ import annotations

import importlib
import logging
import pkgutil

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


def create_app() -> FastAPI:
    configure_logging()
    app = FastAPI(
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
