"""The person's own wish beside the assigned level: the rule that a difference must be explained."""

from __future__ import annotations

from helhet.assessments.models import WishDifferenceReason
from helhet.errors import Invalid
from helhet.reference.units import CareLevel


def differs(wished: CareLevel | None, assigned: CareLevel | None) -> bool:
    return wished is not None and assigned is not None and wished != assigned


def require_reason_when_different(
    wished: CareLevel | None,
    assigned: CareLevel | None,
    reason: WishDifferenceReason | None,
    note: str | None,
) -> None:
    """Refuse an assignment that differs from the person's wish without a coded reason and an explanation."""
    if not differs(wished, assigned):
        return
    assert wished is not None and assigned is not None
    if reason is None:
        raise Invalid(
            "wish_difference_reason",
            None,
            f"the person wished {wished.value} but {assigned.value} is assigned: choose the reason",
        )
    if not (note or "").strip():
        raise Invalid(
            "wish_difference_note", note, "explain in a sentence why the wished level of care is not assigned"
        )
