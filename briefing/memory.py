"""Remember: today's stories recognised among those of earlier briefings.

Each briefing leaves a record of its stories (store/memory.py): what each was
about (its signature, the stems that tell it apart, with their counts), its
articles, and the sentences a reader was shown. A story of today continues an
earlier one when their signatures are alike — TF-IDF cosine over today's and the
remembered stories together — and is then:

- **developing** when some of its articles were in no earlier briefing: its
  summary prefers what those new articles add that the story's earlier articles
  did not say (of a story shown whole, the concepts they shared are remembered),
  never repeats what was shown;
- **still running** when every one of its articles was read before: one line,
  last in its section.

Otherwise it is **new**. A continued story keeps the day it was first seen, the
list of earlier briefings it was in (with its id in each) and, where no other
story of today has it, the id it had yesterday: its anchor and its id in
briefing.json stay the same while its title changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import groupby

import numpy as np
import scipy.sparse as sp

from briefing.language import word_print
from briefing.models import Article, Briefing, PassageKind, Story, StoryStatus
from briefing.summarise import story_concepts
from briefing.vectors import normalise_rows

# Two days' versions of one story are at least this alike (cosine of their signatures,
# with idf over the stories compared). Measured on DUC 2006 split by date into two days
# (benchmarks/memory.py): 95% of the stories it calls developing are (3 wrong of 58); 0.15
# finds more continuations (88 against 58) but calls 7 of the 33 new folders' stories
# developing. A story that is called new is a small loss; one wrongly called developing
# hides what was shown of another story.
CONTINUES_SIMILARITY = 0.2
# Below that, a story still continues the earlier story it is most alike when it is at
# least CONTINUES_FLOOR alike to it and CONTINUES_MARGIN times as alike as to any other
# earlier story (a ratio test: one clear nearest story, not a crowd of half-alike ones).
# Most stories it finds are of one article, whose signature is one article's words. On
# DUC 2006 split into two days (benchmarks/memory.py) it finds 65 of 115 continued stories
# instead of 54 by date, 62 of 111 instead of 53 with each folder halved at random, calling
# 3 of 28 new stories developing either way (2 before on the second); docs/benchmarks.md.
CONTINUES_FLOOR = 0.16
CONTINUES_MARGIN = 1.5


@dataclass(frozen=True, slots=True)
class Remembered:
    """A story as an earlier briefing showed it."""

    day: date  # the briefing it was in
    id: str
    title: str
    first_seen: date
    previous: tuple[date, ...]  # the briefings before `day` it was in
    signature: tuple[tuple[str, int], ...]
    articles: frozenset[str]  # article_key of each of its articles
    shown: tuple[str, ...]  # the sentences its summary showed
    concepts: tuple[tuple[str, str], ...] = ()  # what its articles said (`story_concepts`)


def article_key(article: Article) -> str:
    """The same article on another day: its URL, or for a file the fingerprint of its words."""
    if article.url:
        return article.url
    fingerprint = article.fingerprint or word_print(article.paragraphs)[1]  # made as it was read
    return "text:" + fingerprint[:24]


def remember(briefing: Briefing) -> list[Remembered]:
    """What the next days need to know of this briefing's stories."""
    by_id = {article.id: article for article in briefing.articles}
    return [
        Remembered(
            day=briefing.date,
            id=story.id,
            title=story.title,
            first_seen=story.first_seen or briefing.date,
            previous=story.previous,
            signature=story.signature,
            articles=frozenset(article_key(by_id[a]) for a in story.article_ids),
            shown=tuple(sentence.text for sentence in story.summary),
            concepts=_said(story),
        )
        for story in briefing.stories
    ]


def _said(story: Story) -> tuple[tuple[str, str], ...]:
    """What a story shown whole told its reader of the event: the concepts its articles shared.
    A one-line story told only its title (and at 10,000 articles, its thousand one-liners would
    cost seconds): nothing."""
    if not story.summary:
        return ()
    return story_concepts(
        [s for p in story.passages if p.kind is PassageKind.BODY for s in p.sentences], story.language
    )


@dataclass(frozen=True, slots=True)
class Recognised:
    """Today's stories, each marked new, developing or still running, and what was shown before."""

    stories: tuple[Story, ...]
    shown_before: dict[str, tuple[str, ...]]  # story id → sentences earlier briefings showed of it
    new_articles: dict[str, frozenset[str]]  # story id → ids of its articles no earlier briefing had
    # story id → what its earlier days' articles said (their concepts)
    concepts_before: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)


