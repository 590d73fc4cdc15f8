"""Configured topics: each passage's topic from keywords, descriptions, examples and its neighbours;
stories collected into sections."""

from __future__ import annotations

import numpy as np
import pytest

from briefing.config import Keyword, TopicConfig
from briefing.language import content_stems
from briefing.models import Article, Evidence, Passage, PassageKind, Story
from briefing.segment import segment
from briefing.stories.boundaries import segment_starts
from briefing.topics import TopicLabels, assign_topics, sequence
from briefing.topics.sections import make_sections, topic_cuts, topic_of_story
from briefing.topics.sequence import BATCH, BATCH_CELLS, HEADLINE_SWITCH_COST, OTHER_SCORE, SWITCH_COST
from briefing.vectors import count_matrix


def article(
    article_id: str, *paragraphs: str, title: str = "", headlines: frozenset[int] = frozenset()
) -> Article:
    return Article(
        id=article_id, title=title, source="Test", paragraphs=paragraphs, headline_paragraphs=headlines
    )


def spec(topic_id: str, *keywords: str, description: str = "", examples: tuple[str, ...] = ()) -> TopicConfig:
    return TopicConfig(
        id=topic_id, title=topic_id.title(), keywords=keywords, description=description, examples=examples
    )


def run(articles: list[Article], specs: list[TopicConfig]) -> TopicLabels:
    passages: list[tuple[Passage, ...]] = [segment(a) for a in articles]
    return assign_topics(passages, specs, "english", [a.title for a in articles])


def names(result: TopicLabels, specs: list[TopicConfig]) -> list[str]:
    return [specs[label].id if label >= 0 else "none" for label in result.labels]


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
    assert names(result, TOPICS) == ["economy"] * 3
    assert result.evidence[1].terms == ()


def test_a_headline_starts_a_new_segment() -> None:
    result = run(
        [article("a1", RATES, BANK, "Cup final ahead", MATCH, CUP, headlines=frozenset({2}))], TOPICS
    )
    assert names(result, TOPICS) == ["economy", "economy", "football", "football", "football"]


def test_one_stray_mention_does_not_split_a_story() -> None:
    stray = "The club's chairman, a former banker, said inflation had hit ticket prices."
    result = run([article("a1", MATCH, stray, CUP)], TOPICS)
    assert names(result, TOPICS) == ["football"] * 3


def test_paragraphs_that_fit_no_topic_get_none() -> None:
    weather = "Heavy rain and strong winds are forecast for the coast over the weekend."
    storm = "The storm is expected to bring flooding to low-lying areas near rivers."
    result = run([article("a1", weather, storm)], TOPICS)
    assert names(result, TOPICS) == ["none", "none"]


def test_evidence_names_the_matching_keywords_best_first() -> None:
    result = run([article("a1", RATES)], TOPICS)
    assert result.evidence[0].terms == ("central bank", "inflation", "interest rates")
    assert result.evidence[0].score > 3


def test_evidence_counts_every_mention_as_the_score_does() -> None:
    politics = TopicConfig(
        id="politics", title="Politics", keywords=("election", Keyword(term="vote", weight=1.5))
    )
    result = run([article("a1", "Election, election: the vote is close, and polls agree.")], [politics])
    # "election" twice in a row: 1 × (1 + ln 2) = 1.69 outweighs "vote" at 1.5
    assert result.evidence[0].terms == ("election", "vote")


def test_a_topic_known_only_by_examples() -> None:
    weather = spec("weather", examples=("Rain, wind and storms are forecast, with flooding near rivers.",))
    text = "Heavy rain and strong winds are forecast for the coast, with flooding likely near rivers."
    result = run([article("a1", text), article("a2", RATES)], [*TOPICS, weather])
    assert names(result, [*TOPICS, weather])[0] == "weather"


def test_no_topics_configured_means_no_labels() -> None:
    result = run([article("a1", RATES, MATCH)], [])
    assert result.labels == (-1, -1)


def test_where_the_topic_changes_the_article_is_cut() -> None:
    passages = [segment(article("a1", RATES, BANK, MATCH, CUP)), segment(article("a2", MATCH))]
    assert topic_cuts(passages, [0, 0, 1, 1, 1]) == {0: {2}}


def story(ident: str, passages: tuple[Passage, ...]) -> Story:
    return Story(
        id=ident,
        title=ident,
        terms=(),
        passages=passages,
        evidence=(Evidence(0.0, ()),) * len(passages),
        article_ids=tuple(dict.fromkeys(p.article_id for p in passages)),
        headlines=("h",) * len(dict.fromkeys(p.article_id for p in passages)),
        sources=("Test",),
    )


