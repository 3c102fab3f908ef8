"""The rules the services enforce, checked over whole generated tables: each rule returns the offending rows.

Used on Parquet output and on rows read back from a database, so "valid by construction" is checked the same
way on both. Row-by-row rules call the services' own functions (``fodselsnummer.parse``, ``deadlines``,
``reference.referral_area_for``); set rules are DuckDB SQL over the Arrow tables.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from helhet import reference
from helhet.mapping import instruments
from helhet.persons import fodselsnummer
from helhet.reference.units import MUNICIPAL_KINDS
from helhet.referrals import deadlines
from helhet.referrals.deadlines import Condition, DeadlineInput
from helhet.transitions import service as transitions
from helhet.transitions.models import ChecklistItem

Tables = dict[str, pa.Table]
Rule = Callable[[duckdb.DuckDBPyConnection, Tables, date], list[Any]]
RULES: dict[str, Rule] = {}


def rule(fn: Rule) -> Rule:
    RULES[fn.__name__] = fn
    return fn


def sql(con: duckdb.DuckDBPyConnection, query: str) -> list[Any]:
    return con.execute(query).fetchall()


@rule
def fodselsnummer_valid_synthetic_and_matching(con: duckdb.DuckDBPyConnection, t: Tables, as_of: date) -> list[Any]:
    bad = []
    for fnr, born, sex, kind in sql(con, "SELECT fodselsnummer, birth_date, sex, id_kind FROM person"):
        try:
            parsed = fodselsnummer.parse(fnr, allow_2032_rule=False)
        except fodselsnummer.InvalidId as exc:
            bad.append((fnr, exc.reason))
            continue
        if not parsed.synthetic or parsed.birth_date != born or parsed.sex != sex or kind != parsed.kind.value:
            bad.append((fnr, born, sex, kind))
    return bad + sql(con, "SELECT fodselsnummer FROM person GROUP BY 1 HAVING count(*) > 1")


@rule
def assessment_due_is_ten_working_days(con: duckdb.DuckDBPyConnection, t: Tables, as_of: date) -> list[Any]:
    rows = sql(con, "SELECT DISTINCT received_on, assessment_due FROM referral")
    return [(r, d) for r, d in rows if deadlines.assessment_due(r) != d]


@rule
def under_23_matches_age_at_receipt(con: duckdb.DuckDBPyConnection, t: Tables, as_of: date) -> list[Any]:
    rows = sql(
        con, "SELECT r.id, p.birth_date, r.received_on, r.under_23 FROM referral r JOIN person p ON p.id = r.person_id"
    )
    return [r for r in rows if (deadlines.age_on(r[1], r[2]) < 23) != r[3]]


@rule
def wish_difference_has_reason_and_note(con: duckdb.DuckDBPyConnection, t: Tables, as_of: date) -> list[Any]:
    return sql(
        con,
        """SELECT a.id FROM assessment a JOIN referral r ON r.id = a.referral_id
        WHERE (a.wished_level IS DISTINCT FROM r.wished_level)
           OR (a.assigned_level IS NOT NULL AND a.wished_level IS NOT NULL AND a.assigned_level <> a.wished_level
               AND (a.wish_difference_reason IS NULL OR coalesce(trim(a.wish_difference_note), '') = ''))
           OR ((a.assigned_level IS NULL OR a.wished_level IS NULL OR a.assigned_level = a.wished_level)
               AND a.wish_difference_reason IS NOT NULL)""",
    )


def _guideline_options(received: date, condition: str, age: int, injecting: bool) -> set[date]:
    options = set()
    for heavy in (False, True):
        for groin in (False, True):
            inp = DeadlineInput(received, Condition(condition), age, heavy, injecting, groin and injecting)
            options.add(deadlines.guideline_start_deadline(inp).deadline)
    return options


@rule
def start_deadline_follows_the_guideline_and_the_ceiling(
    con: duckdb.DuckDBPyConnection, t: Tables, as_of: date
) -> list[Any]:
    rows = sql(
        con,
        """SELECT a.id, r.received_on, p.birth_date, a.condition, r.injecting, a.assessed_on, a.guideline_deadline,
                  a.start_deadline, a.deadline_reason, a.outcome, a.assigned_level
        FROM assessment a JOIN referral r ON r.id = a.referral_id JOIN person p ON p.id = r.person_id""",
    )
    bad = []
    for aid, received, born, condition, injecting, assessed, guideline, chosen, reason, outcome, level in rows:
        if outcome != "granted":
            if chosen is not None or guideline is not None or level is not None:
                bad.append((aid, "deadline or level without a granted right"))
            continue
        age = deadlines.age_on(born, received)
        if level is None or condition is None or chosen is None:
            bad.append((aid, "granted without level, condition or deadline"))
            continue
        if guideline not in _guideline_options(received, condition, age, injecting):
            bad.append((aid, "guideline deadline not from the guideline"))
        if chosen != guideline and not (reason or "").strip():
            bad.append((aid, "deadline differs from the guideline without a reason"))
        if chosen < assessed or assessed < received:
            bad.append((aid, "deadline before assessment, or assessment before receipt"))
        try:
            deadlines.validate_chosen_deadline(received, chosen, age)
        except ValueError as exc:
            bad.append((aid, str(exc)))
    return bad


@rule
def assessment_rules_of_the_service(con: duckdb.DuckDBPyConnection, t: Tables, as_of: date) -> list[Any]:
    return sql(
        con,
        """SELECT id FROM assessment
        WHERE (outcome = 'rejected' AND (coalesce(rejection_reason, '') = '' OR coalesce(advice_to_referrer, '') = ''))
           OR (outcome = 'returned' AND coalesce(advice_to_referrer, '') = '')
           OR (heard_how IN ('not_heard', 'referral_only') AND coalesce(heard_note, '') = '')
           OR greatest(withdrawal_risk, somatic_health, mental_health, readiness, relapse_risk, living_situation) > 4
           OR least(withdrawal_risk, somatic_health, mental_health, readiness, relapse_risk, living_situation) < 0""",
    )


@rule
def referral_status_matches_its_pathway(con: duckdb.DuckDBPyConnection, t: Tables, as_of: date) -> list[Any]:
    return sql(
        con,
        """WITH last AS (
            SELECT referral_id, arg_max(outcome, id) AS outcome, count(*) AS n
            FROM assessment GROUP BY 1),
        eps AS (SELECT referral_id, count(*) AS n, count(*) FILTER (WHERE ended_on IS NULL) AS open,
                       max(ended_on) AS last_end FROM episode GROUP BY 1)
        SELECT r.id, r.status FROM referral r LEFT JOIN last l ON l.referral_id = r.id
        LEFT JOIN eps e ON e.referral_id = r.id
        WHERE (r.status = 'received' AND l.n IS NOT NULL)
           OR (r.status = 'returned' AND l.outcome <> 'returned')
           OR (r.status = 'rejected' AND (l.outcome <> 'rejected' OR r.closed_on IS NULL))
           OR (r.status = 'granted' AND (l.outcome <> 'granted' OR r.closed_on IS NOT NULL))
           OR (r.status = 'closed' AND (r.closed_on IS NULL OR l.outcome <> 'granted' OR coalesce(e.open, 0) > 0))
           OR (r.status = 'closed' AND e.n > 0 AND r.closed_on <> e.last_end)
           OR (e.n > 0 AND r.status NOT IN ('granted', 'closed'))
           OR r.closed_on < r.received_on
           OR NOT list_contains(r.substances, r.primary_substance)
           OR (r.pregnant AND (SELECT sex FROM person p WHERE p.id = r.person_id) <> 'female')
           OR r.referrer_unit_id = r.receiving_unit_id""",
    )


@rule
def episodes_follow_the_service_rules(con: duckdb.DuckDBPyConnection, t: Tables, as_of: date) -> list[Any]:
    return sql(
        con,
        """WITH granted AS (SELECT referral_id, min(assessed_on) AS on_ FROM assessment WHERE outcome = 'granted'
                             GROUP BY 1)
        SELECT e.id FROM episode e JOIN referral r ON r.id = e.referral_id LEFT JOIN granted g
            ON g.referral_id = e.referral_id JOIN unit u ON u.id = e.unit_id
        WHERE g.on_ IS NULL OR e.started_on < g.on_ OR e.started_on < r.received_on
           OR e.ended_on < e.started_on
           OR (e.ended_on IS NULL) <> (e.end_reason IS NULL)
           OR (e.end_reason IN ('rule_breach', 'other') AND coalesce(trim(e.end_note), '') = '')
           OR (len(u.levels) > 0 AND NOT list_contains(u.levels, e.level))
           OR e.person_id <> r.person_id""",
    )


@rule
def non_attendance_follows_an_outreach_attempt(con: duckdb.DuckDBPyConnection, t: Tables, as_of: date) -> list[Any]:
    if "outreach_attempt" not in t:
        return []
    # the rule of appointments.outreach.require_outreach_attempt
    return sql(
        con,
        """SELECT e.id FROM episode e WHERE e.end_reason = 'non_attendance' AND NOT EXISTS (
            SELECT 1 FROM outreach_attempt o JOIN appointment a ON a.id = o.appointment_id
            WHERE o.person_id = e.person_id AND a.attendance = 'no_show'
              AND (a.episode_id = e.id OR (a.episode_id IS NULL AND a.unit_id = e.unit_id))
              AND o.attempted_on BETWEEN e.started_on AND e.ended_on)""",
    )


@rule
def attendance_and_outreach_records_agree(con: duckdb.DuckDBPyConnection, t: Tables, as_of: date) -> list[Any]:
    if "outreach_attempt" not in t or "appointment_attendance" not in t:
        return []
    return sql(
        con,
        f"""SELECT 'attempt', o.id FROM outreach_attempt o JOIN appointment a ON a.id = o.appointment_id
           LEFT JOIN task k ON k.id = o.task_id
        WHERE a.attendance <> 'no_show' OR o.person_id <> a.person_id OR o.attempted_on < a.starts_at::DATE
           OR k.kind <> 'outreach' OR k.source_id <> a.id OR (o.reached AND k.status <> 'done')
        UNION ALL
        SELECT 'recorded', a.id FROM appointment a LEFT JOIN appointment_attendance r ON r.appointment_id = a.id
        WHERE ((a.attendance = 'booked') <> (r.id IS NULL) AND a.starts_at::DATE >= DATE '{as_of}' - 365)
           OR (a.attendance = 'booked' AND r.id IS NOT NULL) OR r.attendance <> a.attendance
           OR (r.id IS NOT NULL AND (r.postponement_code IS NULL) <> (a.attendance = 'attended'))""",
    )


@rule
def appointments_and_tasks_are_consistent(con: duckdb.DuckDBPyConnection, t: Tables, as_of: date) -> list[Any]:
    if "appointment" not in t:
        return []
    return sql(
        con,
        f"""SELECT a.id FROM appointment a LEFT JOIN task k ON k.id = a.outreach_task_id
        LEFT JOIN person p ON p.id = a.person_id LEFT JOIN episode e ON e.id = a.episode_id
        WHERE (a.outreach_task_id IS NOT NULL AND (k.kind <> 'outreach' OR k.source_id <> a.id
                                                   OR a.attendance <> 'no_show' OR k.person_id <> a.person_id))
           OR (a.attendance = 'booked' AND a.starts_at::DATE < DATE '{as_of}')
           OR (a.attendance <> 'booked' AND a.starts_at::DATE > DATE '{as_of}')
           OR (a.attendance = 'booked') <> (a.attendance_recorded_at IS NULL)
           OR (p.interpreter_needed = (a.interpreter_status = 'not_needed'))
           OR (a.interpreter_status <> 'not_needed' AND a.interpreter_language IS NULL)
           OR e.person_id <> a.person_id OR a.starts_at::DATE < e.started_on
        UNION ALL
        SELECT k.id FROM task k WHERE (k.status = 'done') <> (k.completed_on IS NOT NULL)
           OR k.completed_on > DATE '{as_of}' OR k.created_at::DATE > k.due_on""",
    )


@rule
def nothing_happened_after_the_as_of_day(con: duckdb.DuckDBPyConnection, t: Tables, as_of: date) -> list[Any]:
    end = datetime.combine(as_of + timedelta(days=1), datetime.min.time(), UTC)
    checks = {
        "referral": ("received_on", "closed_on", "registered_at"),
        "assessment": ("assessed_on", "recorded_at"),
        "episode": ("started_on", "ended_on", "recorded_at"),
        "person": ("birth_date", "created_at"),
        "housing_period": ("from_date", "recorded_at"),
        "care_team_member": ("from_date", "to_date"),
        "task": ("completed_on", "created_at", "escalated_at"),
        "appointment": ("created_at", "attendance_recorded_at"),
        "relative": ("birth_date", "involvement_recorded_on", "created_at"),
        "consent": ("valid_from", "withdrawn_at", "recorded_at"),
        "appointment_attendance": ("recorded_at",),
        "outreach_attempt": ("attempted_on", "recorded_at"),
        "mapping_questionnaire": ("done_on", "recorded_at"),
        "mapping_declined": ("declined_on", "recorded_at"),
        "crisis_plan": ("made_on", "created_at"),
        "handover": ("created_at", "decided_at", "updated_at"),
        "handover_checklist_item": ("done_on",),
        "discharge": ("discharged_on", "recorded_at"),
        "vedtak": ("decided_on", "created_at"),
        "service_delivery": ("delivered_on", "recorded_at"),
        "mapping_mental_health": ("screened_on", "recorded_at"),
        "mapping_somatic_check": ("checked_on", "recorded_at"),
        "mapping_situation": ("recorded_on", "recorded_at"),
        "mapping_children": ("asked_on", "needs_assessed_on", "recorded_at"),
        "care_plan": ("started_on", "closed_on", "participation_on", "created_at"),
        "care_plan_goal": ("created_at",),
        "care_plan_measure": ("last_evaluated_on", "created_at"),
        "care_plan_evaluation": ("evaluated_on", "recorded_at"),
        "individual_plan_status": ("offered_on", "answered_on", "recorded_at"),
        "collaboration_contact": ("contact_on", "recorded_at"),
    }
    bad = []
    for table, columns in checks.items():
        if table not in t:
            continue
        for c in columns:
            limit = f"TIMESTAMPTZ '{end.isoformat()}'" if c.endswith("_at") else f"DATE '{as_of}'"
            operator = ">=" if c.endswith("_at") else ">"
            n = sql(con, f"SELECT count(*) FROM {table} WHERE {c} {operator} {limit}")[0][0]
            if n:
                bad.append((table, c, n))
    return bad


@rule
def every_person_resolves_to_a_referral_area(con: duckdb.DuckDBPyConnection, t: Tables, as_of: date) -> list[Any]:
    bad = []
    districts = {d.number: d.kommunenummer for d in reference.city_districts()}
    for muni, district in sql(con, "SELECT DISTINCT municipality_number, city_district_number FROM person"):
        try:
            reference.referral_area_for(muni, district)
        except KeyError as exc:
            bad.append((muni, district, str(exc)))
        if district is not None and districts.get(district) != muni:
            bad.append((muni, district, "district not in the municipality"))
    return bad


@rule
def references_point_to_rows_of_the_same_person(con: duckdb.DuckDBPyConnection, t: Tables, as_of: date) -> list[Any]:
    queries = [
        "SELECT 'housing', h.id FROM housing_period h LEFT JOIN person p ON p.id = h.person_id WHERE p.id IS NULL",
        """SELECT 'previous', r.id FROM referral r LEFT JOIN referral q ON q.id = r.previous_referral_id
           WHERE r.previous_referral_id IS NOT NULL AND (q.person_id <> r.person_id OR q.received_on > r.received_on
                                                         OR q.id IS NULL)""",
        """SELECT 'assessment', a.id FROM assessment a JOIN referral r ON r.id = a.referral_id
           WHERE a.person_id <> r.person_id OR a.unit_id <> r.receiving_unit_id""",
        """SELECT 'care team', c.id FROM care_team_member c LEFT JOIN unit u ON u.id = c.unit_id
           WHERE u.id IS NULL OR c.to_date < c.from_date""",
    ]
    if "consent" in t:
        queries.append(
            """SELECT 'consent', c.id FROM consent c JOIN relative r ON r.id = c.relative_id
               WHERE r.person_id <> c.person_id OR c.valid_to < c.valid_from"""
        )
    return [row for q in queries for row in sql(con, q)]


@rule
def questionnaires_score_as_the_instrument_does(con: duckdb.DuckDBPyConnection, t: Tables, as_of: date) -> list[Any]:
    if "mapping_questionnaire" not in t:
        return []
    bad = []
    rows = sql(con, "SELECT id, instrument, answers, total, band, positive, scored_with_sex FROM mapping_questionnaire")
    for id_, code, answers, total, band, positive, sex in rows:
        given = answers if isinstance(answers, dict) else json.loads(answers)
        try:
            scored = instruments.score(code, {int(k): int(v) for k, v in given.items()}, sex)
        except instruments.InvalidAnswer as exc:
            bad.append((id_, str(exc)))
            continue
        if (scored.total, scored.band.value, scored.positive) != (total, band, positive):
            bad.append((id_, code, total, band, positive, scored))
    return bad


@rule
def handovers_follow_the_services_rules(con: duckdb.DuckDBPyConnection, t: Tables, as_of: date) -> list[Any]:
    if "handover" not in t:
        return []
    rows = sql(con, "SELECT DISTINCT created_at::DATE, planned_on, acceptance_due FROM handover")
    bad: list[Any] = [r for r in rows if transitions.acceptance_due(r[0], r[1]) != r[2]]
    items = len(ChecklistItem)
    return bad + sql(
        con,
        f"""SELECT 'handover', h.id FROM handover h LEFT JOIN episode e ON e.id = h.episode_id
        WHERE (h.status = 'pending') <> (h.decided_at IS NULL)
           OR (h.status IN ('declined', 'cancelled') AND coalesce(trim(h.decision_reason), '') = '')
           OR h.decided_at < h.created_at OR h.updated_at < h.created_at OR h.from_unit_id = h.to_unit_id
           OR (h.episode_id IS NOT NULL AND (e.person_id <> h.person_id OR e.unit_id <> h.from_unit_id))
           OR (h.kind = 'admission') <> (h.episode_id IS NULL)
        UNION ALL
        SELECT 'checklist', h.id FROM handover h LEFT JOIN handover_checklist_item c ON c.handover_id = h.id
        GROUP BY h.id HAVING count(DISTINCT c.item) <> {items} OR count(c.id) <> {items}
        UNION ALL
        SELECT 'item', c.id FROM handover_checklist_item c JOIN handover h ON h.id = c.handover_id
        WHERE c.done <> (c.done_on IS NOT NULL)
           OR (c.done AND h.status NOT IN ('pending', 'accepted'))
           OR (c.done AND c.item = 'crisis_plan_shared' AND c.crisis_plan_id IS NULL)
           OR (c.done AND c.item = 'relatives_informed' AND c.relative_id IS NULL)
           OR (c.done AND c.item = 'medication_list_sent' AND NOT coalesce(c.lar_dose_included, false)
               AND EXISTS (SELECT 1 FROM episode e JOIN referral r ON r.id = e.referral_id
                           WHERE r.person_id = h.person_id AND e.level = 'lar' AND e.started_on <= c.done_on
                             AND coalesce(e.ended_on, DATE '{as_of}') >= c.done_on))""",
    )


@rule
def discharges_have_an_accepted_handover_or_a_reason(
    con: duckdb.DuckDBPyConnection, t: Tables, as_of: date
) -> list[Any]:
    if "discharge" not in t:
        return []
    return sql(
        con,
        """SELECT d.id FROM discharge d JOIN episode e ON e.id = d.episode_id
        LEFT JOIN handover h ON h.id = d.handover_id
        WHERE e.ended_on IS DISTINCT FROM d.discharged_on OR e.person_id <> d.person_id OR e.unit_id <> d.unit_id
           OR (d.handover_id IS NULL) <> d.without_accepted_handover
           OR (d.handover_id IS NOT NULL AND (h.status <> 'accepted' OR h.episode_id <> d.episode_id
                                              OR h.decided_at::DATE > d.discharged_on))
           OR (d.without_accepted_handover AND coalesce(trim(d.reason_without_handover), '') = '')
           OR (NOT d.without_accepted_handover AND d.reason_without_handover IS NOT NULL)
        UNION ALL SELECT episode_id FROM discharge GROUP BY 1 HAVING count(*) > 1""",
    )


@rule
def crisis_plans_are_numbered_versions(con: duckdb.DuckDBPyConnection, t: Tables, as_of: date) -> list[Any]:
    if "crisis_plan" not in t:
        return []
    return sql(
        con,
        """SELECT person_id FROM crisis_plan GROUP BY person_id
           HAVING count(DISTINCT version_no) <> count(*) OR min(version_no) <> 1 OR max(version_no) <> count(*)
        UNION ALL
        SELECT a.id FROM crisis_plan a JOIN crisis_plan b ON b.person_id = a.person_id
           AND b.version_no = a.version_no + 1 WHERE b.made_on < a.made_on
        UNION ALL
        SELECT id FROM crisis_plan WHERE review_by < made_on
           OR ((admission_unit_id IS NULL)::INT + (admission_max_days_per_stay IS NULL)::INT
               + (admission_min_days_between IS NULL)::INT + (admission_valid_until IS NULL)::INT) NOT IN (0, 4)""",
    )


@rule
def vedtak_and_deliveries_agree(con: duckdb.DuckDBPyConnection, t: Tables, as_of: date) -> list[Any]:
    if "vedtak" not in t:
        return []
    municipal = ", ".join(f"'{k.value}'" for k in MUNICIPAL_KINDS)
    return sql(
        con,
        f"""SELECT 'vedtak', v.id FROM vedtak v JOIN unit u ON u.id = v.unit_id
        WHERE u.kind NOT IN ({municipal}) OR coalesce(trim(v.legal_basis), '') = ''
           OR (v.volume IS NULL) <> (v.volume_unit IS NULL) OR v.volume <= 0
           OR (v.volume_unit = 'hours_per_week' AND v.volume > 168)
           OR v.end_on < v.start_on OR v.review_on < v.decided_on
           OR (v.status = 'ended' AND v.end_on IS NULL)
        UNION ALL
        SELECT 'delivery', d.id FROM service_delivery d JOIN vedtak v ON v.id = d.vedtak_id
        WHERE d.person_id <> v.person_id OR d.amount <= 0 OR v.status = 'withdrawn'
           OR (v.volume_unit = 'hours_per_week' AND d.amount > 24)
           OR d.delivered_on < v.start_on OR d.delivered_on > coalesce(v.end_on, DATE '{as_of}')""",
    )


@rule
def follow_up_records_follow_the_services_rules(con: duckdb.DuckDBPyConnection, t: Tables, as_of: date) -> list[Any]:
    """Mapping records, plans and cooperation as the services make them (mapping, careplans, collaboration):
    by a municipal unit, after the person's first start, children's needs only when there are children, one
    current plan per person, measures of the plan's own goals and evaluated between their making and the next
    date, an answered IP with its answer date, contacts with a known counterpart."""
    if "mapping_situation" not in t:
        return []
    municipal = ", ".join(f"'{k.value}'" for k in MUNICIPAL_KINDS)
    queries = [
        f"""SELECT '{table}', x.id FROM {table} x LEFT JOIN unit u ON u.id = x.unit_id
            LEFT JOIN (SELECT person_id, min(started_on) AS start FROM episode GROUP BY person_id) s USING (person_id)
            WHERE u.kind NOT IN ({municipal}) OR u.id IS NULL OR s.start IS NULL OR x.{day} < s.start"""
        for table, day in (
            ("mapping_mental_health", "screened_on"),
            ("mapping_somatic_check", "checked_on"),
            ("mapping_situation", "recorded_on"),
            ("mapping_children", "asked_on"),
            ("collaboration_contact", "contact_on"),
        )
    ] + [
        """SELECT 'children', id FROM mapping_children
           WHERE (needs_assessed_on IS NOT NULL AND (answer <> 'yes' OR needs_assessed_on < asked_on))
              OR (answer = 'yes' AND coalesce(number_of_children, 0) < 1)
              OR living_with_person > number_of_children""",
        "SELECT 'somatic', id FROM mapping_somatic_check WHERE follow_up_needed <> (follow_up_task_id IS NOT NULL)",
        """SELECT 'plan', person_id FROM care_plan WHERE closed_on IS NULL GROUP BY person_id HAVING count(*) > 1
           UNION ALL SELECT 'plan', id FROM care_plan WHERE (status = 'declined') = (declined_reason IS NULL)
              OR (status = 'declined') <> (participation IS NULL)""",
        """SELECT 'goal', g.id FROM care_plan_goal g JOIN care_plan p ON p.id = g.plan_id
           WHERE g.person_id <> p.person_id OR p.status = 'declined'""",
        """SELECT 'measure', m.id FROM care_plan_measure m JOIN care_plan_goal g ON g.id = m.goal_id
           WHERE m.plan_id <> g.plan_id OR m.person_id <> g.person_id
              OR m.last_evaluated_on < CAST(m.created_at AS DATE) OR m.evaluate_by <= m.last_evaluated_on""",
        """SELECT 'evaluation', m.id FROM care_plan_measure m
           LEFT JOIN (SELECT measure_id, max(evaluated_on) AS last, arg_max(next_evaluate_by, evaluated_on) AS next
                      FROM care_plan_evaluation GROUP BY 1) e ON e.measure_id = m.id
           WHERE m.last_evaluated_on IS DISTINCT FROM e.last OR (e.next IS NOT NULL AND e.next <> m.evaluate_by)""",
        """SELECT 'ip', id FROM individual_plan_status
           WHERE (status IN ('accepted', 'declined')) <> (answered_on IS NOT NULL) OR answered_on < offered_on
              OR (status <> 'not_asked' AND offered_on IS NULL)
           UNION ALL SELECT 'ip', person_id FROM individual_plan_status GROUP BY person_id, version
           HAVING count(*) > 1""",
        """SELECT 'contact', id FROM collaboration_contact
           WHERE (counterpart = 'nav') <> (kind = 'information_advice')""",
    ]
    return [row for q in queries for row in sql(con, q)]


def check(tables: Tables, as_of: date) -> dict[str, list[Any]]:
    """Every rule over the tables: rule name → offending rows (empty when the rule holds)."""
    con = duckdb.connect()
    for name, table in tables.items():
        con.register(name, table)
    return {name: fn(con, tables, as_of) for name, fn in RULES.items()}
