"""Feeds and pages from a real HTTP server on 127.0.0.1, through `briefing build`.

The server serves the RSS and Atom fixtures in tests/fixtures/feeds/ (their
`{base}` is replaced by the server's address), the article pages they link to,
and feeds that misbehave: slow, missing, broken, not XML, too big, and the two
classic XML attacks.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from briefing.cli import main
from briefing.config import FetchConfig, load_config
from briefing.errors import FetchError
from briefing.ingest import ingest
from briefing.ingest.dedupe import canonical_url
from briefing.ingest.feeds import parse_feed
from briefing.ingest.http import HttpClient
from briefing.ingest.window import window_for
from briefing.store import HttpCache, Store
from builders import write_article, write_config

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
DAY = "2026-11-25"  # the fixtures' news day (Europe/Belgrade, the example config's zone)
CITY_TOPIC = {
    "id": "city",
    "title": "City news",
    "keywords": ["harbour", "budget", "council", "museum", "festival", "market", "water"],
}
BAD_FEEDS = {
    "slow.xml": "timed out after 0.5s",
    "missing.xml": "HTTP 404",
    "broken.xml": "HTTP 500",
    "not-a-feed": "not an RSS or Atom feed (text/html)",
    "huge.xml": "over fetch.max_bytes",
    "billion-laughs.xml": "feed declares XML entities",
    "external-entity.xml": "feed declares XML entities",
}


@dataclass
class FeedServer:
    base: str = ""
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    # Routes a test adds: path -> handler(request) that writes the whole response.
    routes: dict[str, Callable[[Any], None]] = field(default_factory=dict)

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def headers_for(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]


ETAG = '"world-v1"'
LAST_MODIFIED = "Wed, 25 Nov 2026 18:00:00 GMT"


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

        def do_GET(self) -> None:
            with server.lock:
                server.requests.append((self.path, dict(self.headers)))
            self._route(self.path.split("?")[0])

        def _route(self, path: str) -> None:
            if path in server.routes:
                return server.routes[path](self)
            if path == "/feeds/world.rss":
                if self.headers.get("If-None-Match") == ETAG:
                    return self._send(304, b"")
                return self._fixture("world.rss", "application/rss+xml", ETag=ETAG)
            if path == "/feeds/city.atom":
                if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                    return self._send(304, b"")
                return self._fixture("city.atom", "application/atom+xml", **{"Last-Modified": LAST_MODIFIED})
            if path == "/feeds/slow.xml":
                server.stop.wait(10)  # far beyond the tests' 0.5 s timeout
                return self._fixture("world.rss", "application/rss+xml")
            if path == "/feeds/broken.xml":
                return self._send(500, b"Internal Server Error")
            if path == "/feeds/not-a-feed":
                return self._fixture("not-a-feed.html", "text/html; charset=utf-8")
            if path == "/feeds/huge.xml":
                return self._huge()
            if path in ("/feeds/billion-laughs.xml", "/feeds/external-entity.xml"):
                return self._fixture(path.removeprefix("/feeds/"), "application/xml")
            if path == "/feeds/moved.rss":
                return self._send(301, b"", Location="/feeds/world.rss")
            if path == "/loop":
                return self._send(302, b"", Location="/loop")
            if path == "/to-file":
                return self._send(302, b"", Location="file:///etc/passwd")
            if path == "/articles/museum.html":  # charset declared in <meta> only
                return self._fixture("pages/museum.html", "text/html")
            if path == "/pages/festival.html":  # charset declared in the header only
                return self._fixture("pages/festival.html", "text/html; charset=iso-8859-1")
            page = FIXTURES / "pages" / path.removeprefix("/articles/")
            if path.startswith("/articles/") and page.is_file():
                return self._fixture(f"pages/{page.name}", "text/html; charset=utf-8")
            return self._send(404, b"Not Found")

        def _fixture(self, name: str, content_type: str, **headers: str) -> None:
            body = (FIXTURES / name).read_bytes().replace(b"{base}", server.base.encode())
            self._send(200, body, **{"Content-Type": content_type, **headers})

        def _send(self, status: int, body: bytes, **headers: str) -> None:
            self.send_response(status)
            for key, value in {"Content-Length": str(len(body)), **headers}.items():
                self.send_header(key, value)
            self.end_headers()
            with contextlib.suppress(OSError):  # the client gave up (a timeout test)
                self.wfile.write(body)

        def _huge(self) -> None:
            # No Content-Length: the client has to stop reading by itself.
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            chunk = b"<!-- " + b"x" * 65_000 + b" -->\n"
            with contextlib.suppress(OSError):
                self.wfile.write(b'<?xml version="1.0"?>\n<rss version="2.0"><channel>\n')
                for _ in range(60):  # ~4 MB, four times the tests' limit
                    self.wfile.write(chunk)

    return Handler


@pytest.fixture
def server() -> Iterator[FeedServer]:
    state = FeedServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    state.stop.set()
    httpd.shutdown()
    httpd.server_close()


# The test servers listen on 127.0.0.1: a private address, reached only when allowed.
FETCH = {
    "timeout": 0.5,
    "max_bytes": 1_000_000,
    "per_host_delay": 0,
    "concurrency": 4,
    "allow_private_networks": True,
}


def configure(folder: Path, server: FeedServer, *sources: dict[str, Any], **overrides: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    settings: dict[str, Any] = {
        "topics": [CITY_TOPIC],
        "fetch": FETCH,
        "sources": list(sources),
        "output": {"json_passages": True},  # the tests read every passage
        **overrides,
    }
    return write_config(folder, **settings)


def feed(server: FeedServer, name: str, **options: Any) -> dict[str, Any]:
    return {"feed": f"{server.base}/feeds/{name}", **options}


@dataclass
class Run:
    code: int
    out: str
    err: str
    folder: Path

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.folder / "briefing.json").read_text(encoding="utf-8"))
        return data

    def text(self, ext: str) -> str:
        return (self.folder / f"briefing.{ext}").read_text(encoding="utf-8")

    def articles(self) -> dict[str, dict[str, Any]]:
        return {a["title"]: a for a in self.json()["articles"]}

    def passages(self) -> str:
        return "\n".join(
            p["text"]
            for section in self.json()["sections"]
            for s in section["stories"]
            for p in s["passages"]
        )


def build(config: Path, *args: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["build", "--config", str(config), "--date", DAY, *args])
    return Run(code, out.getvalue(), err.getvalue(), config.parent / "out" / DAY)


def standard_sources(server: FeedServer) -> list[dict[str, Any]]:
    return [
        feed(server, "world.rss"),
        feed(server, "city.atom"),
        {"url": f"{server.base}/pages/festival.html"},
    ]


def test_full_run_from_feeds_and_a_page_to_a_briefing(server: FeedServer, tmp_path: Path) -> None:
    run = build(configure(tmp_path, server, *standard_sources(server)))
    assert (run.code, run.err) == (0, "")
    assert run.out.splitlines() == [str(run.folder / f"briefing.{x}") for x in ("md", "html", "json")]
    articles = run.articles()
    assert sorted(articles) == [
        "Council passes the city budget",
        "Festival of lights draws crowds",
        "Harbour reopens after the storm",
        "Museum extension opens its doors",
        "Night market opens late in the evening",
        "Notice from the water board",
    ]
    assert articles["Harbour reopens after the storm"]["source"] == "World Wire"  # the feed's title
    # Shown without the feed's utm_* parameters.
    assert articles["Harbour reopens after the storm"]["url"] == f"{server.base}/articles/harbour.html"
    assert articles["Museum extension opens its doors"]["source"] == "City Desk"
    assert articles["Festival of lights draws crowds"]["source"] == "Gazette du Port"  # the page's site name
    assert articles["Council passes the city budget"]["published"] == "2026-11-25T15:00:00+01:00"
    passages = run.passages()
    # A teaser entry is replaced by the main text of its page, without the page's furniture.
    assert "Harbour master Ana Petrović said divers had checked every berth" in passages
    assert "Most read" not in passages and "All rights reserved" not in passages
    # An entry that carries its full text is not fetched again.
    assert "/articles/budget.html" not in server.paths()
    assert "Sources" in run.text("md") and "World Wire" in run.text("html")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_fetching_shows_a_bar_at_a_terminal_and_the_warnings_above_it(
    server: FeedServer, tmp_path: Path
) -> None:
    sources = [*standard_sources(server), {"url": f"{server.base}/missing.html"}]
    terminal = _Terminal()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(terminal):
        code = main(["build", "--config", str(configure(tmp_path, server, *sources)), "--date", DAY])
    assert code == 0
    shown = terminal.getvalue()
    assert "fetching:" in shown and "/4 " in shown  # a bar over the four sources
    assert "missing.html" in shown  # the warning printed, not lost under the bar
    assert (tmp_path / "out" / DAY / "briefing.html").exists()


def test_non_utf8_pages_are_decoded_by_their_declared_charset(server: FeedServer, tmp_path: Path) -> None:
    run = build(configure(tmp_path, server, *standard_sources(server)))
    passages = run.passages()
    # windows-1252 declared in <meta>: curly quotes and accents survive.
    assert "“We waited eleven years for this day,” said the director, Zoë Müller" in passages
    # ISO-8859-1 declared in the Content-Type header.
    assert "façades along the river" in passages and "crêpe stalls" in passages
    assert "\ufffd" not in passages


def test_the_window_keeps_the_day_and_flags_undated_items(server: FeedServer, tmp_path: Path) -> None:
    run = build(configure(tmp_path, server, feed(server, "world.rss")))
    titles = set(run.articles())
    assert "Night market opens late in the evening" in titles  # 23:30 in Belgrade: still the 25th
    assert "Tomorrow's story" not in titles  # 00:30 on the 26th in Belgrade
    assert "Last week's story" not in titles
    assert not {"/articles/tomorrow.html", "/articles/old.html"} & set(server.paths())  # never fetched
    undated = run.articles()["Notice from the water board"]
    assert undated["published"] is None
    assert re.search(r"Notice from the water board\]\(<[^>]+>\) — \*World Wire\* \(undated\)", run.text("md"))


def test_a_story_in_two_feeds_is_kept_once_with_both_sources(server: FeedServer, tmp_path: Path) -> None:
    run = build(configure(tmp_path, server, feed(server, "world.rss"), feed(server, "city.atom")))
    articles = run.articles()
    # Same page (utm_* on one link, fbclid on the other).
    assert articles["Harbour reopens after the storm"]["also_in"] == ["City Desk"]
    assert "Ships return to the harbour" not in articles
    # Another URL but near-identical text.
    assert articles["Council passes the city budget"]["also_in"] == ["City Desk"]
    assert "Budget approved by the council" not in articles
    assert "also_in" not in articles["Museum extension opens its doors"]
    md = run.text("md")
    cited = r"Harbour reopens after the storm\]\(<.+?>\) — \*World Wire\*, [^(\n]+ \(also in \*City Desk\*\)"
    assert re.search(cited, md)  # in Sources: the outlet, the time, the other outlet
    assert md.count("Harbour master Ana Petrović") <= 1
    assert "(also in <em>City Desk</em>)" in run.text("html")


def test_conditional_get_reuses_the_cache_on_304(server: FeedServer, tmp_path: Path) -> None:
    config = configure(tmp_path, server, feed(server, "world.rss"), feed(server, "city.atom"))
    first = build(config)
    assert first.code == 0
    assert (tmp_path / "out" / ".cache" / "http.json").is_file()
    before = first.json()
    second = build(config, "-v")
    assert second.code == 0
    [_, again] = server.headers_for("/feeds/world.rss")
    assert again.get("If-None-Match") == ETAG
    [_, again] = server.headers_for("/feeds/city.atom")
    assert again.get("If-Modified-Since") == LAST_MODIFIED
    assert "/feeds/world.rss: not modified since the last run; using the cached copy" in second.err
    assert second.json()["articles"] == before["articles"]


@pytest.mark.parametrize("name", sorted(BAD_FEEDS))
def test_a_bad_feed_is_skipped_with_one_line_and_the_rest_is_built(
    server: FeedServer, tmp_path: Path, name: str
) -> None:
    run = build(configure(tmp_path, server, feed(server, name), feed(server, "world.rss")))
    url = f"{server.base}/feeds/{name}"
    assert run.code == 0
    [warning] = run.err.splitlines()
    assert warning.startswith(f"briefing: warning: {url}: ")
    assert BAD_FEEDS[name] in warning
    reason = warning.removeprefix("briefing: warning: ")
    assert run.json()["skipped"] == [{"source": url, "reason": reason, "kind": "failed"}]
    assert "Harbour reopens after the storm" in run.articles()
    # An operator's fact: stderr and briefing.json, not the readers' pages.
    for ext in ("md", "html"):
        assert url not in run.text(ext) and "Skipped" not in run.text(ext)


def test_no_entity_attack_gets_through(server: FeedServer, tmp_path: Path) -> None:
    run = build(configure(tmp_path, server, feed(server, "external-entity.xml"), feed(server, "world.rss")))
    assert "/secret-was-fetched" not in server.paths()
    everything = "".join(run.text(ext) for ext in ("md", "html", "json"))
    assert "root:" not in everything and "Leak" not in everything


def test_every_source_failing_is_an_error_unless_allowed(server: FeedServer, tmp_path: Path) -> None:
    sources = [feed(server, "missing.xml"), feed(server, "broken.xml")]
    run = build(configure(tmp_path / "strict", server, *sources))
    assert run.code == 1
    assert run.err.splitlines()[-1].startswith("briefing: every source failed")
    assert not run.folder.exists()
    relaxed = dict(FETCH, fail_if_all_fail=False)
    run = build(configure(tmp_path / "relaxed", server, *sources, fetch=relaxed))
    assert run.code == 0 and run.json()["articles"] == []


def test_very_verbose_logs_each_source_with_its_time_and_item_count(
    server: FeedServer, tmp_path: Path
) -> None:
    run = build(configure(tmp_path, server, feed(server, "world.rss")), "-vv")
    [line] = [x for x in run.err.splitlines() if "items in the window" in x]
    assert line.startswith(f"briefing: debug: {server.base}/feeds/world.rss: 4 of 6 items in the window, ")
    assert line.endswith("s")


def test_non_http_sources_are_refused_when_the_config_is_read(tmp_path: Path) -> None:
    config = write_config(tmp_path, sources=[{"feed": "file:///etc/passwd"}, {"url": "ftp://example.org/x"}])
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["check", "--config", str(config)]) == 2
    assert f"briefing: {config}: sources[0].feed: 'file:///etc/passwd' is not an http:// or https:// URL" in (
        err.getvalue()
    )
    assert "sources[1].url: 'ftp://example.org/x' is not an http:// or https:// URL" in err.getvalue()


def client_for(**settings: Any) -> HttpClient:
    return HttpClient(FetchConfig(**{**FETCH, **settings}))


def test_redirects_are_followed_bounded_and_http_only(server: FeedServer) -> None:
    client = client_for(max_redirects=3)
    assert client.get(f"{server.base}/feeds/moved.rss").url == f"{server.base}/feeds/world.rss"
    with pytest.raises(FetchError, match="more than 3 redirects"):
        client.get(f"{server.base}/loop")
    assert server.paths().count("/loop") == 4
    with pytest.raises(FetchError, match="redirected to 'file:///etc/passwd', which is not http"):
        client.get(f"{server.base}/to-file")


def test_a_declared_oversized_body_is_refused_before_reading(server: FeedServer) -> None:
    with pytest.raises(FetchError, match=r"response is 3 kB, over fetch.max_bytes \(1 kB\)"):
        client_for(max_bytes=1000).get(f"{server.base}/feeds/world.rss")


def test_one_request_per_host_at_a_time_with_a_pause_between(server: FeedServer) -> None:
    pauses: list[float] = []
    client = HttpClient(
        FetchConfig(**{**FETCH, "per_host_delay": 2.5}), clock=lambda: 100.0, sleep=pauses.append
    )
    client.get(f"{server.base}/feeds/world.rss")
    client.get(f"{server.base}/articles/harbour.html")
    assert pauses == [2.5]


class OverlapClient(HttpClient):
    """The real client, counting its own exchanges in flight per host: from the request's first
    byte to the last byte of its answer, as the client sees them (a server's count lags behind)."""

    def __init__(self, settings: FetchConfig) -> None:
        super().__init__(settings)
        self.counting = threading.Lock()
        self.in_flight: dict[str, int] = {}
        self.most_in_flight: dict[str, int] = {}
        self.exchanges = 0

    def _transfer(self, url: str, current: str, headers: dict[str, str], watch: Any) -> Any:
        host = current.split("/")[2]
        with self.counting:
            self.in_flight[host] = self.in_flight.get(host, 0) + 1
            self.most_in_flight[host] = max(self.most_in_flight.get(host, 0), self.in_flight[host])
            self.exchanges += 1
        try:
            time.sleep(0.05)  # widen each exchange, so that an overlap, if the client allowed one, is seen
            return super()._transfer(url, current, headers, watch)
        finally:
            with self.counting:
                self.in_flight[host] -= 1


def test_concurrent_fetching_never_sends_two_requests_to_one_host_at_once(
    server: FeedServer, tmp_path: Path
) -> None:
    config = load_config(configure(tmp_path, server, *standard_sources(server)))
    client = OverlapClient(config.fetch)  # four sources' worth of threads, all on one host
    ingested = ingest(config.ingest, client=client)
    # nothing failed (a duplicate entry is listed, kind "duplicate": kept once, its outlet credited)
    assert len(ingested.articles) >= 6 and {s.kind.value for s in ingested.skipped} <= {"duplicate"}
    assert client.exchanges >= 6
    assert client.most_in_flight == {server.base.removeprefix("http://"): 1}


def test_a_broken_http_cache_is_replaced_not_fatal(
    server: FeedServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "http.json"
    path.write_text("{not json", encoding="utf-8")
    cache = HttpCache(path, date(2026, 11, 25))
    assert "http.json: unreadable HTTP cache" in caplog.text
    client = HttpClient(FetchConfig(**FETCH), cache)
    assert client.get(f"{server.base}/feeds/world.rss").status == 200
    cache.save()
    assert client.get(f"{server.base}/feeds/world.rss").from_cache  # 304 answered from the cache
    assert list(json.loads(path.read_text(encoding="utf-8"))["entries"]) == [f"{server.base}/feeds/world.rss"]


def test_a_closed_port_is_reported_as_such(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match=r"http://127.0.0.1:9/feed: cannot connect \(.*refused\); skipped"):
        client_for().get("http://127.0.0.1:9/feed")


def test_a_saved_web_page_goes_through_the_same_extractor(tmp_path: Path) -> None:
    page = (FIXTURES / "pages" / "harbour.html").read_text(encoding="utf-8")
    banner = '<div class="cookies">We use cookies to improve your experience. Accept all cookies?</div>'
    write_article(tmp_path, "saved/harbour.html", page.replace("<header>", banner + "<header>"))
    config = load_config(write_config(tmp_path, sources=[{"path": "saved/*.html"}]))
    [article] = ingest(config.ingest).articles
    assert article.title == "Harbour reopens after the storm"
    assert article.paragraphs[0].startswith("The city harbour reopened to ships on Wednesday morning")
    assert not any("cookies" in p or "Most read" in p or "Copyright" in p for p in article.paragraphs)


def test_entry_links_that_are_not_http_are_never_followed() -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>Local</title><link>file:///etc/passwd</link><description>Short.</description></item>"
        b"<item><title>Script</title><link>javascript:alert(1)</link><description>Short.</description></item>"
        b"</channel></rss>"
    )
    entries = parse_feed(body, "application/rss+xml", "http://127.0.0.1/feed", ZoneInfo("UTC"), 10).entries
    assert [(e.title, e.link) for e in entries] == [("Local", None), ("Script", None)]


def test_tracking_parameters_do_not_change_the_canonical_url() -> None:
    plain = canonical_url("https://www.example.org/news/story/?id=7")
    assert canonical_url("http://example.org/news/story?utm_source=rss&id=7&fbclid=x#top") == plain
    assert canonical_url("https://example.org/news/story?id=8") != plain


def test_window_since_a_duration_last_run_or_all(tmp_path: Path) -> None:
    zone = ZoneInfo("Europe/Belgrade")  # the example config's
    now = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
    window = window_for("36h", zone, now)
    assert window.end == now and window.start == now - timedelta(hours=36)
    # A past --date ends the window at the end of that day in the configured zone.
    past = window_for("36h", zone, now, date(2026, 11, 24))
    assert past.end.isoformat() == "2026-11-25T00:00:00+01:00"

    assert window_for("last-run", zone, now).start == now - timedelta(hours=24)  # no run on record yet
    store = Store(tmp_path / "out")
    store.remember_run(now - timedelta(hours=30))
    assert window_for("last-run", zone, now, last_run=store.last_run()).start == now - timedelta(hours=30)

    assert window_for("all", zone, now).start is None


def test_a_last_run_build_records_when_it_started_and_the_next_reads_from_there(
    server: FeedServer, tmp_path: Path
) -> None:
    config = configure(tmp_path, server, feed(server, "world.rss"), window={"since": "last-run"})
    assert build(config).code == 0
    started = Store(tmp_path / "out").last_run()
    assert started is not None and started.tzinfo is not None
    assert (tmp_path / "out" / ".cache" / "last-run.json").is_file()


def test_a_bad_window_is_a_config_error(tmp_path: Path) -> None:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["check", "--config", str(write_config(tmp_path, window={"since": "yesterday"}))]) == 2
    assert (
        "window.since: 'yesterday' is not a duration like 24h, 90m or 2d, nor last-run or all"
        in err.getvalue()
    )


