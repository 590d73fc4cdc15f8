"""Stories benchmark: does a day of news become the right stories, and how fast at scale?

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/stories.py [--data ../shared/eval] [--only NAME ...] [--sizes 100,1000,10000]

Reads ../shared/eval (see its README.md). Every task runs in a fresh process (peak
memory is that process's); each prints a Markdown table:

1. duc: all 1,250 DUC 2006 articles as one day, no topics. Each article's story is
   the one holding most of its text; NMI and ARI against the 50 folders, number of
   stories, time and peak memory of the grouping (segment + stories). Beside it, on
   the same files, the plain anchor of ../shared/eval/README.md: whole-article
   TF-IDF (scikit-learn, sublinear tf, English stop words) and average-linkage
   clustering at cosine distance 0.9.
2. joined: the same articles with a quarter of the day's files made of two articles
   of different folders joined (fixed seed), with and without the second article's
   headline line: passage-level NMI/ARI against the folders, and Pk of the story
   changes inside the joined files (k = half the mean reference segment length).
3. bbc: ten days of 60 BBC articles (12 per category, seeds 1-10, as
   ../shared/tools/bbc_day.py builds one), no topics, through `build_briefing`:
   stories, stories that join articles of two categories (two categories are never
   one story), categories reaching the reader (in a summary sentence). The anchor's
   mixed clusters on the same days beside it.
4. small: the four-article two-story days of tests/fixtures/stories (English,
   German, both at once) and the bundled example with and without its topics.
5. growth: days of 100 to 10,000 articles (BBC and DUC articles, and for more,
   other outlets' versions of them: 70% of each article's sentences, one sentence a
   paragraph as many news sites print them), grouping time and peak memory, and the
   growth exponent between sizes.
"""

from __future__ import annotations

import argparse
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
from datetime import date
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


# --- 1. DUC 2006 as one day --------------------------------------------------------------------


def task_duc(options: argparse.Namespace) -> Result:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    docs = options.data / "duc2006" / "docs"
    articles, stories, seconds = _group(_config(str(docs / "*" / "*.txt"), docs))
    peak = _peak_mib()
    folder = {a.id: Path(a.path).parent.name for a in articles}
    story = _article_labels(articles, stories)
    ids = sorted(folder)
    truth, found = [folder[i] for i in ids], [story[i] for i in ids]
    files = sorted(docs.glob("*/*.txt"))
    started = time.perf_counter()
    anchor = _anchor([f.read_text(encoding="utf-8", errors="replace") for f in files])
    anchor_seconds = time.perf_counter() - started
    anchor_truth = [f.parent.name for f in files]
    return {
        "articles": len(ids),
        "files": len(files),
        "ours": (
            len(stories),
            normalized_mutual_info_score(truth, found),
            adjusted_rand_score(truth, found),
            seconds,
            peak,
        ),
        "anchor": (
            len(set(anchor)),
            normalized_mutual_info_score(anchor_truth, anchor),
            adjusted_rand_score(anchor_truth, anchor),
            anchor_seconds,
        ),
    }


# --- 2. joined articles ------------------------------------------------------------------------


def _joined_day(docs: Path, out: Path, headline: bool) -> dict[str, list[str]]:
    """Write the day; return for each file its folder(s) and, if joined, the second article's first line."""
    files = sorted(docs.glob("*/*.txt"))
    random.Random(7).shuffle(files)
    joined_count = len(files) // 5  # 2q files joined into q, of n - q in all: a quarter of the day
    pairs, singles = files[: 2 * joined_count], files[2 * joined_count :]
    truth: dict[str, list[str]] = {}
    for k in range(joined_count):
        first, second = pairs[2 * k], pairs[2 * k + 1]
        if first.parent == second.parent:  # keep the two stories apart: swap in another folder's article
            second, singles[0] = singles[0], second
        head = first.read_text(encoding="utf-8", errors="replace").strip()
        blocks = [b for b in second.read_text(encoding="utf-8", errors="replace").split("\n\n") if b.strip()]
        if not headline:
            blocks = blocks[1:]
        name = f"joined-{k:03d}.txt"
        (out / name).write_text(head + "\n\n" + "\n\n".join(blocks) + "\n", encoding="utf-8")
        truth[name] = [first.parent.name, second.parent.name, " ".join(blocks[0].split())]
    for single in singles:
        name = f"{single.parent.name}-{single.name}"
        shutil.copy(single, out / name)
        truth[name] = [single.parent.name]
    return truth


