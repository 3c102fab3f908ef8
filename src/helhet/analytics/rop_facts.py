"""What the ROP gap checks of ``analytics/rop.py`` read: the persons in service per year and, per follow-up
table, its facts on each year's reference day.

The frame (``rop_frame``) has one row per person in service and year: its key, year, reference day (``ref``) and
residence as a small integer (``cell``, a row of ``queries.GEO_CELL``), so the tables built on it stay narrow and
the checks group by an integer. The facts shared by two checks are tables of
their own, one row per frame row (``rop_situation``, ``rop_children``, ``rop_contacts``) or per frame row with a
plan (``rop_plans``); the others are in the statement of the one check that reads them. Each table is read once,
and only by the checks that need it, so a store without one follow-up table still has the checks that do not
read it.

Each fact is made from the records in one pass where it can be, without joining every record to every year of
its person:

- the latest record on a reference day (housing, situation, children, somatic check, decline): each record with
  the day its successor takes over (``lead``), joined to the frame where its span holds the reference day: at
  most one record per frame row, so nothing is grouped;
- records that count for a span of days (contacts in the cooperation months, open tasks): each record with the
  years whose reference day falls in its span (contacts: a small cross join with the few consecutive years a
  contact can count for; tasks: ``unnest(generate_series(...))``), grouped by person and year;
- plans and care team members, which count for long spans (often years before the store's period): joined to
  the frame by person, so only the years the person is in service are tried, and grouped by frame row.

``$as_of`` (the reference date) is filled in by ``indicators._parameters``; the first year is the store's first
covered year (``store_period``), or none.
"""

from __future__ import annotations

#: a year's reference day: 31 December, or the store's reference date in its own year
REF = "least(make_date(CAST({year} AS INTEGER), 12, 31), $as_of)"
FIRST = "coalesce((SELECT first_year FROM store_period), 0)"

#: persons in service per year (an episode started on or before the reference day and not ended before 1 January),
#: only the years the store covers (``queries.connect`` makes ``store_period``), not a generated history tail
FRAME = f"""
WITH years AS (
    SELECT DISTINCT person_key, CAST(unnest(generate_series(greatest(year(started_on), {FIRST}),
                                                          year(least(coalesce(ended_on, $as_of), $as_of)))) AS BIGINT)
                    AS year
    FROM episode WHERE started_on <= $as_of
)
SELECT y.person_key, y.year, {REF.format(year="y.year")} AS ref, g.cell
FROM years y JOIN person_geo g USING (person_key)"""


def latest(alias: str, table: str, day: str, order: str, columns: str, where: str = "TRUE") -> str:
    """A LEFT JOIN to the frame ``f``: ``table``'s latest record (by ``order``, ``day`` first) on or before each
    frame row's reference day, as ``alias``, with ``columns`` (of the record, ``x``).

    Each record holds from its ``day`` until its successor's (``lead``); a record followed by one of the same day
    holds for no day, so the later one counts, as by ``arg_max`` over ``order``."""
    return f"""LEFT JOIN (
        SELECT x.person_key, x.{day} AS since, lead(x.{day}) OVER (PARTITION BY x.person_key ORDER BY {order}) AS until,
               {columns}
        FROM {table} x WHERE x.{day} <= $as_of AND {where}
    ) {alias} ON {alias}.person_key = f.person_key AND {alias}.since <= f.ref
             AND ({alias}.until IS NULL OR f.ref < {alias}.until)"""


def per_year(table: str, since: str, until: str, holds: str, columns: str, where: str = "TRUE") -> str:
    """A statement: ``columns`` (aggregates over ``x``, the ``table`` rows for which ``holds`` on a year's reference
    day ``ref``) per person and year, for the years from ``since`` to ``until`` (dates of ``x``) that are frame
    years; every year each record can count for, and no other, is tried."""
    years = f"generate_series(greatest(year({since}), {FIRST}), year(least({until}, $as_of)))"
    return f"""SELECT person_key, year, {columns}
        FROM (SELECT *, {REF.format(year="year")} AS ref
              FROM (SELECT x.*, CAST(unnest({years}) AS BIGINT) AS year
                    FROM {table} x WHERE {since} <= $as_of AND {where})
        ) x
        WHERE {holds}
        GROUP BY person_key, year"""


