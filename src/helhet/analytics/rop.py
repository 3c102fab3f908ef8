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

from helhet.analytics import rop_facts
from helhet.config import get_settings
from helhet.i18n import N_


def _days(months: int) -> int:
    """Months as ``gaps.rules._months`` counts them."""
    return round(30.44 * months)


_settings = get_settings()
SOMATIC_DAYS = _days(_settings.somatic_check_months)
COOPERATION_DAYS = _days(_settings.cooperation_months)

#: the shared temp tables (``indicators.SHARED_TABLES``), made once per computation in the order a check names
#: them (``rop_frame`` first): the persons in service per year, the denominator of every check,
#: and the facts two checks read (``rop_facts``)
SHARED = {
    "rop_frame": rop_facts.FRAME,
    "rop_situation": rop_facts.situation(),
    "rop_children": rop_facts.children(),
    "rop_plans": rop_facts.plans(),
    "rop_contacts": rop_facts.contacts(COOPERATION_DAYS),
}
#: the columns every check returns before its ``k`` (the person's key too, so one person's outcome can be read),
#: from a frame row ``f`` (its residence is ``cell``, ``queries.GEO_CELL``)
OUT = "f.cell, NULL::BIGINT AS unit_id, f.year, f.person_key"


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
        sql=f"SELECT {OUT}, coalesce(f.screened_on <= f.ref, false)::INT AS k FROM ({rop_facts.SCREENING}) f",
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
        sql=f"""SELECT {OUT}, (f.recent_check AND NOT f.unowned)::INT AS k
            FROM ({rop_facts.somatic(SOMATIC_DAYS)}) f
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
        sql=f"""SELECT {OUT}, (f.recorded AND c.asked)::INT AS k
            FROM rop_situation f JOIN rop_children c USING (person_key, year)""",
        needs=("mapping_situation", "mapping_children"),
        shared=("rop_situation", "rop_children"),
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
        sql=f"""SELECT {OUT}, (p.plan_status IS NOT NULL AND p.measures > 0)::INT AS k
            FROM rop_frame f LEFT JOIN rop_plans p USING (person_key, year)
            WHERE p.plan_status IS DISTINCT FROM 'declined'""",
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
        sql=f"SELECT {OUT}, (f.overdue = 0)::INT AS k FROM rop_plans f WHERE f.measures > 0",
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
        sql=f"""SELECT {OUT}, (f.coordinator AND coalesce(f.ip_status IN ('accepted', 'declined'), false))::INT AS k
            FROM ({rop_facts.team()}) f""",
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
        sql=f"SELECT {OUT}, (f.gp_contact AND f.specialist_contact)::INT AS k FROM rop_contacts f",
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
        sql=f"""SELECT {OUT}, c.nav_contact::INT AS k
            FROM rop_situation f JOIN rop_contacts c USING (person_key, year)
            WHERE f.problem""",
        needs=("mapping_situation", "collaboration_contact"),
        shared=("rop_situation", "rop_contacts"),
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
        sql=f"SELECT {OUT}, f.assessed::INT AS k FROM rop_children f",
        needs=("mapping_children",),
        shared=("rop_children",),
    ),
)

#: gap check → indicator code (``indicators.ROP_INDICATORS`` has the checks computed elsewhere in the catalogue)
CODES = {f"ROP-{check['code'][3:5]}": check["code"] for check in CHECKS}
