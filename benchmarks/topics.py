"""Topic benchmark: segmentation and configured topics on public data (stories: benchmarks/stories.py).

    .venv/bin/python benchmarks/topics.py [--data ../shared/eval] [--docs 300] [--seed 13]
                                          [--only NAME] [--profile] [--threads 1]

Needs the `bench` extra (scikit-learn; segeval optional, for a cross-check).
Reads ../shared/eval (relative to the repository root; see its README.md) and
prints Markdown tables:

1. News segmentation: documents made of the body paragraphs (title lines dropped)
   of 3–6 BBC articles, consecutive articles always from different categories
   (the first five all different). Units are paragraphs. Pk and WindowDiff per
   document (k = half the mean reference segment length), averaged over documents,
   for our segmenter, our stories with no configured topics, nltk's TextTiling
   and the trivial baselines.
2. Choi 3-11: the 400 documents; units are sentences; beside the published figures.
3. Configured topics: benchmarks/bbc_topics.yaml (the five categories, ten keywords
   each, written once and not fitted) over every paragraph of the 2,225 articles.
4. Time and peak memory: every task runs in a fresh (spawned) process; "load" is
   reading the files and `segment()`, "algorithm" is the call being measured.

Only `_segment_units`, `_prepare`, `_assign`, `_stories` and `load_specs` call briefing's API
(besides its English stop words, given to TextTiling).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import multiprocessing
import os
import pstats
import random
import re
import resource
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # run as a script: make `benchmarks.metrics` importable

from benchmarks.metrics import pk, window_diff, window_size  # noqa: E402

LANGUAGE = "english"
TOPICS_FILE = Path(__file__).resolve().parent / "bbc_topics.yaml"
# Published Pk on Choi 3-11 (choi/Table.txt, as quoted in ../shared/eval/README.md); not rerun here.
PUBLISHED_CHOI = (
    ("TextTiling (Hearst 1997), published", 0.46),
    ("C99 (Choi 2000), number of segments unknown, published", 0.13),
    ('"no boundaries", published', 0.46),
    ('"every boundary", published', 0.54),
)

Result = dict[str, Any]
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


# --- data --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Story:
    """One BBC article: its category, file, title line and body paragraphs."""

    category: str
    name: str
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Document:
    """Units (paragraphs or sentences) and the reference: the units that start a segment."""

    units: tuple[str, ...]
    starts: frozenset[int]


def read_bbc(data: Path) -> tuple[list[Story], list[str]]:
    """Every article, by category and file name; also the files that were not UTF-8 (read as Latin-1)."""
    root = data / "bbc" / "articles"
    if not root.is_dir():
        raise SystemExit(
            f"{root}: no BBC articles here; pass --data with the folder that holds bbc/ and choi/"
        )
    stories: list[Story] = []
    latin1: list[str] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in sorted(folder.glob("*.txt")):
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("latin-1")
                latin1.append(f"{folder.name}/{path.name}")
            blocks = [b.strip() for b in re.split(r"\n[ \t\r]*\n", text) if b.strip()]
            stories.append(Story(folder.name, path.name, blocks[0], tuple(blocks[1:])))
    return stories, latin1


def news_documents(stories: Sequence[Story], count: int, seed: int) -> list[Document]:
    """Concatenations of 3–6 articles' body paragraphs; neighbouring articles differ in category."""
    rng = random.Random(seed)
    by_category: dict[str, list[Story]] = {}
    for story in stories:
        by_category.setdefault(story.category, []).append(story)
    categories = sorted(by_category)
    documents = []
    for _ in range(count):
        size = rng.randint(3, 6)
        chosen = rng.sample(categories, min(size, len(categories)))
        while len(chosen) < size:
            chosen.append(rng.choice([c for c in categories if c != chosen[-1]]))
        used: set[tuple[str, str]] = set()
        units: list[str] = []
        starts: set[int] = set()
        for category in chosen:
            story = rng.choice([s for s in by_category[category] if (s.category, s.name) not in used])
            used.add((story.category, story.name))
            starts.add(len(units))
            units.extend(story.paragraphs)
        documents.append(Document(tuple(units), frozenset(starts - {0})))
    return documents


