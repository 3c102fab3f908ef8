"""The gap checks: code, severity, the rule in plain words, its source, what to do, and explicit exclusions.

Thresholds are settings (``helhet.config.Settings``) with defaults; the words here name them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True)
class Check:
    code: str
    severity: Severity
    rule_en: str
    rule_nb: str
    action_en: str
    action_nb: str
    source: str
    exclusions: tuple[str, ...] = ()


CHECKS: tuple[Check, ...] = (
    Check(
        "ROP-01",
        Severity.HIGH,
        "Substance use mapped with AUDIT or DUDIT within the set days of service start, and re-mapped regularly",
        "Rusmiddelbruk kartlagt med AUDIT eller DUDIT innen fristen etter oppstart, og kartlagt på nytt jevnlig",
        "Map substance use with AUDIT/DUDIT",
        "Kartlegg rusmiddelbruk med AUDIT/DUDIT",
        "DOMAIN.md §5.4 ROP-01; §11",
        ("person declined mapping",),
    ),
    Check(
        "ROP-02",
        Severity.MEDIUM,
        "Mental health screened (status recorded)",
        "Psykisk helse kartlagt (status registrert)",
        "Record mental-health screening",
        "Registrer kartlegging av psykisk helse",
        "DOMAIN.md §5.4 ROP-02",
        ("person declined",),
    ),
    Check(
        "ROP-03",
        Severity.HIGH,
        "Somatic health checked within the set months; follow-up actions have owners",
        "Somatisk helse undersøkt innen fristen; oppfølgingstiltak har eier",
        "Arrange a somatic health check",
        "Avtal somatisk helsesjekk",
        "DOMAIN.md §5.4 ROP-03",
        ("person declined",),
    ),
    Check(
        "ROP-04",
        Severity.MEDIUM,
        "Overall situation recorded: housing, income/NAV, work/activity, network, minor children",
        "Helhetlig situasjon registrert: bolig, inntekt/NAV, arbeid/aktivitet, nettverk, mindreårige barn",
        "Record the overall situation",
        "Registrer helhetlig situasjon",
        "DOMAIN.md §5.4 ROP-04",
    ),
    Check(
        "ROP-05",
        Severity.HIGH,
        "A plan with goals and measures; each measure has an owner and an evaluation date",
        "Plan med mål og tiltak; hvert tiltak har eier og evalueringsdato",
        "Make a plan with the person",
        "Lag plan sammen med personen",
        "DOMAIN.md §5.4 ROP-05",
        ("person declined a plan",),
    ),
    Check(
        "ROP-06",
        Severity.MEDIUM,
        "Measures evaluated on time (no overdue evaluation dates)",
        "Tiltak evaluert i tide (ingen forfalte evalueringsdatoer)",
        "Evaluate the overdue measures",
        "Evaluer forfalte tiltak",
        "DOMAIN.md §5.4 ROP-06",
    ),
    Check(
        "ROP-07",
        Severity.HIGH,
        "Long-term coordinated needs: coordinator assigned, individual plan offered and the answer recorded",
        "Langvarige og koordinerte behov: koordinator tildelt, individuell plan tilbudt og svaret registrert",
        "Assign a coordinator and offer an individual plan",
        "Tildel koordinator og tilby individuell plan",
        "DOMAIN.md §4.1, §5.4 ROP-07",
        ("not long-term coordinated needs",),
    ),
    Check(
        "ROP-08",
        Severity.MEDIUM,
        "Documented cooperation with the GP and the specialist service in the period",
        "Dokumentert samarbeid med fastlege og spesialisthelsetjeneste i perioden",
        "Document a meeting or message with the GP and the specialist service",
        "Dokumenter møte eller melding med fastlege og spesialisthelsetjeneste",
        "DOMAIN.md §5.4 ROP-08",
    ),
    Check(
        "ROP-09",
        Severity.HIGH,
        "Services delivered as decided (vedtak); delivery started",
        "Tjenester levert som vedtatt; leveransen har startet",
        "Deliver the decided service or review the vedtak",
        "Lever vedtatt tjeneste eller vurder vedtaket på nytt",
        "DOMAIN.md §4.3, §5.4 ROP-09",
    ),
    Check(
        "ROP-10",
        Severity.HIGH,
        "Housing known; homeless or unstable housing has a housing vedtak or an offer",
        "Bosituasjon kjent; bostedsløs eller ustabil bolig har boligvedtak eller tilbud",
        "Offer housing assistance (boligsosial lov § 6)",
        "Tilby bistand til bolig (boligsosial lov § 6)",
        "DOMAIN.md §4.4, §5.4 ROP-10",
        ("person declined assistance",),
    ),
    Check(
        "ROP-11",
        Severity.HIGH,
        "A current crisis plan when relapse, overdose or suicide risk is moderate or high, "
        "and at discharge from inpatient care",
        "Gjeldende kriseplan ved moderat eller høy risiko for tilbakefall, overdose eller selvmord, og ved "
        "utskrivning fra døgnbehandling",
        "Make or update the crisis plan with the person",
        "Lag eller oppdater kriseplan sammen med personen",
        "DOMAIN.md §4.2, §5.4 ROP-11",
    ),
    Check(
        "ROP-12",
        Severity.MEDIUM,
        "The person's own goals and wishes (incl. wished level of care) recorded",
        "Personens egne mål og ønsker (også ønsket behandlingsnivå) registrert",
        "Record the person's wishes and goals in their own words",
        "Registrer personens ønsker og mål med egne ord",
        "DOMAIN.md §5.4 ROP-12",
    ),
    Check(
        "ROP-13",
        Severity.HIGH,
        "Every handover has a named receiver and is accepted within the set working days",
        "Alle overføringer har mottaker og er akseptert innen fristen",
        "Follow up the handover with the receiver",
        "Følg opp overføringen med mottakeren",
        "DOMAIN.md §5.4 ROP-13",
    ),
    Check(
        "ROP-14",
        Severity.MEDIUM,
        "NAV information and advice documented when financial or housing problems exist",
        "Informasjon og råd fra NAV dokumentert ved økonomiske eller boligproblemer",
        "Contact NAV and document the advice given",
        "Kontakt NAV og dokumenter rådgivningen",
        "DOMAIN.md §4.4, §5.4 ROP-14",
    ),
    Check(
        "ROP-15",
        Severity.HIGH,
        "Minor children: asked, and the children's needs assessed (hpl § 10 a)",
        "Mindreårige barn: spurt, og barnas behov vurdert (hpl § 10 a)",
        "Ask about children and assess their needs",
        "Spør om barn og vurder barnas behov",
        "DOMAIN.md §6, §5.4 ROP-15",
    ),
    Check(
        "HANDOVER-OPEN",
        Severity.HIGH,
        "A handover awaits acceptance beyond the set working days",
        "En overføring venter på aksept utover fristen",
        "Ask the receiving unit to accept or decline",
        "Be mottakende enhet akseptere eller avslå",
        "issue 3 §4",
    ),
    Check(
        "TASK-OVERDUE",
        Severity.MEDIUM,
        "A task is overdue",
        "En oppgave er forfalt",
        "Do the task or reassign it",
        "Utfør oppgaven eller gi den til en annen",
        "issue 3 §3",
    ),
    Check(
        "DEADLINE-AT-RISK",
        Severity.HIGH,
        "The start deadline (juridisk frist) is near or passed without a start",
        "Fristen for start av helsehjelp nærmer seg eller er passert",
        "Offer a start date, or notify Helfo",
        "Tilby oppstart, eller varsle Helfo",
        "DOMAIN.md §1.4, §1.6",
    ),
    Check(
        "ASSESSMENT-OVERDUE",
        Severity.HIGH,
        "The referral is not assessed within 10 working days",
        "Henvisningen er ikke vurdert innen 10 virkedager",
        "Assess the referral",
        "Vurder henvisningen",
        "DOMAIN.md §1.2",
    ),
    Check(
        "INTERPRETER-MISSING",
        Severity.HIGH,
        "An appointment needs an interpreter and none is booked",
        "En avtale trenger tolk og tolk er ikke bestilt",
        "Book a qualified interpreter",
        "Bestill kvalifisert tolk",
        "DOMAIN.md §7",
    ),
)

BY_CODE = {check.code: check for check in CHECKS}
