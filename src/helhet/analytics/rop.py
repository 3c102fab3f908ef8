"""The ROP gap checks of the person's municipal follow-up as atlas indicators (DOMAIN.md §5.4): ROP-02 to ROP-08,
ROP-14 and ROP-15, each a pass rate per municipality (and area, HF, RHF) and year.

Each check is the operational gap rule of ``gaps/rules.py`` (over the facts ``gaps/facts.py`` loads), evaluated
per person at a reference day: 31 December of each year, or the store's reference date (``as_of``) in its own
year. The persons are those in service on that day's year: an episode started on or before the reference day and
not ended before 1 January. Geography is the person's residence; there is no unit level (the checks are the
municipality's). A person's records count when dated on or before the reference day; statuses the store keeps
only as they are now (a plan's measures and their evaluation dates, a task's owner) are read as they are, so
for past years those checks show today's state of the records that existed then.

The months of the rules (``Settings.somatic_check_months``, ``cooperation_months``) are days as the rules count
them (``round(30.44 × months)``), filled in when this module is imported.

The checks are plain field sets (``CHECKS``) that ``indicators.py`` makes into its ``Indicator`` and adds to the
catalogue, so this module does not import the catalogue and there is no import cycle.
"""

from __future__ import annotations

from typing import Any

from helhet.config import get_settings
from helhet.i18n import N_


def _days(months: int) -> int:
    """Months as ``gaps.rules._months`` counts them."""
    return round(30.44 * months)


_settings = get_settings()
SOMATIC_DAYS = _days(_settings.somatic_check_months)
COOPERATION_DAYS = _days(_settings.cooperation_months)

#: persons in service per year with their reference day (``ref``) and residence: the denominator of every check;
#: only the years the store covers (``queries.connect`` makes ``store_period``), not a generated history tail.
#: A shared temp table (``indicators.SHARED_TABLES``): made once per computation, read by every check.
FRAME = """
WITH rop_persons AS (
    -- each episode's calendar years (from its start to its end, or the reference date), as rows; no join
    SELECT DISTINCT person_key, CAST(unnest(generate_series(
               greatest(year(started_on), coalesce((SELECT first_year FROM store_period), 0)),
               year(least(coalesce(ended_on, $as_of), $as_of)))) AS BIGINT) AS year
    FROM episode WHERE started_on <= $as_of
)
SELECT g.rhf_code, g.hf_code, g.area_code, g.municipality_number, NULL::BIGINT AS unit_id, f.year,
       least(make_date(CAST(f.year AS INTEGER), 12, 31), $as_of) AS ref, f.person_key
FROM rop_persons f JOIN person_geo g ON g.person_key = f.person_key"""
#: the columns every check returns before its ``k`` (the person's key too, so one person's outcome can be read)
OUT = "f.rhf_code, f.hf_code, f.area_code, f.municipality_number, f.unit_id, f.year, f.person_key"


def _latest(table: str, day: str, columns: tuple[str, ...], where: str = "TRUE", last: str = "id") -> str:
    """SQL: ``columns`` of the latest ``table`` row (by ``day`` then ``last``) on or before each frame row's reference
    day, per person and year (NULL when none). One ``ASOF`` join over the rows first reduced to one per person and
    day (the highest ``last``), not a range join of every year with every earlier record; ``where`` filters the rows."""
    selected = ", ".join(f"x.{c}" for c in columns)
    return f"""SELECT f.person_key, f.year, {selected}
        FROM rop_frame f ASOF LEFT JOIN (
            SELECT person_key, {day}, {", ".join(columns)} FROM {table}
            WHERE {day} IS NOT NULL AND ({where})
            QUALIFY row_number() OVER (PARTITION BY person_key, {day} ORDER BY {last} DESC) = 1
        ) x ON x.person_key = f.person_key AND f.ref >= x.{day}"""


