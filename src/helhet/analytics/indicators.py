"""The indicator catalogue: each indicator's definition, and its computation per geography level and year.

Every indicator is documented (numerator, denominator, exclusions, period, direction of "better", source in
DOMAIN.md) and is computed from the store with one grouped DuckDB query per indicator, for all levels (RHF,
HF, referral area, municipality, treating unit) and years at once (GROUPING SETS).

The definitions (numerator, denominator, exclusions, period) are English gettext sources marked with ``N_``
(extracted via ``locale/babel.cfg``): the atlas pages show them in the reader's language, while
``helhet atlas list`` and the offline report keep the English.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Literal

import duckdb
import polars as pl

from helhet.analytics import queries, rop
from helhet.analytics.queries import INPATIENT_SQL, has_table, in_period
from helhet.analytics.store import OPTIONAL, REQUIRED
from helhet.i18n import N_

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
    shared: tuple[str, ...] = ()  # temp tables of ``SHARED_TABLES`` that ``sql`` reads, made once per computation
    period: str = N_("calendar year of the referral's receipt")


#: the columns every indicator's rows start with: the residence (``queries.GEO_CELL``), the unit and the year
GEO = "cell, unit_id, year"

CATALOGUE: tuple[Indicator, ...] = (
    Indicator(
        "new_referrals",
        "New referrals per 10,000 adults",
        "Nye henvisninger per 10 000 voksne",
        "rate",
        N_("referrals received in the year (residence at receipt)"),
        N_("adult population (18+) on 1 January"),
        N_("none"),
        "neither",
        "DOMAIN.md §8.1–8.2",
        f"SELECT {GEO}, 1 AS k FROM referral_facts",
    ),
    Indicator(
        "rights_granted",
        "Share granted the right to necessary care",
        "Andel med rett til nødvendig helsehjelp",
        "proportion",
        N_("assessments granting the right"),
        N_("assessed referrals (granted or rejected)"),
        N_("referrals returned for more information or not yet assessed"),
        "neither",
        "DOMAIN.md §1.3, §8.2",
        f"SELECT {GEO}, (outcome = 'granted')::INT AS k FROM referral_facts WHERE outcome IN ('granted', 'rejected')",
    ),
    Indicator(
        "assigned_inpatient",
        "Share assigned inpatient care",
        "Andel tildelt døgnbehandling",
        "proportion",
        N_("granted referrals assigned detox, inpatient or user-controlled bed"),
        N_("granted referrals with a level"),
        N_("not granted; no assigned level"),
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
        N_("granted referrals assigned the wished level"),
        N_("granted referrals with both a wished and an assigned level"),
        N_("no wish recorded"),
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
        N_("granted referrals wishing inpatient care and assigned the wished level"),
        N_("granted referrals wishing inpatient care"),
        N_("no wish recorded"),
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
        N_("granted referrals of homeless persons assigned the wished level"),
        N_("granted referrals of homeless or temporarily housed persons with a wish"),
        N_("no wish recorded"),
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
        N_("referrals assessed on or before the assessment due date"),
        N_("referrals assessed, or whose due date has passed at the reference date"),
        N_("none"),
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
        N_("granted referrals started after the deadline, or not started when it passed"),
        N_("granted referrals with a start deadline that is passed or met"),
        N_("none"),
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
        N_("days from receipt to the first episode"),
        N_("referrals with a started episode"),
        N_("not started"),
        "lower",
        "DOMAIN.md §8.2 (mean 33 days in 2023)",
        f"SELECT {GEO}, waiting_days AS value FROM referral_facts WHERE waiting_days IS NOT NULL",
    ),
    Indicator(
        "rereferral_after_rejection",
        "Re-referral or acute admission within 90 days after a rejection",
        "Ny henvisning eller akuttinnleggelse innen 90 dager etter avslag",
        "proportion",
        N_("rejected referrals followed by a new referral or a detox episode within 90 days"),
        N_("rejected referrals whose 90 days have passed"),
        N_("none"),
        "lower",
        "DOMAIN.md §1.7",
        """SELECT f.cell, f.unit_id, f.year,
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
        N_("ended inpatient episodes ended by dropout"),
        N_("ended inpatient episodes"),
        N_("detox episodes"),
        "lower",
        "DOMAIN.md §3",
        """SELECT f.cell, e.unit_id, year(e.ended_on) AS year,
            (e.end_reason = 'dropout')::INT AS k
            FROM episode e JOIN referral_facts f ON f.referral_id = e.referral_id
            WHERE e.ended_on IS NOT NULL AND e.level IN ('inpatient_short', 'inpatient_long')""",
        period=N_("calendar year the episode ended"),
    ),
    # the appointment's day is 1-7 days after discharge: compared as instants from the start of those days (in the
    # session's time zone, as a cast to DATE would be), so the appointments' timestamps need no cast each
    Indicator(
        "followup_7d_after_discharge",
        "Attended follow-up within 7 days after inpatient discharge",
        "Oppfølging innen 7 dager etter utskrivning",
        "proportion",
        N_("inpatient discharges followed by an attended appointment within 7 days"),
        N_("inpatient discharges whose 7 days have passed"),
        N_("death, transfer to another inpatient stay"),
        "higher",
        "issue 3 §4; DOMAIN.md §4.6",
        f"""SELECT f.cell, e.unit_id, year(e.ended_on) AS year,
            EXISTS (SELECT 1 FROM appointment a WHERE a.person_key = e.person_key AND a.attendance = 'attended'
                    AND a.starts_at >= CAST(e.ended_on + 1 AS TIMESTAMPTZ)
                    AND a.starts_at < CAST(e.ended_on + 8 AS TIMESTAMPTZ))::INT AS k
            FROM episode e JOIN referral_facts f ON f.referral_id = e.referral_id
            WHERE e.ended_on IS NOT NULL AND e.level IN ({INPATIENT_SQL})
              AND coalesce(e.end_reason, '') NOT IN ('died', 'transferred')
              AND e.ended_on + INTERVAL 7 DAY <= $as_of""",
        needs=("appointment",),
        period=N_("calendar year of discharge"),
    ),
    # the task's outcome is worked out before the join (a narrower hash table of tasks), and an appointment without
    # a task is compared as an instant with the start of the reference day (as followup_7d), not cast to a date:
    # the same rows, 0.39 -> 0.33 s (0.64 -> 0.56 CPU s) at 1 M referrals
    Indicator(
        "noshow_outreach",
        "No-shows followed by outreach within 2 working days",
        "Uteblivelser fulgt opp med oppsøkende kontakt innen 2 virkedager",
        "proportion",
        N_("no-shows whose outreach task was done by its due date"),
        N_("no-shows with a passed outreach due date"),
        N_("none"),
        "higher",
        "issue 3 §10; DOMAIN.md §13.4",
        """SELECT g.cell, a.unit_id,
            year(CAST(a.starts_at AS DATE)) AS year,
            t.done::INT AS k
            FROM appointment a JOIN person_geo g ON g.person_key = a.person_key
            LEFT JOIN (SELECT id, due_on, status = 'done' AND completed_on <= due_on AS done FROM task) t
                ON t.id = a.outreach_task_id
            WHERE a.attendance = 'no_show'
              AND coalesce(t.due_on < $as_of, a.starts_at < CAST($as_of AS TIMESTAMPTZ))""",
        needs=("appointment", "task"),
        period=N_("calendar year of the appointment"),
    ),
    Indicator(
        "interpreter_when_needed",
        "Interpreter booked or used when needed",
        "Tolk bestilt eller brukt ved behov",
        "proportion",
        N_("appointments needing an interpreter where one was booked or used"),
        N_("appointments needing an interpreter"),
        N_("the person declined an interpreter"),
        "higher",
        "DOMAIN.md §7",
        """SELECT g.cell, a.unit_id,
            year(CAST(a.starts_at AS DATE)) AS year, (a.interpreter_status IN ('booked', 'used'))::INT AS k
            FROM appointment a JOIN person_geo g ON g.person_key = a.person_key
            WHERE a.interpreter_status NOT IN ('not_needed', 'declined_by_person')""",
        needs=("appointment",),
        period=N_("calendar year of the appointment"),
    ),
)

