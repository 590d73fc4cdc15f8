"""How long `briefing build` takes: on the bundled example, and on 300 news articles.

The 300 articles are the Lee background corpus (Lee, Pincombe & Welsh 2005),
which ships inside gensim's wheel as gensim/test/test_data/lee_background.cor,
one article a line. The wheel is fetched once with `pip download` into a cache
folder and only that file is read from it; gensim is not installed.

Every figure is the median of --repeat runs of the whole command
(`python -m briefing build`, a fresh process: start-up, imports, reading,
topics, summaries, rendering, writing). The baseline, run in the same script on
the same input, is sumy's LexRank summarising the same text as one document —
what a user would do without briefing — in a fresh process too. sumy's own
sentence splitter needs nltk's punkt_tab data, which pip does not install, so
the baseline uses briefing's offline splitter through sumy's tokenizer interface.

    .venv/bin/python benchmarks/build.py [--repeat 3] [--cache ~/.cache/briefing-bench]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LEE = "gensim/test/test_data/lee_background.cor"

CONFIG = """\
title: "Benchmark briefing"
timezone: UTC
sources:
  - path: "articles/*.txt"
discover: true
summary:
  sentences: 4
output:
  dir: out
"""


def lee_corpus(cache: Path) -> list[str]:
    cache.mkdir(parents=True, exist_ok=True)
    wheels = sorted(cache.glob("gensim-*.whl"))
    if not wheels:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "gensim", "-d", str(cache)],
            check=True,
        )
        wheels = sorted(cache.glob("gensim-*.whl"))
    with zipfile.ZipFile(wheels[-1]) as wheel:
        text = wheel.read(LEE).decode("utf-8", errors="replace")
    return [line.strip() for line in text.splitlines() if line.strip()]


def timed(command: list[str], cwd: Path, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


SUMY_BASELINE = """
import sys
from sumy.nlp.stemmers import Stemmer
from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.utils import get_stop_words
from briefing.language import SumyTokenizer
document = PlaintextParser.from_file(sys.argv[1], SumyTokenizer("english")).document
summarizer = LexRankSummarizer(Stemmer("english"))
summarizer.stop_words = get_stop_words("english")
for sentence in summarizer(document, 12):
    print(sentence)
"""


def sumy_baseline(text_file: Path, cwd: Path, repeat: int) -> float:
    """sumy's LexRank over the same text as one document (with our offline sentence splitter,
    since sumy's own needs nltk data that pip does not install)."""
    return timed([sys.executable, "-c", SUMY_BASELINE, str(text_file)], cwd, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "briefing-bench")
    args = parser.parse_args()

    rows: list[tuple[str, int, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        example = work / "example"
        shutil.copytree(REPO / "examples", example / "examples")
        shutil.copy(REPO / "config.yaml", example / "config.yaml")
        build = [sys.executable, "-m", "briefing", "build", "-q", "--date", "2026-01-01"]
        example_text = example / "all.txt"
        example_text.write_text(
            "\n\n".join(p.read_text(encoding="utf-8") for p in sorted((example / "examples").rglob("*.txt"))),
            encoding="utf-8",
        )
        rows.append(
            (
                "bundled example",
                2,
                timed(build, example, args.repeat),
                sumy_baseline(example_text, example, args.repeat),
            )
        )

        lee = work / "lee"
        (lee / "articles").mkdir(parents=True)
        articles = lee_corpus(args.cache)
        for number, text in enumerate(articles):
            (lee / "articles" / f"{number:03d}.txt").write_text(text + "\n", encoding="utf-8")
        (lee / "config.yaml").write_text(CONFIG, encoding="utf-8")
        lee_text = lee / "all.txt"
        lee_text.write_text("\n\n".join(articles), encoding="utf-8")
        rows.append(
            (
                "Lee corpus",
                len(articles),
                timed(build, lee, args.repeat),
                sumy_baseline(lee_text, lee, args.repeat),
            )
        )

    print(f"`briefing build`, median of {args.repeat} runs, whole process:\n")
    print("| input | articles | briefing build | sumy LexRank, same text | build / sumy |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, count, seconds, baseline in rows:
        print(f"| {name} | {count} | {seconds:.2f} s | {baseline:.2f} s | {seconds / baseline:.2f}× |")


if __name__ == "__main__":
    main()
