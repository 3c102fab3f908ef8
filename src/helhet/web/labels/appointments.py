"""Words for the coded values of the appointments pages (merged into ``helhet.web.labels.LABELS``)."""

from __future__ import annotations

from enum import StrEnum

from helhet.appointments.models import AppointmentMode, Attendance, InterpreterStatus, OutreachMode
from helhet.i18n import N_

LABELS: dict[str, str] = {
    # AppointmentMode (in_person, video and phone have their words already)
    "outreach": N_("Outreach"),
    # Attendance
    "booked": N_("Booked"),
    "attended": N_("Attended"),
    "no_show": N_("Did not attend"),
    "cancelled_by_person": N_("Cancelled by the person"),
    "cancelled_by_service": N_("Cancelled by the service"),
    # InterpreterStatus
    "not_needed": N_("Not needed"),
    "needed_not_booked": N_("Needed, not booked"),
    "used": N_("Used"),
    "not_available": N_("Needed, none available"),
    "declined_by_person": N_("Declined by the person"),
    # OutreachMode
    "sms": N_("Text message (SMS)"),
    "home_visit": N_("Home visit"),
    "via_partner": N_("Through a partner service"),
}

#: enums whose every value must have a label (tests/web/test_i18n.py checks)
LABELLED: tuple[type[StrEnum], ...] = (AppointmentMode, Attendance, InterpreterStatus, OutreachMode)
