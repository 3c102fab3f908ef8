"""The store keeps each column's type even when a table is empty or a column is all NULL, so the atlas's
queries type-check on a fresh installation (the demo has no handovers until someone makes one)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy.orm import Session

from helhet.analytics import store


def test_an_empty_table_is_stored_with_its_column_types(session: Session, tmp_path: Path) -> None:
    store.extract(session.connection(), tmp_path, "a-test-secret-of-enough-length")
    schema = pq.read_schema(tmp_path / "handover.parquet")
    assert pq.read_table(tmp_path / "handover.parquet").num_rows == 0
    assert schema.field("planned_on").type == pa.date32()
    assert schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert pa.types.is_integer(schema.field("person_key").type)
    assert schema.field("status").type == pa.string()
