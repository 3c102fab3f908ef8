"""Read-only reference data shipped with Helhet: geography, population and the seed catalogue of units."""

from helhet.reference.geography import (
    city_districts,
    counties,
    health_trusts,
    municipalities,
    municipality,
    recode_to_2024,
    referral_area_for,
    referral_areas,
    regions,
)

__all__ = [
    "city_districts",
    "counties",
    "health_trusts",
    "municipalities",
    "municipality",
    "recode_to_2024",
    "referral_area_for",
    "referral_areas",
    "regions",
]
