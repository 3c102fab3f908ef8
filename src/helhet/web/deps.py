"""Dependencies of the pages: the request's database session and the signed-in actor.

``PageActor`` finds the user from the session cookie (``web/session.py``) and checks on every request that
the user may still sign in (active, not a demo user outside demo mode, password unchanged since sign-in);
otherwise it sends the browser to the sign-in page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, overload

from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from helhet.config import get_settings
from helhet.deps import get_session
from helhet.pathways import views
from helhet.users import service as users
from helhet.users import sessions as web_sessions
from helhet.users.actor import Actor
from helhet.users.models import Role, User

USER_KEY = "uid"
UNIT_KEY = "unit"
PASSWORD_KEY = "pwd"
SESSION_KEY = "sid"  # the server-side session (users/sessions.py): ended at sign-out


@dataclass(frozen=True)
class SignedInUser:
    """Who is signed in, as plain values: error pages render after the database session has closed."""

    id: int
    full_name: str
    role: Role


class NotSignedIn(Exception):
    """No valid sign-in: the page redirects to /login and comes back to ``next`` afterwards."""

    def __init__(self, next_path: str = "/") -> None:
        super().__init__(next_path)
        self.next_path = next_path


def page_session(request: Request, session: Annotated[Session, Depends(get_session)]) -> Iterator[Session]:
    """The request's session (from ``helhet.deps.get_session``); an error anywhere rolls back what was begun.

    Every object the request loads is kept until the request ends: the identity map holds objects weakly, so a
    door that reads the person and drops it (each domain's ``get_*`` calls ``persons.get_person``) would make the
    next door read the same row again; held, ``session.get`` answers from the map without a statement."""
    loaded: list[object] = []
    keep = loaded.append

    def hold(_session: Session, instance: object) -> None:
        keep(instance)

    event.listen(session, "loaded_as_persistent", hold)
    try:
        yield session
    except Exception:
        session.rollback()
        raise
    finally:
        switcher = getattr(request.state, "units", None)
        if isinstance(switcher, UnitSwitcher):
            try:
                switcher.settle()
            except SQLAlchemyError:  # the page failed in the database: the error page shows no switcher
                switcher.clear()
        event.remove(session, "loaded_as_persistent", hold)
        loaded.clear()


PageSession = Annotated[Session, Depends(page_session)]


def password_mark(user: User) -> str:
    """A short fingerprint of the password hash: a changed password ends the sessions signed in with the old."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def may_sign_in(user: User) -> bool:
    return user.active and bool(user.password_hash) and (not user.demo_only or get_settings().demo_mode)


def page_actor(request: Request, session: PageSession) -> Actor:
    user_id = request.session.get(USER_KEY)
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if (
        user is None
        or not may_sign_in(user)
        or request.session.get(PASSWORD_KEY) != password_mark(user)
        or not web_sessions.is_live(session, user.id, request.session.get(SESSION_KEY))
    ):
        for key in (USER_KEY, UNIT_KEY, PASSWORD_KEY, SESSION_KEY):
            request.session.pop(key, None)
        raise NotSignedIn(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    unit = request.session.get(UNIT_KEY)
    actor = users.actor_for(user, unit if isinstance(unit, int) else None)
    request.state.user = SignedInUser(user.id, user.full_name, user.role)
    request.state.actor = actor
    request.state.units = UnitSwitcher(session, actor.unit_ids)
    return actor


class UnitSwitcher(Sequence[views.UnitOption]):
    """The actor's units, by name, for the unit switcher: read when a page first shows them, unless the page has
    named them already with its own units in one read (``offer``), as the pathway page does."""

    def __init__(self, session: Session, unit_ids: Iterable[int]) -> None:
        self._session = session
        self._ids = frozenset(unit_ids)
        self._options: list[views.UnitOption] | None = None

    def offer(self, named: Iterable[views.UnitOption]) -> None:
        """Units a page has read (by name): the switcher takes its own from them when they are all there."""
        own = [u for u in named if u.id in self._ids]
        if self._options is None and len(own) == len(self._ids):
            self._options = own

    def settle(self) -> None:
        """Read now (while the request's session is open): an error page renders after it has closed."""
        if self._options is None:
            self._options = views.unit_names(self._session, self._ids)

    def clear(self) -> None:
        """Show no units (the database could not name them)."""
        self._options = []

    def _read(self) -> list[views.UnitOption]:
        self.settle()
        assert self._options is not None
        return self._options

    @overload
    def __getitem__(self, index: int) -> views.UnitOption: ...
    @overload
    def __getitem__(self, index: slice) -> list[views.UnitOption]: ...
    def __getitem__(self, index: int | slice) -> views.UnitOption | list[views.UnitOption]:
        return self._read()[index]

    def __len__(self) -> int:
        return len(self._read())

    def __iter__(self) -> Iterator[views.UnitOption]:
        return iter(self._read())


def offer_units(request: Request, named: Iterable[views.UnitOption]) -> None:
    """Give the unit switcher the units a page has named, so they are not read a second time."""
    switcher = getattr(request.state, "units", None)
    if isinstance(switcher, UnitSwitcher):
        switcher.offer(named)


PageActor = Annotated[Actor, Depends(page_actor)]
