"""What the ROP gap checks of ``analytics/rop.py`` read, as one row per person in service and year (``rop_facts``).

Every follow-up table is read once, joined to the persons-in-service frame (``rop_frame``) by person and kept
where a record counts on the year's reference day, then grouped by person and year; the groups are joined back
to the frame by person and year, one row each. Plain hash joins and aggregates: no correlated subqueries, and no
fact made twice for two checks.

Each check is then a condition on this table's columns (``rop.CHECKS``), counted per municipality and year;
the levels and the nation are sums over those cells (``indicators.compute_all``).
"""

from __future__ import annotations


def _per_year(table: str, on: str, columns: str, where: str = "TRUE") -> str:
    """A CTE body: ``columns`` (aggregates over ``x``, the ``table`` rows that count on each frame row's reference
    day ``f.ref``: ``on``) per person and year."""
    return f"""SELECT f.person_key, f.year, {columns}
        FROM rop_frame f JOIN {table} x ON x.person_key = f.person_key AND {on}
        WHERE {where}
        GROUP BY f.person_key, f.year"""


def _latest(table: str, day: str, columns: tuple[str, ...]) -> str:
    """A CTE body: ``columns`` (a struct ``latest``) of ``table``'s latest record on or before the reference day,
    by ``day`` then id."""
    fields = ", ".join(f"'{c}': x.{c}" for c in columns)
    return _per_year(table, f"x.{day} <= f.ref", f"arg_max({{{fields}}}, (x.{day}, x.id)) AS latest")


def facts(somatic_days: int, cooperation_days: int) -> str:
    """The statement of ``rop_facts``: the frame's columns, then per person and year what each check reads."""
    since = f"f.ref - INTERVAL {cooperation_days} DAY"
    return f"""
WITH screening AS (
    -- ROP-02: the first screening that is not "not screened" (it counts from its day on)
    SELECT person_key, min(screened_on) AS screened_on FROM mapping_mental_health
    WHERE status <> 'not_screened' GROUP BY ALL
),
somatic AS ({_per_year("mapping_somatic_check", "x.checked_on <= f.ref", "max(x.checked_on) AS last_check")}),
somatic_declined AS ({
        _per_year(
            "mapping_declined", "x.declined_on <= f.ref", "max(x.declined_on) AS declined_on", "x.area = 'somatic'"
        )
    }),
unowned AS ({
        _per_year(
            "task",
            "CAST(x.created_at AS DATE) <= f.ref",
            "count(*) AS unowned",
            "x.kind = 'somatic_follow_up' AND x.owner_user_id IS NULL "
            "AND (x.status IN ('open', 'in_progress') OR (x.status = 'done' AND x.completed_on > f.ref))",
        )
    }),
housing AS ({_per_year("housing_period", "x.from_date <= f.ref", "arg_max(x.status, x.from_date) AS status")}),
situation AS ({_latest("mapping_situation", "recorded_on", ("income", "activity", "network", "financial_problems"))}),
children AS ({_latest("mapping_children", "asked_on", ("answer", "needs_assessed_on"))}),
plan AS ({
        _per_year(
            "care_plan",
            "x.started_on <= f.ref AND (x.closed_on IS NULL OR x.closed_on > f.ref)",
            "any_value(f.ref) AS ref, arg_max({'id': x.id, 'status': x.status}, (x.started_on, x.id)) AS plan",
        )
    }),
plans AS (
    -- the plan on the reference day, its measures made by then and how many had an evaluation overdue
    -- (careplans.measures.overdue_clause)
    SELECT p.person_key, p.year, any_value(p.plan.status) AS plan_status, count(m.id) AS measures,
           count(m.id) FILTER (WHERE m.status = 'active' AND m.evaluate_by < p.ref
                               AND (m.last_evaluated_on IS NULL OR m.last_evaluated_on < m.evaluate_by)) AS overdue
    FROM plan p LEFT JOIN care_plan_measure m ON m.plan_id = p.plan.id AND CAST(m.created_at AS DATE) <= p.ref
    GROUP BY p.person_key, p.year
),
team AS ({
        _per_year(
            "care_team_member",
            "x.from_date <= f.ref AND coalesce(x.to_date, DATE '9999-12-31') >= f.ref",
            "min(x.unit_id) <> max(x.unit_id) AS two_units, bool_or(x.role = 'coordinator') AS coordinator",
        )
    }),
ip AS ({
        _per_year(
            "individual_plan_status", "CAST(x.recorded_at AS DATE) <= f.ref", "arg_max(x.status, x.version) AS status"
        )
    }),
contacts AS ({
        _per_year(
            "collaboration_contact",
            f"x.contact_on BETWEEN {since} AND f.ref",
            "bool_or(x.counterpart = 'gp') AS gp, bool_or(x.counterpart = 'specialist') AS specialist, "
            "bool_or(x.counterpart = 'nav') AS nav",
        )
    })
SELECT f.*, s.screened_on, b.last_check,
       b.last_check IS NOT NULL AND f.ref <= b.last_check + INTERVAL {somatic_days} DAY AS recent_check,
       d.declined_on AS somatic_declined_on, coalesce(u.unowned, 0) AS unowned,
       h.status AS housing, si.latest.income AS income, si.latest.activity AS activity,
       si.latest.network AS network, si.latest.financial_problems AS financial_problems,
       c.latest.answer AS children_answer, c.latest.needs_assessed_on AS needs_assessed_on,
       p.plan_status, p.measures, p.overdue, t.two_units, t.coordinator, i.status AS ip_status,
       coalesce(k.gp, false) AS gp_contact, coalesce(k.specialist, false) AS specialist_contact,
       coalesce(k.nav, false) AS nav_contact
FROM rop_frame f
LEFT JOIN screening s USING (person_key)
LEFT JOIN somatic b USING (person_key, year)
LEFT JOIN somatic_declined d USING (person_key, year)
LEFT JOIN unowned u USING (person_key, year)
LEFT JOIN housing h USING (person_key, year)
LEFT JOIN situation si USING (person_key, year)
LEFT JOIN children c USING (person_key, year)
LEFT JOIN plans p USING (person_key, year)
LEFT JOIN team t USING (person_key, year)
LEFT JOIN ip i USING (person_key, year)
LEFT JOIN contacts k USING (person_key, year)"""