def test_slow_feeds_cost_no_more_than_the_timeout(server: FeedServer, tmp_path: Path) -> None:
    started = time.monotonic()
    run = build(configure(tmp_path, server, feed(server, "slow.xml"), feed(server, "world.rss")))
    assert run.code == 0
    assert time.monotonic() - started < 5  # the feed itself would take 10 s


# ---- hostile feeds and servers: isolation, deadlines, private addresses --------------------


def rss(*items: str, encoding: str = "UTF-8") -> bytes:
    head = f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel><title>Hostile</title>'
    return (head + "".join(items) + "</channel></rss>").encode("utf-8")


def item(title: str, body: str, link: str = "", date: str = "Wed, 25 Nov 2026 09:00:00 GMT") -> str:
    link_tag = f"<link>{link}</link>" if link else ""
    fields = f"<title>{title}</title>{link_tag}<pubDate>{date}</pubDate><description>{body}</description>"
    return f"<item>{fields}</item>"


LONG_BODY = " ".join(["The ferry resumed its winter timetable on Wednesday after repairs."] * 20)


def serve_bytes(body: bytes, content_type: str = "application/rss+xml") -> Callable[[Any], None]:
    def respond(request: Any) -> None:
        request._send(200, body, **{"Content-Type": content_type})

    return respond


