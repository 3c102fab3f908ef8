"""DuckDB over the analytical store: views of the Parquet tables, geography, and one row of facts per referral.

SQL gathers (joins and groups in DuckDB); ``indicators.py`` and ``stats.py`` compute; ``plots.py`` draws.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from helhet import reference
from helhet.analytics.store import OPTIONAL, REQUIRED, check_folder
from helhet.reference.units import INPATIENT_LEVELS

INPATIENT_SQL = ", ".join(f"'{level.value}'" for level in sorted(INPATIENT_LEVELS))


def _geography_tables(con: duckdb.DuckDBPyConnection) -> None:
    """``geo_municipality``, ``geo_district`` and ``geo_area``: small temp tables from the reference data.

    Made from lists with ``unnest`` rather than registered Arrow tables: ``register`` imports pandas, a quarter
    of a second of ``connect`` in a fresh process."""
    areas = {a.code: a for a in reference.referral_areas()}
    trusts = {t.code: t for t in reference.health_trusts()}
    regions = {r.code: r.name for r in reference.regions()}
    municipalities = list(reference.municipalities().values())
    districts = reference.city_districts()
    tables: dict[str, dict[str, list[str]]] = {
        "geo_municipality": {
            "municipality_number": [m.number for m in municipalities],
            "municipality_name": [m.short_name for m in municipalities],
            "area_code": [m.referral_area_code or "ous" for m in municipalities],
        },
        "geo_district": {
            "district_number": [d.number for d in districts],
            "district_area_code": [d.referral_area_code for d in districts],
        },
        "geo_area": {
            "area_code": list(areas),
            "area_name": [a.name for a in areas.values()],
            "hf_code": [a.hf_code for a in areas.values()],
            "hf_name": [trusts[a.hf_code].name for a in areas.values()],
            "rhf_code": [a.rhf_code for a in areas.values()],
            "rhf_name": [regions[a.rhf_code] for a in areas.values()],
        },
    }
    for name, columns in tables.items():
        select = ", ".join(f"unnest(?::VARCHAR[]) AS {column}" for column in columns)
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT {select}", list(columns.values()))


def _view(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    names = set(pq.read_schema(path).names)
    columns = []
    for c in {**REQUIRED, **OPTIONAL}[table]:
        if c == "person_id" or (table == "person" and c == "id"):
            source = "person_key" if "person_key" in names else c
            columns.append(f"{source} AS person_key")
        else:
            columns.append(f'"{c}"')
    con.execute(f"CREATE VIEW {table} AS SELECT {', '.join(columns)} FROM read_parquet('{path}')")


#: written by the generator beside its Parquet tables; its ``as_of`` and ``years`` give the period it covers
GROUND_TRUTH = "ground_truth.json"


def covered_years(folder: Path) -> tuple[int, int] | None:
    """The calendar years a generated store covers, ``(as_of.year − years + 1, as_of.year)``, from its
    ``ground_truth.json``; ``None`` (all years) for a store built from a database, which has all its years.

    The generator also writes a thin tail of earlier referrals (history for the prior-episodes covariate and the
    LAR stock); without this they would show as real, tiny years in the atlas.
    """
    path = folder / GROUND_TRUTH
    if not path.is_file():
        return None
    try:
        truth = json.loads(path.read_text(encoding="utf-8"))
        last, years = date.fromisoformat(truth["as_of"]).year, int(truth["years"])
    except (ValueError, KeyError, TypeError):
        return None
    return (last - years + 1, last) if years > 0 else None


#: DuckDB's own memory (its buffer: tables, hash tables, sorts) is kept under this; beyond it, it spills to a
#: temporary directory. Meant to keep the atlas within issue 6's 4 GB (10 M referrals: 3.2 GB)
MEMORY_LIMIT = "2.5GB"
#: referrals per statement that builds ``referral_facts``: larger stores are built in ranges of referral ids, so
#: the joins' hash tables and windows of one range fit in ``MEMORY_LIMIT`` and do not spill (10 M referrals in
#: one statement wrote 16 GB of temporary files)
FACTS_CHUNK = 2_000_000
#: from this many referrals on, ``referral_facts`` is compressed (a table of the ``atlas`` database, compressed
#: at a CHECKPOINT after each range); a smaller store keeps it as a temp table, uncompressed. At 1 M referrals
#: compressing costs about 0.9 CPU s, half the wall time of ``connect`` on two cores, and saves 285 MB (311 MB
#: against 26 MB); at 10 M it saves 2.8 GB, which the 4 GB target needs.
COMPRESS_FROM = 2_000_000


def connect(
    folder: Path,
    threads: int | None = None,
    memory_limit: str = MEMORY_LIMIT,
    chunk: int = FACTS_CHUNK,
    compress_from: int = COMPRESS_FROM,
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the store's tables as views, geography, the ``referral_facts`` table, and
    ``store_period`` (one row: the first and last year covered, NULL when all years are)."""
    files = check_folder(folder)
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute("SET memory_limit = ?", [memory_limit])
    con.execute("SET temp_directory = ?", [str(Path(tempfile.gettempdir()) / "helhet-duckdb")])
    # Row order of unordered results is not needed (the atlas sorts what it shows), and keeping it costs memory
    # in the large CREATE TABLE AS and joins of referral_facts.
    con.execute("SET preserve_insertion_order = false")
    # The atlas's tables live in an in-memory database that compresses at each CHECKPOINT (temp tables never
    # do): a large store's referral_facts takes about a tenth of the memory, so 10 M referrals of it fit beside
    # the joins.
    con.execute("ATTACH ':memory:' AS atlas (COMPRESS)")
    con.execute("USE atlas")
    for table, path in files.items():
        _view(con, table, path)
    _geography_tables(con)
    _referral_facts(con, chunk, compress_from)
    first, last = covered_years(folder) or (None, None)
    con.execute(
        "CREATE TEMP TABLE store_period AS SELECT ?::INTEGER AS first_year, ?::INTEGER AS last_year", [first, last]
    )
    return con