def situation() -> str:
    """``rop_situation``: per frame row whether the housing status and the latest situation record have what ROP-04
    asks (``recorded``: housing known, income, activity and network known; NULL where a known income meets an
    activity or network left empty, as the checks' AND had it) and whether they show a problem ROP-14 counts
    (``problem``: homeless or temporary housing, social assistance or no income, financial problems).

    Two booleans instead of the four texts and a boolean they are made from: the table the two checks join is
    narrower to write and to read. Each record's part of them is worked out before the join (once per record, not
    per frame row), so the joins carry booleans instead of texts (1 M referrals: 1.11-1.13 -> 0.94-0.98 CPU s)."""
    return f"""SELECT f.*,
       coalesce(h.known, false) AND CASE WHEN s.since IS NULL THEN false ELSE s.complete END AS recorded,
       coalesce(h.unhoused, false) OR coalesce(s.strained, false) AS problem
FROM rop_frame f
{
        latest(
            "h",
            "housing_period",
            "from_date",
            "x.from_date",
            "x.status IS NOT NULL AS known, coalesce(x.status IN ('homeless', 'temporary'), false) AS unhoused",
        )
    }
{
        latest(
            "s",
            "mapping_situation",
            "recorded_on",
            "x.recorded_on, x.id",
            "x.income IS NOT NULL AND x.income <> 'unknown' AND x.activity <> 'unknown' AND x.network <> 'unknown' "
            "AS complete, coalesce(x.income IN ('social_assistance', 'none'), false) "
            "OR coalesce(x.financial_problems, false) AS strained",
        )
    }"""


def children() -> str:
    """``rop_children``: per frame row whether the person was asked about minor children by the reference day
    (``asked``, ROP-04) and whether, asked, the answer is not "yes" or the children's needs were assessed by then
    (``assessed``, ROP-15): two booleans instead of the answer and the date."""
    return f"""SELECT f.*, c.answer IS NOT NULL AS asked,
       c.answer IS NOT NULL AND (c.answer <> 'yes' OR coalesce(c.needs_assessed_on <= f.ref, false)) AS assessed
FROM rop_frame f
{latest("c", "mapping_children", "asked_on", "x.asked_on, x.id", "x.answer, x.needs_assessed_on")}"""


def contacts(cooperation_days: int) -> str:
    """``rop_contacts``: per frame row whether there is a GP, specialist and NAV contact within the cooperation
    days up to the reference day (ROP-08, ROP-14).

    A contact counts for the years whose reference day lies from its day to the cooperation days after it: its own
    year when it lies within those days before the end of the year (the day after them is in a later year), each
    later year whose 31 December is within them, and the reference date's year when it lies within those days
    before the reference date. These are consecutive years, a few at most (``range`` of how many the days can
    span), so each contact is paired with them by a small cross join, with no list made per contact and no date
    made per pair. The three counterparts are bits of one ``bit_or`` per person and year."""
    days = int(cooperation_days)
    last_year = (
        f"CASE WHEN x.contact_on >= $as_of - {days} THEN year($as_of) "
        f"ELSE least(year(x.contact_on + {days + 1}) - 1, year($as_of) - 1) END"
    )
    return f"""WITH k AS (
    SELECT x.person_key, CAST(year(x.contact_on) + o.k AS BIGINT) AS year,
           bit_or(CASE x.counterpart WHEN 'gp' THEN 1 WHEN 'specialist' THEN 2 WHEN 'nav' THEN 4 ELSE 0 END::UTINYINT)
           AS seen
    FROM (SELECT x.person_key, x.counterpart, x.contact_on, {last_year} AS last_year
          FROM collaboration_contact x
          WHERE x.contact_on <= $as_of
            AND (year(x.contact_on + {days + 1}) > year(x.contact_on) OR x.contact_on >= $as_of - {days})) x
    CROSS JOIN range({(days + 1) // 365 + 2}) o(k)
    WHERE year(x.contact_on) + o.k BETWEEN {FIRST} AND x.last_year
    GROUP BY ALL
)
SELECT f.*, coalesce(k.seen & 1 <> 0, false) AS gp_contact, coalesce(k.seen & 2 <> 0, false) AS specialist_contact,
       coalesce(k.seen & 4 <> 0, false) AS nav_contact
FROM rop_frame f LEFT JOIN k USING (person_key, year)"""


#: a plan's place in the order "latest started, then highest id" as one number (the day in the high 64 bits, the id
#: offset to be non-negative in the low 64), so ``arg_max`` compares HUGEINTs instead of structs
PLAN_ORDER = (
    "(CAST(date_diff('day', DATE '1970-01-01', x.started_on) AS HUGEINT) * 18446744073709551616 "
    "+ (CAST(x.id AS HUGEINT) + 9223372036854775808))"
)


