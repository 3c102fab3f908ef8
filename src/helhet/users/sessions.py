"""Browser sessions known to the server: started at sign-in, checked on every page, ended at sign-out.

The signed cookie (``web/session.py``) carries a random session id; the server keeps only its SHA-256 hash.
A page request is served only while that row exists and has not ended, so signing out ends the session for
every copy of the cookie, and ``helhet users sign-out NAME`` ends all of a user's sessions (a lost laptop).
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from helhet import clock
from helhet.audit import log as audit
from helhet.users.actor import Actor
from helhet.users.models import WebSession

SIGNED_OUT = "signed_out"
REVOKED = "revoked"


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def start_session(session: Session, user_id: int) -> str:
    """A new session for ``user_id``; returns the id to put in the cookie (shown nowhere else)."""
    sid = secrets.token_urlsafe(32)
    session.add(WebSession(sid_hash=_hash(sid), user_id=user_id, started_at=clock.now()))
    session.flush()
    return sid


def is_live(session: Session, user_id: int, sid: object) -> bool:
    """Whether ``sid`` is a session of ``user_id`` that has not ended (one primary-key-sized lookup)."""
    if not isinstance(sid, str) or not sid:
        return False
    found = session.scalar(
        select(WebSession.id).where(
            WebSession.sid_hash == _hash(sid), WebSession.user_id == user_id, WebSession.ended_at.is_(None)
        )
    )
    return found is not None


def end_session(session: Session, sid: object) -> None:
    """Sign-out: the session ends now (nothing happens for an unknown or already ended id)."""
    if not isinstance(sid, str) or not sid:
        return
    session.execute(
        update(WebSession)
        .where(WebSession.sid_hash == _hash(sid), WebSession.ended_at.is_(None))
        .values(ended_at=clock.now(), end_reason=SIGNED_OUT)
    )


def end_all_sessions(session: Session, actor: Actor, user_id: int) -> int:
    """End every open session of a user (an administrator's action, logged); returns how many were open."""
    result = session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
        .values(ended_at=clock.now(), end_reason=REVOKED)
    )
    ended = int(result.rowcount or 0)  # type: ignore[attr-defined]
    audit.record_change(session, actor, "user.sessions_ended", "user", user_id, detail={"sessions": ended})
    return ended
