"""Articles from local files: .txt (possibly hard-wrapped), .md and .html.

A file is read only if it is a regular file (never a FIFO, device or socket,
which could block or never end), and never past its size limit, counted while
reading: a symlink to /dev/zero or a file that grows is cut off, not read on.
"""

from __future__ import annotations

import glob
import logging
import os
import stat
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.errors import SourceError
from briefing.ingest.text import ParsedText, decode, parse_plain_text

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
MAX_FILE_BYTES = 20 * 1024 * 1024  # a day's article is kilobytes; anything this big is a mistake
# markdown-it-py is linear in its input but slow on some crafted text (about 40 µs a
# character for 160 kB of "![", measured): 256 kB keeps the worst .md file near 10 s.
MAX_MARKDOWN_CHARS = 256 * 1024
_READ_CHUNK = 1024 * 1024
# CommonMark with raw HTML passed through (it is then read as HTML, tags dropped); its
# nesting limit keeps "- - - - …" from recursing without end.


def expand(pattern: str, base_dir: Path) -> list[Path]:
    """Files named by a path, folder or glob (relative to base_dir), sorted, deduplicated."""
    raw = Path(pattern).expanduser()
    full = raw if raw.is_absolute() else base_dir / raw
    if glob.has_magic(str(full)):
        found = [Path(p) for p in glob.glob(str(full), recursive=True)]
    elif full.is_dir():
        found = [p for p in full.rglob("*") if p.suffix.lower() in SUFFIXES]
    else:
        found = [full] if full.exists() or full.is_symlink() else []
    return sorted({p for p in found if not p.is_dir()}, key=lambda p: str(p))


def display_path(path: Path, base_dir: Path) -> str:
    try:
        return str(path.relative_to(base_dir))
    except ValueError:
        return str(path)


def read_bytes(path: Path, shown: str, limit: int | None = None) -> bytes:
    """The bytes of a regular file, at most `limit` of them; SourceError naming the file otherwise."""
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        info = path.stat()  # follows symlinks: what would be opened
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(f"{shown}: {_kind(info.st_mode)}, not a regular file; skipped")
        # O_NONBLOCK: if the path was swapped for a FIFO since the stat, opening it cannot hang.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as error:
        raise SourceError(f"{shown}: cannot read file ({error.strerror or error}); skipped") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise SourceError(f"{shown}: not a regular file; skipped")
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, _READ_CHUNK):
            size += len(chunk)
            if size > limit:
                raise SourceError(f"{shown}: file is over the {_mib(limit)} limit; skipped")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as error:
        raise SourceError(f"{shown}: cannot read file ({error.strerror or error}); skipped") from None
    finally:
        os.close(fd)


def read_file(path: Path, shown: str, language: str = "english") -> ParsedText:
    """Parse one file; SourceError (with the file named) if it cannot be used, whatever went wrong."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise SourceError(f"{shown}: unsupported file type {suffix or '(none)'}; use .txt, .md or .html")
    data = read_bytes(path, shown)
    decoded = decode(data, shown, language)
    if decoded.guessed:
        log.warning("%s: not UTF-8; decoded as %s", shown, decoded.encoding)
    try:
        parsed = _parse(decoded.text, suffix, shown)
    except SourceError:
        raise
    except Exception as error:  # untrusted text may trip any parser bug: this file's failure only
        log.debug("%s: parser failed", shown, exc_info=True)
        raise SourceError(f"{shown}: cannot parse ({type(error).__name__}: {error}); skipped") from None
    if not parsed.paragraphs:
        raise SourceError(f"{shown}: no article text found; skipped")
    return parsed


@cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt  # only for a day with .md files

    return MarkdownIt("commonmark")


def _parse(text: str, suffix: str, shown: str) -> ParsedText:
    if suffix in (".html", ".htm"):
        from briefing.ingest.pages import parse_saved_page  # the extractor of web pages: lxml, trafilatura

        return parse_saved_page(text, shown)
    if suffix in (".md", ".markdown"):
        if len(text) > MAX_MARKDOWN_CHARS:
            raise SourceError(
                f"{shown}: {len(text) // 1024} kB of Markdown, over the {MAX_MARKDOWN_CHARS // 1024} kB "
                "limit for .md files; skipped (save it as .txt to read it as plain text)"
            )
        from briefing.ingest.html import parse_html  # lxml's parser: not for a day of .txt files

        return parse_html(_markdown().render(text), shown)
    return parse_plain_text(text)


def iter_files(pattern: str, base_dir: Path) -> Iterator[tuple[Path, str]]:
    for path in expand(pattern, base_dir):
        yield path, display_path(path, base_dir)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def _mib(count: int) -> str:
    return f"{count / 1_048_576:g} MiB"
