"""Stories benchmark: does a day of news become the right stories, one event each, and how fast?

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/stories.py [--data ../shared/eval] [--only NAME ...] [--sizes 100,1000,10000]

Reads ../shared/eval (see its README.md). Every task runs in a fresh process (peak
memory is that process's); each prints a Markdown table. A day is grouped as
`briefing build` groups it (no topics), and the stories shown whole are summarised
with the default summary; then, against the day's folders (or categories):

- foreign summary sentences: sentences of the shown stories whose paragraph's folder
  is not the story's majority folder (the paragraph's folder is known: a joined file's
  second part, from the first paragraph that opens like one of the second article's,
  belongs to the second folder; an article NIST put in several folders belongs to each);
- NMI and ARI, article level (each article's story is the one holding most of its
  text) and passage level, beside the plain anchor of ../shared/eval/README.md run
  on the same files (whole-article TF-IDF, average linkage at cosine distance 0.9);
- purity of the 10 largest stories (share of their passages from their majority folder);
- titles: share of shown stories whose title's article supplies a summary sentence;
- stories per article.

Tasks:
1. duc: all 1,250 DUC 2006 articles as one day.
2. joined: the same articles with a quarter of the day's files made of two articles
   of different folders joined (fixed seed), with and without the second article's
   headline line; Pk of the story changes inside the joined files (k = half the
   mean reference segment length).
3. events: three held-out-like days of 500 files (10 articles of each DUC folder,
   seeds 1-3, a quarter of the files two joined articles with the second headline).
4. bbc: ten days of 60 BBC articles (12 per category, seeds 1-10, as
   ../shared/tools/bbc_day.py builds one), through `build_briefing`: stories that join
   articles of two categories (two categories are never one story), categories
   reaching the reader, titles, stories per article, the anchor's mixed clusters; and
   a day of 300 (60 per category): categories among the ten stories shown whole.
5. subject: days of one subject. Each DUC folder alone (22-25 articles on one topic;
   D0640D, the Kursk sinking, and D0617H, the EgyptAir crash, are one event each):
   stories and the largest story's share; each folder with its two nearest folders
   (TF-IDF centroids) as a day of about 75 articles: NMI, ARI and the stories holding an
   article of another folder; the anchor on the same days. And a BBC day of each
   category (60 articles, seed 1), its largest story listed (no event labels there).
6. small: the four-article two-story days of tests/fixtures/stories (English,
   German, both at once) and the bundled example with and without its topics.
7. growth: days of 100 to 10,000 articles (BBC and DUC articles, and for more,
   other outlets' versions of them: 70% of each article's sentences, one sentence a
   paragraph as many news sites print them), grouping time and peak memory, and the
   growth exponent between sizes.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import math
import multiprocessing
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # run as a script: make `benchmarks.metrics` importable

from benchmarks.metrics import pk  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "eval"
DAY = date(2026, 11, 26)
Result = dict[str, Any]


# --- reading days ------------------------------------------------------------------------


def _config(paths: str, base: Path, **extra: Any) -> Any:
    from briefing.config import parse_config

    return parse_config({"sources": [{"path": paths, "name": "Wire"}], **extra}, base_dir=base)


def _group(config: Any) -> tuple[Any, list[Any], float]:
    """Ingest the config's files, then time the grouping alone: (articles, stories, seconds)."""
    from briefing.ingest import ingest
    from briefing.pipeline import group

    articles = ingest(config.ingest).articles
    started = time.perf_counter()
    sections = group(config, articles).sections
    seconds = time.perf_counter() - started
    return articles, [story for section in sections for story in (*section.stories, *section.more)], seconds


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _article_labels(articles: Sequence[Any], stories: Sequence[Any]) -> dict[str, str]:
    """Each article's story: the one holding most of its text."""
    size: Counter[tuple[str, str]] = Counter()
    for story in stories:
        for passage in story.passages:
            size[passage.article_id, story.id] += len(passage.text)
    best: dict[str, tuple[int, str]] = {}
    for (article, story), chars in size.items():
        if article not in best or chars > best[article][0]:
            best[article] = (chars, story)
    return {a.id: best[a.id][1] for a in articles}


def _anchor(texts: Sequence[str]) -> list[int]:
    """../shared/eval/README.md's plain anchor: whole-article TF-IDF, average linkage at 0.9."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectors = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts).toarray()
    model = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=0.9
    )
    return [int(x) for x in model.fit_predict(vectors)]


# --- scoring a day ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    """Where a file of the day comes from: the DUC folders holding its article (its own folder
    first: NIST put a few articles in two or three folders), and for a joined file those of its
    second article and the openings of that article's paragraphs."""

    folders: tuple[str, ...]
    second: tuple[str, ...] = ()
    openings: frozenset[str] = frozenset()


