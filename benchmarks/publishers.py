"""Pages and feeds in the style of real publishers: clean prose, whole sentences, metadata.

Reads the fixtures of tests/fixtures/publishers/ (English, German, French, Spanish
pages; English, German, French, Spanish and Portuguese feeds; see their README)
the way `briefing` reads sources: every page once as a saved file (`path:`) and
once from a local HTTP server (`url:`), every feed from that server (`feed:`,
`full_text: false`), all with `language: auto`. Against the hand-marked
expectations in `expected.yaml` it counts:

- summary sentences that are not clean prose (not one of the marked sentences, or
  quoting text marked as not prose), for a summary of each article and of each feed,
  and, whatever the algorithm, the sentences a summary may quote at all (`is_clean`);
- marked sentences cut in two by the splitter (at an abbreviation, a title, a date);
- pages and entries whose title, site name, publication time and language are right;
- feed entries wrongly merged into another or dropped, and duplicates not merged;
- the time to read a page and a feed entry.

Baselines measured in the same run: Punkt's bundled models alone for sentences;
trafilatura's own metadata for pages; for feed entries, the longest of content and
description with no "read more" stripping and exact-text merging at any length (the
rules before issue 12).

    .venv/bin/python -m benchmarks.publishers [--algorithm concepts] [--sentences 4]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import punkt
import yaml

from briefing.config import SummaryConfig, parse_config
from briefing.ingest import ingest
from briefing.ingest.feeds import parse_feed
from briefing.ingest.html import parse_html
from briefing.models import Article, PassageKind
from briefing.segment import segment
from briefing.summarise import is_clean, summarise

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "publishers"
# The second set, written for issue 23 before its rules (other publishers, other quirks).
UNSEEN = REPO / "tests" / "fixtures" / "publishers-unseen"
_SPACES = re.compile(r"\s+")


@dataclass
class Report:
    fixtures: Path = FIXTURES
    pages: int = 0
    summary_sentences: int = 0
    not_clean: list[str] = field(default_factory=list)
    candidates: int = 0  # sentences any algorithm may quote (is_clean)
    candidates_not_clean: list[str] = field(default_factory=list)
    marked_sentences: int = 0
    cut: list[str] = field(default_factory=list)
    noise_kept: list[str] = field(default_factory=list)  # not-prose text left in an article's text
    cut_by_punkt_alone: list[str] = field(default_factory=list)
    items: int = 0  # pages (twice: by path and by url) and feed entries
    wrong: dict[str, list[str]] = field(default_factory=dict)  # field -> items wrong
    trafilatura_wrong: dict[str, list[str]] = field(default_factory=dict)
    entries: int = 0
    merged_or_dropped: list[str] = field(default_factory=list)
    duplicates_kept: list[str] = field(default_factory=list)
    old_rules_merged_or_dropped: list[str] = field(default_factory=list)
    page_reads: int = 0
    page_seconds: float = 0.0
    entry_seconds: float = 0.0

    def miss(self, what: str, item: str) -> None:
        self.wrong.setdefault(what, []).append(item)


def expected(fixtures: Path = FIXTURES) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((fixtures / "expected.yaml").read_text(encoding="utf-8"))
    return data


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """The folder over HTTP on 127.0.0.1, quietly; yields the base URL."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def read(sources: Sequence[dict[str, Any]], fixtures: Path) -> tuple[tuple[Article, ...], float]:
    config = parse_config(
        {
            "sources": list(sources),
            "language": "auto",
            "timezone": "UTC",
            "window": {"since": "all"},
            "fetch": {"allow_private_networks": True, "per_host_delay": 0, "concurrency": 4},
            "output": {"dir": str(Path("/tmp") / "briefing-publishers-bench")},
        },
        base_dir=fixtures,
    )
    started = time.perf_counter()
    articles = ingest(config.ingest, progress=False).articles
    return articles, time.perf_counter() - started


def evaluate(algorithm: str = "concepts", sentences: int = 4, fixtures: Path = FIXTURES) -> Report:
    truth = expected(fixtures)
    report = Report(fixtures=fixtures, pages=len(truth["pages"]))
    with serve(fixtures) as base:
        by_path, path_seconds = read([{"path": p["file"]} for p in truth["pages"]], fixtures)
        by_url, url_seconds = read([{"url": f"{base}/{p['file']}"} for p in truth["pages"]], fixtures)
        feeds = [
            read([{"feed": f"{base}/{f['file']}", "full_text": False}], fixtures) for f in truth["feeds"]
        ]
    report.page_reads = len(by_path) + len(by_url)
    report.page_seconds = path_seconds + url_seconds
    report.entry_seconds = sum(seconds for _, seconds in feeds)
    options = SummaryConfig(algorithm=algorithm, sentences=sentences)

    for page in truth["pages"]:
        found = {
            "path": next((a for a in by_path if a.path == page["file"]), None),
            "url": next((a for a in by_url if (a.url or "").endswith(page["file"])), None),
        }
        for how, article in found.items():
            name = f"{page['file']} ({how})"
            report.items += 1
            if article is None:
                report.miss("read", name)
                continue
            check_metadata(report, name, article, page, page["site"])
            check_sentences(report, name, [article], page)
            check_text(report, name, article, page)
            check_summary(report, name, [article], page, options)
        check_trafilatura(report, page)

    for feed, (articles, _) in zip(truth["feeds"], feeds, strict=True):
        check_feed(report, feed, list(articles), options)
    return report


