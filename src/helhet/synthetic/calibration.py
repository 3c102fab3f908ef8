"""Every number the generator is calibrated to, with the figure that drives it and its source.

Targets come from DOMAIN.md §8.2 and ../shared/data/norway-tsb (tsb_published_key_figures_transcribed.csv);
where no public figure was found the value is a *project assumption*, marked so here and in docs/synthetic.md.
The model constants (intercepts, means before truncation) were tuned so the generated data land on the targets
with the ``none`` scenario; tests/synthetic/test_calibration.py checks that they still do.
"""

from __future__ import annotations

from helhet.reference.units import CareLevel
from helhet.referrals.models import ReferrerKind, Substance

L = CareLevel

# --- targets (what the output should show) --------------------------------------------------------------------

#: share of granted referrals assigned inpatient care (detox and døgn): 24 % (2015), DOMAIN §8.2
TARGET_INPATIENT_SHARE = 0.24
#: mean days from receipt to start, national: 33.0 (2023), DOMAIN §8.2 / norway-tsb gjennomsnittlig_ventetid
TARGET_MEAN_WAIT_DAYS = 33.0
#: share of men among persons: project assumption (~70 %), consistent with LAR women ~30 % (DOMAIN §8.2)
TARGET_MALE_SHARE = 0.70
#: share of referrals granted the right to necessary care: > 90 % (2015), DOMAIN §8.2
TARGET_GRANTED_SHARE = 0.92
#: started later than the start deadline (fristbrudd): 1-4 % (2014-2017), DOMAIN §8.2
TARGET_BREACH_SHARE = 0.025
#: not assessed within 10 working days: 3.8 % of referrals (2016-T1), DOMAIN §8.2
TARGET_LATE_ASSESSMENT_SHARE = 0.038
#: LAR patients among persons in treatment: ~8 200 LAR vs ~30 000 TSB patients per 8 months, DOMAIN §8.2
TARGET_LAR_SHARE = 8_200 / 30_000

# --- population: who is referred -------------------------------------------------------------------------------

#: relative TSB use per inhabitant by 5-year age group (lower bound of the group). Project assumption: peak
#: 25-50, few under 18 or over 70; consistent with the LAR mean age 46.5 (DOMAIN §8.2).
AGE_RATE = {
    15: 0.30, 20: 0.95, 25: 1.25, 30: 1.30, 35: 1.25, 40: 1.10, 45: 1.00, 50: 0.85, 55: 0.70, 60: 0.50,
    65: 0.30, 70: 0.15, 75: 0.06, 80: 0.02, 85: 0.01, 90: 0.0,
}  # fmt: skip
#: men's use relative to women's: 2.3 gives about 70 % men (TARGET_MALE_SHARE)
MALE_RATE_RATIO = 2.3
#: persons in the stock of LAR patients from before the window (so LAR is as common as it is: TARGET_LAR_SHARE)
PREVALENT_LAR_SHARE = 0.125
PREVALENT_LAR_YEARS_BEFORE = 10
#: share needing an interpreter (project assumption) and the languages, most common first
INTERPRETER_SHARE = 0.03
LANGUAGES = ("ar", "so", "pl", "ti", "fa", "uk", "ru", "ku", "ur", "lt")
LANGUAGE_WEIGHTS = (0.18, 0.15, 0.15, 0.1, 0.1, 0.1, 0.07, 0.06, 0.05, 0.04)

# --- the person's situation (project assumptions unless a source is named) --------------------------------------

PRIMARY_SUBSTANCES = {
    Substance.ALCOHOL: 0.36, Substance.OPIOIDS: 0.14, Substance.STIMULANTS: 0.16, Substance.CANNABIS: 0.17,
    Substance.BENZODIAZEPINES: 0.06, Substance.OTHER_MEDICINES: 0.03, Substance.HALLUCINOGENS: 0.01,
    Substance.ANABOLIC_STEROIDS: 0.01, Substance.GAMBLING: 0.04, Substance.OTHER: 0.02,
}  # fmt: skip
INJECTING_BY_SUBSTANCE = {Substance.OPIOIDS: 0.55, Substance.STIMULANTS: 0.25, Substance.ANABOLIC_STEROIDS: 0.5}
INJECTING_OTHERWISE = 0.01
ROP_SHARE = 0.40  # co-occurring mental illness
PREGNANT_SHARE = 0.02  # of women aged 16-45 at receipt
HOMELESS_BASE = 0.07  # homeless at first referral; temporary housing as common again
HOMELESS_ROP_RATIO = 1.6
HOMELESS_INJECTING_RATIO = 2.5
HOUSING_CHANGE_SHARE = 0.25  # persons whose housing changes during the window

