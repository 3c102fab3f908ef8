"""Relatives (pårørende) and the person's consent to share with them (tables ``relative`` and ``consent``).

Most persons have one or two relatives; the first is the nearest. A quarter have a child under 18, which the
care module turns into a task to assess the children's situation (hpl § 10 a). Consents have a scope and may be
withdrawn, never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from helhet.relatives.models import ConsentScope, Involvement, Relationship
from helhet.synthetic import calibration as cal
from helhet.synthetic import columns as col
from helhet.synthetic import identity
from helhet.synthetic.calendar import age_on
from helhet.synthetic.context import Context, choice
from helhet.synthetic.persons import Persons

TABLES = ("relative", "consent")
RELATIONSHIPS = (
    Relationship.PARENT,
    Relationship.SPOUSE_PARTNER,
    Relationship.SIBLING,
    Relationship.CHILD,
    Relationship.FRIEND,
    Relationship.OTHER_FAMILY,
)
RELATIONSHIP_WEIGHTS = (0.32, 0.22, 0.15, 0.16, 0.1, 0.05)
INVOLVEMENT = (Involvement.NOT_OFFERED, Involvement.OFFERED, Involvement.ACCEPTED, Involvement.DECLINED)
SCOPES = (ConsentScope.NONE, ConsentScope.GENERAL, ConsentScope.MEETINGS, ConsentScope.FULL)
DAYS_PER_YEAR = 365.25


@dataclass
class Relatives:
    minor_child: npt.NDArray[np.bool_]  # per person: has a child under 18 today


def generate(ctx: Context, rng: np.random.Generator, p: Persons) -> tuple[Relatives, dict[str, pa.Table]]:
    today = ctx.today
    count = np.minimum(rng.poisson(cal.RELATIVES_MEAN, size=p.n), 4)
    minor = (rng.random(p.n) < cal.MINOR_CHILD_SHARE) & (age_on(p.birth, np.full(p.n, today)) < 55)
    count = np.where(minor, np.maximum(count, 1), count)
    who = np.repeat(np.arange(p.n), count)
    rank = np.arange(who.size) - np.repeat(np.cumsum(count) - count, count)
    m = who.size
    relation = choice(rng, RELATIONSHIP_WEIGHTS, m)
    is_minor_child = minor[who] & (rank == 0)
    relation = np.where(is_minor_child, RELATIONSHIPS.index(Relationship.CHILD), relation)
    child = relation == RELATIONSHIPS.index(Relationship.CHILD)
    child_age = np.where(is_minor_child, rng.uniform(1, 17.5, m), rng.uniform(18, 30, m))
    person_age = (today - p.birth[who]) / DAYS_PER_YEAR
    child_age = np.minimum(child_age, np.maximum(person_age - 17, 0.5))
    birth = (today - child_age * DAYS_PER_YEAR).astype(np.int64)

    given, family = identity.names(rng, rng.random(m) < 0.5, p.interpreter[who])
    same_family = np.isin(relation, [RELATIONSHIPS.index(r) for r in (Relationship.PARENT, Relationship.SIBLING)])
    same_family |= child
    family = pc.if_else(pa.array(same_family & (rng.random(m) < 0.7)), p.family_name.take(pa.array(who)), family)
    created_day = np.minimum(p.first_referral[who] + rng.integers(0, 31, m), today)
    involvement = choice(rng, (0.3, 0.2, 0.35, 0.15), m)
    involved_on = np.minimum(created_day + rng.integers(0, 61, m), today)
    parent = relation == RELATIONSHIPS.index(Relationship.PARENT)
    interpreter = p.interpreter[who] & parent
    ids = ctx.ids.take("relative", m)
    relative = col.conform(
        "relative",
        {
            "id": col.ints(ids),
            "person_id": col.ints(p.id[who]),
            "given_name": given,
            "family_name": family,
            "relationship": col.pick(tuple(r.value for r in RELATIONSHIPS), relation),
            "is_nearest": col.bools(rank == 0),
            "birth_date": col.dates(birth, mask=~child),
            "phone": col.nulls(m, pa.string()),
            "email": col.nulls(m, pa.string()),
            "preferred_language": pc.if_else(pa.array(p.interpreter[who]), p.language.take(pa.array(who)), "nb"),
            "interpreter_needed": col.bools(interpreter),
            "interpreter_language": pc.if_else(
                pa.array(interpreter), p.language.take(pa.array(who)), pa.scalar(None, pa.string())
            ),
            "involvement": col.pick(tuple(i.value for i in INVOLVEMENT), involvement),
            "involvement_recorded_on": col.dates(involved_on, mask=involvement == 0),
            "created_at": col.timestamps(ctx.stamp(rng, created_day)),
            "version": col.ints(np.ones(m)),
        },
    )
    return Relatives(minor_child=minor), {
        "relative": relative,
        "consent": _consents(ctx, rng, p, who, ids, created_day),
    }


def _consents(
    ctx: Context,
    rng: np.random.Generator,
    p: Persons,
    who: npt.NDArray[np.int64],
    relative_ids: npt.NDArray[np.int64],
    created_day: npt.NDArray[np.int64],
) -> pa.Table:
    has = rng.random(who.size) < cal.CONSENT_SHARE
    who, relative_ids, valid_from = who[has], relative_ids[has], created_day[has]
    k = who.size
    scope = choice(rng, (0.1, 0.3, 0.3, 0.3), k)
    valid_to = np.where(rng.random(k) < 0.2, valid_from + 365, -1)
    withdrawn_on = valid_from + rng.integers(30, 300, k)
    withdrawn = (rng.random(k) < cal.CONSENT_WITHDRAWN) & (withdrawn_on <= ctx.today)
    return col.conform(
        "consent",
        {
            "id": col.ints(ctx.ids.take("consent", k)),
            "person_id": col.ints(p.id[who]),
            "relative_id": col.ints(relative_ids),
            "scope": col.pick(tuple(s.value for s in SCOPES), scope),
            "valid_from": col.dates(valid_from),
            "valid_to": col.dates(valid_to, mask=valid_to < 0),
            "given_how": col.pick(("written", "oral"), (rng.random(k) < 0.4).astype(np.int64)),
            "note": col.nulls(k, pa.string()),
            "withdrawn_at": col.timestamps(ctx.stamp(rng, withdrawn_on), mask=~withdrawn),
            "withdrawn_note": col.pick(("Personen trakk samtykket.",), np.zeros(k), mask=~withdrawn),
            "recorded_at": col.timestamps(ctx.stamp(rng, valid_from)),
            "recorded_by": col.nulls(k, pa.int64()),
        },
    )