#: ended inpatient stays (detox and døgn; not user-controlled beds, which are short stays on the person's own
#: agreement), not ended by death, nor transfers to another episode in the same unit: ``e`` and its ``g`` geography
STAYS_SQL = "'detox', 'inpatient_long', 'inpatient_short'"
DISCHARGES = f"""episode e JOIN person_geo g ON g.person_key = e.person_key
    WHERE e.ended_on IS NOT NULL AND e.ended_on <= $as_of AND e.level IN ({STAYS_SQL})
      AND coalesce(e.end_reason, '') <> 'died'
      AND NOT (e.end_reason = 'transferred' AND EXISTS (
          SELECT 1 FROM episode n WHERE n.referral_id = e.referral_id AND n.id <> e.id
             AND n.started_on >= e.ended_on AND n.unit_id = e.unit_id))"""
PERSON_GEO_COLUMNS = "g.cell"
#: the shared temp table ``discharges``: one row per discharge of ``DISCHARGES`` with its geography, made once per
#: computation for the two indicators over discharges (the transfer check reads every episode)
DISCHARGE_ROWS = f"SELECT e.id, e.person_key, e.unit_id, e.ended_on, {PERSON_GEO_COLUMNS} FROM {DISCHARGES}"
DISCHARGE_GEO = "e.cell"
#: the weeks of a vedtak (``vedtak.delivery``): its complete ISO weeks from the week of its start up to its end, or
#: up to the reference date (the current, incomplete week left out), the first and last pro-rated to the days in the
#: vedtak. A week belongs to the year of its first day in the vedtak. The weeks are not made row by row (a vedtak of
#: a year is 52 rows, 3.4 M at 1 M referrals): ``vedtak_spans`` has one row per vedtak with its first and last
#: Monday, and the weeks between are counted by date arithmetic.
_NO_END = "coalesce(s.end_on, DATE '9999-12-31')"
#: the shared temp table ``vedtak_spans``: every vedtak with a weekly volume, started by the reference date, with the
#: Mondays of its first and last week (its end's week, or the last week complete at the reference date)
VEDTAK_SPANS = """
    SELECT * FROM (
        SELECT id AS vedtak_id, person_key, unit_id, volume, start_on, end_on,
               CAST(date_trunc('week', start_on) AS DATE) AS first_monday,
               CAST(date_trunc('week', CASE WHEN end_on <= $as_of THEN end_on ELSE $as_of - 6 END) AS DATE)
                   AS last_monday
        FROM vedtak WHERE status <> 'withdrawn' AND volume > 0 AND start_on <= $as_of
    ) WHERE last_monday >= first_monday"""
#: the days of a vedtak's week that are in the vedtak (7, or fewer in its first and last week)
_WEEK_DAYS = "date_diff('day', {first}, {last}) + 1"
_FIRST_WEEK_DAYS = _WEEK_DAYS.format(first="s.start_on", last=f"least(s.first_monday + 6, {_NO_END})")
_LAST_WEEK_DAYS = _WEEK_DAYS.format(first="s.last_monday", last=f"least(s.last_monday + 6, {_NO_END})")
#: the Mondays of each year's weeks (the first Monday on or after 1 January, the last on or before 31 December)
_YEARS = """SELECT year, CAST(date_trunc('week', make_date(year, 1, 7)) AS DATE) AS first_monday,
               CAST(date_trunc('week', make_date(year, 12, 31)) AS DATE) AS last_monday
        FROM (SELECT unnest(range(min(year(start_on)), year($as_of) + 1)) AS year FROM vedtak_spans)"""