Truth = dict[str, _Source]
_CODE = re.compile(r"&\w+;")


def _opening(text: str) -> str:
    """A paragraph's first words, as the reader keeps them (typesetting codes such as &HT; dropped)."""
    return " ".join(re.findall(r"\w+", _CODE.sub(" ", text))[:8]).lower()


@cache
def _holders(docs: Path) -> dict[str, tuple[str, ...]]:
    """Each DUC file name → the folders holding it."""
    held: dict[str, list[str]] = {}
    for f in sorted(docs.glob("*/*.txt")):
        held.setdefault(f.name, []).append(f.parent.name)
    return {name: tuple(folders) for name, folders in held.items()}


def _folders_of(f: Path) -> tuple[str, ...]:
    others = [x for x in _holders(f.parent.parent).get(f.name, ()) if x != f.parent.name]
    return (f.parent.name, *others)


def _paragraph_folders(articles: Sequence[Any], truth: Truth) -> dict[tuple[str, int], tuple[str, ...]]:
    """(article id, paragraph) → its folders; a joined file's second part is the second article's.

    The second part starts at the first paragraph (after the first) that opens like one of
    the second article's paragraphs: its first line may be a code the reader drops."""
    folder_of = {}
    for article in articles:
        source = truth[Path(article.path).name]
        second = None
        if source.second:
            second = next(
                (
                    i
                    for i, text in enumerate(article.paragraphs)
                    if i > 0 and len(_opening(text).split()) >= 4 and _opening(text) in source.openings
                ),
                None,
            )
        for i in range(len(article.paragraphs)):
            folder_of[article.id, i] = source.second if second is not None and i >= second else source.folders
    return folder_of


def _title_supplied(story: Any) -> bool:
    """Does the title's article supply a summary sentence (or the title quote one)?"""
    title = story.title.rstrip("…").lower()
    quoted = {s.article_id for s in story.summary}
    heads = [
        (a, " ".join(h.split()).lower()) for a, h in zip(story.article_ids, story.headlines, strict=True)
    ]
    heads += [(a, h.rstrip("…").lower()) for a, h in getattr(story, "headline_choices", ())]
    return any(a in quoted and h.startswith(title) for a, h in heads) or any(
        s.text.lower().startswith(title) for s in story.summary
    )


def _score_day(config: Any, truth: Truth) -> Result:
    """Group and summarise a day as `briefing build` does; score it against the folders."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from briefing.ingest import ingest
    from briefing.pipeline import group, summarise_story

    articles = ingest(config.ingest).articles
    started = time.perf_counter()
    sections = group(config, articles).sections
    seconds = time.perf_counter() - started
    peak = _peak_mib()
    stories = [story for section in sections for story in (*section.stories, *section.more)]
    shown = [summarise_story(s, config.summary, articles) for section in sections for s in section.stories]
    held_by = _paragraph_folders(articles, truth)
    folder_of = {key: folders[0] for key, folders in held_by.items()}
    majority = {
        s.id: Counter(folder_of[p.article_id, p.index] for p in s.passages).most_common(1)[0][0]
        for s in stories
    }
    # A sentence of an article NIST put in two folders is foreign to neither.
    foreign = sum(majority[s.id] not in held_by[x.article_id, x.paragraph] for s in shown for x in s.summary)
    story = _article_labels(articles, stories)
    passage_truth = [folder_of[p.article_id, p.index] for s in stories for p in s.passages]
    passage_found = [s.id for s in stories for p in s.passages]
    largest = sorted(stories, key=lambda s: -len(s.passages))[:10]
    purity = [
        sum(majority[s.id] in held_by[p.article_id, p.index] for p in s.passages) / len(s.passages)
        for s in largest
    ]
    per_article = Counter(a for s in stories for a in {p.article_id for p in s.passages})
    return {
        "articles": len(articles),
        "stories": len(stories),
        "nmi": normalized_mutual_info_score(
            [folder_of[a.id, 0] for a in articles], [story[a.id] for a in articles]
        ),
        "ari": adjusted_rand_score([folder_of[a.id, 0] for a in articles], [story[a.id] for a in articles]),
        "passage_nmi": normalized_mutual_info_score(passage_truth, passage_found),
        "passage_ari": adjusted_rand_score(passage_truth, passage_found),
        "foreign": foreign,
        "sentences": sum(len(s.summary) for s in shown),
        "purity": purity,
        "titled": sum(_title_supplied(s) for s in shown),
        "shown": len(shown),
        "per_article": sum(per_article.values()) / len(articles),
        "seconds": seconds,
        "peak": peak,
        "top": [
            (
                s.title,
                len(s.article_ids),
                dict(Counter(folder_of[x.article_id, x.paragraph] for x in s.summary)),
            )
            for s in shown
        ],
    }


def _anchor_scores(folder: Path, truth: Truth) -> Result:
    """The anchor on the day's files: article level against the first folder, passage level none."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    files = sorted(folder.glob("*.txt"))
    started = time.perf_counter()
    labels = _anchor([f.read_text(encoding="utf-8", errors="replace") for f in files])
    seconds = time.perf_counter() - started
    expected = [truth[f.name].folders[0] for f in files]
    return {
        "stories": len(set(labels)),
        "nmi": normalized_mutual_info_score(expected, labels),
        "ari": adjusted_rand_score(expected, labels),
        "seconds": seconds,
    }


