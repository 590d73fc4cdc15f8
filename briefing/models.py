"""Plain, frozen values passed between the stages.

ingest → Article; segment → Passage/Sentence; group → Story; section → Section;
summarise fills each shown Story's summary; the pipeline bundles them into a Briefing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Article:
    """One article as read from a source: its paragraphs in reading order."""

    # The same article has the same id every day: made from its URL, else from its words
    # (ingest/dedupe.py article_id), never from its place in the run.
    id: str
    title: str
    source: str  # the outlet's name, e.g. "Telegraph"
    paragraphs: tuple[str, ...]
    path: str | None = None  # file sources
    # Its public address: a feed entry's link, a page's URL, or the canonical URL a saved page
    # names (<link rel="canonical">, og:url) — a file then has both `path` and `url`.
    url: str | None = None
    published: datetime | None = None
    headline_paragraphs: frozenset[int] = frozenset()  # indices known to be headlines
    also_in: tuple[str, ...] = ()  # other sources that carried the same story
    # Its language, one of briefing.language.supported_languages(): the configured one,
    # or the one detected with `language: auto`. Its sentences are split, stemmed and
    # filtered with this language's tools.
    language: str = "english"
    title_from_text: bool = False  # no headline was given: the title is the opening of the text
    # The SHA-256 of its lower-cased words (ingest/dedupe.py text_print), made once when it
    # is read; "" for an article made elsewhere (memory.article_key then makes it).
    fingerprint: str = ""


class PassageKind(StrEnum):
    BODY = "body"
    HEADLINE = "headline"  # a headline or truncated headline fragment
    BYLINE = "byline"  # bylines, datelines, captions: kept, never summarised


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a body paragraph, with where it came from."""

    text: str
    article_id: str
    paragraph: int  # index of its paragraph in the article
    start: int  # character span within that paragraph
    end: int
    complete: bool  # ends like a sentence (not a truncated fragment)
    # Whose words these are, when not the article's own and the sentence does not say: it is
    # inside quotation marks, in the first person, a question or a reply, with no name beside
    # it (summarise/attribution.py). `speaker` is the name the article gives nearby, "" when
    # it gives none; a summary quotes such a sentence only with its speaker.
    needs_speaker: bool = False
    speaker: str = ""


