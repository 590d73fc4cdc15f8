"""The briefing as a reader meets it: the bundled example, a large day, German, two days in a row.

Each page is checked as a person would click through it: every link lands (an anchor in
the page, a file next to it, an article's address), no source is named by a file name,
headings do not skip a level, quoted text carries dir="auto", the e-mail's HTML stays
under Gmail's clip, and every colour pair passes WCAG AA.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from html import unescape as html_unescape
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from briefing.cli import main
from briefing.mail import GMAIL_CLIP_BYTES, inline_css
from briefing.render import bundled_templates
from builders import REPO, SHARED_EVAL, write_config

DAY1, DAY2 = "2026-11-24", "2026-11-25"  # past days: a future date is refused
FOLLOW_UP = REPO / "examples" / "day2" / "003_kosovo_agreement.txt"
FILE_NAME = re.compile(r"\.(?:txt|md|html?|xml|json)\b|/")


class Page(HTMLParser):
    """What a reader's browser sees of a page: its links, anchors, headings and quoted text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.headings: list[int] = []
        self.open: list[str] = []
        self.sources: list[str] = []  # the text of <em> (outlet names) and of citations
        self.quoted_without_dir = 0
        self._capture: list[str] | None = None
        self._lists: list[bool] = []  # open lists: each a summary or not
        self._expect_dir = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if found.get("id"):
            self.ids.add(found["id"])
        if tag == "a" and "href" in found:
            self.hrefs.append(found["href"])
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "ul":
            self._lists.append("summary" in found.get("class", "").split())
        if tag == "li" and self._lists and self._lists[-1]:
            self._expect_dir = True  # a summary sentence: its first span is the quoted text
        elif tag == "span" and self._expect_dir:
            self._expect_dir = False
            self.quoted_without_dir += found.get("dir") != "auto"
        if tag == "em" or (tag == "span" and "cite" in found.get("class", "").split()):
            self._capture = []
        if tag not in {"meta", "br", "link", "img"}:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1:]}>"
        self.open.pop()
        if tag == "ul":
            self._lists.pop()
        if self._capture is not None and tag in {"em", "span"}:
            self.sources.append("".join(self._capture).strip())
            self._capture = None

    def handle_data(self, data: str) -> None:
        if self._capture is not None:
            self._capture.append(data)


