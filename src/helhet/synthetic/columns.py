"""Arrow columns from numpy arrays, and tables shaped exactly like the ORM tables.

``conform`` refuses a generated table whose columns differ from the SQLAlchemy table of the same name, so the
generator cannot drift from the schema: a new column in a model fails the synthetic tests until it is generated.
Types follow the columns: integers ``int64``, dates ``date32``, UTC timestamps ``timestamp[us, UTC]``, enums and
text ``string`` (enum values as text), floats ``float64``, JSON lists ``list<string>``, and the JSON objects
named in ``JSON_OBJECTS`` as JSON text (``string``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from sqlalchemy import JSON, Boolean, Date, Enum, Float, Integer, String, Table, Text

from helhet.db import UTCDateTime
from helhet.models import Base

TIMESTAMP = pa.timestamp("us", tz="UTC")
US_PER_DAY = 86_400_000_000
#: JSON columns holding an object, not a list: generated as JSON text (``{"1": 0, "2": 4}``)
JSON_OBJECTS = frozenset({("mapping_questionnaire", "answers")})


def dates(days: npt.ArrayLike, mask: npt.NDArray[np.bool_] | None = None) -> pa.Array:
    return pa.array(np.asarray(days, dtype=np.int32), type=pa.date32(), mask=mask)


def timestamps(us: npt.ArrayLike, mask: npt.NDArray[np.bool_] | None = None) -> pa.Array:
    return pa.array(np.asarray(us, dtype=np.int64), type=TIMESTAMP, mask=mask)


def ints(values: npt.ArrayLike, mask: npt.NDArray[np.bool_] | None = None) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.int64), type=pa.int64(), mask=mask)


def bools(values: npt.ArrayLike) -> pa.Array:
    return pa.array(np.asarray(values, dtype=bool), type=pa.bool_())


def pick(values: Sequence[str | None], index: npt.ArrayLike, mask: npt.NDArray[np.bool_] | None = None) -> pa.Array:
    """``values[index]`` as a string column; null where ``mask`` is set."""
    index = np.asarray(index, dtype=np.int32)
    indices = pa.array(index, type=pa.int32(), mask=mask)
    return pa.array(list(values), type=pa.string()).take(indices)


def constant(value: str | None, n: int) -> pa.Array:
    return pa.nulls(n, pa.string()) if value is None else pick([value], np.zeros(n, dtype=np.int32))


def lists(values: Sequence[Sequence[str]], index: npt.ArrayLike) -> pa.Array:
    """JSON list columns: ``values[index]`` as ``list<string>``."""
    return pa.array([list(v) for v in values], type=pa.list_(pa.string())).take(
        pa.array(np.asarray(index, dtype=np.int32))
    )


def floats(values: npt.ArrayLike, mask: npt.NDArray[np.bool_] | None = None) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.float64), type=pa.float64(), mask=mask)


def nulls(n: int, kind: pa.DataType) -> pa.Array:
    return pa.nulls(n, kind)


def arrow_type(column: object) -> pa.DataType:
    kind = column.type  # type: ignore[attr-defined]
    if isinstance(kind, UTCDateTime):
        return TIMESTAMP
    if isinstance(kind, Boolean):
        return pa.bool_()
    if isinstance(kind, Date):
        return pa.date32()
    if isinstance(kind, Integer):
        return pa.int64()
    if isinstance(kind, Float):
        return pa.float64()
    if isinstance(kind, JSON) and (column.table.name, column.name) in JSON_OBJECTS:  # type: ignore[attr-defined]
        return pa.string()
    if isinstance(kind, JSON):
        return pa.list_(pa.string())
    if isinstance(kind, Enum | String | Text):
        return pa.string()
    raise TypeError(f"no Arrow type for {column!r}")  # pragma: no cover - a new column type


def orm_table(name: str) -> Table:
    return Base.metadata.tables[name]


@cache
def schema(name: str) -> pa.Schema:
    table = orm_table(name)
    return pa.schema([pa.field(c.name, arrow_type(c), nullable=c.nullable) for c in table.columns])


def conform(name: str, columns: dict[str, pa.Array]) -> pa.Table:
    """The columns as a table in the ORM table's column order and types; every column must be given."""
    target = schema(name)
    given, wanted = set(columns), set(target.names)
    if given != wanted:
        raise ValueError(
            f"{name}: generated columns differ from the model: missing {sorted(wanted - given)}, "
            f"unknown {sorted(given - wanted)}"
        )
    arrays = []
    for field in target:
        array = columns[field.name]
        if array.type != field.type:
            array = array.cast(field.type)
        if not field.nullable and array.null_count:
            raise ValueError(f"{name}.{field.name}: {array.null_count} nulls in a NOT NULL column")
        arrays.append(array)
    return pa.Table.from_arrays(arrays, schema=target)
