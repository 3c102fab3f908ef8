"""Checking a user name and password, with lock-out after repeated failures.

HTTP-free on purpose (it belongs with the users service and can move there): the page route in ``auth.py``
calls ``sign_in`` and commits, so failures and lock-outs are saved even though the sign-in is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache

from sqlalchemy.orm import Session

from helhet import clock
from helhet.audit import log as audit
from helhet.config import get_settings
from helhet.errors import NotFound
from helhet.users import service as users
from helhet.users.models import User


class Refusal(StrEnum):
    BAD_CREDENTIALS = "bad_credentials"  # unknown user and wrong password: the same answer
    LOCKED = "locked"
    DEMO_ONLY = "demo_only"


@dataclass(frozen=True)
class SignIn:
    user: User | None
    refusal: Refusal | None = None
    locked_until: datetime | None = None


@cache
def _decoy_hash() -> str:
    """Checked against when the user is unknown, so the answer takes as long as for a real user."""
    return users.hash_password("decoy-password-never-matches")


def sign_in(session: Session, username: str, password: str) -> SignIn:
    settings = get_settings()
    now = clock.now()
    try:
        user: User | None = users.get_user_by_name(session, username.strip().lower())
    except NotFound:
        user = None
    if user is None or not user.active or not user.password_hash:
        users.password_matches(_decoy_hash(), password)
        return SignIn(None, Refusal.BAD_CREDENTIALS)
    actor = users.actor_for(user)
    if user.locked_until is not None and user.locked_until > now:
        return SignIn(None, Refusal.LOCKED, user.locked_until)
    if not users.password_matches(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= settings.max_failed_logins:
            user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
            user.failed_logins = 0
            session.flush()
            audit.record_change(session, actor, "user.locked", "user", user.id)
            return SignIn(None, Refusal.LOCKED, user.locked_until)
        session.flush()
        audit.record_change(session, actor, "user.sign_in_failed", "user", user.id)
        return SignIn(None, Refusal.BAD_CREDENTIALS)
    if user.demo_only and not settings.demo_mode:
        return SignIn(None, Refusal.DEMO_ONLY)
    if user.failed_logins or user.locked_until is not None:
        user.failed_logins = 0
        user.locked_until = None
        session.flush()
    audit.record_change(session, actor, "user.signed_in", "user", user.id)
    return SignIn(user)
