"""The indicator catalogue: each indicator's definition, and its computation per geography level and year.

Every indicator is documented (numerator, denominator, exclusions, period, direction of "better", source in
DOMAIN.md) and is computed from the store with one grouped DuckDB query per indicator, for all levels (RHF,
HF, referral area, municipality, treating unit) and years at once (GROUPING SETS).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import duckdb
import polars as pl

from helhet.analytics.queries import INPATIENT_SQL, has_table

Level = Literal["rhf", "hf", "area", "municipality", "unit"]
LEVELS: tuple[Level, ...] = ("rhf", "hf", "area", "municipality", "unit")
LEVEL_COLUMN = {
    "rhf": "rhf_code",
    "hf": "hf_code",
    "area": "area_code",
    "municipality": "municipality_number",
    "unit": "unit_id",
}
Kind = Literal["proportion", "rate", "quantile"]


@dataclass(frozen=True)
class Indicator:
    code: str
    name_en: str
    name_nb: str
    kind: Kind
    numerator: str
    denominator: str
    exclusions: str
    better: Literal["higher", "lower", "neither"]
    source: str
    sql: str  # SELECT with the geography columns, year, and k (0/1) [and n weight] or value
    needs: tuple[str, ...] = ()  # optional store tables
    casemix: bool = False  # also report case-mix adjusted O/E
    period: str = "calendar year of the referral's receipt"


GEO = "rhf_code, hf_code, area_code, municipality_number, unit_id, year"

CATALOGUE: tuple[Indicator, ...] = (
    Indicator(
        "new_referrals",
        "New referrals per 10,000 adults",
        "Nye henvisninger per 10 000 voksne",
        "rate",
        "referrals received in the year (residence at receipt)",
        "adult population (18+) on 1 January",
        "none",
        "neither",
        "DOMAIN.md §8.1–8.2",
        f"SELECT {GEO}, 1 AS k FROM referral_facts",
    ),
    Indicator(
        "rights_granted",
        "Share granted the right to necessary care",
        "Andel med rett til nødvendig helsehjelp",
        "proportion",
        "assessments granting the right",
        "assessed referrals (granted or rejected)",
        "referrals returned for more information or not yet assessed",
        "neither",
        "DOMAIN.md §1.3, §8.2",
        f"SELECT {GEO}, (outcome = 'granted')::INT AS k FROM referral_facts WHERE outcome IN ('granted', 'rejected')",
    ),
    Indicator(
        "assigned_inpatient",
        "Share assigned inpatient care",
        "Andel tildelt døgnbehandling",
        "proportion",
        "granted referrals assigned detox, inpatient or user-controlled bed",
        "granted referrals with a level",
        "not granted; no assigned level",
        "neither",
        "DOMAIN.md §3, §8.2 (24 % inpatient in 2015)",
        f"SELECT {GEO}, assigned_inpatient::INT AS k FROM referral_facts "
        "WHERE outcome = 'granted' AND assigned_level IS NOT NULL",
        casemix=True,
    ),
    Indicator(
        "wish_concordance",
        "Wish concordance: assigned level = wished level",
        "Samsvar mellom ønsket og tildelt nivå",
        "proportion",
        "granted referrals assigned the wished level",
        "granted referrals with both a wished and an assigned level",
        "no wish recorded",
        "higher",
        "DOMAIN.md §1.1, §13.3",
        f"SELECT {GEO}, (assigned_level = wished_level)::INT AS k FROM referral_facts "
        "WHERE outcome = 'granted' AND wished_level IS NOT NULL AND assigned_level IS NOT NULL",
        casemix=True,
    ),
    Indicator(
        "wish_concordance_inpatient",
        "Wish concordance among those wishing inpatient care",
        "Samsvar blant dem som ønsket døgnbehandling",
        "proportion",
        "granted referrals wishing inpatient care and assigned the wished level",
        "granted referrals wishing inpatient care",
        "no wish recorded",
        "higher",
        "DOMAIN.md §13.3",
        f"SELECT {GEO}, (assigned_level = wished_level)::INT AS k FROM referral_facts "
        "WHERE outcome = 'granted' AND wished_inpatient AND assigned_level IS NOT NULL",
    ),
    Indicator(
        "wish_concordance_homeless",
        "Wish concordance among homeless persons",
        "Samsvar blant bostedsløse",
        "proportion",
        "granted referrals of homeless persons assigned the wished level",
        "granted referrals of homeless or temporarily housed persons with a wish",
        "no wish recorded",
        "higher",
        "DOMAIN.md §4.4, §13.3",
        f"SELECT {GEO}, (assigned_level = wished_level)::INT AS k FROM referral_facts "
        "WHERE outcome = 'granted' AND homeless AND wished_level IS NOT NULL AND assigned_level IS NOT NULL",
    ),
    Indicator(
        "assessed_in_time",
        "Assessed within 10 working days",
        "Vurdert innen 10 virkedager",
        "proportion",
        "referrals assessed on or before the assessment due date",
        "referrals assessed, or whose due date has passed at the reference date",
        "none",
        "higher",
        "DOMAIN.md §1.2, §2.5",
        f"SELECT {GEO}, (assessed_on IS NOT NULL AND assessed_on <= assessment_due)::INT AS k FROM referral_facts "
        "WHERE assessed_on IS NOT NULL OR assessment_due < $as_of",
    ),
    Indicator(
        "start_deadline_breach",
        "Start-deadline breaches (fristbrudd)",
        "Fristbrudd",
        "proportion",
        "granted referrals started after the deadline, or not started when it passed",
        "granted referrals with a start deadline that is passed or met",
        "none",
        "lower",
        "DOMAIN.md §1.4, §1.6",
        f"SELECT {GEO}, (coalesce(first_start, $as_of) > start_deadline)::INT AS k FROM referral_facts "
        "WHERE outcome = 'granted' AND start_deadline IS NOT NULL "
        "AND (first_start IS NOT NULL OR start_deadline < $as_of)",
    ),
    Indicator(
        "waiting_days",
        "Waiting time, days (median and 90th percentile)",
        "Ventetid, dager (median og p90)",
        "quantile",
        "days from receipt to the first episode",
        "referrals with a started episode",
        "not started",
        "lower",
        "DOMAIN.md §8.2 (mean 33 days in 2023)",
        f"SELECT {GEO}, waiting_days AS value FROM referral_facts WHERE waiting_days IS NOT NULL",
    ),
    Indicator(
        "rereferral_after_rejection",
        "Re-referral or acute admission within 90 days after a rejection",
        "Ny henvisning eller akuttinnleggelse innen 90 dager etter avslag",
        "proportion",
        "rejected referrals followed by a new referral or a detox episode within 90 days",
        "rejected referrals whose 90 days have passed",
        "none",
        "lower",
        "DOMAIN.md §1.7",
        """SELECT f.rhf_code, f.hf_code, f.area_code, f.municipality_number, f.unit_id, f.year,
            (EXISTS (SELECT 1 FROM referral r2 WHERE r2.person_key = f.person_key AND r2.id <> f.referral_id
                     AND r2.received_on > f.assessed_on AND r2.received_on <= f.assessed_on + INTERVAL 90 DAY)
             OR EXISTS (SELECT 1 FROM episode e WHERE e.person_key = f.person_key AND e.level = 'detox'
                     AND e.started_on > f.assessed_on AND e.started_on <= f.assessed_on + INTERVAL 90 DAY))::INT AS k
            FROM referral_facts f WHERE f.outcome = 'rejected' AND f.assessed_on + INTERVAL 90 DAY <= $as_of""",
    ),
    Indicator(
        "inpatient_dropout",
        "Dropout from inpatient care",
        "Avbrudd i døgnbehandling",
        "proportion",
        "ended inpatient episodes ended by dropout",
        "ended inpatient episodes",
        "detox episodes",
        "lower",
        "DOMAIN.md §3",
        """SELECT f.rhf_code, f.hf_code, f.area_code, f.municipality_number, e.unit_id, year(e.ended_on) AS year,
            (e.end_reason = 'dropout')::INT AS k
            FROM episode e JOIN referral_facts f ON f.referral_id = e.referral_id
            WHERE e.ended_on IS NOT NULL AND e.level IN ('inpatient_short', 'inpatient_long')""",
        period="calendar year the episode ended",
    ),
    Indicator(
        "followup_7d_after_discharge",
        "Attended follow-up within 7 days after inpatient discharge",
        "Oppfølging innen 7 dager etter utskrivning",
        "proportion",
        "inpatient discharges followed by an attended appointment within 7 days",
        "inpatient discharges whose 7 days have passed",
        "death, transfer to another inpatient stay",
        "higher",
        "issue 3 §4; DOMAIN.md §4.6",
        f"""SELECT f.rhf_code, f.hf_code, f.area_code, f.municipality_number, e.unit_id, year(e.ended_on) AS year,
            EXISTS (SELECT 1 FROM appointment a WHERE a.person_key = e.person_key AND a.attendance = 'attended'
                    AND CAST(a.starts_at AS DATE) > e.ended_on
                    AND CAST(a.starts_at AS DATE) <= e.ended_on + INTERVAL 7 DAY)::INT AS k
            FROM episode e JOIN referral_facts f ON f.referral_id = e.referral_id
            WHERE e.ended_on IS NOT NULL AND e.level IN ({INPATIENT_SQL})
              AND coalesce(e.end_reason, '') NOT IN ('died', 'transferred')
              AND e.ended_on + INTERVAL 7 DAY <= $as_of""",
        needs=("appointment",),
        period="calendar year of discharge",
    ),
    Indicator(
        "noshow_outreach",
        "No-shows followed by outreach within 2 working days",
        "Uteblivelser fulgt opp med oppsøkende kontakt innen 2 virkedager",
        "proportion",
        "no-shows whose outreach task was done by its due date",
        "no-shows with a passed outreach due date",
        "none",
        "higher",
        "issue 3 §10; DOMAIN.md §13.4",
        """SELECT g.rhf_code, g.hf_code, g.area_code, g.municipality_number, a.unit_id,
            year(CAST(a.starts_at AS DATE)) AS year,
            (t.status = 'done' AND t.completed_on <= t.due_on)::INT AS k
            FROM appointment a JOIN person_geo g ON g.person_key = a.person_key
            LEFT JOIN task t ON t.id = a.outreach_task_id
            WHERE a.attendance = 'no_show' AND coalesce(t.due_on, CAST(a.starts_at AS DATE)) < $as_of""",
        needs=("appointment", "task"),
        period="calendar year of the appointment",
    ),
    Indicator(
        "interpreter_when_needed",
        "Interpreter booked or used when needed",
        "Tolk bestilt eller brukt ved behov",
        "proportion",
        "appointments needing an interpreter where one was booked or used",
        "appointments needing an interpreter",
        "the person declined an interpreter",
        "higher",
        "DOMAIN.md §7",
        """SELECT g.rhf_code, g.hf_code, g.area_code, g.municipality_number, a.unit_id,
            year(CAST(a.starts_at AS DATE)) AS year, (a.interpreter_status IN ('booked', 'used'))::INT AS k
            FROM appointment a JOIN person_geo g ON g.person_key = a.person_key
            WHERE a.interpreter_status NOT IN ('not_needed', 'declined_by_person')""",
        needs=("appointment",),
        period="calendar year of the appointment",
    ),
)

BY_CODE = {indicator.code: indicator for indicator in CATALOGUE}

PERSON_GEO = """
CREATE TEMP TABLE IF NOT EXISTS person_geo AS
SELECT p.person_key, p.municipality_number, coalesce(d.district_area_code, gm.area_code) AS area_code,
       ga.hf_code, ga.rhf_code
