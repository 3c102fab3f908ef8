"""Scenario files: the variation the generator plants, written down before anything is generated.

A scenario is YAML (or JSON) with a name, a description and ``effects``; each effect maps codes to values::

    name: default
    effects:
      inpatient_odds_ratio: {stavanger: 1.8}          # referral area (or a region code for all its areas)
      never_books_interpreters: [tsb-helse-bergen-hf-poli]

Every problem in a file is reported at once, with the file, the key, the value and the reason, and nothing is
generated (``ScenarioError``). The effects, their scopes and their meaning are listed in ``EFFECTS`` and in
docs/synthetic.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from helhet import reference
from helhet.errors import InvalidMany, Problem
from helhet.reference import units as unit_catalogue

Scope = Literal["area", "municipality", "unit"]
Kind = Literal["ratio", "share", "days", "units"]


@dataclass(frozen=True)
class Effect:
    name: str
    scope: Scope
    kind: Kind
    meaning: str
    applied_to: str | None = None  # table that must exist for the effect to be planted; None: always planted


EFFECTS = {
    e.name: e
    for e in (
        Effect(
            "inpatient_odds_ratio",
            "area",
            "ratio",
            "odds ratio of an inpatient assignment, given case mix and the wish, for referrals from the area",
        ),
        Effect(
            "homeless_inpatient_wish_override",
            "area",
            "ratio",
            "how many times more often the area overrides a homeless person's wish for inpatient care",
        ),
        Effect("waiting_time_multiplier", "area", "ratio", "waiting time to start, times this, in the area"),
        Effect("referral_rate_multiplier", "area", "ratio", "persons referred per inhabitant, times this"),
        Effect(
            "vedtak_delivery_share",
            "municipality",
            "share",
            "share of decided service hours the municipality delivers",
            applied_to="vedtak",
        ),
        Effect(
            "somatic_check_share",
            "municipality",
            "share",
            "share of persons in follow-up the municipality gives somatic health checks (ROP-03)",
            applied_to="mapping_somatic_check",
        ),
        Effect(
            "handover_acceptance_delay_days",
            "unit",
            "days",
            "days the unit lets handovers wait before accepting them",
            applied_to="handover",
        ),
        Effect(
            "never_books_interpreters",
            "unit",
            "units",
            "units that never book an interpreter when one is needed",
            applied_to="appointment",
        ),
    )
}

REGION_CODES = {r.code for r in reference.regions()}


class ScenarioFile(BaseModel):
    """The top level of a scenario file (``effects`` are checked one by one, so every problem is reported)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""


