"""Summaries: quality on BBC News Summary, LexRank speed, and `briefing build` end to end.

    .venv/bin/pip install '.[bench]'
    .venv/bin/python benchmarks/summaries.py [--data ../shared/eval/bbc] [--part quality speed build]

1. quality: every algorithm (beside `lead` and `random`) summarises each of the
   2,225 BBC articles to the reference length (the number of article sentences
   in its human extractive summary), through the same selection as a briefing
   (clean sentences, no repeats). ROUGE-1/2/L F1 (`rouge-score`, stemmed)
   against the human summary, and precision/recall of the chosen sentences
   against the summary's sentences, re-split by matching the article's own
   sentences (the summaries join sentences with no space).
2. speed: sumy's LexRank against the vectorised one on the first n sentences of
   BBC text, each run in a child process: wall time and the peak rise of
   resident memory. sumy runs past --sumy-timeout are stopped and extrapolated
   (its time grows as n²).
3. build: `briefing build` as a user runs it (a subprocess, imports included) on
   the first 100, 1,000 and 2,225 BBC articles, categories interleaved, with the
   five categories as configured topics; plus where the time goes, stage by stage.

Prints Markdown tables; the README's "Summaries: quality and speed" section shows the latest.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from briefing.config import SummaryConfig
from briefing.models import Article, Passage
from briefing.segment import segment
from briefing.summarise import summarise
from briefing.summarise.rankers import rank_sentences
from briefing.summarise.registry import algorithm_names

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "eval" / "bbc"
CATEGORIES = ("business", "entertainment", "politics", "sport", "tech")
# sumy's own implementations rank exactly as ours (tests/test_summarise.py); they only cost time here.
QUALITY_RUNS: tuple[tuple[str, dict[str, Any]], ...] = (
    *((f"`{a}`", {"algorithm": a}) for a in algorithm_names() if not a.endswith("-sumy")),
    # does maximal marginal relevance help? (summary.mmr; off by default)
    ("`lexrank`, mmr 0.7", {"algorithm": "lexrank", "mmr": 0.7}),
    ("`textrank`, mmr 0.7", {"algorithm": "textrank", "mmr": 0.7}),
)
SPEED_SIZES = (200, 500, 1000, 2000, 10000)
BUILD_SIZES = (100, 1000, 2225)
TOPIC_KEYWORDS = {
    "business": ["economy", "market", "shares", "profits", "bank", "company", "growth", "firm"],
    "entertainment": ["film", "music", "award", "band", "album", "actor", "star", "show"],
    "politics": ["election", "labour", "minister", "party", "government", "tory", "blair", "vote"],
    "sport": ["match", "cup", "team", "player", "coach", "win", "champion", "game"],
    "tech": ["software", "computer", "internet", "mobile", "technology", "users", "digital", "phone"],
}


# ---- reading BBC ------------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """UTF-8, or Windows-1252 for the odd file that is not (sport/199.txt)."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def article_files(data: Path) -> list[Path]:
    """Every article, categories interleaved (business/001, entertainment/001, …)."""
    by_category = [sorted((data / "articles" / c).glob("*.txt")) for c in CATEGORIES]
    longest = max(len(files) for files in by_category)
    return [files[i] for i in range(longest) for files in by_category if i < len(files)]


def read_article(path: Path, article_id: str) -> Article:
    title, _, body = read_text(path).strip().partition("\n")
    paragraphs = tuple(" ".join(p.split()) for p in re.split(r"\n\s*\n", body) if p.strip())
    return Article(id=article_id, title=title.strip(), source="BBC", paragraphs=paragraphs, path=str(path))


@dataclass(frozen=True)
class Item:
    """One article with its human summary, split into the article's own sentences."""

    name: str
    passages: tuple[Passage, ...]
    reference: str  # the human summary, spaces put back between sentences
    reference_sentences: frozenset[tuple[int, int]]  # (paragraph, start) of the article's sentences in it
    coverage: float  # share of the summary's characters those sentences account for


def load_item(data: Path, path: Path) -> Item:
    passages = segment(read_article(path, "a1"))
    summary = read_text(data / "summaries" / path.parent.name / path.name)
    squeezed = re.sub(r"\s+", "", summary)
    chosen = {
        (s.paragraph, s.start): s.text
        for p in passages
        for s in p.sentences
        if len(s.text) > 1 and re.sub(r"\s+", "", s.text) in squeezed
    }
    covered = sum(len(re.sub(r"\s+", "", t)) for t in chosen.values())
    reference = re.sub(r"([.!?][\"'”’]?)(?=[A-Z\"'“‘])", r"\1 ", " ".join(summary.split()))
    return Item(
        name=f"{path.parent.name}/{path.name}",
        passages=passages,
        reference=reference,
        reference_sentences=frozenset(chosen),
        coverage=min(1.0, covered / max(1, len(squeezed))),
    )