@dataclass(frozen=True, slots=True)
class Passage:
    """A paragraph of an article, split into sentences."""

    article_id: str
    index: int
    text: str
    kind: PassageKind
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True, slots=True)
class Topic:
    """A configured topic, as the briefing shows it: a section collecting the stories matching it."""

    id: str  # the config's id; never one of RESERVED_SECTION_IDS
    title: str
    keywords: tuple[str, ...]
    description: str


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a passage joined its story (or topic): how close it is, and the terms that tie it."""

    score: float
    terms: tuple[str, ...]


class SkipKind(StrEnum):
    """Why an item is not in the briefing: the `kind` of a `skipped` entry of briefing.json."""

    FAILED = "failed"  # it could not be read (missing, empty, binary, a failed fetch, a parser error)
    DUPLICATE = "duplicate"  # the same article as one kept (its outlet is credited there)
    OUT_OF_WINDOW = "out-of-window"  # a page published outside window.since
    NOT_AN_ARTICLE = "not-an-article"  # a CMS or error notice ("page being edited", "page not found")


@dataclass(frozen=True, slots=True)
class Skipped:
    """A source or item that could not be used, and why."""

    source: str
    reason: str
    kind: SkipKind = SkipKind.FAILED


@dataclass(frozen=True, slots=True)
class Cohesion:
    """Why a story of several articles was not split: how it hangs together, and the best
    split in two it rejected (stories/cohesion.py)."""

    within: float  # average cosine between two of its segments
    split_articles: tuple[int, int]  # articles in each half of the best split
    split_within: tuple[float, float]  # average cosine inside each half
    split_cross: float  # average cosine across the halves


class StoryStatus(StrEnum):
    NEW = "new"  # not in any earlier briefing within the horizon
    DEVELOPING = "developing"  # in an earlier briefing, with new articles today
    STILL_RUNNING = "still-running"  # in an earlier briefing, nothing new today


@dataclass(frozen=True, slots=True)
class Story:
    """An event a reader would name in a few words, told by one or many articles."""

    id: str  # unique within the briefing; made from the title
    title: str  # the headline that best represents it (or a phrase of its most central sentence)
    terms: tuple[str, ...]  # key terms, most telling first
    passages: tuple[Passage, ...]  # every passage of the story, in reading order
    evidence: tuple[Evidence, ...]  # one per passage: why it joined the story
    article_ids: tuple[str, ...]  # the articles it draws on, in reading order
    headlines: tuple[str, ...]  # one per article: the headline its part of the story stands under
    sources: tuple[str, ...]  # the outlets that carried it, each once (duplicates' outlets included)
    newest: datetime | None = None  # the latest publication time among its articles
    summary: tuple[Sentence, ...] = ()  # filled in for the stories shown whole
    language: str = "english"
    # What it is about, to know it again on a later day: its most telling stems with
    # their counts in its text.
    signature: tuple[tuple[str, int], ...] = ()
    # Seen on earlier days? (story memory): new, developing (new articles today) or still
    # running (nothing new today); the day it was first in a briefing, and the earlier
    # briefings it was in, oldest first.
    status: StoryStatus = StoryStatus.NEW
    first_seen: date | None = None
    previous: tuple[date, ...] = ()
    # its id in each of those briefings (ids are made from titles, which change as a story
    # develops): the anchor a link to that day's page lands on; "" where not known
    previous_ids: tuple[str, ...] = ()
    # How it hangs together, and the split it rejected (None: too few articles to test)
    cohesion: Cohesion | None = None
    # (article id, title) of every headline that could title it, best first: once it is
    # summarised, the one of the article its summary quotes most becomes the title
    headline_choices: tuple[tuple[str, str], ...] = ()


# Section ids: a configured topic's section has the topic's id; the two sections that are no
# topic have these, which the config refuses as topic ids. Story ids are another namespace.
OTHER_SECTION = "other"  # the stories no configured topic takes
STORIES_SECTION = "stories"  # every story, when no topic is configured (never beside a topic)
RESERVED_SECTION_IDS = frozenset({OTHER_SECTION})


@dataclass(frozen=True, slots=True)
class Section:
    """A configured topic's stories, or the stories no topic takes (the whole list when none is set)."""

    id: str  # unique within the briefing: its topic's id, OTHER_SECTION or STORIES_SECTION
    title: str  # "" for the list of stories of a briefing with no configured topics
    stories: tuple[Story, ...]  # shown whole, in order of importance
    more: tuple[Story, ...] = ()  # one line each, under "More stories"
    topic: Topic | None = None  # the configured topic; None for the stories that match none


@dataclass(frozen=True, slots=True)
class Briefing:
    title: str
    date: date
    sections: tuple[Section, ...]
    articles: tuple[Article, ...]
    skipped: tuple[Skipped, ...] = ()
    intro: str = ""
    language: str = "english"  # the language most of the day's articles are in
    timezone: str = "UTC"  # the config's IANA zone: what "today" is, and the zone of every time shown
    generated_at: datetime | None = None  # when it was built (briefing.json); None: not said

    def __post_init__(self) -> None:
        # Identity is checked here, once: the stages match sections and stories by position
        # and reference, and readers of briefing.json and the HTML anchors by these ids.
        for what, ids in (
            ("sections", [s.id for s in self.sections]),
            ("stories", [story.id for story in self.stories]),
        ):
            if len(set(ids)) != len(ids):
                raise ValueError(f"two {what} share an id: {sorted({i for i in ids if ids.count(i) > 1})}")

    @property
    def stories(self) -> tuple[Story, ...]:
        """Every story, shown whole or in one line, in the order the briefing shows them."""
        return tuple(story for section in self.sections for story in (*section.stories, *section.more))

    def article(self, article_id: str) -> Article:
        for article in self.articles:
            if article.id == article_id:
                return article
        raise KeyError(article_id)
