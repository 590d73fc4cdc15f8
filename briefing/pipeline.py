"""The whole build, top-down: config → Briefing.

Each stage is given its own part of the config; the effects (the time window,
the HTTP client and its cache) are the caller's, passed in.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from briefing.config import Config, SummaryConfig
from briefing.errors import SourceError
from briefing.ingest import Ingested, ingest
from briefing.ingest.window import EVERYTHING, Window
from briefing.language import majority_language
from briefing.models import Article, Briefing, Passage, Section, Sentence, Story, StoryStatus
from briefing.parallel import worker_count
from briefing.progress import step, tracked
from briefing.progress import wanted as progress_wanted
from briefing.segment import segment
from briefing.summarise import is_clean, summarise, summarise_update

# Grouping (stories, topics, memory) and HTTP are imported where they are used: `briefing
# summarize` starts without them.
if TYPE_CHECKING:
    from briefing.ingest.http import HttpClient
    from briefing.memory import Recognised, Remembered
    from briefing.topics import TopicLabels

log = logging.getLogger(__name__)


def build_briefing(
    config: Config,
    day: date,
    *,
    window: Window = EVERYTHING,
    client: HttpClient | None = None,
    earlier: Sequence[Remembered] = (),
    progress: bool | None = None,
) -> Briefing:
    """The day's briefing: its articles read (feeds and pages in `window`, through `client`),
    grouped into stories, recognised among the `earlier` briefings' stories, sectioned by
    topic, and the stories shown whole summarised. `progress`: a bar for each stage (None:
    only for a person at a terminal)."""
    bars = progress_wanted() if progress is None else progress
    for key in config.unused_keys():
        log.warning("%s: no longer used (stories are found from the data); remove it from the config", key)
    clock = time.monotonic()
    ingested = ingest(config.ingest, window=window, client=client, progress=bars)
    log.info("read: %d articles in %.2fs", len(ingested.articles), time.monotonic() - clock)
    if ingested.every_source_failed and config.fetch.fail_if_all_fail:
        warnings = "warnings" if len(ingested.skipped) > 1 else "warning"
        raise SourceError(
            f"every source failed (see the {warnings} above); no briefing built "
            "(set fetch.fail_if_all_fail: false to build an empty one)"
        )
    articles = ingested.articles
    clock = time.monotonic()
    grouped = group(config, articles, day=day, earlier=earlier, progress=bars)
    _tell_stories(grouped.sections, time.monotonic() - clock)
    clock = time.monotonic()
    shown = [story for section in grouped.sections for story in section.stories]
    done = iter(
        [
            summarise_story(story, config.summary, articles, grouped.known)
            for story in tracked(shown, len(shown), "summarising", "story", bars)
        ]
    )
    summarised = []
    for section in grouped.sections:
        stories = list(itertools.islice(done, len(section.stories)))
        for story in stories:
            log.debug("summary of %r: %d sentences", story.title, len(story.summary))
        # a story whose summary came out empty (nothing fit the length) is listed in one line
        summarised.append(
            replace(
                section,
                stories=tuple(s for s in stories if s.summary),
                more=(*(s for s in stories if not s.summary), *section.more),
            )
        )
    chosen = [len(story.summary) for section in summarised for story in section.stories]
    log.info(
        "summaries (%s): %d sentences chosen for %d stories in %.2fs",
        config.summary.algorithm,
        sum(chosen),
        len(chosen),
        time.monotonic() - clock,
    )
    return Briefing(
        title=config.title,
        date=day,
        sections=tuple(summarised),
        articles=articles,
        skipped=ingested.skipped,
        intro=config.intro,
        language=day_language(articles),
        timezone=config.timezone,
    )


def _tell_stories(sections: Sequence[Section], seconds: float) -> None:
    """-v: how many stories, how big (articles each), in which sections; -vv: each one."""
    stories = [story for section in sections for story in (*section.stories, *section.more)]
    sizes = sorted((len({p.article_id for p in story.passages}) for story in stories), reverse=True)
    shown = ", ".join(map(str, sizes[:12])) + (", …" if len(sizes) > 12 else "")
    log.info(
        "stories: %d found in %.2fs (articles each: %s); sections: %s",
        len(stories),
        seconds,
        shown or "none",
        ", ".join(f"{s.title or 'stories'} {len(s.stories) + len(s.more)}" for s in sections) or "none",
    )
    for story in stories:
        articles = len({p.article_id for p in story.passages})
        log.debug("story %r: %d articles, %d passages", story.title, articles, len(story.passages))


@dataclass(frozen=True, slots=True)
class Grouped:
    """The day's stories in sections (not yet summarised), and what earlier briefings knew of them."""

    sections: tuple[Section, ...]
    known: Recognised


