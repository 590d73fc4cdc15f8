"""The JSON records of a briefing's parts: one builder for each, shared by `briefing.json`,
`briefing stories --json` and `briefing summarize --format json`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

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
JSON_VERSION = 2


def sentence_record(sentence: Sentence, article: Article) -> dict[str, Any]:
    """One quoted sentence with its source and where in the article it stands."""
    return {
        "text": sentence.text,
        "article": article.id,
        "source": article.source,
        "url": article.url or article.path or "",
        "speaker": sentence.speaker or None,  # who says it, when the sentence quotes someone it does not name
        "paragraph": sentence.paragraph,
        "start": sentence.start,
        "end": sentence.end,
    }


def story_record(story: Story, by_id: Mapping[str, Article], shown: bool) -> dict[str, Any]:
    """One story as `briefing.json` and `briefing stories --json` give it."""
    return {
        "id": story.id,
        "title": story.title,
        "terms": list(story.terms),
        "shown": shown,
        "language": story.language,
        "articles": [
            {"id": a, "headline": headline}
            for a, headline in zip(story.article_ids, story.headlines, strict=True)
        ],
        "sources": list(story.sources),
        "counts": {"articles": len(story.article_ids), "sources": len(story.sources)},
        "published": story.newest.isoformat() if story.newest else None,
        "status": story.status.value,
        "first_seen": story.first_seen.isoformat() if story.first_seen else None,
        "previous": [day.isoformat() for day in story.previous],
        "summary": [sentence_record(s, by_id[s.article_id]) for s in story.summary],
        "passages": [passage_record(p, e) for p, e in zip(story.passages, story.evidence, strict=True)],
    }


def section_records(
    sections: Sequence[Section], articles: Sequence[Article], other_title: str = ""
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
                *(story_record(story, by_id, True) for story in section.stories),
                *(story_record(story, by_id, False) for story in section.more),
            ],
        }
        for section in sections
    ]


def article_record(article: Article) -> dict[str, Any]:
    link = {"url": article.url} if article.url else {"path": article.path or ""}
    return {
        "id": article.id,
        "title": article.title,
        "source": article.source,
        **link,
        "published": article.published.isoformat() if article.published else None,
        **({"also_in": list(article.also_in)} if article.also_in else {}),
    }


def skipped_record(item: Skipped) -> dict[str, Any]:
    return {"source": item.source, "reason": item.reason}


def briefing_json(briefing: Briefing, other_title: str = "") -> str:
    """The machine-readable briefing; its shape is a stable interface (README: briefing.json)."""
    return as_json(
        {
            "version": JSON_VERSION,
            "date": briefing.date.isoformat(),
            "title": briefing.title,
            "language": briefing.language,
            "sections": section_records(briefing.sections, briefing.articles, other_title),
            "articles": [article_record(a) for a in briefing.articles],
            "skipped": [skipped_record(s) for s in briefing.skipped],
        }
    )


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
