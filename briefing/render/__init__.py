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
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from markupsafe import Markup

from briefing.errors import ConfigError
from briefing.language import language_code
from briefing.models import OTHER_SECTION, Article, Briefing, Section, SkipKind, Story, StoryStatus
from briefing.render.records import briefing_json, sentence_record, skipped_record

# Jinja2, Markdown and Babel (the labels) are imported when a briefing is rendered: the
# commands that only print (render.console) start without them.
if TYPE_CHECKING:
    from jinja2 import Environment

    from briefing.render.labels import Words

TEMPLATES_FOLDER = "templates"
# Each format's template. `mail` is the HTML part of the e-mail: the page's template rendered for a
# mail client (lists capped under Gmail's clip, no link that needs the page's folder).
FORMATS: dict[str, str] = {
    "md": "briefing.md.j2",
    "html": "briefing.html.j2",
    "txt": "briefing.txt.j2",
    "mail": "briefing.html.j2",
}
JSON_FORMAT = "json"
# The file each format is written to in out/<date>/.
FILE_NAMES: dict[str, str] = {
    "md": "briefing.md",
    "html": "briefing.html",
    "txt": "briefing.txt",
    "mail": "briefing.mail.html",
    "json": "briefing.json",
}
# Read in a mail client, where a link can only be an address on the web: the plain text (the
# e-mail's text part) and the e-mail's HTML. The page and the Markdown are read beside their files.
MAIL_MEDIA = frozenset({"txt", "mail"})
_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")


@dataclass(frozen=True, slots=True)
class Options:
    """How a briefing is rendered, besides its templates (from `output:` in the config)."""

    locale: str | None = None  # labels and dates; None: the briefing's language
    run_summary: bool = False  # one line for readers: sources read, and how many could not be
    base_url: str | None = None  # where the output folder is published; links become absolute
    files_from: str = ""  # from a day's folder to the folder file sources' paths are relative to
    json_passages: bool = False  # every story's passages in briefing.json (large: off by default)


# Silent reading of non-fiction in English, words per minute (Brysbaert 2019, "How many words do
# we read per minute?", J. Memory and Language 109): the header's reading time.
READING_WPM = 238


def bundled_templates() -> Path:
    """The templates shipped with the package (`briefing/templates/`, package data)."""
    return Path(str(resources.files("briefing") / TEMPLATES_FOLDER))


def environment(template_dir: Path | None) -> Environment:
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

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
    from jinja2 import TemplateError, TemplateSyntaxError

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
    from jinja2 import TemplateError

    env = environment(template_dir)
    words = words_of(briefing.language, options, template_dir)
    context = template_context(briefing, words, options)
    rendered: dict[str, str] = {}
    contexts = {False: context}
    for fmt in formats:
        if fmt == JSON_FORMAT:
            rendered[FILE_NAMES[fmt]] = briefing_json(
                briefing, other_title=words.text("other_news"), passages=options.json_passages
            )
            continue
        mail = fmt in MAIL_MEDIA
        if mail not in contexts:
            contexts[mail] = template_context(briefing, words, options, mail=mail)
        label = words.for_html() if fmt in ("html", "mail") else words.for_text()
        try:
            text = env.get_template(FORMATS[fmt]).render({**contexts[mail], "label": label})
        except TemplateError as error:
            raise ConfigError(f"template {FORMATS[fmt]}: {error}") from None
        rendered[FILE_NAMES[fmt]] = text
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
    from briefing.render.labels import Words, load_table, locale_of

    folders = [template_dir] if template_dir else []
    table = load_table([*folders, bundled_templates()])
    return Words(table, locale_of(options.locale or language_code(language)))


