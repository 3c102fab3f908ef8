"""The error tree of Helhet. Services raise these; the web, API and CLI edges translate them.

::

    HelhetError
    ├── NotFound      a record does not exist, or the actor has no reason to see it (same answer for both)
    ├── Invalid       bad input: field, value and reason (several may be collected in InvalidMany)
    │   └── InvalidMany
    ├── Conflict      a stale version, a duplicate, or a state that does not allow the action
    └── Forbidden     the actor is known to see the record but may not do this to it
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class HelhetError(Exception):
    """Base of every error Helhet raises on purpose."""


class NotFound(HelhetError):
    def __init__(self, entity: str, key: object) -> None:
        super().__init__(f"{entity} {key!r} not found")
        self.entity, self.key = entity, key


@dataclass(frozen=True)
class Problem:
    field: str
    value: Any
    reason: str

    def as_dict(self) -> dict[str, Any]:
        value = self.value if isinstance(self.value, str | int | float | bool | None) else str(self.value)
        return {"field": self.field, "value": value, "reason": self.reason}


class Invalid(HelhetError):
    def __init__(self, field: str, value: object, reason: str) -> None:
        super().__init__(f"{field}={value!r}: {reason}")
        self.field, self.value, self.reason = field, value, reason

    @property
    def problems(self) -> list[Problem]:
        return [Problem(self.field, self.value, self.reason)]


class InvalidMany(Invalid):
    """Several problems found at once, so the user can fix them in one go."""

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        super().__init__(first.field, first.value, first.reason)
        self._problems = problems

    @property
    def problems(self) -> list[Problem]:
        return list(self._problems)


class Conflict(HelhetError):
    def __init__(self, message: str, *, current_version: int | None = None) -> None:
        super().__init__(message)
        self.current_version = current_version


class Forbidden(HelhetError):
    pass


def check_version(entity: str, current: int, expected: int | None) -> None:
    """Refuse an update made against an older version of the record (optimistic locking)."""
    if expected is not None and expected != current:
        raise Conflict(
            f"{entity} was changed by someone else (version {current}, you sent {expected}); reload and try again",
            current_version=current,
        )
