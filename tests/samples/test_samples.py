"""Sample pathways go through the real services, so they are valid by construction."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helhet import samples
from helhet.assessments.models import Assessment
from helhet.audit import log as audit
from helhet.referrals.models import Referral
from helhet.transitions.models import Handover, HandoverStatus
from helhet.vedtak.models import ServiceDelivery


def test_samples_fill_every_part_of_a_pathway(session: Session) -> None:
    summary = samples.generate(session, persons=40, seed=7)
    assert summary.persons >= 35
    assert summary.assessments > 0 and summary.episodes > 0 and summary.appointments > 0
    differing = session.scalars(select(Assessment).where(Assessment.wish_difference_reason.is_not(None))).all()
    assert all(a.wish_difference_note for a in differing)
    assert session.scalar(select(func.count()).select_from(Referral)) >= summary.referrals
    audit.flush_pending(session)
    assert audit.verify(session).ok


def test_samples_are_deterministic(session: Session) -> None:
    first = samples.generate(session, persons=15, seed=3)
    names_first = session.scalars(select(Referral.what_matters).order_by(Referral.id)).all()
    session.rollback()
    second = samples.generate(session, persons=15, seed=3)
    names_second = session.scalars(select(Referral.what_matters).order_by(Referral.id)).all()
    assert str(first) == str(second)
    assert names_first == names_second


def test_samples_fill_the_coordination_parts_through_their_services(session: Session) -> None:
    summary = samples.generate(session, persons=80, seed=11).coordination
    counts = (summary.coordinators, summary.care_plans, summary.questionnaires, summary.crisis_plans)
    assert all(n > 0 for n in counts), summary
    assert summary.vedtak > 0 and summary.relatives > 0 and summary.handovers > 0, summary
    statuses = set(session.scalars(select(Handover.status)))
    assert {HandoverStatus.ACCEPTED, HandoverStatus.PENDING} <= statuses  # worklists have both kinds
    delivered = session.scalar(select(func.count()).select_from(ServiceDelivery))
    assert delivered and delivered > summary.vedtak  # weeks of delivered service, not just the decisions
    audit.flush_pending(session)
    assert audit.verify(session).ok


def test_the_demo_leaves_every_gap_snapshot_current(session: Session) -> None:
    from helhet import clock
    from helhet.cli.demo import refresh_gap_snapshots
    from helhet.gaps import snapshot
    from helhet.persons.models import Person

    samples.generate(session, persons=12, seed=5)
    today = clock.today()
    every_person = select(Person.id)
    assert snapshot.stale(session, every_person, today, snapshot.rules_key())  # the writes marked them
    assert refresh_gap_snapshots(session, today) > 0
    assert snapshot.stale(session, every_person, today, snapshot.rules_key()) == {}
    assert refresh_gap_snapshots(session, today) == 0  # nothing left to do
