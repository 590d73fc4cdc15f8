"""Every link a reader can click, on the page, in the archive and in the e-mail, works where it is read.

A two-day build from saved pages that name their canonical URL, read as a user's files are:
links go to the articles' public addresses; the page and the archive link into the output
folder only where a file is there; the message has no relative or in-page link without
`output.base_url`, and with it only absolute ones.
"""

from __future__ import annotations

import email
import json
import re
from email.message import Message
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from briefing.cli import main
from briefing.ingest.outlets import outlet_name

DAY1, DAY2 = "2026-11-26", "2026-11-27"
SUBJECTS = {
    "flood": ("river", "barrier", "valley", "council", "rain", "levee", "evacuation", "water"),
    "strike": ("rail", "union", "drivers", "trains", "wages", "pickets", "commuters", "timetable"),
    "vaccine": ("malaria", "trial", "children", "doses", "clinic", "parasite", "researchers", "immunity"),
    "election": ("ballots", "candidate", "turnout", "polls", "campaign", "voters", "parliament", "coalition"),
    "launch": ("rocket", "satellite", "orbit", "engine", "countdown", "payload", "astronauts", "launchpad"),
}
OUTLETS = [
    ("BioBioChile - La Red de Prensa Más Grande de Chile", "www.biobiochile.cl"),
    ("SPIEGEL ONLINE, Hamburg, Germany", "www.spiegel.de"),
    ("Ediciones EL PAÍS S.L.", "elpais.com"),
    ("Daily Planet", "dailyplanet.example"),
    ("The Bugle", "bugle.example"),
    ("Evening Star", "star.example"),
    ("Morning Post", "post.example"),
]


def saved_page(subject: str, number: int, site: str, host: str, published: str) -> str:
    words = SUBJECTS[subject]
    sentences = [
        f"The {words[i % 8]} and the {words[(i + 3) % 8]} dominated talk of the {words[(i + 5) % 8]} "
        f"in report {number}{i}."
        for i in range(10)
    ]
    title = f"{words[0].title()} {words[1]} report {number} from {host}"
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<link rel="canonical" href="https://{host}/{subject}/{number}.html">'
        f'<meta property="og:site_name" content="{site}">'
        f'<meta property="article:published_time" content="{published}"></head>'
        f"<body><article><h1>{title}</h1>{''.join(f'<p>{s}</p>' for s in sentences)}</article></body></html>"
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pages").mkdir()
    config = {
        "title": "Links",
        "sources": [{"path": "pages/*.html"}],
        "output": {"dir": "out", "formats": ["md", "html", "json"]},
        "email": {
            "to": ["reader@example.org"],
            "from": "briefing@example.org",
            "smtp": {"host": "127.0.0.1"},
        },
    }
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return tmp_path


def two_days(project: Path, *extra: str) -> None:
    """Day 1: five subjects, two outlets each (one article from 2022); day 2: the flood story
    developing, told by seven outlets."""
    pages = project / "pages"
    for subject in SUBJECTS:
        for number, (site, host) in enumerate(OUTLETS[3:5], 1):
            when = (
                "2022-05-04T14:27:00+02:00" if subject == "launch" and number == 1 else "2026-11-25T09:00:00Z"
            )
            (pages / f"{subject}-{number}.html").write_text(saved_page(subject, number, site, host, when))
    config = str(project / "config.yaml")
    assert main(["build", "-q", "--config", config, "--date", DAY1]) == 0
    for number, (site, host) in enumerate([*OUTLETS[:3], *OUTLETS[5:]], 3):
        page = saved_page("flood", number, site, host, "2026-11-26T18:00:00Z")
        (pages / f"flood-{number}.html").write_text(page)
    (pages / "notice.html").write_text(
        "<!doctype html><html lang='fr'><head><title>Modification de page en cours</title></head>"
        "<body><p>Modification de page en cours</p></body></html>"
    )
    assert main(["build", "-q", "--config", config, "--date", DAY2, *extra]) == 0
    assert main(["send", "-q", "--dry-run", "--config", config, "--date", DAY2]) == 0


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a" and found.get("href") is not None:
            self.links.append(str(found["href"]))


