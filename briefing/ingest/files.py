"""Articles from local files: .txt (possibly hard-wrapped), .md and .html."""

from __future__ import annotations

import glob
import logging
from collections.abc import Iterator
from pathlib import Path

import markdown

from briefing.errors import SourceError
from briefing.ingest.html import parse_html
from briefing.ingest.pages import parse_saved_page
from briefing.ingest.text import ParsedText, decode, parse_plain_text

log = logging.getLogger("briefing")

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
MAX_FILE_BYTES = 20 * 1024 * 1024  # a day's article is kilobytes; anything this big is a mistake


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


def read_file(path: Path, shown: str, language: str = "english") -> ParsedText:
    """Parse one file; SourceError (with the file named) if it cannot be used."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise SourceError(f"{shown}: unsupported file type {suffix or '(none)'}; use .txt, .md or .html")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SourceError(f"{shown}: file is {size // 1_048_576} MiB, over the 20 MiB limit; skipped")
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(f"{shown}: cannot read file ({error.strerror or error}); skipped") from None
    decoded = decode(data, shown, language)
    if decoded.guessed:
        log.warning("%s: not UTF-8; decoded as %s", shown, decoded.encoding)
    if suffix in (".html", ".htm"):
        parsed = parse_saved_page(decoded.text, shown)  # the extractor used for web pages
    elif suffix in (".md", ".markdown"):
        parsed = parse_html(markdown.markdown(decoded.text))
    else:
        parsed = parse_plain_text(decoded.text)
    if not parsed.paragraphs:
        raise SourceError(f"{shown}: no article text found; skipped")
    return parsed


def iter_files(pattern: str, base_dir: Path) -> Iterator[tuple[Path, str]]:
    for path in expand(pattern, base_dir):
        yield path, display_path(path, base_dir)
