"""The configuration schema: every key, its type, default and meaning, in one place.

`load_config(path)` reads YAML with `safe_load`, validates every key at once and
raises one `ConfigError` listing each problem as `file: key.path: what is wrong`.
"""

from __future__ import annotations

import ast
import difflib
import itertools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email import policy
from email.headerregistry import Address
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

from briefing.errors import ConfigError, SubjectError, UnknownLanguageError
from briefing.language import AUTO, LANGUAGE_CODES, resolve_language
from briefing.locate import DEFAULT_CONFIG
from briefing.models import RESERVED_SECTION_IDS
from briefing.summarise.registry import algorithm_names

# A config is a few kilobytes; the limits keep a mistaken or hostile file from taking
# minutes or all memory (a 50 MB file took 35 s; an alias bomb, all memory).
MAX_CONFIG_BYTES = 1024 * 1024
MAX_YAML_DEPTH = 64  # nested mappings and lists
MAX_YAML_NODES = 200_000  # values, counting every use of an &anchor as a copy
MAX_WINDOW = timedelta(days=366)


class _Section(BaseModel):
    # A key's description is the docstring under it: the README's tables of keys show it
    # (`_docstrings`; pydantic's use_attribute_docstrings would read this file's source in
    # every run, 70 ms, for text only the tables use).
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
    # Where the path was given, for messages: the config, or a command's arguments.
    _given_in: str = PrivateAttr(default="sources[].path in the config")

    @classmethod
    def from_command_line(cls, path: str) -> FileSource:
        source = cls(path=path)
        source._given_in = "the path given on the command line"
        return source

    @property
    def given_in(self) -> str:
        return self._given_in


def _web_url(value: str) -> str:
    """Feeds and pages are fetched over http(s) only: no file://, ftp:// or data: URLs."""
    scheme, _, rest = value.strip().partition("://")
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if scheme.lower() not in ("http", "https") or not host or any(c.isspace() for c in value.strip()):
        raise _invalid(
            "source", f"{value!r} is not an http:// or https:// URL; only web addresses can be fetched"
        )
    return value.strip()


class FeedSource(_Section):
    """An RSS (0.9x, 1.0, 2.0) or Atom feed; each entry of the time window becomes an article."""

    feed: str = Field(description="The feed's http(s) URL.")
    name: str | None = Field(default=None, description="Source name; default: the feed's own title.")
    full_text: bool = Field(
        default=True,
        description="Fetch the linked page when an entry carries only a teaser, and use its main text.",
    )
    max_items: int = Field(default=100, ge=1, le=10_000, description="Newest entries read from the feed.")

    _check_url = field_validator("feed")(lambda cls, value: _web_url(value))


class UrlSource(_Section):
    """One web page; its main text, title, date and site name are extracted."""

    url: str = Field(description="The page's http(s) URL.")
    name: str | None = Field(default=None, description="Source name; default: the page's site name.")

    _check_url = field_validator("url")(lambda cls, value: _web_url(value))


class OpmlSource(_Section):
    """Every feed listed in an OPML file (a feed reader's export), each read as a `feed:` source."""

    opml: str = Field(description="An OPML file, relative to the config file.")
    full_text: bool = Field(default=True, description="As a feed's full_text, for each of its feeds.")
    max_items: int = Field(default=100, ge=1, le=10_000, description="As a feed's max_items, for each.")


SOURCE_KINDS: dict[str, type[_Section]] = {
    "path": FileSource,
    "feed": FeedSource,
    "url": UrlSource,
    "opml": OpmlSource,
}


def _source_kind(value: Any) -> str | None:
    if isinstance(value, _Section):
        return type(value).__name__
    if isinstance(value, dict):
        for key, model in SOURCE_KINDS.items():
            if key in value:
                return model.__name__
    return None


# One key decides the kind, so an error names that kind's keys, not every kind's.
Source = Annotated[
    Annotated[FileSource, Tag("FileSource")]
    | Annotated[FeedSource, Tag("FeedSource")]
    | Annotated[UrlSource, Tag("UrlSource")]
    | Annotated[OpmlSource, Tag("OpmlSource")],
    Discriminator(
        _source_kind,
        custom_error_type="source",
        custom_error_message="a source needs one of the keys path (files), feed (RSS/Atom), url (a page) "
        "or opml (a feed reader's list of feeds)",
    ),
]

_DURATION = re.compile(r"(?P<number>[0-9]{1,12})\s*(?P<unit>m|min|h|d)")
_UNIT_SECONDS = {"m": 60, "min": 60, "h": 3600, "d": 86400}