def _files_day(files: Sequence[Path], out: Path) -> Truth:
    truth = {}
    for f in files:
        name = f"{f.parent.name}-{f.name}"
        shutil.copy(f, out / name)
        truth[name] = _Source(_folders_of(f))
    return truth


# --- 1. DUC 2006 as one day --------------------------------------------------------------------


def task_duc(options: argparse.Namespace) -> Result:
    docs = options.data / "duc2006" / "docs"
    with tempfile.TemporaryDirectory(prefix="duc-") as tmp:
        truth = _files_day(sorted(docs.glob("*/*.txt")), Path(tmp))
        return {
            "ours": _score_day(_config("*.txt", Path(tmp)), truth),
            "anchor": _anchor_scores(Path(tmp), truth),
        }


# --- 2. joined articles ------------------------------------------------------------------------


def _joined_day(
    docs: Path, out: Path, headline: bool, files: Sequence[Path] | None = None, seed: int = 7
) -> Truth:
    """Write the day; return for each file its folder(s) and, if joined, the second article's first line."""
    files = list(files if files is not None else sorted(docs.glob("*/*.txt")))
    random.Random(seed).shuffle(files)
    joined_count = len(files) // 5  # 2q files joined into q, of n - q in all: a quarter of the day
    pairs, singles = files[: 2 * joined_count], files[2 * joined_count :]
    truth: Truth = {}
    for k in range(joined_count):
        first, second = pairs[2 * k], pairs[2 * k + 1]
        if first.parent == second.parent:  # keep the two stories apart: swap in another folder's article
            swap = next(i for i, f in enumerate(singles) if f.parent != first.parent)
            second, singles[swap] = singles[swap], second
        head = first.read_text(encoding="utf-8", errors="replace").strip()
        blocks = [b for b in second.read_text(encoding="utf-8", errors="replace").split("\n\n") if b.strip()]
        if not headline:
            blocks = blocks[1:]
        name = f"joined-{k:03d}.txt"
        (out / name).write_text(head + "\n\n" + "\n\n".join(blocks) + "\n", encoding="utf-8")
        truth[name] = _Source(_folders_of(first), _folders_of(second), frozenset(_opening(b) for b in blocks))
    truth.update(_files_day(singles, out))
    return truth


def _join_pk(config: Any, truth: Truth) -> tuple[float, int, int]:
    """Pk of the story changes inside the joined files: (mean Pk, joins located, joins)."""
    from briefing.ingest import ingest
    from briefing.pipeline import group

    articles = ingest(config.ingest).articles
    stories = [s for section in group(config, articles).sections for s in (*section.stories, *section.more)]
    story_of = {(p.article_id, p.index): s.id for s in stories for p in s.passages}
    folder_of = _paragraph_folders(articles, truth)
    errors, joined = [], 0
    for article in articles:
        if not truth[Path(article.path).name].second:
            continue
        joined += 1
        folders = [folder_of[article.id, i][0] for i in range(len(article.paragraphs))]
        if len(set(folders)) < 2 or len(folders) < 3:
            continue  # the reader dropped or merged the joining line: not scored
        second = folders.index(folders[-1])
        labels = [story_of[article.id, i] for i in range(len(article.paragraphs))]
        changes = {i for i in range(1, len(labels)) if labels[i] != labels[i - 1]}
        errors.append(pk({second}, changes, len(labels)))
    return sum(errors) / len(errors), len(errors), joined


