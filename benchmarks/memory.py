"""Story memory on two consecutive days of DUC 2006: is what was shown yesterday shown again?

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/memory.py [--data ../shared/eval/duc2006]

Each of the 50 folders is split by date (the articles' DOCNOs carry it) into an
earlier half, day 1, and a later half, day 2; five folders appear on day 1 only
and five on day 2 only. Both days are built with `briefing build` (every story
shown whole: `stories.max: 1000`), once with the memory on and once with it off
(day 2 summarised from scratch). A story's folder is its articles' majority.

- Status: a day-2 story whose folder was on day 1 should be developing when it has
  new articles and still running when all of them were read on day 1; one whose
  folder was not on day 1 should be new.
- The same again with day 2 also reading the latest third of day 1's articles of
  each continued folder (as a 36-hour window or a site's "latest" page would).
- And with each folder halved in a shuffled order (fixed seed) instead of by date:
  day 2 then continues the same events, as consecutive days of one story do.
- Each folder alone, its earlier and later half as two days (as an update task reads
  a topic): how many day-2 stories are marked continued.
- The grouping's own view: with both days' articles read as one day, does a day-2
  story share a story with a day-1 article? Of those that do, and of those that
  do not, how many the memory marks continued.
- Repeats: the share of day-2 summary sentences of continued folders whose
  content was shown on day 1 for the same folder: at least half of its content
  stems are in one sentence shown then (a looser test than the summariser's own).
- ROUGE-1/2 recall (rouge-score, stemmed) of each continued folder's day-2
  summary sentences, in story order and cut at 250 words, against the folder's
  four human summaries: with the memory, and from scratch.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import re
import shutil
import statistics
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "eval" / "duc2006"
DAY1, DAY2 = "2026-11-26", "2026-11-27"
WORDS = 250
SEED = 5


def _date_of(name: str) -> str:
    """DUC DOCNOs carry the date: APW19990707.0181 → 19990707."""
    found = re.search(r"\d{8}", name)
    return found.group(0) if found else ""


def split_days(docs: Path, out: Path, overlap: bool = False, shuffled: bool = False) -> dict[str, str]:
    """Write day1/ and day2/; return each file's folder. With `overlap`, day 2 reads again the
    latest third of day 1's articles of each folder on both days (a 36-hour window, a site's
    "latest" page). With `shuffled`, each folder's articles are halved in a random order
    (fixed seed) instead of by date: day 2 then tells the same events as day 1."""
    (out / "day1").mkdir(parents=True)
    (out / "day2").mkdir()
    folder_of = {}
    for k, folder in enumerate(sorted(p for p in docs.iterdir() if p.is_dir())):
        files = sorted(folder.glob("*.txt"), key=lambda f: (_date_of(f.name), f.name))
        if shuffled:
            random.Random(f"{SEED}-{folder.name}").shuffle(files)
        only = "day1" if k % 10 == 3 else "day2" if k % 10 == 7 else None
        half = len(files) // 2
        for n, f in enumerate(files):
            day = only or ("day1" if n < half else "day2")
            name = f"{folder.name}-{f.name}"
            shutil.copy(f, out / day / name)
            if overlap and not only and half - half // 3 <= n < half:
                shutil.copy(f, out / "day2" / name)
            folder_of[name] = folder.name
    return folder_of


def build(project: Path, day: str, memory_days: int) -> dict[str, Any]:
    from briefing.cli import main

    (project / "config.yaml").write_text(
        "sources:\n  - path: articles/*.txt\n    name: Wire\n"
        f"stories: {{max: 1000, memory_days: {memory_days}}}\nlanguage: english\n",
        encoding="utf-8",
    )
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        # fixed days of a corpus, not real ones: --force lets a day after today be built
        code = main(["build", "-q", "--force", "--config", str(project / "config.yaml"), "--date", day])
    assert code == 0, f"build {day} failed"
    data: dict[str, Any] = json.loads((project / "out" / day / "briefing.json").read_text(encoding="utf-8"))
    return data


def two_days(days: Path, project: Path, memory_days: int) -> tuple[dict[str, Any], dict[str, Any]]:
    articles = project / "articles"
    shutil.rmtree(project, ignore_errors=True)
    articles.mkdir(parents=True)
    for f in (days / "day1").glob("*.txt"):
        shutil.copy(f, articles)
    first = build(project, DAY1, memory_days)
    for f in articles.glob("*.txt"):
        f.unlink()  # day 2 is the next day's news only
    for f in (days / "day2").glob("*.txt"):
        shutil.copy(f, articles)
    return first, build(project, DAY2, memory_days)


def stories_by_folder(data: dict[str, Any], folder_of: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    path = {a["id"]: Path(a["path"]).name for a in data["articles"]}
    found = []
    for section in data["sections"]:
        for story in section["stories"]:
            folders = Counter(folder_of[path[a["id"]]] for a in story["articles"])
            found.append((folders.most_common(1)[0][0], story))
    return found


def together(days: Path, project: Path) -> dict[str, bool]:
    """Each day-2 file: whether, with both days' articles read as one day, it is in a story with
    a day-1 article (the grouping's own view of "the same story"). A file both days read, or
    one dropped as a near-duplicate, counts as joining."""
    articles = project / "articles"
    shutil.rmtree(project, ignore_errors=True)
    articles.mkdir(parents=True)
    for day in ("day1", "day2"):
        for f in (days / day).glob("*.txt"):
            shutil.copy(f, articles / f"{day}-{f.name}")
    data = build(project, DAY1, memory_days=0)
    path = {a["id"]: Path(a["path"]).name for a in data["articles"]}
    joined = {f.name: True for f in (days / "day2").glob("*.txt")}
    for section in data["sections"]:
        for story in section["stories"]:
            names = [path[a["id"]] for a in story["articles"]]
            with_day1 = any(n.startswith("day1-") for n in names)
            for name in names:
                if name.startswith("day2-") and not (days / "day1" / name[5:]).exists():
                    joined[name[5:]] = with_day1
    return joined


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    options = parser.parse_args(argv)
    data = options.data.resolve()
    for overlap, shuffled in ((False, False), (True, False), (False, True)):
        with tempfile.TemporaryDirectory(prefix="memory-") as tmp:
            folder_of = split_days(data / "docs", Path(tmp) / "days", overlap, shuffled)
            remembered = two_days(Path(tmp) / "days", Path(tmp) / "on", memory_days=7)
            scratch = two_days(Path(tmp) / "days", Path(tmp) / "off", memory_days=0)
            said = said_on_day1(Path(tmp) / "days" / "day1", folder_of)
            joined = together(Path(tmp) / "days", Path(tmp) / "both")
        report(data, folder_of, remembered, scratch, overlap, said, shuffled, joined)
    per_topic(data)
    return 0


def per_topic(data: Path) -> None:
    """Each folder alone as two days (its earlier and later half), as an update task reads a
    topic: every day-2 story continues day 1's topic."""
    statuses: Counter[str] = Counter()
    first: Counter[int] = Counter()  # place of day 2's first developing story (-1: none)
    for folder in sorted(p for p in (data / "docs").iterdir() if p.is_dir()):
        files = sorted(folder.glob("*.txt"), key=lambda f: (_date_of(f.name), f.name))
        with tempfile.TemporaryDirectory(prefix="memory-topic-") as tmp:
            days = Path(tmp) / "days"
            for n, f in enumerate(files):
                day = days / ("day1" if n < len(files) // 2 else "day2")
                day.mkdir(parents=True, exist_ok=True)
                shutil.copy(f, day / f.name)
            _, day2 = two_days(days, Path(tmp) / "on", memory_days=7)
        stories = [story for section in day2["sections"] for story in section["stories"]]
        statuses.update(story["status"] for story in stories)
        first[next((k for k, s in enumerate(stories) if s["status"] == "developing"), -1)] += 1
    print("### Story memory: each folder alone, its earlier and later half as two days\n")
    print(
        f"Day-2 stories: {sum(statuses.values())}, of which {statuses['developing']} developing and "
        f"{statuses['still-running']} still running; folders with no continued story: {first[-1]} of "
        f"{sum(first.values())}; day 2's first story is developing in {first[0]}.\n"
    )


def said_on_day1(day1: Path, folder_of: dict[str, str]) -> dict[str, frozenset[tuple[str, str]]]:
    """Each folder's concepts (stemmed bigrams, as the default summary counts them) in day 1's
    articles: what a reader of day 1's news was told."""
    from briefing.summarise.concepts import sentence_concepts

    said: dict[str, set[tuple[str, str]]] = {}
    for f in sorted(day1.glob("*.txt")):
        text = f.read_text(encoding="utf-8", errors="replace")
        said.setdefault(folder_of[f.name], set()).update(sentence_concepts(text, "english"))
    return {folder: frozenset(concepts) for folder, concepts in said.items()}


def report(
    data: Path,
    folder_of: dict[str, str],
    remembered: tuple[dict[str, Any], dict[str, Any]],
    scratch: tuple[dict[str, Any], dict[str, Any]],
    overlap: bool,
    said: dict[str, frozenset[tuple[str, str]]],
    shuffled: bool = False,
    joined: dict[str, bool] | None = None,
) -> None:
    from rouge_score import rouge_scorer

    from briefing.language import content_stems

    day1_folders = {f for f, _ in stories_by_folder(remembered[0], folder_of)}
    day1_files = {Path(a["path"]).name for a in remembered[0]["articles"]}
    path = {a["id"]: Path(a["path"]).name for a in remembered[1]["articles"]}
    statuses: Counter[str] = Counter()
    for folder, story in stories_by_folder(remembered[1], folder_of):
        read_before = all(path[a["id"]] in day1_files for a in story["articles"])
        expected = "new" if folder not in day1_folders else "still-running" if read_before else "developing"
        got = story["status"]
        one = " (one-article stories)" if len(story["articles"]) == 1 else ""
        statuses[("right " if got == expected else "wrong ") + f"{expected}→{got}{one}"] += 1
    shown_day1: dict[str, list[frozenset[str]]] = {}
    for folder, story in stories_by_folder(remembered[0], folder_of):
        shown_day1.setdefault(folder, []).extend(
            frozenset(content_stems(s["text"])) for s in story["summary"]
        )

    def repeats(day2: dict[str, Any]) -> tuple[int, int]:
        repeated = total = 0
        for folder, story in stories_by_folder(day2, folder_of):
            if folder not in day1_folders:
                continue
            for sentence in story["summary"]:
                stems = frozenset(content_stems(sentence["text"]))
                total += 1
                repeated += any(stems and len(stems & old) >= 0.5 * len(stems) for old in shown_day1[folder])
        return repeated, total

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    models: dict[str, list[str]] = {}
    for path in sorted((data / "models").iterdir()):
        models.setdefault(path.name[:5], []).append(path.read_text(encoding="latin-1"))

    def rouge(day2: dict[str, Any]) -> tuple[float, float]:
        text: dict[str, list[str]] = {}
        for folder, story in stories_by_folder(day2, folder_of):
            if folder in day1_folders:
                text.setdefault(folder, []).extend(s["text"] for s in story["summary"])
        r1, r2 = [], []
        for folder, sentences in sorted(text.items()):
            summary = " ".join(" ".join(sentences).split()[:WORDS])
            scores = [scorer.score(model, summary) for model in models[folder[:5]]]
            r1.append(statistics.mean(s["rouge1"].recall for s in scores))
            r2.append(statistics.mean(s["rouge2"].recall for s in scores))
        return 100 * statistics.mean(r1), 100 * statistics.mean(r2)

    def novelty(day2: dict[str, Any]) -> float:
        """Share of the continued folders' day-2 summary concepts no day-1 article of the folder had."""
        from briefing.summarise.concepts import sentence_concepts

        new = total = 0
        for folder, story in stories_by_folder(day2, folder_of):
            if folder in day1_folders:
                for sentence in story["summary"]:
                    found = sentence_concepts(sentence["text"], "english")
                    total += len(found)
                    new += len(found - said[folder])
        return new / total if total else 0.0

    def texts(day2: dict[str, Any]) -> dict[str, list[str]]:
        shown: dict[str, list[str]] = {}
        for folder, story in stories_by_folder(day2, folder_of):
            if folder in day1_folders:
                shown.setdefault(folder, []).extend(s["text"] for s in story["summary"])
        return shown

    ours, theirs = texts(remembered[1]), texts(scratch[1])
    differ = sum(ours.get(f) != theirs.get(f) for f in {*ours, *theirs})
    by_articles = {
        frozenset(a["id"] for a in s["articles"]): s for _, s in stories_by_folder(scratch[1], folder_of)
    }
    developing = [s for _, s in stories_by_folder(remembered[1], folder_of) if s["status"] == "developing"]
    changed = sum(
        [x["text"] for x in s["summary"]]
        != [
            x["text"]
            for x in by_articles.get(frozenset(a["id"] for a in s["articles"]), {"summary": []})["summary"]
        ]
        for s in developing
    )
    with_memory, from_scratch = repeats(remembered[1]), repeats(scratch[1])
    again = ", day 2 reading a third of day 1's articles again" if overlap else ""
    split = "halved in a shuffled order" if shuffled else "split into two days by date"
    print(f"### Story memory: DUC 2006 {split}{again}\n")
    print("Day-2 stories by the status they should have → the status given:\n")
    for key, count in sorted(statuses.items()):
        print(f"- {key}: {count}")
    right = sum(c for k, c in statuses.items() if k.startswith("right"))
    print(f"\n{right} of {sum(statuses.values())} day-2 stories marked right.\n")
    if joined is not None:
        # The grouping's own view: read as one day, would the story join one of day 1's?
        by_view: Counter[tuple[bool, bool]] = Counter()
        name_of = {a["id"]: Path(a["path"]).name for a in remembered[1]["articles"]}
        for folder, story in stories_by_folder(remembered[1], folder_of):
            if folder in day1_folders:
                joins = any(joined.get(name_of[a["id"]], True) for a in story["articles"])
                by_view[(joins, story["status"] != "new")] += 1
        print(
            f"Of the day-2 stories of continued folders, {sum(by_view[(True, k)] for k in (True, False))} "
            f"share a story with a day-1 article when both days are read as one: {by_view[(True, True)]} "
            f"of them are marked continued. {sum(by_view[(False, k)] for k in (True, False))} stand apart "
            f"from day 1 even then: {by_view[(False, True)]} of them are marked continued.\n"
        )
    print(
        "| day 2 | sentences of continued folders | already shown on day 1 "
        "| summary concepts no day-1 article had | ROUGE-1 R | ROUGE-2 R |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for label, result, day2 in (
        ("with memory", with_memory, remembered[1]),
        ("from scratch", from_scratch, scratch[1]),
    ):
        r1, r2 = rouge(day2)
        share = result[0] / result[1] if result[1] else 0.0
        new = novelty(day2)
        print(f"| {label} | {result[1]} | {result[0]} ({share:.1%}) | {new:.1%} | {r1:.2f} | {r2:.2f} |")
    print(
        f"\nThe day-2 text of {differ} of {len({*ours, *theirs})} continued folders differs from the build "
        f"with no memory; {changed} of {len(developing)} developing stories' summaries differ from the "
        "same articles' summary from scratch.\n"
    )


if __name__ == "__main__":
    sys.exit(main())