def read_choi(data: Path) -> list[Document]:
    """Choi's 3-11 documents (folders 1, 2, 3): one sentence a line, `==========` between segments."""
    documents = []
    for folder in ("1", "2", "3"):
        root = data / "choi" / folder / "3-11"
        if not root.is_dir():
            raise SystemExit(
                f"{root}: Choi's 3-11 set is not here; pass --data with the folder that holds choi/"
            )
        for path in sorted(root.glob("*.ref"), key=lambda p: int(p.stem)):
            sentences: list[str] = []
            starts: set[int] = set()
            for line in path.read_bytes().decode("latin-1").splitlines():
                if line.strip().startswith("=========="):
                    starts.add(len(sentences))
                elif line.strip():
                    sentences.append(line.strip())
            documents.append(Document(tuple(sentences), frozenset(starts - {0, len(sentences)})))
    return documents


# --- briefing's API: the only calls into it ---------------------------------------------


def _segment_units(units: Sequence[str]) -> set[int]:
    """Our segmenter on its own: the units where a new segment starts."""
    from briefing.language import content_stems
    from briefing.stories.boundaries import segment_starts
    from briefing.vectors import count_matrix

    counts = count_matrix([content_stems(text, LANGUAGE) for text in units])[0]
    return set(segment_starts(counts))


def _prepare(articles: Sequence[tuple[str, Sequence[str]]]) -> list[Any]:
    """(title, paragraphs) → briefing Articles, each segmented into passages (one per paragraph)."""
    from briefing.models import Article
    from briefing.segment import segment

    prepared = []
    for number, (title, paragraphs) in enumerate(articles, start=1):
        article = Article(id=f"a{number}", title=title, source="BBC", paragraphs=tuple(paragraphs))
        passages = segment(article, LANGUAGE)
        assert len(passages) == len(paragraphs), "segment() must give one passage per paragraph"
        prepared.append((article, passages))
    return prepared


def _assign(prepared: Sequence[Any], specs: Sequence[Any]) -> list[list[str]]:
    """Configured topic id of every paragraph ("other" for none), article by article."""
    from briefing.topics import assign_topics

    result = assign_topics(
        [passages for _, passages in prepared], specs, LANGUAGE, [a.title for a, _ in prepared]
    )
    ids = [specs[label].id if label >= 0 else "other" for label in result.labels]
    return _per_article(prepared, ids)


def _stories(prepared: Sequence[Any]) -> tuple[list[list[str]], int]:
    """Story id of every paragraph, article by article (no topics configured), and the story count."""
    from briefing.stories import find_stories

    stories = find_stories([a for a, _ in prepared], [passages for _, passages in prepared])
    story_of = {(p.article_id, p.index): story.id for story in stories for p in story.passages}
    ids = [story_of[p.article_id, p.index] for _, passages in prepared for p in passages]
    return _per_article(prepared, ids), len(stories)


def _per_article(prepared: Sequence[Any], ids: Sequence[str]) -> list[list[str]]:
    labels, start = [], 0
    for _, passages in prepared:
        labels.append(list(ids[start : start + len(passages)]))
        start += len(passages)
    assert start == len(ids), "every passage must be labelled, in reading order"
    return labels


def load_specs(path: Path) -> tuple[Any, ...]:
    """The benchmark's topics file (config.yaml's `topics:` schema) → TopicConfigs."""
    import yaml

    from briefing.config import TopicConfig

    topics = [TopicConfig.model_validate(t) for t in yaml.safe_load(path.read_text("utf-8"))["topics"]]
    for topic in topics:
        assert len(topic.keywords) <= 10, f"{path}: topic {topic.id!r} has more than ten keywords"
    return tuple(topics)


# --- scoring -----------------------------------------------------------------------


def segmentation_scores(documents: Sequence[Document], hypotheses: Sequence[set[int]]) -> Result:
    """Mean Pk and WindowDiff over documents, each with its own k, and mean segment counts."""
    pks, wds = [], []
    for document, hypothesis in zip(documents, hypotheses, strict=True):
        n = len(document.units)
        k = window_size(document.starts, n)
        pks.append(pk(document.starts, hypothesis, n, k))
        wds.append(window_diff(document.starts, hypothesis, n, k))
    return {
        "pk": sum(pks) / len(pks),
        "wd": sum(wds) / len(wds),
        "segments": sum(len(h - {0}) + 1 for h in hypotheses) / len(hypotheses),
    }


