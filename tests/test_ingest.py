"""Ingest: files of each kind, hard-wrapped text, titles, source tags, bad files."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.config import parse_config
from briefing.errors import ConfigError
from briefing.ingest import Ingested, ingest
from briefing.ingest import text as text_module
from briefing.ingest.metadata import strip_site_suffix
from briefing.ingest.text import ends_like_sentence, is_headline_like, parse_plain_text, strip_read_more
from briefing.models import Article, SkipKind
from builders import SEED_KOSOVO, SEED_TWO_STORIES, write_article

FIXTURES = Path(__file__).parent / "fixtures"


def ingest_folder(folder: Path, pattern: str = "*", **source: str) -> Ingested:
    config = parse_config({"sources": [{"path": pattern, **source}]}, base_dir=folder)
    return ingest(config.ingest)


def test_seed_articles_title_source_and_paragraphs() -> None:
    kosovo = parse_plain_text(SEED_KOSOVO.read_text(encoding="utf-8"))
    assert kosovo.title is None  # its first line is a sentence, not a headline
    assert kosovo.source == "Telegraph"  # the trailing /Telegraph/ tag
    assert len(kosovo.paragraphs) == 17
    assert not any("/Telegraph/" in p for p in kosovo.paragraphs)

    two = parse_plain_text(SEED_TWO_STORIES.read_text(encoding="utf-8"))
    assert two.title == "Jens Stoltenberg: NATO-KFOR is ready to intervene if"
    assert len(two.paragraphs) == 14
    assert two.headline_paragraphs == {1, 9}


def test_hard_wrapped_text_is_joined_into_paragraphs(tmp_path: Path) -> None:
    write_article(
        tmp_path,
        "wire.txt",
        "Markets rallied on Tuesday\n\n"
        "Stocks in Asia rose sharply on Tuesday after the central\n"
        "bank cut interest rates for the first time in two years.\n\n"
        "Traders said the move had been widely expected.\n",
    )
    [article] = ingest_folder(tmp_path).articles
    assert article.title == "Markets rallied on Tuesday"
    assert article.paragraphs == (
        "Stocks in Asia rose sharply on Tuesday after the central bank cut interest rates "
        "for the first time in two years.",
        "Traders said the move had been widely expected.",
    )


def test_a_wrapped_first_line_is_text_not_a_title(tmp_path: Path) -> None:
    write_article(
        tmp_path,
        "one-block.txt",
        "The central bank cut interest rates on Tuesday for the\n"
        "first time in two years, citing weaker growth.\n",
    )
    [article] = ingest_folder(tmp_path).articles
    assert article.paragraphs == (
        "The central bank cut interest rates on Tuesday for the first time in two years, "
        "citing weaker growth.",
    )
    assert article.title.startswith("The central bank cut interest rates")


def test_source_name_from_tag_then_config_then_site_then_folder_never_the_file(tmp_path: Path) -> None:
    write_article(tmp_path, "Wire Desk/a.txt", "Rates were cut on Tuesday by the bank.\n\n/Reuters/")
    write_article(tmp_path, "Wire Desk/b.txt", "Rain is forecast for the whole weekend.")
    page = (
        '<html><head><meta property="og:site_name" content="Harbour Gazette"></head><body>'
        "<p>The harbour reopened to ships on Wednesday morning after the storm.</p></body></html>"
    )
    write_article(tmp_path, "Wire Desk/c.html", page)
    articles = ingest_folder(tmp_path, "Wire Desk/*", name="Wire").articles
    assert [a.source for a in articles] == ["Reuters", "Wire", "Wire"]
    unnamed = ingest_folder(tmp_path, "Wire Desk/*").articles
    assert [a.source for a in unnamed] == ["Reuters", "Wire Desk", "Harbour Gazette"]


def test_markdown_and_html_files(tmp_path: Path) -> None:
    write_article(
        tmp_path, "note.md", "# Harbour reopens\n\nThe harbour *reopened* on Monday after repairs.\n"
    )
    write_article(
        tmp_path,
        "page.html",
        "<html><head><title>Site | Story</title><script>var x = 1;</script></head><body>"
        "<nav>Home News</nav><h1>Bridge closed</h1><p>The old bridge closed on Friday.</p>"
        "<h2>What next</h2><p>Repairs will take <b>two</b> months.</p>"
        "<footer>(c) Site</footer></body></html>",
    )
    md, html = ingest_folder(tmp_path).articles
    assert (md.title, md.paragraphs) == (
        "Harbour reopens",
        ("The harbour reopened on Monday after repairs.",),
    )
    assert html.title == "Bridge closed"
    assert html.paragraphs == (
        "The old bridge closed on Friday.",
        "What next",
        "Repairs will take two months.",
    )
    assert html.headline_paragraphs == {1}


def test_windows_1252_is_decoded_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    text = "Prime Minister’s visit to Besançon was “a success”, officials said on Monday."
    write_article(tmp_path, "cp.txt", text.encode("cp1252"))
    [article] = ingest_folder(tmp_path).articles
    assert article.paragraphs == (text,)
    assert "cp.txt: not UTF-8; decoded as" in caplog.text


def test_a_single_legacy_byte_is_read_in_the_languages_usual_encoding(tmp_path: Path) -> None:
    # One 0xA3 in otherwise plain ASCII: "£" in Windows-1252, not a Japanese half-width bracket.
    write_article(tmp_path, "transfer.txt", b"Chelsea paid a transfer fee of \xa315.8m for the striker.")
    [article] = ingest_folder(tmp_path).articles
    assert article.paragraphs == ("Chelsea paid a transfer fee of £15.8m for the striker.",)


def test_bad_files_are_skipped_and_named_while_the_rest_is_read(tmp_path: Path) -> None:
    text = "The council approved the new budget on Monday evening after a debate of nine hours."
    write_article(tmp_path, "good.txt", text)
    write_article(tmp_path, "empty.txt", "  \n\n ")
    write_article(tmp_path, "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    write_article(tmp_path, "copy.txt", text)
    (tmp_path / "broken.txt").symlink_to(tmp_path / "gone.txt")  # unreadable, even for root
    result = ingest_folder(tmp_path, "*.txt")
    assert [a.path for a in result.articles] == ["copy.txt"]  # files are read in name order
    reasons = {s.source: s.reason for s in result.skipped}
    assert reasons == {
        "binary.txt": "binary.txt: looks like a binary file, not text; skipped",
        "broken.txt": "broken.txt: cannot read file (No such file or directory); skipped",
        "empty.txt": "empty.txt: file is empty; skipped",
        "good.txt": "good.txt: same text as copy.txt; kept once",
    }


def test_a_pattern_that_matches_nothing_is_reported(tmp_path: Path) -> None:
    result = ingest_folder(tmp_path, "nothing/*.txt")
    assert result.articles == ()
    assert [s.reason for s in result.skipped] == [
        "nothing/*.txt: matched no files; check sources[].path in the config"
    ]


# ---- hostile files: every failure is that file's alone, nothing blocks -----------------------

GOOD = "The council approved the new budget on Monday evening after a long debate."


def test_files_that_trip_a_parser_are_read_or_skipped_by_name(tmp_path: Path) -> None:
    write_article(tmp_path, "good.txt", GOOD)
    write_article(tmp_path, "declaration.md", "<div><![<\n\nThe ferry resumed its timetable on Tuesday.\n")
    write_article(tmp_path, "declaration.html", "<html><body><p>Rain fell across the north.</p><![# </body>")
    write_article(tmp_path, "nested.md", "- " * 600 + "a")
    result = ingest_folder(tmp_path)
    read = {a.path: a.paragraphs for a in result.articles}
    assert read["good.txt"] == (GOOD,)
    assert read["declaration.md"] == ("The ferry resumed its timetable on Tuesday.",)
    assert read["declaration.html"] == ("Rain fell across the north.",)
    assert {s.source: s.reason for s in result.skipped} == {
        "nested.md": "nested.md: no article text found; skipped"
    }


def test_special_files_are_never_opened_for_reading(tmp_path: Path) -> None:
    write_article(tmp_path, "good.txt", GOOD)
    (tmp_path / "zero.txt").symlink_to("/dev/zero")  # stat says 0 bytes; reading never ends
    os.mkfifo(tmp_path / "x.txt")  # opening it for reading blocks until a writer comes
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(tmp_path / "s.txt"))
    try:
        result = ingest_folder(tmp_path, "*.txt")
    finally:
        listener.close()
    assert [a.path for a in result.articles] == ["good.txt"]
    assert {s.source: s.reason for s in result.skipped} == {
        "s.txt": "s.txt: a socket, not a regular file; skipped",
        "x.txt": "x.txt: a named pipe (FIFO), not a regular file; skipped",
        "zero.txt": "zero.txt: a device, not a regular file; skipped",
    }


def test_a_fifo_among_the_sources_does_not_hang_the_build(project: Path) -> None:
    os.mkfifo(project / "examples" / "articles" / "x.txt")
    result = subprocess.run(
        [sys.executable, "-m", "briefing", "build", "--date", "2026-11-26"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,  # before the fix: blocked for ever
        check=False,
    )
    assert result.returncode == 0
    assert "x.txt: a named pipe (FIFO), not a regular file; skipped" in result.stderr


def test_the_size_limit_is_counted_while_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing.ingest import files

    monkeypatch.setattr(files, "MAX_FILE_BYTES", 1024 * 1024)
    write_article(tmp_path, "big.txt", ("word " * 300_000).encode())  # 1.5 MB
    [skipped] = ingest_folder(tmp_path).skipped
    assert skipped.reason == "big.txt: file is over the 1 MiB limit; skipped"


def test_markdown_that_is_slow_to_parse_is_bounded(tmp_path: Path) -> None:
    write_article(tmp_path, "cdata.md", "<![CDATA[" * 5000)  # 45 kB: over a minute in Python-Markdown
    write_article(tmp_path, "brackets.md", "[" * 40_000)
    write_article(tmp_path, "huge.md", "word " * 60_000)  # 300 kB
    started = time.monotonic()
    result = ingest_folder(tmp_path)
    assert time.monotonic() - started < 10
    reasons = {s.source: s.reason for s in result.skipped}
    assert reasons["huge.md"] == (
        "huge.md: 292 kB of Markdown, over the 256 kB limit for .md files; skipped "
        "(save it as .txt to read it as plain text)"
    )
    assert reasons["cdata.md"] == "cdata.md: no article text found; skipped"  # a CDATA block: no text
    assert [a.path for a in result.articles] == ["brackets.md"]


@pytest.mark.parametrize(
    ("title", "names", "clean"),
    [
        ("Fed cuts rates again | Reuters", ["Reuters", "reuters.com"], "Fed cuts rates again"),
        ("Unfall auf der A7 - SAT.1 REGIONAL", ["SAT.1 REGIONAL", None], "Unfall auf der A7"),
        (
            "Le Monde.fr - La réforme des retraites adoptée",
            ["Le Monde", "lemonde.fr"],
            "La réforme des retraites adoptée",
        ),
        ("Brexit - what happens next", ["BBC News", "bbc.co.uk"], "Brexit - what happens next"),
    ],
)
def test_the_sites_name_is_cut_from_titles_and_nothing_else(
    title: str, names: list[str | None], clean: str
) -> None:
    assert strip_site_suffix(title, names) == clean


def test_a_saved_page_without_a_headline_gets_its_title_without_the_site(tmp_path: Path) -> None:
    write_article(
        tmp_path,
        "saved/unfall.html",
        "<html><head><title>Unfall auf der A7 bei Hamburg - SAT.1 REGIONAL</title>"
        '<meta property="og:site_name" content="SAT.1 REGIONAL">'
        '<meta property="article:published_time" content="2026-11-25T08:00:00+01:00"></head>'
        "<body><p>Auf der A7 bei Hamburg ist am Mittwochmorgen ein Lastwagen verunglückt.</p></body></html>",
    )
    [article] = ingest_folder(tmp_path, "saved/*.html").articles
    assert (article.title, article.source) == ("Unfall auf der A7 bei Hamburg", "SAT.1 REGIONAL")
    assert article.published is not None and article.published.isoformat() == "2026-11-25T07:00:00+00:00"


def test_mojibake_is_repaired_in_titles_and_paragraphs(tmp_path: Path) -> None:
    write_article(
        tmp_path,
        "mojibake.txt",
        "AdriÃ¡n gana en MÃ¡laga\n\nEl tenista AdriÃ¡n ganÃ³ el domingo en MÃ¡laga, dijo la organizaciÃ³n.",
    )
    [article] = ingest_folder(tmp_path).articles
    assert article.title == "Adrián gana en Málaga"
    assert article.paragraphs == ("El tenista Adrián ganó el domingo en Málaga, dijo la organización.",)


@pytest.mark.parametrize(
    ("opening", "sentence"),
    [
        ("BRUSSELS (AP) — European Union ministers agreed", "European Union ministers agreed"),
        ("BRUSSELS, Belgium (AP) _ A strike by dock workers", "A strike by dock workers"),
        ("PINE RIDGE, S.D. (AP) -- President Clinton turned", "President Clinton turned"),
        ("WASHINGTON, June 12 (Reuters) - The Federal Reserve held", "The Federal Reserve held"),
        ("BEIJING, October 8 (Xinhua) -- China said on Friday", "China said on Friday"),
        ("Frankfurt am Main (dpa) - Die Börse schloss fester", "Die Börse schloss fester"),
        ("MADRID, 5 dic (EFE).- El Consejo de Ministros aprobó", "El Consejo de Ministros aprobó"),
        ("PARIS, 4 déc 2026 (AFP) - La SNCF va mettre", "La SNCF va mettre"),
        ("(ANSA) - ROMA, 5 DIC - Il governo ha approvato", "Il governo ha approvato"),
        ("WASHINGTON — The Senate voted on Thursday", "The Senate voted on Thursday"),
        ("NEW YORK _ The city said on Monday", "The city said on Monday"),
        # not datelines: left as they are
        ("NATO — the alliance — said on Monday", None),
        ("Apple (AAPL.O) - shares rose on Monday", None),
        ("Mr Smith (right) - pictured with his wife - said", None),
        ("The minister (Labour) said on Monday it was fine", None),
        ("Washington — a city of lawyers — voted on Monday", None),
    ],
)
def test_a_wire_dateline_is_taken_off_the_opening_and_nothing_else(
    tmp_path: Path, opening: str, sentence: str | None
) -> None:
    body = f"{opening} to do the thing on the day, officials said.\n\nThe rest of the story follows here."
    write_article(tmp_path, "a.txt", f"A headline for the story\n\n{body}\n")
    [article] = ingest_folder(tmp_path).articles
    assert article.paragraphs[0] == f"{sentence or opening} to do the thing on the day, officials said."


def test_a_dateline_is_looked_for_only_at_the_start_of_a_story(tmp_path: Path) -> None:
    later = "WASHINGTON (AP) — The second wire story quoted in full goes on here."
    text = "Headline\n\n" + "\n\n".join(["First paragraph of the story, told in full."] * 3 + [later]) + "\n"
    write_article(tmp_path, "a.txt", text)
    assert ingest_folder(tmp_path).articles[0].paragraphs[-1] == later


def test_a_closing_line_that_introduced_a_link_is_cut_but_a_colon_inside_the_text_is_kept(
    tmp_path: Path,
) -> None:
    text = (
        "Metro line opens\n\nThe first part of line 7 opened on Wednesday, the operator told reporters:\n\n"
        '"We are proud of the eleven stations," she said.\n\nSeguir leyendo:\n'
    )
    write_article(tmp_path, "a.txt", text)
    assert ingest_folder(tmp_path).articles[0].paragraphs == (
        "The first part of line 7 opened on Wednesday, the operator told reporters:",
        '"We are proud of the eleven stations," she said.',
    )


def test_a_page_titled_by_its_software_takes_its_headline(tmp_path: Path) -> None:
    body = " ".join(["The council approved the budget on Wednesday after a nine-hour debate."] * 6)
    for title in ("Escenic", "escenic", "Home"):
        write_article(
            tmp_path,
            "page.html",
            f'<html><head><title>{title}</title><meta name="generator" content="Escenic Content Engine 7">'
            f"</head><body><article><h1>Council approves the budget</h1><p>{body}</p>"
            f"<p>{body}</p></article></body></html>",
        )
        [article] = ingest_folder(tmp_path).articles
        assert article.title == "Council approves the budget", title


def test_wire_typesetting_codes_never_reach_a_title_or_the_text_and_entities_are_read(
    tmp_path: Path,
) -> None:
    write_article(
        tmp_path,
        "a.txt",
        "&UR; Study shows a new drug helps children\n\n&QL; The study of 400 children at a caf&#233; "
        "in Lyon &HT; found that the drug helped most of them, its authors said.\n\n"
        "AT&T; and Procter &amp; Gamble were not part of it, the authors added on Monday.\n",
    )
    [article] = ingest_folder(tmp_path).articles
    assert article.title == "Study shows a new drug helps children"
    assert article.paragraphs == (
        "The study of 400 children at a café in Lyon found that the drug helped most of them, "
        "its authors said.",
        "AT&T; and Procter & Gamble were not part of it, the authors added on Monday.",
    )


def test_a_near_identical_text_is_kept_once_and_a_different_one_is_not() -> None:
    from briefing.ingest.dedupe import deduplicate

    words = [f"word{i}" for i in range(200)]
    base = Article(id="", title="A", source="One", paragraphs=(" ".join(words),))
    near = Article(id="", title="B", source="Two", paragraphs=(" ".join(words[:190] + ["other"] * 10),))
    apart = Article(id="", title="C", source="Three", paragraphs=(" ".join(words[:100] + ["else"] * 100),))
    kept, duplicates = deduplicate([base, near, apart])
    assert [a.title for a in kept] == ["A", "C"]
    assert kept[0].also_in == ("Two",)
    (duplicate,) = duplicates
    assert duplicate.candidate.title == "B" and duplicate.why.startswith("near-identical text (J=0.9")


def _mixed_day(folder: Path) -> None:
    """Articles in several languages and shapes: pages, a notice, a too-short text, a copy."""
    for path in (FIXTURES / "stories").rglob("*.txt"):
        write_article(folder, f"{path.parent.name}-{path.name}", path.read_text(encoding="utf-8"))
    for path in (FIXTURES / "publishers" / "pages").iterdir():
        write_article(folder, f"page-{path.name}", path.read_bytes())
    write_article(folder, "kosovo.txt", SEED_KOSOVO.read_text(encoding="utf-8"))
    write_article(folder, "kosovo-copy.txt", SEED_KOSOVO.read_text(encoding="utf-8"))
    write_article(folder, "short.txt", "Brief\n\nOk.\n")
    notice = "Access denied\n\nPlease enable JavaScript and cookies to continue.\n"
    write_article(folder, "notice.txt", notice)


@pytest.mark.parametrize("pool", ["works", "cannot start"])
def test_reading_in_worker_processes_gives_the_same_articles_as_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pool: str
) -> None:
    import briefing.language
    import briefing.parallel

    _mixed_day(tmp_path)
    one = ingest(parse_config({"sources": [{"path": "*"}], "workers": 1}, base_dir=tmp_path).ingest)
    monkeypatch.setattr(briefing.parallel, "MIN_ITEMS", 2)  # a pool even for this small day
    monkeypatch.setattr(briefing.parallel, "CHUNK", 3)
    monkeypatch.setattr(briefing.language, "_told", {})
    if pool == "cannot start":

        def refuse(*_: object, **__: object) -> None:
            raise OSError("no processes left")

        monkeypatch.setattr(briefing.parallel.multiprocessing.context.ForkContext, "Process", refuse)
    two = ingest(parse_config({"sources": [{"path": "*"}], "workers": 2}, base_dir=tmp_path).ingest)
    assert len(one.articles) >= 10 and one.articles == two.articles
    assert one.skipped == two.skipped
    assert {s.kind for s in one.skipped} >= {SkipKind.DUPLICATE, SkipKind.NOT_AN_ARTICLE}
    # the workers' sentence splits reach this process (none when there were no workers)
    told = briefing.language._told
    assert bool(told) == (pool == "works")
    for article in two.articles:
        for paragraph in article.paragraphs:
            key = (paragraph, article.language)
            if key in told:
                assert told[key] == briefing.language._spans(paragraph, article.language)


@pytest.mark.parametrize("value", [0, -2, "many", True, 1.5])
def test_workers_is_auto_or_a_whole_number(tmp_path: Path, value: object) -> None:
    with pytest.raises(ConfigError, match=r"workers: .*neither auto nor a whole number"):
        parse_config({"sources": [{"path": "*"}], "workers": value}, base_dir=tmp_path)
    assert parse_config({"sources": [{"path": "*"}]}, base_dir=tmp_path).workers == "auto"


# Pieces of paragraph ends: prose, "read more" links and teaser tails in several languages
# and cases, brackets, arrows, spaces and line breaks, in any order.
_TAIL_PIECES = [
    "The minister said the budget would pass.",
    "It rained all day in the capital",
    "Read more",
    "READ MORE »",
    "(more…)",
    "[…]",
    "(...)",
    "…",
    "Continue reading the main story",
    "[Weiterlesen]",
    "Lire la suite :",
    "Seguir leyendo:",
    "» Leer",
    "More to follow.",
    "The post Budget approved appeared first on City Desk.",
    "Der Beitrag Haushalt erschien zuerst auf Stadtblatt.",
    "Read more: “A title”",
    "Διαβάστε περισσότερα",
    "Lesen Sie auch: Der Haushalt",
    "Most read",
    " ",
    "  ",
    "\n",
    ".",
    ":",
    "(AP)",
    ">>",
]


@given(st.lists(st.sampled_from(_TAIL_PIECES), max_size=8), st.integers(0, 700))
@settings(max_examples=400, derandomize=True, deadline=None)
def test_read_more_is_cut_where_a_search_of_the_whole_tail_would_cut(pieces: list[str], pad: int) -> None:
    # strip_read_more tries its expressions only where a tail can start; a plain search of
    # each over the paragraph's last characters must give the same text.
    def searched(paragraph: str) -> str:
        def cut(pattern: re.Pattern[str], text: str) -> str:
            found = pattern.search(text, max(0, len(text) - text_module._TAIL_CHARS))
            return text[: found.start()] if found else text

        text = cut(text_module._TAIL, cut(text_module._APPEARED_FIRST, paragraph)).strip()
        ellipsis = text_module._LONE_ELLIPSIS.search(text, max(0, len(text) - text_module._TAIL_CHARS))
        if ellipsis:
            text = text[: ellipsis.start()] + (ellipsis.group("end") or "…")
        if text == "…" or text_module._RELATED_HEADING.match(text):
            return ""
        if text_module._RELATED.match(text) and len(text.split()) <= text_module.RELATED_MAX_WORDS:
            return ""
        return text

    paragraph = "word " * (pad // 5) + " ".join(pieces)
    assert strip_read_more(paragraph) == searched(paragraph)


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        ("He resigned.", True),
        ('She said "no."', True),
        ("Is it over?)]", True),
        ("And then…", True),
        ("Wait!\n", True),
        ("Minister resigns", False),
        ("Minister resigns (AP)", False),
        ("“Quoted headline”", False),
        ("", False),
        ('"."', True),
        ("Two breaks.\n\n", True),  # as a sentence: stripped first
    ],
)
def test_a_sentence_ends_in_a_full_stop_mark_before_closing_quotes_or_brackets(text: str, ends: bool) -> None:
    assert ends_like_sentence(text) is ends
    if "\n\n" not in text:
        assert is_headline_like(text) is not ends


@pytest.mark.parametrize("shingles", [1, 2047, 2048, 2049, 9000])
def test_a_long_texts_minhash_is_the_minimum_over_all_its_shingles(shingles: int) -> None:
    import numpy as np

    from briefing.ingest import dedupe

    values = np.unique(np.random.default_rng(shingles).integers(0, 2**63, shingles, dtype=np.uint64))
    with np.errstate(over="ignore"):
        signature = (values[None, :] * dedupe._MULTIPLIERS[:, None] + dedupe._OFFSETS[:, None]).min(axis=1)
    bands = len(dedupe._bands(values))
    rows = len(signature) // bands
    expected = [(band, signature[band * rows : (band + 1) * rows].tobytes()) for band in range(bands)]
    assert dedupe._bands(values) == expected
