"""The rules the services enforce, checked over whole generated tables: each rule returns the offending rows.

Used on Parquet output and on rows read back from a database, so "valid by construction" is checked the same
way on both. Row-by-row rules call the services' own functions (``fodselsnummer.parse``, ``deadlines``,
``reference.referral_area_for``); set rules are DuckDB SQL over the Arrow tables.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from helhet import reference
from helhet.persons import fodselsnummer
from helhet.referrals import deadlines
from helhet.referrals.deadlines import Condition, DeadlineInput

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


def check(tables: Tables, as_of: date) -> dict[str, list[Any]]:
    """Every rule over the tables: rule name → offending rows (empty when the rule holds)."""
    con = duckdb.connect()
    for name, table in tables.items():
        con.register(name, table)
    return {name: fn(con, tables, as_of) for name, fn in RULES.items()}
