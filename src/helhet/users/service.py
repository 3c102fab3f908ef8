"""Adding users, checking passwords, and issuing, resolving and revoking API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from helhet import clock
from helhet.audit import log as audit
from helhet.config import get_settings
from helhet.errors import Conflict, Invalid, NotFound
from helhet.units.models import Unit
from helhet.users.actor import SYSTEM, Actor
from helhet.users.models import ApiToken, Membership, Role, User

_hasher = PasswordHasher()
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
TOKEN_PREFIX = "hh_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class NewUser:
    username: str
    full_name: str
    role: Role
    password: str | None = None
    unit_codes: tuple[str, ...] = ()
    hpr_number: str | None = None
    demo_only: bool = False


def add_user(session: Session, actor: Actor, data: NewUser) -> User:
    if not USERNAME_RE.match(data.username):
        raise Invalid("username", data.username, "use 2-80 lower-case letters, digits, '.', '_' or '-'")
    if session.scalar(select(User.id).where(User.username == data.username)) is not None:
        raise Conflict(f"user name {data.username!r} is taken")
    if data.password is not None and len(data.password) < 10:
        raise Invalid("password", "***", "must be at least 10 characters")
    if data.hpr_number is not None and not re.fullmatch(r"\d{7,9}", data.hpr_number):
        raise Invalid("hpr_number", data.hpr_number, "HPR numbers have 7 to 9 digits")
    user = User(
        username=data.username,
        full_name=data.full_name.strip(),
        role=data.role,
        hpr_number=data.hpr_number,
        password_hash=hash_password(data.password) if data.password else None,
        demo_only=data.demo_only,
        created_at=clock.now(),
    )
    for code in data.unit_codes:
        unit = session.scalar(select(Unit).where(Unit.code == code))
        if unit is None:
            raise Invalid("unit", code, "no unit has this code")
        user.memberships.append(Membership(unit_id=unit.id))
    session.add(user)
    session.flush()
    audit.record_change(session, actor, "user.added", "user", user.id, detail={"role": data.role.value})
    return user


def get_user_by_name(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound("user", username)
    return user


def actor_for(user: User, active_unit_id: int | None = None) -> Actor:
    unit_ids = frozenset(m.unit_id for m in user.memberships)
    if active_unit_id is not None and active_unit_id not in unit_ids:
        active_unit_id = None
    if active_unit_id is None and len(unit_ids) == 1:
        active_unit_id = next(iter(unit_ids))
    return Actor(
        user_id=user.id,
        username=user.username,
        role=user.role,
        unit_ids=unit_ids,
        active_unit_id=active_unit_id,
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, actor: Actor, username: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Issue a bearer token; the clear text is returned once and never stored."""
    user = get_user_by_name(session, username)
    days = days if days is not None else get_settings().token_days
    if not 1 <= days <= 366:
        raise Invalid("days", days, "a token lives between 1 and 366 days")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    row = ApiToken(
        user_id=user.id,
        token_hash=_token_hash(token),
        prefix=token[:10],
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(row)
    session.flush()
    audit.record_change(session, actor, "token.issued", "api_token", row.id, detail={"user": user.username})
    return row, token


def revoke_token(session: Session, actor: Actor, token_id: int) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound("api_token", token_id)
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        audit.record_change(session, actor, "token.revoked", "api_token", row.id)
    return row


def user_for_token(session: Session, token: str, now: datetime | None = None) -> User | None:
    """The active user behind a valid, unexpired, unrevoked token, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    now = now or clock.now()
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    if user.demo_only and not get_settings().demo_mode:
        return None
    return user


__all__ = ["SYSTEM", "NewUser", "actor_for", "add_user", "issue_token", "revoke_token", "user_for_token"]