class ScenarioError(InvalidMany):
    """A scenario file that cannot be used: every problem, each with its key, value and reason."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.file = file

    def __str__(self) -> str:
        lines = [f"{self.file}: the scenario is refused ({len(self.problems)} problem(s)); nothing was generated"]
        lines += [f"  {p.field} = {p.value!r}: {p.reason}" for p in self.problems]
        return "\n".join(lines)


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    source: str
    effects: dict[str, dict[str, float]]  # effect → code → value (units effects: code → 1.0)


@cache
def area_codes() -> dict[str, str]:
    return {a.code: a.rhf_code for a in reference.referral_areas()}


@cache
def unit_codes() -> frozenset[str]:
    codes = {u.code for u in unit_catalogue.tsb_units()}
    for number in reference.municipalities():
        codes.update(u.code for u in unit_catalogue.municipal_units(number))
    return frozenset(codes)


def _check_code(scope: Scope, code: str) -> str | None:
    """The reason a code is not valid for the scope, or None."""
    if scope == "area":
        if code in area_codes() or code in REGION_CODES:
            return None
        return f"unknown referral area or region; use one of {', '.join(sorted(area_codes()))} or HSO, HV, HMN, HN"
    if scope == "municipality":
        return None if code in reference.municipalities() else "unknown municipality number (2024 codes, e.g. 4601)"
    return None if code in unit_codes() else "unknown unit code (e.g. tsb-helse-bergen-hf-poli, kom-4601-rus)"


def _check_value(kind: Kind, value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "must be a number"
    if kind == "share" and not 0 <= value <= 1:
        return "a share must be between 0 and 1"
    if kind == "ratio" and value <= 0:
        return "a ratio or multiplier must be greater than 0"
    if kind == "days" and (value < 0 or value != int(value)):
        return "must be a whole number of days, 0 or more"
    return None


def _effect(name: str, raw: object, problems: list[Problem]) -> dict[str, float]:
    if name not in EFFECTS:
        problems.append(Problem(f"effects.{name}", raw, f"unknown effect; known effects: {', '.join(EFFECTS)}"))
        return {}
    effect = EFFECTS[name]
    out: dict[str, float] = {}
    if effect.kind == "units":
        if not isinstance(raw, list):
            problems.append(Problem(f"effects.{name}", raw, "must be a list of unit codes"))
            return {}
        for i, code in enumerate(raw):
            reason = _check_code("unit", str(code))
            if reason:
                problems.append(Problem(f"effects.{name}[{i}]", code, reason))
            out[str(code)] = 1.0
        return out
    if not isinstance(raw, dict):
        problems.append(Problem(f"effects.{name}", raw, f"must map {effect.scope} codes to values"))
        return {}
    for code, value in raw.items():
        key = f"effects.{name}.{code}"
        reason = _check_code(effect.scope, str(code))
        if reason:
            problems.append(Problem(key, code, reason))
        reason = _check_value(effect.kind, value)
        if reason:
            problems.append(Problem(key, value, reason))
        else:
            out[str(code)] = float(value)
    return out


def parse(text: str, source: str) -> Scenario:
    """Validate a scenario text; raise ``ScenarioError`` listing every problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScenarioError(source, [Problem("(file)", None, f"not valid YAML or JSON: {exc}")]) from exc
    if not isinstance(data, dict):
        raise ScenarioError(source, [Problem("(file)", data, "must be a mapping with name and effects")])
    problems: list[Problem] = []
    parsed = None
    try:
        parsed = ScenarioFile.model_validate({k: v for k, v in data.items() if k != "effects"})
    except ValidationError as exc:
        for err in exc.errors():
            key = ".".join(str(part) for part in err["loc"])
            reason = (
                "unknown key; use name, description and effects" if err["type"] == "extra_forbidden" else err["msg"]
            )
            problems.append(Problem(key, None if err["type"] == "missing" else err.get("input"), reason))
    raw_effects = data.get("effects") or {}
    effects: dict[str, dict[str, float]] = {}
    if not isinstance(raw_effects, dict):
        problems.append(Problem("effects", raw_effects, "must map effect names to their values"))
    else:
        effects = {str(name): _effect(str(name), raw, problems) for name, raw in raw_effects.items()}
    if problems or parsed is None:
        raise ScenarioError(source, problems)
    return Scenario(parsed.name, parsed.description, source, {k: v for k, v in effects.items() if k in EFFECTS})


def load(name_or_path: str | Path) -> Scenario:
    """A shipped scenario by name (``default``, ``none``) or any scenario file."""
    if isinstance(name_or_path, str) and name_or_path in shipped():
        resource = resources.files("helhet.synthetic").joinpath("scenarios", f"{name_or_path}.yaml")
        return parse(resource.read_text(encoding="utf-8"), f"scenarios/{name_or_path}.yaml")
    path = Path(name_or_path)
    if not path.is_file():
        raise ScenarioError(str(path), [Problem("(file)", str(path), "no such file, and not a shipped scenario")])
    return parse(path.read_text(encoding="utf-8"), str(path))


def shipped() -> list[str]:
    folder = resources.files("helhet.synthetic").joinpath("scenarios")
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


@dataclass(frozen=True)
class AreaEffects:
    """Area effects resolved to one value per referral area (index order of ``codes``); 1.0 where none."""

    codes: tuple[str, ...]
    values: dict[str, npt.NDArray[np.float64]]


def area_effects(scenario: Scenario, codes: tuple[str, ...]) -> AreaEffects:
    """Region keys apply to each area of the region; an area's own key wins over its region's."""
    regions = area_codes()
    values: dict[str, npt.NDArray[np.float64]] = {}
    for name, effect in EFFECTS.items():
        if effect.scope != "area":
            continue
        given = scenario.effects.get(name, {})
        values[name] = np.array(
            [given.get(code, given.get(regions[code], 1.0)) for code in codes],
            dtype=np.float64,
        )
    return AreaEffects(codes, values)


def municipal_values(
    scenario: Scenario, effect: str, municipalities: Sequence[str], default: float
) -> npt.NDArray[np.float64]:
    """A municipality effect as one value per municipality (index order of ``municipalities``); ``default``
    where the scenario plants none."""
    planted = scenario.effects.get(effect, {})
    return np.array([planted.get(number, default) for number in municipalities], dtype=np.float64)
