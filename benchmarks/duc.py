"""Multi-document summaries on DUC 2006: ROUGE recall of every algorithm, and its time per topic.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/duc.py [--data ../shared/eval/duc2006] [--jobs 2] [--topics N] [--words 100]

Each of the 50 topics (25 news articles each) is read as a user's files are
(`ingest`, `segment`) and summarised as one topic to at most 250 words by every
registered algorithm, through the same selection as a briefing (clean
sentences, no repeats, no sentence cut). Beside them, run on the same
sentences and budget: sumy's own LexRank, TextRank and LSA as sumy is used on
its own (its best sentences in rank order until 250 words, shown in reading
order, no other rule). Every summary is cut at 250 words, as DUC's were.

ROUGE-1 and ROUGE-2 recall (`rouge-score`, Porter stemmer, no stop words
removed) against each of the topic's four human summaries, averaged over the
four and then over the topics. Time is each algorithm's own time per topic
(reading and splitting excluded), in a process whose imports are warmed up.
The topics' questions (`topics.sgml`) are not used: these are generic summaries.

With --exact, the default's objective is also solved exactly, as Gillick &
Favre's integer program (HiGHS through `scipy.optimize.milp`), on the same
candidates, budget and repeat rule: how close the greedy comes to the best
concept value, and what the exact summary scores.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from briefing.config import SummaryConfig, parse_config
from briefing.ingest import ingest
from briefing.models import Passage, PassageKind, Sentence
from briefing.segment import segment
from briefing.summarise import summarise
from briefing.summarise.clean import word_count
from briefing.summarise.concepts import ConceptCoverage, _eligible, _greedy
from briefing.summarise.rankers import Ranked, _rank_with_sumy
from briefing.summarise.registry import Algorithm, algorithm_names
from briefing.summarise.repeats import Gist, repeat_pairs

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "eval" / "duc2006"
WORDS = 250
# sumy on its own, for comparison: the same text and budget, none of briefing's rules.
SUMY_ALONE = (
    Algorithm("sumy LexRank", "", "sumy.summarizers.lex_rank:LexRankSummarizer"),
    Algorithm("sumy TextRank", "", "sumy.summarizers.text_rank:TextRankSummarizer"),
    Algorithm("sumy LSA", "", "sumy.summarizers.lsa:LsaSummarizer"),
)

Result = dict[str, tuple[float, float, float]]  # run → (ROUGE-1 recall, ROUGE-2 recall, seconds)


def read_topic(folder: Path) -> list[Passage]:
    """The topic's articles as `briefing` reads files: ingest (duplicates dropped), then segment."""
    logging.getLogger("briefing").setLevel(logging.ERROR)
    config = parse_config({"sources": [{"path": str(folder / "*.txt")}]}, base_dir=folder)
    return [p for a in ingest(config.ingest).articles for p in segment(a)]


def references(data: Path, topic: str) -> list[str]:
    # D0601A → D0601.M.250.A.*: the four human summaries
    return [
        p.read_text(encoding="utf-8", errors="replace") for p in sorted(data.glob(f"models/{topic[:5]}.M.*"))
    ]


def cut(text: str, words: int) -> str:
    return " ".join(text.split()[:words])


def sumy_alone(passages: Sequence[Passage], spec: Algorithm, words: int = WORDS) -> str:
    """sumy's best sentences in its rank order until the budget is reached, in reading order."""
    ranked: list[Ranked] = _rank_with_sumy(spec, passages, "english", ())
    reading = {
        s: i for i, s in enumerate(s for p in passages if p.kind is PassageKind.BODY for s in p.sentences)
    }
    taken, used = [], 0
    for item in ranked:
        if used >= words:
            break
        taken.append(item.sentence)
        used += len(item.sentence.text.split())
    return " ".join(s.text for s in sorted(taken, key=reading.__getitem__))


def exact_concepts(
    sentences: Sequence[Sentence], budget: SummaryConfig
) -> tuple[list[int], list[int], float]:
    """The greedy's summary, the integer program's optimal one (indices), and the solver's time."""
    import numpy as np
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    coverage = ConceptCoverage.of(sentences, "english", 3)
    candidates = [i for i, s in enumerate(sentences) if _eligible(s, budget, "english")]
    greedy = _greedy(sentences, candidates, coverage, budget, "english")
    started = time.perf_counter()
    held = sparse.csr_matrix(coverage.occurrence[candidates])
    n, m = held.shape
    assert budget.words is not None
    # maximise Σ w_i c_i: c_i ≤ Σ_{j ∋ i} s_j, Σ len_j s_j ≤ words, s_a + s_b ≤ 1 for repeats
    lengths = np.array([word_count(sentences[j]) for j in candidates], dtype=np.float64)
    pairs = repeat_pairs([Gist.of(sentences[j].text, "english") for j in candidates], budget.redundancy)
    rows = [
        sparse.hstack([-held.T, sparse.identity(m)]),
        sparse.csr_matrix(np.concatenate([lengths, np.zeros(m)])[None, :]),
        sparse.csr_matrix(
            (np.ones(2 * len(pairs)), (np.repeat(np.arange(len(pairs)), 2), pairs.ravel())),
            shape=(len(pairs), n + m),
        ),
    ]
    upper = np.concatenate([np.zeros(m), [float(budget.words)], np.ones(len(pairs))])
    result = milp(
        np.concatenate([np.zeros(n), -coverage.weights]),
        constraints=LinearConstraint(sparse.vstack(rows, format="csr"), -np.inf, upper),
        integrality=np.ones(n + m),
        bounds=Bounds(0, 1),
    )
    elapsed = time.perf_counter() - started
    best = [candidates[j] for j in np.flatnonzero(result.x[:n] > 0.5)]
    return greedy, best, elapsed


