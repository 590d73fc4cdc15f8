"""The configuration schema: every key, its type, default and meaning, in one place.

`load_config(path)` reads YAML with `safe_load`, validates every key at once and
raises one `ConfigError` listing each problem as `file: key.path: what is wrong`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from briefing.errors import ConfigError
from briefing.language import supported_languages
from briefing.summarise.registry import algorithm_names

DEFAULT_CONFIG = "config.yaml"
OTHER_TOPIC_ID = "other"  # the topic of passages that fit no configured topic


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _invalid(kind: str, message: str) -> PydanticCustomError:
    """A validation error whose message is already written out (no placeholders)."""
    return PydanticCustomError(kind, message)


def _choice(value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise _invalid("choice", f"{value!r} is not one of {', '.join(choices)}")
    return value


class FileSource(_Section):
    """Articles from files: a file, a folder (its .txt, .md and .html files) or a glob."""

    path: str = Field(description="A file, folder or glob, relative to the config file.")
    name: str | None = Field(
        default=None,
        description="Source name shown for these articles when the article names none.",
    )


class Keyword(_Section):
    term: str = Field(min_length=1, description="A word or phrase, e.g. 'Strategic Concept'.")
    weight: float = Field(default=1.0, gt=0, description="How strongly the term signals the topic.")


class TopicConfig(_Section):
    """A topic the briefing should have; paragraphs are assigned to the best fitting one."""

    id: str = Field(description="Stable identifier, used in JSON and anchors: letters, digits, '-'.")
    title: str = Field(min_length=1, description="Heading shown in the briefing.")
    keywords: tuple[str | Keyword, ...] = Field(
        default=(), description="Words or phrases (optionally with a weight) that signal the topic."
    )
    description: str = Field(default="", description="A sentence or two describing the topic.")

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", value):
            raise _invalid("slug", f"{value!r} is not a valid id; use letters, digits, '-' and '_'")
        if value == OTHER_TOPIC_ID:
            raise _invalid("slug", "'other' is reserved for the other-news topic; choose another id")
        return value

    @model_validator(mode="after")
    def _has_evidence(self) -> TopicConfig:
        if not self.keywords and not self.description.strip():
            raise _invalid(
                "no_evidence", f"topic {self.id!r} needs keywords or a description to be recognised"
            )
        return self

    def weighted_keywords(self) -> tuple[Keyword, ...]:
        return tuple(k if isinstance(k, Keyword) else Keyword(term=k) for k in self.keywords)


class SummaryConfig(_Section):
    algorithm: str = Field(
        default="lexrank",
        description="Summariser: " + ", ".join(algorithm_names()) + ".",
    )
    sentences: int = Field(default=4, ge=1, le=50, description="Sentences per topic summary.")
    redundancy: float = Field(
        default=0.6,
        gt=0,
        le=1,
        description="Two sentences count as the same statement when this share of the shorter "
        "one's content words is in the other; only the better-ranked is kept.",
    )
    order: Literal["source", "score"] = Field(
        default="source",
        description="'source': summary sentences in reading order; 'score': most central first.",
    )
    min_words: int = Field(default=6, ge=1, description="Shorter sentences are never picked.")

    @field_validator("algorithm")
    @classmethod
    def _known_algorithm(cls, value: str) -> str:
        return _choice(value, algorithm_names())


class OutputConfig(_Section):
    dir: str = Field(default="out", description="Where dated briefing folders are written.")
    formats: tuple[Literal["md", "html", "json"], ...] = Field(
        default=("md", "html", "json"), min_length=1, description="Files written per briefing."
    )


class Config(_Section):
    """The whole `config.yaml`."""

    title: str = Field(default="Daily Briefing", min_length=1, description="Briefing title.")
    intro: str = Field(default="", description="Optional Markdown shown under the title.")
    language: str = Field(
        default="english",
        description="Language of the articles: sentence splitter, stemmer and stop words.",
    )
    timezone: str = Field(default="UTC", description="IANA zone that decides what 'today' is.")
    sources: tuple[FileSource, ...] = Field(min_length=1, description="Where articles come from.")
    topics: tuple[TopicConfig, ...] = Field(default=(), description="Configured topics, in order.")
    other_title: str = Field(
        default="Other news", description="Heading for paragraphs that fit no configured topic."
    )
    summary: SummaryConfig = SummaryConfig()
    output: OutputConfig = OutputConfig()
    templates: str | None = Field(
        default=None,
        description="Folder with your own templates; any template missing there comes from the bundled set.",
    )
    # Where the file was read from; relative paths in it are resolved against this.
    base_dir: Path = Field(default=Path("."), exclude=True)

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        return _choice(value.lower(), supported_languages())

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            close = sorted(z for z in available_timezones() if value.lower() in z.lower())[:3]
            hint = f" (did you mean {', '.join(close)}?)" if close else " (an IANA name like Europe/London)"
            raise _invalid("timezone", f"{value!r} is not a known time zone{hint}") from None
        return value

    @model_validator(mode="after")
    def _unique_topic_ids(self) -> Config:
        seen: set[str] = set()
        for topic in self.topics:
            if topic.id in seen:
                raise _invalid("duplicate", f"topic id {topic.id!r} is used twice")
            seen.add(topic.id)
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def resolve(self, path: str) -> Path:
        """A path from the config, relative to the config file's folder."""
        candidate = Path(path).expanduser()
        return candidate if candidate.is_absolute() else self.base_dir / candidate

    def today(self, now: datetime) -> date:
        return now.astimezone(self.zone).date()