def check_metadata(report: Report, name: str, article: Article, truth: dict[str, Any], site: str) -> None:
    if article.title != truth["title"]:
        report.miss("title", f"{name}: {article.title!r}")
    if article.source != site:
        report.miss("site", f"{name}: {article.source!r}")
    want = datetime.fromisoformat(truth["published"])
    if article.published is None or article.published != want:
        report.miss("date", f"{name}: {article.published}")
    if article.language != truth["language"]:
        report.miss("language", f"{name}: {article.language}")


def check_sentences(report: Report, name: str, articles: Sequence[Article], truth: dict[str, Any]) -> None:
    """Marked sentences that the splitter cut in two, and what Punkt's models alone would cut."""
    marked = [_norm(s) for s in truth.get("sentences", [])]
    ours = {_norm(s.text) for a in articles for p in segment(a) for s in p.sentences}
    plain = {
        _norm(s)
        for a in articles
        for paragraph in a.paragraphs
        for s in punkt.PunktSentenceTokenizer(punkt.load_model(a.language)).tokenize(paragraph)
    }
    text = _norm(" ".join(p for a in articles for p in a.paragraphs))
    for sentence in marked:
        if sentence not in text:
            continue  # not read at all: counted as a metadata or feed miss
        report.marked_sentences += 1
        if sentence not in ours:
            report.cut.append(f"{name}: {sentence[:80]}")
        if sentence not in plain:
            report.cut_by_punkt_alone.append(f"{name}: {sentence[:80]}")


def check_text(report: Report, name: str, article: Article, truth: dict[str, Any]) -> None:
    """Text marked as not prose that is still in the article's title or paragraphs (where a
    passage, the JSON or another algorithm's summary could show it)."""
    for paragraph in (article.title, *article.paragraphs):
        for noise in truth.get("not_prose", []):
            if _norm(noise) in _norm(paragraph):
                report.noise_kept.append(f"{name}: {noise!r} in {paragraph[:60]!r}")


def check_summary(
    report: Report, name: str, articles: Sequence[Article], truth: dict[str, Any], options: SummaryConfig
) -> None:
    passages = [p for a in articles for p in segment(a)]
    if not any(p.kind is PassageKind.BODY for p in passages):
        return
    marked = {_norm(s) for s in truth.get("sentences", [])}
    noise = [_norm(n) for n in truth.get("not_prose", [])]
    for passage in passages:
        if passage.kind is not PassageKind.BODY:
            continue
        for candidate in passage.sentences:
            if not is_clean(candidate, options.min_words):
                continue
            report.candidates += 1
            text = _norm(candidate.text)
            if text not in marked or any(n in text for n in noise):
                report.candidates_not_clean.append(f"{name}: {candidate.text[:90]}")
    language = articles[0].language
    chosen = summarise(passages, options, language)
    for sentence in chosen:
        report.summary_sentences += 1
        text = _norm(sentence.text)
        if text not in marked or any(n in text for n in noise):
            report.not_clean.append(f"{name}: {sentence.text[:90]}")


def check_feed(report: Report, feed: dict[str, Any], articles: list[Article], options: SummaryConfig) -> None:
    entries = feed["entries"]
    for entry in entries:
        name = f"{feed['file']}: {entry['title'][:50]}"
        article = _match(entry, articles)
        if "same_as" in entry:
            twin = _match(next(e for e in entries if e["title"] == entry["same_as"]), articles)
            if article is not None and article is not twin:
                report.duplicates_kept.append(name)
            continue
        report.entries += 1
        report.items += 1
        if article is None:
            report.merged_or_dropped.append(name)
            continue
        check_metadata(report, name, article, {**entry, "language": feed["language"]}, feed["site"])
        check_sentences(report, name, [article], entry)
        check_text(report, name, article, feed)
    kept = [a for a in articles if any(_match(e, [a]) for e in entries)]
    truth = {
        "sentences": [s for e in entries for s in e.get("sentences", [])],
        "not_prose": feed["not_prose"],
    }
    if kept:
        check_summary(report, feed["file"], kept, truth, options)
    check_old_rules(report, feed)


def check_trafilatura(report: Report, page: dict[str, Any]) -> None:
    """trafilatura's own title, site name and date for the page (the baseline)."""
    from trafilatura import bare_extraction

    html = (report.fixtures / page["file"]).read_text(encoding="utf-8")
    document = bare_extraction(html, with_metadata=True)
    title, site, day = (getattr(document, key, None) for key in ("title", "sitename", "date"))
    if title != page["title"]:
        report.trafilatura_wrong.setdefault("title", []).append(f"{page['file']}: {title!r}")
    if site != page["site"]:
        report.trafilatura_wrong.setdefault("site", []).append(f"{page['file']}: {site!r}")
    if not day or datetime.fromisoformat(page["published"]).date().isoformat() != day[:10]:
        report.trafilatura_wrong.setdefault("date", []).append(f"{page['file']}: {day!r}")