HOSTILE_FEEDS = {
    # LookupError from expat before feedparser saw it
    "x-nope": rss(item("Unknown encoding", LONG_BODY), encoding="x-nope"),
    # feedparser leaves the summary None: TypeError at max(..., key=len)
    "stray-close": b'<rss version="2.0"><channel><item><title>x</content:encoded></item></channel></rss>',
    # html.parser asserted on both declarations
    "bad-declaration": rss(
        item("Plain", LONG_BODY),
        item("Declaration", "&lt;![# " + LONG_BODY),
        item("Marked", "&lt;![&lt; " + LONG_BODY),
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FEEDS))
def test_a_feed_that_trips_a_parser_is_that_feeds_failure_only(
    server: FeedServer, tmp_path: Path, name: str
) -> None:
    server.routes["/feeds/hostile.xml"] = serve_bytes(HOSTILE_FEEDS[name])
    run = build(configure(tmp_path, server, feed(server, "hostile.xml"), feed(server, "world.rss")))
    assert run.code == 0, run.err
    assert "internal error" not in run.err and "Traceback" not in run.err
    assert "Harbour reopens after the storm" in run.articles()
    # Read, or skipped with one line naming it: never the whole briefing lost.
    url = f"{server.base}/feeds/hostile.xml"
    for line in run.err.splitlines():
        assert line.startswith(f"briefing: warning: {url}"), line
    assert all(s["source"].startswith(url) or s["source"] for s in run.json()["skipped"])


