"""Fuzzing the three doors untrusted bytes come in by: files, feeds and the config.

Each property is the README's promise: whatever the input, reading it either
works or fails with the one error a user can act on (SourceError skips a file
or feed; ConfigError names the config problem) — never another exception, never
a hang. CI runs a few dozen examples of each (a few seconds); a long run by hand:

    BRIEFING_FUZZ_EXAMPLES=20000 .venv/bin/pytest tests/test_fuzz.py -q

which also turns on a per-example deadline, so a slow input is reported as a failure.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.config import Config, load_config
from briefing.errors import ConfigError, SourceError
from briefing.ingest.feeds import Feed, parse_feed
from briefing.ingest.files import read_file
from briefing.ingest.text import ParsedText

EXAMPLES = int(os.environ.get("BRIEFING_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=EXAMPLES or 30,
    # By hand, an example slower than this is a failure (a hang or worse than linear time);
    # in CI, where the machine may be busy, there is no deadline.
    deadline=timedelta(seconds=10) if EXAMPLES else None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    derandomize=not EXAMPLES,  # CI: the same examples every run; by hand: new ones each time
    database=None if not EXAMPLES else settings.default.database,
)

# Pieces that trip parsers: declarations, comments, CDATA, nesting, entities, Markdown syntax.
MARKUP = [
    "<![",
    "<![CDATA[",
    "]]>",
    "<!--",
    "-->",
    "<!DOCTYPE html>",
    "<?xml ?>",
    "<div>",
    "</div>",
    "<p>",
    "</p>",
    "<a href='",
    "'>",
    "<script>",
    "</script>",
    "<h1>",
    "</h1>",
    "<title>",
    "&lt;",
    "&amp;",
    "&#",
    "&#x1F600;",
    "&nbsp;",
    "<br>",
    "- ",
    "* ",
    "1. ",
    "> ",
    "# ",
    "[",
    "](",
    ")",
    "![",
    "`",
    "```",
    "**",
    "_",
    "\\",
    "|",
    "\n",
    "\n\n",
    "\r",
    "\t",
    " ",
    "/Reuters/",
    "The council met on Monday.",
    "word",
    "Zoë “quote”",
    "\u2028",
    "\x00",
    "\ufeff",
]
markup_text = st.lists(st.sampled_from(MARKUP) | st.text(max_size=8), max_size=200).map("".join)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(
    content=st.one_of(
        markup_text.map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=4000)
    ),
    suffix=st.sampled_from([".txt", ".md", ".html"]),
)
def test_any_file_is_read_or_skipped_with_a_reason(folder: Path, content: bytes, suffix: str) -> None:
    path = folder / f"article{suffix}"
    path.write_bytes(content)
    try:
        parsed = read_file(path, path.name)
    except SourceError as error:
        assert str(error).startswith(path.name)
        return
    assert isinstance(parsed, ParsedText) and parsed.paragraphs
    assert all(isinstance(p, str) and p.strip() for p in parsed.paragraphs)


ENCODINGS = ["UTF-8", "utf-16", "iso-8859-1", "x-nope", "", "ascii", "base64", "rot13", "utf-7"]
feed_item = st.builds(
    lambda title, body, link, date: (
        f"<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate>"
        f"<description>{body}</description><content:encoded>{body}</content:encoded></item>"
    ),
    markup_text,
    markup_text,
    st.sampled_from(["http://127.0.0.1/a", "javascript:alert(1)", "", "http://[::1", "https://x/\u2028"]),
    st.sampled_from(["Wed, 25 Nov 2026 09:00:00 GMT", "", "Wed, 25 Nov 99999 09:00:00 GMT", "0000-00-00"]),
)


@st.composite
def feeds(draw: st.DrawFn) -> bytes:
    encoding = draw(st.sampled_from(ENCODINGS))
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>' if encoding else ""
    items = "".join(draw(st.lists(feed_item, max_size=4)))
    closing = draw(st.sampled_from(["</channel></rss>", "", "</content:encoded></rss>", "<![#"]))
    body = (
        f'{declaration}<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{draw(markup_text)}</title>{items}{closing}"
    )
    return body.encode("utf-8", "surrogatepass")


@FUZZ
@given(
    body=st.one_of(feeds(), st.binary(max_size=3000)),
    content_type=st.sampled_from(["", "text/html", "application/rss+xml; charset=x-nope"]),
)
def test_any_feed_is_parsed_or_refused_with_a_reason(body: bytes, content_type: str) -> None:
    try:
        feed = parse_feed(body, content_type, "http://127.0.0.1/feed", ZoneInfo("Europe/Belgrade"), 100)
    except SourceError as error:
        assert str(error).startswith("http://127.0.0.1/feed: ")
        return
    assert isinstance(feed, Feed)
    for entry in feed.entries:
        assert entry.link is None or entry.link.startswith(("http://", "https://"))


CONFIG_KEYS = [
    "title",
    "timezone",
    "sources",
    "window",
    "since",
    "fetch",
    "timeout",
    "email",
    "from",
    "to",
    "subject",
    "smtp",
    "summary",
    "topics",
    "id",
    "keywords",
    "path",
    "feed",
    "url",
    "output",
]
CONFIG_VALUES = [
    "Europe",
    "Europe/Belgrade",
    "../../etc/passwd",
    "99999999999d",
    "24h",
    "1e309",
    "-1",
    "{{ date - 1 }}",
    "{{ title }}",
    "a@example.org",
    "x\u2028y",
    "x\x0by",
    "http://127.0.0.1/feed",
    "*.txt",
    "null",
    "~",
    "true",
    "9999-12-31",
]
yaml_values = st.recursive(
    st.sampled_from(CONFIG_VALUES)
    | st.integers()
    | st.floats()
    | st.booleans()
    | st.none()
    | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(CONFIG_KEYS), inner, max_size=5)
    ),
    max_leaves=30,
)
YAML_PIECES = [
    "&a ",
    "*a",
    "&b [",
    "*b, ",
    "]",
    "[",
    "{",
    "}",
    ": ",
    "- ",
    "\n",
    "  ",
    "!!str ",
    "!!python/object ",
    "'",
    '"',
    "#",
    "---",
    "...",
    "%YAML 1.1\n",
    "? ",
    ",",
]
yaml_text = st.lists(st.sampled_from(YAML_PIECES + CONFIG_KEYS + CONFIG_VALUES), max_size=80).map("".join)


@FUZZ
@given(
    text=st.one_of(
        yaml_values.map(lambda v: yaml.safe_dump({"sources": [{"path": "*.txt"}], "extra": v})),
        st.dictionaries(st.sampled_from(CONFIG_KEYS), yaml_values, max_size=6).map(
            lambda d: yaml.safe_dump(d, allow_unicode=True)
        ),
        yaml_text,
    )
)
def test_any_config_loads_or_is_refused_with_a_reason(folder: Path, text: str) -> None:
    path = folder / "config.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        config = load_config(path)
    except ConfigError as error:
        assert error.problems and all(line.startswith(str(path)) for line in error.problems)
        return
    assert isinstance(config, Config)
    assert config.zone.key == config.timezone  # a real zone
