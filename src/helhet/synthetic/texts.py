"""Short texts for synthetic records, in bokmål: the person's own words, reasons, notes and task titles.

Written for this project; no text is taken from a real record.
"""

from __future__ import annotations

from helhet.referrals.models import Substance

#: "what matters to me", in the first person
WHAT_MATTERS = (
    "Å beholde leiligheten min.",
    "At barna får ha kontakt med meg.",
    "Å komme tilbake i jobb.",
    "At jeg slipper å fortelle historien min på nytt hver gang.",
    "Å få sove om natta igjen.",
    "At mamma får vite hvordan det går.",
    "At behandlingen er nær der jeg bor.",
    "Å få hjelp med gjelden min.",
    "At jeg får være med å bestemme.",
    "Å ha noe meningsfullt å gjøre på dagtid.",
    "At jeg får beholde hunden min.",
    "Å slippe å være alene i helgene.",
    "Å klare å være rusfri til jul.",
    "At noen ringer meg hvis jeg ikke møter opp.",
    "Å få en fast person å forholde meg til.",
    "Å bli kvitt angsten.",
    "Å få fullført skolen.",
    "At jeg får kvinnebehandling.",
    "Å få tannbehandling.",
    "At jeg ikke blir skrevet ut uten et sted å bo.",
    "Å kunne fortsette å trene.",
    "At kjæresten min kan være med på samtaler.",
    "Å få beholde førerkortet.",
    "At jeg får snakke med noen som har vært der selv.",
    "Å få orden på økonomien.",
    "Å være en bedre far.",
    "Å være en bedre mor.",
    "At jeg får tolk når vi snakker om viktige ting.",
    "Å få medisinsk hjelp til nedtrapping.",
    "At jeg ikke må vente lenge.",
    "Å få hjelp til å holde meg unna miljøet.",
    "Å komme meg ut av gjengen jeg henger med.",
    "At jeg får gå til samtaler etter jobb.",
    "Å få kontakt med NAV uten å måtte mase.",
    "Å få være hjemme med familien mens jeg får hjelp.",
    "Å få hjelp til å finne en bolig.",
    "At fastlegen min er med.",
    "Å få tilbake tilliten til familien.",
)

REASONS: dict[Substance, tuple[str, ...]] = {
    Substance.ALCOHOL: (
        "Alkoholavhengighet med økende forbruk siste år.",
        "Daglig alkoholbruk, abstinenser om morgenen.",
        "Alkoholproblemer som går ut over arbeid og familie.",
    ),
    Substance.OPIOIDS: (
        "Opioidavhengighet, ønsker vurdering for behandling.",
        "Bruk av heroin, tidligere overdoser.",
        "Avhengighet av smertestillende opioider.",
    ),
    Substance.STIMULANTS: (
        "Amfetaminbruk med psykiske plager.",
        "Sentralstimulerende rusmidler, søvnproblemer og uro.",
        "Kokainbruk i helgene som har økt.",
    ),
    Substance.CANNABIS: (
        "Daglig cannabisbruk, faller ut av skole og arbeid.",
        "Cannabisavhengighet, ønsker hjelp til å slutte.",
    ),
    Substance.BENZODIAZEPINES: ("Avhengighet av beroligende medikamenter.", "Benzodiazepiner over lang tid."),
    Substance.OTHER_MEDICINES: ("Misbruk av vanedannende legemidler.",),
    Substance.HALLUCINOGENS: ("Bruk av hallusinogener med psykiske etterreaksjoner.",),
    Substance.SOLVENTS: ("Sniffing av løsemidler.",),
    Substance.ANABOLIC_STEROIDS: ("Bruk av anabole steroider, ønsker hjelp til å trappe ned.",),
    Substance.GAMBLING: ("Pengespillproblemer med stor gjeld.",),
    Substance.OTHER: ("Sammensatt rusproblematikk.",),
}

