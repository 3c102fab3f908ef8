"""Translations (gettext catalogs, Babel) and Norwegian date and number formats.

Source strings are English; bokmål (``nb``) is the default language of the user interface and ``en`` can be
chosen. The catalogs live in ``helhet/locale/<lang>/LC_MESSAGES/messages.po`` with the compiled ``.mo`` beside
them (both are committed, so a fresh install works without a build step). After changing a user-facing
string, run ``scripts/i18n``: it extracts (``locale/babel.cfg``: the pages, ``i18n.py`` and the atlas
catalogue), updates both catalogs, fills bokmål from any ``locale/nb/pending/*.po`` (pairs written beside new
pages when several people work at once; fold them in and delete them), compiles, and lists what still lacks
bokmål. Translate those entries in ``locale/nb/LC_MESSAGES/messages.po`` and run it again.

``tests/web/test_i18n.py`` fails when a string in the templates or pages has no bokmål translation, or when
a ``.mo`` file is older than its ``.po``.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from gettext import NullTranslations
from pathlib import Path
from typing import Final, Literal

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_decimal
from babel.support import Translations

from helhet.clock import OSLO

Language = Literal["nb", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("nb", "en")
DEFAULT_LANGUAGE: Final[Language] = "nb"
LOCALE_DIR: Final = Path(__file__).parent / "locale"
DOMAIN: Final = "messages"

#: Babel locales used for formatting: dates and numbers follow Norwegian conventions in both languages
#: where English has several (the English UI is for staff working in Norway).
_FORMAT_LOCALE: Final[dict[Language, str]] = {"nb": "nb_NO", "en": "en_GB"}
_DATE_PATTERN: Final[dict[Language, str]] = {"nb": "dd.MM.yyyy", "en": "d MMM yyyy"}
_TIME_PATTERN: Final[dict[Language, str]] = {"nb": "dd.MM.yyyy 'kl.' HH:mm", "en": "d MMM yyyy HH:mm"}


def N_(message: str) -> str:
    return message


def language_or_default(value: object) -> Language:
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


@cache
def translations(lang: Language) -> NullTranslations:
    """The compiled catalog of ``lang``; a string without an entry passes through in English."""
    return Translations.load(str(LOCALE_DIR), [lang], DOMAIN)


def gettext(lang: Language, message: str) -> str:
    return translations(lang).gettext(message)


def ngettext(lang: Language, singular: str, plural: str, n: int) -> str:
    return translations(lang).ngettext(singular, plural, n)


def format_date(value: date | None, lang: Language = DEFAULT_LANGUAGE) -> str:
    """``05.03.2025`` in bokmål, ``5 Mar 2025`` in English; empty for no date."""
    if value is None:
        return ""
    return _babel_date(value, format=_DATE_PATTERN[lang], locale=_FORMAT_LOCALE[lang])


def format_datetime(value: datetime | None, lang: Language = DEFAULT_LANGUAGE) -> str:
    """A UTC timestamp shown in Norwegian time: ``05.03.2025 kl. 14:30``."""
    if value is None:
        return ""
    return _babel_datetime(value, format=_TIME_PATTERN[lang], tzinfo=OSLO, locale=_FORMAT_LOCALE[lang])


def format_time(value: datetime, lang: Language = DEFAULT_LANGUAGE) -> str:
    return _babel_datetime(value, format="HH:mm", tzinfo=OSLO, locale=_FORMAT_LOCALE[lang])


def format_number(value: float | int | None, lang: Language = DEFAULT_LANGUAGE) -> str:
    """``1 234,5`` in bokmål (narrow no-break space, decimal comma)."""
    if value is None:
        return ""
    return format_decimal(value, locale=_FORMAT_LOCALE[lang])


def language_name(code: str | None, lang: Language = DEFAULT_LANGUAGE) -> str:
    """A language code (``so``, ``uk``) as a name in the UI language; the code itself when unknown."""
    if not code:
        return ""
    name = Locale.parse(_FORMAT_LOCALE[lang]).languages.get(code.split("-")[0])
    return name or code


__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "N_",
    "Language",
    "format_date",
    "format_datetime",
    "format_number",
    "gettext",
    "language_name",
    "ngettext",
    "translations",
]
