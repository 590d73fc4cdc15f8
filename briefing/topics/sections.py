"""Stories → sections: each configured topic collects the stories that match it.

A story matches the topic that most of its body passages were given (ties go
to the topic listed first); a story whose passages mostly fit no topic goes
to the section of the rest, titled `other_title`. With no topics configured
there is one untitled section: the briefing is the list of stories.

Which stories are shown whole is decided over the whole briefing, not per
section: the `featured` most important stories, and the lead story of every
configured topic that has one, so no topic the reader asked for is a bare
list. Every other story is one line under "More stories" in its section.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from briefing.models import (
    OTHER_SECTION,
    STORIES_SECTION,
    Passage,
    PassageKind,
    Section,
    Story,
    StoryStatus,
    Topic,
)

if TYPE_CHECKING:
    from briefing.config import TopicConfig


def topic_cuts(articles: Sequence[Sequence[Passage]], labels: Sequence[int]) -> dict[int, set[int]]:
    """For each article, the passage indices where its configured topic changes."""
    cuts: dict[int, set[int]] = {}
    row = 0
    for number, passages in enumerate(articles):
        for offset in range(1, len(passages)):
            if labels[row + offset] != labels[row + offset - 1]:
                cuts.setdefault(number, set()).add(passages[offset].index)
        row += len(passages)
    return cuts


def topic_of_story(story: Story, label_of: dict[tuple[str, int], int]) -> int:
    """The topic (index) most of the story's body passages were given, or -1 for none."""
    body = [p for p in story.passages if p.kind is PassageKind.BODY] or list(story.passages)
    votes: dict[int, int] = {}
    for passage in body:
        label = label_of.get((passage.article_id, passage.index), -1)
        votes[label] = votes.get(label, 0) + 1
    best = max(votes.values())
    topics = sorted(label for label, count in votes.items() if count == best and label >= 0)
    return topics[0] if topics else -1


def make_sections(
    stories: Sequence[Story],
    configured: Sequence[TopicConfig],
    topic_of: Sequence[int],
    other_title: str,
    featured: int,
    quotable: Sequence[bool] | None = None,
) -> tuple[Section, ...]:
    """Sections in config order, then the rest; `topic_of` gives each story's topic (its index
    in `configured`, the config's `topics:`) or -1.

    Only `quotable` stories (ones with a sentence a summary could quote) are shown whole,
    and never one that is still running (nothing new since an earlier briefing): those are
    one line each, last in their section.
    """
    topics = [
        Topic(t.id, t.title, tuple(k.term for k in t.weighted_keywords()), t.description) for t in configured
    ]
    quotable = quotable if quotable is not None else [True] * len(stories)
    running = [story.status is StoryStatus.STILL_RUNNING for story in stories]
    candidates = [k for k in range(len(stories)) if quotable[k] and not running[k]]
    shown = set(candidates[:featured])
    for number in range(len(topics)):
        lead = next((k for k in candidates if topic_of[k] == number), None)
        if lead is not None:
            shown.add(lead)
    groups: list[tuple[str, str, Topic | None, int]] = [(t.id, t.title, t, k) for k, t in enumerate(topics)]
    if topics:
        groups.append((OTHER_SECTION, other_title, None, -1))
    else:
        groups.append((STORIES_SECTION, "", None, -1))
    sections = []
    for ident, title, topic, number in groups:
        mine = [k for k, t in enumerate(topic_of) if t == number]
        if not mine:
            continue
        sections.append(
            Section(
                id=ident,
                title=title,
                stories=tuple(stories[k] for k in mine if k in shown),
                more=tuple(stories[k] for k in sorted(mine, key=lambda k: running[k]) if k not in shown),
                topic=topic,
            )
        )
    return tuple(sections)