def task_joined(options: argparse.Namespace) -> Result:
    results: Result = {}
    for headline in (True, False):
        with tempfile.TemporaryDirectory(prefix="joined-") as tmp:
            truth = _joined_day(options.data / "duc2006" / "docs", Path(tmp), headline)
            config = _config("*.txt", Path(tmp))
            results["headline" if headline else "no headline"] = {
                "ours": _score_day(config, truth),
                "anchor": _anchor_scores(Path(tmp), truth),
                "pk": _join_pk(config, truth),
            }
    return results


# --- 3. held-out-like days: ten articles an event, a quarter joined ----------------------------------


def task_events(options: argparse.Namespace) -> Result:
    docs = options.data / "duc2006" / "docs"
    days = []
    for seed in (1, 2, 3):
        rng = random.Random(seed)
        files = [f for folder in sorted(docs.iterdir()) for f in rng.sample(sorted(folder.glob("*.txt")), 10)]
        with tempfile.TemporaryDirectory(prefix="events-") as tmp:
            truth = _joined_day(docs, Path(tmp), True, files, seed)
            days.append(
                {
                    "ours": _score_day(_config("*.txt", Path(tmp)), truth),
                    "anchor": _anchor_scores(Path(tmp), truth),
                }
            )
    return {"days": days}


# --- 4. BBC days ---------------------------------------------------------------------------------


def task_bbc(options: argparse.Namespace) -> Result:
    from briefing.pipeline import build_briefing

    bbc = options.data / "bbc" / "articles"
    days = []
    for seed in range(1, 11):
        rng = random.Random(seed)
        with tempfile.TemporaryDirectory(prefix="bbc-day-") as tmp:
            category: dict[str, str] = {}
            for name in sorted(p.name for p in bbc.iterdir() if p.is_dir()):
                for f in rng.sample(sorted((bbc / name).glob("*.txt")), 12):
                    shutil.copy(f, Path(tmp) / f"{name}-{f.stem}.txt")
                    category[f"{name}-{f.stem}.txt"] = name
            briefing = build_briefing(_config("*.txt", Path(tmp)), DAY)
            texts = [p.read_bytes().decode("utf-8", "replace") for p in sorted(Path(tmp).glob("*.txt"))]
            names = [p.name for p in sorted(Path(tmp).glob("*.txt"))]
        of = {a.id: category[Path(a.path).name] for a in briefing.articles}
        stories = briefing.stories
        mixed = [s for s in stories if len({of[a] for a in s.article_ids}) > 1]
        reached = {of[sentence.article_id] for s in stories for sentence in s.summary}
        shown = [s for section in briefing.sections for s in section.stories]
        mixed_shown = [s for s in shown if len({of[x.article_id] for x in s.summary}) > 1]
        per_article = Counter(a for s in stories for a in {p.article_id for p in s.passages})
        anchor = _anchor(texts)
        groups: dict[int, set[str]] = {}
        for label, name in zip(anchor, names, strict=True):
            groups.setdefault(label, set()).add(category[name])
        days.append(
            {
                "stories": len(stories),
                "multi": sum(len(s.article_ids) for s in stories if len(s.article_ids) > 1),
                "mixed": len(mixed),
                "mixed_shown": len(mixed_shown),
                "reached": len(reached),
                "titled": sum(_title_supplied(s) for s in shown),
                "shown": len(shown),
                "per_article": sum(per_article.values()) / len(briefing.articles),
                "anchor_clusters": len(groups),
                "anchor_mixed": sum(len(g) > 1 for g in groups.values()),
                "mixed_titles": [(s.title, sorted({of[a] for a in s.article_ids})) for s in mixed],
            }
        )
    rng = random.Random(1)
    with tempfile.TemporaryDirectory(prefix="bbc-300-") as tmp:
        category = {}
        for name in sorted(p.name for p in bbc.iterdir() if p.is_dir()):
            for f in rng.sample(sorted((bbc / name).glob("*.txt")), 60):
                shutil.copy(f, Path(tmp) / f"{name}-{f.stem}.txt")
                category[f"{name}-{f.stem}.txt"] = name
        briefing = build_briefing(_config("*.txt", Path(tmp)), DAY)
    of = {a.id: category[Path(a.path).name] for a in briefing.articles}
    top = [
        (s.title, len(s.article_ids), Counter(of[a] for a in s.article_ids).most_common(1)[0][0])
        for section in briefing.sections
        for s in section.stories
    ]
    return {"days": days, "top300": top}


# --- 5. days of one subject -----------------------------------------------------------------------


