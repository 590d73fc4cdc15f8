"""Render: a Briefing → the text of each output file (Markdown, HTML, JSON).

Templates are Jinja2, looked up first in the user's template folder and then in
the bundled set. HTML templates autoescape, so article text stays text;
Markdown output escapes the characters Markdown would act on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import markdown
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
    select_autoescape,
)
from markupsafe import Markup

from briefing.errors import ConfigError
from briefing.models import Article, Briefing, Evidence, Passage, Sentence

FORMATS: dict[str, str] = {"md": "briefing.md.j2", "html": "briefing.html.j2", "txt": "briefing.txt.j2"}
JSON_FORMAT = "json"
_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")
_LANG_CODES = {
    "english": "en",
    "german": "de",
    "french": "fr",
    "spanish": "es",
    "italian": "it",
    "portuguese": "pt",
    "czech": "cs",
    "polish": "pl",
    "swedish": "sv",
    "greek": "el",
}


def bundled_templates() -> Path:
    return Path(str(resources.files("briefing.templates")))


def environment(template_dir: Path | None) -> Environment:
    loaders = [FileSystemLoader(str(template_dir))] if template_dir else []
    loaders.append(FileSystemLoader(str(bundled_templates())))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2", "htm.j2")),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_escape
    env.filters["md_url"] = markdown_url
    return env


def check_templates(template_dir: Path | None, formats: Sequence[str]) -> None:
    """Load every template the formats need; ConfigError naming the broken one."""
    if template_dir is not None and not template_dir.is_dir():
        raise ConfigError(f"templates: {str(template_dir)!r} is not a folder")
    env = environment(template_dir)
    for fmt in formats:
        if fmt in FORMATS:
            try:
                env.get_template(FORMATS[fmt])
            except TemplateSyntaxError as error:
                where = f"{error.filename or error.name}:{error.lineno}: "
                raise ConfigError(f"template {FORMATS[fmt]}: {where}{error.message}") from None
            except TemplateError as error:
                raise ConfigError(f"template {FORMATS[fmt]}: {error.message}") from None


def render(
    briefing: Briefing, formats: Sequence[str], template_dir: Path | None, language: str = "english"
) -> dict[str, str]:
    """The text of each requested format, keyed by file name (briefing.md, …)."""
    env = environment(template_dir)
    context = template_context(briefing, language)
    rendered: dict[str, str] = {}
    for fmt in formats:
        if fmt == JSON_FORMAT:
            rendered["briefing.json"] = to_json(briefing)
            continue
        try:
            text = env.get_template(FORMATS[fmt]).render(context)
        except TemplateError as error:
            raise ConfigError(f"template {FORMATS[fmt]}: {error}") from None
        rendered[f"briefing.{fmt}"] = text
    return rendered


def markdown_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text).replace("<", "&lt;")


# What would end an autolink early (<, >, spaces, controls), and what Python-Markdown acts on
# before it looks for autolinks (code spans, backslash escapes, [links](…)).
_URL_BREAKERS = re.compile(r"[<>\s\x00-\x1f\x7f`\\\[\]]")


def markdown_url(url: str) -> str:
    """A URL for `<…>` in Markdown, %-escaped where it could turn into markup: it stays one URL."""
    return _URL_BREAKERS.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), url)


def template_context(briefing: Briefing, language: str = "english") -> dict[str, Any]:
    numbers = {article.id: i for i, article in enumerate(briefing.articles, start=1)}

    def sentence(s: Sentence) -> dict[str, Any]:
        article = briefing.article(s.article_id)
        return {
            "text": s.text,
            "article": article.id,
            "source": article.source,
            "url": article.url or "",
            "number": numbers[article.id],
            # where in the article: for footnotes or links to the paragraph
            "paragraph": s.paragraph,
            "start": s.start,
            "end": s.end,
        }

    def article_view(a: Article) -> dict[str, Any]:
        return {
            "id": a.id,
            "number": numbers[a.id],
            "title": a.title,
            "source": a.source,
            "url": a.url or "",
            "path": a.path or "",
            "also_in": list(a.also_in),  # other sources that carried the same story
            "undated": bool(a.url) and a.published is None,  # a web item the window could not place
        }

    topics = [
        {
            "id": t.topic.id,
            "anchor": f"topic-{t.topic.id}",
            "title": t.topic.title,
            "summary": [sentence(s) for s in t.summary],
        }
        for t in briefing.topics
        if t.summary
    ]
    context = {
        "title": briefing.title,
        "date": briefing.date.isoformat(),
        "date_long": f"{briefing.date:%A} {briefing.date.day} {briefing.date:%B %Y}",
        "lang": _LANG_CODES.get(language, "en"),
        "intro": briefing.intro,
        # The intro comes from the user's own config, so its Markdown (and HTML) is trusted.
        "intro_html": Markup(markdown.markdown(briefing.intro)) if briefing.intro else "",
        "topics": topics,
        "articles": [article_view(a) for a in briefing.articles],
        "skipped": [{"source": s.source, "reason": s.reason} for s in briefing.skipped],
    }
    return context


def to_json(briefing: Briefing) -> str:
    """The machine-readable briefing; its shape is a stable interface."""

    def link(article: Article) -> dict[str, str]:
        return {"url": article.url} if article.url else {"path": article.path or ""}

    data = {
        "date": briefing.date.isoformat(),
        "title": briefing.title,
        "topics": [
            {
                "id": t.topic.id,
                "title": t.topic.title,
                "discovered": t.topic.discovered,
                "summary": [
                    {
                        "text": s.text,
                        "article": s.article_id,
                        "source": briefing.article(s.article_id).source,
                        "url": briefing.article(s.article_id).url
                        or briefing.article(s.article_id).path
                        or "",
                        "paragraph": s.paragraph,
                        "start": s.start,
                        "end": s.end,
                    }
                    for s in t.summary
                ],
                "passages": passage_records(t.passages, briefing),
            }
            for t in briefing.topics
        ],
        "articles": [
            {
                "id": a.id,
                "title": a.title,
                "source": a.source,
                **link(a),
                "published": a.published.isoformat() if a.published else None,
                **({"also_in": list(a.also_in)} if a.also_in else {}),
            }
            for a in briefing.articles
        ],
        "skipped": [{"source": s.source, "reason": s.reason} for s in briefing.skipped],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def passage_records(passages: Sequence[Passage], briefing: Briefing) -> list[dict[str, Any]]:
    evidence = {(a.passage.article_id, a.passage.index): a.evidence for a in briefing.assignments}
    return [passage_record(p, evidence.get((p.article_id, p.index), Evidence(0.0, ()))) for p in passages]


def passage_record(passage: Passage, evidence: Evidence) -> dict[str, Any]:
    """One paragraph of a topic, with why it is there: the `passages` items of briefing.json."""
    return {
        "article": passage.article_id,
        "paragraph": passage.index,
        "kind": passage.kind.value,
        "text": passage.text,
        "score": evidence.score,
        "terms": list(evidence.terms),
    }
