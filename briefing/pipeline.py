"""The whole build, top-down: config → Briefing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from briefing.config import OTHER_TOPIC_ID, Config
from briefing.ingest import ingest
from briefing.models import Article, AssignedPassage, Briefing, Passage, Topic, TopicSummary
from briefing.segment import segment
from briefing.summarise import SummaryOptions, summarise_topic
from briefing.topics import assign_topics, build_profile


def configured_topics(config: Config) -> tuple[Topic, ...]:
    return tuple(
        Topic(
            id=t.id,
            title=t.title,
            keywords=tuple(k.term for k in t.weighted_keywords()),
            description=t.description,
        )
        for t in config.topics
    )


def assign(
    config: Config, articles: Sequence[Article], passages: tuple[tuple[Passage, ...], ...]
) -> tuple[AssignedPassage, ...]:
    profiles = [
        build_profile(topic, [k.weight for k in spec.weighted_keywords()], config.language)
        for topic, spec in zip(configured_topics(config), config.topics, strict=True)
    ]
    return assign_topics(passages, profiles, config.language, titles=[a.title for a in articles])


def build_briefing(config: Config, day: date) -> Briefing:
    ingested = ingest(config)
    passages = tuple(segment(article, config.language) for article in ingested.articles)
    assignments = assign(config, ingested.articles, passages)

    topics = (*configured_topics(config), Topic(id=OTHER_TOPIC_ID, title=config.other_title))
    options = SummaryOptions(
        algorithm=config.summary.algorithm,
        sentences=config.summary.sentences,
        redundancy=config.summary.redundancy,
        order=config.summary.order,
        min_words=config.summary.min_words,
        language=config.language,
    )
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