def _day_stories(config: Any, articles: Sequence[Any]) -> list[Any]:
    """Every story `briefing build` finds in the articles, shown whole or as a line."""
    from briefing.pipeline import group

    return [s for section in group(config, articles).sections for s in (*section.stories, *section.more)]


def _story_of_articles(articles: Sequence[Any], stories: Sequence[Any]) -> list[str]:
    story = _article_labels(articles, stories)
    return [story[a.id] for a in articles]


def _mixed(groups: Sequence[Sequence[str]], held: dict[str, tuple[str, ...]]) -> tuple[int, int]:
    """Groups (of article ids) holding an article none of whose folders is the group's majority,
    and how many such articles."""
    stories = articles = 0
    for ids in groups:
        top = Counter(held[a][0] for a in ids).most_common(1)[0][0]
        foreign = sum(top not in held[a] for a in ids)
        stories += foreign > 0
        articles += foreign
    return stories, articles


def task_subject(options: argparse.Namespace) -> Result:
    """Each DUC folder alone as a day, and each folder with its two nearest folders (by the
    TF-IDF centroid of their articles) as a day; the anchor on the same days. And a BBC day of
    one category (60 articles, seed 1) for each category, listed (no event labels there)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from briefing.ingest import ingest

    docs = options.data / "duc2006" / "docs"
    with tempfile.TemporaryDirectory(prefix="subject-") as tmp:
        truth = _files_day(sorted(docs.glob("*/*.txt")), Path(tmp))
        config = _config("*.txt", Path(tmp))
        articles = ingest(config.ingest).articles
    held = {a.id: truth[Path(a.path).name].folders for a in articles}
    folders = sorted({folders[0] for folders in held.values()})
    of_folder = {f: [a for a in articles if held[a.id][0] == f] for f in folders}
    text = {a.id: " ".join(a.paragraphs) for a in articles}
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(
        [text[a.id] for f in folders for a in of_folder[f]]
    )
    bounds = np.cumsum([0, *(len(of_folder[f]) for f in folders)])
    centres = np.vstack([np.asarray(matrix[a:b].mean(axis=0)).ravel() for a, b in itertools.pairwise(bounds)])
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    likeness = centres @ centres.T
    np.fill_diagonal(likeness, -1.0)

    alone, together = [], []
    for k, f in enumerate(folders):
        day = of_folder[f]
        labels = _story_of_articles(day, _day_stories(config, day))
        anchor = _anchor([text[a.id] for a in day])
        alone.append(
            {
                "folder": f,
                "articles": len(day),
                "stories": len(set(labels)),
                "largest": Counter(labels).most_common(1)[0][1] / len(day),
                "anchor": len(set(anchor)),
                "anchor_largest": Counter(anchor).most_common(1)[0][1] / len(day),
            }
        )
        near = [folders[j] for j in np.argsort(-likeness[k], kind="stable")[:2]]
        day = [a for name in (f, *near) for a in of_folder[name]]
        expected = [held[a.id][0] for a in day]
        stories = _day_stories(config, day)
        labels = _story_of_articles(day, stories)
        anchor = _anchor([text[a.id] for a in day])
        anchor_groups: dict[int, list[str]] = {}
        for label, a in zip(anchor, day, strict=True):
            anchor_groups.setdefault(label, []).append(a.id)
        together.append(
            {
                "articles": len(day),
                "stories": len(stories),
                "ari": adjusted_rand_score(expected, labels),
                "nmi": normalized_mutual_info_score(expected, labels),
                "mixed": _mixed([s.article_ids for s in stories], held),
                "anchor_stories": len(anchor_groups),
                "anchor_ari": adjusted_rand_score(expected, anchor),
                "anchor_nmi": normalized_mutual_info_score(expected, anchor),
                "anchor_mixed": _mixed(list(anchor_groups.values()), held),
            }
        )
    bbc = options.data / "bbc" / "articles"
    categories = []
    for name in sorted(p.name for p in bbc.iterdir() if p.is_dir()):
        rng = random.Random(1)
        with tempfile.TemporaryDirectory(prefix="bbc-one-") as tmp:
            for f in rng.sample(sorted((bbc / name).glob("*.txt")), 60):
                shutil.copy(f, Path(tmp) / f.name)
            day_config = _config("*.txt", Path(tmp))
            day = ingest(day_config.ingest).articles
            stories = _day_stories(day_config, day)
        largest = max(stories, key=lambda s: len(s.article_ids))
        categories.append(
            {
                "category": name,
                "stories": len(stories),
                "multi": sum(len(s.article_ids) for s in stories if len(s.article_ids) > 1),
                "largest": (len(largest.article_ids), list(largest.headlines)),
            }
        )
    return {"alone": alone, "together": together, "bbc": categories}


# --- 6. small days and the bundled example ------------------------------------------------------


def task_small(options: argparse.Namespace) -> Result:
    from briefing.config import load_config
    from briefing.pipeline import build_briefing

    fixtures = REPO / "tests" / "fixtures" / "stories"
    rows = []
    for label, pattern in (("English", "en/*.txt"), ("German", "de/*.txt"), ("both", "*/*.txt")):
        briefing = build_briefing(_config(pattern, fixtures), DAY)
        rows.append((label, [(s.title, len(s.article_ids), s.language) for s in briefing.stories]))
    example = load_config(REPO / "config.yaml")
    for label, config in (
        ("example, topics", example),
        ("example, no topics", example.model_copy(update={"topics": ()})),
    ):
        briefing = build_briefing(config, DAY)
        rows.append(
            (
                label,
                [
                    (
                        f"[{section.title or 'stories'}] {s.title}",
                        len(s.article_ids),
                        ", ".join(
                            f"{a}¶{min(p.index for p in s.passages if p.article_id == a)}-"
                            f"{max(p.index for p in s.passages if p.article_id == a)}"
                            for a in s.article_ids
                        ),
                    )
                    for section in briefing.sections
                    for s in section.stories
                ],
            )
        )
    return {"rows": rows}


# --- 5. growth -----------------------------------------------------------------------------------

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'“])")


def big_day(data: Path, count: int) -> list[Any]:
    """`count` articles: real BBC and DUC ones, then other outlets' versions of them."""
    from briefing.ingest.text import parse_plain_text
    from briefing.models import Article

    files = sorted((data / "bbc" / "articles").rglob("*.txt")) + sorted(
        (data / "duc2006" / "docs").rglob("*.txt")
    )
    rng = random.Random(11)
    rng.shuffle(files)
    texts = [f.read_bytes().decode("utf-8", "replace") for f in files]
    articles = []
    for k in range(count):
        parsed = parse_plain_text(texts[k % len(texts)])
        sentences = [s for p in parsed.paragraphs for s in _SENTENCE.split(p)]
        if k >= len(texts):  # another outlet's version: a random 70% of the sentences
            sentences = [s for s in sentences if rng.random() < 0.7] or sentences[:1]
        articles.append(
            Article(
                id=f"a{k + 1}",
                title=parsed.title or sentences[0][:80],
                source=f"Outlet {k % 37}",
                paragraphs=tuple(sentences),
                title_from_text=parsed.title is None,
            )
        )
    return articles