def parse_since(value: str) -> timedelta | None:
    """`window.since` as a duration (at most MAX_WINDOW); None when it is not one."""
    match = _DURATION.fullmatch(value.strip())
    if match is None:
        return None
    seconds = int(match["number"]) * _UNIT_SECONDS[match["unit"]]
    return timedelta(seconds=seconds) if seconds <= MAX_WINDOW.total_seconds() else None


class WindowConfig(_Section):
    """Which feed and page articles belong to today's briefing (files are always read)."""

    since: str = Field(default="24h")
    """which feed and page articles are the day's: a duration (`90m`, `24h`, `2d`; at most `366d`),
    `last-run` (since the last successful build) or `all`"""

    @field_validator("since")
    @classmethod
    def _known_since(cls, value: str) -> str:
        value = value.strip()
        if value in ("last-run", "all") or parse_since(value) is not None:
            return value
        if _DURATION.fullmatch(value) or re.fullmatch(r"[0-9]+\s*(m|min|h|d)", value):
            raise _invalid("since", f"{value!r} is longer than {MAX_WINDOW.days}d; use all for no limit")
        raise _invalid("since", f"{value!r} is not a duration like 24h, 90m or 2d, nor last-run or all")


class FetchConfig(_Section):
    """How feeds and pages are fetched: politely, in parallel, within limits."""

    timeout: float = Field(default=20, gt=0, le=600)
    """seconds allowed for one request, by the wall clock: connect, TLS, headers and the whole body (a
    server that trickles its answer cannot stretch it); at most 600"""
    source_timeout: float = Field(default=120, gt=0, le=3600)
    """seconds allowed for one source, the pages its teaser entries link to included; entries whose page
    could not be fetched in time keep the feed's own text"""
    run_timeout: float = Field(default=600, gt=0, le=86_400)
    """seconds allowed for reading all sources; when they run out, the sources still pending are skipped
    (each listed) and the briefing is built from what arrived"""
    allow_private_networks: bool = Field(default=False)
    """let configured sources (and `email.ping_url`) be on loopback, private or link-local addresses (your
    own network); redirects and links found in feeds and pages then reach only the source's own host and
    port"""
    max_bytes: int = Field(default=5_000_000, ge=1_000)
    """larger responses are skipped (checked while reading, after decompression)"""
    max_redirects: int = Field(default=5, ge=0, le=30)
    """redirects followed per request (http and https only)"""
    user_agent: str | None = Field(
        default=None, json_schema_extra={"shown_default": "`briefing/<version> (…)`"}
    )
    """the User-Agent header sent"""
    concurrency: int = Field(default=4, ge=1, le=64)
    """requests in flight at once, over all hosts"""
    per_host_delay: float = Field(default=1.0, ge=0, le=60)
    """seconds between two requests to the same host; never two at once"""
    fail_if_all_fail: bool = Field(default=True)
    """exit 1 when not a single source could be read; `false` builds an empty briefing"""


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
    examples: tuple[str, ...] = Field(
        default=(), description="Example passages of the topic; their vocabulary counts like a description's."
    )

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", value):
            raise _invalid("slug", f"{value!r} is not a valid id; use letters, digits, '-' and '_'")
        if value in RESERVED_SECTION_IDS:
            raise _invalid("slug", f"{value!r} is reserved for the other-news section; choose another id")
        return value

    @model_validator(mode="after")
    def _has_evidence(self) -> TopicConfig:
        if not self.keywords and not self.description.strip() and not self.examples:
            raise _invalid(
                "no_evidence", f"topic {self.id!r} needs keywords, a description or examples to be recognised"
            )
        return self

    def weighted_keywords(self) -> tuple[Keyword, ...]:
        return tuple(k if isinstance(k, Keyword) else Keyword(term=k) for k in self.keywords)


# An earlier version's key: accepted with a warning, left out of the README.
_UNUSED: JsonDict = {"unused": True}


class DiscoveryConfig(_Section):
    """No longer used: stories are always found from the data, with no limit (see `stories`)."""

    max_topics: int = Field(default=8, ge=1, le=100, json_schema_extra=_UNUSED)
    """no longer used (before 0.2: a topic cap)"""
    min_passages: int = Field(default=3, ge=1, json_schema_extra=_UNUSED)
    """no longer used (before 0.2: a cluster size)"""


