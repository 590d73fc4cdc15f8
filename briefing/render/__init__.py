"""Render: a Briefing → the text of each output file (Markdown, HTML, text, JSON).

Templates are Jinja2, looked up first in the user's template folder and then in
the bundled set. HTML templates autoescape, so article text stays text;
Markdown output escapes the characters Markdown would act on.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

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
from briefing.models import OTHER_SECTION, Article, Briefing, Section, Story, StoryStatus
from briefing.render.labels import Words, load_table, locale_of
from briefing.render.records import briefing_json, sentence_record, skipped_record

TEMPLATES_FOLDER = "templates"
FORMATS: dict[str, str] = {"md": "briefing.md.j2", "html": "briefing.html.j2", "txt": "briefing.txt.j2"}
JSON_FORMAT = "json"
_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")


@dataclass(frozen=True, slots=True)
class Options:
    """How a briefing is rendered, besides its templates (from `output:` in the config)."""

    locale: str | None = None  # labels and dates; None: the briefing's language
    run_summary: bool = False  # one line for readers: sources read, and how many could not be
    base_url: str | None = None  # where the output folder is published; links become absolute
    files_from: str = ""  # from a day's folder to the folder file sources' paths are relative to


# Silent reading of non-fiction in English, words per minute (Brysbaert 2019, "How many words do
# we read per minute?", J. Memory and Language 109): the header's reading time.
READING_WPM = 238


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


def render(
    briefing: Briefing, formats: Sequence[str], template_dir: Path | None, options: Options = Options()
) -> dict[str, str]:
    """The text of each requested format, keyed by file name (briefing.md, …)."""
    env = environment(template_dir)
    words = words_of(briefing.language, options, template_dir)
    context = template_context(briefing, words, options)
    rendered: dict[str, str] = {}
    for fmt in formats:
        if fmt == JSON_FORMAT:
            rendered["briefing.json"] = briefing_json(briefing, other_title=words.text("other_news"))
            continue
        label = words.for_html() if fmt == "html" else words.for_text()
        try:
            text = env.get_template(FORMATS[fmt]).render({**context, "label": label})
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


def words_of(language: str, options: Options, template_dir: Path | None) -> Words:
    """The labels and dates of the briefing's locale (`options.locale`, else its language); the
    user's labels.yaml, if their template folder has one, over the bundled table."""
    folders = [template_dir] if template_dir else []
    table = load_table([*folders, bundled_templates()])
    return Words(table, locale_of(options.locale or language_code(language)))


