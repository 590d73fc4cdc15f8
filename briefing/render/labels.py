"""The briefing's own words in its language: labels, dates and plurals.

Every word a template prints comes from one table, `labels.yaml` (bundled with the
templates); a `labels.yaml` in the user's template folder overrides any of its keys
and languages. Dates and plural forms come from CLDR through Babel, so "26 Nov",
"26. Nov." and Polish's three plurals need no table of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_skeleton, format_time
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from briefing.errors import ConfigError

LABELS_FILE = "labels.yaml"
FALLBACK = "en"
MAX_LABELS_BYTES = 1024 * 1024

Table = dict[str, dict[str, str | dict[str, str]]]


def load_table(folders: list[Path]) -> Table:
    """The labels of the bundled table, each key and language overridden by the user's folders'
    (given first) where they have it."""
    table: Table = {}
    for folder in reversed(folders):
        path = folder / LABELS_FILE
        if not path.is_file():
            continue
        for key, texts in _read(path).items():
            table.setdefault(key, {}).update(texts)
    return table


def _read(path: Path) -> Table:
    try:
        raw = path.read_bytes()[: MAX_LABELS_BYTES + 1]
        if len(raw) > MAX_LABELS_BYTES:
            raise ValueError("over 1 MiB")
        data = yaml.safe_load(raw.decode("utf-8")) or {}
    except (OSError, ValueError, yaml.YAMLError) as error:
        raise ConfigError(f"template labels: {path}: cannot read: {error}") from None
    if not isinstance(data, dict) or not all(
        isinstance(texts, dict)
        and all(
            isinstance(text, str)
            or (isinstance(text, dict) and all(isinstance(t, str) for t in text.values()))
            for text in texts.values()
        )
        for texts in data.values()
    ):
        raise ConfigError(
            f"template labels: {path}: expected key: {{language: text}} or key: {{language: {{one: …, "
            "other: …}}}} for every key"
        )
    return {str(key): {str(lang): text for lang, text in texts.items()} for key, texts in data.items()}


def locale_of(name: str) -> Locale:
    """A Babel locale from 'de', 'de_AT', 'pt-BR'; ConfigError naming the bad value."""
    try:
        return Locale.parse(name.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as error:
        raise ConfigError(f"output.locale: {name!r} is not a known locale ({error})") from None


@dataclass(frozen=True, slots=True)
class Words:
    """The labels of one locale, and its dates, for the templates."""

    table: Table
    locale: Locale

    @property
    def code(self) -> str:
        return str(self.locale.language)

    def text(self, key: str, n: int | None = None) -> str:
        """The label's text (its plural form for n), before its {names} are filled in."""
        texts = self.table.get(key)
        if texts is None:
            raise ConfigError(f"template labels: no label {key!r} in {LABELS_FILE}")
        chosen = texts.get(str(self.locale)) or texts.get(self.code) or texts.get(FALLBACK)
        if chosen is None:
            chosen = next(iter(texts.values()))
        if isinstance(chosen, str):
            return chosen
        category = self.locale.plural_form(n if n is not None else 1)
        return chosen.get(category) or chosen.get("other") or next(iter(chosen.values()))

    def long_date(self, day: date) -> str:
        return str(format_date(day, "full", locale=self.locale))

    def short_date(self, day: date, today: date | None = None) -> str:
        """ "Nov 26"; with the year ("Aug 17, 2022") when it is not the year of `today` (the
        briefing's date), so that no reader takes an old date for this year's."""
        with_year = today is not None and day.year != today.year
        return str(format_skeleton("yMMMd" if with_year else "MMMd", day, locale=self.locale))

    def clock(self, moment: datetime) -> str:
        """The time of day as the locale writes it, with its zone ("3:00 PM CET", "15:00 MEZ"),
        in the moment's own zone: a time without one means nothing to a reader elsewhere."""
        time = str(format_time(moment, "short", tzinfo=moment.tzinfo, locale=self.locale))
        return f"{time} {self.zone(moment)}"

    def zone(self, moment: datetime) -> str:
        """The moment's zone as the locale abbreviates it ("MEZ", "EST"), else as the zone data
        does ("CET"), else as an offset from UTC ("+0100")."""
        cldr = str(format_datetime(moment, "z", tzinfo=moment.tzinfo, locale=self.locale))
        if cldr.isalpha():
            return cldr
        own = moment.tzname() or ""
        return own if own.isalpha() else cldr

    def for_html(self) -> Callable[..., Markup]:
        """label(key, n=…, **values): the text with its values escaped unless they are Markup."""

        def label(key: str, n: int | None = None, **values: Any) -> Markup:
            return Markup(escape(self.text(key, n))).format(**self._with_n(values, n))

        return label

    def for_text(self) -> Callable[..., str]:
        """label(key, n=…, **values) for Markdown and plain text: the values as given."""

        def label(key: str, n: int | None = None, **values: Any) -> str:
            return self.text(key, n).format(**self._with_n(values, n))

        return label

    def _with_n(self, values: Mapping[str, Any], n: int | None) -> dict[str, Any]:
        """The values, and n written as the locale writes numbers ("1,000", "1.000", "1 000")."""
        return {**values, "n": format_decimal(n, locale=self.locale)} if n is not None else dict(values)