def test_entries_whose_body_is_one_unclosed_declaration_keep_their_title(
    server: FeedServer, tmp_path: Path
) -> None:
    # "<![#" opens a bogus comment that runs to the next ">" (as in a browser): no text is left,
    # and the entry's headline is its only text.
    server.routes["/feeds/hostile.xml"] = serve_bytes(HOSTILE_FEEDS["bad-declaration"])
    run = build(configure(tmp_path, server, feed(server, "hostile.xml", full_text=False)))
    assert (run.code, run.err) == (0, "")
    assert sorted(run.articles()) == ["Declaration", "Marked", "Plain"]
    assert "Declaration" in run.passages() and "<![" not in run.passages()


def trickle(gap: float, header_first: bool = True) -> Callable[[Any], None]:
    """Headers (or not even those) then one byte every `gap` seconds, for up to 20 s."""

    def respond(request: Any) -> None:
        with contextlib.suppress(OSError):
            if header_first:
                request.send_response(200)
                request.send_header("Content-Type", "application/rss+xml")
                request.send_header("Content-Length", "100000")
                request.end_headers()
                request.wfile.flush()
                data = b"<" * 200
            else:
                data = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 200
            for byte in data:
                time.sleep(gap)
                request.wfile.write(bytes([byte]))
                request.wfile.flush()

    return respond


