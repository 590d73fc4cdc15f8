"""The seed example end to end: the right paragraphs in the right topic, clean summaries."""

from __future__ import annotations

from datetime import date

import pytest

from briefing.config import load_config
from briefing.language import content_stems
from briefing.models import Briefing, PassageKind
from briefing.pipeline import build_briefing
from briefing.summarise import similarity
from builders import REPO

DAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def briefing() -> Briefing:
    return build_briefing(load_config(REPO / "config.yaml"), DAY)


def topic_of(briefing: Briefing) -> dict[tuple[str, int], str]:
    return {(a.passage.article_id, a.passage.index): a.topic_id for a in briefing.assignments}


def test_the_single_story_article_is_all_kosovo(briefing: Briefing) -> None:
    topics = topic_of(briefing)
    assert {topics["a1", i] for i in range(17)} == {"kosovo"}


def test_the_two_story_article_is_split_at_the_summit_headline(briefing: Briefing) -> None:
    topics = topic_of(briefing)
    # ¶9 is "Jens Stoltenberg says NATO is facing its biggest strategic crisis in decades".
    assert [topics["a2", i] for i in range(14)] == ["kosovo"] * 9 + ["nato-summit"] * 5


def test_a_paragraph_with_no_topic_words_stays_with_the_summit(briefing: Briefing) -> None:
    mauritania = next(a for a in briefing.assignments if "Mauritania" in a.passage.text)
    assert mauritania.evidence.terms == ()  # no keyword of its own: its neighbours decide
    assert mauritania.topic_id == "nato-summit"


def test_topics_in_config_order_and_no_empty_other_news(briefing: Briefing) -> None:
    assert [t.topic.id for t in briefing.topics] == ["kosovo", "nato-summit"]
    assert [len(t.summary) for t in briefing.topics] == [4, 4]


def test_summaries_come_from_their_own_topic(briefing: Briefing) -> None:
    topics = topic_of(briefing)
    for summary in briefing.topics:
        for sentence in summary.summary:
            assert topics[sentence.article_id, sentence.paragraph] == summary.topic.id


def test_summary_sentences_are_clean_and_sourced(briefing: Briefing) -> None:
    headlines = {a.passage.text for a in briefing.assignments if a.passage.kind is PassageKind.HEADLINE}
    for summary in briefing.topics:
        for sentence in summary.summary:
            article = briefing.article(sentence.article_id)
            paragraph = article.paragraphs[sentence.paragraph]
            assert paragraph[sentence.start : sentence.end] == sentence.text
            assert sentence.text not in headlines
            assert sentence.text.split()[-1] != "intervene if"  # the truncated headline
            assert sentence.text.rstrip("”\"'’")[-1] in ".!?"
            assert len(sentence.text.split()) >= 6


def test_no_statement_is_repeated(briefing: Briefing) -> None:
    for summary in briefing.topics:
        stems = [frozenset(content_stems(s.text)) for s in summary.summary]
        for i, a in enumerate(stems):
            for b in stems[i + 1 :]:
                assert similarity(a, b) < 0.6


def test_summary_is_in_reading_order(briefing: Briefing) -> None:
    order = {a.id: i for i, a in enumerate(briefing.articles)}
    for summary in briefing.topics:
        keys = [(order[s.article_id], s.paragraph, s.start) for s in summary.summary]
        assert keys == sorted(keys)


def test_a_quote_repeated_across_articles_appears_once() -> None:
    config = load_config(REPO / "config.yaml")
    briefing = build_briefing(
        config.model_copy(update={"summary": config.summary.model_copy(update={"sentences": 12})}), DAY
    )
    texts = [s.text for t in briefing.topics for s in t.summary]
    ready = [t for t in texts if "ready to intervene if stability is threatened" in t]
    assert len(ready) <= 1, ready
