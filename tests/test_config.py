"""Config validation: every problem named by key path, value and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.config import load_config
from briefing.errors import ConfigError
from builders import REPO, write_config


def problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as error:
        load_config(path)
    return error.value.problems


def test_the_example_config_is_valid_and_resolves_paths_next_to_it() -> None:
    config = load_config(REPO / "config.yaml")
    assert config.summary.algorithm == "concepts"
    assert config.resolve("examples/articles") == REPO / "examples" / "articles"
    assert [t.id for t in config.topics] == ["kosovo", "nato-summit"]


def test_unknown_algorithm_lists_the_valid_names(tmp_path: Path) -> None:
    path = write_config(tmp_path, summary={"algorithm": "lexrnk"})
    assert problems(path) == [
        f"{path}: summary.algorithm: 'lexrnk' is not one of "
        "concepts, lexrank, textrank, lsa, luhn, kl, sumbasic, edmundson, reduction, lead, random, "
        "lexrank-sumy, textrank-sumy"
    ]


def test_unknown_keys_are_errors_that_list_the_valid_keys(tmp_path: Path) -> None:
    path = write_config(tmp_path, titel="typo", summary={"sentence": 3})
    found = sorted(problems(path))
    assert found[1].startswith(f"{path}: titel: unknown key; valid keys here: ")
    assert "title" in found[1] and "summary" in found[1]
    assert found[0] == (
        f"{path}: summary.sentence: unknown key; valid keys here: "
        "algorithm, dangling_penalty, min_words, mmr, order, ratio, redundancy, sentences, words"
    )


def test_all_problems_are_reported_at_once_with_their_key_paths(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        timezone="Europe/Lundon",
        language="klingon",
        summary={"sentences": 0, "order": "random"},
        topics=[{"id": "x", "title": "X"}, {"id": "bad id!", "title": "Y", "keywords": ["a"]}],
        output={"formats": ["pdf"]},
    )
    found = "\n".join(problems(path))
    assert "timezone: 'Europe/Lundon' is not a known time zone" in found
    assert "language: 'klingon' is not one of czech, english" in found
    assert "summary.sentences: 0: input should be greater than or equal to 1" in found
    assert "summary.order: 'random' is not one of source, score" in found
    assert "topics[0]: topic 'x' needs keywords, a description or examples" in found
    assert "topics[1].id: 'bad id!' is not a valid id" in found
    assert "output.formats[0]: 'pdf' is not one of md, html, json" in found


def test_sources_are_required(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("title: Hi\n", encoding="utf-8")
    assert problems(path) == [f"{path}: sources: required key is missing"]


def test_invalid_yaml_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("title: [unclosed\nsources: []\n", encoding="utf-8")
    [message] = problems(path)
    assert message.startswith(f"{path}: line 2, column")
    assert "invalid YAML" in message


def test_yaml_is_loaded_safely(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("title: !!python/object/apply:os.system ['echo pwned']\nsources: []\n", encoding="utf-8")
    [message] = problems(path)
    assert "invalid YAML" in message


def test_duplicate_topic_ids_and_the_reserved_other_id(tmp_path: Path) -> None:
    topic = {"id": "same", "title": "T", "keywords": ["k"]}
    found = "\n".join(problems(write_config(tmp_path, topics=[topic, topic])))
    assert "topic id 'same' is used twice" in found
    other = {"id": "other", "title": "T", "keywords": ["k"]}
    found = "\n".join(problems(write_config(tmp_path, topics=[other])))
    assert "'other' is reserved" in found


def test_weighted_keywords(tmp_path: Path) -> None:
    topics = [{"id": "t", "title": "T", "keywords": ["plain", {"term": "Strategic Concept", "weight": 2}]}]
    config = load_config(write_config(tmp_path, topics=topics))
    assert [(k.term, k.weight) for k in config.topics[0].weighted_keywords()] == [
        ("plain", 1.0),
        ("Strategic Concept", 2.0),
    ]
    topics[0]["keywords"] = [{"term": "x", "weight": -1}]
    found = problems(write_config(tmp_path, topics=topics))
    assert any("topics[0].keywords[0].weight: -1: input should be greater than 0" in f for f in found)