@pytest.mark.parametrize("headers_too", [False, True])
def test_a_trickling_server_cannot_stretch_the_timeout(
    server: FeedServer, tmp_path: Path, headers_too: bool
) -> None:
    server.routes["/feeds/trickle.xml"] = trickle(0.1, header_first=not headers_too)
    started = time.monotonic()
    run = build(configure(tmp_path, server, feed(server, "trickle.xml"), feed(server, "world.rss")))
    assert time.monotonic() - started < 5  # the trickle alone would last 20 s
    assert run.code == 0
    assert f"briefing: warning: {server.base}/feeds/trickle.xml: timed out after 0.5s; skipped" in run.err
    assert "Harbour reopens after the storm" in run.articles()


def test_the_runs_time_for_sources_skips_what_is_pending_and_builds_from_the_rest(
    server: FeedServer, tmp_path: Path
) -> None:
    server.routes["/feeds/trickle.xml"] = trickle(0.1)
    fetch = dict(FETCH, timeout=30, source_timeout=30, run_timeout=1)
    # Another host name for the same server, so the two feeds do not wait for each other.
    trickling = {"feed": f"{server.base.replace('127.0.0.1', 'localhost')}/feeds/trickle.xml"}
    config = configure(tmp_path, server, trickling, feed(server, "world.rss"), fetch=fetch)
    started = time.monotonic()
    run = build(config)
    assert time.monotonic() - started < 6
    assert run.code == 0
    url = trickling["feed"]
    reason = f"{url}: not read: the run's time for sources (fetch.run_timeout: 1s) ran out; skipped"
    assert f"briefing: warning: {reason}" in run.err.splitlines()
    assert {"source": url, "reason": reason, "kind": "failed"} in run.json()["skipped"]
    assert "Harbour reopens after the storm" in run.articles()