#: the days of each vedtak's weeks in each year: the first week in the year of the start, the last in the year of
#: its Monday, and the whole weeks between (Mondays one week after the first to one week before the last) by year
_SPAN_YEAR_DAYS = f"""
    SELECT s.vedtak_id, s.person_key, s.unit_id, s.volume, y.year,
           7 * greatest(0, date_diff('day', greatest(s.first_monday + 7, y.first_monday),
                                            least(s.last_monday - 7, y.last_monday)) // 7 + 1)
           + CASE WHEN year(s.start_on) = y.year THEN {_FIRST_WEEK_DAYS} ELSE 0 END
           + CASE WHEN s.last_monday > s.first_monday AND year(s.last_monday) = y.year
                  THEN {_LAST_WEEK_DAYS} ELSE 0 END AS days
    FROM vedtak_spans s JOIN ({_YEARS}) y
      ON y.year BETWEEN year(s.start_on) AND greatest(year(s.start_on), year(s.last_monday))"""
#: what was delivered in a vedtak's weeks, by the year of each week (``_MONDAY``: the Monday of a delivery's week)
_MONDAY = "CAST(date_trunc('week', d.delivered_on) AS DATE)"
_DELIVERED_YEARS = f"""
    SELECT s.vedtak_id, year(greatest({_MONDAY}, s.start_on)) AS year, sum(d.amount) AS delivered
    FROM service_delivery d JOIN vedtak_spans s ON s.vedtak_id = d.vedtak_id
    WHERE d.delivered_on <= $as_of AND {_MONDAY} BETWEEN s.first_monday AND s.last_monday
    GROUP BY ALL"""
#: one row per vedtak and year: volume delivered and decided in its complete weeks, with the person's geography;
#: the shared temp table ``vedtak_years`` (two indicators read it)
VEDTAK_YEARS = f"""
    SELECT {PERSON_GEO_COLUMNS}, s.unit_id, s.year, coalesce(d.delivered, 0) AS delivered,
           s.volume * s.days / 7.0 AS decided
    FROM ({_SPAN_YEAR_DAYS}) s JOIN person_geo g ON g.person_key = s.person_key
    LEFT JOIN ({_DELIVERED_YEARS}) d ON d.vedtak_id = s.vedtak_id AND d.year = s.year
    WHERE s.days > 0"""
#: the weeks that can end in the last 28 days before a year's reference day (31 December, or the reference
#: date in its year): Mondays at most 33 days before it. ROP-09 reads only these weeks of each vedtak.
VEDTAK_LAST_WEEKS = (
    "(date_diff('day', monday, make_date(year(monday), 12, 31)) <= 33 OR date_diff('day', monday, $as_of) <= 33)"
)
_DAYS = _WEEK_DAYS.format(first="w.first_day", last="w.last_day")
#: ROP-09's weeks: every week of ``vedtak_spans`` on a Monday of ``VEDTAK_LAST_WEEKS`` (rows, a few per vedtak and
#: year), with what was delivered in it; ``short``: less than the delivered share of the decided volume
_LAST_WEEKS = f"""
mondays AS (
    SELECT * FROM (SELECT CAST(unnest(generate_series(CAST(min(first_monday) AS TIMESTAMP),
                                                      CAST($as_of AS TIMESTAMP), INTERVAL 7 DAY)) AS DATE) AS monday
                   FROM vedtak_spans)
    WHERE {VEDTAK_LAST_WEEKS}
),
weeks AS (
    SELECT s.vedtak_id, s.person_key, s.unit_id, s.volume, s.start_on, m.monday,
           greatest(m.monday, s.start_on) AS first_day, least(m.monday + 6, {_NO_END}) AS last_day
    FROM vedtak_spans s JOIN mondays m ON m.monday BETWEEN s.first_monday AND s.last_monday
),
delivered AS (
    SELECT d.vedtak_id, m.monday, sum(d.amount) AS amount
    FROM service_delivery d JOIN mondays m ON m.monday = {_MONDAY}
    WHERE d.delivered_on <= $as_of GROUP BY ALL
),
last_weeks AS (
    SELECT w.*, year(w.first_day) AS year,
           coalesce(d.amount, 0) < $delivered_share * w.volume * ({_DAYS}) / 7.0 - 1e-9 AS short
    FROM weeks w LEFT JOIN delivered d ON d.vedtak_id = w.vedtak_id AND d.monday = w.monday
)"""
#: ROP-09 over ``last_weeks`` (its weeks, with ``short``): the vedtak of each year's last four weeks, passed or not
ROP09_OVER_LAST_WEEKS = f"""
    reference_days AS (
        SELECT DISTINCT year, least(make_date(year, 12, 31), $as_of) AS ref FROM last_weeks
    ),
    per_year AS (
        SELECT w.vedtak_id, w.person_key, w.unit_id, y.year, y.ref, bool_or(w.short) AS short,
               min(w.start_on) AS start_on
        FROM last_weeks w JOIN reference_days y
          ON w.last_day BETWEEN y.ref - INTERVAL 27 DAY AND y.ref
        GROUP BY ALL
    ),
    first_delivery AS (
        SELECT vedtak_id, min(delivered_on) AS first_on FROM service_delivery
        WHERE vedtak_id IN (SELECT vedtak_id FROM per_year) GROUP BY ALL
    )
    SELECT {PERSON_GEO_COLUMNS}, y.unit_id, y.year,
        (NOT y.short AND NOT (y.start_on + INTERVAL $start_days DAY < y.ref
                              AND coalesce(d.first_on > y.ref, true)))::INT AS k
    FROM per_year y JOIN person_geo g ON g.person_key = y.person_key
    LEFT JOIN first_delivery d ON d.vedtak_id = y.vedtak_id"""
#: temp tables that several indicators read, by name: made (with the reference date and settings filled in) once
#: per `compute_raw`/`compute_all` call, before the indicators that name them in ``shared``, in the order named
#: (``vedtak_years`` reads ``vedtak_spans``, so indicators name both, that one first)
SHARED_TABLES: dict[str, str] = {
    "vedtak_spans": VEDTAK_SPANS,
    "vedtak_years": VEDTAK_YEARS,
    "discharges": DISCHARGE_ROWS,
}
#: the shared tables made as tables (compressed by a CHECKPOINT in ``queries.connect``'s database, as
#: ``person_geo``), not temp tables: for a shared table too large to keep uncompressed (none of these now)
COMPRESSED: frozenset[str] = frozenset()

