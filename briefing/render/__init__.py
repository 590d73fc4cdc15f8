"""Render: a Briefing → the text of each output file (Markdown, HTML, text, JSON).

Templates are Jinja2, looked up first in the user's template folder and then in
the bundled set. HTML templates autoescape, so article text stays text;
Markdown output escapes the characters Markdown would act on.
"""

from __future__ import annotations

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
from briefing.language import language_code
from briefing.models import Article, Briefing, Story
from briefing.render.records import briefing_json, sentence_record, skipped_record

TEMPLATES_FOLDER = "templates"
FORMATS: dict[str, str] = {"md": "briefing.md.j2", "html": "briefing.html.j2", "txt": "briefing.txt.j2"}
JSON_FORMAT = "json"
_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")


def bundled_templates() -> Path:
    """The templates shipped with the package (`briefing/templates/`, package data)."""
    return Path(str(resources.files("briefing") / TEMPLATES_FOLDER))


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
    env.filters["md_code"] = markdown_code
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


def render(briefing: Briefing, formats: Sequence[str], template_dir: Path | None) -> dict[str, str]:
    """The text of each requested format, keyed by file name (briefing.md, …)."""
    env = environment(template_dir)
    context = template_context(briefing)
    rendered: dict[str, str] = {}
    for fmt in formats:
        if fmt == JSON_FORMAT:
            rendered["briefing.json"] = briefing_json(briefing)
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


def markdown_code(text: str) -> str:
    """Text as an inline code span, fenced with more backticks than it contains."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def template_context(briefing: Briefing) -> dict[str, Any]:
    """What the templates see: sections of stories, the cited sources by story, the skipped list."""
    numbers = citation_numbers(briefing)
    by_id = {article.id: article for article in briefing.articles}
    lang = language_code(briefing.language)

    def article_view(a: Article) -> dict[str, Any]:
        return {
            "id": a.id,
            "number": numbers.get(a.id, 0),  # its [n] in citations; 0 when never cited
            "title": a.title,
            "source": a.source,
            "url": a.url or "",
            "path": a.path or "",
            "link": a.url or a.path or "",
            "also_in": list(a.also_in),  # other sources that carried the same story
            "undated": bool(a.url) and a.published is None,  # a web item the window could not place
        }

    def story_view(story: Story, shown: bool) -> dict[str, Any]:
        # Each article under the headline its part of the story stands under (an in-text headline
        # when the story starts partway through it).
        articles = [
            {**article_view(by_id[a]), "title": headline}
            for a, headline in zip(story.article_ids, story.headlines, strict=True)
        ]
        return {
            "id": story.id,
            "anchor": f"story-{story.id}",
            "title": story.title,
            "terms": list(story.terms),
            "lang": language_code(story.language),
            "shown": shown,
            "summary": [
                {**sentence_record(s, by_id[s.article_id]), "number": numbers[s.article_id]}
                for s in story.summary
            ],
            "articles": articles,  # every article it draws on: the "read more" headlines
            "sources": list(story.sources),
            "article_count": len(story.article_ids),
            "source_count": len(story.sources),
            "link": articles[0]["link"] if articles else "",  # its first article's URL or path
            "url": next((a["url"] for a in articles if a["url"]), ""),  # its first article with a URL
        }

    sections: list[dict[str, Any]] = [
        {
            "id": section.id,
            "anchor": f"section-{section.id}",
            "title": section.title,
            "stories": [story_view(story, True) for story in section.stories],
            "more": [story_view(story, False) for story in section.more],
        }
        for section in briefing.sections
    ]
    shown: list[dict[str, Any]] = [story for section in sections for story in section["stories"]]
    cited = [
        {
            "title": story["title"],
            "anchor": story["anchor"],
            "articles": sorted(
                (
                    article_view(by_id[a["id"]])
                    for a in story["articles"]
                    if a["id"] in {s["article"] for s in story["summary"]}
                ),
                key=lambda a: int(a["number"]),
            ),
        }
        for story in shown
    ]
    outlets = {name for a in briefing.articles for name in (a.source, *a.also_in)}
    return {
        "title": briefing.title,
        "date": briefing.date.isoformat(),
        "date_long": f"{briefing.date:%A} {briefing.date.day} {briefing.date:%B %Y}",
        "lang": lang,
        "intro": briefing.intro,
        # The intro comes from the user's own config, so its Markdown (and HTML) is trusted.
        "intro_html": Markup(markdown.markdown(briefing.intro)) if briefing.intro else "",
        "sections": sections,
        "titled_sections": any(section["title"] for section in sections),
        "stories": shown,  # the stories shown whole, in order: the contents
        "sources": [group for group in cited if group["articles"]],  # cited articles, by story
        "articles": [article_view(a) for a in briefing.articles],
        "article_count": len(briefing.articles),
        "source_count": len(outlets),
        "story_count": len(briefing.stories),
        "skipped": [skipped_record(s) for s in briefing.skipped],
    }


def citation_numbers(briefing: Briefing) -> dict[str, int]:
    """[1], [2], … for the cited articles, in the order the briefing first quotes them."""
    numbers: dict[str, int] = {}
    for section in briefing.sections:
        for story in section.stories:
            for sentence in story.summary:
                numbers.setdefault(sentence.article_id, len(numbers) + 1)
    return numbers