def group(
    config: Config,
    articles: Sequence[Article],
    *,
    use_topics: bool = True,
    day: date | None = None,
    earlier: Sequence[Remembered] = (),
    progress: bool = False,
) -> Grouped:
    """The day's stories, in sections: the configured topics', then the rest."""
    from briefing.memory import Recognised, recognise
    from briefing.stories import find_stories
    from briefing.topics import assign_topics
    from briefing.topics.sections import make_sections, topic_cuts

    shown = tracked(articles, len(articles), "segmenting", "article", progress)
    passages = tuple(segment(article, article.language) for article in shown)
    topics = config.topics if use_topics else ()
    labels = assign_topics(passages, topics, day_language(articles), [a.title for a in articles])
    with step("grouping into stories", progress):
        found = find_stories(
            articles,
            passages,
            cuts=topic_cuts(passages, labels.labels),
            similarity=config.stories.fixed_similarity,
            threads=worker_count(config.workers),
        )
    known = recognise(found, articles, earlier, day) if day is not None else Recognised(found, {}, {})
    stories = known.stories
    topic_of = _topic_of_stories(stories, passages, labels)
    min_words = config.summary.min_words
    quotable = [any(is_clean(s, min_words) for p in story.passages for s in p.sentences) for story in stories]
    other = config.other_title or ""
    sections = make_sections(stories, topics, topic_of, other, config.stories.max, quotable)
    return Grouped(sections, known)


def summarise_story(
    story: Story, summary: SummaryConfig, articles: Sequence[Article], known: Recognised | None = None
) -> Story:
    """The story with its summary: sentences from its own passages, in reading order.

    A developing story's summary says what its new articles add, never what an earlier
    briefing showed of it. Its title becomes the headline of the article the summary
    quotes most, so that the title tells what the summary says.
    """
    from briefing.stories.titles import title_of_summary

    if known is not None and story.status is StoryStatus.DEVELOPING:
        fresh_ids = known.new_articles.get(story.id, frozenset())
        fresh = [p for p in story.passages if p.article_id in fresh_ids]
        rest = [p for p in story.passages if p.article_id not in fresh_ids]
        shown = known.shown_before.get(story.id, ())
        said = known.concepts_before.get(story.id, frozenset())
        chosen = summarise_update(fresh, rest, summary, story.language, story.terms, shown, said)
    else:
        chosen = summarise(story.passages, summary, story.language, keywords=story.terms)
    if not chosen:
        return story
    title = title_of_summary(
        story.headline_choices, [s.article_id for s in chosen], chosen[0].text, story.language
    )
    return replace(story, title=title or story.title, summary=tuple(in_order(chosen, summary, articles)))


def in_order(
    chosen: Sequence[Sentence], summary: SummaryConfig, articles: Sequence[Article]
) -> list[Sentence]:
    """The chosen sentences as `summary.order` shows them: reading order ('source'), or as chosen."""
    if summary.order != "source":
        return list(chosen)
    order = {article.id: number for number, article in enumerate(articles)}
    return sorted(chosen, key=lambda s: (order[s.article_id], s.paragraph, s.start))


@dataclass(frozen=True, slots=True)
class Listing:
    """What `briefing stories` shows: the articles read and the stories they make, in sections."""

    ingested: Ingested
    sections: tuple[Section, ...]


def list_stories(
    config: Config, *, use_topics: bool = True, window: Window = EVERYTHING, client: HttpClient | None = None
) -> Listing:
    """The day's stories with every passage and why it joined, not summarised."""
    ingested = ingest(config.ingest, window=window, client=client)
    if not ingested.articles and ingested.skipped:
        raise SourceError("nothing could be read (see the warnings above); no stories to show")
    return Listing(ingested, group(config, ingested.articles, use_topics=use_topics).sections)


@dataclass(frozen=True, slots=True)
class Summary:
    """What `briefing summarize` shows: the articles read and their one summary."""

    ingested: Ingested
    algorithm: str
    sentences: tuple[Sentence, ...]


def summarise_articles(config: Config) -> Summary:
    """The articles of the sources, summarised as one."""
    ingested = ingest(config.ingest)
    if not ingested.articles:
        raise SourceError("no readable article to summarise (see the warnings above)")
    articles = ingested.articles
    passages = [p for article in articles for p in segment(article, article.language)]
    chosen = summarise(passages, config.summary, day_language(articles))
    return Summary(ingested, config.summary.algorithm, tuple(in_order(chosen, config.summary, articles)))


def day_language(articles: Sequence[Article]) -> str:
    """The language most of the day's articles are in (the configured one unless it is auto)."""
    return majority_language(a.language for a in articles)


def _topic_of_stories(
    stories: Sequence[Story], passages: Sequence[Sequence[Passage]], labels: TopicLabels
) -> list[int]:
    from briefing.topics.sections import topic_of_story

    flat = [p for ps in passages for p in ps]
    label_of = {(p.article_id, p.index): label for p, label in zip(flat, labels.labels, strict=True)}
    return [topic_of_story(story, label_of) for story in stories]
