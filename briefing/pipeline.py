"""The whole build, top-down: config → Briefing."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from briefing.config import Config, TopicConfig
from briefing.errors import SourceError
from briefing.ingest import Ingested, ingest
from briefing.language import majority_language
from briefing.models import Article, Briefing, Passage, Section, Sentence, Story, Topic
from briefing.segment import segment
from briefing.stories import find_stories
from briefing.summarise import SummaryOptions, is_clean, summarise
from briefing.topics import TopicLabels, TopicSpec, assign_topics
from briefing.topics.sections import make_sections, topic_cuts, topic_of_story

log = logging.getLogger("briefing")


def topic_spec(topic: TopicConfig) -> TopicSpec:
    """A configured topic as the assigner takes it."""
    keywords = topic.weighted_keywords()
    return TopicSpec(
        topic=Topic(
            id=topic.id,
            title=topic.title,
            keywords=tuple(k.term for k in keywords),
            description=topic.description,
        ),
        weights=tuple(k.weight for k in keywords),
        examples=topic.examples,
    )


def topic_specs(config: Config) -> tuple[TopicSpec, ...]:
    return tuple(topic_spec(t) for t in config.topics)


def summary_options(config: Config, language: str) -> SummaryOptions:
    summary = config.summary
    return SummaryOptions(
        algorithm=summary.algorithm,
        sentences=summary.sentences,
        words=summary.words,
        ratio=summary.ratio,
        redundancy=summary.redundancy,
        mmr=summary.mmr,
        order=summary.order,
        min_words=summary.min_words,
        language=language,
        dangling_penalty=summary.dangling_penalty,
    )


def build_briefing(config: Config, day: date, now: datetime | None = None) -> Briefing:
    for key in config.unused_keys():
        log.warning("%s: no longer used (stories are found from the data); remove it from the config", key)
    ingested = ingest(config, now=now, day=day)
    if ingested.every_source_failed and config.fetch.fail_if_all_fail:
        warnings = "warnings" if len(ingested.skipped) > 1 else "warning"
        raise SourceError(
            f"every source failed (see the {warnings} above); no briefing built "
            "(set fetch.fail_if_all_fail: false to build an empty one)"
        )
    articles = ingested.articles
    sections = group(config, articles)
    order = {article.id: number for number, article in enumerate(articles)}
    summarised = []
    for section in sections:
        stories = [summarise_story(story, config, order) for story in section.stories]
        # a story whose summary came out empty (nothing fit the length) is listed in one line
        summarised.append(
            replace(
                section,
                stories=tuple(s for s in stories if s.summary),
                more=(*(s for s in stories if not s.summary), *section.more),
            )
        )
    return Briefing(
        title=config.title,
        date=day,
        sections=tuple(summarised),
        articles=articles,
        skipped=ingested.skipped,
        intro=config.intro,
        language=day_language(articles),
    )


def group(config: Config, articles: Sequence[Article], *, use_topics: bool = True) -> tuple[Section, ...]:
    """The day's stories, in sections: the configured topics', then the rest (not yet summarised)."""
    passages = tuple(segment(article, article.language) for article in articles)
    specs = topic_specs(config) if use_topics else ()
    labels = assign_topics(passages, specs, day_language(articles), [a.title for a in articles])
    stories = find_stories(
        articles,
        passages,
        cuts=topic_cuts(passages, labels.labels),
        similarity=config.stories.fixed_similarity,
    )
    topic_of = _topic_of_stories(stories, passages, labels)
    min_words = config.summary.min_words
    quotable = [any(is_clean(s, min_words) for p in story.passages for s in p.sentences) for story in stories]
    return make_sections(
        stories, [spec.topic for spec in specs], topic_of, config.other_title, config.stories.max, quotable
    )


def summarise_story(story: Story, config: Config, order: dict[str, int]) -> Story:
    """The story with its summary: sentences from its own passages, in reading order."""
    chosen = summarise(story.passages, summary_options(config, story.language), keywords=story.terms)
    if config.summary.order == "source":
        chosen = sorted(chosen, key=lambda s: (order[s.article_id], s.paragraph, s.start))
    return replace(story, summary=tuple(chosen))


def stories_of(config: Config, *, use_topics: bool = True) -> tuple[Ingested, tuple[Section, ...]]:
    """What `briefing topics` shows: the articles read and the stories they make, in sections."""
    ingested = ingest(config)
    return ingested, group(config, ingested.articles, use_topics=use_topics)


def summary_of(config: Config) -> tuple[Ingested, list[Sentence]]:
    """What `briefing summarize` prints: the articles of the sources, summarised as one."""
    ingested = ingest(config)
    if not ingested.articles:
        raise SourceError("no readable article to summarise (see the warnings above)")
    articles = ingested.articles
    passages = [p for article in articles for p in segment(article, article.language)]
    chosen = summarise(passages, summary_options(config, day_language(articles)))
    if config.summary.order == "source":
        order = {article.id: number for number, article in enumerate(articles)}
        chosen = sorted(chosen, key=lambda s: (order[s.article_id], s.paragraph, s.start))
    return ingested, chosen


def day_language(articles: Sequence[Article]) -> str:
    """The language most of the day's articles are in (the configured one unless it is auto)."""
    return majority_language(a.language for a in articles)


def _topic_of_stories(
    stories: Sequence[Story], passages: Sequence[Sequence[Passage]], labels: TopicLabels
) -> list[int]:
    flat = [p for ps in passages for p in ps]
    label_of = {(p.article_id, p.index): label for p, label in zip(flat, labels.labels, strict=True)}
    return [topic_of_story(story, label_of) for story in stories]
