"""JSON API: one person's gaps."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from helhet.api.worklists import gap_json
from helhet.deps import ApiActor, DbSession
from helhet.gaps import service as gaps

router = APIRouter(tags=["gaps"])


@router.get("/persons/{person_id}/gaps")
def person_gaps(person_id: int, session: DbSession, actor: ApiActor) -> dict[str, Any]:
    """The person's gaps with the rule in plain words, its source, and what to do about it."""
    result = gaps.person_gaps(session, actor, person_id)
    body = gap_json(result)
    body["checks"] = [{"code": r.code, "outcome": r.outcome.value, "detail": r.detail} for r in result.results]
    session.commit()
    return body