class StoriesConfig(_Section):
    """How the day's articles become stories, and how many are shown whole."""

    max: int = Field(default=10, ge=1, le=1000)
    """stories shown whole (summary, counts, headlines), the most important first; every further story is
    one line under "More stories"; the lead story of each configured topic is always shown whole"""
    similarity: float | Literal["auto"] = Field(default="auto")
    """average cosine similarity at which groups of articles are one story (0–1): higher splits more, lower
    merges more; `auto` takes 3 times the day's typical similarity between two articles, kept within
    0.12–0.25 (smaller groups must be a little more alike)"""
    memory_days: int = Field(default=7, ge=0, le=366)
    """days back a story is recognised: one seen in a briefing of those days is marked developing (new
    articles today; its summary says what is new) or still running (one line); 0 forgets every day
    (`stories.sqlite` in the output folder keeps what each briefing showed)"""

    @field_validator("similarity", mode="before")
    @classmethod
    def _share(cls, value: object) -> object:
        if value == "auto":
            return value
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
            raise _invalid("similarity", f"{value!r} is neither auto nor a number between 0 and 1")
        return float(value)

    @property
    def fixed_similarity(self) -> float | None:
        return None if self.similarity == "auto" else float(self.similarity)


class SummaryConfig(_Section):
    algorithm: str = Field(
        default="concepts",
        description="see the [table of algorithms](#summaries-quality-and-speed): "
        + ", ".join(algorithm_names()),
    )
    sentences: int = Field(default=4, ge=1, le=50)
    """sentences per story summary (give at most one of `sentences`, `words`, `ratio`)"""
    redundancy: float = Field(default=0.6, gt=0, le=1)
    """share of a sentence's content words found in another for the two to count as one statement, of which
    only the better-ranked is kept (a shared verbatim quote always counts)"""
    order: Literal["source", "score"] = Field(default="source")
    """`source`: reading order; `score`: most central first"""
    min_words: int = Field(default=6, ge=1)
    """shorter sentences are never picked"""
    words: int | None = Field(default=None, ge=1)
    """instead: at most this many words per story, never exceeded, no sentence cut"""
    ratio: float | None = Field(default=None, gt=0, le=1)
    """instead: this share (0–1) of the story's sentences, at least one"""
    mmr: float | None = Field(default=None, ge=0, le=1)
    """maximal marginal relevance λ (0–1): lower prefers sentences unlike those already chosen; unset = off"""
    dangling_penalty: float = Field(default=0.5, ge=0, le=1)
    """how far down sentences that lean on the one before ("He said…", "This…") move: 0 not at all, 1 after
    all that stand alone"""

    @field_validator("algorithm")
    @classmethod
    def _known_algorithm(cls, value: str) -> str:
        return _choice(value, algorithm_names())

    @model_validator(mode="after")
    def _one_length(self) -> SummaryConfig:
        given = [k for k in ("sentences", "words", "ratio") if k in self.model_fields_set]
        if len(given) > 1:
            raise _invalid("exclusive", f"give only one of sentences, words, ratio (got {', '.join(given)})")
        return self