FROM person p
LEFT JOIN geo_municipality gm ON gm.municipality_number = p.municipality_number
LEFT JOIN geo_district d ON d.district_number = p.city_district_number
LEFT JOIN geo_area ga ON ga.area_code = coalesce(d.district_area_code, gm.area_code)
"""


def available(con: duckdb.DuckDBPyConnection) -> list[Indicator]:
    return [i for i in CATALOGUE if all(has_table(con, t) for t in i.needs)]


def _grouping_sets() -> str:
    sets = [f"({LEVEL_COLUMN[level]}, year)" for level in LEVELS]
    return "GROUPING SETS (" + ", ".join(sets) + ", (year))"


def _level_case() -> str:
    parts = [f"WHEN grouping({LEVEL_COLUMN[level]}) = 0 THEN '{level}'" for level in LEVELS]
    return "CASE " + " ".join(parts) + " ELSE 'national' END"


def _code_case() -> str:
    parts = [
        f"WHEN grouping({LEVEL_COLUMN[level]}) = 0 THEN CAST({LEVEL_COLUMN[level]} AS VARCHAR)" for level in LEVELS
    ]
    return "CASE " + " ".join(parts) + " ELSE 'NO' END"


def compute_raw(con: duckdb.DuckDBPyConnection, indicator: Indicator, as_of: date) -> pl.DataFrame:
    """Counts per level, code and year: n, k (proportions and rates) or median and p90 (quantiles)."""
    con.execute(PERSON_GEO)
    source = indicator.sql.replace("$as_of", f"DATE '{as_of.isoformat()}'")
    if indicator.kind == "quantile":
        measures = (
            "count(*) AS n, NULL::BIGINT AS k, quantile_cont(value, 0.5) AS median, "
            "quantile_cont(value, 0.9) AS p90, avg(value) AS mean"
        )
    else:
        measures = (
            "count(*) AS n, sum(k)::BIGINT AS k, NULL::DOUBLE AS median, NULL::DOUBLE AS p90, NULL::DOUBLE AS mean"
        )
    sql = f"""
        SELECT {_level_case()} AS level, {_code_case()} AS code, year, {measures}
        FROM ({source}) s
        GROUP BY {_grouping_sets()}
    """
    frame = con.sql(sql).pl()
    return frame.filter(pl.col("code").is_not_null()).with_columns(pl.lit(indicator.code).alias("indicator"))