def task_joined(options: argparse.Namespace) -> Result:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    results: Result = {}
    for headline in (True, False):
        with tempfile.TemporaryDirectory(prefix="joined-") as tmp:
            truth = _joined_day(options.data / "duc2006" / "docs", Path(tmp), headline)
            articles, stories, seconds = _group(_config("*.txt", Path(tmp)))
        story_of = {(p.article_id, p.index): s.id for s in stories for p in s.passages}
        expected, found, errors = [], [], []
        joined = located = 0
        for article in articles:
            info = truth[Path(article.path).name]
            second = None
            if len(info) == 3:
                joined += 1
                opening = info[2][:60]
                second = next(
                    (
                        i
                        for i, text in enumerate(article.paragraphs)
                        if " ".join(text.split())[:60] == opening
                    ),
                    None,
                )
                if second is None:
                    continue  # the reader dropped or merged the joining line: not scored
                located += 1
            labels = [story_of[article.id, i] for i in range(len(article.paragraphs))]
            for i, label in enumerate(labels):
                expected.append(info[1] if second is not None and i >= second else info[0])
                found.append(label)
            if second is not None and len(labels) > 2:
                changes = {i for i in range(1, len(labels)) if labels[i] != labels[i - 1]}
                errors.append(pk({second}, changes, len(labels)))
        results["headline" if headline else "no headline"] = (
            normalized_mutual_info_score(expected, found),
            adjusted_rand_score(expected, found),
            sum(errors) / len(errors),
            located,
            joined,
            seconds,
        )
    return results


# --- 3. BBC days ---------------------------------------------------------------------------------


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
                "anchor_clusters": len(groups),
                "anchor_mixed": sum(len(g) > 1 for g in groups.values()),
                "example": [
                    (s.title, len(s.article_ids), sorted({of[a] for a in s.article_ids})) for s in shown[:3]
                ]
                if seed == 1
                else [],
            }
        )
    return {"days": days}


# --- 4. small days and the bundled example ------------------------------------------------------


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
    "bbc": task_bbc,
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


def report(name: str, result: Result) -> str:
    if "error" in result:
        return f"### {name}\n\nfailed: {result['error']}\n"
    r = result["result"]
    if name == "duc":
        ours, anchor = r["ours"], r["anchor"]
        return (
            f"### DUC 2006 as one day ({r['files']} files, {r['articles']} articles after duplicates)\n\n"
            + table(
                ("method", "stories", "NMI", "ARI", "seconds", "peak MiB"),
                [
                    ("briefing stories", ours[0], ours[1], ours[2], f"{ours[3]:.1f}", f"{ours[4]:.0f}"),
                    (
                        "anchor: TF-IDF + average linkage at 0.9",
                        anchor[0],
                        anchor[1],
                        anchor[2],
                        f"{anchor[3]:.1f}",
                        "-",
                    ),
                ],
            )
            + "\n"
        )
    if name == "joined":
        return (
            "### A quarter of the files two articles of different folders joined\n\n"
            + table(
                (
                    "second article",
                    "passage NMI",
                    "passage ARI",
                    "Pk of the change",
                    "joins scored",
                    "seconds",
                ),
                [(k, v[0], v[1], v[2], f"{v[3]} of {v[4]}", f"{v[5]:.1f}") for k, v in r.items()],
            )
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
                d["anchor_clusters"],
                d["anchor_mixed"],
            )
            for k, d in enumerate(days)
        ]
        total = (
            "all",
            *(sum(d[key] for d in days) for key in ("stories", "multi", "mixed", "mixed_shown")),
            f"{sum(d['reached'] == 5 for d in days)}/10 days 5/5",
            sum(d["anchor_clusters"] for d in days),
            sum(d["anchor_mixed"] for d in days),
        )
        example = "; ".join(f"{t} ({n} articles: {', '.join(c)})" for t, n, c in days[0]["example"])
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
                    "anchor clusters",
                    "anchor clusters of two",
                ),
                [*rows, total],
            )
            + f"\n\nDay 1 opens with: {example}\n"
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