def load_config(path: str | Path = DEFAULT_CONFIG, overrides: dict[str, Any] | None = None) -> Config:
    """Read, parse and validate a config file; every problem is reported at once."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no such config file; pass --config PATH or run in a folder with {DEFAULT_CONFIG}"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read config file: {error}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ConfigError(f"{path}:{where}: invalid YAML: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys at the top level, got {type(data).__name__}")
    data = {**data, **(overrides or {})}
    return parse_config(data, base_dir=path.resolve().parent, origin=str(path))


def parse_config(data: dict[str, Any], *, base_dir: Path, origin: str = DEFAULT_CONFIG) -> Config:
    if "base_dir" in data:
        raise ConfigError(f"{origin}: base_dir: unknown key")
    try:
        return Config.model_validate({**data, "base_dir": base_dir})
    except ValidationError as error:
        raise ConfigError([f"{origin}: {line}" for line in _describe(error)]) from None


def _describe(error: ValidationError) -> list[str]:
    """One line per problem: `key.path: what is wrong`."""
    lines = []
    for item in error.errors(include_url=False):
        loc = item["loc"]
        # pydantic adds the union member tried ('str', 'Keyword') to the path; drop it.
        parts = [str(p) for p in loc if not ((isinstance(p, str) and p[:1].isupper()) or p == "str")]
        key = ".".join(f"[{p}]" if p.isdigit() else p for p in parts).replace(".[", "[")
        kind, message = item["type"], item["msg"]
        if kind == "extra_forbidden":
            message = f"unknown key; valid keys here: {', '.join(_keys_at(loc[:-1]))}"
        elif kind == "missing":
            message = "required key is missing"
        elif kind in {"choice", "timezone", "slug", "duplicate", "no_evidence"}:
            pass
        elif kind == "literal_error":
            message = f"{item['input']!r} is not one of {_literal_choices(item)}"
        else:
            message = f"{item['input']!r}: {message[0].lower()}{message[1:]}"
        lines.append(f"{key or '(top level)'}: {message}")
    # A union (str | Keyword) reports each member's complaint; keep each line once.
    return list(dict.fromkeys(lines))


def _literal_choices(item: Any) -> str:
    expected = item.get("ctx", {}).get("expected", "")
    return str(expected).replace("'", "").replace(" or ", ", ")


def _keys_at(loc: tuple[Any, ...]) -> list[str]:
    model: Any = Config
    for part in loc:
        if isinstance(part, int) or part in {"str", "Keyword"}:
            continue
        field = model.model_fields.get(part)
        if field is None:
            break
        model = _model_of(field.annotation)
    return sorted(k for k in model.model_fields if k != "base_dir")


def _model_of(annotation: Any) -> Any:
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
        inner = _model_of_args(candidate)
        if inner is not None:
            return inner
    return Config


def _model_of_args(annotation: Any) -> Any:
    for arg in getattr(annotation, "__args__", ()):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None
