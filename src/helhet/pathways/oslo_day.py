"""``oslo_date(ts)``: the Oslo calendar day of a UTC timestamp, in SQL, on PostgreSQL and SQLite alike."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Date

from helhet.clock import OSLO


class oslo_date(FunctionElement[date]):
    """The Oslo calendar day of a UTC timestamp: what a Norwegian reader calls the day it happened (an event
    recorded at 23:30 on a summer evening is that day's, not the next day's as its UTC date would say)."""

    type = Date()
    inherit_cache = True
    name = "oslo_date"


@compiles(oslo_date, "postgresql")
def _oslo_date_postgresql(element: oslo_date, compiler: Any, **kw: Any) -> str:
    return f"CAST(({compiler.process(element.clauses, **kw)}) AT TIME ZONE '{OSLO.key}' AS DATE)"


@compiles(oslo_date)
def _oslo_date_sqlite(element: oslo_date, compiler: Any, **kw: Any) -> str:
    """SQLite has no zone data: Oslo is UTC+1, and UTC+2 from 01:00 UTC on the last Sunday of March until 01:00
    UTC on the last Sunday of October (the EU rule, in force since 1996)."""
    ts = compiler.process(element.clauses, **kw)
    year = f"strftime('%Y', {ts})"

    def last_sunday_0100(month: str) -> str:
        return f"julianday(date({year} || '-{month}-31', '-6 days', 'weekday 0'), '+1 hour')"

    summer = f"julianday({ts}) >= {last_sunday_0100('03')} AND julianday({ts}) < {last_sunday_0100('10')}"
    return f"(CASE WHEN {summer} THEN date({ts}, '+2 hours') ELSE date({ts}, '+1 hour') END)"


__all__ = ["oslo_date"]
