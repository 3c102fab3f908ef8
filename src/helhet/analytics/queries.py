"""DuckDB over the analytical store: views of the Parquet tables, geography, and one row of facts per referral.

SQL gathers (joins and groups in DuckDB); ``indicators.py`` and ``stats.py`` compute; ``plots.py`` draws.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
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
            "area_code": [reference.home_area_code(m) for m in municipalities],
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
#: the in-memory database `connect` keeps the atlas's views and tables in
DATABASE = "atlas"
#: referrals per statement that builds ``referral_facts``: larger stores are built in ranges of referral ids, so
#: the joins' hash tables and windows of one range fit in ``MEMORY_LIMIT`` and do not spill (10 M referrals in
#: one statement wrote 16 GB of temporary files)
FACTS_CHUNK = 2_000_000
#: from this many referrals on, ``referral_facts`` is compressed (a table of the ``atlas`` database, compressed
#: at a CHECKPOINT after each range); a smaller store keeps it as a temp table, uncompressed. At 1 M referrals
#: compressing costs about 0.9 CPU s, half the wall time of ``connect`` on two cores, and saves 285 MB (311 MB
#: against 26 MB); at 10 M it saves 2.8 GB, which the 4 GB target needs.
COMPRESS_FROM = 2_000_000


#: ``geo_cell``: one row per residence of the store's persons (municipality and city district, as ``person`` has
#: them) with its referral area, HF and RHF, numbered by ``cell``. The indicators carry a row's residence as this
#: small integer through their joins and groups, and only the few hundred cells of the counts are joined to the
#: codes (`indicators.compute_all`): grouping by an integer instead of four strings, and narrower hash tables of
#: persons (``noshow_outreach`` at 1 M referrals 0.67 -> 0.47 s). Made in `connect` from one scan of two person
#: columns, so that a person with a municipality number outside the reference data keeps it.
GEO_CELL = """
CREATE TEMP TABLE geo_cell AS
SELECT CAST(row_number() OVER (ORDER BY p.municipality_number, p.district_number) AS INTEGER) AS cell,
       p.municipality_number, p.district_number, coalesce(d.district_area_code, gm.area_code) AS area_code,
       ga.hf_code, ga.rhf_code
FROM (SELECT DISTINCT municipality_number, city_district_number AS district_number FROM person) p
LEFT JOIN geo_municipality gm ON gm.municipality_number = p.municipality_number
LEFT JOIN geo_district d ON d.district_number = p.district_number
LEFT JOIN geo_area ga ON ga.area_code = coalesce(d.district_area_code, gm.area_code)
"""
#: the join of a person ``p`` to its residence's cell ``c``
CELL_JOIN = """JOIN geo_cell c ON c.municipality_number IS NOT DISTINCT FROM p.municipality_number
 AND c.district_number IS NOT DISTINCT FROM p.city_district_number"""


def connect(folder: Path, threads: int | None = None, memory_limit: str = MEMORY_LIMIT) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the store's tables as views, geography (and ``geo_cell``), ``store_period`` (one
    row: the first and last year covered, NULL when all years are) and ``referral_facts`` as a view of every
    column.

    Nothing is read but the Parquet schemas and the residences of ``person``: ``referral_facts`` is materialised
    by `facts` with the columns the indicators asked for need (``indicators.compute_all`` calls it), so three
    indicators do not pay for the joins of thirty."""
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
    con.execute(f"ATTACH ':memory:' AS {DATABASE} (COMPRESS)")
    con.execute(f"USE {DATABASE}")
    for table, path in files.items():
        _view(con, table, path)
    _geography_tables(con)
    con.execute(GEO_CELL)
    con.execute(f"CREATE VIEW referral_facts AS {referral_facts_sql(FACT_COLUMNS)}")
    first, last = covered_years(folder) or (None, None)
    con.execute(
        # a table of the atlas database, not a temp table: the cursors of indicators.compute_all read it too
        "CREATE TABLE store_period AS SELECT ?::INTEGER AS first_year, ?::INTEGER AS last_year",
        [first, last],
    )
    return con