#: the facts two checks each read, per person and year, made once per computation (``indicators.SHARED_TABLES``);
#: each is made only when a check naming it is computed, so only from tables that check needs
#: (housing periods have no id: of two starting on one day either may count, as ``arg_max`` would take either)
HOUSING = _latest("housing_period", "from_date", ("status",), "status IS NOT NULL", last="status")
SITUATION = _latest("mapping_situation", "recorded_on", ("income", "activity", "network", "financial_problems"))
CHILDREN = _latest("mapping_children", "asked_on", ("answer", "needs_assessed_on"))
#: the person's plan on the reference day (the latest started and not closed by then), with its measures made by
#: then and how many of them had an evaluation overdue (``careplans.measures.overdue_clause``)
PLANS = """WITH rop_plan AS (
        SELECT * EXCLUDE (rn) FROM (
            SELECT f.person_key, f.year, f.ref, x.id, x.status,
                   row_number() OVER (PARTITION BY f.person_key, f.year ORDER BY x.started_on DESC, x.id DESC) AS rn
            FROM rop_frame f JOIN care_plan x ON x.person_key = f.person_key AND x.started_on <= f.ref
             AND (x.closed_on IS NULL OR x.closed_on > f.ref)
        ) WHERE rn = 1
    )
    SELECT p.person_key, p.year, p.status, count(m.id) AS measures,
           count(m.id) FILTER (WHERE m.status = 'active' AND m.evaluate_by < p.ref
                               AND (m.last_evaluated_on IS NULL OR m.last_evaluated_on < m.evaluate_by)) AS overdue
    FROM rop_plan p
    LEFT JOIN care_plan_measure m ON m.plan_id = p.id AND CAST(m.created_at AS DATE) <= p.ref
    GROUP BY p.person_key, p.year, p.status"""


def _contact_on(counterpart: str) -> str:
    """SQL: the day of the latest contact with ``counterpart`` on or before each frame row's reference day."""
    return f"""ASOF LEFT JOIN (
            SELECT person_key, contact_on FROM collaboration_contact
            WHERE counterpart = '{counterpart}' AND contact_on IS NOT NULL
        ) {counterpart} ON {counterpart}.person_key = f.person_key AND f.ref >= {counterpart}.contact_on"""


def _within(counterpart: str) -> str:
    """SQL: the latest contact with ``counterpart`` (so some contact) within the cooperation months up to the
    reference day."""
    return f"coalesce({counterpart}.contact_on >= f.ref - INTERVAL {COOPERATION_DAYS} DAY, false)"


#: per person and year: a documented contact with the GP, the specialist service and NAV within the cooperation
#: months up to the reference day (the latest contact on or before it is recent enough)
CONTACTS = f"""SELECT f.person_key, f.year, {_within("gp")} AS gp, {_within("specialist")} AS specialist,
           {_within("nav")} AS nav
    FROM rop_frame f {_contact_on("gp")} {_contact_on("specialist")} {_contact_on("nav")}"""

SHARED = {
    "rop_frame": FRAME,
    "rop_housing": HOUSING,
    "rop_situation": SITUATION,
    "rop_children": CHILDREN,
    "rop_plans": PLANS,
    "rop_contacts": CONTACTS,
}


