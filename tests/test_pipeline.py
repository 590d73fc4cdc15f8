"""The seed example end to end: two stories, each in its own section, with clean summaries."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from briefing.config import load_config, parse_config
from briefing.language import content_stems
from briefing.models import Briefing, PassageKind, Section, Story
from briefing.pipeline import build_briefing
from briefing.render import render
from briefing.summarise import similarity
from builders import REPO, example_config, write_article

DAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def briefing() -> Briefing:
    return build_briefing(load_config(REPO / "config.yaml"), DAY)


def seed_names(briefing: Briefing) -> dict[str, str]:
    """ "a1", "a2" for the example's two articles, in source order: their ids are made from their
    words (stable across days), so the tests name them by place."""
    return {article.id: f"a{n}" for n, article in enumerate(briefing.articles, start=1)}


def story_of(briefing: Briefing) -> dict[tuple[str, int], Story]:
    name = seed_names(briefing)
    return {(name[p.article_id], p.index): story for story in briefing.stories for p in story.passages}


def test_each_configured_topic_is_a_section_holding_its_story(briefing: Briefing) -> None:
    assert [(s.id, s.title) for s in briefing.sections] == [
        ("kosovo", "Kosovo–Serbia border tensions"),
        ("nato-summit", "NATO's Madrid Summit"),
    ]
    assert [len(s.stories) for s in briefing.sections] == [1, 1]
    assert all(not s.more for s in briefing.sections)  # two stories: both shown whole


def test_the_two_story_article_is_split_at_the_summit_headline(briefing: Briefing) -> None:
    stories = story_of(briefing)
    kosovo, summit = (section.stories[0] for section in briefing.sections)
    assert {stories["a1", i].id for i in range(17)} == {kosovo.id}
    # ¶9 is "Jens Stoltenberg says NATO is facing its biggest strategic crisis in decades".
    assert [stories["a2", i].id for i in range(14)] == [kosovo.id] * 9 + [summit.id] * 5
    assert summit.title == "Jens Stoltenberg says NATO is facing its biggest strategic crisis in decades"


def test_a_paragraph_with_no_topic_words_stays_with_the_summit(briefing: Briefing) -> None:
    summit = briefing.sections[1].stories[0]
    assert any("Mauritania" in p.text for p in summit.passages)


def test_the_same_two_stories_without_configured_topics() -> None:
    config = load_config(REPO / "config.yaml").model_copy(update={"topics": ()})
    plain = build_briefing(config, DAY)
    (section,) = plain.sections
    assert section.title == "" and section.topic is None
    stories = story_of(plain)
    assert [stories["a2", i].id for i in range(14)] == [stories["a1", 0].id] * 9 + [stories["a2", 9].id] * 5
    assert len(section.stories) == 2 and stories["a1", 0].id != stories["a2", 9].id
    # the story told by two articles ranks first
    name = seed_names(plain)
    assert tuple(name[a] for a in section.stories[0].article_ids) == ("a1", "a2")


def test_summaries_come_from_their_own_story(briefing: Briefing) -> None:
    for story in briefing.stories:
        own = {(p.article_id, p.index) for p in story.passages}
        assert story.summary and all((s.article_id, s.paragraph) in own for s in story.summary)


def test_summary_sentences_are_clean_and_sourced(briefing: Briefing) -> None:
    headlines = {p.text for s in briefing.stories for p in s.passages if p.kind is PassageKind.HEADLINE}
    for story in briefing.stories:
        for sentence in story.summary:
            article = briefing.article(sentence.article_id)
            paragraph = article.paragraphs[sentence.paragraph]
            assert paragraph[sentence.start : sentence.end] == sentence.text
            assert sentence.text not in headlines
            assert not sentence.text.endswith("intervene if")  # the truncated headline
            assert sentence.text.rstrip("”\"'’")[-1] in ".!?"
            assert len(sentence.text.split()) >= 6


def test_no_statement_is_repeated(briefing: Briefing) -> None:
    for story in briefing.stories:
        stems = [frozenset(content_stems(s.text)) for s in story.summary]
        for i, a in enumerate(stems):
            for b in stems[i + 1 :]:
                assert similarity(a, b) < 0.6


def test_summary_is_in_reading_order(briefing: Briefing) -> None:
    order = {a.id: i for i, a in enumerate(briefing.articles)}
    for story in briefing.stories:
        keys = [(order[s.article_id], s.paragraph, s.start) for s in story.summary]
        assert keys == sorted(keys)


QUOTE = '"We will rebuild the bridge before the first snow, whatever it costs," the mayor said.'
BRIDGE = [
    "The old stone bridge over the river collapsed on Monday night after days of heavy rain.",
    "Engineers had warned the council last year that the bridge needed urgent repairs.",
    "Nobody was hurt, but the town's only road link to the valley villages is cut.",
    "Buses will take a detour of forty kilometres until a temporary crossing is built.",
]


@pytest.mark.parametrize("algorithm", ["concepts", "lead"])
def test_a_quote_printed_by_three_outlets_is_quoted_once(tmp_path: Path, algorithm: str) -> None:
    # `lead` takes each article's opening, which is the quote in all three: without the rule
    # that a shared verbatim quote is one statement, it would quote it three times.
    for number, outlet in enumerate(("Valley News", "Mountain Post", "River Times")):
        # each outlet prints the quote and its own version of the facts
        lines = [BRIDGE[(number + k) % 4] for k in range(3)]
        write_article(
            tmp_path, f"{number}.txt", f"Bridge collapse cuts off valley\n\n{QUOTE}\n\n" + "\n\n".join(lines)
        )
        text = (tmp_path / f"{number}.txt").read_text(encoding="utf-8")
        (tmp_path / f"{number}.txt").write_text(text + f"\n\n/{outlet}/\n", encoding="utf-8")
    summary = {"sentences": 4, "algorithm": algorithm}
    config = parse_config({"sources": [{"path": "*.txt"}], "summary": summary}, base_dir=tmp_path)
    (story,) = build_briefing(config, DAY).stories
    quoted = [s.text for s in story.summary if "rebuild the bridge" in s.text]
    assert quoted == [QUOTE]  # picked (the story's most central sentence, and each article's first) once
    assert len(story.summary) == 4
    assert len(story.sources) == 3


def test_a_day_in_two_languages_makes_stories_in_each_never_mixed() -> None:
    folder = REPO / "tests" / "fixtures" / "stories"
    config = parse_config({"sources": [{"path": "*/*.txt"}]}, base_dir=folder)  # language: auto
    day = build_briefing(config, DAY)
    assert len(day.stories) == 4
    by_id = {a.id: a for a in day.articles}
    for story in day.stories:
        languages = {by_id[a].language for a in story.article_ids}
        assert languages == {story.language} and len(story.article_ids) == 2
    assert sorted(s.language for s in day.stories) == ["english", "english", "german", "german"]
    assert day.language in ("english", "german")


def test_topic_ids_that_collide_with_story_ids_and_section_names_keep_every_story_in_its_place(
    project: Path,
) -> None:
    # The summit story's id is the slug of its title; a topic takes that very id, and the
    # Kosovo topic takes "stories", the name of the section a briefing without topics has.
    summit_id = "jens-stoltenberg-says-nato-is-facing"
    data = example_config()
    kosovo, summit = data["topics"]
    data["topics"] = [{**summit, "id": summit_id}, {**kosovo, "id": "stories"}]
    day = build_briefing(parse_config(data, base_dir=project), DAY)
    assert [(s.id, s.title) for s in day.sections] == [
        (summit_id, "NATO's Madrid Summit"),
        ("stories", "Kosovo–Serbia border tensions"),
    ]
    assert all(s.topic is not None and s.topic.id == s.id for s in day.sections)
    (summit_story,), (kosovo_story,) = (section.stories for section in day.sections)
    assert summit_story.id == summit_id  # the same string as its section's, in its own namespace
    name = seed_names(day)
    assert [(name[p.article_id], p.index) for p in summit_story.passages] == [("a2", i) for i in range(9, 14)]
    assert {(name[p.article_id], p.index) for p in kosovo_story.passages} == {
        *(("a1", i) for i in range(17)),
        *(("a2", i) for i in range(9)),
    }
    # the HTML anchors stay unique, and each sentence is cited under its own story
    page = render(day, ["html"], None)["briefing.html"]
    anchors = re.findall(r' id="([^"]+)"', page)
    assert (
        len(anchors) == len(set(anchors))
        and f"section-{summit_id}" in anchors
        and f"story-{summit_id}" in anchors
    )
    json_sections = json.loads(render(day, ["json"], None)["briefing.json"])["sections"]
    assert [[st["id"] for st in sec["stories"]] for sec in json_sections] == [[summit_id], [kosovo_story.id]]


def test_a_briefing_refuses_two_sections_or_two_stories_with_one_id() -> None:
    story = Story("same", "T", (), (), (), (), (), ())
    with pytest.raises(ValueError, match="two stories share an id"):
        Briefing("B", DAY, (Section("a", "A", (story,)), Section("b", "B", (story,))), ())
    with pytest.raises(ValueError, match="two sections share an id"):
        Briefing("B", DAY, (Section("other", "A", ()), Section("other", "B", ())), ())
