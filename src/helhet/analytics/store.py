"""The analytical store: columnar Parquet tables extracted from the operational database, queried with DuckDB.

One Parquet file per table, with only the columns the atlas uses and pseudonymous keys: no names, no
fødselsnummer, no free text. Person ids are replaced by a keyed hash (``person_key``), so the store cannot be
joined back to people without the installation's secret. The atlas also runs directly on any folder with
these files and columns (for example ``helhet synth --out parquet:DIR``), so large or external data sets need
no operational database. Geography (municipality → referral area → HF → RHF) comes from the reference data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Connection, Engine, MetaData, Table, inspect, select
from sqlalchemy import types as sa_types

from helhet.errors import Invalid, InvalidMany, Problem

#: table → columns the atlas needs. ``person_id`` columns become ``person_key`` in the store.
REQUIRED: dict[str, tuple[str, ...]] = {
    "person": ("id", "birth_date", "sex", "municipality_number", "city_district_number"),
    "housing_period": ("person_id", "status", "from_date"),
    "referral": (
        "id",
        "person_id",
        "receiving_unit_id",
        "referrer_kind",
        "received_on",
        "primary_substance",
        "rop",
        "injecting",
        "wished_level",
        "status",
        "assessment_due",
        "closed_on",
    ),
    "assessment": ("id", "referral_id", "assessed_on", "outcome", "assigned_level", "start_deadline"),
    "episode": ("id", "referral_id", "person_id", "unit_id", "level", "started_on", "ended_on", "end_reason"),
    "unit": ("id", "code", "name", "kind", "health_trust_code", "region_code", "municipality_number"),
}

#: optional tables: indicators that need them are left out (and say so) when a table is missing
OPTIONAL: dict[str, tuple[str, ...]] = {
    "appointment": ("id", "person_id", "unit_id", "starts_at", "attendance", "interpreter_status", "outreach_task_id"),
    "task": (
        "id",
        "person_id",
        "unit_id",
        "kind",
        "due_on",
        "status",
        "created_at",
        "completed_on",
        "source_type",
        "source_id",
        "owner_user_id",  # a staff id, never a person's: ROP-03 asks whether follow-up actions have owners
    ),
    # coordination: handovers and discharges, crisis plans, mapping, vedtak and delivery (no free text)
    "handover": (
        "id",
        "person_id",
        "kind",
        "from_unit_id",
        "to_unit_id",
        "episode_id",
        "planned_on",
        "status",
        "acceptance_due",
        "decided_at",
        "created_at",
    ),
    "discharge": (
        "id",
        "episode_id",
        "person_id",
        "unit_id",
        "discharged_on",
        "handover_id",
        "without_accepted_handover",
    ),
    "crisis_plan": ("id", "person_id", "version_no", "made_on", "review_by"),
    "mapping_questionnaire": ("id", "person_id", "instrument", "positive", "done_on", "unit_id"),
    "mapping_declined": ("id", "person_id", "area", "declined_on", "unit_id"),
    "vedtak": (
        "id",
        "person_id",
        "unit_id",
        "service_type",
        "volume",
        "volume_unit",
        "decided_on",
        "start_on",
        "end_on",
        "status",
    ),
    "service_delivery": ("id", "vedtak_id", "person_id", "delivered_on", "amount", "unit_id"),
    # the other ROP gap checks (analytics/rop.py): mapping records, care plans, care team, IP and cooperation
    "mapping_mental_health": ("id", "person_id", "status", "screened_on", "unit_id"),
    "mapping_somatic_check": (
        "id",
        "person_id",
        "checked_on",
        "examiner",
        "unit_id",
        "injecting",
        "infection_status_checked",
        "follow_up_needed",
        "follow_up_task_id",
    ),
    "mapping_situation": (
        "id",
        "person_id",
        "recorded_on",
        "unit_id",
        "income",
        "nav_contact",
        "financial_problems",
        "activity",
        "network",
    ),
    "mapping_children": ("id", "person_id", "asked_on", "unit_id", "answer", "needs_assessed_on"),
    "care_plan": ("id", "person_id", "status", "started_on", "closed_on"),
    "care_plan_measure": (
        "id",
        "plan_id",
        "person_id",
        "owner_unit_id",
        "evaluate_by",
        "status",
        "last_evaluated_on",
        "created_at",
    ),
    "individual_plan_status": ("id", "person_id", "version", "status", "offered_on", "answered_on", "recorded_at"),
    "care_team_member": ("id", "person_id", "unit_id", "role", "from_date", "to_date"),
    "collaboration_contact": ("id", "person_id", "counterpart", "kind", "contact_on"),
}

PERSON_COLUMNS = {"person_id", "id"}


def pseudonym_salt(secret: str) -> int:
    """A 62-bit salt derived from the installation's secret (the same secret gives the same keys)."""
    return int.from_bytes(hashlib.blake2b(secret.encode(), digest_size=8).digest(), "big") >> 2


@dataclass(frozen=True)
class StoreInfo:
    folder: Path
    tables: dict[str, int]  # table → rows