# ---- 1. quality -------------------------------------------------------------------------------


class Rouge:
    """ROUGE-1/2/L F1 exactly as `rouge_score.RougeScorer(..., use_stemmer=True).score`.

    Its tokenizer and n-gram scoring are used as they are; tokens are cached per
    sentence (a summary's tokens are its sentences' tokens in a row, since the
    tokenizer splits at every non-alphanumeric character) and the LCS length is
    computed bit-parallel (Hyyrö 2004) instead of with a Python DP table. The
    first articles of every run are checked against `score` itself.
    """

    def __init__(self) -> None:
        from rouge_score import rouge_scorer

        self._module = rouge_scorer
        self.scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
        self._tokens: dict[str, list[str]] = {}

    def tokens(self, text: str) -> list[str]:
        if text not in self._tokens:
            self._tokens[text] = list(self.scorer._tokenizer.tokenize(text))
        return self._tokens[text]

    def f1(self, reference: str, sentences: Sequence[str]) -> tuple[float, float, float]:
        target = self.tokens(reference)
        prediction = [t for s in sentences for t in self.tokens(s)]
        grams = self._module._create_ngrams
        one = self._module._score_ngrams(grams(target, 1), grams(prediction, 1)).fmeasure
        two = self._module._score_ngrams(grams(target, 2), grams(prediction, 2)).fmeasure
        if not target or not prediction:
            return one, two, 0.0
        common = lcs_length(target, prediction)
        precision, recall = common / len(prediction), common / len(target)
        return one, two, 0.0 if common == 0 else 2 * precision * recall / (precision + recall)


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence, bit-parallel over `a`."""
    masks: dict[str, int] = {}
    for i, token in enumerate(a):
        masks[token] = masks.get(token, 0) | (1 << i)
    full = (1 << len(a)) - 1
    row = full
    for token in b:
        match = row & masks.get(token, 0)
        row = ((row + match) | (row - match)) & full
    return len(a) - row.bit_count()


def score_article(
    args: tuple[Path, Path, Sequence[tuple[str, dict[str, Any]]], bool],
) -> tuple[str, float, dict[str, tuple[float, ...]]]:
    data, path, runs, check = args
    item = load_item(data, path)
    rouge = Rouge()
    k = len(item.reference_sentences)
    results: dict[str, tuple[float, ...]] = {}
    for algorithm, options in runs:
        chosen = summarise(item.passages, SummaryConfig(sentences=max(1, k), **options), "english")
        scores = rouge.f1(item.reference, [s.text for s in chosen])
        if check:
            full = rouge.scorer.score(item.reference, " ".join(s.text for s in chosen))
            expected = (full["rouge1"].fmeasure, full["rouge2"].fmeasure, full["rougeL"].fmeasure)
            assert all(abs(x - y) < 1e-12 for x, y in zip(scores, expected, strict=True)), (
                item.name,
                algorithm,
            )
        hits = sum((s.paragraph, s.start) in item.reference_sentences for s in chosen)
        precision = hits / len(chosen) if chosen else 0.0
        recall = hits / k if k else 0.0
        results[algorithm] = (*scores, precision, recall)
    return item.name, item.coverage, results


def quality(data: Path, limit: int | None, jobs: int) -> None:
    files = article_files(data)[:limit]
    started = time.perf_counter()
    tasks = [(data, path, QUALITY_RUNS, i < 50) for i, path in enumerate(files)]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        rows = pool.map(score_article, tasks, chunksize=16)
    elapsed = time.perf_counter() - started
    coverage = statistics.mean(c for _, c, _ in rows)
    print(f"\n### Quality: {len(rows)} BBC articles, summary length = the reference's sentence count\n")
    print(
        f"References re-split into article sentences cover {coverage:.1%} of the summaries' text. "
        f"{len(QUALITY_RUNS)} runs, {jobs} processes, {elapsed:.0f} s.\n"
    )
    print("| algorithm | ROUGE-1 F1 | ROUGE-2 F1 | ROUGE-L F1 | sentence P | sentence R |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    table = []
    for algorithm, _ in QUALITY_RUNS:
        columns = list(zip(*(r[algorithm] for _, _, r in rows), strict=True))
        table.append((algorithm, [100 * statistics.mean(c) for c in columns]))
    for algorithm, means in sorted(table, key=lambda row: -row[1][0]):
        print(f"| {algorithm} | " + " | ".join(f"{m:.1f}" for m in means) + " |")


# ---- 2. speed ---------------------------------------------------------------------------------


def bbc_passages(data: Path, sentences: int) -> list[Passage]:
    """Passages of BBC articles, in article order, cut at exactly `sentences` sentences."""
    passages: list[Passage] = []
    count = 0
    for i, path in enumerate(article_files(data)):
        for passage in segment(read_article(path, f"a{i + 1}")):
            if count + len(passage.sentences) > sentences:
                keep = passage.sentences[: sentences - count]
                passages.append(Passage(passage.article_id, passage.index, passage.text, passage.kind, keep))
                return passages
            passages.append(passage)
            count += len(passage.sentences)
    raise SystemExit(f"only {count} sentences in {data}; asked for {sentences}")


def _rss_kib(field: str) -> int:
    status = Path("/proc/self/status").read_text()
    match = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) if match else 0


def _measure_child(run: Callable[[], object], queue: Any) -> None:
    # Reset the peak-RSS mark (Linux ≥ 4.0) so VmHWM is the peak of this run alone.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    before = _rss_kib("VmRSS")
    started = time.perf_counter()
    run()
    elapsed = time.perf_counter() - started
    queue.put((elapsed, (_rss_kib("VmHWM") - before) / 1024))


def measure(run: Callable[[], object], timeout: float) -> tuple[float, float] | None:
    """(seconds, peak MiB above the start) of `run` in a forked child; None past the timeout."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_measure_child, args=(run, queue))
    child.start()
    child.join(timeout)
    if child.is_alive():
        child.terminate()
        child.join()
        return None
    result: tuple[float, float] = queue.get()
    return result


