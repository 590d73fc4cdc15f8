"""Plain, frozen values passed between the stages.

ingest → Article; segment → Passage/Sentence; assign → Assignment;
summarise → TopicSummary; the pipeline bundles them into a Briefing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Article:
    """One article as read from a source: its paragraphs in reading order."""

    id: str  # stable within a run: "a1", "a2", … in source order
    title: str
    source: str  # the outlet's name, e.g. "Telegraph"
    paragraphs: tuple[str, ...]
    path: str | None = None  # file sources
    url: str | None = None  # feeds and pages
    published: datetime | None = None
    headline_paragraphs: frozenset[int] = frozenset()  # indices known to be headlines
    also_in: tuple[str, ...] = ()  # other sources that carried the same story
    # Its language, one of briefing.language.supported_languages(): the configured one,
    # or the one detected with `language: auto`. Its sentences are split, stemmed and
    # filtered with this language's tools.
    language: str = "english"


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
    id: str
    title: str
    keywords: tuple[str, ...] = ()
    description: str = ""
    discovered: bool = False


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a passage went to a topic: its score and the terms that matched."""

    score: float
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AssignedPassage:
    passage: Passage
    topic_id: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Skipped:
    """A source or item that could not be used, and why."""

    source: str
    reason: str


@dataclass(frozen=True, slots=True)
class TopicSummary:
    topic: Topic
    summary: tuple[Sentence, ...]
    passages: tuple[Passage, ...]
    article_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Briefing:
    title: str
    date: date
    topics: tuple[TopicSummary, ...]
    articles: tuple[Article, ...]
    skipped: tuple[Skipped, ...] = ()
    intro: str = ""
    assignments: tuple[AssignedPassage, ...] = field(default=(), compare=False)

    def article(self, article_id: str) -> Article:
        for article in self.articles:
            if article.id == article_id:
                return article
        raise KeyError(article_id)
