"""The staff web app: server-rendered pages (FastAPI + Jinja2) that work without JavaScript.

``install(app)`` adds everything to the app made by ``helhet.app.create_app()``: the security headers, the
signed session cookie, the static files, HTML error pages for every path outside /api, and the page routers
(one module per domain: auth, home, persons, referrals, episodes, and the coordination domains).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles


def install(app: FastAPI) -> None:
    from helhet.web import (
        appointments,
        atlas,
        auth,
        careplans,
        crisis_plans,
        episodes,
        errors,
        handovers,
        home,
        mapping,
        persons,
        referrals,
        relatives,
        tasks,
        vedtak,
    )
    from helhet.web.render import STATIC_DIR
    from helhet.web.security import SecurityHeadersMiddleware
    from helhet.web.session import WebSessionMiddleware

    app.add_middleware(WebSessionMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)  # added last, so outermost: every response gets the headers
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    errors.install(app)
    pages = (auth, home, persons, referrals, episodes, handovers, tasks, careplans, crisis_plans, mapping, vedtak)
    for module in (*pages, relatives, appointments, atlas):
        app.include_router(module.router)


__all__ = ["install"]
