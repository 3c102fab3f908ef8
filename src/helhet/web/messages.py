"""Service and validation messages in the user's language.

Services explain problems in English (``Invalid(field, value, reason)``). Fixed reasons are looked up in the
catalog as they are; reasons with values in them are matched by a pattern and rebuilt from a translated
template (``web/reasons.PATTERNS``). Anything not known here is shown in English rather than hidden.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from helhet.i18n import N_, Language, format_date, gettext
from helhet.web import reasons
from helhet.web.labels import label

#: fixed reasons raised by the services behind the pages (kept word for word)
FIXED_REASONS = (
    N_("cannot be later than today"),
    N_("cannot be empty"),
    N_("must be 11 digits"),
    N_("no valid check digit 1 exists for this number"),
    N_("no valid check digit 2 exists for this number"),
    N_("no municipality has this number (2024 codes)"),
    N_("use a language code such as nb, en, ar, so, pl or uk"),
    N_("say which language the interpreter needs"),
    N_("type at least two characters"),
    N_("no active unit has this id"),
    N_("give exactly one of person_id, fodselsnummer or person"),
    N_("nobody is registered with this number; give the details"),
    N_("say why the person is referred"),
    N_("a unit cannot refer to itself"),
    N_("self-referral is only possible to a unit with user-controlled beds (brukerstyrt innleggelse)"),
    N_("must be one of the listed substances"),
    N_("a substance is listed twice"),
    N_("the person is registered as male"),
    N_("is before the person's birth date"),
    N_("choose the level of care when the right is granted"),
    N_("choose the condition, so the guideline deadline can be found"),
    N_("say why the start deadline differs from the guideline"),
    N_("cannot be before the assessment date"),
    N_("cannot be before the referral was received"),
    N_("say why the person was not heard directly"),
    N_("say why the referral is rejected"),
    N_("give the referrer advice on what to do instead"),
    N_("say what information is missing"),
    N_("explain in a sentence why the wished level of care is not assigned"),
    N_("say what happened"),
    N_("the episode has already ended"),
    N_("only clinicians of the receiving unit assess a referral"),
    N_("only the treating unit ends an episode"),
    N_("start episodes in your own unit or for referrals your unit received"),
    N_("register referrals sent from or received by one of your units"),
    N_("only clinical roles register referrals"),
    N_("only clinical roles register persons"),
    N_("a person with this fødselsnummer is already registered"),
)


def reason(lang: Language, text: str) -> str:
    """A service's reason in ``lang``, first letter capitalised for display beside a field."""
    translated = gettext(lang, text)
    if translated == text:
        for pattern, template in reasons.PATTERNS:
            match = pattern.match(text)
            if match:
                values = {k: _value(lang, k, v) for k, v in match.groupdict().items()}
                translated = gettext(lang, template) % values
                break
    return translated[:1].upper() + translated[1:]


def _value(lang: Language, name: str, value: str) -> str:
    """A matched value as shown: levels by their label, statuses by their label in lower case (mid-sentence),
    dates (groups named ``on`` or ending in ``_on``) as the user's language writes them (``10.04.2025``)."""
    if name.endswith("level"):
        return label(lang, value)
    if name.endswith("status"):
        return label(lang, value).lower()
    if name == "on" or name.endswith("_on"):
        try:
            return format_date(date.fromisoformat(value), lang)
        except ValueError:
            return value
    return value


def validation_message(lang: Language, error: dict[str, Any], *, choice: bool = False) -> str:
    """A Pydantic error in plain words; the English message when the kind is not known."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing" and choice:
        return gettext(lang, N_("Choose one of the options"))
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return gettext(lang, N_("Fill in this field"))
    if kind in ("string_too_long", "too_long"):
        if kind == "too_long":
            return gettext(lang, N_("Too many chosen"))
        return gettext(lang, N_("Use at most %(n)s characters")) % {"n": ctx.get("max_length")}
    if kind == "too_short":
        return gettext(lang, N_("Choose at least one"))
    if kind.startswith(("date_", "datetime_")):
        return gettext(lang, N_("Write the date as dd.mm.yyyy"))
    if kind in ("enum", "literal_error"):
        return gettext(lang, N_("Choose one of the options"))
    if kind.startswith("int_"):
        return gettext(lang, N_("Choose from the list"))
    if kind in ("greater_than_equal", "less_than_equal"):
        return gettext(lang, N_("Choose a value from the list"))
    if kind.startswith("bool_"):
        return gettext(lang, N_("Choose yes or no"))
    return str(error.get("msg", ""))