def changes(labels: Sequence[str]) -> set[int]:
    """Where consecutive units get different labels."""
    return {i for i in range(1, len(labels)) if labels[i] != labels[i - 1]}


def segeval_check(documents: Sequence[Document], hypotheses: Sequence[set[int]], count: int = 20) -> str:
    """Our Pk/WindowDiff against segeval's on the first documents, as a sentence for the report."""
    try:
        import segeval
    except ImportError:
        return "segeval is not installed: no cross-check of Pk/WindowDiff against it."
    agree = 0
    checked = list(zip(documents, hypotheses, strict=True))[:count]
    for document, hypothesis in checked:
        n = len(document.units)
        k = window_size(document.starts, n)
        ref, hyp = _masses(document.starts, n), _masses(hypothesis, n)
        theirs = (
            float(segeval.pk(hyp, ref, window_size=k)),
            float(segeval.window_diff(hyp, ref, window_size=k)),
        )
        ours = (pk(document.starts, hypothesis, n, k), window_diff(document.starts, hypothesis, n, k))
        agree += all(abs(a - b) < 1e-9 for a, b in zip(theirs, ours, strict=True))
    return (
        f"Cross-check: our Pk and WindowDiff equal segeval {segeval.__version__}'s "
        f"on {agree} of the first {len(checked)} documents (same k)."
    )


def _masses(starts: set[int] | frozenset[int], n: int) -> list[int]:
    edges = [0, *sorted(s for s in starts if s > 0), n]
    return [b - a for a, b in pairwise(edges)]


# --- tasks: each runs in a fresh process ------------------------------------------------


