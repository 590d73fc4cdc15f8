"""Rendering: golden files for the seed briefing, escaping, determinism, JSON shape."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from briefing.cli import main
from briefing.config import load_config
from briefing.errors import ConfigError
from briefing.pipeline import build_briefing
from briefing.render import render
from briefing.render.records import json_schema
from builders import REPO, write_article, write_config

GOLDEN = REPO / "tests" / "golden" / "seed"
DAY = "2026-11-26"


# The build time a reproducible build states (the reproducible-builds convention): 2026-11-26 06:30 CET.
BUILT_AT = "1795671000"


def build(project: Path, *extra: str) -> Path:
    assert main(["build", "-q", "--config", str(project / "config.yaml"), "--date", DAY, *extra]) == 0
    return project / "out" / DAY


def schema_errors(data: object) -> list[str]:
    """What in a briefing.json breaks the shipped JSON Schema, one line each."""
    validator = jsonschema.Draft202012Validator(json_schema())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


@pytest.mark.parametrize("name", ["briefing.md", "briefing.html", "briefing.json", "briefing.txt"])
def test_seed_briefing_matches_the_golden_file(
    project: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILT_AT)
    write_config(project, output={"formats": ["md", "html", "json", "txt"]})
    produced = (build(project) / name).read_text(encoding="utf-8")
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(produced, encoding="utf-8")
    assert produced == golden.read_text(encoding="utf-8"), (
        f"{name} differs from {golden}; if the change is intended, rerun with UPDATE_GOLDEN=1"
    )


def test_same_input_same_bytes(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = build(project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILT_AT)
    build(project, "--out", str(tmp_path / "stated"))
    build(project, "--out", str(tmp_path / "again"))
    stated, again = tmp_path / "stated" / DAY, tmp_path / "again" / DAY
    for name in ("briefing.md", "briefing.html", "briefing.json"):
        assert (stated / name).read_bytes() == (again / name).read_bytes()
    # without SOURCE_DATE_EPOCH only the build time differs: it is the time of the build
    built, stated_json = (
        json.loads((f / "briefing.json").read_text(encoding="utf-8")) for f in (first, stated)
    )
    assert stated_json["generated_at"] == "2026-11-26T06:30:00+01:00"
    assert abs(datetime.fromisoformat(built["generated_at"]) - datetime.now(UTC)) < timedelta(minutes=5)
    assert {**built, "generated_at": None} == {**stated_json, "generated_at": None}


def test_article_text_is_escaped_in_html_and_markdown(project: Path) -> None:
    write_article(
        project / "examples" / "articles",
        "zz_hostile.txt",
        "Kosovo officials said <script>alert('x')</script> was found on the border website today.\n\n"
        "Serbia and Kosovo agreed that <img src=x onerror=alert(1)> tags are not news at all.\n\n"
        "/Evil <b>Outlet</b>/",
    )
    html = (build(project) / "briefing.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    md = (project / "out" / DAY / "briefing.md").read_text(encoding="utf-8")
    assert "<script>" not in md and "&lt;script>" in md


class _Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.open: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a" and found.get("href", "").startswith("#"):  # type: ignore[union-attr]
            self.links.append(str(found["href"])[1:])
        if tag not in {"meta", "br", "link", "img"}:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1]}>"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_page_is_well_formed_with_contents_summaries_and_sources(project: Path) -> None:
    page = _Structure()
    folder = build(project)
    page.feed((folder / "briefing.html").read_text(encoding="utf-8"))
    assert page.open == []
    assert set(page.links) <= page.ids  # every in-page link lands somewhere
    ids = [a["id"] for a in json.loads((folder / "briefing.json").read_text(encoding="utf-8"))["articles"]]
    assert {"section-kosovo", "section-nato-summit", "sources", *(f"src-{i}" for i in ids)} <= page.ids
    assert len([i for i in page.ids if i.startswith("story-")]) == 2
    text = " ".join(page.text)
    assert "In this briefing" in text and "Thursday, November 26, 2026" in text
    assert "2 articles · 2 sources" in text and "Read more:" in text


def test_json_shape(project: Path) -> None:
    data = json.loads((build(project) / "briefing.json").read_text(encoding="utf-8"))
    assert schema_errors(data) == []
    assert list(data) == [
        "version",
        "date",
        "title",
        "language",
        "timezone",
        "generated_at",
        "counts",
        "sections",
        "articles",
        "skipped",
    ]
    assert (data["version"], data["date"], data["language"], data["timezone"]) == (
        3,
        DAY,
        "en",
        "Europe/Belgrade",
    )
    assert data["counts"] == {"articles": 2, "sources": 2, "stories": 2, "shown": 2, "skipped": 0}
    section = data["sections"][0]
    assert {"id", "title", "topic", "stories"} == set(section) and section["topic"] is True
    story = section["stories"][0]
    assert {
        "id",
        "title",
        "terms",
        "shown",
        "language",
        "articles",
        "sources",
        "counts",
        "published",
        "status",
        "first_seen",
        "previous",
        "summary",
    } == set(story)  # no passages unless output.json_passages
    assert (story["status"], story["first_seen"], story["previous"], story["language"]) == (
        "new",
        DAY,
        [],
        "en",
    )
    assert story["counts"] == {"articles": 2, "sources": 2} and story["shown"] is True
    kosovo = data["articles"][0]
    assert kosovo == {
        "id": kosovo["id"],
        "title": "The Secretary General of NATO, Jens Stoltenberg, speaking about the situation in Kosovo…",
        "source": "Telegraph",
        "path": "examples/articles/000_e50c418ec5df4c7c.txt",
        "published": None,
        "language": "en",
    }
    first = "The Secretary General of NATO, Jens Stoltenberg, speaking about the situation in Kosovo…"
    assert story["articles"][0] == {"id": kosovo["id"], "headline": first}
    sentence_keys = {"text", "article", "source", "url", "path", "speaker", "paragraph", "start", "end"}
    assert sentence_keys == set(story["summary"][0])
    assert (story["summary"][0]["url"], story["summary"][0]["path"]) == (None, kosovo["path"])


def test_article_ids_are_made_from_the_article_not_its_place(project: Path, tmp_path: Path) -> None:
    first = json.loads((build(project) / "briefing.json").read_text(encoding="utf-8"))
    # another day, another folder: a new article read before the others, the same ones renamed
    articles = project / "examples" / "articles"
    for path in sorted(articles.iterdir()):
        path.rename(articles / f"z_{path.name}")
    write_article(
        articles, "a_new.txt", "Rain at noon\n\nThe city expects rain at noon on Thursday, forecasters said."
    )
    build(project, "--out", str(tmp_path / "again"))
    again = json.loads((tmp_path / "again" / DAY / "briefing.json").read_text("utf-8"))

    ids = {a["title"]: a["id"] for a in first["articles"]}
    assert {a["title"]: a["id"] for a in again["articles"] if a["title"] in ids} == ids
    assert len({a["id"] for a in again["articles"]}) == 3


def test_passages_are_in_the_json_only_when_asked(project: Path) -> None:
    small = (build(project) / "briefing.json").read_text(encoding="utf-8")
    write_config(project, output={"formats": ["json"], "json_passages": True})
    data = json.loads((build(project) / "briefing.json").read_text(encoding="utf-8"))
    assert schema_errors(data) == []
    story = data["sections"][0]["stories"][0]
    assert {"article", "paragraph", "kind", "text", "score", "terms"} == set(story["passages"][0])
    # every paragraph of every article is in exactly one story's passages
    passages = [
        (p["article"], p["paragraph"])
        for sec in data["sections"]
        for st in sec["stories"]
        for p in st["passages"]
    ]
    assert sorted(passages) == sorted({*passages}) and len(passages) == 17 + 14
    assert len(small) < len(json.dumps(data, ensure_ascii=False, indent=2)) / 2


def test_every_golden_json_and_a_fresh_build_follow_the_shipped_schema(project: Path) -> None:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    goldens = sorted((REPO / "tests" / "golden").rglob("*.json"))
    assert goldens
    for golden in goldens:
        assert schema_errors(json.loads(golden.read_text(encoding="utf-8"))) == [], golden
    # a fresh build with something skipped, and a file the schema must refuse
    write_article(project / "examples" / "articles", "empty.txt", "")
    data = json.loads((build(project) / "briefing.json").read_text(encoding="utf-8"))
    assert schema_errors(data) == [] and data["skipped"][0]["kind"] == "failed"
    broken = {**data, "language": "english", "skipped": [{"source": "x", "reason": "y"}]}
    assert len(schema_errors(broken)) == 2


def test_skipped_files_are_listed_in_json_not_in_the_page(project: Path) -> None:
    write_article(project / "examples" / "articles", "empty.txt", "")
    folder = build(project)
    data = json.loads((folder / "briefing.json").read_text(encoding="utf-8"))
    assert data["skipped"] == [
        {
            "source": "examples/articles/empty.txt",
            "reason": "examples/articles/empty.txt: file is empty; skipped",
            "kind": "failed",
        }
    ]
    # an operator's fact: not in the readers' pages
    for name in ("briefing.html", "briefing.md"):
        assert "empty.txt" not in (folder / name).read_text(encoding="utf-8")


def test_user_templates_override_with_fallback(project: Path) -> None:
    mine = project / "mytemplates"
    mine.mkdir()
    (mine / "briefing.md.j2").write_text("# {{ title }} for {{ date }}\n", encoding="utf-8")
    write_config(project, templates="mytemplates")
    folder = build(project)
    assert (folder / "briefing.md").read_text(encoding="utf-8") == f"# Daily Briefing for {DAY}\n"
    assert "<h1>Daily Briefing</h1>" in (folder / "briefing.html").read_text(encoding="utf-8")


def test_a_broken_user_template_is_a_config_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = project / "mytemplates"
    mine.mkdir()
    (mine / "briefing.md.j2").write_text("{% for x in %}\n", encoding="utf-8")
    write_config(project, templates="mytemplates")
    assert main(["check", "--config", str(project / "config.yaml")]) == 2
    err = capsys.readouterr().err
    assert "template briefing.md.j2:" in err and err.count("\n") == 1


def test_render_rejects_missing_template_folder() -> None:
    config = load_config(REPO / "config.yaml")
    briefing = build_briefing(config, date(2026, 11, 26))
    with pytest.raises(ConfigError):
        from briefing.render import check_templates

        check_templates(REPO / "no-such-folder", ["md"])
    assert set(render(briefing, ["md", "json"], None)) == {"briefing.md", "briefing.json"}


def _png_pixels(data: bytes) -> bytes:
    """The decompressed scanlines of a PNG (enough to tell a blank page from a rendered one)."""
    import struct
    import zlib

    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat = 8, b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        if kind == b"IDAT":
            idat += data[position + 8 : position + 8 + length]
        position += 12 + length
    return zlib.decompress(idat)


@pytest.mark.skipif(not shutil.which("chromium"), reason="headless Chromium is not installed")
def test_html_renders_in_headless_chromium(project: Path, tmp_path: Path) -> None:
    page = build(project) / "briefing.html"
    shot = tmp_path / "briefing.png"
    result = subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=900,1400",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    pixels = _png_pixels(shot.read_bytes())
    # A rendered page has text: many distinct byte values, not one background colour.
    assert len(set(pixels)) > 64


def test_a_day_with_nothing_quotable_says_so(tmp_path: Path) -> None:
    write_article(tmp_path / "articles", "short.txt", "Rain at noon.")
    config = tmp_path / "config.yaml"
    config.write_text(
        'sources:\n  - path: "articles/*.txt"\noutput: {formats: [md, html, txt]}\n', encoding="utf-8"
    )
    assert main(["build", "-q", "--config", str(config), "--date", DAY]) == 0
    for name in ("briefing.md", "briefing.html", "briefing.txt"):
        text = (tmp_path / "out" / DAY / name).read_text(encoding="utf-8")
        assert "Nothing to summarise today" in text, name
        assert "Rain at noon." in text  # still listed, in one line
