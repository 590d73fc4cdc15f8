"""Ingest: every configured source → Articles, plus the sources that were skipped.

One bad source or file never stops the others: it is logged, recorded as
`Skipped`, and the briefing is built from the rest.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass

from briefing.config import Config
from briefing.errors import SourceError
from briefing.ingest import files
from briefing.ingest.text import ParsedText, clip_title
from briefing.language import split_sentences
from briefing.models import Article, Skipped

log = logging.getLogger("briefing")


@dataclass(frozen=True, slots=True)
class Ingested:
    articles: tuple[Article, ...]
    skipped: tuple[Skipped, ...]


def ingest(config: Config) -> Ingested:
    articles: list[Article] = []
    skipped: list[Skipped] = []
    seen: dict[str, str] = {}  # text fingerprint → id of the article kept

    def skip(source: str, reason: str) -> None:
        log.warning("%s", reason)
        skipped.append(Skipped(source=source, reason=reason))

    for source in config.sources:
        found = list(files.iter_files(source.path, config.base_dir))
        if not found:
            skip(source.path, f"{source.path}: matched no files; check sources[].path in the config")
            continue
        for path, shown in found:
            try:
                parsed = files.read_file(path, shown)
            except SourceError as error:
                skip(shown, str(error))
                continue
            fingerprint = _fingerprint(parsed)
            if fingerprint in seen:
                skip(shown, f"{shown}: same text as article {seen[fingerprint]}; kept once")
                continue
            article_id = f"a{len(articles) + 1}"
            seen[fingerprint] = article_id
            articles.append(_article(article_id, parsed, shown, source.name, config.language))
    return Ingested(tuple(articles), tuple(skipped))


def _article(article_id: str, parsed: ParsedText, shown: str, name: str | None, language: str) -> Article:
    title = parsed.title
    if not title:
        first = split_sentences(parsed.paragraphs[0], language)
        title = clip_title(first[0] if first else parsed.paragraphs[0])
    return Article(
        id=article_id,
        title=title,
        source=parsed.source or name or _source_from_path(shown),
        paragraphs=parsed.paragraphs,
        path=shown,
        headline_paragraphs=parsed.headline_paragraphs,
    )


def _source_from_path(shown: str) -> str:
    # No outlet named anywhere: the file itself is the most honest source we can show.
    return re.split(r"[\\/]", shown)[-1]


def _fingerprint(parsed: ParsedText) -> str:
    text = re.sub(r"\W+", " ", " ".join(parsed.paragraphs)).lower().strip()
    return hashlib.sha256(text.encode()).hexdigest()