def test_a_sources_time_limit_keeps_the_teasers_it_had_no_time_to_complete(
    server: FeedServer, tmp_path: Path
) -> None:
    links = [f"{server.base}/slow-page/{n}" for n in range(3)]
    for link in links:
        server.routes[link.removeprefix(server.base)] = trickle(0.1)
    teasers = [
        item(f"Story {n}", f"Teaser number {n} of the day's news, in short…", link)
        for n, link in enumerate(links)
    ]
    server.routes["/feeds/teasers.xml"] = serve_bytes(rss(*teasers))
    fetch = dict(FETCH, timeout=5, source_timeout=1.5)
    started = time.monotonic()
    run = build(configure(tmp_path, server, feed(server, "teasers.xml"), fetch=fetch))
    assert time.monotonic() - started < 6
    assert run.code == 0
    assert sorted(run.articles()) == ["Story 0", "Story 1", "Story 2"]  # each with the feed's teaser
    assert "fetch.source_timeout" in run.err


@pytest.fixture
def internal() -> Iterator[str]:
    """Another server on 127.0.0.1: stands for an internal service a feed must not reach."""

    class Secret(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            body = (
                b"<html><head><title>Admin</title></head><body><article><h1>Internal</h1><p>"
                + b"SECRET internal configuration page with the database password in it. " * 20
                + b"</p></article></body></html>"
            )
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Secret)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_redirects_and_links_in_a_feed_never_reach_a_private_address(
    server: FeedServer, tmp_path: Path, internal: str
) -> None:
    def to_internal(request: Any) -> None:
        request._send(302, b"", Location=f"{internal}/admin")

    server.routes["/feeds/redirect.xml"] = to_internal
    teaser = item("Teaser", "A short teaser of the day's news…", f"{internal}/admin")
    server.routes["/feeds/links.xml"] = serve_bytes(rss(teaser))
    run = build(configure(tmp_path, server, feed(server, "redirect.xml"), feed(server, "links.xml")))
    assert run.code == 0
    everything = "".join(run.text(ext) for ext in ("md", "html", "json"))
    assert "SECRET" not in everything
    port = internal.rsplit(":", 1)[1]
    assert (
        f"briefing: warning: {server.base}/feeds/redirect.xml (redirected to {internal}/admin): 127.0.0.1 is "
        "at 127.0.0.1, a private or local address; not fetched (a redirect or a link found in a feed or "
        "page never leads there); skipped"
    ) in run.err.splitlines()
    assert f"{internal}/admin: 127.0.0.1 is at 127.0.0.1" in run.err and f":{port}" in run.err
    assert run.articles()["Teaser"]["url"] == f"{internal}/admin"  # shown as a link, never fetched