def links_of(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def lands(page: Path, link: str) -> bool:
    """An absolute web address, or a file beside `page` (and the anchor in it, if any)."""
    parts = urlsplit(link)
    if parts.scheme in ("http", "https"):
        return bool(parts.netloc)
    if parts.scheme or parts.netloc:
        return False
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    if not target.is_file():
        return False
    return not parts.fragment or parts.fragment in links_of(target.read_text(encoding="utf-8")).ids


def mail_parts(project: Path) -> tuple[str, str]:
    message = email.message_from_bytes((project / "out" / DAY2 / "briefing.eml").read_bytes())
    parts: dict[str, str] = {}
    for part in message.walk():
        if isinstance(part, Message) and part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            parts[part.get_content_subtype()] = payload.decode(part.get_content_charset() or "utf-8")
    return parts["plain"], parts["html"]


def test_every_link_of_the_page_and_the_archive_lands_and_articles_link_their_public_url(
    project: Path,
) -> None:
    two_days(project)
    out = project / "out"
    canonical = {f"https://{host}/" for _, host in OUTLETS}
    checked = 0
    for page in (
        out / DAY2 / "briefing.html",
        out / DAY1 / "briefing.html",
        out / "index.html",
        out / "latest.html",
    ):
        for link in links_of(page.read_text(encoding="utf-8")).links:
            assert lands(page, link), f"{page.relative_to(project)}: {link!r} goes nowhere"
            assert "pages/" not in link, f"{page.name} links the local copy of a page with a public URL"
            checked += 1
    articles = [link for link in links_of((out / DAY2 / "briefing.html").read_text()).links if "://" in link]
    assert articles and all(any(link.startswith(c) for c in canonical) for link in articles)
    assert checked > 20
    # the earlier day's page a developing story links back to is where it was that day
    assert any(
        link.startswith(f"../{DAY1}/briefing.html#story-")
        for link in links_of((out / DAY2 / "briefing.html").read_text()).links
    )


def test_the_message_has_only_web_links_without_base_url(project: Path) -> None:
    two_days(project)
    text, html = mail_parts(project)
    links = links_of(html).links
    assert links
    for link in links:
        assert urlsplit(link).scheme == "https", f"the message links {link!r}, which no mail client can open"
    for address in re.findall(r"\S+\.(?:html|txt|md)\b", text):
        assert address.startswith("https://"), f"the text part prints {address!r}, a local path"
    assert "and 2 more" in html  # seven outlets, five listed: said, not linked (there is no page to go to)


def test_with_base_url_every_link_of_the_message_is_absolute_and_every_and_more_is_a_link(
    project: Path,
) -> None:
    config = yaml.safe_load((project / "config.yaml").read_text())
    config["output"]["base_url"] = "https://news.example.org/briefings/"
    (project / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    two_days(project)
    _, html = mail_parts(project)
    links = links_of(html).links
    assert all(urlsplit(link).scheme == "https" for link in links)
    more = re.findall(r'<a href="([^"]+)"[^>]*>and (\d+) more</a>', html)
    assert more, "the cut list of headlines says how many are left and links them"
    for link, _ in more:
        assert link.startswith(f"https://news.example.org/briefings/{DAY2}/briefing.html#")
        anchor = urlsplit(link).fragment
        assert anchor in links_of((project / "out" / DAY2 / "briefing.html").read_text()).ids


def test_outlets_dates_and_skipped_notices_are_what_a_reader_expects(project: Path) -> None:
    two_days(project)
    data: dict[str, Any] = json.loads((project / "out" / DAY2 / "briefing.json").read_text(encoding="utf-8"))
    sources = {a["source"] for a in data["articles"]}
    assert {"BioBioChile", "SPIEGEL ONLINE", "EL PAÍS"} <= sources
    assert not any("Chile " in s or "Hamburg" in s or "S.L." in s for s in sources)
    assert [(s["kind"], s["source"]) for s in data["skipped"]] == [("not-an-article", "pages/notice.html")]
    assert data["language"] == "en" and data["timezone"] and data["counts"]["skipped"] == 1
    day1 = (project / "out" / DAY1 / "briefing.md").read_text(encoding="utf-8")
    assert "2022" in day1  # an article of another year says which
    times = re.findall(r"\d{1,2}:\d{2}\s?[AP]M(?: [A-Z]{2,5})?", day1)
    assert times and all(t.endswith(("UTC", "GMT")) for t in times)  # a time shown says its zone


def test_a_site_name_that_belongs_to_another_host_gives_way_to_one_that_agrees() -> None:
    assert outlet_name(["SAT.1 REGIONAL", "WELT"], "https://www.welt.de/politik/article1.html") == "WELT"
    assert outlet_name(["World news | The Guardian"], "https://www.theguardian.com/world/x") == "The Guardian"