def template_context(briefing: Briefing, words: Words, options: Options = Options()) -> dict[str, Any]:
    """What the templates see: the header line, sections of stories with their markers, the
    cited sources by story; `label(key, n=…, **values)` gives the words in the briefing's language."""
    by_id = {article.id: article for article in briefing.articles}
    lang = words.code
    # Still-running stories (nothing new today) are one line each, last in their section.
    shown_whole = [
        story
        for section in briefing.sections
        for story in section.stories
        if story.status is not StoryStatus.STILL_RUNNING
    ]
    numbers = citation_numbers(shown_whole)
    remembered = any(story.status is not StoryStatus.NEW for story in briefing.stories)

    def day_link(day: date, story: Story) -> str:
        """That day's briefing, at the story as it was titled then (its page's top if not known)."""
        ids = dict(zip(story.previous, story.previous_ids, strict=False))
        anchor = f"#story-{ids[day]}" if ids.get(day) else ""
        return f"{_site(options)}{day.isoformat()}/briefing.html{anchor}"

    def day_view(day: date, story: Story) -> dict[str, Any]:
        return {"date": day.isoformat(), "short": words.short_date(day), "link": day_link(day, story)}

    def article_view(a: Article) -> dict[str, Any]:
        return {
            "id": a.id,
            "number": numbers.get(a.id, 0),  # its [n] in citations; 0 when never cited
            "title": a.title,
            "source": a.source,
            "url": a.url or "",
            "path": a.path or "",
            "link": _article_link(a, options),
            "also_in": list(a.also_in),  # other sources that carried the same story
            "undated": bool(a.url) and a.published is None,  # a web item the window could not place
            # when it was published: the time on the briefing's day, else the date too
            "time": _when(a, briefing.date, words),
        }

    def story_view(story: Story, shown: bool) -> dict[str, Any]:
        # Each article under the headline its part of the story stands under (an in-text headline
        # when the story starts partway through it).
        articles = [
            {**article_view(by_id[a]), "title": headline}
            for a, headline in zip(story.article_ids, story.headlines, strict=True)
        ]
        earlier = [d for d in story.previous if d != briefing.date]
        first_seen = story.first_seen if story.first_seen and story.first_seen != briefing.date else None
        return {
            "id": story.id,
            "anchor": f"story-{story.id}",
            "title": story.title,
            "terms": list(story.terms),
            "lang": language_code(story.language),
            "shown": shown,
            "summary": [
                {
                    **sentence_record(s, by_id[s.article_id]),
                    "number": numbers.get(s.article_id, 0),
                    "link": _article_link(by_id[s.article_id], options),
                }
                for s in story.summary
            ]
            if shown
            else [],
            "articles": articles,  # every article it draws on: the "read more" headlines
            "sources": list(story.sources),
            "article_count": len(story.article_ids),
            "source_count": len(story.sources),
            "link": articles[0]["link"] if articles else "",  # its first article's URL or path
            "url": next((a["url"] for a in articles if a["url"]), ""),  # its first article with a URL
            # story memory: new (marked only on a day some story is not), developing, still running
            "status": story.status.value,
            "new": remembered and story.status is StoryStatus.NEW,
            "first_seen": day_view(first_seen, story) if first_seen else None,
            "previous": [day_view(d, story) for d in earlier],
            "also_on": [day_view(d, story) for d in earlier if d != first_seen],
        }

    one_liners_left = MAX_ONE_LINERS

    def section_view(section: Section) -> dict[str, Any]:
        nonlocal one_liners_left
        every = [*((s, True) for s in section.stories), *((s, False) for s in section.more)]
        running = [s for s, _ in every if s.status is StoryStatus.STILL_RUNNING]
        title = section.title or (words.text("other_news") if section.id == OTHER_SECTION else "")
        more = [s for s, whole in every if not whole and s not in running]
        listed = more[: max(one_liners_left, 0)]
        one_liners_left -= len(listed)
        return {
            "id": section.id,
            "anchor": f"section-{section.id}",
            "title": title,
            "stories": [story_view(s, True) for s, whole in every if whole and s not in running],
            "more": [story_view(s, False) for s in listed],
            "more_left": len(more) - len(listed),  # counted, not listed: the e-mail stays under the clip
            "running": [story_view(s, False) for s in running[:MAX_RUNNING]],
        }

    sections = [section_view(section) for section in briefing.sections]
    shown: list[dict[str, Any]] = [story for section in sections for story in section["stories"]]
    cited = [
        {
            "title": story["title"],
            "anchor": story["anchor"],
            "lang": story["lang"],
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
    minutes = max(1, math.ceil(_reading_words(sections) / READING_WPM))
    return {
        "title": briefing.title,
        "date": briefing.date.isoformat(),
        "date_long": words.long_date(briefing.date),
        "lang": lang,
        "dir": "rtl" if words.locale.character_order == "right-to-left" else "ltr",
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
        "reading_minutes": minutes,
        # the inbox's preview line: the top stories' titles
        "preheader": " · ".join(story["title"] for story in shown[:PREHEADER_STORIES]),
        "run_summary": (
            {"read": len(outlets), "not_read": len(briefing.skipped)} if options.run_summary else None
        ),
        "archive_url": f"{_site(options)}index.html",
        # operator facts (stderr, -v, briefing.json): not shown by the bundled templates
        "skipped": [skipped_record(s) for s in briefing.skipped],
    }


PREHEADER_STORIES = 3
# One-line stories listed in a briefing, all sections together, and still-running lines per
# section: a day of 1,000 articles has hundreds of one-article stories, and listing them all
# takes the e-mail past Gmail's 102 KB clip (measured on a 1,000-article BBC day: 410
# one-liners with their CSS inlined, 104,488 bytes; capped, 70 KB; tests/test_reader.py checks
# the size). The rest are counted ("and 350 more"), and are in briefing.json.
MAX_ONE_LINERS = 60
MAX_RUNNING = 10


def _when(article: Article, day: date, words: Words) -> str:
    if article.published is None:
        return ""
    clock, published = words.clock(article.published), article.published.date()
    return clock if published == day else f"{words.short_date(published)}, {clock}"


def _site(options: Options) -> str:
    """Where the output folder is, as seen from a briefing: its published address, or relative."""
    return options.base_url.rstrip("/") + "/" if options.base_url else "../"


def _article_link(article: Article, options: Options) -> str:
    """Where a citation takes the reader: the article's address (http or https), or for a file its
    path, relative to the day's page (absolute as a file: URI when the file is outside the project)."""
    if article.url and article.url.startswith(("http://", "https://")):
        return article.url
    if article.path:
        path = PurePosixPath(Path(article.path).as_posix())
        if Path(article.path).is_absolute():
            return Path(article.path).as_uri()
        return options.files_from + quote(str(path))
    return ""


def _reading_words(sections: Sequence[Mapping[str, Any]]) -> int:
    count = 0
    for section in sections:
        count += len(str(section["title"]).split())
        for story in (*section["stories"], *section["more"], *section["running"]):
            count += len(str(story["title"]).split()) + 2  # its title, its sources or meta line
            count += sum(len(str(s["text"]).split()) + 2 for s in story["summary"])
    return count


def citation_numbers(stories: Sequence[Story]) -> dict[str, int]:
    """[1], [2], … for the articles the stories quote, in the order the briefing first quotes them."""
    numbers: dict[str, int] = {}
    for story in stories:
        for sentence in story.summary:
            numbers.setdefault(sentence.article_id, len(numbers) + 1)
    return numbers
