"""What a run planted and what it produced: the ground truth written next to the data, and running figures.

``Figures`` adds up, chunk by chunk, the numbers the calibration targets are about (share of inpatient
assignments, mean wait, breaches, sex ratio, LAR share ...), overall and per referral area, so a run reports
how close it landed without reading its output back.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from helhet import reference
from helhet.reference.units import CareLevel
from helhet.synthetic import calibration as cal
from helhet.synthetic.catalogue import UnitIndex
from helhet.synthetic.pathways import Pathways
from helhet.synthetic.persons import Persons
from helhet.synthetic.population import geography
from helhet.synthetic.referrals import INPATIENT, LV
from helhet.synthetic.scenario import EFFECTS, Scenario, area_codes

LAR_WINDOW_DAYS = 243  # "per 8 months"


@dataclass
class Figures:
    persons: int = 0
    men: int = 0
    referrals: int = 0
    assessed: int = 0
    granted: int = 0
    inpatient: int = 0
    assessed_late: int = 0
    started: int = 0
    wait_days: float = 0.0
    breaches: int = 0
    in_treatment: int = 0  # persons with an episode in the last 8 months
    in_lar: int = 0
    area_granted: dict[str, int] = field(default_factory=dict)
    area_inpatient: dict[str, int] = field(default_factory=dict)
    area_started: dict[str, int] = field(default_factory=dict)
    area_wait_days: dict[str, float] = field(default_factory=dict)
    coordination: dict[str, float] = field(default_factory=dict)  # counts summed over chunks (``add_coordination``)

    def add_coordination(self, tables: dict[str, pa.Table]) -> None:
        """Counts behind the realised coordination figures: handovers, discharges, mapping, vedtak delivery."""
        handover, discharge = tables["handover"], tables["discharge"]
        decided_on = pc.cast(pc.cast(handover["decided_at"], pa.timestamp("us")), pa.date32())
        counts = {
            "handovers": handover.num_rows,
            "handovers_accepted": pc.sum(pc.equal(handover["status"], "accepted")).as_py() or 0,
            "handovers_answered_by_due": pc.sum(pc.less_equal(decided_on, handover["acceptance_due"])).as_py() or 0,
            "discharges": discharge.num_rows,
            "discharges_with_accepted_handover": pc.sum(pc.invert(discharge["without_accepted_handover"])).as_py() or 0,
            "questionnaires": tables["mapping_questionnaire"].num_rows,
            "questionnaires_positive": pc.sum(tables["mapping_questionnaire"]["positive"]).as_py() or 0,
            "crisis_plans": tables["crisis_plan"].num_rows,
            "vedtak": tables["vedtak"].num_rows,
            "delivered_volume": pc.sum(tables["service_delivery"]["amount"]).as_py() or 0.0,
        }
        for name, value in counts.items():
            self.coordination[name] = self.coordination.get(name, 0) + value

    def add(self, today: int, p: Persons, path: Pathways) -> None:
        r, o, e = path.r, path.outcome, path.e
        self.persons += p.n
        self.men += int(p.male.sum())
        self.referrals += r.n
        final = r.assessed <= today
        granted = final & ~r.rejected
        self.assessed += int(final.sum())
        self.granted += int(granted.sum())
        self.inpatient += int((granted & INPATIENT[r.assigned]).sum())
        self.assessed_late += int((final & (r.assessed > r.due)).sum())
        started = o.first_start >= 0
        wait = np.where(started, o.first_start - r.received, 0)
        self.started += int(started.sum())
        self.wait_days += float(wait.sum())
        self.breaches += int((started & (o.first_start > r.deadline)).sum())
        active = (e.start <= today) & ((e.end < 0) | (e.end >= today - LAR_WINDOW_DAYS))
        person = r.person[e.referral]
        treated = np.unique(person[active])
        lar = np.unique(person[active & (e.level == LV[CareLevel.LAR])])
        self.in_treatment += treated.size
        self.in_lar += lar.size
        codes = geography().area_codes
        area = p.area[r.person]
        for name, values in (
            ("area_granted", granted),
            ("area_inpatient", granted & INPATIENT[r.assigned]),
            ("area_started", started),
        ):
            counts = np.bincount(area[values], minlength=len(codes))
            target = getattr(self, name)
            for i, c in enumerate(counts):
                if c:
                    target[codes[i]] = target.get(codes[i], 0) + int(c)
        sums = np.bincount(area, weights=wait, minlength=len(codes))
        for i, s in enumerate(sums):
            if s:
                self.area_wait_days[codes[i]] = self.area_wait_days.get(codes[i], 0.0) + float(s)

    def realised(self) -> dict[str, Any]:
        def share(a: float, b: float) -> float | None:
            return round(a / b, 4) if b else None

        c = self.coordination
        by_area = {
            code: {
                "inpatient_share": share(self.area_inpatient.get(code, 0), n),
                "mean_wait_days": share(self.area_wait_days.get(code, 0.0), self.area_started.get(code, 0)),
                "granted": n,
            }
            for code, n in sorted(self.area_granted.items())
        }
        return {
            "persons": self.persons,
            "referrals": self.referrals,
            "male_share": share(self.men, self.persons),
            "granted_share": share(self.granted, self.assessed),
            "inpatient_share": share(self.inpatient, self.granted),
            "mean_wait_days": share(self.wait_days, self.started),
            "deadline_breach_share": share(self.breaches, self.started),
            "late_assessment_share": share(self.assessed_late, self.assessed),
            "lar_share_of_persons_in_treatment_last_8_months": share(self.in_lar, self.in_treatment),
            "by_area": by_area,
            "coordination": {
                "handover_accepted_share": share(c.get("handovers_accepted", 0), c.get("handovers", 0)),
                "handover_answered_by_due_share": share(c.get("handovers_answered_by_due", 0), c.get("handovers", 0)),
                "discharge_with_accepted_handover_share": share(
                    c.get("discharges_with_accepted_handover", 0), c.get("discharges", 0)
                ),
                "questionnaire_positive_share": share(c.get("questionnaires_positive", 0), c.get("questionnaires", 0)),
                "crisis_plans": int(c.get("crisis_plans", 0)),
                "vedtak": int(c.get("vedtak", 0)),
            },
        }


TARGETS = {
    "male_share": cal.TARGET_MALE_SHARE,
    "granted_share": cal.TARGET_GRANTED_SHARE,
    "inpatient_share": cal.TARGET_INPATIENT_SHARE,
    "mean_wait_days": cal.TARGET_MEAN_WAIT_DAYS,
    "deadline_breach_share": cal.TARGET_BREACH_SHARE,
    "late_assessment_share": cal.TARGET_LATE_ASSESSMENT_SHARE,
    "lar_share_of_persons_in_treatment_last_8_months": round(cal.TARGET_LAR_SHARE, 4),
}


def planted(scenario: Scenario, units: UnitIndex, region: str | None, tables: set[str] | None) -> list[dict[str, Any]]:
    """One entry per planted value, with names, and whether the run could plant it."""
    area_names = {a.code: a.name for a in reference.referral_areas()}
    regions = area_codes()
    out = []
    for name, values in scenario.effects.items():
        effect = EFFECTS[name]
        for code, value in values.items():
            entry: dict[str, Any] = {"effect": name, "scope": effect.scope, "code": code, "meaning": effect.meaning}
            if effect.kind != "units":
                entry["value"] = value
            if effect.scope == "area":
                covered = [a for a in regions if a == code or regions[a] == code]
                entry["name"] = area_names.get(code, code)
                entry["areas"] = covered
                in_region = region is None or any(regions[a] == region for a in covered)
            elif effect.scope == "municipality":
                kommune = reference.municipalities()[code]
                entry["name"] = kommune.short_name
                area = reference.referral_area_for(code).rhf_code if kommune.referral_area_code else "HSO"
                in_region = region is None or area == region
            else:
                row = units.by_code.get(code)
                entry["name"] = row.name if row else code
                entry["unit_id"] = row.id if row else None
                in_region = region is None or (row is not None and row.region_code in (region, None))
            entry["in_generated_region"] = in_region
            missing = effect.applied_to is not None and (tables is None or effect.applied_to not in tables)
            entry["planted"] = not missing
            if missing:
                entry["note"] = f"not planted: this version generates no {effect.applied_to} table yet"
            out.append(entry)
    return out


def baseline() -> dict[str, Any]:
    """The model the planted effects act on (the same in every scenario)."""
    return {
        "inpatient_intercept": cal.INPATIENT_INTERCEPT,
        "inpatient_log_odds": cal.INPATIENT_LOG_ODDS,
        "inpatient_log_odds_substance": {k.value: v for k, v in cal.INPATIENT_LOG_ODDS_SUBSTANCE.items()},
        "wait_mean_days": {"outpatient": cal.WAIT_MEAN_OUTPATIENT, "inpatient": cal.WAIT_MEAN_INPATIENT},
        "start_in_time_when_late": cal.START_IN_TIME_WHEN_LATE,
        "no_show_share": cal.NO_SHOW_SHARE,
    }


@dataclass
class Truth:
    seed: int
    as_of: date
    years: int
    region: str | None
    persons: int
    scenario: dict[str, str]
    planted: list[dict[str, Any]]
    baseline: dict[str, Any]
    targets: dict[str, Any]
    realised: dict[str, Any]
    rows: dict[str, int]
    skipped_tables: list[str]

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path