def plans() -> str:
    """``rop_plans``: per frame row with a plan on the reference day (the latest started and not closed by then)
    its status, how many measures it had by then and how many had an evaluation overdue
    (careplans.measures.overdue_clause). Frame rows without a plan have no row (ROP-05 reads the frame).

    The plans are joined to the frame by person (a person has few) and grouped by frame row; the measures are
    joined to those rows only, and grouped again."""
    return f"""WITH plan AS (
    SELECT f.person_key, f.year, any_value(f.ref) AS ref, any_value(f.cell) AS cell,
           arg_max(x.id, {PLAN_ORDER}) AS plan_id, arg_max(x.status, {PLAN_ORDER}) AS plan_status
    FROM rop_frame f JOIN care_plan x ON x.person_key = f.person_key
     AND x.started_on <= f.ref AND (x.closed_on IS NULL OR x.closed_on > f.ref)
    GROUP BY f.person_key, f.year
)
SELECT p.person_key, p.year, any_value(p.ref) AS ref, any_value(p.cell) AS cell,
       any_value(p.plan_status) AS plan_status, count(m.id) AS measures,
       count(m.id) FILTER (WHERE m.status = 'active' AND m.evaluate_by < p.ref
                           AND (m.last_evaluated_on IS NULL OR m.last_evaluated_on < m.evaluate_by)) AS overdue
FROM plan p LEFT JOIN care_plan_measure m ON m.plan_id = p.plan_id AND CAST(m.created_at AS DATE) <= p.ref
GROUP BY p.person_key, p.year"""


def somatic(somatic_days: int) -> str:
    """ROP-03's rows: per frame row the last somatic check and somatic decline by the reference day, whether the
    check is recent, and whether a somatic follow-up task without an owner was open then."""
    unowned = per_year(
        "task",
        "CAST(x.created_at AS DATE)",
        "$as_of",
        "x.status IN ('open', 'in_progress') OR x.completed_on > ref",
        "true AS unowned",
        "x.kind = 'somatic_follow_up' AND x.owner_user_id IS NULL AND x.status IN ('open', 'in_progress', 'done')",
    )
    return f"""SELECT f.*, b.checked_on AS last_check, d.declined_on,
       b.checked_on IS NOT NULL AND f.ref <= b.checked_on + INTERVAL {int(somatic_days)} DAY AS recent_check,
       coalesce(u.unowned, false) AS unowned
FROM rop_frame f
{latest("b", "mapping_somatic_check", "checked_on", "x.checked_on", "x.checked_on")}
{latest("d", "mapping_declined", "declined_on", "x.declined_on", "x.declined_on", "x.area = 'somatic'")}
LEFT JOIN ({unowned}) u ON u.person_key = f.person_key AND u.year = f.year"""


def team() -> str:
    """ROP-07's rows: per frame row with care team members from two or more units on the reference day, whether
    one is a coordinator and the latest individual-plan status (by version) recorded by then. The members are
    joined to the frame by person: a member counts for a span of years, and only those the person is in service."""
    return """WITH team AS (
    SELECT f.person_key, f.year, any_value(f.ref) AS ref, any_value(f.cell) AS cell,
           bool_or(x.role = 'coordinator') AS coordinator
    FROM rop_frame f JOIN care_team_member x ON x.person_key = f.person_key
     AND x.from_date <= f.ref AND coalesce(x.to_date, DATE '9999-12-31') >= f.ref
    GROUP BY f.person_key, f.year HAVING min(x.unit_id) <> max(x.unit_id)
),
ip AS (
    SELECT t.person_key, t.year, arg_max(i.status, i.version) AS ip_status
    FROM team t JOIN individual_plan_status i ON i.person_key = t.person_key AND CAST(i.recorded_at AS DATE) <= t.ref
    GROUP BY t.person_key, t.year
)
SELECT t.*, i.ip_status FROM team t LEFT JOIN ip i USING (person_key, year)"""


#: ROP-02's rows: per frame row the first screening that is not "not screened" (it counts from its day on)
SCREENING = """SELECT f.*, s.screened_on FROM rop_frame f LEFT JOIN (
    SELECT person_key, min(screened_on) AS screened_on FROM mapping_mental_health
    WHERE status <> 'not_screened' GROUP BY person_key
) s USING (person_key)"""
