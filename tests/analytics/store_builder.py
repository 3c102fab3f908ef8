"""A small analytical store built by hand, for atlas tests: known counts, synthetic keys, no people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
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
        pid = self.person(
            municipality,
            homeless=homeless,
            housed_from=received - timedelta(days=100),
            sex=sex,
            birth=birth,
            district=district,
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

    def person(
        self,
        municipality: str = "4601",
        *,
        homeless: bool = False,
        housed_from: date = date(2020, 1, 1),
        sex: str = "male",
        birth: date = date(1980, 1, 1),
        district: str | None = None,
    ) -> int:
        """A person with one housing period (for referrals, and for municipal records such as vedtak)."""
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
            {"person_id": pid, "status": "homeless" if homeless else "rented", "from_date": housed_from}
        )
        return pid

    def person_of(self, referral_id: int) -> int:
        return next(int(r["person_id"]) for r in self.tables["referral"] if r["id"] == referral_id)

    def stay(
        self,
        unit_id: int,
        municipality: str = "4601",
        *,
        started: date = date(2024, 3, 1),
        ended: date | None = date(2024, 4, 1),
        level: str = "inpatient_short",
        reason: str | None = "planned_completion",
    ) -> tuple[int, int]:
        """A referral whose first episode is a stay at ``level``: (person id, episode id)."""
        rid = self.referral(
            unit_id, municipality, received=started - timedelta(days=20), assigned=level, start_after=20
        )
        episode = self.tables["episode"][-1]
        episode["ended_on"], episode["end_reason"] = ended, reason
        return self.person_of(rid), int(episode["id"])

    def episode(
        self, referral_id: int, unit_id: int, started: date, level: str = "outpatient", ended: date | None = None
    ) -> int:
        eid = self._id()
        self.tables["episode"].append(
            {
                "id": eid,
                "referral_id": referral_id,
                "person_id": self.person_of(referral_id),
                "unit_id": unit_id,
                "level": level,
                "started_on": started,
                "ended_on": ended,
                "end_reason": None,
            }
        )
        return eid

    def handover(
        self,
        person_id: int,
        to_unit: int,
        *,
        episode_id: int | None = None,
        status: str = "accepted",
        created: date = date(2024, 3, 25),
        decided: date | None = None,
        due: date | None = None,
        kind: str = "discharge",
        from_unit: int = 0,
    ) -> int:
        hid = self._id()
        self.tables["handover"].append(
            {
                "id": hid,
                "person_id": person_id,
                "kind": kind,
                "from_unit_id": from_unit,
                "to_unit_id": to_unit,
                "episode_id": episode_id,
                "planned_on": due or created,
                "status": status,
                "acceptance_due": due or created + timedelta(days=2),
                "decided_at": None
                if decided is None
                else datetime(decided.year, decided.month, decided.day, 10, tzinfo=UTC),
                "created_at": datetime(created.year, created.month, created.day, 9, tzinfo=UTC),
            }
        )
        return hid

    def crisis_plan(self, person_id: int, made: date, review: date | None, version: int = 1) -> None:
        self.tables["crisis_plan"].append(
            {"id": self._id(), "person_id": person_id, "version_no": version, "made_on": made, "review_by": review}
        )

    def vedtak(
        self,
        person_id: int,
        unit_id: int,
        start: date,
        end: date | None,
        volume: float | None,
        *,
        service_type: str = "practical_help",
        status: str = "active",
        decided: date | None = None,
        volume_unit: str | None = "hours_per_week",
    ) -> int:
        vid = self._id()
        self.tables["vedtak"].append(
            {
                "id": vid,
                "person_id": person_id,
                "unit_id": unit_id,
                "service_type": service_type,
                "volume": volume,
                "volume_unit": volume_unit if volume is not None else None,
                "decided_on": decided or start,
                "start_on": start,
                "end_on": end,
                "status": status,
            }
        )
        return vid

    def delivery(self, vedtak_id: int, day: date, amount: float) -> None:
        person = next(v["person_id"] for v in self.tables["vedtak"] if v["id"] == vedtak_id)
        self.tables["service_delivery"].append(
            {"id": self._id(), "vedtak_id": vedtak_id, "person_id": person, "delivered_on": day, "amount": amount}
        )

    def questionnaire(self, person_id: int, day: date, instrument: str = "AUDIT") -> None:
        self.tables["mapping_questionnaire"].append(
            {"id": self._id(), "person_id": person_id, "instrument": instrument, "positive": True, "done_on": day}
        )

    def declined(self, person_id: int, day: date, area: str = "substance_use") -> None:
        self.tables["mapping_declined"].append(
            {"id": self._id(), "person_id": person_id, "area": area, "declined_on": day}
        )

    # the records of the other ROP gap checks (analytics/rop.py)
    def screening(self, person_id: int, day: date, status: str = "screened_no_findings") -> None:
        self.tables["mapping_mental_health"].append(
            {"id": self._id(), "person_id": person_id, "status": status, "screened_on": day}
        )

    def somatic(self, person_id: int, day: date) -> None:
        self.tables["mapping_somatic_check"].append(
            {"id": self._id(), "person_id": person_id, "checked_on": day, "examiner": "gp"}
        )

    def task(
        self,
        person_id: int,
        kind: str,
        created: date,
        *,
        owner: int | None = None,
        status: str = "open",
        completed: date | None = None,
    ) -> None:
        self.tables["task"].append(
            {
                "id": self._id(),
                "person_id": person_id,
                "kind": kind,
                "due_on": created + timedelta(days=14),
                "status": status,
                "created_at": datetime(created.year, created.month, created.day, 9, tzinfo=UTC),
                "completed_on": completed,
                "owner_user_id": owner,
            }
        )

    def situation(
        self,
        person_id: int,
        day: date,
        income: str = "work",
        *,
        activity: str = "work",
        network: str = "relatives",
        financial_problems: bool = False,
    ) -> None:
        self.tables["mapping_situation"].append(
            {
                "id": self._id(),
                "person_id": person_id,
                "recorded_on": day,
                "income": income,
                "activity": activity,
                "network": network,
                "financial_problems": financial_problems,
            }
        )

    def children(self, person_id: int, day: date, answer: str = "no", assessed: date | None = None) -> None:
        self.tables["mapping_children"].append(
            {"id": self._id(), "person_id": person_id, "asked_on": day, "answer": answer, "needs_assessed_on": assessed}
        )

    def plan(self, person_id: int, started: date, status: str = "active", closed: date | None = None) -> int:
        plan_id = self._id()
        self.tables["care_plan"].append(
            {"id": plan_id, "person_id": person_id, "status": status, "started_on": started, "closed_on": closed}
        )
        return plan_id

    def measure(self, plan_id: int, made: date, evaluate_by: date, evaluated: date | None = None) -> None:
        person = next(p["person_id"] for p in self.tables["care_plan"] if p["id"] == plan_id)
        self.tables["care_plan_measure"].append(
            {
                "id": self._id(),
                "plan_id": plan_id,
                "person_id": person,
                "owner_unit_id": 1,
                "evaluate_by": evaluate_by,
                "status": "active",
                "last_evaluated_on": evaluated,
                "created_at": datetime(made.year, made.month, made.day, 9, tzinfo=UTC),
            }
        )

    def member(self, person_id: int, unit_id: int, role: str, since: date, until: date | None = None) -> None:
        self.tables["care_team_member"].append(
            {
                "id": self._id(),
                "person_id": person_id,
                "unit_id": unit_id,
                "role": role,
                "from_date": since,
                "to_date": until,
            }
        )

    def ip_status(self, person_id: int, status: str, day: date, version: int = 1) -> None:
        self.tables["individual_plan_status"].append(
            {
                "id": self._id(),
                "person_id": person_id,
                "version": version,
                "status": status,
                "recorded_at": datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
            }
        )

    def contact(self, person_id: int, counterpart: str, day: date, kind: str = "meeting") -> None:
        self.tables["collaboration_contact"].append(
            {"id": self._id(), "person_id": person_id, "counterpart": counterpart, "kind": kind, "contact_on": day}
        )

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
            "planned_on": pa.date32(),
            "acceptance_due": pa.date32(),
            "decided_at": pa.timestamp("us", tz="UTC"),
            "discharged_on": pa.date32(),
            "without_accepted_handover": pa.bool_(),
            "made_on": pa.date32(),
            "review_by": pa.date32(),
            "positive": pa.bool_(),
            "done_on": pa.date32(),
            "declined_on": pa.date32(),
            "decided_on": pa.date32(),
            "start_on": pa.date32(),
            "end_on": pa.date32(),
            "delivered_on": pa.date32(),
            "volume": pa.float64(),
            "amount": pa.float64(),
            "version_no": pa.int64(),
            "version": pa.int64(),
            "screened_on": pa.date32(),
            "checked_on": pa.date32(),
            "recorded_on": pa.date32(),
            "asked_on": pa.date32(),
            "needs_assessed_on": pa.date32(),
            "evaluate_by": pa.date32(),
            "last_evaluated_on": pa.date32(),
            "contact_on": pa.date32(),
            "to_date": pa.date32(),
            "offered_on": pa.date32(),
            "answered_on": pa.date32(),
            "recorded_at": pa.timestamp("us", tz="UTC"),
            "infection_status_checked": pa.bool_(),
            "follow_up_needed": pa.bool_(),
            "nav_contact": pa.bool_(),
            "financial_problems": pa.bool_(),
        }
        for table, columns in {**REQUIRED, **OPTIONAL}.items():
            rows = self.tables[table]
            schema = pa.schema([(c, types.get(c, pa.int64() if c.endswith("id") else pa.string())) for c in columns])
            data = {c: [r.get(c) for r in rows] for c in columns}
            pq.write_table(pa.table(data, schema=schema), folder / f"{table}.parquet")
        return folder