COORDINATION: tuple[Indicator, ...] = (
    Indicator(
        "handover_accepted_before_discharge",
        "Inpatient discharges with a handover accepted by the day of discharge",
        "Utskrivninger fra døgn med overlevering akseptert senest utskrivningsdagen",
        "proportion",
        N_("ended inpatient stays whose handover (discharge or transfer) was accepted by the day of discharge"),
        N_("ended detox and inpatient stays (treating unit; the person's residence)"),
        N_("death; user-controlled beds; transfers to another episode in the same unit"),
        "higher",
        "DOMAIN.md §4.6, §5.4 ROP-13; issue 3 §4 (discharge without an accepted handover is flagged)",
        f"""SELECT {DISCHARGE_GEO}, e.unit_id, year(e.ended_on) AS year,
            EXISTS (SELECT 1 FROM handover h WHERE h.episode_id = e.id AND h.status = 'accepted'
                    AND CAST(h.decided_at AS DATE) <= e.ended_on)::INT AS k
            FROM discharges e""",
        needs=("handover",),
        shared=("discharges",),
        period=N_("calendar year of discharge"),
    ),
    Indicator(
        "crisis_plan_at_discharge",
        "Current crisis plan at inpatient discharge (ROP-11)",
        "Gjeldende kriseplan ved utskrivning fra døgn (ROP-11)",
        "proportion",
        N_(
            "ended inpatient stays where the person had a crisis plan made on or before the day of discharge and not "
            "past its review date"
        ),
        N_("ended detox and inpatient stays (treating unit; the person's residence)"),
        N_("death; user-controlled beds; transfers to another episode in the same unit"),
        "higher",
        "DOMAIN.md §4.2, §5.4 ROP-11",
        f"""SELECT {DISCHARGE_GEO}, e.unit_id, year(e.ended_on) AS year,
            EXISTS (SELECT 1 FROM crisis_plan c WHERE c.person_key = e.person_key AND c.made_on <= e.ended_on
                    AND (c.review_by IS NULL OR c.review_by >= e.ended_on))::INT AS k
            FROM discharges e""",
        needs=("crisis_plan",),
        shared=("discharges",),
        period=N_("calendar year of discharge"),
    ),
    Indicator(
        "vedtak_delivery",
        "Vedtak delivered as decided over the year",
        "Vedtak levert som vedtatt gjennom året",
        "proportion",
        N_(
            "vedtak with at least (1 - vedtak_shortfall_threshold), by default 80 %, of the volume decided for their "
            "complete weeks of the year delivered in those weeks"
        ),
        N_(
            "vedtak with a weekly volume and a complete ISO week in the year (part weeks pro-rated), up to the "
            "reference date (responsible municipal unit; the person's residence); one count per vedtak and year, so "
            "the weeks of one vedtak do not count as independent"
        ),
        N_("withdrawn vedtak; vedtak without a weekly volume; the current, incomplete week"),
        "higher",
        "DOMAIN.md §4.3, §5.4 ROP-09; vedtak/delivery.py",
        f"SELECT {GEO}, (delivered >= $delivered_share * decided - 1e-9)::INT AS k FROM vedtak_years",
        needs=("vedtak", "service_delivery"),
        shared=("vedtak_spans", "vedtak_years"),
        period=N_("calendar year of the weeks (the week's first day in the period)"),
    ),
    Indicator(
        "vedtak_delivery_ratio",
        "Delivered against decided volume per vedtak (median and 90th percentile)",
        "Levert mot vedtatt omfang per vedtak (median og p90)",
        "quantile",
        N_("volume delivered in the vedtak's complete weeks of the year"),
        N_("volume decided for the same weeks (one value per vedtak and year)"),
        N_("withdrawn vedtak; vedtak without a weekly volume; the current, incomplete week"),
        "higher",
        "DOMAIN.md §4.3, §5.4 ROP-09",
        f"SELECT {GEO}, delivered / decided AS value FROM vedtak_years",
        needs=("vedtak", "service_delivery"),
        shared=("vedtak_spans", "vedtak_years"),
        period=N_("calendar year of the weeks"),
    ),
    # the two EXISTS as a join of the first episodes to each table and a DISTINCT of the episodes found, not a mark
    # join on each (person, start) pair: the same rows, 0.83 -> 0.73 CPU s at 1 M referrals
    Indicator(
        "rop01_substance_mapped",
        "ROP-01: substance use mapped with AUDIT or DUDIT at the start of treatment",
        "ROP-01: rusmiddelbruk kartlagt med AUDIT eller DUDIT ved oppstart",
        "proportion",
        N_("starts with an AUDIT or DUDIT from 12 months before to mapping_within_days (30) days after the start"),
        N_("first episodes of referrals whose mapping_within_days have passed (treating unit)"),
        N_("the person declined substance-use mapping in that time and was not mapped"),
        "higher",
        "DOMAIN.md §5.4 ROP-01, §11; gaps/rules.py",
        # the first episodes are those of referral_facts (its first_start and first_unit_id, with the residence),
        # so the episodes are not ordered again nor joined to person_geo; days are added to dates as integers (a
        # DATE, not a TIMESTAMP, to compare). The same cells, 1.07-1.11 -> 0.61-0.62 CPU s at 1 M referrals
        """WITH e AS (
                SELECT referral_id AS id, person_key, first_unit_id AS unit_id, first_start AS started_on, cell
                FROM referral_facts WHERE first_start + $mapping_days <= $as_of
            ), mapped AS (
                SELECT DISTINCT e.id FROM e JOIN mapping_questionnaire q ON q.person_key = e.person_key
                    AND q.done_on BETWEEN e.started_on - 365 AND e.started_on + $mapping_days
            ), declined AS (
                SELECT DISTINCT e.id FROM e JOIN mapping_declined d ON d.person_key = e.person_key
                    AND d.area = 'substance_use'
                    AND d.declined_on BETWEEN e.started_on - 365 AND e.started_on + $mapping_days
            )
            SELECT e.cell, e.unit_id, year(e.started_on) AS year, (m.id IS NOT NULL)::INT AS k
            FROM e LEFT JOIN mapped m ON m.id = e.id
            LEFT JOIN declined x ON x.id = e.id
            WHERE m.id IS NOT NULL OR x.id IS NULL""",
        needs=("mapping_questionnaire", "mapping_declined"),
        period=N_("calendar year of the start"),
    ),
    Indicator(
        "rop09_services_delivered",
        "ROP-09: vedtak delivered as decided at the end of the year",
        "ROP-09: vedtak levert som vedtatt ved årets slutt",
        "proportion",
        N_(
            "vedtak with no short week among the complete weeks of the last SHORTFALL_LOOKBACK_WEEKS (4) weeks before "
            "the reference day, and something delivered if the period began more than NO_DELIVERY_START_DAYS (14) "
            "days before it (the gap check, run on 31 December, or on the reference date in its year)"
        ),
        N_("vedtak with a weekly volume and a complete week in those four weeks (responsible municipal unit)"),
        N_("withdrawn vedtak; vedtak without a weekly volume"),
        "higher",
        "DOMAIN.md §5.4 ROP-09; vedtak/delivery.py; gaps/rules.py",
        f"WITH {_LAST_WEEKS}, {ROP09_OVER_LAST_WEEKS}",
        needs=("vedtak", "service_delivery"),
        shared=("vedtak_spans",),
        period=N_("calendar year (its last four weeks)"),
    ),
    Indicator(
        "rop10_housing_assistance",
        "ROP-10: homeless or unstably housed referred persons with a housing vedtak",
        "ROP-10: bostedsløse eller ustabilt bosatte henviste med boligvedtak",
        "proportion",
        N_(
            "referrals of homeless or temporarily housed persons with a housing vedtak (housing assistance, temporary "
            "accommodation or supported housing) decided from 12 months before to 90 days after receipt"
        ),
        N_(
            "referrals of persons homeless or in temporary housing at receipt, whose 90 days have passed "
            "(municipality level; no unit)"
        ),
        N_("withdrawn vedtak; declined housing assistance is not in the store"),
        "higher",
        "DOMAIN.md §4.4, §5.4 ROP-10",
        """SELECT f.cell, NULL::BIGINT AS unit_id, f.year,
            EXISTS (SELECT 1 FROM vedtak v WHERE v.person_key = f.person_key AND v.status <> 'withdrawn'
                    AND v.service_type IN ('housing_assistance', 'temporary_accommodation', 'supported_housing')
                    AND v.decided_on BETWEEN f.received_on - INTERVAL 365 DAY
                                         AND f.received_on + INTERVAL 90 DAY)::INT AS k
            FROM referral_facts f WHERE f.homeless AND f.received_on + INTERVAL 90 DAY <= $as_of""",
        needs=("vedtak",),
    ),
    Indicator(
        "rop12_wish_recorded",
        "ROP-12: the person's wished level of care recorded",
        "ROP-12: personens ønskede behandlingsnivå registrert",
        "proportion",
        N_("referrals with a wished level of care recorded"),
        N_("referrals received in the year (receiving unit)"),
        N_("none; goals in the person's own words (the rest of ROP-12) are not in the store"),
        "higher",
        "DOMAIN.md §5.4 ROP-12, §13.3",
        f"SELECT {GEO}, (wished_level IS NOT NULL)::INT AS k FROM referral_facts",
    ),
    Indicator(
        "rop13_handover_in_time",
        "ROP-13: handovers answered by the receiver within the acceptance deadline",
        "ROP-13: overleveringer besvart av mottaker innen fristen",
        "proportion",
        N_("handovers accepted or declined on or before their acceptance due date"),
        N_("handovers decided, or whose acceptance due date has passed (receiving unit)"),
        N_("cancelled handovers"),
        "higher",
        "DOMAIN.md §5.4 ROP-13; Settings.handover_acceptance_working_days",
        f"""SELECT {PERSON_GEO_COLUMNS}, h.to_unit_id AS unit_id, year(CAST(h.created_at AS DATE)) AS year,
            (h.status IN ('accepted', 'declined') AND CAST(h.decided_at AS DATE) <= h.acceptance_due)::INT AS k
            FROM handover h JOIN person_geo g ON g.person_key = h.person_key
            WHERE h.status <> 'cancelled' AND (h.acceptance_due < $as_of OR h.status IN ('accepted', 'declined'))""",
        needs=("handover",),
        period=N_("calendar year the handover was made"),
    ),
)
#: the ROP gap checks the atlas computes from the store (pass rate per municipality and the other levels);
#: ROP-11 is ``crisis_plan_at_discharge``. ROP-02..08, 14 and 15 are in ``analytics/rop.py`` (added below).
ROP_INDICATORS = {
    "ROP-01": "rop01_substance_mapped",
    "ROP-09": "rop09_services_delivered",
    "ROP-10": "rop10_housing_assistance",
    "ROP-11": "crisis_plan_at_discharge",
    "ROP-12": "rop12_wish_recorded",
    "ROP-13": "rop13_handover_in_time",
}
ROP_INDICATORS |= rop.CODES
SHARED_TABLES |= rop.SHARED
ROP_CHECKS = tuple(Indicator(**check) for check in rop.CHECKS)
CATALOGUE = CATALOGUE + COORDINATION + ROP_CHECKS