class Clock:
    """Laps of one task: `lap("load")` after reading and preparing, `lap("algorithm")` after the call."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = self.laps.get(name, 0.0) + now - self._last
        self._last = now


def task_news_segmenter(options: argparse.Namespace, clock: Clock) -> Result:
    documents = news_documents(read_bbc(options.data)[0], options.docs, options.seed)
    clock.lap("load")
    hypotheses = [_segment_units(d.units) for d in documents]
    clock.lap("algorithm")
    return {**segmentation_scores(documents, hypotheses), "note": segeval_check(documents, hypotheses)}


def task_news_assign(options: argparse.Namespace, clock: Clock) -> Result:
    documents = news_documents(read_bbc(options.data)[0], options.docs, options.seed)
    # No title: the segmentation must come from the paragraphs alone, as for the other methods.
    prepared = _prepare([("", d.units) for d in documents])
    clock.lap("load")
    labels, stories = _stories(prepared)
    clock.lap("algorithm")
    return {**segmentation_scores(documents, [changes(x) for x in labels]), "stories": stories}


def task_news_texttiling(options: argparse.Namespace, clock: Clock) -> Result:
    from bisect import bisect_left

    from nltk.tokenize import TextTilingTokenizer

    from briefing.language import stop_words

    documents = news_documents(read_bbc(options.data)[0], options.docs, options.seed)
    tiler = TextTilingTokenizer(stopwords=stop_words(LANGUAGE))
    clock.lap("load")
    hypotheses: list[set[int]] = []
    failed = 0
    for document in documents:
        text = "\n\n".join(document.units)
        paragraph_starts, offset = [], 0
        for unit in document.units:
            paragraph_starts.append(offset)
            offset += len(unit) + 2
        try:
            segments = tiler.tokenize(text)
        except ValueError:
            # nltk raises on texts too short for its windows: count it as "no boundary".
            hypotheses.append(set())
            failed += 1
            continue
        starts, offset = set(), 0
        for piece in segments[:-1]:
            offset += len(piece)
            # A segment ends at a paragraph break: the next one starts at the next paragraph.
            starts.add(bisect_left(paragraph_starts, offset))
        hypotheses.append({s for s in starts if 0 < s < len(document.units)})
    clock.lap("algorithm")
    return {**segmentation_scores(documents, hypotheses), "failed": failed}


def task_news_baselines(options: argparse.Namespace, clock: Clock) -> Result:
    stories, latin1 = read_bbc(options.data)
    documents = news_documents(stories, options.docs, options.seed)
    clock.lap("load")
    none = segmentation_scores(documents, [set() for _ in documents])
    every = segmentation_scores(documents, [set(range(1, len(d.units))) for d in documents])
    clock.lap("algorithm")
    sizes = [len(d.starts) + 1 for d in documents]
    units = [len(d.units) for d in documents]
    return {
        "none": none,
        "every": every,
        "documents": len(documents),
        "articles": sum(sizes) / len(sizes),
        "paragraphs": sum(units) / len(units),
        "k": sum(window_size(d.starts, len(d.units)) for d in documents) / len(documents),
        "latin1": latin1,
    }


def task_choi(options: argparse.Namespace, clock: Clock) -> Result:
    documents = read_choi(options.data)
    clock.lap("load")
    hypotheses = [_segment_units(d.units) for d in documents]
    clock.lap("algorithm")
    return {
        "ours": segmentation_scores(documents, hypotheses),
        "none": segmentation_scores(documents, [set() for _ in documents]),
        "every": segmentation_scores(documents, [set(range(1, len(d.units))) for d in documents]),
        "documents": len(documents),
        "reference_segments": sum(len(d.starts) + 1 for d in documents) / len(documents),
    }


def task_configured(options: argparse.Namespace, clock: Clock) -> Result:
    from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

    stories = read_bbc(options.data)[0]
    specs = load_specs(TOPICS_FILE)
    prepared = _prepare([(s.title, s.paragraphs) for s in stories])
    clock.lap("load")
    labels = _assign(prepared, specs)
    clock.lap("algorithm")
    categories = sorted({s.category for s in stories})
    truth = [s.category for s, x in zip(stories, labels, strict=True) for _ in x]
    predicted = [label for x in labels for label in x]
    articles_truth = [s.category for s in stories]
    articles_predicted = [majority(x) for x in labels]
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=categories, zero_division=0
    )
    per_category = []
    for i, category in enumerate(categories):
        rows = [p for t, p in zip(truth, predicted, strict=True) if t == category]
        per_category.append(
            (category, int(support[i]), precision[i], recall[i], f1[i], rows.count("other") / len(rows))
        )
    shown = [*categories, "other"]
    return {
        "paragraphs": len(truth),
        "paragraph_accuracy": accuracy(truth, predicted),
        "paragraph_f1": float(
            f1_score(truth, predicted, labels=categories, average="macro", zero_division=0)
        ),
        "paragraph_other": predicted.count("other") / len(predicted),
        "articles": len(stories),
        "article_accuracy": accuracy(articles_truth, articles_predicted),
        "article_f1": float(
            f1_score(articles_truth, articles_predicted, labels=categories, average="macro", zero_division=0)
        ),
        "article_other": articles_predicted.count("other") / len(stories),
        "per_category": per_category,
        "confusion": (shown, confusion_matrix(articles_truth, articles_predicted, labels=shown).tolist()),
    }


def majority(labels: Sequence[str]) -> str:
    """The most frequent label; a tie goes to the one that comes first in reading order."""
    counts = Counter(labels)
    top = max(counts.values())
    return next(label for label in labels if counts[label] == top)


def accuracy(truth: Sequence[str], predicted: Sequence[str]) -> float:
    return sum(t == p for t, p in zip(truth, predicted, strict=True)) / len(truth)


BRIEFING = ("briefing.segment", "briefing.topics", "briefing.stories", "briefing.language")
SKLEARN = ("sklearn.metrics",)
# name → (label, task, modules imported before the clock starts)
TASKS: dict[str, tuple[str, Callable[[argparse.Namespace, Clock], Result], tuple[str, ...]]] = {
    "news-baselines": ("News: trivial baselines", task_news_baselines, ()),
    "news-segmenter": ("News: segment_starts on paragraphs", task_news_segmenter, BRIEFING),
    "news-assign": ("News: find_stories, no topics", task_news_assign, BRIEFING),
    "news-texttiling": (
        "News: nltk TextTiling",
        task_news_texttiling,
        ("briefing.language", "nltk.tokenize"),
    ),
    "choi": ("Choi 3-11: segment_starts on sentences", task_choi, BRIEFING),
    "configured": ("BBC: configured topics, 2,225 articles", task_configured, BRIEFING + SKLEARN),
}


def _warm(modules: Sequence[str]) -> None:
    """Import what a task needs (and load the stemmer) so that its laps time the work, not imports."""
    import importlib

    for module in modules:
        importlib.import_module(module)
    if "briefing.language" in modules:
        from briefing.language import content_stems

        content_stems("Warming up the stemmer and the stop words.", LANGUAGE)


def _child(name: str, options: argparse.Namespace, conn: Connection) -> None:
    """Run one task in this (fresh) process and send back its result, laps and peak memory."""
    try:
        _warm(TASKS[name][2])
        clock = Clock()
        profiler = cProfile.Profile() if options.profile else None
        if profiler:
            profiler.enable()
        result = TASKS[name][1](options, clock)
        profile = ""
        if profiler:
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(18)
            profile = out.getvalue()
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        conn.send({"result": result, "laps": clock.laps, "rss_mib": peak_kib / 1024, "profile": profile})
    except BaseException:
        conn.send({"error": traceback.format_exc()})
    finally:
        conn.close()


def run_task(name: str, options: argparse.Namespace) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    started = time.perf_counter()
    process = context.Process(target=_child, args=(name, options, send))
    process.start()
    send.close()
    try:
        message: dict[str, Any] = receive.recv()
    except EOFError:
        message = {"error": f"the process died (exit code {process.exitcode})"}
    process.join()
    message["wall"] = time.perf_counter() - started
    return message


# --- report ------------------------------------------------------------------------


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    def cell(value: object) -> str:
        return f"{value:.3f}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def report(runs: dict[str, dict[str, Any]], options: argparse.Namespace) -> str:
    out: list[str] = []
    ok = {name: run["result"] for name, run in runs.items() if "result" in run}

    news_names = ("news-baselines", "news-segmenter", "news-assign", "news-texttiling")
    if any(n in ok for n in news_names):
        out.append(f"### 1. News segmentation (BBC concatenations, seed {options.seed})\n")
        base = ok.get("news-baselines")
        if base:
            out.append(
                f"{base['documents']} documents of {base['articles']:.2f} articles and "
                f"{base['paragraphs']:.1f} paragraphs on average; units are paragraphs; "
                f"mean k = {base['k']:.2f}.\n"
            )
        rows: list[Sequence[object]] = []
        if "news-segmenter" in ok:
            r = ok["news-segmenter"]
            rows.append(("briefing: segment_starts (Utiyama–Isahara)", r["pk"], r["wd"], r["segments"]))
        if "news-assign" in ok:
            r = ok["news-assign"]
            rows.append(
                (
                    f"briefing: stories, no topics ({r['stories']} stories)",
                    r["pk"],
                    r["wd"],
                    r["segments"],
                )
            )
        if "news-texttiling" in ok:
            r = ok["news-texttiling"]
            rows.append(("nltk TextTiling (w=20, k=10)", r["pk"], r["wd"], r["segments"]))
        if base:
            rows.append(('"no boundary"', base["none"]["pk"], base["none"]["wd"], 1.0))
            rows.append(('"every paragraph"', base["every"]["pk"], base["every"]["wd"], base["paragraphs"]))
            rows.append(("(reference)", 0.0, 0.0, base["articles"]))
        out.append(table(("Method", "Pk ↓", "WindowDiff ↓", "segments / doc"), rows))
        notes = []
        if "news-texttiling" in ok:
            notes.append(
                f"TextTiling raised on {ok['news-texttiling']['failed']} document(s), "
                'counted as "no boundary"; '
                "its stop words are briefing's English list (nltk's stopwords corpus is not installed)."
            )
        if "news-assign" in ok:
            notes.append(
                "stories: all documents as one day, each document one article with no title; "
                "a boundary wherever consecutive paragraphs belong to different stories."
            )
        if base and base["latin1"]:
            notes.append(f"Not UTF-8, read as Latin-1: {', '.join(base['latin1'])}.")
        if "news-segmenter" in ok:
            notes.append(ok["news-segmenter"]["note"])
        out.append("\n" + "\n".join(f"- {n}" for n in notes) + "\n")

    if "choi" in ok:
        r = ok["choi"]
        out.append(
            f"### 2. Choi 3-11 ({r['documents']} documents, {r['reference_segments']:.0f} segments each; "
            "units are sentences)\n"
        )
        rows = [
            ("briefing: segment_starts (Utiyama–Isahara)", r["ours"]["pk"], r["ours"]["wd"]),
            *((name, value, "–") for name, value in PUBLISHED_CHOI),
            ('"no boundary", measured here', r["none"]["pk"], r["none"]["wd"]),
            ('"every boundary", measured here', r["every"]["pk"], r["every"]["wd"]),
        ]
        out.append(table(("Method", "Pk ↓", "WindowDiff ↓"), rows) + "\n")

    if "configured" in ok:
        r = ok["configured"]
        out.append(
            f"### 3. Configured topics (benchmarks/bbc_topics.yaml: 5 topics, ≤10 keywords each; "
            f"{r['articles']} articles, {r['paragraphs']} paragraphs)\n"
        )
        rows = [
            ("Paragraphs", r["paragraph_accuracy"], r["paragraph_f1"], r["paragraph_other"]),
            ("Articles (majority of paragraphs)", r["article_accuracy"], r["article_f1"], r["article_other"]),
        ]
        out.append(table(("Level", "Accuracy", "Macro-F1", 'Share in "other"'), rows) + "\n")
        out.append("Per category, paragraph level:\n")
        out.append(
            table(("Category", "Paragraphs", "Precision", "Recall", "F1", '→ "other"'), r["per_category"])
            + "\n"
        )
        shown, matrix = r["confusion"]
        out.append("Articles, category (rows) → assigned topic (columns):\n")
        out.append(
            table(("", *shown), [(name, *row) for name, row in zip(shown[:-1], matrix, strict=False)]) + "\n"
        )

    out.append(
        f"### 4. Time and peak memory (each task in a fresh process, {options.threads} BLAS thread(s))\n"
    )
    rows = []
    for name, run in runs.items():
        laps = run.get("laps", {})
        rows.append(
            (
                TASKS[name][0],
                f"{laps['load']:.1f}" if "load" in laps else "–",
                f"{laps['algorithm']:.1f}" if "algorithm" in laps else "–",
                f"{run['wall']:.1f}",
                f"{run['rss_mib']:.0f}" if "rss_mib" in run else "failed",
            )
        )
    out.append(
        table(("Task", "Load + segment() s", "Algorithm s", "Process wall s", "Peak RSS MiB"), rows)
        + "\n\nLoad = reading the files (and `segment()` where articles are built); "
        "algorithm = the call measured. "
        "Process wall includes starting Python and imports.\n"
    )
    for name, run in runs.items():
        if "error" in run:
            out.append(f"**{name} failed:**\n\n```\n{run['error']}\n```\n")
        if run.get("profile"):
            out.append(f"Profile of {name} (cumulative):\n\n```\n{run['profile']}\n```\n")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--data", type=Path, default=REPO.parent / "shared" / "eval", help="the public eval folder"
    )
    parser.add_argument("--docs", type=int, default=300, help="news segmentation documents (default 300)")
    parser.add_argument("--seed", type=int, default=13, help="random seed for the news documents")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help=f"run only these tasks (or prefixes): {', '.join(TASKS)}",
    )
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary of every task")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="BLAS/OpenMP threads in each task (default 1: the issue's one core)",
    )
    options = parser.parse_args(argv)
    options.data = options.data.resolve()
    names = [n for n in TASKS if not options.only or any(n == o or n.startswith(o) for o in options.only)]
    if not names:
        parser.error(f"--only matches no task; tasks: {', '.join(TASKS)}")
    for needed in ("bbc/articles", "choi"):
        if not (options.data / needed).is_dir():
            parser.error(f"{options.data / needed}: not found; pass --data with the public eval folder")
    # Set before the spawned tasks import NumPy: multi-threaded BLAS on a busy 2-core machine
    # makes identical runs vary a lot; one thread is steady.
    for variable in THREAD_VARIABLES:
        os.environ[variable] = str(options.threads)
    runs: dict[str, dict[str, Any]] = {}
    for name in names:
        print(f"running {name} …", file=sys.stderr, flush=True)
        runs[name] = run_task(name, options)
        print(f"  {runs[name]['wall']:.1f} s", file=sys.stderr, flush=True)
    print(report(runs, options))
    return 1 if any("error" in run for run in runs.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