def best_of(runs: int, run: Callable[[], object]) -> tuple[float, float]:
    """The fastest of a few runs (sub-second timings are noisy), with its peak memory."""
    results = [measure(run, 600) for _ in range(runs)]
    return min(r for r in results if r is not None)


def speed(data: Path, sizes: Sequence[int], sumy_timeout: float) -> None:
    print(f"\n### Speed: sumy's LexRank vs the vectorised one (sumy stopped after {sumy_timeout:.0f} s)\n")
    print("Wall time and peak memory rise of one ranking of n BBC sentences (tokenising included),")
    print("each in a fresh child process; the vectorised ones best of 3.\n")
    print(
        "| sentences | sumy LexRank | sumy peak MiB | vectorised | vectorised peak MiB | speed-up "
        "| vectorised TextRank | its peak MiB |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    # Imports (sumy, nltk's stemmers) happen here, once, not inside the first timed run.
    for algorithm in ("lexrank", "lexrank-sumy", "textrank"):
        rank_sentences(bbc_passages(data, 5), algorithm, "english")
    last_sumy: tuple[int, float] | None = None
    for n in sizes:
        passages = bbc_passages(data, n)
        ours = best_of(3, lambda p=passages: rank_sentences(p, "lexrank", "english"))  # type: ignore[misc]
        textrank = best_of(3, lambda p=passages: rank_sentences(p, "textrank", "english"))  # type: ignore[misc]
        theirs = None
        if last_sumy is None or last_sumy[1] * (n / last_sumy[0]) ** 2 < sumy_timeout:
            theirs = measure(lambda p=passages: rank_sentences(p, "lexrank-sumy", "english"), sumy_timeout)  # type: ignore[misc]
        if theirs is not None:
            last_sumy = (n, theirs[0])
            sumy_time, sumy_memory, note = theirs[0], f"{theirs[1]:.0f}", ""
        else:
            assert last_sumy is not None, "sumy timed out on the smallest size"
            sumy_time = last_sumy[1] * (n / last_sumy[0]) ** 2
            # its dense n × n float64 matrix alone
            sumy_memory, note = f"≥ {n * n * 8 / 2**20:.0f}*", "*"
        print(
            f"| {n:,} | {sumy_time:.2f} s{note} | {sumy_memory} | {ours[0]:.2f} s | {ours[1]:.0f} | "
            f"{sumy_time / ours[0]:.0f}×{note} | {textrank[0]:.2f} s | {textrank[1]:.0f} |"
        )
        sys.stdout.flush()
    print("\n\\* not run to the end: time extrapolated as n² from the largest size sumy finished; memory is")
    print("its dense n × n matrix alone.")


# ---- 3. briefing build ------------------------------------------------------------------------


def write_project(data: Path, folder: Path, count: int) -> Path:
    articles = folder / "articles"
    articles.mkdir(parents=True)
    for path in article_files(data)[:count]:
        shutil.copy(path, articles / f"{path.parent.name}_{path.name}")
    config = {
        "title": "BBC benchmark",
        "sources": [{"path": "articles/*.txt", "name": "BBC"}],
        "topics": [
            {"id": c, "title": c.title(), "keywords": keywords} for c, keywords in TOPIC_KEYWORDS.items()
        ],
        "output": {"dir": "out", "formats": ["md", "html", "json"]},
    }
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


STAGES = {
    "ingest": ("ingest/__init__.py", "ingest"),
    "segment": ("briefing/segment.py", "segment"),
    "assign": ("briefing/pipeline.py", "assign"),
    "summarise": ("summarise/__init__.py", "summarise_topic"),
}


def stage_shares(config_path: Path) -> dict[str, float]:
    """Where the time of `build_briefing` goes: each stage's share, from cProfile."""
    import cProfile
    import pstats
    from datetime import date

    from briefing.config import load_config
    from briefing.pipeline import build_briefing

    logging.getLogger("briefing").setLevel(logging.ERROR)  # skipped duplicates: the command said so
    config = load_config(config_path)
    profile = cProfile.Profile()
    profile.runcall(build_briefing, config, date(2026, 11, 26))
    stats: dict[tuple[str, int, str], tuple[Any, ...]] = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total = sum(t for (_, _, _), (_, _, t, _, _) in stats.items())
    shares = {}
    for stage, (file, function) in STAGES.items():
        spent = sum(v[3] for (f, _, name), v in stats.items() if f.endswith(file) and name == function)
        shares[stage] = spent / total
    return shares


def build(data: Path, sizes: Sequence[int]) -> None:
    print("\n### `briefing build` end to end on BBC articles (five configured topics)\n")
    print(
        "Wall time of the `briefing build` command; stages as shares of `build_briefing`'s time (cProfile).\n"
    )
    print("| articles | sentences | wall time | ingest | segment | assign | summarise |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    executable = Path(sys.executable).with_name("briefing")
    for count in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            config = write_project(data, Path(tmp), count)
            started = time.perf_counter()
            done = subprocess.run(
                [str(executable), "build", "-q", "--config", str(config), "--date", "2026-11-26"],
                capture_output=True,
                text=True,
                check=False,
            )
            wall = time.perf_counter() - started
            if done.returncode != 0:
                print(f"| {count:,} | build failed ({done.returncode}): {done.stderr.strip()[:200]} |")
                continue
            stages = stage_shares(config)
            sentences = sum(
                len(p.sentences)
                for path in Path(tmp, "articles").iterdir()
                for p in segment(read_article(path, "a"))
            )
            print(
                f"| {count:,} | {sentences:,} | {wall:.1f} s | "
                + " | ".join(f"{stages[s]:.0%}" for s in STAGES)
                + " |"
            )
            sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="BBC News Summary folder")
    parser.add_argument(
        "--part", nargs="+", choices=("quality", "speed", "build"), default=["quality", "speed", "build"]
    )
    parser.add_argument("--limit", type=int, help="quality on the first N articles only (a quick look)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for quality")
    parser.add_argument("--sizes", type=int, nargs="+", default=SPEED_SIZES, help="sentence counts for speed")
    parser.add_argument("--sumy-timeout", type=float, default=300.0, help="seconds before sumy is stopped")
    parser.add_argument("--build-sizes", type=int, nargs="+", default=BUILD_SIZES)
    args = parser.parse_args(argv)
    if not (args.data / "articles").is_dir():
        parser.error(f"{args.data}: no articles/ folder; pass --data PATH to the BBC News Summary set")
    print(
        f"    {Path(sys.executable).name} benchmarks/summaries.py {' '.join(argv or sys.argv[1:])}".rstrip()
    )
    for part in args.part:
        {
            "quality": lambda: quality(args.data, args.limit, args.jobs),
            "speed": lambda: speed(args.data, args.sizes, args.sumy_timeout),
            "build": lambda: build(args.data, args.build_sizes),
        }[part]()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
