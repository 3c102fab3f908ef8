"""The ROP checks as ``analytics/rop.py`` defined them before ``rop_facts`` (one query per check, with its own
subqueries over the follow-up tables): the reference the shared tables of ``rop_facts`` must agree with. Each reads
the persons-in-service frame ``rop_frame`` (``rop_facts.FRAME``) with its residence (``cell``) and returns the
check's columns and ``k``."""

from __future__ import annotations

from helhet.analytics.rop import COOPERATION_DAYS, SOMATIC_DAYS

# ruff: noqa: E501

#: the frame's rows, each with its residence (``cell``) and no unit
FRAME = """(SELECT f.*, NULL::BIGINT AS unit_id FROM rop_frame f)"""
#: the columns every check returns before its ``k``
OUT = "f.cell, f.unit_id, f.year, f.person_key"
#: the shared tables the reference reads
SHARED = ("rop_frame",)


def _latest(table: str, day: str, columns: tuple[str, ...], on: str = "") -> str:
    """A CTE body: ``columns`` of the latest ``table`` row (``x``) on or before each frame row's reference day, by
    day then id; ``on``: more join conditions. (Ranking is faster here than ``arg_max`` of a struct of columns.)"""
    selected = ", ".join(f"x.{c}" for c in columns)
    return f"""SELECT * EXCLUDE (rn) FROM (
        SELECT f.person_key, f.year, {selected},
               row_number() OVER (PARTITION BY f.person_key, f.year ORDER BY x.{day} DESC, x.id DESC) AS rn
        FROM {FRAME} f JOIN {table} x ON x.person_key = f.person_key AND x.{day} <= f.ref {on}
    ) WHERE rn = 1"""


HOUSING_AT_REF = f"""SELECT f.person_key, f.year, arg_max(h.status, h.from_date) AS status
        FROM {FRAME} f JOIN housing_period h ON h.person_key = f.person_key AND h.from_date <= f.ref
        GROUP BY ALL"""
SITUATION_AT_REF = _latest("mapping_situation", "recorded_on", ("income", "activity", "network", "financial_problems"))
CHILDREN_AT_REF = _latest("mapping_children", "asked_on", ("answer", "needs_assessed_on"))
#: the person's plan on the reference day (the latest started and not closed by then), with its measures made by
#: then and how many of them had an evaluation overdue (``careplans.measures.overdue_clause``)
PLANS = f"""rop_plan AS ({
    _latest("care_plan", "started_on", ("id", "status"), "AND (x.closed_on IS NULL OR x.closed_on > f.ref)")
}),
    rop_plans AS (
        SELECT p.person_key, p.year, p.status, count(m.id) AS measures,
               count(m.id) FILTER (WHERE m.status = 'active' AND m.evaluate_by < f.ref
                                   AND (m.last_evaluated_on IS NULL OR m.last_evaluated_on < m.evaluate_by)) AS overdue
        FROM rop_plan p JOIN {FRAME} f USING (person_key, year)
        LEFT JOIN care_plan_measure m ON m.plan_id = p.id AND CAST(m.created_at AS DATE) <= f.ref
        GROUP BY ALL
    )"""


def _contact(counterpart: str) -> str:
    """SQL: a documented contact with ``counterpart`` within the cooperation months up to the reference day."""
    return f"""EXISTS (SELECT 1 FROM collaboration_contact c WHERE c.person_key = f.person_key
                AND c.counterpart = '{counterpart}'
                AND c.contact_on BETWEEN f.ref - INTERVAL {COOPERATION_DAYS} DAY AND f.ref)"""


