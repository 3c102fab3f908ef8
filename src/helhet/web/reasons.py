"""The services' fixed reasons that can reach a page, so the message beside a field is in the user's
language (``web/messages.reason`` looks each one up in the catalog; the services keep writing English).

Reasons with values in them are matched by the patterns in ``web/messages.py``. A page module may list its
domain's reasons itself (``web/careplans.SERVICE_REASONS``); listing one twice is harmless.
"""

from __future__ import annotations

from helhet.i18n import N_

SERVICE_REASONS = (
    N_("a booked appointment cannot be moved to the past"),
    N_("a children's task is for a person who has minor children"),
    N_("a crisis plan exists; send the version you read (If-Match)"),
    N_("a relative interprets at this appointment: say booked or used"),
    N_("a unit does not cooperate with itself"),
    N_("book appointments in your own unit"),
    N_("cannot be earlier than today"),
    N_(
        "ending for non-attendance needs a recorded attempt to reach the person after a no-show; a missed appointment never ends an episode by itself"  # noqa: E501
    ),
    N_("escalated tasks are listed for unit leaders"),
    N_("findings that need follow-up need a task with an owner or a unit's queue"),
    N_("is in the past; register a past appointment with what happened (attended, no_show, cancelled)"),
    N_("keep each participant to 120 characters (a name or a role)"),
    N_("must be an active member of the unit"),
    N_("name the instrument or method, e.g. 'SCL-10' or 'MINI'"),
    N_("name the user of the unit who owns the appointment and its follow-up"),
    N_("only a granted right has a start deadline"),
    N_("only members of the appointment's unit change it"),
    N_("only the assessing unit changes the start deadline"),
    N_("outreach after a no-show is recorded by the appointment's unit"),
    N_("record contacts for one of your own units"),
    N_("record mapping for one of your own units"),
    N_("record what happened: attended, no_show, cancelled_by_person or cancelled_by_service"),
    N_("say how many minor children (1 or more)"),
    N_("say which findings need follow-up"),
    N_("say which language the interpreter is for"),
    N_("say why the vedtak is withdrawn"),
    N_("send the version you share (If-Match)"),
    N_("service is logged as delivered against this vedtak; end it instead"),
    N_("set follow_up_needed when a follow-up task is given"),
    N_("the appointment has not started yet; it can be cancelled, not attended"),
    N_("the appointment has not taken place yet; say booked"),
    N_("the children's needs are already assessed"),
    N_("the receiver must be a member of the receiving unit"),
    N_("this emergency access has already been reviewed"),
    N_("this is already recorded"),
    N_("use an offset of 0 or more"),
    N_("use the Nasjonalt tolkeregister category A, B, C, D or E"),
    N_("write what the review found"),
)
