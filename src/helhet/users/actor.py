"""Who is acting: every service function takes an ``Actor`` as its second argument."""

from __future__ import annotations

from dataclasses import dataclass, field

from helhet.users.models import CLINICAL_ROLES, Role


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    role: Role | None  # None only for the system actor
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    active_unit_id: int | None = None

    @property
    def is_system(self) -> bool:
        return self.user_id is None

    @property
    def is_clinical(self) -> bool:
        return self.role in CLINICAL_ROLES

    @property
    def role_name(self) -> str:
        return self.role.value if self.role else "system"


#: imports, the synthetic generator and maintenance commands act as the system; it sees everything it touches
SYSTEM = Actor(user_id=None, username="system", role=None)