def task_growth(options: argparse.Namespace) -> Result:
    from briefing.config import parse_config
    from briefing.pipeline import group

    articles = big_day(options.data, options.size)
    config = parse_config({"sources": [{"path": "x"}], "language": "english"}, base_dir=REPO)
    started = time.perf_counter()
    sections = group(config, articles).sections
    seconds = time.perf_counter() - started
    stories = [s for section in sections for s in (*section.stories, *section.more)]
    sizes = sorted((len(s.article_ids) for s in stories), reverse=True)
    return {
        "articles": len(articles),
        "passages": sum(len(a.paragraphs) for a in articles),
        "stories": len(stories),
        "largest": sizes[:3],
        "seconds": seconds,
        "peak": _peak_mib(),
    }


# --- running tasks in fresh processes ----------------------------------------------------------

TASKS: dict[str, Callable[[argparse.Namespace], Result]] = {
    "duc": task_duc,
    "joined": task_joined,
    "events": task_events,
    "bbc": task_bbc,
    "subject": task_subject,
    "small": task_small,
    "growth": task_growth,
}


def _child(name: str, options: argparse.Namespace, conn: Connection) -> None:
    logging.getLogger("briefing").setLevel(logging.ERROR)
    try:
        conn.send({"result": TASKS[name](options)})
    except Exception as error:  # report, so the other tasks still run
        conn.send({"error": f"{type(error).__name__}: {error}"})
    finally:
        conn.close()


