"""JSON API: worklists and gaps for the actor's unit (active unit, or ?unit_id= one of the actor's units)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Query

from helhet.deps import ApiActor, DbSession
from helhet.gaps import service as gaps
from helhet.worklists import core as worklists

router = APIRouter(prefix="/worklists", tags=["worklists"])


def _page(limit: int, offset: int) -> worklists.Page:
    return worklists.Page(limit=limit, offset=offset)


@router.get("/assessments-due")
def assessments_due(
    session: DbSession,
    actor: ApiActor,
    unit_id: int | None = None,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
) -> list[dict[str, Any]]:
    rows = [asdict(r) for r in worklists.assessments_due(session, actor, unit_id, _page(limit, offset))]
    session.commit()
    return rows


@router.get("/deadlines-at-risk")
def deadlines_at_risk(
    session: DbSession,
    actor: ApiActor,
    unit_id: int | None = None,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
) -> list[dict[str, Any]]:
    rows = [asdict(r) for r in worklists.deadlines_at_risk(session, actor, unit_id, _page(limit, offset))]
    session.commit()
    return rows


def gap_json(result: gaps.PersonGaps) -> dict[str, Any]:
    return {
        "person_id": result.person_id,
        "person_name": result.person_name,
        "gaps": [
            {
                "code": g.check.code,
                "severity": g.check.severity.value,
                "rule": g.check.rule_en,
                "rule_nb": g.check.rule_nb,
                "action": g.check.action_en,
                "source": g.check.source,
                "detail": g.result.detail,
            }
            for g in result.gaps
        ],
    }


@router.get("/persons-with-gaps")
def persons_with_gaps(
    session: DbSession,
    actor: ApiActor,
    unit_id: int | None = None,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
) -> list[dict[str, Any]]:
    rows = [gap_json(r) for r in gaps.unit_gaps(session, actor, unit_id, _page(limit, offset))]
    session.commit()
    return rows
