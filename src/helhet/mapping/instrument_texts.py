"""Item texts and answer labels for AUDIT and DUDIT, in bokmål and English.

Written in our own words: each item keeps the meaning of the published instrument but not its wording. They
are therefore not the validated Norwegian translations; a service that needs those uses its licensed forms.
Scores and scales follow the published scoring (DOMAIN.md §11); `instruments.py` builds the objects.
"""

from __future__ import annotations

# One answer option: (score, label in bokmål, label in English).
Scale = tuple[tuple[int, str, str], ...]
# One item: (text in bokmål, text in English, its answer scale). Items are numbered from 1 in order.
ItemText = tuple[str, str, Scale]

HOW_OFTEN: Scale = (
    (0, "Aldri", "Never"),
    (1, "Én gang i måneden eller sjeldnere", "Once a month or less"),
    (2, "2–4 ganger i måneden", "2–4 times a month"),
    (3, "2–3 ganger i uken", "2–3 times a week"),
    (4, "4 ganger i uken eller oftere", "4 or more times a week"),
)
PAST_YEAR_HOW_OFTEN: Scale = (
    (0, "Aldri", "Never"),
    (1, "Sjeldnere enn hver måned", "Less than monthly"),
    (2, "Hver måned", "Monthly"),
    (3, "Hver uke", "Weekly"),
    (4, "Daglig eller nesten daglig", "Daily or almost daily"),
)
# Items 9–10 (AUDIT) and 10–11 (DUDIT) skip 1 and 3: a harm long ago counts half of one in the past year.
EVER_OR_PAST_YEAR: Scale = (
    (0, "Nei", "No"),
    (2, "Ja, men ikke det siste året", "Yes, but not in the past year"),
    (4, "Ja, i løpet av det siste året", "Yes, in the past year"),
)
UNITS_PER_DRINKING_DAY: Scale = (
    (0, "1–2 enheter", "1–2 units"),
    (1, "3–4 enheter", "3–4 units"),
    (2, "5–6 enheter", "5–6 units"),
    (3, "7–9 enheter", "7–9 units"),
    (4, "10 enheter eller flere", "10 units or more"),
)
TIMES_PER_USING_DAY: Scale = (
    (0, "Ingen", "None"),
    (1, "1–2 ganger", "1–2 times"),
    (2, "3–4 ganger", "3–4 times"),
    (3, "5–6 ganger", "5–6 times"),
    (4, "7 ganger eller flere", "7 times or more"),
)

AUDIT_NAME = "AUDIT – Alcohol Use Disorders Identification Test"
AUDIT_INTRO = (
    "Spørsmålene gjelder bruk av alkohol. Én enhet er omtrent en liten flaske øl (0,33 l), et glass vin "
    "eller en drink med 4 cl brennevin.",
    "The questions are about drinking alcohol. One unit is about a small bottle of beer (0.33 l), a glass of "
    "wine or a drink with 4 cl of spirits.",
)
AUDIT_ITEMS: tuple[ItemText, ...] = (
    ("Hvor ofte drikker du alkohol?", "How often do you drink alcohol?", HOW_OFTEN),
    (
        "På en dag du drikker, hvor mange enheter drikker du vanligvis?",
        "On a day when you drink, how many units do you usually have?",
        UNITS_PER_DRINKING_DAY,
    ),
    (
        "Hvor ofte drikker du seks enheter eller mer ved samme anledning?",
        "How often do you have six units or more on one occasion?",
        PAST_YEAR_HOW_OFTEN,
    ),
    (
        "Det siste året: hvor ofte har du ikke klart å stoppe når du først hadde begynt å drikke?",
        "In the past year, how often could you not stop once you had started drinking?",
        PAST_YEAR_HOW_OFTEN,
    ),
    (
        "Det siste året: hvor ofte har drikkingen gjort at du ikke fikk gjort det andre regnet med at du gjorde?",
        "In the past year, how often did drinking keep you from doing what others counted on you to do?",
        PAST_YEAR_HOW_OFTEN,
    ),
    (
        "Det siste året: hvor ofte har du drukket om morgenen for å fungere etter mye drikking dagen før?",
        "In the past year, how often did you drink in the morning to function after heavy drinking the day before?",
        PAST_YEAR_HOW_OFTEN,
    ),
    (
        "Det siste året: hvor ofte har du følt skyld eller angret etter at du hadde drukket?",
        "In the past year, how often did you feel guilt or regret after drinking?",
        PAST_YEAR_HOW_OFTEN,
    ),
    (
        "Det siste året: hvor ofte har du ikke husket hva som skjedde mens du drakk (hukommelsestap)?",
        "In the past year, how often could you not remember what happened while you were drinking (a blackout)?",
        PAST_YEAR_HOW_OFTEN,
    ),
    (
        "Har du selv eller noen andre blitt skadet som følge av at du hadde drukket?",
        "Have you or anyone else been hurt as a result of your drinking?",
        EVER_OR_PAST_YEAR,
    ),
    (
        "Har noen som står deg nær, eller en lege eller annen helsearbeider, vært bekymret for "
        "drikkingen din eller rådet deg til å drikke mindre?",
        "Has someone close to you, or a doctor or other health worker, worried about your drinking "
        "or advised you to drink less?",
        EVER_OR_PAST_YEAR,
    ),
)