WISH_DIFFERENCE_NOTES = {
    "clinical_judgement": (
        "Vurderes å ha nytte av poliklinisk oppfølging først.",
        "Faglig vurdering tilsier døgnbehandling på grunn av høy risiko.",
        "Behov for avrusning før videre behandling.",
    ),
    "level_not_available": (
        "Ønsket tilbud har ikke ledig plass innen fristen.",
        "Tilbudet finnes ikke i helseforetaket.",
    ),
    "wish_not_feasible": ("Ønsket lar seg ikke forene med omsorg for barn.", "Tilbudet passer ikke med arbeidet."),
    "person_changed_mind": ("Personen ønsket et annet tilbud etter samtalen.",),
    "other": ("Se journalnotat.",),
}

SHORTER_DEADLINE_REASONS = (
    "Gravid: rask oppstart.",
    "Høy overdoserisiko.",
    "Fare for å miste bolig.",
    "Omsorg for barn under 18.",
)
LONGER_DEADLINE_REASONS = ("Personen ønsker senere oppstart.", "Avtalt oppstart etter soning.")
LATE_ASSESSMENT_DEADLINE_REASON = "Vurdert etter veileders frist; ny frist satt fra vurderingsdagen."
REJECTION_REASONS = ("Ikke behov for spesialisert behandling nå.", "Bør følges opp i kommunen.")
REJECTION_ADVICE = ("Oppfølging hos fastlege og kommunal rustjeneste.", "Ta kontakt igjen om situasjonen endrer seg.")
RETURN_ADVICE = ("Mangler opplysninger om rusbruk og somatisk helse.", "Mangler personens samtykke til henvisning.")
NOT_HEARD_NOTES = ("Fikk ikke kontakt på telefon.", "Vurdert på henvisningen; samtale ved oppstart.")
END_NOTES = ("Skrevet ut etter brudd på husordenen.", "Avsluttet etter avtale med personen.", "Flyttet.")
HOUSING_NOTES = ("Bor hos venner.", "Hospits.", "Kommunal bolig.")

TASK_TITLES = {
    "outreach": "Kontakt etter uteblitt time",
    "evaluation": "Evaluering av behandlingen",
    "mapping": "Kartlegging med AUDIT/DUDIT",
    "somatic_follow_up": "Somatisk helsesjekk",
    "crisis_plan": "Lag kriseplan før utskrivning",
    "children": "Kartlegg barnas situasjon",
    "general": "Oppfølging av individuell plan og ansvarsgruppe",
}
APPOINTMENT_PURPOSES = ("Samtale", "Oppfølgingssamtale", "Legetime", "Samtale med pårørende", "Utlevering og samtale")
COORDINATOR_MEETING = "Samtale med koordinator"
PREFERRED_TIMES = ("Helst formiddag.", "Etter kl. 14 på grunn av jobb.", "Ikke mandager.")

# --- coordination: crisis plans, handovers, vedtak --------------------------------------------------------------
WARNING_SIGNS = (
    "Sover dårlig flere netter på rad.",
    "Trekker meg unna venner og familie.",
    "Slutter å svare på telefonen.",
    "Begynner å tenke mye på å ruse meg.",
    "Blir urolig og irritabel.",
    "Slutter å spise ordentlig.",
)
WHAT_HELPS = (
    "Ringe søsteren min.",
    "Gå en tur og komme meg ut.",
    "Snakke med kontaktpersonen min samme dag.",
    "Ha noen hos meg om kvelden.",
    "Ta kontakt med legevakten.",
)
WHAT_TO_AVOID = ("Være alene i helgene.", "Gamle kontakter fra miljøet.", "Kjefting og press.", "Store folkemengder.")
HANDOVER_NOTES = ("Epikrise sendes ved utskrivning.", "Oppfølging avtalt med koordinator i kommunen.", None)
HANDOVER_DECLINE_REASONS = (
    "Ikke ledig plass på planlagt dato; foreslår ny dato.",
    "Personen bor ikke i vår kommune; kontakt bostedskommunen.",
)
DISCHARGE_WITHOUT_HANDOVER = (
    "Personen avbrøt oppholdet; overlevering sendt i etterkant.",
    "Mottaker hadde ikke svart på utskrivningsdagen; følges opp i morgen.",
    "Skrevet ut etter brudd på husordenen; kommunen varslet på telefon.",
)
