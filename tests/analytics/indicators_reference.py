"""Indicators as ``analytics/indicators.py`` defined them before a speed-up: the plain references the faster SQL
must agree with. Each is the indicator's former ``sql``, self-contained (its former shared tables as CTEs); ROP-09
keeps its current tail over its weeks, only the weeks are made the former way."""

from __future__ import annotations

from helhet.analytics.indicators import GEO, PERSON_GEO_COLUMNS, ROP09_OVER_LAST_WEEKS, VEDTAK_LAST_WEEKS
from helhet.analytics.queries import INPATIENT_SQL

#: every complete week of every vedtak, one row per week (``generate_series`` per vedtak), with what was delivered
#: in it and whether it was short: the former shared table ``vedtak_weeks``
_VEDTAK_WEEKS = """
WITH weeks AS (
    SELECT id AS vedtak_id, person_key, unit_id, volume, start_on, monday,
           greatest(monday, start_on) AS first_day, least(monday + 6, coalesce(end_on, DATE '9999-12-31')) AS last_day
    FROM (SELECT v.*, CAST(unnest(generate_series(CAST(date_trunc('week', v.start_on) AS TIMESTAMP),
                                                  CAST(least(coalesce(v.end_on, $as_of), $as_of) AS TIMESTAMP),
                                                  INTERVAL 7 DAY)) AS DATE) AS monday
          FROM vedtak v WHERE v.status <> 'withdrawn' AND v.volume > 0 AND v.start_on <= $as_of)
),
delivered AS (
    SELECT vedtak_id, CAST(date_trunc('week', delivered_on) AS DATE) AS monday, sum(amount) AS amount
    FROM service_delivery WHERE delivered_on <= $as_of GROUP BY ALL
),
vedtak_weeks AS (
    SELECT w.*, year(w.first_day) AS year, coalesce(d.amount, 0) AS amount,
           w.volume * (date_diff('day', w.first_day, w.last_day) + 1) / 7.0 AS decided,
           coalesce(d.amount, 0) < $delivered_share * w.volume * (date_diff('day', w.first_day, w.last_day) + 1) / 7.0
               - 1e-9 AS short
    FROM weeks w LEFT JOIN delivered d ON d.vedtak_id = w.vedtak_id AND d.monday = w.monday
    WHERE w.last_day <= $as_of
)"""
_VEDTAK_YEARS = f"""{_VEDTAK_WEEKS},
vedtak_years AS (
    SELECT {PERSON_GEO_COLUMNS}, w.unit_id, w.year, sum(w.amount) AS delivered, sum(w.decided) AS decided
    FROM vedtak_weeks w JOIN person_geo g ON g.person_key = w.person_key
    GROUP BY w.vedtak_id, {PERSON_GEO_COLUMNS}, w.unit_id, w.year HAVING sum(w.decided) > 0
)"""

REFERENCE: dict[str, str] = {
    "vedtak_delivery": f"""{_VEDTAK_YEARS}
        SELECT {GEO}, (delivered >= $delivered_share * decided - 1e-9)::INT AS k FROM vedtak_years""",
    "vedtak_delivery_ratio": f"{_VEDTAK_YEARS} SELECT {GEO}, delivered / decided AS value FROM vedtak_years",
    "rop09_services_delivered": f"""{_VEDTAK_WEEKS},
        last_weeks AS (SELECT * FROM vedtak_weeks WHERE {VEDTAK_LAST_WEEKS}), {ROP09_OVER_LAST_WEEKS}""",
}

#: the 7-day follow-up with each appointment's timestamp cast to its date
FOLLOWUP_7D = f"""SELECT f.cell, e.unit_id, year(e.ended_on) AS year,
    EXISTS (SELECT 1 FROM appointment a WHERE a.person_key = e.person_key AND a.attendance = 'attended'
            AND CAST(a.starts_at AS DATE) > e.ended_on
            AND CAST(a.starts_at AS DATE) <= e.ended_on + INTERVAL 7 DAY)::INT AS k
    FROM episode e JOIN referral_facts f ON f.referral_id = e.referral_id
    WHERE e.ended_on IS NOT NULL AND e.level IN ({INPATIENT_SQL})
      AND coalesce(e.end_reason, '') NOT IN ('died', 'transferred')
      AND e.ended_on + INTERVAL 7 DAY <= $as_of"""