REFERRER_KINDS = {
    ReferrerKind.GP: 0.55, ReferrerKind.MUNICIPAL_SERVICE: 0.2, ReferrerKind.SPECIALIST: 0.17,
    ReferrerKind.EMERGENCY: 0.08,
}  # fmt: skip

# --- the wish -------------------------------------------------------------------------------------------------

#: the person's wished level before case mix; None = wish not recorded
WISH_BASE = {
    L.OUTPATIENT: 0.44, L.INPATIENT_SHORT: 0.18, L.INPATIENT_LONG: 0.12, L.DETOX: 0.08, L.AMBULANT: 0.04,
    L.DAY: 0.02, L.LAR: 0.0, None: 0.12,
}  # fmt: skip
WISH_LAR_IF_OPIOIDS = 0.45
WISH_INPATIENT_HOMELESS_RATIO = 1.5

# --- assessment -----------------------------------------------------------------------------------------------

RETURNED_SHARE = 0.02  # first answer "returned for more information", then assessed again
REJECTED_SHARE = 0.07
#: first assessments drawn late; with the returned referrals (assessed again later) the share late is the target
LATE_ASSESSMENT_SHARE = 0.025
HEAVY_ALCOHOL_SHARE = 0.15  # > 20 units a day (prioriteringsveileder TSB)
GROIN_OR_NECK_SHARE = 0.08  # of persons injecting opioids
DEADLINE_SHORTER_SHARE = 0.08  # individual deadline shorter than the guideline (with a reason)
DEADLINE_LONGER_SHARE = 0.04  # longer than the guideline (with a reason; never past the under-23 ceiling)

#: logistic model of inpatient assignment: log odds per covariate (case mix and the wish); the intercept is tuned
#: so the share of inpatient assignments is TARGET_INPATIENT_SHARE with the ``none`` scenario
INPATIENT_INTERCEPT = -2.48
INPATIENT_LOG_ODDS = {
    "age_under_23": -0.3, "age_50_plus": 0.15, "male": 0.1, "homeless": 0.8, "rop": 0.4, "injecting": 0.5,
    "prior_episode": 0.25, "pregnant": 0.8, "wish_inpatient": 2.2, "wish_lar": -1.5, "wish_outpatient": -0.5,
}  # fmt: skip
INPATIENT_LOG_ODDS_SUBSTANCE = {
    Substance.ALCOHOL: 0.0, Substance.OPIOIDS: 0.3, Substance.STIMULANTS: 0.4, Substance.CANNABIS: -0.6,
    Substance.BENZODIAZEPINES: 0.2, Substance.GAMBLING: -2.0, Substance.ANABOLIC_STEROIDS: -0.8,
}  # fmt: skip
PRIOR_EPISODES_CAP = 4
#: probability that the wished level is assigned when it is in the class (inpatient or not) that was decided
WISH_KEPT_IN_CLASS = 0.8
INPATIENT_LEVELS = {L.DETOX: 0.25, L.INPATIENT_SHORT: 0.45, L.INPATIENT_LONG: 0.30}
OUTPATIENT_LEVELS = {L.OUTPATIENT: 0.86, L.AMBULANT: 0.08, L.DAY: 0.06}
LAR_IF_OPIOIDS = 0.35  # of persons with opioids assigned non-inpatient care who did not wish LAR
LAR_IF_OPIOIDS_WISHED = 0.75

# --- waiting and start ----------------------------------------------------------------------------------------

#: mean days to start before deadlines cut them (gamma); tuned to TARGET_MEAN_WAIT_DAYS
WAIT_MEAN_OUTPATIENT = 43.5
WAIT_MEAN_INPATIENT = 76.0
WAIT_SHAPE = 1.6
#: when the wait would pass the deadline, most services still start in time; the rest are deadline breaches
START_IN_TIME_WHEN_LATE = 0.93
WITHDRAWN_BEFORE_START = 0.04

# --- episodes: durations (days, lognormal median and sigma) and how they end ------------------------------------

