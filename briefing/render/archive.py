"""The archive: every briefing built, newest first, with its stories → index.html, index.md
and latest.html (which opens today's) in the output folder.

Rendered from the store's record of each day (`store.archive`), with the templates
`archive.html.j2` and `archive.md.j2` and the labels of the newest day's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from briefing.errors import ConfigError
from briefing.models import Briefing, StoryStatus
from briefing.render import Options, environment, words_of
from briefing.render.labels import Words
from briefing.store.archive import ArchivedDay, ArchivedStory

ARCHIVE_TEMPLATES = {
    "index.html": "archive.html.j2",
    "index.md": "archive.md.j2",
    "latest.html": "latest.html.j2",
}


def archive_day(briefing: Briefing, files: Sequence[str]) -> ArchivedDay:
    """Today's briefing as the archive lists it."""
    shown = {story.id for section in briefing.sections for story in section.stories}
    return ArchivedDay(
        date=briefing.date,
        title=briefing.title,
        language=briefing.language,
        stories=tuple(
            ArchivedStory(
                story.id,
                story.title,
                story.id in shown,
                story.status.value,
                story.previous,
                story.previous_ids,
            )
            for story in briefing.stories
        ),
        files=tuple(files),
    )


def render_archive(
    days: Sequence[ArchivedDay], template_dir: Path | None, options: Options
) -> dict[str, str]:
    """The archive's pages, keyed by file name; none when no day is built."""
    if not days:
        return {}
    words = words_of(days[0].language, options, template_dir)
    env = environment(template_dir)
    context = {
        "title": days[0].title,
        "lang": words.code,
        "dir": "rtl" if words.locale.character_order == "right-to-left" else "ltr",
        "days": [_day_view(day, words) for day in days],
        "latest": _page(days[0]),
    }
    pages = {}
    for name, template in ARCHIVE_TEMPLATES.items():
        label = words.for_html() if name.endswith(".html") else words.for_text()
        try:
            pages[name] = env.get_template(template).render({**context, "label": label})
        except TemplateError as error:
            raise ConfigError(f"template {template}: {error}") from None
    return pages


def _page(day: ArchivedDay) -> str:
    """The day's page a reader opens: its HTML, else its Markdown, else its plain text or JSON."""
    return f"{day.date.isoformat()}/{day.files[0]}"


def _day_view(day: ArchivedDay, words: Words) -> dict[str, Any]:
    """One day as the archive lists it; "and N more" links to its page, which lists every story."""
    page = _page(day)
    md = f"{day.date.isoformat()}/briefing.md" if "briefing.md" in day.files else page

    def story_view(story: ArchivedStory) -> dict[str, Any]:
        earlier = [d for d in story.previous if d < day.date]
        # that day's anchor: the story's id then (titles, and so ids, change as a story develops)
        ids = zip(story.previous, story.previous_ids, strict=False)
        anchors = {d: f"#story-{ident}" for d, ident in ids if ident}
        return {
            "title": story.title,
            "link": f"{page}#story-{story.id}",
            "md_link": f"{md}#story-{story.id}",
            "status": story.status,
            "developing": story.status != StoryStatus.NEW.value and bool(earlier),
            "days": [
                {
                    "short": words.short_date(d, day.date),
                    "link": f"{d.isoformat()}/briefing.html{anchors.get(d, '')}",
                }
                for d in earlier
            ],
        }

    running = StoryStatus.STILL_RUNNING.value
    shown = [story_view(s) for s in day.stories if s.shown and s.status != running]
    still = [story_view(s) for s in day.stories if s.status == running]
    return {
        "date": day.date.isoformat(),
        "date_long": words.long_date(day.date),
        "title": day.title,
        "link": page,
        "md_link": md,
        "stories": shown,
        "running": still,  # one line each that day, listed here too: a reader looks for them
        "more": len(day.stories) - len(shown) - len(still),
    }
