"""The publisher-style fixtures (tests/fixtures/publishers): the figures benchmarks/publishers.py
reports, held at their targets."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
import yaml

from benchmarks.publishers import UNSEEN, Report, evaluate, expected, serve
from briefing.cli import main


@pytest.fixture(scope="module")
def report() -> Report:
    return evaluate()


def test_every_quotable_and_quoted_sentence_is_clean_prose(report: Report) -> None:
    assert report.candidates > 100 and report.summary_sentences > 50
    assert report.candidates_not_clean == []
    assert report.not_clean == []


def test_no_marked_sentence_is_cut(report: Report) -> None:
    assert report.marked_sentences > 100
    assert report.cut == []
    assert report.cut_by_punkt_alone  # the fixtures do hold the cases Punkt alone gets wrong


def test_title_site_date_and_language_are_right_for_every_page_and_entry(report: Report) -> None:
    assert report.items == 40
    assert report.wrong == {}


def test_no_feed_entry_is_wrongly_merged_or_dropped(report: Report) -> None:
    assert report.entries == 24
    assert report.merged_or_dropped == []
    assert report.duplicates_kept == []
    assert report.old_rules_merged_or_dropped  # the "Leer" feed, as it was before


# The second set (tests/fixtures/publishers-unseen), written before the rules of issue 23:
# wire datelines, captions beside descriptions, teaser tails, script code, a CMS's name.


@pytest.fixture(scope="module")
def unseen() -> Report:
    return evaluate(fixtures=UNSEEN)


def test_the_second_set_quotes_only_clean_prose_and_cuts_no_sentence(unseen: Report) -> None:
    assert unseen.candidates > 80 and unseen.summary_sentences > 50
    assert unseen.not_clean == []
    assert unseen.candidates_not_clean == []
    assert unseen.marked_sentences > 90 and unseen.cut == []  # a dateline is not part of a sentence


def test_the_second_set_keeps_no_dateline_caption_tail_or_code_in_the_text(unseen: Report) -> None:
    # only the wire sign-off ("Reporting by …"), which is never quotable, is left in the text
    assert all("Reporting by" in item for item in unseen.noise_kept), unseen.noise_kept


def test_the_second_set_reads_every_title_site_date_and_entry(unseen: Report) -> None:
    assert unseen.items == 24 and unseen.wrong == {}
    assert unseen.entries == 12 and unseen.merged_or_dropped == []


def test_a_briefing_of_the_second_set_shows_none_of_what_is_not_prose(tmp_path: Path) -> None:
    truth = expected(UNSEEN)
    noise = [n for item in (*truth["pages"], *truth["feeds"]) for n in item["not_prose"]]
    with serve(UNSEEN) as base:
        config = {
            "sources": [
                *({"path": str(UNSEEN / page["file"])} for page in truth["pages"]),
                *({"feed": f"{base}/{feed['file']}", "full_text": False} for feed in truth["feeds"]),
            ],
            "language": "auto",
            "window": {"since": "all"},
            "stories": {"max": 100},
            "fetch": {"allow_private_networks": True, "per_host_delay": 0},
            "output": {"dir": str(tmp_path / "out"), "json_passages": True},
        }
        (tmp_path / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        assert main(["build", "-q", "--config", str(tmp_path / "config.yaml"), "--date", "2026-12-05"]) == 0
    day = tmp_path / "out" / "2026-12-05"
    shown = {name: (day / name).read_text(encoding="utf-8") for name in ("briefing.md", "briefing.html")}
    data = json.loads((day / "briefing.json").read_text(encoding="utf-8"))
    stories = [story for section in data["sections"] for story in section["stories"]]
    assert len(stories) >= 15
    quoted = " ".join(s["text"] for story in stories for s in story["summary"])
    titles = [story["title"] for story in stories] + [a["title"] for a in data["articles"]]
    assert "EU ministers agree to move more freight from roads to rail" in titles
    for snippet in noise:
        assert snippet not in quoted and all(snippet not in title for title in titles), snippet
        for name, text in shown.items():
            assert html.escape(snippet, quote=False) not in text and snippet not in text, (name, snippet)