def test_a_configured_private_source_needs_allow_private_networks(server: FeedServer, tmp_path: Path) -> None:
    fetch = {k: v for k, v in FETCH.items() if k != "allow_private_networks"}
    run = build(configure(tmp_path, server, feed(server, "world.rss"), fetch=fetch))
    assert run.code == 1  # the only source failed
    assert (
        f"{server.base}/feeds/world.rss: 127.0.0.1 is at 127.0.0.1, a private or local address; not "
        "fetched (set fetch.allow_private_networks: true if this source is on your own network); skipped"
    ) in run.err
    assert server.requests == []  # refused before connecting


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.1.1", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("ff02::1", False),
        ("93.184.215.14", True),
        ("2606:4700::1111", True),
    ],
)
def test_which_addresses_count_as_private(address: str, public: bool) -> None:
    from briefing.ingest.http import is_public_address

    assert is_public_address(address) is public


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_date_at_the_ends_of_the_calendar_builds(server: FeedServer, tmp_path: Path, day: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    config = configure(tmp_path, server, feed(server, "world.rss"), fetch=dict(FETCH, fail_if_all_fail=False))
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["build", "--force", "--config", str(config), "--date", day])
    assert code == 0 and "error" not in err.getvalue()
    assert (tmp_path / "out" / day / "briefing.json").is_file()


def test_a_link_that_tries_to_break_out_of_its_markdown_autolink_stays_one_url(
    server: FeedServer, tmp_path: Path
) -> None:
    import markdown

    link = f"{server.base}/a&gt;[click](javascript:alert(1))"
    server.routes["/feeds/hostile.xml"] = serve_bytes(rss(item("Trap", LONG_BODY, link)))
    run = build(configure(tmp_path, server, feed(server, "hostile.xml", full_text=False)))
    assert run.code == 0
    md = run.text("md")
    escaped = f"{server.base}/a%3E%5Bclick%5D(javascript:alert(1))"
    assert f"<{escaped}>" in md
    html = markdown.markdown(md)
    hrefs = [part.split('"', 1)[0] for part in html.split('href="')[1:]]
    outside = {href for href in hrefs if not href.startswith("#") and href != "../index.md"}
    assert outside == {escaped}  # every link to an article goes to the server; no javascript: link


def entries_of(*items: str) -> list[Any]:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Desk</title>'
        + "".join(items)
        + "</channel></rss>"
    ).encode("utf-8")
    return list(
        parse_feed(body, "application/rss+xml", "http://example.org/feed", ZoneInfo("UTC"), 50).entries
    )


DESCRIPTION = "The council approved the budget on Wednesday after a nine-hour debate."
CAPTION = (
    "Councillors leave the city hall after the vote on Wednesday evening, when the long debate on schools, "
    "bridges, libraries and kindergarten fees had finally come to an end after more than nine hours."
)


def test_prose_wins_over_a_longer_image_caption() -> None:
    media = f'<media:content url="http://example.org/a.jpg"><media:description>{CAPTION}</media:description></media:content>'
    figure = (
        f"<content:encoded><![CDATA[<figure><img src='a.jpg'/><figcaption>{CAPTION}</figcaption>"
        "</figure>]]></content:encoded>"
    )
    credit = f"<content:encoded><![CDATA[<p>{CAPTION} (AP Photo/Jane Doe)</p>]]></content:encoded>"
    # an item-level media:description beside an <enclosure> or in a <media:group>: no
    # media:content names the image, but in RSS plain-text content is only ever a caption
    enclosure = (
        '<enclosure url="http://example.org/a.jpg" type="image/jpeg"/>'
        f"<media:description>{CAPTION}</media:description>"
    )
    group = f"<media:group><media:description>{CAPTION}</media:description></media:group>"
    for extra in (media, figure, credit, enclosure, group):
        [entry] = entries_of(
            f"<item><title>Budget</title><description>{DESCRIPTION}</description>{extra}</item>"
        )
        assert entry.text.paragraphs == (DESCRIPTION,)


