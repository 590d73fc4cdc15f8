"""The publisher-style fixtures (tests/fixtures/publishers): the figures benchmarks/publishers.py
reports, held at their targets."""

from __future__ import annotations

import pytest

from benchmarks.publishers import Report, evaluate


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