def check_folder(folder: Path) -> dict[str, Path]:
    """The Parquet files of a store folder, refusing every missing table or column by name at once."""
    if not folder.is_dir():
        raise Invalid("store", str(folder), "no such folder")
    files: dict[str, Path] = {}
    problems: list[Problem] = []
    for table, columns in {**REQUIRED, **OPTIONAL}.items():
        path = folder / f"{table}.parquet"
        if not path.exists():
            if table in REQUIRED:
                problems.append(Problem("store", str(folder), f"the table {table}.parquet is missing"))
            continue
        present = set(pq.read_schema(path).names)
        wanted = {("person_key" if c == "person_id" or (table == "person" and c == "id") else c) for c in columns}
        raw = {c for c in columns}
        if not (wanted <= present or raw <= present):
            missing = sorted((wanted - present) if "person_key" in present else (raw - present))
            names = ", ".join(repr(c) for c in missing)
            reason = (
                f"the required column {names} is missing"
                if len(missing) == 1
                else f"the required columns {names} are missing"
            )
            problems.append(Problem(f"{table}.parquet", str(path), reason))
        files[table] = path
    if len(problems) == 1:
        raise Invalid(problems[0].field, problems[0].value, problems[0].reason)
    if problems:
        raise InvalidMany(problems)
    return files


def _connected(source: Engine | Connection) -> AbstractContextManager[Connection]:
    """A connection of the engine, or the given connection itself (left open: it belongs to the caller)."""
    return nullcontext(source) if isinstance(source, Connection) else source.connect()


def _arrow_type(column: Any) -> pa.DataType:
    """The Parquet type of a reflected column, so every batch (and an empty table) has the same typed schema
    whatever its values: a column that is all NULL in one batch is not guessed as another type."""
    kind = column.type
    if isinstance(kind, sa_types.Boolean):
        return pa.bool_()
    if isinstance(kind, sa_types.Integer):
        return pa.int64()
    if isinstance(kind, sa_types.DateTime):
        return pa.timestamp("us", tz="UTC")
    if isinstance(kind, sa_types.Date):
        return pa.date32()
    if isinstance(kind, sa_types.Float | sa_types.Numeric):
        return pa.float64()
    return pa.string()


def _schema(table: Table, columns: tuple[str, ...]) -> pa.Schema:
    return pa.schema([(c, _arrow_type(table.c[c])) for c in columns])


def _batches(
    engine: Engine | Connection, table: Table, columns: tuple[str, ...], size: int = 50_000
) -> Iterator[pa.RecordBatch]:
    stmt = select(*(table.c[c] for c in columns)).order_by(table.c[columns[0]])
    schema = _schema(table, columns)
    with _connected(engine) as conn:
        for part in conn.execute(stmt.execution_options(yield_per=size)).partitions(size):
            data: dict[str, list[Any]] = {c: [] for c in columns}
            for row in part:
                for c, v in zip(columns, row, strict=True):
                    data[c].append(v.value if hasattr(v, "value") else v)
            yield pa.RecordBatch.from_pydict(data, schema=schema)


def extract(engine: Engine | Connection, folder: Path, secret: str) -> StoreInfo:
    """Extract the operational database into ``folder`` (created) with pseudonymous person keys.

    ``engine`` may also be a connection, to extract what a transaction sees before it commits. ``Invalid``,
    with nothing written, when the database lacks a required table (not initialised: ``helhet init``)."""
    metadata = MetaData()
    with _connected(engine) as conn:
        present = set(inspect(conn).get_table_names())
        missing = [t for t in REQUIRED if t not in present]
        if missing:
            url = conn.engine.url.render_as_string(hide_password=True)
            reason = (
                f"the table {missing[0]} is missing ({len(missing)} of {len(REQUIRED)} required): run 'helhet init'"
            )
            raise Invalid("database", url, reason)
        metadata.reflect(conn, only=[t for t in {**REQUIRED, **OPTIONAL} if t in present])
    folder.mkdir(parents=True, exist_ok=True)
    salt = pseudonym_salt(secret)
    counts: dict[str, int] = {}
    raw = folder / "_raw"
    raw.mkdir(exist_ok=True)
    for name, columns in {**REQUIRED, **OPTIONAL}.items():
        if name not in metadata.tables:
            continue
        raw_path = raw / f"{name}.parquet"
        writer: pq.ParquetWriter | None = None
        rows = 0
        for batch in _batches(engine, metadata.tables[name], columns):
            if writer is None:
                writer = pq.ParquetWriter(raw_path, batch.schema)
            writer.write_batch(batch)
            rows += batch.num_rows
        if writer is None:  # an empty table keeps its column types, so queries over it still type-check
            pq.write_table(_schema(metadata.tables[name], columns).empty_table(), raw_path)
        else:
            writer.close()
        counts[name] = rows
        _pseudonymise(raw_path, folder / f"{name}.parquet", name, salt)
    for path in raw.iterdir():
        path.unlink()
    raw.rmdir()
    return StoreInfo(folder, counts)


def _pseudonymise(source: Path, target: Path, table: str, salt: int) -> None:
    con = duckdb.connect()
    try:
        columns = pq.read_schema(source).names
        select_list = []
        for c in columns:
            if c == "person_id" or (table == "person" and c == "id"):
                select_list.append(f"hash({c} + {salt}) AS person_key")
            else:
                select_list.append(f'"{c}"')
        # in the order of the keys, so that the atlas's ranges of persons (indicators.compute_all) read only
        # their own row groups
        order = " ORDER BY person_key" if any("person_key" in s for s in select_list) else ""
        con.execute(
            f"COPY (SELECT {', '.join(select_list)} FROM read_parquet('{source}'){order}) TO '{target}' "
            "(FORMAT parquet, COMPRESSION zstd)"
        )
    finally:
        con.close()