DURATION = {
    L.DETOX: (7, 0.35), L.OUTPATIENT: (120, 0.8), L.AMBULANT: (240, 0.7), L.DAY: (45, 0.5),
    L.INPATIENT_SHORT: (28, 0.4), L.INPATIENT_LONG: (100, 0.45), L.USER_CONTROLLED_BED: (3, 0.3),
}  # fmt: skip
#: LAR ends at about 8.5 % a year (667 ended of ~7 900 in 2019, DOMAIN §8.2)
LAR_END_PER_YEAR = 0.085
END_REASONS = {
    L.DETOX: {"planned_completion": 0.55, "transferred": 0.30, "dropout": 0.12, "other": 0.03},
    L.OUTPATIENT: {
        "planned_completion": 0.5, "dropout": 0.25, "transferred": 0.1, "non_attendance": 0.1, "died": 0.005,
        "other": 0.045,
    },
    L.AMBULANT: {
        "planned_completion": 0.45, "dropout": 0.2, "transferred": 0.2, "non_attendance": 0.1, "died": 0.01,
        "other": 0.04,
    },
    L.DAY: {"planned_completion": 0.6, "dropout": 0.2, "transferred": 0.15, "other": 0.05},
    L.INPATIENT_SHORT: {
        "planned_completion": 0.55, "transferred": 0.2, "dropout": 0.15, "rule_breach": 0.07, "other": 0.03,
    },
    L.INPATIENT_LONG: {
        "planned_completion": 0.5, "transferred": 0.15, "dropout": 0.22, "rule_breach": 0.1, "other": 0.03,
    },
    L.USER_CONTROLLED_BED: {"planned_completion": 0.95, "other": 0.05},
    L.LAR: {"planned_completion": 0.35, "dropout": 0.35, "died": 0.17, "transferred": 0.08, "other": 0.05},
}  # fmt: skip
DROPOUT_RATIO_YOUNG = 1.3
DROPOUT_RATIO_HOMELESS = 1.3
#: the next level after a transfer
NEXT_LEVEL = {
    L.DETOX: {L.INPATIENT_SHORT: 0.45, L.INPATIENT_LONG: 0.15, L.OUTPATIENT: 0.4},
    L.INPATIENT_SHORT: {L.OUTPATIENT: 0.8, L.AMBULANT: 0.1, L.USER_CONTROLLED_BED: 0.1},
    L.INPATIENT_LONG: {L.OUTPATIENT: 0.8, L.AMBULANT: 0.1, L.USER_CONTROLLED_BED: 0.1},
    L.OUTPATIENT: {L.INPATIENT_SHORT: 0.5, L.DETOX: 0.3, L.AMBULANT: 0.2},
    L.AMBULANT: {L.OUTPATIENT: 0.6, L.INPATIENT_SHORT: 0.4},
    L.DAY: {L.OUTPATIENT: 1.0},
    L.USER_CONTROLLED_BED: {L.OUTPATIENT: 1.0},
    L.LAR: {L.OUTPATIENT: 0.5, L.INPATIENT_SHORT: 0.5},
}  # fmt: skip
MAX_EPISODES_PER_REFERRAL = 3
#: inpatient care bought from a contracted private provider of the region (DOMAIN §9, project assumption)
PRIVATE_SHARE = {L.INPATIENT_LONG: 0.3, L.INPATIENT_SHORT: 0.15, L.DETOX: 0.05}

# --- re-referrals ---------------------------------------------------------------------------------------------

MAX_REFERRALS_PER_PERSON = 8
REREFERRAL = {"base": 0.3, "dropout": 0.5, "rule_breach": 0.5, "rejected": 0.3, "withdrawn": 0.3}
REREFERRAL_GAP_DAYS = {"base": 300.0, "dropout": 150.0, "rule_breach": 150.0, "rejected": 90.0, "withdrawn": 120.0}

# --- coordination ---------------------------------------------------------------------------------------------