@pytest.mark.parametrize(
    "tail",
    [
        '<a href="http://example.org/a">Continue reading…</a>',
        "Read more »",
        "[Weiterlesen]",
        "Lire la suite",
        '<p><a href="http://example.org/a">Seguir leyendo</a></p>',
        "<p>Leer</p>",
        "<h3>Mehr zum Thema</h3>",
        "The post Budget approved appeared first on City Desk.",
        "<p>Seguir leyendo:</p>",
        "Lire la suite :",
        "<p>Más información en breve.</p>",
        "<p>Weitere Informationen folgen.</p>",
        "More to follow.",
        "<p>Notizia in aggiornamento.</p>",
    ],
)
def test_read_more_links_are_cut_in_every_language_and_mark_a_teaser(tail: str) -> None:
    [entry] = entries_of(
        f"<item><title>Budget</title>"
        f"<description><![CDATA[<p>{DESCRIPTION}</p> {tail}]]></description></item>"
    )
    assert entry.text.paragraphs == (DESCRIPTION,)
    assert entry.teaser


def test_dates_in_other_languages_and_mojibake_are_read() -> None:
    [entry] = entries_of(
        "<item><title>AdriÃ¡n GonzÃ¡lez gana la final</title>"
        "<pubDate>Seg, 24 Set 2018 10:32:00 -0300</pubDate>"
        "<description>El tenista AdriÃ¡n GonzÃ¡lez ganÃ³ el domingo la final del torneo.</description></item>"
    )
    assert entry.title == "Adrián González gana la final"
    assert entry.text.paragraphs == ("El tenista Adrián González ganó el domingo la final del torneo.",)
    assert entry.published == datetime(2018, 9, 24, 13, 32, tzinfo=UTC)


def test_entries_whose_text_is_only_leer_are_neither_merged_nor_dropped(
    server: FeedServer, tmp_path: Path
) -> None:
    titles = [f"Noticia número {n} del día en la ciudad" for n in range(1, 8)] + ["Sólo el titular"]
    items = [
        item(t, "&lt;a href='x'&gt;Leer&lt;/a&gt;", link=f"{server.base}/n/{n}") for n, t in enumerate(titles)
    ]
    items.append(item("Sólo el titular", "", link=f"{server.base}/n/titular"))  # a headline and no text
    server.routes["/feeds/leer.xml"] = serve_bytes(rss(*items))
    run = build(configure(tmp_path, server, feed(server, "leer.xml", full_text=False)), "-vv")
    assert run.code == 0
    assert sorted(run.articles()) == sorted(set(titles))
    assert "Leer" not in run.passages()
    [line] = [x for x in run.err.splitlines() if "items in the window" in x]
    assert f"{server.base}/feeds/leer.xml: 9 of 9 items in the window, 9 read, " in line
    # with `window: all`, every item is in the window
    run = build(
        configure(
            tmp_path / "all", server, feed(server, "leer.xml", full_text=False), window={"since": "all"}
        ),
        "-vv",
    )
    assert "9 of 9 items in the window, 9 read" in run.err


def test_a_page_has_the_same_title_site_and_date_however_it_arrives(
    server: FeedServer, tmp_path: Path
) -> None:
    page = (FIXTURES / "pages" / "harbour.html").read_text(encoding="utf-8")
    social = page.replace(
        '<meta property="og:site_name" content="Harbour Gazette">',
        '<meta property="og:site_name" content="https://www.facebook.com/harbourgazette">',
    )
    bare = social.replace("after the storm | Harbour Gazette</title>", "after the storm</title>")
    server.routes["/news/social.html"] = serve_bytes(social.encode(), "text/html; charset=utf-8")
    server.routes["/news/bare.html"] = serve_bytes(bare.encode(), "text/html; charset=utf-8")
    write_article(tmp_path, "saved/harbour.html", page)
    published = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Belgrade"))

    def read(source: dict[str, str]) -> tuple[str, str, datetime | None]:
        folder = tmp_path / str(len(list(tmp_path.iterdir())))
        folder.mkdir()
        (folder / "saved").symlink_to(tmp_path / "saved")
        config = write_config(folder, sources=[source], fetch=FETCH, window={"since": "all"})
        [article] = ingest(load_config(config).ingest).articles
        return article.title, article.source, article.published

    harbour = ("Harbour reopens after the storm", "Harbour Gazette", published)
    assert read({"path": "saved/harbour.html"}) == harbour
    assert read({"url": f"{server.base}/articles/harbour.html"}) == harbour
    # A site name that is a social-media URL is never shown: what the <title> adds to the
    # headline stands in, else the page's domain.
    assert read({"url": f"{server.base}/news/social.html"}) == harbour
    assert read({"url": f"{server.base}/news/bare.html"}) == (harbour[0], "127.0.0.1", published)