def recognise(
    stories: Sequence[Story], articles: Sequence[Article], earlier: Sequence[Remembered], day: date
) -> Recognised:
    """Mark each of today's stories by what earlier briefings (days before `day`) had."""
    earlier = [record for record in earlier if record.day < day]
    if not earlier:
        return Recognised(tuple(replace(s, first_seen=day) for s in stories), {}, {})
    by_id = {article.id: article for article in articles}
    seen_articles = frozenset(key for record in earlier for key in record.articles)
    alike = _alike(stories, earlier)
    marked: list[Story] = []
    shown_before: dict[str, tuple[str, ...]] = {}
    new_articles: dict[str, frozenset[str]] = {}
    concepts_before: dict[str, frozenset[tuple[str, str]]] = {}
    today_ids = {story.id for story in stories}
    kept_ids: set[str] = set()
    for number, story in enumerate(stories):
        fresh = frozenset(a for a in story.article_ids if article_key(by_id[a]) not in seen_articles)
        row = alike.getrow(number)
        matches = _continued(
            sorted(
                (-value, -earlier[k].day.toordinal(), k)
                for k, value in zip(row.indices, row.data, strict=True)
            ),
            earlier,
        )
        if not matches:
            new_articles[story.id] = fresh
            marked.append(replace(story, status=StoryStatus.NEW, first_seen=day, previous=()))
            continue
        best = matches[0]
        # A continuing story keeps the id it had (links and programs follow it across days),
        # unless another of today's stories has that id or a bigger one took it first.
        if best.id not in kept_ids and (best.id == story.id or best.id not in today_ids):
            story = replace(story, id=best.id)
        kept_ids.add(story.id)
        new_articles[story.id] = fresh
        # Every earlier day's version of the story is alike too: all they showed is known.
        shown_before[story.id] = tuple(dict.fromkeys(s for r in matches for s in r.shown))
        concepts_before[story.id] = frozenset(c for r in matches for c in r.concepts)
        status = StoryStatus.DEVELOPING if fresh else StoryStatus.STILL_RUNNING
        days = tuple(sorted({*best.previous, best.day}))
        ids = tuple(next((r.id for r in matches if r.day == d), "") for d in days)
        marked.append(
            replace(story, status=status, first_seen=best.first_seen, previous=days, previous_ids=ids)
        )
    return Recognised(_followed_first(marked), shown_before, new_articles, concepts_before)


def _followed_first(stories: Sequence[Story]) -> tuple[Story, ...]:
    """The stories in their order of importance, but where stories of equal coverage (as many
    outlets and articles) stand next to each other, the developing ones first: between two
    stories as big, the reader looks for the one they have been following. A story never
    moves past one with more or less coverage."""
    return tuple(
        story
        for _, run in groupby(stories, key=lambda s: (len(s.sources), len(s.article_ids)))
        for story in sorted(run, key=lambda s: s.status is not StoryStatus.DEVELOPING)
    )


def _continued(alike: Sequence[tuple[float, int, int]], earlier: Sequence[Remembered]) -> list[Remembered]:
    """The earlier stories a story continues, most alike first, from its (-cosine, -day, index)
    with each remembered story, sorted: those CONTINUES_SIMILARITY alike, or failing them the
    one clear nearest story's records (every earlier day's version of it, by its id)."""
    strong = [earlier[k] for negative, _, k in alike if -negative >= CONTINUES_SIMILARITY]
    if strong or not alike:
        return strong
    best: dict[str, float] = {}  # each earlier story (its versions share an id): its best cosine
    for negative, _, k in alike:
        best.setdefault(earlier[k].id, -negative)
    nearest, *others = best.items()
    if nearest[1] < CONTINUES_FLOOR or (others and nearest[1] < CONTINUES_MARGIN * others[0][1]):
        return []
    return [earlier[k] for _, _, k in alike if earlier[k].id == nearest[0]]


def _alike(stories: Sequence[Story], earlier: Sequence[Remembered]) -> sp.csr_matrix:
    """Cosine of each story's signature with each remembered one's, kept where it could tell
    a continuation (`_continued`: the ratio test needs the next nearest down to
    CONTINUES_FLOOR / CONTINUES_MARGIN).

    Sub-linear tf × smoothed idf over the stories compared (today's and the remembered).
    """
    bags = [s.signature for s in stories] + [r.signature for r in earlier]
    vocab: dict[str, int] = {}
    rows, columns, counts = [], [], []
    for row, bag in enumerate(bags):
        for term, count in bag:
            rows.append(row)
            columns.append(vocab.setdefault(term, len(vocab)))
            counts.append(float(count))
    matrix = sp.csr_matrix((counts, (rows, columns)), shape=(len(bags), len(vocab)))
    matrix.sum_duplicates()
    df = np.bincount(matrix.indices, minlength=len(vocab))
    weights = np.log((1.0 + len(bags)) / (1.0 + df)) + 1.0
    matrix.data = np.log(np.maximum(matrix.data, 1.0)) + 1.0
    vectors = normalise_rows(sp.csr_matrix(matrix @ sp.diags(weights)))
    today, before = vectors[: len(stories)], vectors[len(stories) :]
    similar = sp.csr_matrix(today @ before.T)
    similar.data[similar.data < CONTINUES_FLOOR / CONTINUES_MARGIN] = 0.0
    similar.eliminate_zeros()
    return similar
