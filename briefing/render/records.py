"""The JSON records of a briefing's parts: one builder for each, shared by `briefing.json`,
`briefing stories --json` and `briefing summarize --format json`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

from briefing.language import language_code
from briefing.models import (
    OTHER_SECTION,
    Article,
    Briefing,
    Evidence,
    Passage,
    Section,
    Sentence,
    Skipped,
    Story,
)

# The shape of briefing.json; raised when it changes in a way a reader of the file must know.
# 3: ISO 639-1 languages, stable article ids, `url` and `path` both, top-level counts, time zone
# and generation time, `skipped[].kind`, `previous` with each day's story id, passages optional.
JSON_VERSION = 3
SCHEMA_FILE = "schemas/briefing.schema.json"  # package data: the JSON Schema of briefing.json


def sentence_record(sentence: Sentence, article: Article) -> dict[str, Any]:
    """One quoted sentence with its source and where in the article it stands."""
    return {
        "text": sentence.text,
        "article": article.id,
        "source": article.source,
        "url": article.url,  # its public address, or None (a file that names none)
        "path": article.path,  # a file's path, or None
        "speaker": sentence.speaker or None,  # who says it, when the sentence quotes someone it does not name
        "paragraph": sentence.paragraph,
        "start": sentence.start,
        "end": sentence.end,
    }


def story_record(
    story: Story, by_id: Mapping[str, Article], shown: bool, *, passages: bool = True
) -> dict[str, Any]:
    """One story as `briefing.json` and `briefing stories --json` give it; `passages`: with every
    paragraph of the story and why it joined (large: briefing.json has them only when asked)."""
    ids = dict(zip(story.previous, story.previous_ids, strict=False))
    record = {
        "id": story.id,
        "title": story.title,
        "terms": list(story.terms),
        "shown": shown,
        "language": language_code(story.language),
        "articles": [
            {"id": a, "headline": headline}
            for a, headline in zip(story.article_ids, story.headlines, strict=True)
        ],
        "sources": list(story.sources),
        "counts": {"articles": len(story.article_ids), "sources": len(story.sources)},
        "published": story.newest.isoformat() if story.newest else None,
        "status": story.status.value,
        "first_seen": story.first_seen.isoformat() if story.first_seen else None,
        # the earlier briefings it was in, oldest first, with its id in each (None: not known)
        "previous": [{"date": day.isoformat(), "id": ids.get(day) or None} for day in story.previous],
        "summary": [sentence_record(s, by_id[s.article_id]) for s in story.summary],
    }
    if passages:
        record["passages"] = [
            passage_record(p, e) for p, e in zip(story.passages, story.evidence, strict=True)
        ]
    return record


def section_records(
    sections: Sequence[Section], articles: Sequence[Article], other_title: str = "", *, passages: bool = True
) -> list[dict[str, Any]]:
    """The sections and their stories; `other_title` names the stories no topic takes when the
    config gives them no title of its own (the label in the briefing's language)."""
    by_id = {article.id: article for article in articles}
    return [
        {
            "id": section.id,
            "title": section.title or (other_title if section.id == OTHER_SECTION else ""),
            "topic": section.topic is not None,
            "stories": [
                *(story_record(story, by_id, True, passages=passages) for story in section.stories),
                *(story_record(story, by_id, False, passages=passages) for story in section.more),
            ],
        }
        for section in sections
    ]


def article_record(article: Article) -> dict[str, Any]:
    """One article: `url` is its public address (a feed's link, a page's URL, a saved page's
    canonical URL), `path` a file's path; a file that names its address has both."""
    return {
        "id": article.id,
        "title": article.title,
        "source": article.source,
        **({"path": article.path} if article.path else {}),
        **({"url": article.url} if article.url else {}),
        "published": article.published.isoformat() if article.published else None,
        "language": language_code(article.language),
        **({"also_in": list(article.also_in)} if article.also_in else {}),
    }


def skipped_record(item: Skipped) -> dict[str, Any]:
    return {"source": item.source, "reason": item.reason, "kind": item.kind.value}


def briefing_json(briefing: Briefing, other_title: str = "", *, passages: bool = False) -> str:
    """The machine-readable briefing; its shape is a stable interface (README: briefing.json,
    and the JSON Schema shipped as briefing/schemas/briefing.schema.json)."""
    shown = sum(len(section.stories) for section in briefing.sections)
    outlets = {name for a in briefing.articles for name in (a.source, *a.also_in)}
    return as_json(
        {
            "version": JSON_VERSION,
            "date": briefing.date.isoformat(),
            "title": briefing.title,
            "language": language_code(briefing.language),
            "timezone": briefing.timezone,
            "generated_at": briefing.generated_at.isoformat() if briefing.generated_at else None,
            "counts": {
                "articles": len(briefing.articles),
                "sources": len(outlets),
                "stories": len(briefing.stories),
                "shown": shown,
                "skipped": len(briefing.skipped),
            },
            "sections": section_records(briefing.sections, briefing.articles, other_title, passages=passages),
            "articles": [article_record(a) for a in briefing.articles],
            "skipped": [skipped_record(s) for s in briefing.skipped],
        }
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema of briefing.json (package data: briefing/schemas/briefing.schema.json)."""
    text = resources.files("briefing").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def as_json(data: Mapping[str, Any]) -> str:
    """JSON as every file and command writes it: UTF-8 text as is, indented, one final newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def passage_record(passage: Passage, evidence: Evidence) -> dict[str, Any]:
    """One paragraph of a story, with why it is there: the `passages` items of briefing.json."""
    return {
        "article": passage.article_id,
        "paragraph": passage.index,
        "kind": passage.kind.value,
        "text": passage.text,
        "score": evidence.score,
        "terms": list(evidence.terms),
    }