def check_old_rules(report: Report, feed: dict[str, Any]) -> None:
    """The rules before issue 12: the longest body wins, no teaser stripping, an entry with no
    text is dropped, identical texts of any length are one story."""
    parsed = parse_feed((report.fixtures / feed["file"]).read_bytes(), "", "http://x/", ZoneInfo("UTC"), 100)
    seen: dict[str, str] = {}
    raw = _raw_bodies(report.fixtures / feed["file"])
    for entry, body in zip(parsed.entries, raw, strict=False):
        truth = next((e for e in feed["entries"] if e["title"] == entry.title), None)
        if truth is None or "same_as" in truth:
            continue
        words = " ".join(re.findall(r"\w+", " ".join(parse_html(body).paragraphs).lower()))
        if not words:
            report.old_rules_merged_or_dropped.append(f"{feed['file']}: {entry.title[:50]} (no text)")
        elif hashlib.sha256(words.encode()).hexdigest() in seen:
            report.old_rules_merged_or_dropped.append(f"{feed['file']}: {entry.title[:50]} (same text)")
        else:
            seen[hashlib.sha256(words.encode()).hexdigest()] = entry.title


def _raw_bodies(path: Path) -> list[str]:
    import feedparser

    result: Any = feedparser.parse(path.read_bytes(), sanitize_html=False, resolve_relative_uris=False)
    bodies = []
    for item in result.entries:
        values = [c.get("value", "") for c in item.get("content") or []]
        bodies.append(max([*values, item.get("summary", "")], key=len))
    return bodies


def _match(entry: dict[str, Any], articles: Sequence[Article]) -> Article | None:
    for article in articles:
        if article.title == entry["title"]:
            return article
    first = _norm(entry["sentences"][0]) if entry.get("sentences") else None
    for article in articles:
        if first and first in _norm(" ".join(article.paragraphs)):
            return article
    return None


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def table(report: Report) -> str:
    def share(part: int, whole: int) -> str:
        return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else "0/0"

    wrong = {k: len(v) for k, v in report.wrong.items()}
    baseline = {k: len(v) for k, v in report.trafilatura_wrong.items()}
    pages = report.pages
    rows = [
        (
            "summary sentences that are not clean prose",
            share(len(report.not_clean), report.summary_sentences),
            "",
        ),
        (
            "sentences a summary may quote that are not clean prose",
            share(len(report.candidates_not_clean), report.candidates),
            "",
        ),
        (
            "articles' text holding what is marked as not prose",
            str(len(report.noise_kept)),
            "",
        ),
        (
            "marked sentences cut (at an abbreviation, title, date)",
            share(len(report.cut), report.marked_sentences),
            f"Punkt alone: {share(len(report.cut_by_punkt_alone), report.marked_sentences)}",
        ),
        *(
            (
                f"pages and entries with the {what} right",
                share(report.items - wrong.get(what, 0), report.items),
                f"trafilatura alone (pages): {share(pages - baseline.get(what, 0), pages)}"
                if what in ("title", "site", "date")
                else "",
            )
            for what in ("title", "site", "date", "language")
        ),
        (
            "feed entries wrongly merged or dropped",
            share(len(report.merged_or_dropped), report.entries),
            f"old rules: {share(len(report.old_rules_merged_or_dropped), report.entries)}",
        ),
        ("duplicate entries not merged", str(len(report.duplicates_kept)), "0"),
        (
            "time per page (read, extracted, metadata)",
            f"{1000 * report.page_seconds / max(report.page_reads, 1):.0f} ms",
            "",
        ),
        ("time per feed entry", f"{1000 * report.entry_seconds / max(report.entries, 1):.1f} ms", ""),
    ]
    lines = ["| measure | briefing | baseline |", "| --- | --- | --- |"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--algorithm", default="concepts")
    parser.add_argument("--sentences", type=int, default=4)
    parser.add_argument(
        "--fixtures",
        type=Path,
        default=FIXTURES,
        help=f"a fixture set with its expected.yaml (default: {FIXTURES.relative_to(REPO)}; "
        f"the second set: {UNSEEN.relative_to(REPO)})",
    )
    args = parser.parse_args()
    report = evaluate(args.algorithm, args.sentences, args.fixtures.resolve())
    print(table(report))
    for label, items in (
        ("not clean", report.not_clean),
        ("quotable but not clean", report.candidates_not_clean),
        ("cut", report.cut),
        ("not prose kept in the text", report.noise_kept),
        *((f"wrong {k}", v) for k, v in report.wrong.items()),
        ("merged or dropped", report.merged_or_dropped),
        ("duplicates kept", report.duplicates_kept),
    ):
        for item in items:
            print(f"  {label}: {item}")


if __name__ == "__main__":
    main()
