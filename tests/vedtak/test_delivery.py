"""Delivered against decided per ISO week, shortfalls at the set threshold, and a delivery that never started."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from helhet.config import get_settings
from helhet.users.actor import Actor
from helhet.vedtak import delivery
from helhet.vedtak import service as vedtak
from tests.mapping.builders import served_person
from tests.personas import Units
from tests.vedtak.builders import deliver, make_vedtak


def test_sixty_percent_delivery_is_a_shortfall_at_threshold_0_2(
    session: Session, units: Units, coordinator: Actor
) -> None:
    assert get_settings().vedtak_shortfall_threshold == 0.2
    person = served_person(session, units)
    row = make_vedtak(session, coordinator, person.id, units)  # 10 hours a week from Monday 3 March (week 10)
    planted = {
        date(2025, 3, 4): 5.0,  # week 10: 10 hours, in full
        date(2025, 3, 6): 5.0,
        date(2025, 3, 11): 3.5,  # week 11: 6 hours, 60 %
        date(2025, 3, 13): 2.5,
        date(2025, 3, 18): 8.0,  # week 12: 8 hours, exactly 80 %: not short
        date(2025, 3, 25): 10.0,  # week 13
        date(2025, 4, 1): 6.0,  # week 14: 60 %
        date(2025, 4, 8): 2.0,  # week 15 has not ended on 10 April
    }
    for day, hours in planted.items():
        deliver(session, coordinator, row, day, hours)
    weeks = vedtak.delivery_by_week(session, coordinator, row.id, date(2025, 4, 10))
    assert [(w.week, w.decided, w.delivered, w.ratio, w.complete) for w in weeks] == [
        (10, 10.0, 10.0, 1.0, True),
        (11, 10.0, 6.0, 0.6, True),
        (12, 10.0, 8.0, 0.8, True),
        (13, 10.0, 10.0, 1.0, True),
        (14, 10.0, 6.0, 0.6, True),
        (15, 10.0, 2.0, 0.2, False),
    ]
    assert [w.week for w in vedtak.shortfall_weeks(session, coordinator, row.id, date(2025, 4, 10))] == [11, 14]
    report = vedtak.delivery_report(session, coordinator, row.id, date(2025, 4, 10))
    assert [w.week for w in report.shortfall_weeks] == [11, 14]
    assert (report.first_delivery_on, report.not_started, report.started_late) == (date(2025, 3, 4), False, False)
    assert [w.week for w in vedtak.delivery_by_week(session, coordinator, row.id, date(2025, 3, 16))] == [10, 11]


def test_no_delivery_start_within_14_days_is_detected(session: Session, units: Units, coordinator: Actor) -> None:
    person = served_person(session, units)
    row = make_vedtak(session, coordinator, person.id, units, start_on=date(2025, 3, 17))
    assert delivery.NO_DELIVERY_START_DAYS == 14
    assert not vedtak.delivery_report(session, coordinator, row.id, date(2025, 3, 31)).not_started  # day 14
    late = vedtak.delivery_report(session, coordinator, row.id, date(2025, 4, 1))
    assert late.not_started and late.first_delivery_on is None
    assert all(w.shortfall for w in late.weeks if w.complete)
    deliver(session, coordinator, row, date(2025, 4, 3), 4)
    started = vedtak.delivery_report(session, coordinator, row.id, date(2025, 4, 10))
    assert not started.not_started and started.started_late
    assert vedtak.delivery_report(session, coordinator, row.id, date(2025, 4, 2)).not_started  # before it began


def test_a_period_starting_and_ending_mid_week_is_pro_rated() -> None:
    weeks = delivery.by_week(
        7.0,
        date(2025, 3, 6),  # a Thursday
        date(2025, 3, 18),  # a Tuesday
        date(2025, 4, 10),
        [(date(2025, 3, 7), 3.0), (date(2025, 3, 12), 5.0), (date(2025, 3, 18), 2.0)],
        threshold=0.2,
    )
    assert [(w.first_day, w.last_day, w.decided, w.delivered, w.shortfall) for w in weeks] == [
        (date(2025, 3, 6), date(2025, 3, 9), 4.0, 3.0, True),  # 75 % of four days' share
        (date(2025, 3, 10), date(2025, 3, 16), 7.0, 5.0, True),
        (date(2025, 3, 17), date(2025, 3, 18), 2.0, 2.0, False),
    ]


def test_weeks_are_iso_weeks_across_the_new_year() -> None:
    weeks = delivery.weeks(date(2024, 12, 30), None, date(2025, 1, 8))
    assert [(first.isocalendar()[:2], complete) for first, _, complete in weeks] == [
        ((2025, 1), True),
        ((2025, 2), False),
    ]
    assert delivery.by_week(5.0, date(2025, 5, 1), None, date(2025, 4, 10), [], 0.2) == []


def test_float_sums_reaching_the_threshold_are_not_short() -> None:
    hours = [(date(2025, 3, 3), 0.1), (date(2025, 3, 4), 0.2), (date(2025, 3, 5), 0.5)]
    (week,) = delivery.by_week(1.0, date(2025, 3, 3), date(2025, 3, 9), date(2025, 3, 10), hours, threshold=0.2)
    assert week.ratio == 0.8 and not week.shortfall


def test_recent_shortfalls_count_only_the_look_back_window() -> None:
    weeks = delivery.by_week(10.0, date(2025, 1, 6), None, date(2025, 4, 10), [], threshold=0.2)
    assert len(delivery.shortfalls(weeks)) == 13  # weeks 2 to 14; week 15 is not over
    assert delivery.recent_shortfalls(weeks, date(2025, 4, 10)) == 4
