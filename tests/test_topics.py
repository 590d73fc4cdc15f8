"""Assigning passages to configured and discovered topics."""

from __future__ import annotations

from briefing.ingest.text import parse_plain_text
from briefing.language import content_stems
from briefing.models import Article, Passage, Topic
from briefing.segment import segment
from briefing.topics import OTHER_ID, Assignment, DiscoveryOptions, TopicSpec, assign_topics
from briefing.topics.boundaries import segment_starts
from briefing.topics.vectors import count_matrix
from builders import SEED_KOSOVO, SEED_TWO_STORIES


def article(
    article_id: str, *paragraphs: str, title: str = "", headlines: frozenset[int] = frozenset()
) -> Article:
    return Article(
        id=article_id, title=title, source="Test", paragraphs=paragraphs, headline_paragraphs=headlines
    )


def seed_articles() -> list[Article]:
    found = []
    for number, path in enumerate((SEED_KOSOVO, SEED_TWO_STORIES), start=1):
        parsed = parse_plain_text(path.read_text(encoding="utf-8"))
        found.append(
            article(
                f"a{number}",
                *parsed.paragraphs,
                title=parsed.title or "",
                headlines=parsed.headline_paragraphs,
            )
        )
    return found


def spec(topic_id: str, *keywords: str, description: str = "", examples: tuple[str, ...] = ()) -> TopicSpec:
    return TopicSpec(
        Topic(id=topic_id, title=topic_id.title(), keywords=keywords, description=description),
        examples=examples,
    )


def run(articles: list[Article], specs: list[TopicSpec], discover: bool = False) -> Assignment:
    passages: list[tuple[Passage, ...]] = [segment(a) for a in articles]
    return assign_topics(
        passages, specs, "english", [a.title for a in articles], DiscoveryOptions(enabled=discover)
    )


def labels(result: Assignment, article_id: str) -> list[str]:
    return [a.topic_id for a in result.passages if a.passage.article_id == article_id]


RATES = "The central bank raised interest rates again on Thursday, and inflation eased slightly."
BANK = "Bank officials said further interest rate rises were likely if inflation stayed high."
NEUTRAL = "Officials declined to say more when asked on Thursday evening by reporters."
MATCH = "The football club won the match after a late goal by its new striker in the cup."
CUP = "The striker scored twice as the club reached the cup final for the first time."
TOPICS = [
    spec("economy", "interest rates", "inflation", "central bank"),
    spec("football", "match", "goal", "striker"),
]


def test_a_paragraph_without_topic_words_stays_with_its_neighbours() -> None:
    result = run([article("a1", RATES, NEUTRAL, BANK)], TOPICS)
    assert labels(result, "a1") == ["economy"] * 3
    assert result.passages[1].evidence.terms == ()


def test_a_headline_starts_a_new_segment() -> None:
    result = run(
        [article("a1", RATES, BANK, "Cup final ahead", MATCH, CUP, headlines=frozenset({2}))], TOPICS
    )
    assert labels(result, "a1") == ["economy", "economy", "football", "football", "football"]


def test_one_stray_mention_does_not_split_a_story() -> None:
    stray = "The club's chairman, a former banker, said inflation had hit ticket prices."
    result = run([article("a1", MATCH, stray, CUP)], TOPICS)
    assert labels(result, "a1") == ["football"] * 3


def test_paragraphs_that_fit_no_topic_go_to_other_news() -> None:
    weather = "Heavy rain and strong winds are forecast for the coast over the weekend."
    storm = "The storm is expected to bring flooding to low-lying areas near rivers."
    result = run([article("a1", weather, storm)], TOPICS)
    assert labels(result, "a1") == [OTHER_ID, OTHER_ID]
    assert [t.id for t in result.topics] == ["economy", "football"]


def test_evidence_names_the_matching_keywords_best_first() -> None:
    result = run([article("a1", RATES)], TOPICS)
    assert result.passages[0].evidence.terms == ("central bank", "inflation", "interest rates")
    assert result.passages[0].evidence.score > 3


def test_a_topic_known_only_by_examples() -> None:
    weather = spec("weather", examples=("Rain, wind and storms are forecast, with flooding near rivers.",))
    text = "Heavy rain and strong winds are forecast for the coast, with flooding likely near rivers."
    result = run([article("a1", text), article("a2", RATES)], [*TOPICS, weather])
    assert labels(result, "a1") == ["weather"]


def test_seed_without_configured_topics_is_split_as_a_reader_would() -> None:
    result = run(seed_articles(), [], discover=True)
    kosovo = labels(result, "a1")
    assert len(set(kosovo)) == 1 and kosovo[0] != OTHER_ID
    two = labels(result, "a2")
    assert two[:9] == kosovo[:1] * 9
    assert len(set(two[9:])) == 1 and two[9] not in (OTHER_ID, kosovo[0])
    topics = {t.id: t for t in result.topics}
    assert all(t.discovered for t in topics.values())
    summit = topics[two[9]]
    assert summit.title == "Jens Stoltenberg says NATO is facing its biggest strategic crisis in decades"
    assert "Kosovo" in topics[kosovo[0]].keywords[:3]


def test_discovery_fills_in_what_configured_topics_leave() -> None:
    kosovo_only = spec("kosovo", "Kosovo", "KFOR", "Serbia", "Pristina", "Belgrade")
    result = run(seed_articles(), [kosovo_only], discover=True)
    two = labels(result, "a2")
    assert set(labels(result, "a1")) == {"kosovo"}
    assert two[:9] == ["kosovo"] * 9
    assert len(set(two[9:])) == 1 and two[9] != OTHER_ID
    assert [t.discovered for t in result.topics] == [False, True]


def test_same_input_same_assignment() -> None:
    first = run(seed_articles(), [], discover=True)
    again = run(seed_articles(), [], discover=True)
    assert first == again


def test_segmentation_finds_a_change_of_subject_with_no_headline() -> None:
    economy = [RATES, BANK, "Inflation and interest rates dominated the central bank meeting on Thursday."]
    football = [MATCH, CUP, "The club's striker said the goal in the cup match was his best."]
    counts, _ = count_matrix([content_stems(p) for p in economy + football])
    assert segment_starts(counts) == [3]
    counts, _ = count_matrix([content_stems(p) for p in economy])
    assert segment_starts(counts) == []
