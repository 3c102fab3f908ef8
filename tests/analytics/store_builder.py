"""A small analytical store built by hand, for atlas tests: known counts, synthetic keys, no people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from helhet.analytics.store import OPTIONAL, REQUIRED


@dataclass
class StoreBuilder:
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {t: [] for t in {**REQUIRED, **OPTIONAL}})
    next_id: int = 1

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def unit(self, hf: str = "helse-bergen-hf") -> int:
        uid = self._id()
        self.tables["unit"].append(
            {
                "id": uid,
                "code": f"u{uid}",
                "name": f"Unit {uid}",
                "kind": "tsb_unit",
                "health_trust_code": hf,
                "region_code": "HV",
                "municipality_number": None,
            }
        )
        return uid

    def referral(
        self,
        unit_id: int,
        municipality: str = "4601",
        *,
        received: date = date(2024, 3, 4),
        wished: str | None = "inpatient_short",
        assigned: str | None = "inpatient_short",
        outcome: str | None = "granted",
        homeless: bool = False,
        start_after: int | None = 20,
        deadline_days: int = 42,
        sex: str = "male",
        birth: date = date(1980, 1, 1),
        district: str | None = None,
    ) -> int:
        pid = self._id()
        self.tables["person"].append(
            {
                "id": pid,
                "birth_date": birth,
                "sex": sex,
                "municipality_number": municipality,
                "city_district_number": district,
            }
        )
        self.tables["housing_period"].append(
            {
                "person_id": pid,
                "status": "homeless" if homeless else "rented",
                "from_date": received - timedelta(days=100),
            }
        )
        rid = self._id()
        self.tables["referral"].append(
            {
                "id": rid,
                "person_id": pid,
                "receiving_unit_id": unit_id,
                "referrer_kind": "gp",
                "received_on": received,
                "primary_substance": "alcohol",
                "rop": False,
                "injecting": False,
                "wished_level": wished,
                "status": outcome or "received",
                "assessment_due": received + timedelta(days=14),
                "closed_on": None,
            }
        )
        if outcome is not None:
            self.tables["assessment"].append(
                {
                    "id": self._id(),
                    "referral_id": rid,
                    "assessed_on": received + timedelta(days=7),
                    "outcome": outcome,
                    "assigned_level": assigned if outcome == "granted" else None,
                    "start_deadline": received + timedelta(days=deadline_days) if outcome == "granted" else None,
                }
            )
        if outcome == "granted" and start_after is not None:
            self.tables["episode"].append(
                {
                    "id": self._id(),
                    "referral_id": rid,
                    "person_id": pid,
                    "unit_id": unit_id,
                    "level": assigned,
                    "started_on": received + timedelta(days=start_after),
                    "ended_on": None,
                    "end_reason": None,
                }
            )
        return rid

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        types = {
            "birth_date": pa.date32(),
            "from_date": pa.date32(),
            "received_on": pa.date32(),
            "assessment_due": pa.date32(),
            "closed_on": pa.date32(),
            "assessed_on": pa.date32(),
            "start_deadline": pa.date32(),
            "started_on": pa.date32(),
            "ended_on": pa.date32(),
            "due_on": pa.date32(),
            "completed_on": pa.date32(),
            "starts_at": pa.timestamp("us", tz="UTC"),
            "created_at": pa.timestamp("us", tz="UTC"),
            "rop": pa.bool_(),
            "injecting": pa.bool_(),
        }
        for table, columns in {**REQUIRED, **OPTIONAL}.items():
            rows = self.tables[table]
            schema = pa.schema([(c, types.get(c, pa.int64() if c.endswith("id") else pa.string())) for c in columns])
            data = {c: [r.get(c) for r in rows] for c in columns}
            pq.write_table(pa.table(data, schema=schema), folder / f"{table}.parquet")
        return folder