def score_topic(args: tuple[Path, str, Sequence[str], bool, bool, int]) -> tuple[str, Result]:
    from rouge_score import rouge_scorer

    data, topic, algorithms, with_sumy, exact, words = args
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    passages = read_topic(data / "docs" / topic)
    models = references(data, topic)
    result: Result = {}

    def record(run: str, text: str, seconds: float) -> None:
        scores = [scorer.score(model, cut(text, words)) for model in models]
        result[run] = (
            statistics.mean(s["rouge1"].recall for s in scores),
            statistics.mean(s["rouge2"].recall for s in scores),
            seconds,
        )

    for algorithm in algorithms:
        started = time.perf_counter()
        chosen = summarise(passages, SummaryConfig(algorithm=algorithm, words=words), "english")
        elapsed = time.perf_counter() - started
        assert sum(len(s.text.split()) for s in chosen) <= words, (topic, algorithm)
        record(f"`{algorithm}`", " ".join(s.text for s in chosen), elapsed)
    if exact:
        sentences = [s for p in passages if p.kind is PassageKind.BODY for s in p.sentences]
        coverage = ConceptCoverage.of(sentences, "english", 3)
        greedy, best, seconds = exact_concepts(sentences, SummaryConfig(words=words))
        record("`concepts`, exact (integer program)", " ".join(sentences[i].text for i in best), seconds)
        result["optimality"] = (coverage.value(greedy) / coverage.value(best), 0.0, 0.0)
    if with_sumy:
        for spec in SUMY_ALONE:
            started = time.perf_counter()
            text = sumy_alone(passages, spec, words)
            record(spec.name, text, time.perf_counter() - started)
    return topic, result


def warm_up(data: Path, topic: str, algorithms: Sequence[str]) -> None:
    """Import sumy, nltk and the stemmers once, outside any timed run."""
    passages = read_topic(data / "docs" / topic)[:20]
    for algorithm in algorithms:
        summarise(passages, SummaryConfig(algorithm=algorithm, words=WORDS), "english")
    for spec in SUMY_ALONE:
        sumy_alone(passages, spec)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the DUC 2006 folder")
    parser.add_argument("--jobs", type=int, default=2, help="processes (topics run in parallel)")
    parser.add_argument("--topics", type=int, help="only the first N topics (a quick look)")
    parser.add_argument("--algorithms", nargs="+", default=list(algorithm_names()), help="registered names")
    parser.add_argument("--no-sumy", action="store_true", help="leave out sumy on its own (the slow part)")
    parser.add_argument("--words", type=int, default=WORDS, help="the budget, and the cut (DUC's: 250)")
    parser.add_argument("--exact", action="store_true", help="also solve the concepts objective exactly")
    args = parser.parse_args(argv)
    if not (args.data / "docs").is_dir():
        parser.error(f"{args.data}: no docs/ folder; pass --data PATH to the DUC 2006 set")
    topics = sorted(p.name for p in (args.data / "docs").iterdir() if p.is_dir())[: args.topics]
    print(f"    {Path(sys.executable).name} benchmarks/duc.py {' '.join(argv or sys.argv[1:])}".rstrip())
    started = time.perf_counter()
    warm_up(args.data, topics[0], args.algorithms)
    tasks = [
        (args.data, topic, args.algorithms, not args.no_sumy, args.exact, args.words) for topic in topics
    ]
    context = multiprocessing.get_context("fork")  # children inherit the warmed-up imports
    with context.Pool(args.jobs) as pool:
        rows = pool.map(score_topic, tasks, chunksize=1)
    elapsed = time.perf_counter() - started
    print(
        f"\n### DUC 2006: {len(rows)} topics, summaries of at most {args.words} words, "
        f"ROUGE recall against 4 human summaries ({args.jobs} processes, {elapsed:.0f} s)\n"
    )
    print("| algorithm | ROUGE-1 R | ROUGE-2 R | time / topic, mean | slowest topic |")
    print("| --- | ---: | ---: | ---: | ---: |")
    runs = [run for run in rows[0][1] if run != "optimality"]
    table = []
    for run in runs:
        values = [result[run] for _, result in rows]
        r1 = 100 * statistics.mean(v[0] for v in values)
        r2 = 100 * statistics.mean(v[1] for v in values)
        table.append((run, r1, r2, statistics.mean(v[2] for v in values), max(v[2] for v in values)))
    for run, r1, r2, mean_time, max_time in sorted(table, key=lambda row: -row[2]):
        print(f"| {run} | {r1:.2f} | {r2:.2f} | {mean_time:.3f} s | {max_time:.2f} s |")
    if args.exact:
        ratios = [result["optimality"][0] for _, result in rows]
        print(
            f"\nThe greedy's summary reaches {statistics.mean(ratios):.1%} of the optimal concept value "
            f"on average, {min(ratios):.1%} at worst ({sum(r >= 1 - 1e-9 for r in ratios)} of "
            f"{len(ratios)} topics optimal)."
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