def facts(
    con: duckdb.DuckDBPyConnection,
    columns: Iterable[str],
    chunk: int = FACTS_CHUNK,
    compress_from: int = COMPRESS_FROM,
) -> None:
    """Make ``referral_facts`` a table with at least ``columns`` (and always ``KEY_COLUMNS``), in the order of
    ``FACT_COLUMNS``. A table that has them all is kept; one that lacks some is made again with the columns it
    had and the new ones, so a full atlas (which asks for all it needs first) builds it once.

    Built in ranges of about ``chunk`` referral ids; from ``compress_from`` referrals on a table compressed after
    each range, below it a temp table (see ``COMPRESS_FROM``). The ranges split the referrals, so the rows are
    the same as one statement's; the filters on the referral, assessment and episode ids let Parquet skip the row
    groups of other ranges."""
    wanted = set(columns) | set(KEY_COLUMNS)
    if unknown := wanted - set(FACT_COLUMNS):
        raise ValueError(f"not columns of referral_facts: {sorted(unknown)}")
    kind = con.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_name = 'referral_facts'"
    ).fetchone()
    if kind and kind[0] != "VIEW":
        present = {str(r[0]) for r in con.execute("DESCRIBE referral_facts").fetchall()}
        if wanted <= present:
            return
        wanted |= present
    chosen = [c for c in FACT_COLUMNS if c in wanted]
    row = con.execute("SELECT count(*), min(id), max(id) FROM referral").fetchone()
    count, low, high = (int(row[0]), row[1], row[2]) if row else (0, None, None)
    compress = count >= compress_from
    con.execute(f"DROP {'VIEW' if kind and kind[0] == 'VIEW' else 'TABLE'} IF EXISTS referral_facts")
    create = "CREATE TABLE referral_facts AS" if compress else "CREATE TEMP TABLE referral_facts AS"
    if not count or low is None or high is None:
        con.execute(f"{create} {referral_facts_sql(chosen, 0, -1)}")
        return
    parts = max(1, -(-count // max(1, chunk)))
    step = (int(high) - int(low)) // parts + 1
    for part in range(parts):
        first = int(low) + part * step
        last = min(int(high), first + step - 1)
        statement = referral_facts_sql(chosen, first, last)
        con.execute(f"{create if part == 0 else 'INSERT INTO referral_facts'} {statement}")
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
# ``{range}``: the referral ids one statement makes (see `facts`), as a condition on ``{id}``.
_FINAL_ASSESSMENT = """final_assessment AS (
    SELECT * EXCLUDE (rn) FROM (
        SELECT a.*, row_number() OVER (PARTITION BY referral_id ORDER BY assessed_on DESC, id DESC) AS rn
        FROM assessment a WHERE {range}
    ) WHERE rn = 1
)"""
_FIRST_EPISODE = """first_episode AS (
    SELECT * EXCLUDE (rn) FROM (
        SELECT e.*, row_number() OVER (PARTITION BY referral_id ORDER BY started_on, id) AS rn FROM episode e
        WHERE {range}
    ) WHERE rn = 1
)"""
# housing at receipt (the latest period from that day or before) and episodes begun before receipt, from one join
# of the referrals to both tables of the person's history rather than one join and group each
_PERSON_HISTORY = """person_history AS (
    SELECT r.id AS referral_id,
        arg_max(h.status, h.day) FILTER (WHERE h.housing) AS housing,
        count(*) FILTER (WHERE NOT h.housing AND h.day < r.received_on) AS prior_episodes
    FROM referral r JOIN (
        SELECT person_key, true AS housing, status, from_date AS day FROM housing_period
        UNION ALL SELECT person_key, false, NULL, started_on FROM episode
    ) h ON h.person_key = r.person_key AND h.day <= r.received_on
    WHERE {range}
    GROUP BY r.id
)"""
#: the parts of ``referral_facts`` a column may need beyond the referral, the person and the geography, by name:
#: the CTE (None: a plain join), its join, and the column its range of referral ids is on
_PARTS: dict[str, tuple[str | None, str, str]] = {
    "unit": (None, "LEFT JOIN unit u ON u.id = r.receiving_unit_id", ""),
    "history": (_PERSON_HISTORY, "LEFT JOIN person_history h ON h.referral_id = r.id", "r.id"),
    "assessment": (_FINAL_ASSESSMENT, "LEFT JOIN final_assessment a ON a.referral_id = r.id", "referral_id"),
    "episode": (_FIRST_EPISODE, "LEFT JOIN first_episode e ON e.referral_id = r.id", "referral_id"),
}
_AGE = """date_diff('year', p.birth_date, r.received_on)
        - CASE WHEN month(r.received_on) * 100 + day(r.received_on) < month(p.birth_date) * 100 + day(p.birth_date)
          THEN 1 ELSE 0 END"""
#: every column of ``referral_facts`` in its order: the expression and the part of `_PARTS` it needs (None: only
#: the referral, the person and the geography, which every row has)
_COLUMNS: dict[str, tuple[str, str | None]] = {
    "referral_id": ("r.id", None),
    "person_key": ("r.person_key", None),
    "year": ("year(r.received_on)", None),
    "received_on": ("r.received_on", None),
    "unit_id": ("r.receiving_unit_id", None),
    "unit_hf_code": ("u.health_trust_code", "unit"),
    "sex": ("p.sex", None),
    "age": (_AGE, None),
    "cell": ("c.cell", None),
    "municipality_number": ("p.municipality_number", None),
    "area_code": ("c.area_code", None),
    "hf_code": ("c.hf_code", None),
    "rhf_code": ("c.rhf_code", None),
    "homeless": ("coalesce(h.housing IN ('homeless', 'temporary'), false)", "history"),
    "rop": ("r.rop", None),
    "injecting": ("r.injecting", None),
    "primary_substance": ("r.primary_substance", None),
    "prior_episodes": ("coalesce(h.prior_episodes, 0)", "history"),
    "wished_level": ("r.wished_level", None),
    "wished_inpatient": (f"r.wished_level IN ({INPATIENT_SQL})", None),
    "referrer_kind": ("r.referrer_kind", None),
    "status": ("r.status", None),
    "assessment_due": ("r.assessment_due", None),
    "assessed_on": ("a.assessed_on", "assessment"),
    "outcome": ("a.outcome", "assessment"),
    "assigned_level": ("a.assigned_level", "assessment"),
    "assigned_inpatient": (f"a.assigned_level IN ({INPATIENT_SQL})", "assessment"),
    "start_deadline": ("a.start_deadline", "assessment"),
    "first_start": ("e.started_on", "episode"),
    "first_unit_id": ("e.unit_id", "episode"),
    "delivered_level": ("e.level", "episode"),
    "waiting_days": ("date_diff('day', r.received_on, e.started_on)", "episode"),
    "closed_on": ("r.closed_on", None),
}
#: the columns of ``referral_facts``, in order
FACT_COLUMNS: tuple[str, ...] = tuple(_COLUMNS)
#: the columns every ``referral_facts`` table has: the referral, its person, year, unit and residence (``cell``;
#: the codes are columns to ask for)
KEY_COLUMNS: tuple[str, ...] = ("referral_id", "person_key", "year", "unit_id", "cell")


def referral_facts_sql(columns: Iterable[str], first: int | None = None, last: int | None = None) -> str:
    """The SELECT of ``referral_facts`` with ``columns`` (in the order of ``FACT_COLUMNS``) for the referrals with
    ids from ``first`` to ``last`` (all when not given); only the joins those columns need."""
    wanted = set(columns)
    chosen = [c for c in FACT_COLUMNS if c in wanted]
    parts = [name for name in _PARTS if any(_COLUMNS[c][1] == name for c in chosen)]

    def within(column: str) -> str:
        return "TRUE" if first is None or last is None else f"{column} BETWEEN {int(first)} AND {int(last)}"

    ctes = [cte.format(range=within(key)) for cte, _, key in (_PARTS[name] for name in parts) if cte]
    select = ",\n    ".join(f"{_COLUMNS[c][0]} AS {c}" for c in chosen)
    joins = "\n".join(_PARTS[name][1] for name in parts)
    return f"""{"WITH " + ", ".join(ctes) if ctes else ""}
SELECT
    {select}
FROM referral r
JOIN person p ON p.person_key = r.person_key
{CELL_JOIN}
{joins}
WHERE {within("r.id")}
"""


def display_names(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """Human names per level and code, for tables and charts."""
    names: dict[str, dict[str, str]] = {"national": {"NO": "Norge"}}
    names["rhf"] = {r.code: r.name for r in reference.regions()}
    names["hf"] = {t.code: t.name for t in reference.health_trusts()}
    names["area"] = {a.code: a.name for a in reference.referral_areas()}
    names["municipality"] = {m.number: m.short_name for m in reference.municipalities().values()}
    names["unit"] = {str(r[0]): str(r[1]) for r in con.execute("SELECT id, name FROM unit").fetchall()}
    return names