BY_CODE = {indicator.code: indicator for indicator in CATALOGUE}

#: one row per person: its residence (``cell``). Not a temp table: in ``queries.connect``'s database it is
#: compressed by the CHECKPOINT after it (8 M persons at 10 M referrals)
PERSON_GEO = f"""
CREATE TABLE IF NOT EXISTS person_geo AS
SELECT p.person_key, c.cell FROM person p {queries.CELL_JOIN}
"""


def available(con: duckdb.DuckDBPyConnection) -> list[Indicator]:
    """The indicators whose optional tables are in the store (one look-up of the table names)."""
    tables = {str(r[0]) for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    return [i for i in CATALOGUE if all(t in tables for t in i.needs)]


def _grouping_sets(key: str = "") -> str:
    """Every level by year, and the nation by year; each set also grouped by ``key`` when one is given."""
    prefix = f"{key}, " if key else ""
    sets = [f"({prefix}{LEVEL_COLUMN[level]}, year)" for level in LEVELS]
    return "GROUPING SETS (" + ", ".join(sets) + f", ({prefix}year))"


def _level_case() -> str:
    parts = [f"WHEN grouping({LEVEL_COLUMN[level]}) = 0 THEN '{level}'" for level in LEVELS]
    return "CASE " + " ".join(parts) + " ELSE 'national' END"


def _code_case() -> str:
    parts = [
        f"WHEN grouping({LEVEL_COLUMN[level]}) = 0 THEN CAST({LEVEL_COLUMN[level]} AS VARCHAR)" for level in LEVELS
    ]
    return "CASE " + " ".join(parts) + " ELSE 'NO' END"


def _parameters(sql: str, as_of: date) -> str:
    """The indicator's SQL with the reference date and the settings it names filled in."""
    from helhet.config import get_settings
    from helhet.vedtak.delivery import NO_DELIVERY_START_DAYS

    settings = get_settings()
    values = {
        "$as_of": f"DATE '{as_of.isoformat()}'",
        "$mapping_days": str(int(settings.mapping_within_days)),
        "$delivered_share": repr(1 - float(settings.vedtak_shortfall_threshold)),
        "$start_days": str(NO_DELIVERY_START_DAYS),
    }
    for name, value in values.items():
        sql = sql.replace(name, value)
    return sql


def _sources(indicators: list[Indicator]) -> list[str]:
    """The SQL these indicators run: their own and that of the shared tables they read."""
    shared = dict.fromkeys(name for indicator in indicators for name in indicator.shared)
    return [indicator.sql for indicator in indicators] + [SHARED_TABLES[name] for name in shared]


def fact_columns(indicators: list[Indicator]) -> set[str]:
    """The columns of ``referral_facts`` these indicators read: every column name in the SQL of those that read
    it (a name that some other table also has costs a column, never a wrong answer)."""
    text = " ".join(sql for sql in _sources(indicators) if re.search(r"\breferral_facts\b", sql))
    return {column for column in queries.FACT_COLUMNS if re.search(rf"\b{column}\b", text)}


def _prepare(con: duckdb.DuckDBPyConnection, indicators: list[Indicator], as_of: date, shared: bool = True) -> None:
    """Make the columns of ``referral_facts``, ``person_geo`` and (with ``shared``) the shared tables these
    indicators read (for this ``as_of``); each only when one of them reads it."""
    sources = _sources(indicators)
    if columns := fact_columns(indicators):
        queries.facts(con, columns)
    if not has_table(con, "person_geo") and any(re.search(r"\bperson_geo\b", sql) for sql in sources):
        con.execute(PERSON_GEO)
        con.execute("CHECKPOINT")
    if shared:
        for name in dict.fromkeys(name for indicator in indicators for name in indicator.shared):
            _make_shared(con, name, as_of)


def _make_shared(con: duckdb.DuckDBPyConnection, name: str, as_of: date) -> None:
    if name in COMPRESSED:
        con.execute(f"DROP TABLE IF EXISTS {name}")  # a table, not a temp table: compressed at the CHECKPOINT
        con.execute(f"CREATE TABLE {name} AS {_parameters(SHARED_TABLES[name], as_of)}")
        con.execute("CHECKPOINT")
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {_parameters(SHARED_TABLES[name], as_of)}")


def _cost(step: _Step, live: set[str], remaining: list[_Step]) -> tuple[int, int]:
    """`_schedule`'s key: the tables ``step`` would make, and (negated) those it would let be dropped."""
    later = {name for other in remaining if other is not step for name in other.shared}
    return len(set(step.shared) - live), -len((live | set(step.shared)) - later)


def _schedule(steps: list[_Step]) -> list[_Step]:
    """The order in which `compute_all` runs its statements, so that few shared tables are alive at once.

    Each step's shared tables are made just before the first step that reads them and dropped after the last
    (in `compute_all`). Greedy: next is the step that makes the fewest new tables, then the one that lets the most be
    dropped, then the first in catalogue order. At 10 M referrals the ROP tables are 13.6 M rows each (about
    400 MB uncompressed): all of them alive at once left the joins too little of ``queries.MEMORY_LIMIT``."""
    remaining, live, order = list(steps), set[str](), []
    while remaining:
        best = min(remaining, key=lambda step: _cost(step, live, remaining))
        remaining.remove(best)
        order.append(best)
        live = (live | set(best.shared)) & {name for step in remaining for name in step.shared}
    return order


#: persons per range of `compute_all` (`_person_ranges`): at 10 M referrals (7.9 M persons) the ROP checks in eight
#: ranges took 83-88 CPU s against 97-101 in one (the same cells), their hash tables a size that stays in the CPU's
#: caches; a store of up to this many persons is one range
PERSON_CHUNK = 1_000_000


def _person_ranges(con: duckdb.DuckDBPyConnection) -> list[tuple[int, int] | None]:
    """Ranges of person keys of about `PERSON_CHUNK` persons each, or ``[None]`` (all persons at once) for a
    store of up to that many persons."""
    # fetchall, not fetchone: a result left unfinished would refuse the next `sql` on this connection
    (row,) = con.execute("SELECT count(*), min(person_key), max(person_key) FROM person").fetchall()
    if not row or row[0] <= PERSON_CHUNK or row[1] is None:
        return [None]
    parts = -(-int(row[0]) // PERSON_CHUNK)
    low, high = int(row[1]), int(row[2])
    step = (high - low) // parts + 1
    return [(low + part * step, min(high, low + (part + 1) * step - 1)) for part in range(parts)]


def _in_database(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether ``name`` is a table or view of `queries.DATABASE` (not a temp table, which a temp view of the same
    name cannot stand in front of)."""
    ((count,),) = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_catalog = ?",
        [name, queries.DATABASE],
    ).fetchall()
    return bool(count)


def _person_tables(con: duckdb.DuckDBPyConnection, steps: list[_Step]) -> list[str] | None:
    """The person-keyed tables these steps read (of the store, ``person_geo`` and ``referral_facts``), in
    catalogue order; None when one of them is a temp table, which `_restrict` cannot narrow (each range would
    count every person), and the steps run over all persons at once."""
    text = " ".join([step.sql for step in steps] + [SHARED_TABLES[n] for step in steps for n in step.shared])
    keyed = ["person"] + [t for t, columns in {**REQUIRED, **OPTIONAL}.items() if "person_id" in columns]
    tables = [t for t in [*keyed, "person_geo", "referral_facts"] if re.search(rf"\b{t}\b", text) and has_table(con, t)]
    if not all(_in_database(con, t) for t in tables):
        return None
    return tables


def _restrict(con: duckdb.DuckDBPyConnection, tables: list[str], persons: tuple[int, int] | None) -> None:
    """Make ``tables`` show only the persons with keys in ``persons`` (temp views of the same names, which the
    statements find before the store's; Parquet and DuckDB's own tables skip the row groups of other persons),
    or all again (None)."""
    for table in tables:
        if persons is None:
            con.execute(f"DROP VIEW IF EXISTS temp.main.{table}")
        else:
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM {queries.DATABASE}.main.{table} "
                f"WHERE person_key BETWEEN {int(persons[0])} AND {int(persons[1])}"
            )


#: connections (cursors of the caller's) that `_in_ranges` runs ranges of persons on at once: DuckDB's one pool of
#: threads fills the serial phases of one statement (a hash table's finalising, a small last group) with the other's
#: work. At 10 M referrals (eight ranges) the statements took 43.0 s against 47.5 s on one, the same CPU.
WORKERS = 2


def _in_ranges(
    con: duckdb.DuckDBPyConnection,
    tables: list[str],
    ranges: list[tuple[int, int] | None],
    steps: list[_Step],
    as_of: date,
) -> None:
    """`_run` the steps once per range of persons, on `WORKERS` cursors of ``con`` at once, each taking the next
    range when done with one. A cursor's temp views (`_restrict`) and shared tables (temp tables) are its own;
    the counts go to the tables of `queries.DATABASE` that all see (``indicator_cells``, `_values`). The first
    error stops the others after their current range and is raised."""
    pending = iter(ranges)
    lock = threading.Lock()
    failed = threading.Event()

    def work(cursor: duckdb.DuckDBPyConnection) -> None:
        cursor.execute(f"USE {queries.DATABASE}")
        while not failed.is_set():
            with lock:
                persons = next(pending, None)
            if persons is None:
                return
            try:
                _restrict(cursor, tables, persons)
                _run(cursor, steps, as_of)
            except BaseException:
                failed.set()
                raise

    cursors = [con.cursor() for _ in range(max(1, min(WORKERS, len(ranges))))]
    try:
        with ThreadPoolExecutor(len(cursors)) as pool:
            for future in [pool.submit(work, cursor) for cursor in cursors]:
                future.result()
    finally:
        for cursor in cursors:
            cursor.close()  # and with it its temp views and tables


def _run(con: duckdb.DuckDBPyConnection, steps: list[_Step], as_of: date) -> None:
    """Run ``steps`` in order, each shared table made before the first that reads it and dropped after the last."""
    live = set[str]()
    for rank, step in enumerate(steps):
        for name in step.shared:
            if name not in live:
                _make_shared(con, name, as_of)
                live.add(name)
        con.execute(step.sql)
        for name in live - {name for later in steps[rank + 1 :] for name in later.shared}:
            con.execute(f"DROP TABLE IF EXISTS {name}")
            live.discard(name)


def _measures(kind: Kind) -> str:
    if kind == "quantile":
        # both quantiles of one aggregate (DuckDB binds the two alike calls once): one sort of each group's values
        # instead of two; the same values as two calls (0.38-0.42 -> 0.23-0.26 s at 1 M referrals)
        both = "quantile_cont(value, [0.5, 0.9])"
        return f"count(*) AS n, NULL::BIGINT AS k, {both}[1] AS median, {both}[2] AS p90, avg(value) AS mean"
    return "count(*) AS n, sum(k)::BIGINT AS k, NULL::DOUBLE AS median, NULL::DOUBLE AS p90, NULL::DOUBLE AS mean"


def compute_raw(con: duckdb.DuckDBPyConnection, indicator: Indicator, as_of: date) -> pl.DataFrame:
    """Counts per level, code and year: n, k (proportions and rates) or median and p90 (quantiles).

    One indicator, one grouped query over its rows: the plain reference that `compute_all` must agree with.
    """
    _prepare(con, [indicator], as_of)
    source = _parameters(indicator.sql, as_of)
    sql = f"""
        SELECT {_level_case()} AS level, {_code_case()} AS code, year, {_measures(indicator.kind)}
        FROM ({source}) s LEFT JOIN geo_cell USING (cell)
        WHERE {in_period(con)}
        GROUP BY {_grouping_sets()}
    """
    frame = con.sql(sql).pl()
    return frame.filter(pl.col("code").is_not_null()).with_columns(pl.lit(indicator.code).alias("indicator"))


#: a counted indicator over the rows of ``referral_facts`` alone: its k and its row condition, so that
#: `compute_all` counts all of these in one scan (``count(*) FILTER``) instead of one scan each
_FACTS_ROWS = re.compile(rf"SELECT {GEO}, (?P<k>.+) AS k FROM referral_facts(?: WHERE (?P<rows>.+))?", re.DOTALL)


def over_facts(indicator: Indicator, as_of: date) -> re.Match[str] | None:
    """The k and row condition (``k``, ``rows``) of an indicator over the rows of ``referral_facts`` alone, or
    None for one that reads other tables."""
    return _FACTS_ROWS.fullmatch(_parameters(indicator.sql, as_of))


def _facts_cells(counted: list[Indicator], facts: dict[str, re.Match[str]], period: str) -> str:
    """``WITH facts_cells``: per cell, n and k of every indicator of ``facts`` (numbered by rank in ``counted``)."""
    if not facts:
        return ""
    measures = []
    for rank, indicator in enumerate(counted):
        if match := facts.get(indicator.code):
            rows = match["rows"] or "TRUE"
            measures.append(
                f"count(*) FILTER (WHERE {rows}) AS n_{rank}, sum({match['k']}) FILTER (WHERE {rows}) AS k_{rank}"
            )
    return (
        f"WITH facts_cells AS MATERIALIZED (SELECT {GEO}, {', '.join(measures)} "
        f"FROM referral_facts WHERE {period} GROUP BY ALL)"
    )


@dataclass(frozen=True)
class _Step:
    """One statement of `compute_all`: an INSERT into ``indicator_cells`` (counted) or into the quantile's table of
    values (`_values`), and the shared tables it reads (in the order they are made)."""

    sql: str
    shared: tuple[str, ...] = ()


def _values(rank: int) -> str:
    """The temp table of the rows (cell, unit, year, value) of the ``rank``-th quantile indicator of `compute_all`:
    its quantiles are taken once, over the rows of every range of persons."""
    return f"quantile_values_{rank}"


def _steps(counted: list[Indicator], quantiles: list[Indicator], as_of: date, period: str) -> list[_Step]:
    """The statements of `compute_all` in catalogue order. The counted indicators over ``referral_facts`` alone
    in one scan; each other indicator in a statement of its own, so that one indicator's joins and hash tables
    hold memory at a time, not all of them at once."""
    facts = {i.code: match for i in counted if (match := over_facts(i, as_of))}
    steps = []
    if facts:
        parts = " UNION ALL ".join(
            f"SELECT '{i.code}' AS indicator, {GEO}, n_{rank} AS n, k_{rank} AS k FROM facts_cells WHERE n_{rank} > 0"
            for rank, i in enumerate(counted)
            if i.code in facts
        )
        steps.append(_Step(f"INSERT INTO indicator_cells BY NAME {_facts_cells(counted, facts, period)} {parts}"))
    steps += [
        _Step(
            f"INSERT INTO indicator_cells BY NAME SELECT '{i.code}' AS indicator, {GEO}, count(*) AS n, sum(k) AS k "
            f"FROM ({_parameters(i.sql, as_of)}) s WHERE {period} GROUP BY ALL",
            i.shared,
        )
        for i in counted
        if i.code not in facts
    ]
    steps += [
        _Step(
            f"INSERT INTO {_values(rank)} BY NAME SELECT {GEO}, value FROM ({_parameters(i.sql, as_of)}) s "
            f"WHERE {period}",
            i.shared,
        )
        for rank, i in enumerate(quantiles)
    ]
    return steps


def compute_all(con: duckdb.DuckDBPyConnection, indicators: list[Indicator], as_of: date) -> pl.DataFrame:
    """`compute_raw` of many indicators at once, the same values in one long frame.

    Counted indicators (proportions, rates): each indicator's rows are first counted per cell of the finest
    geography (RHF, HF, area, municipality, unit) and year into ``indicator_cells`` (`_steps`); the levels and the
    nation are then sums over those few cells (GROUPING SETS over cells, not over rows), in one statement.
    Quantiles cannot be summed: each one's rows (cell, unit, year, value) are kept in a table of its own
    (`_values`) and go through one grouped statement at the end. The statements run in the order of
    `_schedule`, each shared table made before the first that reads it and dropped after the last, once per
    range of about `PERSON_CHUNK` persons (`_person_ranges`, `_restrict`): every indicator counts a person's rows
    from that person's records alone (records that point at each other by id, as an appointment at its outreach
    task or an episode at its referral, belong to the same person), so the ranges' counts add up to those over
    all persons at once. Rows sorted by indicator (catalogue order), level, code and year.
    """
    if not indicators:
        return pl.DataFrame()
    _prepare(con, indicators, as_of, shared=False)
    period = in_period(con)
    counted = [i for i in indicators if i.kind != "quantile"]
    quantiles = [i for i in indicators if i.kind == "quantile"]
    con.execute(
        "CREATE OR REPLACE TABLE indicator_cells "
        "(indicator VARCHAR, cell INTEGER, unit_id BIGINT, year BIGINT, n BIGINT, k HUGEINT)"
    )
    for rank in range(len(quantiles)):
        con.execute(
            f"CREATE OR REPLACE TABLE {_values(rank)} (cell INTEGER, unit_id BIGINT, year BIGINT, value DOUBLE)"
        )
    steps = _schedule(_steps(counted, quantiles, as_of, period))
    # counts per cell summed over the ranges, and quantiles over the values of all ranges, by the statements
    # below: the same as over all persons at once
    ranges = _person_ranges(con)
    tables = _person_tables(con, steps) if ranges != [None] else None
    if tables:
        _in_ranges(con, tables, ranges, steps, as_of)
    else:
        _run(con, steps, as_of)
    frames: list[pl.DataFrame] = []
    for rank, indicator in enumerate(quantiles):
        frames.append(
            con.sql(f"""
                SELECT '{indicator.code}' AS indicator, {_level_case()} AS level, {_code_case()} AS code, year,
                       {_measures("quantile")}
                FROM {_values(rank)} LEFT JOIN geo_cell USING (cell)
                GROUP BY {_grouping_sets()}
            """).pl()
        )
        con.execute(f"DROP TABLE {_values(rank)}")
    if counted:
        frames.append(
            con.sql(f"""
                SELECT indicator, {_level_case()} AS level, {_code_case()} AS code, year, sum(n)::BIGINT AS n,
                       sum(k)::BIGINT AS k, NULL::DOUBLE AS median, NULL::DOUBLE AS p90, NULL::DOUBLE AS mean
                FROM indicator_cells LEFT JOIN geo_cell USING (cell)
                GROUP BY {_grouping_sets("indicator")}
            """).pl()
        )
    order = {indicator.code: rank for rank, indicator in enumerate(indicators)}
    frame = pl.concat(frames, how="vertical_relaxed").filter(pl.col("code").is_not_null())
    return (
        frame.with_columns(pl.col("indicator").replace_strict(order, return_dtype=pl.Int64).alias("_order"))
        .sort("_order", "level", "code", "year")
        .drop("_order")
        .select(*(c for c in frame.columns if c != "indicator"), "indicator")
    )