class OutputConfig(_Section):
    dir: str = Field(default="out")
    """briefings go to `<dir>/<YYYY-MM-DD>/`"""
    formats: tuple[Literal["md", "html", "json", "txt"], ...] = Field(
        default=("md", "html", "json"), min_length=1
    )
    """files written per briefing; also `txt` (the plain text that is mailed)"""
    locale: str | None = Field(default=None, json_schema_extra={"shown_default": "the day's language"})
    """language (and region) of the briefing's labels and dates, as a locale: `en_GB`, `de_AT`, `pt_BR`;
    default: the language most of the day's articles are in (see [Templates](#templates))"""
    show_run_summary: bool = Field(default=False)
    """one line under the header for readers: "20 sources read; 2 could not be read"; what could not be
    read is always on stderr and in `briefing.json`, never otherwise shown to readers"""
    base_url: str | None = Field(default=None)
    """the web address where `output.dir` is published (`https://news.example.org/briefings/`): links to the
    archive, to a story's earlier days and to the day's full lists are then absolute, so they work in the
    e-mail too (without it the e-mail shows them unlinked)"""

    json_passages: bool = Field(default=False)
    """`briefing.json` lists every paragraph of every story with why it joined (`passages`): for tuning,
    and large (most of a big day's file); `briefing stories --json` always has them"""

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from babel import Locale, UnknownLocaleError

        try:
            Locale.parse(value.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            known = "like en, en_GB, de_AT, pt_BR"
            raise _invalid("locale", f"{value!r} is not a known locale ({known})") from None
        return value

    @field_validator("base_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"https?://[^\s/]+", value):
            raise _invalid("url", f"{value!r} is not an http(s) URL")
        return value


# ---- e-mail delivery (`briefing run`, `briefing send`) --------------------------------------

_LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


# Every character str.splitlines() breaks at, and the other control characters: none
# may reach a mail header (a line break there is header injection).
_HEADER_UNSAFE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")


def header_problem(value: str) -> str | None:
    """Why value cannot go into a mail header, or None when it can."""
    found = _HEADER_UNSAFE.search(value)
    if found is None:
        return None
    char = found.group()
    kind = "a line break" if char in "\r\n" else "a line separator or control character"
    return f"contains {kind} (U+{ord(char):04X}); a header must be one line"


def _no_line_breaks(value: str, what: str) -> str:
    problem = header_problem(value)
    if problem is not None:
        if "\r" in value or "\n" in value:
            problem = "contains a line break (CR/LF); a header must be one line"
        raise _invalid("header", f"{what} {problem}")
    return value


def parse_address(value: str) -> Address:
    """One e-mail address ('Name <user@example.org>' or 'user@example.org'), strictly checked."""
    _no_line_breaks(value, f"address {value!r}")
    header = policy.default.header_factory("To", value)
    addresses: tuple[Address, ...] = tuple(getattr(header, "addresses", ()))
    problem = ""
    if header.defects or len(addresses) != 1:
        problem = "is not one valid e-mail address"
    elif not addresses[0].username or not addresses[0].domain:
        problem = "needs both a user and a domain, like desk@example.org"
    elif not addresses[0].addr_spec.isascii():
        problem = "has non-ASCII characters in the address itself (only the display name may)"
    if problem:
        raise _invalid("address", f"{value!r} {problem}")
    address: Address = addresses[0]
    return address


def _normal_address(value: str) -> str:
    return str(parse_address(value))


EmailAddress = Annotated[str, AfterValidator(_normal_address)]


class SmtpConfig(_Section):
    """How to reach the mail server; certificate checks are on unless turned off here."""

    host: str = Field(default="localhost", min_length=1)
    """SMTP server"""
    port: int | None = Field(
        default=None, ge=1, le=65535, json_schema_extra={"shown_default": "587 / 465 / 25"}
    )
    """by `security`: starttls / ssl / none"""
    security: Literal["starttls", "ssl", "none"] = Field(default="starttls")
    """`starttls` (never falls back to plain text), `ssl` (implicit TLS), `none` (a local relay only)"""
    tls_verify: bool = Field(default=True)
    """check the certificate and host name; `false` only for a test server"""
    ca_file: str | None = Field(default=None)
    """PEM file of an extra CA to trust (a private CA)"""
    username: str | None = Field(default=None, min_length=1)
    """log in as this user; needs `password_env` (and TLS unless the host is localhost)"""
    password_env: str | None = Field(default=None)
    """name of the environment variable with the password; the password is never in the file"""
    timeout: float = Field(default=30, gt=0, le=600)
    """seconds to connect or wait for a reply; one whole attempt (connect to QUIT) never takes longer than
    ten times this"""
    retries: int = Field(default=3, ge=0, le=10)
    """extra attempts after a temporary failure (4xx reply, connection refused or lost)"""
    retry_delay: float = Field(default=10, ge=0, le=300)
    """seconds before the first retry; doubles each time, at most 300"""

    @field_validator("host", "username")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        return None if value is None else _no_line_breaks(value, repr(value))

    @field_validator("password_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
            raise _invalid(
                "env_name",
                f"{value!r} is not an environment variable name; put the password in the "
                "environment and its name (like BRIEFING_SMTP_PASSWORD) here",
            )
        return value

    @model_validator(mode="after")
    def _credentials(self) -> SmtpConfig:
        if self.username and not self.password_env:
            raise _invalid("credentials", "username is set but password_env is not; name the variable")
        if self.password_env and not self.username:
            raise _invalid("credentials", "password_env is set but username is not; set both or neither")
        if self.username and self.security == "none" and self.host not in _LOOPBACK_HOSTS:
            raise _invalid(
                "credentials",
                "security: none would send the password in clear text; use starttls or ssl",
            )
        return self

    @property
    def effective_port(self) -> int:
        return self.port or {"starttls": 587, "ssl": 465, "none": 25}[self.security]


# What may stand in List-Unsubscribe's <…>: one mailto: address or one https URL (RFC 2369, 8058).
_UNSUBSCRIBE = re.compile(r"mailto:[^\s<>,@]+@[^\s<>,]+|https://[^\s<>,]+")


class EmailConfig(_Section):
    """Mail the briefing (text + HTML) once per day; see `briefing run`."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    sender: EmailAddress = Field(alias="from")
    """From address, `"Name <user@domain>"` or `user@domain`"""
    to: tuple[EmailAddress, ...] = Field(default=())
    """recipients shown in To; at least one address in `to`, `cc` and `bcc` together"""
    cc: tuple[EmailAddress, ...] = Field(default=())
    """recipients shown in Cc"""
    bcc: tuple[EmailAddress, ...] = Field(default=())
    """recipients in the envelope only, never in the headers"""
    reply_to: EmailAddress | None = Field(default=None)
    """optional Reply-To address"""
    subject: str = Field(default="{{ title }} — {{ date }}", min_length=1)
    """Jinja2 template; `title`, `date` (YYYY-MM-DD), `date_long`"""
    smtp: SmtpConfig = SmtpConfig()
    state: str | None = Field(default=None, json_schema_extra={"shown_default": "`<output.dir>/state.json`"})
    """records, per date, each message and what became of it for each recipient (see [At most
    once](#e-mail-delivery-from-cron))"""
    list_unsubscribe: tuple[str, ...] = Field(default=())
    """how to leave the list: a `mailto:` address, an `https:` address, or both (a list); sent as
    `List-Unsubscribe`, and an `https:` one also as one-click `List-Unsubscribe-Post` (RFC 8058); a
    `List-Id` naming the briefing is always sent"""
    ping_url: str | None = Field(default=None)
    """health-check URL (healthchecks.io style): fetched after a send, `<url>/fail` after a failure,
    through the same limited client as feeds (at most 10 s; a private address needs
    `fetch.allow_private_networks`); its own failure only warns"""

    @field_validator("subject")
    @classmethod
    def _subject_template(cls, value: str) -> str:
        _no_line_breaks(value, "the subject")
        try:
            subject = render_subject(value, title="Title", day=date(2000, 1, 1))
        except SubjectError as error:
            raise _invalid("template", f"{value!r} is not a valid subject template: {error}") from None
        problem = header_problem(subject)
        if problem is not None:
            raise _invalid("template", f"{value!r}: the subject it makes {problem}")
        return value

    @field_validator("list_unsubscribe", mode="before")
    @classmethod
    def _unsubscribe(cls, value: object) -> object:
        values = (value,) if isinstance(value, str) else value
        if not isinstance(values, (list, tuple)):
            return value
        for item in values:
            if not isinstance(item, str) or not _UNSUBSCRIBE.fullmatch(item):
                what = "a mailto: address or an https:// URL (with no spaces, commas or <>)"
                raise _invalid("unsubscribe", f"{item!r} is not {what}")
        return tuple(values)

    @field_validator("ping_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"https?://[^\s]+$", value):
            raise _invalid("url", f"{value!r} is not an http(s) URL")
        return value

    @model_validator(mode="after")
    def _has_recipients(self) -> EmailConfig:
        if not (self.to or self.cc or self.bcc):
            raise _invalid("recipients", "no recipients: list at least one address in to, cc or bcc")
        return self

    def recipients(self) -> tuple[str, ...]:
        """Envelope recipients (To, Cc and Bcc), each once, in order."""
        everyone = (parse_address(a).addr_spec for a in (*self.to, *self.cc, *self.bcc))
        return tuple(dict.fromkeys(everyone))


def render_subject(template: str, *, title: str, day: date) -> str:
    """The subject line: the `email.subject` template with title, date and date_long."""
    from jinja2 import StrictUndefined, TemplateError  # only where a subject is made
    from jinja2.sandbox import SandboxedEnvironment

    # Sandboxed: a template cannot reach Python internals or build a huge range.
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    try:
        return env.from_string(template).render(
            title=title, date=day.isoformat(), date_long=f"{day:%A} {day.day} {day:%B %Y}"
        )
    except TemplateError as error:
        raise SubjectError(str(error)) from None
    except Exception as error:  # {{ date - 1 }} raises TypeError inside the template, not a TemplateError
        raise SubjectError(f"{type(error).__name__}: {error}") from None


@dataclass(frozen=True, slots=True)
class IngestConfig:
    """What the ingest stage is given: the sources and how to read them.

    Parts of the one `Config` (no defaults of its own: they are the schema's).
    """

    sources: tuple[Source, ...]
    base_dir: Path  # relative file patterns are resolved against it
    language: str
    zone: ZoneInfo
    fetch: FetchConfig
    workers: int | Literal["auto"] = "auto"


class Config(_Section):
    """The whole `config.yaml`."""

    title: str = Field(default="Daily Briefing", min_length=1)
    """heading of the briefing"""
    intro: str = Field(default="")
    """optional Markdown shown under the title"""
    language: str = Field(
        default="auto",
        description="the articles' language — "
        + ", ".join(f"{name} (`{code}`)" for name, code in LANGUAGE_CODES.items())
        + ": sentence splitter, stemmer, stop words; or `auto`: each article's own language, detected "
        "(see [Languages](#languages))",
    )
    timezone: str = Field(default="UTC")
    """IANA zone that decides what "today" is (a real zone name such as `Europe/Belgrade`)"""
    sources: tuple[Source, ...] = Field(min_length=1)
    """list of sources; see [Sources](#sources)"""
    topics: tuple[TopicConfig, ...] = Field(default=())
    """list of topics (`id`, `title`, `keywords`, `description`, `examples`), each a section collecting the
    stories that match it; see [Stories and topics](#stories-and-topics)"""
    stories: StoriesConfig = StoriesConfig()
    other_title: str | None = Field(default=None, json_schema_extra={"shown_default": "`Other news`"})
    """heading for the stories that match no topic; by default "Other news" in the briefing's language"""
    discover: bool = Field(default=False, json_schema_extra=_UNUSED)
    """no longer used (before 0.2: also discover topics); stories always are"""
    discovery: DiscoveryConfig = DiscoveryConfig()
    summary: SummaryConfig = SummaryConfig()
    output: OutputConfig = OutputConfig()
    window: WindowConfig = WindowConfig()
    fetch: FetchConfig = FetchConfig()
    workers: int | Literal["auto"] = Field(default="auto")
    """processes that read a large day's articles side by side (400 or more), and threads that find
    its similar articles: `auto`, one per core (up to 8), or a number; `1` does all in one"""

    @field_validator("workers", mode="before")
    @classmethod
    def _processes(cls, value: object) -> object:
        if value == "auto" or (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
            return value
        raise _invalid("workers", f"{value!r} is neither auto nor a whole number of processes, 1 or more")

    templates: str | None = Field(default=None)
    """a folder of your own templates; missing ones come from the bundled set (see [Templates](#templates))"""
    email: EmailConfig | None = Field(default=None)
    """mail delivery for `briefing run`; see [E-mail](#e-mail-delivery-from-cron)"""
    # Where the file was read from; relative paths in it are resolved against this.
    base_dir: Path = Field(default=Path("."), exclude=True)

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value.strip().lower() == AUTO:
            return AUTO
        try:
            return resolve_language(value)
        except UnknownLanguageError as error:
            raise _invalid("choice", f"{error}, or auto") from None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        # Only real IANA names: ZoneInfo("Europe") would try to read a folder.
        if value not in _zone_names():
            close = sorted(z for z in _zone_names() if value.lower() in z.lower())[:3]
            hint = f" (did you mean {', '.join(close)}?)" if close else " (an IANA name like Europe/London)"
            raise _invalid("timezone", f"{value!r} is not a known time zone{hint}")
        return value

    @model_validator(mode="after")
    def _title_fits_a_header(self) -> Config:
        problem = header_problem(self.title) if self.email is not None else None
        if problem is not None:
            where = "with email: on, the title is in the Subject"
            raise _invalid("title_header", f"title: {self.title!r} {problem} ({where})")
        return self

    @model_validator(mode="after")
    def _unique_topic_ids(self) -> Config:
        seen: set[str] = set()
        for topic in self.topics:
            if topic.id in seen:
                raise _invalid("duplicate", f"topic id {topic.id!r} is used twice")
            seen.add(topic.id)
        return self

    def unused_keys(self) -> list[str]:
        """Keys of earlier versions that are accepted but do nothing now: worth a warning."""
        return [key for key in ("discover", "discovery") if key in self.model_fields_set]

    @property
    def zone(self) -> ZoneInfo:  # validated against the IANA names
        return ZoneInfo(self.timezone)

    @property
    def ingest(self) -> IngestConfig:
        return IngestConfig(self.sources, self.base_dir, self.language, self.zone, self.fetch, self.workers)

    def resolve(self, path: str) -> Path:
        """A path from the config, relative to the config file's folder."""
        candidate = Path(path).expanduser()
        return candidate if candidate.is_absolute() else self.base_dir / candidate

    def today(self, now: datetime) -> date:
        return now.astimezone(self.zone).date()


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def load_config(path: str | Path = DEFAULT_CONFIG, overrides: dict[str, Any] | None = None) -> Config:
    """Read, parse and validate a config file; every problem is reported at once."""
    import yaml  # (here: a `summarize` with no config file has no YAML to read)

    path = Path(path)
    text = _read_config(path)
    try:
        _check_yaml_shape(text, path)
        data = yaml.load(text, Loader=_loader())  # a safe loader (no Python objects)
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


def _read_config(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no such config file; `briefing init` writes a commented one to start from"
        ) from None
    except IsADirectoryError:
        raise ConfigError(
            f"{path}: is a folder; the config is a file (e.g. {path / DEFAULT_CONFIG})"
        ) from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read config file: {error.strerror or error}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"{path}: over {MAX_CONFIG_BYTES // 1024} kB; a config is a few kB: is this the right file?"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        where = f"{error.reason} at byte {error.start}"
        raise ConfigError(f"{path}: not UTF-8 text ({where}); save it as UTF-8") from None


def _loader() -> Any:
    """libyaml's parser when PyYAML was built with it (fast), else the pure-Python one; safe
    either way."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _check_yaml_shape(text: str, path: Path) -> None:
    """ConfigError if the YAML nests too deep or expands (through &anchors) to too many values.

    Read as a stream of events, before anything is built: the composer recurses
    on nesting, and an alias bomb is small as text but huge once expanded.
    """
    import yaml

    depth = 0
    total = 0
    sizes: dict[str, int] = {}  # anchor -> values it stands for
    open_collections: list[tuple[str | None, int]] = []  # (anchor, running total when it opened)
    for event in yaml.parse(text, Loader=_loader()):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else 0
                raise ConfigError(f"{path}: line {line}: nested more than {MAX_YAML_DEPTH} levels deep")
            open_collections.append((event.anchor, total))
            total += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
            anchor, before = open_collections.pop()
            if anchor is not None:
                sizes[anchor] = total - before
        elif isinstance(event, yaml.ScalarEvent):
            total += 1
            if event.anchor is not None:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            total += sizes.get(event.anchor or "", 1)
        if total > MAX_YAML_NODES:
            raise ConfigError(
                f"{path}: expands to more than {MAX_YAML_NODES:,} values (through &anchors and *aliases); "
                "a config is far smaller"
            )


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
        if kind == "too_short" and item["input"]:
            continue  # its items failed and have their own lines; "0 items after validation" only confuses
        if kind == "extra_forbidden":
            message = _unknown_key(str(loc[-1]), _keys_at(loc[:-1]))
        elif kind == "missing":
            message = "required key is missing"
        elif kind == "source" and isinstance(item["input"], dict):
            # `- fed: …`: the key that was meant, when one is close
            close = [
                m for k in item["input"] for m in difflib.get_close_matches(str(k), SOURCE_KINDS, 1, 0.6)
            ]
            message += f"; did you mean {close[0]}?" if close else ""
        elif kind in {
            "choice",
            "timezone",
            "slug",
            "duplicate",
            "no_evidence",
            "exclusive",
            *_EMAIL_ERROR_KINDS,
            "source",
            "since",
            "similarity",
        }:
            pass
        elif kind == "title_header":
            lines.append(message)  # names its own key: it is checked once email: is known
            continue
        elif kind == "literal_error":
            message = f"{item['input']!r} is not one of {_literal_choices(item)}"
        elif kind in _EXPECTED:
            message = f"expected {_EXPECTED[kind]}, got {_shape(item['input'])}"
        else:
            # pydantic's "Input should be greater than 0" → "0: should be greater than 0"
            message = f"{_shown_value(item['input'])}: {message.removeprefix('Input ').lower()}"
        lines.append(f"{key or '(top level)'}: {message}")
    # A union (str | Keyword) reports each member's complaint; keep each line once.
    return list(dict.fromkeys(lines))


# A value of the wrong kind, in the words of a YAML file rather than of Python or pydantic.
_EXPECTED = {
    "tuple_type": "a list (lines starting with '- ')",
    "list_type": "a list (lines starting with '- ')",
    "dict_type": "a mapping of keys (key: value lines)",
    "model_type": "a mapping of keys (key: value lines)",
    "model_attributes_type": "a mapping of keys (key: value lines)",
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
}


def _shape(value: object) -> str:
    """What a YAML value looks like to the person who wrote it."""
    if isinstance(value, dict):
        return f"a mapping ({', '.join(map(str, list(value)[:3]))}{', …' if len(value) > 3 else ''})"
    if isinstance(value, list | tuple):
        return "a list"
    if value is None:
        return "nothing (null)"
    return _shown_value(value)


def _shown_value(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _unknown_key(key: str, valid: list[str]) -> str:
    """'unknown key; did you mean title?' — a close key here, else a close key one level down
    (`sentence` at the top: summary.sentences), else the keys valid here."""
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.7)
    if close:
        return f"unknown key; did you mean {close[0]}?"
    nested = [f"{name}.{inner}" for name in valid for inner in _inner_keys(name)]
    close = difflib.get_close_matches(key, [k.split(".")[1] for k in nested], n=1, cutoff=0.8)
    if close:
        where = next(k for k in nested if k.split(".")[1] == close[0])
        return f"unknown key here; did you mean {where}?"
    return f"unknown key; valid keys here: {', '.join(valid)}"


def _inner_keys(name: str) -> list[str]:
    field = Config.model_fields.get(name)
    model = _model_of_args(field.annotation) if field else None
    if model is None and field is not None and isinstance(field.annotation, type):
        model = field.annotation if issubclass(field.annotation, BaseModel) else None
    return [] if model is None else [k for k in model.model_fields if k != "base_dir"]


_EMAIL_ERROR_KINDS = {"header", "address", "env_name", "credentials", "template", "url", "recipients"}


def _literal_choices(item: Any) -> str:
    expected = item.get("ctx", {}).get("expected", "")
    return str(expected).replace("'", "").replace(" or ", ", ")


def _keys_at(loc: tuple[Any, ...]) -> list[str]:
    model: Any = Config
    for part in loc:
        if isinstance(part, int) or part in {"str", "Keyword"}:
            continue
        if part in _SOURCE_MODELS:  # the kind of source chosen by its key (path, feed, url)
            model = _SOURCE_MODELS[part]
            continue
        field = model.model_fields.get(part)
        if field is None:
            break
        model = _model_of(field.annotation)
    return sorted(f.alias or k for k, f in model.model_fields.items() if k != "base_dir")


_SOURCE_MODELS = {model.__name__: model for model in SOURCE_KINDS.values()}


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


# ---- the README's tables of keys, generated from the schema above ---------------------------


def markdown_table(model: type[BaseModel], prefix: str = "") -> str:
    """The README's table of `model`'s keys (sections expanded: `summary.words`), with each
    key's default and its description; keys of earlier versions that do nothing are left out."""
    lines = ["| key | default | meaning |", "| --- | --- | --- |"]
    lines += [f"| `{key}` | {default} | {meaning} |" for key, default, meaning in _key_rows(model, prefix)]
    return "\n".join(lines)


def _key_rows(model: type[BaseModel], prefix: str) -> list[tuple[str, str, str]]:
    rows = []
    docstrings = {
        k: v for klass in reversed(model.__mro__) for k, v in _docstrings().get(klass.__name__, {}).items()
    }
    for name, field in model.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if name == "base_dir" or extra.get("unused"):
            continue
        key = prefix + (field.alias or name)
        section = field.annotation
        if isinstance(section, type) and issubclass(section, _Section):
            rows += _key_rows(section, f"{key}.")
        elif section == EmailConfig | None:
            continue  # its own table
        else:
            meaning = " ".join((field.description or docstrings.get(name, "")).split())  # as one line
            rows.append((key, str(extra.get("shown_default") or _shown(field)), meaning))
    return rows


@lru_cache(maxsize=1)
def _docstrings() -> dict[str, dict[str, str]]:
    """Each class's attribute docstrings in this file: {class: {attribute: the string under it}}."""
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    found: dict[str, dict[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            body = node.body
            found[node.name] = {
                target.target.id: doc.value.value
                for target, doc in itertools.pairwise(body)
                if isinstance(target, ast.AnnAssign)
                and isinstance(target.target, ast.Name)
                and isinstance(doc, ast.Expr)
                and isinstance(doc.value, ast.Constant)
                and isinstance(doc.value.value, str)
            }
    return found


def _shown(field: Any) -> str:
    if field.is_required():
        return "(required)"
    value = field.default
    if value is None:
        return "none"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, tuple):
        return f"`[{', '.join(map(str, value))}]`"
    return f"`{value}`" if value != "" else '`""`'