def run(name: str, options: argparse.Namespace) -> Result:
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(name, options, child))
    process.start()
    child.close()
    received: Result = parent.recv()
    process.join()
    return received


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    def cell(value: object) -> str:
        return f"{value:.3f}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _day_row(label: str, ours: Result, anchor: Result) -> list[tuple[object, ...]]:
    purity = ours["purity"]
    share = 100 * ours["foreign"] / max(ours["sentences"], 1)
    pure = sum(p >= 0.95 for p in purity)
    return [
        (
            label,
            ours["stories"],
            ours["nmi"],
            ours["ari"],
            ours["passage_nmi"],
            ours["passage_ari"],
            f"{ours['foreign']} of {ours['sentences']} ({share:.1f}%)",
            f"{min(purity):.2f} / {sum(purity) / len(purity):.3f} ({pure} of 10 ≥ 0.95)",
            f"{ours['titled']} of {ours['shown']}",
            f"{ours['per_article']:.3f}",
            f"{ours['seconds']:.1f}",
        ),
        (
            f"{label}: anchor",
            anchor["stories"],
            anchor["nmi"],
            anchor["ari"],
            "-",
            "-",
            "-",
            "-",
            "-",
            "-",
            f"{anchor['seconds']:.1f}",
        ),
    ]


DAY_HEADER = (
    "day",
    "stories",
    "NMI",
    "ARI",
    "passage NMI",
    "passage ARI",
    "foreign summary sentences",
    "purity of the 10 largest: min / mean",
    "titles from the summary",
    "stories per article",
    "grouping s",
)


def _tops(ours: Result) -> str:
    return "; ".join(f"{t} ({n}: {', '.join(f'{k} {v}' for k, v in c.items())})" for t, n, c in ours["top"])


def report(name: str, result: Result) -> str:
    if "error" in result:
        return f"### {name}\n\nfailed: {result['error']}\n"
    r = result["result"]
    if name == "duc":
        return (
            f"### DUC 2006 as one day ({r['ours']['articles']} articles after duplicates)\n\n"
            + table(DAY_HEADER, _day_row("DUC 2006", r["ours"], r["anchor"]))
            + f"\n\nShown whole (title, articles: folders of its summary sentences): {_tops(r['ours'])}\n"
        )
    if name == "joined":
        rows = [row for k, v in r.items() for row in _day_row(f"joined, {k}", v["ours"], v["anchor"])]
        pks = "; ".join(
            f"{k}: Pk {v['pk'][0]:.3f} ({v['pk'][1]} of {v['pk'][2]} joins scored)" for k, v in r.items()
        )
        return (
            "### A quarter of the files two articles of different folders joined\n\n"
            + table(DAY_HEADER, rows)
            + f"\n\nStory changes inside the joined files: {pks}\n"
        )
    if name == "events":
        rows = [
            row
            for k, d in enumerate(r["days"], start=1)
            for row in _day_row(f"day {k}", d["ours"], d["anchor"])
        ]
        return (
            "### Held-out-like days: 10 articles of each folder, a quarter of the 500 files joined\n\n"
            + table(DAY_HEADER, rows)
            + "\n\n"
            + "\n".join(f"Day {k} shown: {_tops(d['ours'])}" for k, d in enumerate(r["days"], start=1))
            + "\n"
        )
    if name == "bbc":
        days = r["days"]
        rows = [
            (
                k + 1,
                d["stories"],
                d["multi"],
                d["mixed"],
                d["mixed_shown"],
                f"{d['reached']}/5",
                f"{d['titled']} of {d['shown']}",
                f"{d['per_article']:.3f}",
                d["anchor_clusters"],
                d["anchor_mixed"],
            )
            for k, d in enumerate(days)
        ]
        total = (
            "all",
            *(sum(d[key] for d in days) for key in ("stories", "multi", "mixed", "mixed_shown")),
            f"{sum(d['reached'] == 5 for d in days)}/10 days 5/5",
            f"{sum(d['titled'] for d in days)} of {sum(d['shown'] for d in days)}",
            f"{sum(d['per_article'] for d in days) / len(days):.3f}",
            sum(d["anchor_clusters"] for d in days),
            sum(d["anchor_mixed"] for d in days),
        )
        mixed = "; ".join(f"{t} ({', '.join(c)})" for d in days for t, c in d["mixed_titles"]) or "none"
        top = Counter(c for _, _, c in r["top300"])
        return (
            "### Ten 60-article BBC days (12 per category), no topics\n\n"
            + table(
                (
                    "day",
                    "stories",
                    "articles in multi-article stories",
                    "stories of two categories",
                    "of them shown whole",
                    "categories in summaries",
                    "titles from the summary",
                    "stories per article",
                    "anchor clusters",
                    "anchor clusters of two",
                ),
                [*rows, total],
            )
            + f"\n\nStories of two categories: {mixed}\n\n"
            + "A 300-article day (60 per category): the ten shown whole by category: "
            + ", ".join(f"{c} {n}" for c, n in sorted(top.items()))
            + " — "
            + "; ".join(f"{t} ({n}, {c})" for t, n, c in r["top300"])
            + "\n"
        )
    if name == "subject":
        alone, together = r["alone"], r["together"]

        def mean(rows: Sequence[Result], key: str) -> float:
            return sum(row[key] for row in rows) / len(rows)

        named = {row["folder"]: row for row in alone}
        one_event = ", ".join(
            f"{f} {named[f]['stories']} stories, largest {named[f]['largest']:.0%} "
            f"(anchor {named[f]['anchor']}, {named[f]['anchor_largest']:.0%})"
            for f in ("D0640D", "D0617H")
            if f in named
        )
        mixed = [sum(row[key][k] for row in together) for key in ("mixed", "anchor_mixed") for k in (0, 1)]
        rows = [
            (
                "ours",
                f"{mean(alone, 'stories'):.1f}",
                f"{mean(alone, 'largest'):.0%}",
                f"{mean(together, 'stories'):.1f}",
                f"{mean(together, 'nmi'):.3f}",
                f"{mean(together, 'ari'):.3f}",
                f"{mixed[0]} / {mixed[1]}",
            ),
            (
                "anchor",
                f"{mean(alone, 'anchor'):.1f}",
                f"{mean(alone, 'anchor_largest'):.0%}",
                f"{mean(together, 'anchor_stories'):.1f}",
                f"{mean(together, 'anchor_nmi'):.3f}",
                f"{mean(together, 'anchor_ari'):.3f}",
                f"{mixed[2]} / {mixed[3]}",
            ),
        ]
        bbc = "; ".join(
            f"{c['category']}: {c['stories']} stories, {c['multi']} articles in stories of 2+, the largest "
            f"{c['largest'][0]} ({' | '.join(c['largest'][1][:4])})"
            for c in r["bbc"]
        )
        return (
            "### Days of one subject: each DUC folder alone, and with its two nearest folders\n\n"
            + table(
                (
                    "run",
                    "one folder: stories",
                    "largest story's share",
                    "three folders: stories",
                    "NMI",
                    "ARI",
                    "stories / articles of another folder",
                ),
                rows,
            )
            + f"\n\nOne event a folder: {one_event}.\n\nBBC days of one category (60 articles): {bbc}\n"
        )
    if name == "small":
        lines = ["### Small days and the bundled example\n"]
        for label, stories in r["rows"]:
            lines.append(f"- {label}: " + "; ".join(f"{t} ({n}, {x})" for t, n, x in stories))
        return "\n".join(lines) + "\n"
    return json.dumps(r)