def template_context(
    briefing: Briefing, words: Words, options: Options = Options(), *, mail: bool = False
) -> dict[str, Any]:
    """What the templates see: the header line, sections of stories with their markers, the
    cited sources by story; `label(key, n=…, **values)` gives the words in the briefing's language.

    `mail`: for a mail client (the e-mail's parts), where only web addresses can be links: links
    to the archive, to earlier days and into the page are absolute with `output.base_url` and
    empty ("": shown unlinked) without it, articles link only to their public URL, and the long
    lists are cut, each with "and N more" linking to the page's full list. For the page (`mail`
    off), every list is whole and links may be relative to the day's folder.
    """
    by_id = {article.id: article for article in briefing.articles}
    lang = words.code
    site = _site(options, mail)  # the output folder, as seen from the day's page; None: no link
    page = f"{site}{briefing.date.isoformat()}/briefing.html" if site is not None else None
    # Still-running stories (nothing new today) are one line each, last in their section.
    shown_whole = [
        story
        for section in briefing.sections
        for story in section.stories
        if story.status is not StoryStatus.STILL_RUNNING
    ]
    numbers = citation_numbers(shown_whole)
    remembered = any(story.status is not StoryStatus.NEW for story in briefing.stories)

    def on_page(anchor: str) -> str:
        """A place on today's page: the anchor itself on the page, its address from a message."""
        if not mail:
            return f"#{anchor}"
        return f"{page}#{anchor}" if page else ""

    def day_link(day: date, story: Story) -> str:
        """That day's briefing, at the story as it was titled then (its page's top if not known)."""
        if site is None:
            return ""
        ids = dict(zip(story.previous, story.previous_ids, strict=False))
        anchor = f"#story-{ids[day]}" if ids.get(day) else ""
        return f"{site}{day.isoformat()}/briefing.html{anchor}"

    def day_view(day: date, story: Story) -> dict[str, Any]:
        return {
            "date": day.isoformat(),
            "short": words.short_date(day, briefing.date),
            "link": day_link(day, story),
        }

    def article_view(a: Article, title: str | None = None) -> dict[str, Any]:
        return {
            "id": a.id,
            "number": numbers.get(a.id, 0),  # its [n] in citations; 0 when never cited
            "title": a.title if title is None else title,
            "source": a.source,
            "url": a.url or "",
            "path": "" if mail else a.path or "",  # a local file means nothing in a message
            "link": _article_link(a, options, mail),
            "also_in": list(a.also_in),  # other sources that carried the same story
            "undated": a.path is None and a.published is None,  # a web item the window could not place
            # when it was published: the time on the briefing's day, else the date too
            "time": _when(a, briefing.date, words),
        }

    def story_view(story: Story, shown: bool) -> dict[str, Any]:
        # Each article under the headline its part of the story stands under (an in-text headline
        # when the story starts partway through it).
        articles = [
            article_view(by_id[a], headline)
            for a, headline in zip(story.article_ids, story.headlines, strict=True)
        ]
        read_more = articles[:READ_MORE] if mail else articles
        earlier = [d for d in story.previous if d != briefing.date]
        first_seen = story.first_seen if story.first_seen and story.first_seen != briefing.date else None
        anchor = f"story-{story.id}"
        return {
            "id": story.id,
            "anchor": anchor,
            "href": on_page(anchor),  # the contents' link to it ("": none)
            "title": story.title,
            "terms": list(story.terms),
            "lang": language_code(story.language),
            "shown": shown,
            "summary": [
                {
                    **sentence_record(s, by_id[s.article_id]),
                    "number": numbers.get(s.article_id, 0),
                    "link": _article_link(by_id[s.article_id], options, mail),
                }
                for s in story.summary
            ]
            if shown
            else [],
            "articles": articles,  # every article it draws on
            "read_more": read_more,  # the "read more" headlines listed (in a message, the first few)
            "read_more_left": len(articles) - len(read_more),  # "and N more"
            "read_more_link": on_page(anchor) if len(read_more) < len(articles) else "",
            "sources": list(story.sources),
            "article_count": len(story.article_ids),
            "source_count": len(story.sources),
            # its first article's link; its first article with a URL
            "link": next((a["link"] for a in articles if a["link"]), ""),
            "url": next((a["url"] for a in articles if a["url"]), ""),
            # story memory: new (marked only on a day some story is not), developing, still running
            "status": story.status.value,
            "new": remembered and story.status is StoryStatus.NEW,
            "first_seen": day_view(first_seen, story) if first_seen else None,
            "previous": [day_view(d, story) for d in earlier],
            "also_on": [day_view(d, story) for d in earlier if d != first_seen],
        }

    one_liners_left = MAX_ONE_LINERS if mail else len(briefing.stories)

    def section_view(section: Section) -> dict[str, Any]:
        nonlocal one_liners_left
        every = [*((s, True) for s in section.stories), *((s, False) for s in section.more)]
        running = [s for s, _ in every if s.status is StoryStatus.STILL_RUNNING]
        title = section.title or (words.text("other_news") if section.id == OTHER_SECTION else "")
        more = [s for s, whole in every if not whole and s not in running]
        listed = more[: max(one_liners_left, 0)]
        one_liners_left -= len(listed)
        running_listed = running[:MAX_RUNNING] if mail else running
        return {
            "id": section.id,
            "anchor": f"section-{section.id}",
            "title": title,
            "stories": [story_view(s, True) for s, whole in every if whole and s not in running],
            "more": [story_view(s, False) for s in listed],
            "more_anchor": f"more-{section.id}",
            # counted, not listed, in a message (it stays under the clip): the page lists them all
            "more_left": len(more) - len(listed),
            "more_link": on_page(f"more-{section.id}") if len(listed) < len(more) else "",
            "running": [story_view(s, False) for s in running_listed],
            "running_anchor": f"running-{section.id}",
            "running_left": len(running) - len(running_listed),
            "running_link": on_page(f"running-{section.id}") if len(running_listed) < len(running) else "",
        }

    sections = [section_view(section) for section in briefing.sections]
    shown: list[dict[str, Any]] = [story for section in sections for story in section["stories"]]
    cited = [
        {
            "title": story["title"],
            "anchor": story["anchor"],
            "lang": story["lang"],
            # each quoted article under the headline it has in this story, as under "Read more"
            "articles": sorted(
                (a for a in story["articles"] if a["id"] in {s["article"] for s in story["summary"]}),
                key=lambda a: int(a["number"]),
            ),
        }
        for story in shown
    ]
    outlets = {name for a in briefing.articles for name in (a.source, *a.also_in)}
    minutes = max(1, math.ceil(_reading_words(sections) / READING_WPM))
    failed = [s for s in briefing.skipped if s.kind is SkipKind.FAILED]
    return {
        "title": briefing.title,
        "date": briefing.date.isoformat(),
        "date_long": words.long_date(briefing.date),
        "lang": lang,
        "dir": "rtl" if words.locale.character_order == "right-to-left" else "ltr",
        "medium": "mail" if mail else "web",
        "intro": briefing.intro,
        # The intro comes from the user's own config, so its Markdown (and HTML) is trusted.
        "intro_html": Markup(_markdown_html(briefing.intro)) if briefing.intro else "",
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
        "run_summary": ({"read": len(outlets), "not_read": len(failed)} if options.run_summary else None),
        "archive_url": f"{site}index.html"
        if site is not None
        else "",  # "": no link (a message, no base_url)
        "page_url": page or "",  # today's page on the web, from a message ("" without base_url)
        # operator facts (stderr, -v, briefing.json): not shown by the bundled templates
        "skipped": [skipped_record(s) for s in briefing.skipped],
    }