#: appointments per month of outpatient-type care (~385 000 contacts / 8 months for ~24 000 outpatients,
#: DOMAIN §8.2), at most APPOINTMENTS_CAP per episode; booked up to APPOINTMENTS_AHEAD_DAYS ahead
APPOINTMENTS_PER_MONTH = {L.OUTPATIENT: 1.6, L.AMBULANT: 2.5, L.DAY: 2.0, L.LAR: 1.0}
APPOINTMENTS_CAP = 8
#: the attendance history (one record per recorded attendance) is kept for this many days before the as-of day
ATTENDANCE_HISTORY_DAYS = 365
APPOINTMENTS_AHEAD_DAYS = 28
NO_SHOW_SHARE = 0.12
NO_SHOW_RATIO = {"young": 1.4, "homeless": 1.5, "stimulants": 1.3}
CANCELLED_BY_PERSON = 0.05
CANCELLED_BY_SERVICE = 0.03
OUTREACH_AFTER_NO_SHOW = 0.85
COORDINATOR_MEETINGS_PER_MONTH = 0.5  # the municipal coordinator's meetings with the person ...
COORDINATOR_MEETINGS_DAYS = 180  # ... over the last half year
INTERPRETER_BOOKED = 0.85

COORDINATOR_SHARE = 0.45  # persons with a municipal coordinator (higher with ROP, LAR or homelessness)
GP_SHARE = 0.85
NAV_SHARE = 0.35
HOUSING_CONTACT_IF_HOMELESS = 0.6
PEER_WORKER_SHARE = 0.05

RELATIVES_MEAN = 1.1  # Poisson mean of relatives per person
CONSENT_SHARE = 0.7  # relatives with a recorded consent
CONSENT_WITHDRAWN = 0.05
MINOR_CHILD_SHARE = 0.25  # persons with a child under 18 among their relatives (hpl § 10 a)

# --- volume ---------------------------------------------------------------------------------------------------

#: referrals per person over a 3-year window, measured; the benchmark uses it to size a run by referrals
REFERRALS_PER_PERSON = 1.26

# --- coordination: mapping, crisis plans, handovers, vedtak (project assumptions: no public figure found) -------

#: first AUDIT/DUDIT after the start of treatment: within ``Settings.mapping_within_days`` (ROP-01), later, or never
#: (Helsetilsynet 2019 found mapping often missing, DOMAIN §5.3; the split is an assumption)
MAPPING_ON_TIME, MAPPING_LATE = 0.72, 0.10
#: share of the never-mapped who declined (``mapping_declined``, the ROP-01 exclusion)
MAPPING_DECLINED_OF_NEVER = 0.2
#: a second instrument besides the one for the main substance (AUDIT for drug users, DUDIT for alcohol)
MAPPING_SECOND_INSTRUMENT = 0.35
#: crisis plan made during an inpatient stay (ROP-11 asks for one at discharge); × ``CRISIS_PLAN_RISK_RATIO``
#: when overdose or suicide risk was moderate or high at assessment
CRISIS_PLAN_INPATIENT = 0.62
CRISIS_PLAN_RISK_RATIO = 1.3
#: outpatient-type episodes with moderate or high risk get a plan in their first month this often
CRISIS_PLAN_OUTPATIENT_AT_RISK = 0.45
CRISIS_PLAN_REVIEW_DAYS = 182
#: handovers: admission from the municipal service to the first inpatient stay; discharge or transfer after one
ADMISSION_HANDOVER_SHARE = 0.55
DISCHARGE_HANDOVER_SHARE = {"planned": 0.92, "unplanned": 0.6}
#: working days the receiver takes to accept (0, 1, 2, ... 6); about 85 % within the 2 working days allowed
ACCEPT_WORKING_DAYS = (0.3, 0.35, 0.2, 0.07, 0.04, 0.02, 0.02)
HANDOVER_DECLINED = 0.03
#: vedtak on municipal services for persons in treatment: base chance, more with ROP and when homeless
VEDTAK_BASE, VEDTAK_ROP, VEDTAK_HOMELESS = 0.05, 0.10, 0.30
#: weeks a vedtak runs (uniform), and the share of the last year's vedtak decided until further notice (no end)
VEDTAK_WEEKS = (8, 40)
VEDTAK_UNTIL_FURTHER_NOTICE = 0.15
#: share of the decided volume delivered in an ordinary week (the planted ``vedtak_delivery_share`` replaces it)
VEDTAK_DELIVERY_SHARE = 0.93
#: a vedtak whose delivery starts after ``vedtak.delivery.NO_DELIVERY_START_DAYS``; a week with nothing delivered
VEDTAK_LATE_START, VEDTAK_MISSED_WEEK = 0.05, 0.04