def _referral_facts(con: duckdb.DuckDBPyConnection, chunk: int, compress_from: int) -> None:
    """``referral_facts``, one statement per range of about ``chunk`` referral ids; from ``compress_from``
    referrals on a table compressed after each range, below it a temp table (see ``COMPRESS_FROM``).

    The ranges split the referrals, so the rows are the same as one statement's; the filters on the referral,
    assessment and episode ids let Parquet skip the row groups of other ranges."""
    row = con.execute("SELECT count(*), min(id), max(id) FROM referral").fetchone()
    count, low, high = (int(row[0]), row[1], row[2]) if row else (0, None, None)
    compress = count >= compress_from
    create = "CREATE TABLE referral_facts AS" if compress else "CREATE TEMP TABLE referral_facts AS"
    if not count or low is None or high is None:
        con.execute(f"{create} {referral_facts_sql(0, -1)}")
        return
    parts = max(1, -(-count // max(1, chunk)))
    step = (int(high) - int(low)) // parts + 1
    for part in range(parts):
        first = int(low) + part * step
        last = min(int(high), first + step - 1)
        con.execute(f"{create if part == 0 else 'INSERT INTO referral_facts'} {referral_facts_sql(first, last)}")
        if compress:
            con.execute("CHECKPOINT")


def in_period(con: duckdb.DuckDBPyConnection, column: str = "year") -> str:
    """SQL condition: ``column`` lies within the store's covered years (true for a store with all its years)."""
    if not has_table(con, "store_period"):
        return "TRUE"
    rows = con.execute("SELECT first_year, last_year FROM store_period").fetchall()
    if not rows or rows[0][0] is None:
        return "TRUE"
    return f"{column} BETWEEN {int(rows[0][0])} AND {int(rows[0][1])}"


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()
    return bool(row and row[0])


# One row per referral: residence (as of receipt) → area → HF → RHF, treating unit, case mix, the wish, the
# assessment and the first episode. Homelessness is the housing status in force on the day of receipt.
# Materialised once per connection: every indicator reads it, and its window functions are the costly part.
# ``{first}`` and ``{last}``: the range of referral ids one statement makes (see ``_referral_facts``).
REFERRAL_FACTS = f"""
WITH final_assessment AS (
    SELECT * EXCLUDE (rn) FROM (
        SELECT a.*, row_number() OVER (PARTITION BY referral_id ORDER BY assessed_on DESC, id DESC) AS rn
        FROM assessment a WHERE referral_id BETWEEN {{first}} AND {{last}}
    ) WHERE rn = 1
),
first_episode AS (
    SELECT * EXCLUDE (rn) FROM (
        SELECT e.*, row_number() OVER (PARTITION BY referral_id ORDER BY started_on, id) AS rn FROM episode e
        WHERE referral_id BETWEEN {{first}} AND {{last}}
    ) WHERE rn = 1
),
person_history AS (
    -- housing at receipt (the latest period from that day or before) and episodes begun before receipt, from
    -- one join of the referrals to both tables of the person's history rather than one join and group each
    SELECT r.id AS referral_id,
        arg_max(h.status, h.day) FILTER (WHERE h.housing) AS housing,
        count(*) FILTER (WHERE NOT h.housing AND h.day < r.received_on) AS prior_episodes
    FROM referral r JOIN (
        SELECT person_key, true AS housing, status, from_date AS day FROM housing_period
        UNION ALL SELECT person_key, false, NULL, started_on FROM episode
    ) h ON h.person_key = r.person_key AND h.day <= r.received_on
    WHERE r.id BETWEEN {{first}} AND {{last}}
    GROUP BY r.id
)
SELECT
    r.id AS referral_id,
    r.person_key,
    year(r.received_on) AS year,
    r.received_on,
    r.receiving_unit_id AS unit_id,
    u.health_trust_code AS unit_hf_code,
    p.sex,
    date_diff('year', p.birth_date, r.received_on)
        - CASE WHEN month(r.received_on) * 100 + day(r.received_on) < month(p.birth_date) * 100 + day(p.birth_date)
          THEN 1 ELSE 0 END AS age,
    p.municipality_number,
    coalesce(d.district_area_code, gm.area_code) AS area_code,
    ga.hf_code,
    ga.rhf_code,
    coalesce(h.housing IN ('homeless', 'temporary'), false) AS homeless,
    r.rop,
    r.injecting,
    r.primary_substance,
    coalesce(h.prior_episodes, 0) AS prior_episodes,
    r.wished_level,
    r.wished_level IN ({INPATIENT_SQL}) AS wished_inpatient,
    r.referrer_kind,
    r.status,
    r.assessment_due,
    a.assessed_on,
    a.outcome,
    a.assigned_level,
    a.assigned_level IN ({INPATIENT_SQL}) AS assigned_inpatient,
    a.start_deadline,
    e.started_on AS first_start,
    e.level AS delivered_level,
    date_diff('day', r.received_on, e.started_on) AS waiting_days,
    r.closed_on
FROM referral r
JOIN person p ON p.person_key = r.person_key
LEFT JOIN unit u ON u.id = r.receiving_unit_id
LEFT JOIN geo_municipality gm ON gm.municipality_number = p.municipality_number
LEFT JOIN geo_district d ON d.district_number = p.city_district_number
LEFT JOIN geo_area ga ON ga.area_code = coalesce(d.district_area_code, gm.area_code)
LEFT JOIN person_history h ON h.referral_id = r.id
LEFT JOIN final_assessment a ON a.referral_id = r.id
LEFT JOIN first_episode e ON e.referral_id = r.id
WHERE r.id BETWEEN {{first}} AND {{last}}
"""


def referral_facts_sql(first: int, last: int) -> str:
    """The SELECT of ``referral_facts`` for the referrals with ids from ``first`` to ``last``."""
    return REFERRAL_FACTS.format(first=int(first), last=int(last))


def display_names(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """Human names per level and code, for tables and charts."""
    names: dict[str, dict[str, str]] = {"national": {"NO": "Norge"}}
    names["rhf"] = {r.code: r.name for r in reference.regions()}
    names["hf"] = {t.code: t.name for t in reference.health_trusts()}
    names["area"] = {a.code: a.name for a in reference.referral_areas()}
    names["municipality"] = {m.number: m.short_name for m in reference.municipalities().values()}
    names["unit"] = {str(r[0]): str(r[1]) for r in con.execute("SELECT id, name FROM unit").fetchall()}
    return names
