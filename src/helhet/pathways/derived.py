"""Facts derived per referral (DOMAIN.md §13.3): waiting time, assessment and start-deadline breaches, and the
level of care three times over: wished by the person, assigned by the assessment, delivered by the first episode.

Pure functions over plain values, shared by the pathway page, the worklists and the atlas.
"""

from __future__ import annotations

from datetime import date

from helhet.pathways.schemas import ReferralFacts
from helhet.reference.units import CareLevel


def referral_facts(
    *,
    referral_id: int,
    received_on: date,
    assessment_due: date,
    assessed_on: date | None,
    start_deadline: date | None,
    first_start: date | None,
    wished_level: CareLevel | None,
    assigned_level: CareLevel | None,
    delivered_level: CareLevel | None,
    today: date,
) -> ReferralFacts:
    assessment_breached = (assessed_on or today) > assessment_due
    start_breached = False
    if start_deadline is not None:
        start_breached = (first_start or today) > start_deadline
    waiting = (first_start - received_on).days if first_start is not None else None
    return ReferralFacts(
        referral_id=referral_id,
        received_on=received_on,
        assessment_due=assessment_due,
        assessed_on=assessed_on,
        assessment_breached=assessment_breached,
        start_deadline=start_deadline,
        first_start=first_start,
        start_deadline_breached=start_breached,
        waiting_days=waiting,
        wished_level=wished_level,
        assigned_level=assigned_level,
        delivered_level=delivered_level,
    )
