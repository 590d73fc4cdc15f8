"""The whole build, top-down: config → Briefing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from briefing.config import OTHER_TOPIC_ID, Config, TopicConfig
from briefing.errors import SourceError
from briefing.ingest import Ingested, ingest
from briefing.models import Article, Briefing, Passage, Topic, TopicSummary
from briefing.segment import segment
from briefing.summarise import SummaryOptions, summarise_topic
from briefing.topics import Assignment, DiscoveryOptions, TopicSpec, assign_topics


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


def assign(
    config: Config,
    articles: Sequence[Article],
    passages: tuple[tuple[Passage, ...], ...],
    discover: bool | None = None,
) -> Assignment:
    """Every passage → a topic; `discover=True` ignores configured topics and finds them all."""
    specs = () if discover else topic_specs(config)
    options = DiscoveryOptions(
        enabled=config.discover or bool(discover),
        max_topics=config.discovery.max_topics,
        min_passages=config.discovery.min_passages,
    )
    return assign_topics(passages, specs, config.language, [a.title for a in articles], options)


def summary_options(config: Config) -> SummaryOptions:
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
        language=config.language,
        dangling_penalty=summary.dangling_penalty,
    )


def build_briefing(config: Config, day: date, now: datetime | None = None) -> Briefing:
    ingested = ingest(config, now=now, day=day)
    if ingested.every_source_failed and config.fetch.fail_if_all_fail:
        warnings = "warnings" if len(ingested.skipped) > 1 else "warning"
        raise SourceError(
            f"every source failed (see the {warnings} above); no briefing built "
            "(set fetch.fail_if_all_fail: false to build an empty one)"
        )
    passages = tuple(segment(article, config.language) for article in ingested.articles)
    assignment = assign(config, ingested.articles, passages)
    assignments = assignment.passages

    topics = (*assignment.topics, Topic(id=OTHER_TOPIC_ID, title=config.other_title))
    options = summary_options(config)
    article_order = [a.id for a in ingested.articles]
    summaries: list[TopicSummary] = []
    for topic in topics:
        mine = [a.passage for a in assignments if a.topic_id == topic.id]
        if mine:
            summaries.append(summarise_topic(topic, mine, options, article_order))
    return Briefing(
        title=config.title,
        date=day,
        topics=tuple(summaries),
        articles=ingested.articles,
        skipped=ingested.skipped,
        intro=config.intro,
        assignments=assignments,
    )


def topics_of(config: Config, discover: bool = False) -> tuple[Ingested, Assignment]:
    """What `briefing topics` shows: the articles read and every passage's topic."""
    ingested = ingest(config)
    passages = tuple(segment(article, config.language) for article in ingested.articles)
    return ingested, assign(config, ingested.articles, passages, discover=discover)


def summary_of(config: Config) -> tuple[Ingested, TopicSummary]:
    """What `briefing summarize` prints: the articles of the sources, summarised as one topic."""
    ingested = ingest(config)
    if not ingested.articles:
        raise SourceError("no readable article to summarise (see the warnings above)")
    passages = [p for article in ingested.articles for p in segment(article, config.language)]
    topic = Topic(id="summary", title=ingested.articles[0].title)
    order = [article.id for article in ingested.articles]
    return ingested, summarise_topic(topic, passages, summary_options(config), order)