def test_a_story_joins_the_topic_most_of_its_passages_were_given() -> None:
    passages = segment(article("a1", RATES, BANK, NEUTRAL, MATCH))
    label_of = {("a1", 0): 0, ("a1", 1): 0, ("a1", 2): -1, ("a1", 3): 1}
    assert topic_of_story(story("s", passages), label_of) == 0
    assert topic_of_story(story("s", passages[2:3]), label_of) == -1


def test_sections_in_config_order_with_each_topics_lead_story_shown_whole() -> None:
    topics = [spec("economy", "rates"), spec("football", "goal")]
    stories = [story(f"s{k}", segment(article(f"a{k}", RATES))) for k in range(5)]
    # the three most important stories are the rest's; football's only story ranks last
    sections = make_sections(stories, topics, [-1, -1, 0, 0, 1], "Other news", featured=2)
    assert [(s.id, s.title) for s in sections] == [
        ("economy", "Economy"),
        ("football", "Football"),
        ("other", "Other news"),
    ]
    shown = {s.id: [x.id for x in s.stories] for s in sections}
    more = {s.id: [x.id for x in s.more] for s in sections}
    assert shown == {"economy": ["s2"], "football": ["s4"], "other": ["s0", "s1"]}
    assert more == {"economy": ["s3"], "football": [], "other": []}


def test_without_topics_one_untitled_section_lists_the_stories() -> None:
    stories = [story(f"s{k}", segment(article(f"a{k}", RATES))) for k in range(3)]
    (section,) = make_sections(stories, [], [-1, -1, -1], "Other news", featured=2)
    assert section.title == "" and section.topic is None
    assert [s.id for s in section.stories] == ["s0", "s1"] and [s.id for s in section.more] == ["s2"]


def test_segmentation_finds_a_change_of_subject_with_no_headline() -> None:
    economy = [RATES, BANK, "Inflation and interest rates dominated the central bank meeting on Thursday."]
    football = [MATCH, CUP, "The club's striker said the goal in the cup match was his best."]
    counts, _ = count_matrix([content_stems(p) for p in economy + football])
    assert segment_starts(counts) == [3]
    counts, _ = count_matrix([content_stems(p) for p in economy])
    assert segment_starts(counts) == []


def one_viterbi(kinds: list[PassageKind], emission: np.ndarray) -> list[int]:
    """Viterbi of one sequence, step by step: what `decode_all` must give for each."""
    states = emission.shape[1] + 1
    table = np.hstack([emission, np.full((len(emission), 1), OTHER_SCORE)])
    best, back = table[0].copy(), [np.zeros(states, dtype=int)]
    for i in range(1, len(table)):
        cost = HEADLINE_SWITCH_COST if kinds[i] is PassageKind.HEADLINE else SWITCH_COST
        candidates = best[:, None] - cost * (1.0 - np.eye(states)) + 1e-9 * np.eye(states)
        back.append(candidates.argmax(axis=0))
        best = candidates[back[-1], np.arange(states)] + table[i]
    path = [int(best.argmax())]
    for i in range(len(table) - 1, 0, -1):
        path.append(int(back[i][path[-1]]))
    return path[::-1]


@pytest.mark.parametrize(("batch", "cells"), [(BATCH, BATCH_CELLS), (7, BATCH_CELLS), (BATCH, 300)])
def test_all_articles_decoded_at_once_take_the_path_each_takes_alone(
    batch: int, cells: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sequence, "BATCH", batch)
    monkeypatch.setattr(sequence, "BATCH_CELLS", cells)  # 300: two to thirty sequences a batch
    rng = np.random.default_rng(3)
    lengths = rng.integers(1, 30, 60)
    # Scores in tenths of a hit: many ties, which go to staying, then to the earlier topic.
    emission = np.round(rng.exponential(0.7, (int(lengths.sum()), 4)), 1)
    starts = np.concatenate([[0], np.cumsum(lengths)])
    rows = [list(range(starts[k], starts[k + 1])) for k in range(len(lengths))]
    kinds = [[PassageKind.HEADLINE if rng.random() < 0.1 else PassageKind.BODY for _ in r] for r in rows]
    paths = sequence.decode_all(kinds, emission, rows)
    assert paths == [one_viterbi(k, emission[r]) for k, r in zip(kinds, rows, strict=True)]
    assert len({tuple(p) for p in paths}) > 10  # the paths differ: the test is not of one path