REFERENCE = {
    "rop02_mental_health_screened": f"""SELECT {OUT}, EXISTS (SELECT 1 FROM mapping_mental_health s WHERE s.person_key = f.person_key
                AND s.status <> 'not_screened' AND s.screened_on <= f.ref)::INT AS k
            FROM {FRAME} f""",
    "rop03_somatic_checked": f"""WITH somatic AS (
                SELECT f.*,
                    (SELECT max(c.checked_on) FROM mapping_somatic_check c
                     WHERE c.person_key = f.person_key AND c.checked_on <= f.ref) AS last_check,
                    (SELECT max(d.declined_on) FROM mapping_declined d WHERE d.person_key = f.person_key
                     AND d.area = 'somatic' AND d.declined_on <= f.ref) AS declined_on,
                    (SELECT count(*) FROM task t WHERE t.person_key = f.person_key
                     AND t.kind = 'somatic_follow_up' AND t.owner_user_id IS NULL
                     AND CAST(t.created_at AS DATE) <= f.ref
                     AND (t.status IN ('open', 'in_progress') OR (t.status = 'done' AND t.completed_on > f.ref))
                    ) AS unowned
                FROM {FRAME} f
            )
            SELECT {OUT}, (f.last_check IS NOT NULL AND f.ref <= f.last_check + INTERVAL {SOMATIC_DAYS} DAY
                           AND f.unowned = 0)::INT AS k
            FROM somatic f
            WHERE NOT (f.declined_on IS NOT NULL AND (f.last_check IS NULL OR f.last_check < f.declined_on))""",
    "rop04_situation_recorded": f"""WITH housing AS ({HOUSING_AT_REF}),
            situation AS ({SITUATION_AT_REF}),
            children AS ({CHILDREN_AT_REF})
            SELECT {OUT}, (h.status IS NOT NULL AND s.income IS NOT NULL AND s.income <> 'unknown'
                           AND s.activity <> 'unknown' AND s.network <> 'unknown' AND c.answer IS NOT NULL)::INT AS k
            FROM {FRAME} f
            LEFT JOIN housing h USING (person_key, year)
            LEFT JOIN situation s USING (person_key, year)
            LEFT JOIN children c USING (person_key, year)""",
    "rop05_plan_with_measures": f"""WITH {PLANS}
            SELECT {OUT}, (p.status IS NOT NULL AND p.measures > 0)::INT AS k
            FROM {FRAME} f LEFT JOIN rop_plans p USING (person_key, year)
            WHERE p.status IS DISTINCT FROM 'declined'""",
    "rop06_measures_evaluated": f"""WITH {PLANS}
            SELECT {OUT}, (p.overdue = 0)::INT AS k
            FROM {FRAME} f JOIN rop_plans p USING (person_key, year)
            WHERE p.measures > 0""",
    "rop07_coordinator_and_ip": f"""WITH team AS (
                SELECT f.person_key, f.year, min(t.unit_id) <> max(t.unit_id) AS two_units,
                       bool_or(t.role = 'coordinator') AS coordinator
                FROM {FRAME} f JOIN care_team_member t ON t.person_key = f.person_key
                 AND t.from_date <= f.ref AND coalesce(t.to_date, DATE '9999-12-31') >= f.ref
                GROUP BY ALL
            ),
            ip AS (
                SELECT f.person_key, f.year, arg_max(i.status, i.version) AS status
                FROM {FRAME} f JOIN individual_plan_status i ON i.person_key = f.person_key
                 AND CAST(i.recorded_at AS DATE) <= f.ref
                GROUP BY ALL
            )
            SELECT {OUT}, (t.coordinator AND coalesce(i.status IN ('accepted', 'declined'), false))::INT AS k
            FROM {FRAME} f JOIN team t USING (person_key, year) LEFT JOIN ip i USING (person_key, year)
            WHERE t.two_units""",
    "rop08_cooperation_documented": f"""SELECT {OUT}, ({_contact("gp")} AND {_contact("specialist")})::INT AS k FROM {FRAME} f""",
    "rop14_nav_information": f"""WITH housing AS ({HOUSING_AT_REF}),
            situation AS ({SITUATION_AT_REF})
            SELECT {OUT}, {_contact("nav")}::INT AS k
            FROM {FRAME} f
            LEFT JOIN housing h USING (person_key, year)
            LEFT JOIN situation s USING (person_key, year)
            WHERE coalesce(h.status IN ('homeless', 'temporary'), false)
               OR coalesce(s.income IN ('social_assistance', 'none'), false)
               OR coalesce(s.financial_problems, false)""",
    "rop15_children_assessed": f"""WITH children AS ({CHILDREN_AT_REF})
            SELECT {OUT}, (c.answer IS NOT NULL
                           AND (c.answer <> 'yes' OR coalesce(c.needs_assessed_on <= f.ref, false)))::INT AS k
            FROM {FRAME} f LEFT JOIN children c USING (person_key, year)""",
}