def check_page(path: Path, urls: set[str] | frozenset[str] = frozenset(), *, cites: bool = True) -> Page:
    """The page at `path` read as a reader would; fails on anything a reader would trip on."""
    html = path.read_text(encoding="utf-8")
    page = Page(html)
    assert page.open == [], "unclosed elements"
    for href in page.hrefs:
        parts = urlsplit(href)
        if parts.scheme in {"http", "https"}:
            assert href in urls, f"{href}: not the address of an article read"
        elif parts.scheme == "file":
            assert Path(unquote(parts.path)).is_file(), href
        elif not parts.scheme and not parts.path:
            assert parts.fragment in page.ids, f"{href}: no such anchor in the page"
        else:
            assert not parts.scheme, href
            target = (path.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{href}: no such file"
            if parts.fragment and target.suffix == ".html":
                ids = Page(target.read_text(encoding="utf-8")).ids
                assert parts.fragment in ids, f"{href}: no such anchor on that page"
    names = [name for name in page.sources if name]
    assert bool(names) == cites and not [n for n in names if FILE_NAME.search(n)], "a file name as a source"
    assert page.headings[0] == 1 and all(b - a <= 1 for a, b in pairwise(page.headings))
    assert page.quoted_without_dir == 0
    return page


def build(project: Path, day: str = DAY1, *extra: str) -> Path:
    assert main(["build", "-q", "--config", str(project / "config.yaml"), "--date", day, *extra]) == 0
    return project / "out" / day


def test_the_example_reads_well_on_the_web_and_in_markdown(project: Path) -> None:
    write_config(project, output={"formats": ["md", "html", "json", "txt"]})
    folder = build(project)
    page = check_page(folder / "briefing.html")
    # every citation goes straight to its article, a file here, never to an in-page anchor
    assert "../../examples/articles/002_da18b38522dca5f0.txt" in page.hrefs
    assert not any(href.startswith("#src-") for href in page.hrefs)
    assert "Jens Stoltenberg, quoted by" in " ".join(page.sources)
    html = (folder / "briefing.html").read_text(encoding="utf-8")
    preheader = re.search(r'<div class="preheader" aria-hidden="true">([^<]+)</div>', html)
    data = json.loads((folder / "briefing.json").read_text(encoding="utf-8"))
    first = next(story for section in data["sections"] for story in section["stories"] if story["shown"])
    assert preheader and html_unescape(preheader.group(1)).startswith(first["title"])  # inbox preview
    md = (folder / "briefing.md").read_text(encoding="utf-8")
    assert "- [Jens Stoltenberg says NATO is facing its biggest" in md  # contents are links
    assert re.search(r"\[\\\[2\\\]\]\(<\.\./\.\./examples/articles/002_da18b38522dca5f0\.txt>\)", md)
    assert re.search(r"^2 articles · 2 sources · \d+-minute read$", md, re.M)


def test_german_day_has_german_dates_and_labels(tmp_path: Path) -> None:
    shutil.copytree(REPO / "tests" / "fixtures" / "stories" / "de", tmp_path / "de")
    source = {"path": "de/*.txt"}
    write_config(tmp_path, language="german", sources=[source], topics=[], title="Morgenlage")
    folder = build(tmp_path)
    html = (folder / "briefing.html").read_text(encoding="utf-8")
    check_page(folder / "briefing.html")
    assert '<html lang="de"' in html and "Dienstag, 24. November 2026" in html
    for label in ("In dieser Ausgabe", "Quellen", "Weiterlesen:", "Alle Ausgaben"):
        assert label in html
    assert not re.search(r"\b(?:Sources|Read more|In this briefing|Thursday)\b", html)


def test_two_days_mark_the_developing_story_in_every_format_and_the_archive_links_its_days(
    project: Path,
) -> None:
    write_config(project, output={"formats": ["md", "html", "json", "txt"]})
    build(project, DAY1)
    shutil.copy(FOLLOW_UP, project / "examples" / "articles")
    folder = build(project, DAY2)
    html = (folder / "briefing.html").read_text(encoding="utf-8")
    check_page(folder / "briefing.html")
    day1 = f"../{DAY1}/briefing.html#story-"
    assert re.search(rf'<strong>Developing</strong> · first seen <a href="{day1}[^"]+">Nov 24</a>', html)
    assert re.search(rf'<li id="story-[^"]+">Still running: <span dir="auto"><a href="{day1}', html)
    md = (folder / "briefing.md").read_text(encoding="utf-8")
    assert re.search(rf"\*\*Developing\*\* · first seen \[Nov 24\]\(<\.\./{DAY1}/briefing\.md#story-", md)
    assert "- Still running: [" in md
    txt = (folder / "briefing.txt").read_text(encoding="utf-8")
    assert "Developing · first seen Nov 24" in txt and "- Still running: " in txt
    # still running: one line, after the stories shown whole of its section
    section = html[html.index('<section id="section-nato-summit"') :]
    section = section[: section.index("</section>")]
    assert "<article" not in section[section.index("Still running") :]
    # the archive: both days, newest first, with their stories; the developing one links its first day
    archive = check_page(project / "out" / "index.html", cites=False)
    days = [href for href in archive.hrefs if re.fullmatch(r"\d{4}-\d{2}-\d{2}/briefing\.html", href)]
    days = list(dict.fromkeys(days[1:]))  # the first is the header's link to the latest
    assert days == [f"{DAY2}/briefing.html", f"{DAY1}/briefing.html"]
    assert any(href.startswith(f"{DAY1}/briefing.html#story-") for href in archive.hrefs)
    index_md = (project / "out" / "index.md").read_text(encoding="utf-8")
    assert index_md.index(f"{DAY2}/briefing.md") < index_md.index(f"{DAY1}/briefing.md")
    latest = (project / "out" / "latest.html").read_text(encoding="utf-8")
    assert f'url={DAY2}/briefing.html"' in latest


# ---- a large day --------------------------------------------------------------------------

OUTLETS = (
    "Harbour Herald",
    "The Evening Ledger",
    "Valley Post",
    "Regional Broadcasting Corporation of the Northern and Western Provinces and Islands",
    "Morning Wire",
    "Kurier",
)
PLACES = [
    "Ashford",
    "Bexley",
    "Carlow",
    "Dunmore",
    "Elgin",
    "Fenwick",
    "Galway",
    "Hexham",
    "Ilford",
    "Jarrow",
    "Kelso",
    "Lanark",
]
THINGS = (
    "bridge repairs",
    "hospital wing",
    "rail strike",
    "school budget",
    "river flooding",
    "harbour dredging",
    "tram line",
    "water prices",
    "library closure",
    "wind farm",
)
PEOPLE = [
    "Amara Okafor",
    "Bruno Lind",
    "Chen Wei",
    "Dara Byrne",
    "Elif Kaya",
    "Femi Adeyemi",
    "Greta Holm",
    "Hugo Rossi",
]


def _word(rng: random.Random) -> str:
    """A made-up name ("Kovarin"): each event has words of its own, as real stories do."""
    syllables = [
        "ka",
        "ro",
        "vin",
        "tel",
        "mas",
        "dor",
        "pe",
        "lu",
        "na",
        "sim",
        "bre",
        "gan",
        "tor",
        "fi",
        "ul",
        "zen",
        "ha",
        "co",
    ]
    return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).capitalize()


