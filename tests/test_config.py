"""Config validation: every problem named by key path, value and what is allowed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from briefing.config import Config, EmailConfig, load_config, markdown_table
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
    assert found[1] == f"{path}: titel: unknown key; did you mean title?"
    assert found[0] == f"{path}: summary.sentence: unknown key; did you mean sentences?"
    path = write_config(tmp_path, sentence=3, summary={"wrods": 3}, colour="red")
    assert sorted(problems(path)) == [
        f"{path}: colour: unknown key; valid keys here: "
        + ", ".join(sorted(k for k in Config.model_fields if k != "base_dir")),
        f"{path}: sentence: unknown key here; did you mean summary.sentences?",
        f"{path}: summary.wrods: unknown key; did you mean words?",
    ]


def test_a_value_of_the_wrong_kind_is_named_in_yaml_terms_not_pydantics(tmp_path: Path) -> None:
    path = write_config(tmp_path, sources={"path": "x/*.txt"}, stories=[1], fetch={"timeout": "soon"})
    found = sorted(problems(path))
    (tmp_path / "two").mkdir()
    path_two = write_config(tmp_path / "two", sources=[{"fed": "https://example.org/rss"}])
    assert problems(path_two) == [
        f"{path_two}: sources[0]: a source needs one of the keys path (files), feed (RSS/Atom), url (a page) "
        "or opml (a feed reader's list of feeds); did you mean feed?"
    ]
    assert found == [
        f"{path}: fetch.timeout: expected a number, got 'soon'",
        f"{path}: sources: expected a list (lines starting with '- '), got a mapping (path)",
        f"{path}: stories: expected a mapping of keys (key: value lines), got a list",
    ]
    assert not any("input should" in line or "valid tuple" in line for line in found)


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
    assert "summary.sentences: 0: should be greater than or equal to 1" in found
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
    assert any("topics[0].keywords[0].weight: -1: should be greater than 0" in f for f in found)


# ---- hostile or mistaken configs: a clear error, fast, never a crash ------------------------


def test_a_huge_config_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    with path.open("wb") as handle:
        handle.write(b"title: big\nsources: [{path: '*.txt'}]\nintro: ")
        handle.write(b"x" * 50_000_000)
    started = time.monotonic()
    assert problems(path) == [f"{path}: over 1024 kB; a config is a few kB: is this the right file?"]
    assert time.monotonic() - started < 5  # it took 35 s


def test_a_yaml_alias_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    path = tmp_path / "config.yaml"
    path.write_text("sources: [{path: '*.txt'}]\nintro: " + "\n".join(lines).replace("\n", "\n  ", 0) + "\n")
    path.write_text("sources: [{path: '*.txt'}]\nbomb:\n  " + "\n  ".join(lines) + "\n", encoding="utf-8")
    started = time.monotonic()
    [message] = problems(path)
    assert message == (
        f"{path}: expands to more than 200,000 values (through &anchors and *aliases); "
        "a config is far smaller"
    )
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("depth", [100, 5000])
def test_deeply_nested_yaml_is_refused(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(
        "sources: [{path: '*.txt'}]\nintro: " + "[" * depth + "]" * depth + "\n", encoding="utf-8"
    )
    [message] = problems(path)
    # libyaml stops at 1000 levels by itself; below that, the 64-level limit applies.
    assert message in (
        f"{path}: line 2: nested more than 64 levels deep",
        f"{path}: line 2, column 1007: invalid YAML: exceeded maximum nesting depth",
    )


def test_a_config_that_is_not_utf8_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes(b"title: Caf\xe9\nsources: [{path: '*.txt'}]\n")
    assert problems(path) == [
        f"{path}: not UTF-8 text (invalid continuation byte at byte 10); save it as UTF-8"
    ]


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"timezone": "Europe"}, "timezone: 'Europe' is not a known time zone (did you mean"),
        ({"timezone": "../../etc/passwd"}, "timezone: '../../etc/passwd' is not a known time zone"),
        ({"window": {"since": "99999999999d"}}, "window.since: '99999999999d' is longer than 366d"),
        ({"window": {"since": "367d"}}, "window.since: '367d' is longer than 366d; use all for no limit"),
        ({"fetch": {"run_timeout": 10**9}}, "fetch.run_timeout: 1000000000: should be less than"),
        ({"fetch": {"source_timeout": 0}}, "fetch.source_timeout: 0: should be greater than 0"),
    ],
)
def test_out_of_range_values_name_their_key(tmp_path: Path, settings: dict[str, Any], expected: str) -> None:
    found = "\n".join(problems(write_config(tmp_path, **settings)))
    assert expected in found


EMAIL = {"from": "Daily Briefing <briefing@example.org>", "to": ["desk@example.org"]}


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            {"email": {**EMAIL, "subject": "{{ date - 1 }}"}},
            "email.subject: '{{ date - 1 }}' is not a valid subject template: TypeError: unsupported operand",
        ),
        (
            {"title": "Daily\u2028Bcc: x@example.net", "email": EMAIL},
            "title: 'Daily\\u2028Bcc: x@example.net' contains a line separator or control character "
            "(U+2028); a header must be one line (with email: on, the title is in the Subject)",
        ),
        (
            {"title": "Daily\x0bx", "email": EMAIL},
            "title: 'Daily\\x0bx' contains a line separator or control",
        ),
        (
            {"email": {**EMAIL, "reply_to": "desk@example.org\x0cBcc: x@example.net"}},
            "email.reply_to: address 'desk@example.org\\x0cBcc: x@example.net' contains a line separator",
        ),
        (
            {"email": {**EMAIL, "subject": "Hi\x0cthere"}},
            "email.subject: the subject contains a line separator",
        ),
        (
            {"email": {**EMAIL, "to": ["Zoë\u2029 <desk@example.org>"]}},
            "email.to[0]: address 'Zoë\\u2029 <desk@example.org>' contains a line separator",
        ),
    ],
)
def test_header_unsafe_values_are_refused_when_the_config_is_read(
    tmp_path: Path, settings: dict[str, Any], expected: str
) -> None:
    found = "\n".join(problems(write_config(tmp_path, **settings)))
    assert expected in found


def test_a_title_with_a_line_separator_is_fine_without_email(tmp_path: Path) -> None:
    assert load_config(write_config(tmp_path, title="Daily\u2028Briefing")).title == "Daily\u2028Briefing"


def test_the_readmes_tables_of_keys_are_the_schemas() -> None:
    # Regenerate: see the comment above each table in the README (markdown_table in briefing/config.py)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for table in (markdown_table(Config), markdown_table(EmailConfig, "email.")):
        assert table in readme
    keys = markdown_table(Config) + markdown_table(EmailConfig, "email.")
    for key in ("`summary.words`", "`stories.max`", "`fetch.run_timeout`", "`email.smtp.retry_delay`"):
        assert f"| {key} |" in keys
    assert "`discover`" not in keys and "discovery" not in keys  # earlier versions' keys stay out
