"""Read-only reference data shipped with Helhet: geography, population and the seed catalogue of units.

Pure Python over the files in ``reference/data`` (sources and attribution in ``data/ATTRIBUTION.md``); no database.
``helhet.units.seed`` loads the geography and the units into the database, where an admin may edit the units.

- ``geography``: regions (RHF), health trusts (HF), referral areas, counties, municipalities, city districts, the
  referral area of a residence, and recoding of old municipality numbers to 2024 borders;
- ``population``: SSB population 2020–2026 by sex and five-year age group, the national standard population, adults;
- ``units``: levels of care, kinds of unit, and the seed catalogue of TSB, private and municipal units.

The function ``population.population`` is deliberately not re-exported: the name would hide the module, so
``from helhet.reference import population`` keeps giving the module, as it does for ``units`` and ``geography``.
"""

from helhet.reference.geography import (
    CityDistrict,
    County,
    HealthTrust,
    Municipality,
    ReferralArea,
    Region,
    city_districts,
    counties,
    health_trusts,
    home_area_code,
    municipalities,
    municipality,
    recode_to_2024,
    referral_area,
    referral_area_for,
    referral_areas,
    regions,
)
from helhet.reference.population import PopulationCell, adults, national_standard_population
from helhet.reference.units import (
    CareLevel,
    UnitKind,
    UnitSeed,
    is_inpatient,
    municipal_units,
    tsb_units,
    units_for_region,
)

__all__ = [
    "CareLevel",
    "CityDistrict",
    "County",
    "HealthTrust",
    "Municipality",
    "PopulationCell",
    "ReferralArea",
    "Region",
    "UnitKind",
    "UnitSeed",
    "adults",
    "city_districts",
    "counties",
    "health_trusts",
    "home_area_code",
    "is_inpatient",
    "municipal_units",
    "municipalities",
    "municipality",
    "national_standard_population",
    "recode_to_2024",
    "referral_area",
    "referral_area_for",
    "referral_areas",
    "regions",
    "tsb_units",
    "units_for_region",
]