def write_large_day(folder: Path, articles: int, seed: int = 13) -> list[dict[str, str]]:
    """`articles` made-up reports of many events (one to a dozen articles each) from several
    outlets, one folder per outlet; the config's sources, one per outlet."""
    rng = random.Random(seed)
    events = [
        (rng.choice(PLACES), rng.choice(THINGS), rng.choice(PEOPLE), _word(rng), _word(rng), _word(rng))
        for _ in range(articles // 3)
    ]
    for k in range(articles):
        place, thing, person, firm, site, plan = events[min(int(rng.paretovariate(1.0)) - 1, 20) + k // 4]
        lines = [
            f"{firm} and the {site} {thing} in {place}: {person} speaks ({k})",
            f"Officials in {place} said on Thursday that the {firm} contract for the {site} {thing} "
            f"would cost more than planned under the {plan} scheme.",
            f"{person}, who leads the {place} council, said {firm} had delayed the {site} work by "
            f"{rng.randint(2, 9)} months because of a shortage of engineers.",
            f'"We will finish the {site} {thing} before the winter," {person} told reporters in {place}.',
            f"Residents near {site} have complained about {firm} at {rng.randint(3, 30)} public "
            f"meetings since the {plan} scheme began, according to the council's records.",
        ]
        path = folder / "day" / f"outlet{k % len(OUTLETS)}" / f"{k:04d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return [{"path": f"day/outlet{i}/*.txt", "name": name} for i, name in enumerate(OUTLETS)]


def test_a_large_day_stays_under_the_clip_and_every_link_lands(tmp_path: Path) -> None:
    sources = write_large_day(tmp_path, 400)
    write_config(tmp_path, sources=sources, topics=[], output={"formats": ["md", "html", "txt"]})
    folder = build(tmp_path)
    page = check_page(folder / "briefing.html")
    assert set(page.sources) & set(OUTLETS)
    html = (folder / "briefing.html").read_text(encoding="utf-8")
    assert html.count("<article") >= 5 and "More stories" in html


@pytest.mark.shared
def test_a_thousand_bbc_articles_stay_under_the_clip(tmp_path: Path) -> None:
    files = sorted((SHARED_EVAL / "bbc" / "articles").rglob("*.txt"))
    for k, path in enumerate(random.Random(1).sample(files, 1000)):
        target = tmp_path / "day" / f"outlet{k % len(OUTLETS)}" / f"{path.parent.name}-{path.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    sources = [{"path": f"day/outlet{i}/*.txt", "name": name} for i, name in enumerate(OUTLETS)]
    mail = {"to": ["desk@example.org"], "from": "briefing@example.org", "smtp": {"host": "127.0.0.1"}}
    write_config(tmp_path, sources=sources, topics=[], output={"formats": ["html"]}, email=mail)
    day = build(tmp_path)
    check_page(day / "briefing.html")  # the web page lists every story: it is not mailed
    message = (day / "briefing.mail.html").read_text(encoding="utf-8")  # the e-mail's HTML part
    assert len(inline_css(message).encode("utf-8")) < GMAIL_CLIP_BYTES


# ---- colours ------------------------------------------------------------------------------


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colours(css: str) -> set[str]:
    return {m.lower() for m in re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", css)}


def test_every_text_colour_passes_wcag_aa_on_its_page_in_light_and_dark() -> None:
    base = (bundled_templates() / "briefing.css").read_text(encoding="utf-8")
    media = (bundled_templates() / "briefing-media.css").read_text(encoding="utf-8")
    dark = media[media.index("prefers-color-scheme: dark") :]
    dark = dark[: dark.index("@media")] if "@media" in dark else dark
    light_backgrounds = {"#ffffff", "#f4f4f1"}
    dark_backgrounds = {"#1c1c1a", "#121211"}
    assert text_colours(base) and text_colours(dark)
    for colour in text_colours(base):
        assert min(contrast(colour, bg) for bg in light_backgrounds) >= 4.5, colour
    for colour in text_colours(dark):
        assert min(contrast(colour, bg) for bg in dark_backgrounds) >= 4.5, colour
    assert round(contrast("#55554f", "#ffffff"), 2) == 7.5  # the quietest text: date, citations, footer


# ---- the reader's words -------------------------------------------------------------------


def test_a_labels_file_in_the_template_folder_changes_only_what_it_names(project: Path) -> None:
    mine = project / "mytemplates"
    mine.mkdir()
    (mine / "labels.yaml").write_text(
        "contents:\n  en: Today's stories\nfooter:\n  de: Wörtlich zitiert.\n", encoding="utf-8"
    )
    write_config(project, templates="mytemplates")
    html = (build(project) / "briefing.html").read_text(encoding="utf-8")
    assert "Today&#39;s stories" in html and "In this briefing" not in html
    assert "Sources" in html and "Extractive summaries" in html  # the rest: the bundled table


def test_the_run_summary_is_one_line_for_readers_only_when_asked(project: Path) -> None:
    (project / "examples" / "articles" / "empty.txt").write_text("", encoding="utf-8")
    build(project)
    assert "could not be read" not in (project / "out" / DAY1 / "briefing.html").read_text(encoding="utf-8")
    write_config(project, output={"show_run_summary": True, "locale": "en_GB"})
    md = (build(project) / "briefing.md").read_text(encoding="utf-8")
    assert "2 sources read; 1 could not be read" in md
    assert "Tuesday, 24 November 2026" in md  # output.locale


def test_a_broken_labels_file_is_a_config_error_naming_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = project / "mytemplates"
    mine.mkdir()
    (mine / "labels.yaml").write_text("contents: [not, a, table]\n", encoding="utf-8")
    write_config(project, templates="mytemplates")
    assert main(["check", "--config", str(project / "config.yaml")]) != 0
    assert "labels.yaml" in capsys.readouterr().err
