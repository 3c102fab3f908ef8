"""The shares behind the municipality's follow-up records (``followup``, ``plans``, ``cooperation``): ROP-02..08,
ROP-14 and ROP-15.

No register publishes these per person; they are set to match what Helsetilsynet's audit of municipal ROP services
found (DOMAIN.md §5.3): the situation often not mapped as a whole, little attention to somatic health, goals and
measures set but seldom evaluated, coordination lacking for about a third. Each figure is a share of the persons
in municipal follow-up (a first treatment episode started), unless said otherwise.
"""

from __future__ import annotations

#: mapping records are made this many days (at most) after the first start
FOLLOW_UP_MAPPING_DAYS = 60
#: ROP-02: screened for mental health (persons without ROP; with ROP)
MENTAL_SCREENING = 0.55
MENTAL_SCREENING_ROP = 0.85
#: ROP-03: persons given somatic checks at all (the planted ``somatic_check_share`` replaces it per municipality),
#: and the chance of each next check about a year later while in service
SOMATIC_CHECK_SHARE = 0.6
SOMATIC_RECHECK = 0.65
#: ROP-04: overall situation recorded; weights in the order of ``mapping.models.Income``, ``Activity``, ``Network``
SITUATION_RECORDED = 0.7
SITUATION_INCOME = (0.12, 0.45, 0.25, 0.04, 0.03, 0.06, 0.05)
SITUATION_ACTIVITY = (0.12, 0.04, 0.12, 0.2, 0.45, 0.07)
SITUATION_NETWORK = (0.3, 0.25, 0.1, 0.2, 0.1, 0.05)
FINANCIAL_PROBLEMS = 0.3  # among persons with income from work, benefits, pension or study
#: ROP-15: asked about minor children; answers (yes, no, unknown, declined); needs assessed when there are children
CHILDREN_ASKED = 0.65
CHILDREN_ANSWER = (0.3, 0.62, 0.04, 0.04)
CHILDREN_NEEDS_ASSESSED = 0.6
#: ROP-05/06: a care plan, declined of those; each evaluation of a measure made around its date
CARE_PLAN_SHARE = 0.6
CARE_PLAN_DECLINED = 0.06
MEASURE_EVALUATED_ON_TIME = 0.75
#: ROP-07: persons with a municipal coordinator offered an individual plan; answers (still open, accepted, declined)
IP_OFFERED = 0.75
IP_ANSWER = (0.2, 0.6, 0.2)
#: ROP-08/14: persons with documented contacts per counterpart (NAV: times 1.3 with ROP or unstable housing), and
#: the days between two contacts
COOPERATION_SHARE = {"gp": 0.7, "specialist": 0.75, "nav": 0.5}
COOPERATION_GAP_DAYS = (30, 240)
