"""The services' fixed reasons that can reach a page, so the message beside a field is in the user's
language (``web/messages.reason`` looks each one up in the catalog; the services keep writing English).

Reasons with values in them are matched by ``PATTERNS`` below, the one list for every page, and rebuilt from a
translated template. A page module may list its domain's fixed reasons itself (``web/careplans.SERVICE_REASONS``);
listing one twice is harmless.
"""

from __future__ import annotations

import re

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

#: reasons with values in them: (pattern, template), the first match wins, so a specific pattern comes before a
#: general one. Named groups ending in ``level`` or ``status`` are shown as labels, dates in groups named ``on`` or
#: ending in ``_on`` as dates in the user's language (``web/messages._value``).
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # persons, referrals, assessments, episodes
    (
        re.compile(
            r"^the person wished (?P<wished_level>\w+) but (?P<assigned_level>\w+) is assigned: choose the reason$"
        ),
        N_("The person wished %(wished_level)s, but %(assigned_level)s is assigned: choose the reason"),
    ),
    (re.compile(r"^check digit (?P<n>[12]) should be (?P<digit>\d)$"), N_("check digit %(n)s should be %(digit)s")),
    (re.compile(r"^month (?P<month>\d+) is not a valid month$"), N_("month %(month)s is not a valid month")),
    (re.compile(r"^day (?P<day>\d+) is not a valid day in .*$"), N_("day %(day)s is not a valid day in that month")),
    (re.compile(r"^individnummer \d+ with year \d+ gives no valid century$"), N_("the number gives no valid century")),
    (re.compile(r"^birth date \S+ is in the future$"), N_("the birth date in the number is in the future")),
    (
        re.compile(r"^explain why you need access \(at least (?P<n>\d+) characters\)$"),
        N_("explain why you need access (at least %(n)s characters)"),
    ),
    (re.compile(r"^not a city district of (?P<number>\d+)$"), N_("not a city district of %(number)s")),
    (re.compile(r"^(?P<unit>.+) does not receive TSB referrals$"), N_("%(unit)s does not receive TSB referrals")),
    (
        re.compile(r"^(?P<unit>.+) does not offer this level of care$"),
        N_("%(unit)s does not offer this level of care"),
    ),
    (re.compile(r"^cannot be before the start (?P<on>\S+)$"), N_("cannot be before the start of the episode")),
    (
        re.compile(r"^the referral is already (?P<status>\w+)$"),
        N_("the referral has already been assessed (%(status)s)"),
    ),
    (
        re.compile(r"^an episode needs a granted referral; this one is (?P<status>\w+)$"),
        N_("an episode needs a granted referral; this one is %(status)s"),
    ),
    (
        re.compile(r"^episode was changed by someone else .*$"),
        N_("someone else changed the episode while you worked; reload the page and try again"),
    ),
    # crisis plans
    (re.compile(r"^cannot be before the current version \((?P<on>[\d-]+)\)$"), N_("cannot be before %(on)s")),
    (re.compile(r"^cannot be before the version was made \((?P<on>[\d-]+)\)$"), N_("cannot be before %(on)s")),
    (re.compile(r"^(?P<unit>.+) has no user-controlled beds$"), N_("%(unit)s has no user-controlled beds")),
    # mapping (kartlegging)
    (re.compile(r"^item \d+ is not answered$"), N_("choose an answer")),
    (re.compile(r"^item \d+ allows .*$"), N_("choose one of the answers")),
    (re.compile(r"^between 0 and the number of children \((?P<n>\d+)\)$"), N_("between 0 and %(n)s")),
    (re.compile(r"^the answer is \w+$"), N_("leave empty unless the person has minor children")),
    (
        re.compile(r"^before the person was asked \((?P<on>[\d-]+)\)$"),
        N_("cannot be before the person was asked (%(on)s)"),
    ),
    # the coordination domains: handovers, tasks, appointments, relatives, vedtak
    (
        re.compile(r"^.+ was changed by someone else \(version \d+, you sent \d+\); reload and try again$"),
        N_("someone else changed this while you worked; reload the page and try again"),
    ),
    (
        re.compile(r"^the (?P<what>handover|task|appointment|vedtak) is already (?P<status>\w+)$"),
        N_("this is already %(status)s"),
    ),
    (
        re.compile(r"^the (?P<what>handover|task|appointment|vedtak) is (?P<status>\w+)(, not open)?$"),
        N_("this can no longer be changed: it is %(status)s"),
    ),
    (
        re.compile(r"^the appointment is (?P<status>\w+); only booked appointments are changed$"),
        N_("only booked appointments can be changed; this one is %(status)s"),
    ),
    (
        re.compile(r"^the handover is (?P<status>\w+), not accepted; wait for the receiver, or record why .*$"),
        N_(
            "the handover is %(status)s, not accepted: wait for the receiving unit, or record why the person is "
            "discharged without it"
        ),
    ),
    (
        re.compile(r"^handover (?P<id>\d+) between these units is still pending; change or cancel it$"),
        N_("a handover between these units is still waiting for acceptance; change or cancel it"),
    ),
    (re.compile(r"^only members of the sending unit may do this$"), N_("only the sending unit may do this")),
    (re.compile(r"^only members of the receiving unit may do this$"), N_("only the receiving unit may do this")),
    (
        re.compile(r"^crisis plan version (?P<n>\d+) is not yet shared with the person; record how it was shared$"),
        N_("crisis plan version %(n)s is not yet shared with the person; record how it was shared"),
    ),
    (
        re.compile(r"^an interpreter is needed \((?P<need>[^)]*)\); say booked, used, not available or declined .*$"),
        N_("an interpreter is needed (%(need)s): say booked, used, not available or declined by the person"),
    ),
    (
        re.compile(r"^the relative is (?P<age>\d+) years old on (?P<on>\S+); .*$"),
        N_("the relative is %(age)s years old; a child must never interpret"),
    ),
    (
        re.compile(r"^the relative's birth date is unknown, so they may be a child; .*$"),
        N_("the relative's birth date is unknown, so they may be a child; a child must never interpret"),
    ),
    (
        re.compile(r"^the person's consent for this relative is (?P<scope>\w+) on \S+; taking part in meetings .*$"),
        N_(
            "the person's consent for this relative does not cover meetings; it needs consent of scope meetings or full"
        ),
    ),
    (
        re.compile(r"^the person has no current consent \(take part in meetings, or full information\) for .*$"),
        N_("the person has not consented to this relative taking part in meetings or getting full information"),
    ),
    (
        re.compile(r"^cannot be before (the appointment|the version was made|valid_from|the person was asked) .*$"),
        N_("the date is too early"),
    ),
    (
        re.compile(r"^after the decided end \((?P<on>\S+)\); make a new vedtak$"),
        N_("is after the decided end (%(on)s); make a new vedtak"),
    ),
    (
        re.compile(r"^the responsible unit must be municipal, not (?P<kind>\w+)$"),
        N_("the responsible unit must be a municipal service"),
    ),
    (
        re.compile(r"^outreach follows a no-show; this appointment is (?P<status>\w+)$"),
        N_("outreach follows a no-show; this appointment is %(status)s"),
    ),
    (
        re.compile(r"^task (?P<id>\d+) for the children is already open$"),
        N_("a task for the children is already open"),
    ),
    # vedtak and delivered service
    (re.compile(r"^give the volume for \w+$", re.I), N_("give the volume per week")),
    (re.compile(r"^a week has (?P<n>\d+) hours$", re.I), N_("a week has %(n)s hours")),
    (re.compile(r"^a day has (?P<n>\d+) hours$", re.I), N_("a day has %(n)s hours")),
    (
        re.compile(r"^cannot be before start_on \((?P<start_on>[\d-]+)\)$", re.I),
        N_("cannot be before the start (%(start_on)s)"),
    ),
    (
        re.compile(r"^cannot be before start_on \((?P<start_on>[\d-]+)\); withdraw a vedtak that never began$", re.I),
        N_("cannot be before the start (%(start_on)s); withdraw a vedtak that never began"),
    ),
    (
        re.compile(r"^service is logged as delivered on (?P<delivered_on>[\d-]+)$", re.I),
        N_("service is logged as delivered on %(delivered_on)s"),
    ),
    (
        re.compile(r"^cannot be before the decision \((?P<decided_on>[\d-]+)\)$", re.I),
        N_("cannot be before the decision date (%(decided_on)s)"),
    ),
    (
        re.compile(r"^outside the vedtak's period \((?P<start_on>[\d-]+) to further notice\)$", re.I),
        N_("outside the period of the vedtak (from %(start_on)s)"),
    ),
    (
        re.compile(r"^outside the vedtak's period \((?P<start_on>[\d-]+) to (?P<end_on>[\d-]+)\)$", re.I),
        N_("outside the period of the vedtak (%(start_on)s to %(end_on)s)"),
    ),
    # relatives and consent
    (re.compile(r"^say how consent was given: .*$", re.I), N_("say how the consent was given")),
    (re.compile(r"^not a consent scope; .*$", re.I), N_("choose what may be shared")),
    (re.compile(r"^the consent was already withdrawn at .*$", re.I), N_("the consent is already withdrawn")),
    # appointments
    (
        re.compile(r"^say why the earlier recording \((?P<status>\w+)\) is corrected$", re.I),
        N_("say why the earlier recording is corrected"),
    ),
)