def growth(options: argparse.Namespace) -> str:
    rows, previous = [], None
    for size in options.sizes:
        print(f"  growth {size} …", file=sys.stderr, flush=True)
        result = run("growth", argparse.Namespace(**{**vars(options), "size": size}))
        if "error" in result:
            rows.append((size, "failed", result["error"], "", "", "", ""))
            continue
        r = result["result"]
        exponent = (
            f"{math.log(r['seconds'] / previous[1]) / math.log(r['passages'] / previous[0]):.2f}"
            if previous
            else "-"
        )
        rows.append(
            (
                r["articles"],
                r["passages"],
                r["stories"],
                ", ".join(map(str, r["largest"])),
                f"{r['seconds']:.1f}",
                exponent,
                f"{r['peak']:.0f}",
            )
        )
        previous = (r["passages"], r["seconds"])
    return (
        "### Growth: grouping time and peak memory (one core, fresh process per size)\n\n"
        + table(
            (
                "articles",
                "passages",
                "stories",
                "largest stories (articles)",
                "grouping s",
                "time exponent (vs previous size)",
                "peak MiB",
            ),
            rows,
        )
        + "\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the public eval folder")
    parser.add_argument("--only", action="append", default=[], choices=[*TASKS], help="run only these tasks")
    parser.add_argument(
        "--sizes", default="100,300,1000,3000,10000", help="growth: day sizes in articles (comma-separated)"
    )
    options = parser.parse_args(argv)
    options.data = options.data.resolve()
    options.sizes = [int(s) for s in options.sizes.split(",")]
    for needed in ("bbc/articles", "duc2006/docs"):
        if not (options.data / needed).is_dir():
            parser.error(f"{options.data / needed}: not found; pass --data with the public eval folder")
    for name in options.only or [*TASKS]:
        print(f"running {name} …", file=sys.stderr, flush=True)
        if name == "growth":
            print(growth(options))
        else:
            print(report(name, run(name, options)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