DUDIT_NAME = "DUDIT – Drug Use Disorders Identification Test"
DUDIT_INTRO = (
    "Med narkotika menes her ulovlige rusmidler, og medisiner brukt på annen måte eller i større mengder enn "
    "legen har forskrevet. Alkohol og tobakk regnes ikke med.",
    "'Drugs' here means illegal drugs, and medicines used in other ways or in larger amounts than a doctor "
    "prescribed. Alcohol and tobacco do not count.",
)
DUDIT_ITEMS: tuple[ItemText, ...] = (
    ("Hvor ofte bruker du narkotika?", "How often do you use drugs?", HOW_OFTEN),
    (
        "Hvor ofte bruker du mer enn én type narkotika ved samme anledning?",
        "How often do you use more than one kind of drug on the same occasion?",
        HOW_OFTEN,
    ),
    (
        "På en dag du bruker narkotika, hvor mange ganger tar du vanligvis noe?",
        "On a day when you use drugs, how many times do you usually take something?",
        TIMES_PER_USING_DAY,
    ),
    (
        "Det siste året: hvor ofte har du vært kraftig ruspåvirket av narkotika?",
        "In the past year, how often were you heavily under the influence of drugs?",
        PAST_YEAR_HOW_OFTEN,
    ),
    (
        "Det siste året: hvor ofte har suget etter narkotika vært så sterkt at du ikke klarte å la være?",
        "In the past year, how often was your craving for drugs too strong to resist?",
        PAST_YEAR_HOW_OFTEN,
    ),
    (
        "Det siste året: hvor ofte har du ikke klart å stoppe når du først hadde begynt å bruke narkotika?",
        "In the past year, how often could you not stop once you had started using drugs?",
        PAST_YEAR_HOW_OFTEN,
    ),
    (
        "Det siste året: hvor ofte har narkotikabruken gjort at du har latt være å gjøre ting du skulle ha gjort?",
        "In the past year, how often did drug use make you neglect things you should have done?",
        PAST_YEAR_HOW_OFTEN,
    ),
    (
        "Det siste året: hvor ofte har du trengt narkotika om morgenen etter mye bruk dagen før?",
        "In the past year, how often did you need a drug in the morning after heavy use the day before?",
        PAST_YEAR_HOW_OFTEN,
    ),
    (
        "Det siste året: hvor ofte har du følt skyld eller hatt dårlig samvittighet for narkotikabruken?",
        "In the past year, how often did you feel guilt or a bad conscience about your drug use?",
        PAST_YEAR_HOW_OFTEN,
    ),
    (
        "Har du selv eller noen andre blitt skadet, fysisk eller psykisk, som følge av narkotikabruken din?",
        "Have you or anyone else been hurt, in body or mind, as a result of your drug use?",
        EVER_OR_PAST_YEAR,
    ),
    (
        "Har noen som står deg nær, eller en lege eller annen helsearbeider, vært bekymret for "
        "narkotikabruken din eller rådet deg til å slutte?",
        "Has someone close to you, or a doctor or other health worker, worried about your drug use "
        "or advised you to stop?",
        EVER_OR_PAST_YEAR,
    ),
)