def _check(
    code: str,
    name_en: str,
    name_nb: str,
    numerator: str,
    denominator: str,
    exclusions: str,
    *,
    sql: str,
    needs: tuple[str, ...],
    shared: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The fields of one ``indicators.Indicator``."""
    return {
        "code": code,
        "name_en": name_en,
        "name_nb": name_nb,
        "kind": "proportion",
        "numerator": numerator,
        "denominator": denominator,
        "exclusions": exclusions,
        "better": "higher",
        "source": f"DOMAIN.md §5.4 {name_en.split(':')[0]}; gaps/rules.py",
        "sql": sql,
        "needs": needs,
        "shared": ("rop_frame", *shared),
        "period": N_("the person's situation on 31 December of the year (the reference date in its own year)"),
    }


DENOMINATOR = N_(
    "persons in service in the year (an episode started by the reference day and not ended before 1 January), "
    "by residence"
)

CHECKS: tuple[dict[str, Any], ...] = (
    _check(
        "rop02_mental_health_screened",
        "ROP-02: mental health screened",
        "ROP-02: psykisk helse kartlagt",
        N_("persons with a mental-health screening or diagnostic status recorded by the reference day"),
        DENOMINATOR,
        N_("none (a screening recorded as not screened does not count)"),
        sql=f"""SELECT {OUT}, coalesce(s.first_on <= f.ref, false)::INT AS k
            FROM rop_frame f LEFT JOIN (
                SELECT person_key, min(screened_on) AS first_on FROM mapping_mental_health
                WHERE status <> 'not_screened' GROUP BY person_key
            ) s ON s.person_key = f.person_key""",
        needs=("mapping_mental_health",),
    ),
    _check(
        "rop03_somatic_checked",
        "ROP-03: somatic health checked, follow-up actions owned",
        "ROP-03: somatisk helse undersøkt, oppfølging med eier",
        N_(
            "persons with a somatic health check within somatic_check_months (12) months before the reference day "
            "and no open somatic follow-up task without a named owner"
        ),
        DENOMINATOR,
        N_("the person declined a somatic check after the last one"),
        sql=f"""WITH unowned AS (
                SELECT person_key, CAST(created_at AS DATE) AS created_on, status, completed_on FROM task
                WHERE kind = 'somatic_follow_up' AND owner_user_id IS NULL
                  AND status IN ('open', 'in_progress', 'done')
            ),
            somatic AS (
                SELECT f.*, c.checked_on AS last_check, d.declined_on,
                    EXISTS (SELECT 1 FROM unowned t WHERE t.person_key = f.person_key AND t.created_on <= f.ref
                            AND (t.status <> 'done' OR t.completed_on > f.ref)) AS unowned
                FROM rop_frame f
                ASOF LEFT JOIN (SELECT DISTINCT person_key, checked_on FROM mapping_somatic_check
                                WHERE checked_on IS NOT NULL) c
                  ON c.person_key = f.person_key AND f.ref >= c.checked_on
                ASOF LEFT JOIN (SELECT DISTINCT person_key, declined_on FROM mapping_declined
                                WHERE area = 'somatic' AND declined_on IS NOT NULL) d
                  ON d.person_key = f.person_key AND f.ref >= d.declined_on
            )
            SELECT {OUT}, (f.last_check IS NOT NULL AND f.ref <= f.last_check + INTERVAL {SOMATIC_DAYS} DAY
                           AND NOT f.unowned)::INT AS k
            FROM somatic f
            WHERE NOT (f.declined_on IS NOT NULL AND (f.last_check IS NULL OR f.last_check < f.declined_on))""",
        needs=("mapping_somatic_check", "mapping_declined", "task"),
    ),
    _check(
        "rop04_situation_recorded",
        "ROP-04: overall situation recorded",
        "ROP-04: helhetlig livssituasjon kartlagt",
        N_(
            "persons whose housing is known and whose latest situation record has income, work or activity and "
            "network known, and who were asked about minor children, by the reference day"
        ),
        DENOMINATOR,
        N_("none"),
        sql=f"""SELECT {OUT}, (h.status IS NOT NULL AND s.income IS NOT NULL AND s.income <> 'unknown'
                           AND s.activity <> 'unknown' AND s.network <> 'unknown' AND c.answer IS NOT NULL)::INT AS k
            FROM rop_frame f
            JOIN rop_housing h USING (person_key, year)
            JOIN rop_situation s USING (person_key, year)
            JOIN rop_children c USING (person_key, year)""",
        needs=("mapping_situation", "mapping_children"),
        shared=("rop_housing", "rop_situation", "rop_children"),
    ),
    _check(
        "rop05_plan_with_measures",
        "ROP-05: a plan with goals and measures",
        "ROP-05: plan med mål og tiltak",
        N_(
            "persons with an active care plan with at least one measure (every measure has an owning unit and an "
            "evaluation date: the service refuses one without) on the reference day"
        ),
        DENOMINATOR,
        N_("the person declined a plan"),
        sql=f"""SELECT {OUT}, (p.status IS NOT NULL AND p.measures > 0)::INT AS k
            FROM rop_frame f LEFT JOIN rop_plans p USING (person_key, year)
            WHERE p.status IS DISTINCT FROM 'declined'""",
        needs=("care_plan", "care_plan_measure"),
        shared=("rop_plans",),
    ),
    _check(
        "rop06_measures_evaluated",
        "ROP-06: measures evaluated on time",
        "ROP-06: tiltak evaluert i tide",
        N_("persons none of whose active measures had an evaluation date passed without an evaluation"),
        N_("persons in service in the year whose current plan has measures on the reference day, by residence"),
        N_("persons without measures"),
        sql=f"""SELECT {OUT}, (p.overdue = 0)::INT AS k
            FROM rop_frame f JOIN rop_plans p USING (person_key, year)
            WHERE p.measures > 0""",
        needs=("care_plan", "care_plan_measure"),
        shared=("rop_plans",),
    ),
    _check(
        "rop07_coordinator_and_ip",
        "ROP-07: coordinator assigned and individual plan offered",
        "ROP-07: koordinator oppnevnt og individuell plan tilbudt",
        N_(
            "persons with a coordinator on the care team and an individual plan answered (accepted or declined) on "
            "the reference day"
        ),
        N_(
            "persons in service in the year with long-term coordinated needs: care team members from two or more "
            "units on the reference day, by residence"
        ),
        N_("persons with a care team from fewer than two units"),
        sql=f"""WITH team AS (
                SELECT f.person_key, f.year, min(t.unit_id) <> max(t.unit_id) AS two_units,
                       bool_or(t.role = 'coordinator') AS coordinator
                FROM rop_frame f JOIN care_team_member t ON t.person_key = f.person_key
                 AND t.from_date <= f.ref AND coalesce(t.to_date, DATE '9999-12-31') >= f.ref
                GROUP BY ALL
            ),
            ip AS (
                SELECT f.person_key, f.year, arg_max(i.status, i.version) AS status
                FROM rop_frame f JOIN individual_plan_status i ON i.person_key = f.person_key
                 AND CAST(i.recorded_at AS DATE) <= f.ref
                GROUP BY ALL
            )
            SELECT {OUT}, (t.coordinator AND coalesce(i.status IN ('accepted', 'declined'), false))::INT AS k
            FROM rop_frame f JOIN team t USING (person_key, year) LEFT JOIN ip i USING (person_key, year)
            WHERE t.two_units""",
        needs=("care_team_member", "individual_plan_status"),
    ),
    _check(
        "rop08_cooperation_documented",
        "ROP-08: cooperation with GP and specialist service documented",
        "ROP-08: samarbeid med fastlege og spesialisthelsetjenesten dokumentert",
        N_(
            "persons with a documented contact with the GP and one with the specialist service within "
            "cooperation_months (6) months before the reference day"
        ),
        DENOMINATOR,
        N_("none"),
        sql=f"""SELECT {OUT}, (c.gp AND c.specialist)::INT AS k
            FROM rop_frame f JOIN rop_contacts c USING (person_key, year)""",
        needs=("collaboration_contact",),
        shared=("rop_contacts",),
    ),
    _check(
        "rop14_nav_information",
        "ROP-14: NAV information and advice documented",
        "ROP-14: opplysning, råd og veiledning fra NAV dokumentert",
        N_("persons with a documented NAV contact within cooperation_months (6) months before the reference day"),
        N_(
            "persons in service in the year homeless or in temporary housing, or with social assistance, no income "
            "or financial problems in their latest situation record, on the reference day, by residence"
        ),
        N_("persons without a financial or housing problem recorded"),
        sql=f"""SELECT {OUT}, c.nav::INT AS k
            FROM rop_frame f
            JOIN rop_housing h USING (person_key, year)
            JOIN rop_situation s USING (person_key, year)
            JOIN rop_contacts c USING (person_key, year)
            WHERE coalesce(h.status IN ('homeless', 'temporary'), false)
               OR coalesce(s.income IN ('social_assistance', 'none'), false)
               OR coalesce(s.financial_problems, false)""",
        needs=("mapping_situation", "collaboration_contact"),
        shared=("rop_housing", "rop_situation", "rop_contacts"),
    ),
    _check(
        "rop15_children_assessed",
        "ROP-15: asked about minor children, their needs assessed",
        "ROP-15: spurt om mindreårige barn, barnas behov vurdert",
        N_(
            "persons asked about minor children by the reference day, and, when they have minor children, whose "
            "children's needs were assessed by then"
        ),
        DENOMINATOR,
        N_("none"),
        sql=f"""SELECT {OUT}, (c.answer IS NOT NULL
                           AND (c.answer <> 'yes' OR coalesce(c.needs_assessed_on <= f.ref, false)))::INT AS k
            FROM rop_frame f JOIN rop_children c USING (person_key, year)""",
        needs=("mapping_children",),
        shared=("rop_children",),
    ),
)

#: gap check → indicator code (``indicators.ROP_INDICATORS`` has the checks computed elsewhere in the catalogue)
CODES = {f"ROP-{check['code'][3:5]}": check["code"] for check in CHECKS}