PREHEADER_STORIES = 3
# One-line stories listed in a message, all sections together, and still-running lines per
# section: a day of 1,000 articles has hundreds of one-article stories, and listing them all
# takes the e-mail past Gmail's 102 KB clip (measured on a 1,000-article BBC day: 410
# one-liners with their CSS inlined, 104,488 bytes; capped, 70 KB; tests/test_reader.py checks
# the size). The rest are counted ("and 350 more"), linked to the page, which lists them all.
MAX_ONE_LINERS = 60
MAX_RUNNING = 10
READ_MORE = 5  # "read more" headlines a story lists in a message; the page lists every one


def _markdown_html(text: str) -> str:
    import markdown

    return markdown.markdown(text)


def _when(article: Article, day: date, words: Words) -> str:
    """When it was published, as a reader needs it: the time and zone on the briefing's day,
    else the date too (with the year when it is another year's)."""
    if article.published is None:
        return ""
    clock, published = words.clock(article.published), article.published.date()
    return clock if published == day else f"{words.short_date(published, day)}, {clock}"


def _site(options: Options, mail: bool = False) -> str | None:
    """Where the output folder is, as seen from a briefing: its published address, or relative
    from the page; None from a message without a published address (nothing to link to)."""
    if options.base_url:
        return options.base_url.rstrip("/") + "/"
    return None if mail else "../"


def _article_link(article: Article, options: Options, mail: bool = False) -> str:
    """Where a citation takes the reader: the article's public address (http or https); else, on
    the page, for a file its path relative to the day's page (absolute as a file: URI when the
    file is outside the project); from a message, nowhere ("")."""
    if article.url and article.url.startswith(("http://", "https://")):
        return article.url
    if article.path and not mail:
        path = PurePosixPath(Path(article.path).as_posix())
        if Path(article.path).is_absolute():
            return Path(article.path).as_uri()
        return options.files_from + quote(str(path))
    return ""


def _reading_words(sections: Sequence[Mapping[str, Any]]) -> int:
    """The words a reader reads: as many one-line stories as a message lists, so that the page
    and the message give the same reading time."""
    count, one_liners = 0, MAX_ONE_LINERS
    for section in sections:
        count += len(str(section["title"]).split())
        more = section["more"][: max(one_liners, 0)]
        one_liners -= len(more)
        for story in (*section["stories"], *more, *section["running"][:MAX_RUNNING]):
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
