"""Scale: `briefing build` on days of 100 to 100,000 articles — wall time, peak memory, growth.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/scale.py [--sizes 100,1000,10000] [--against DIR] [--profile 10000]

A day of n articles is made from ../shared/eval: the BBC and DUC 2006 articles
(3,475), shuffled, and beyond them other outlets' versions of them (a random 70 %
of each article's sentences, one sentence a paragraph as many news sites print
them; the corpus of benchmarks/stories.py's growth task), written as text files
(headline line, blank line, paragraphs). Each size is built twice, with no topics
and with the five BBC categories as configured topics, by the `briefing build`
command in a fresh process (start-up, imports, reading, writing md/html/json
included): wall time and the child's peak resident memory (`wait4`).

`--against DIR` runs the same builds, in the same command and interleaved with
this checkout's, with the code of another checkout (e.g. a `git worktree` of the
previous version), so each figure has its baseline beside it.

`--profile N` prints where the time of one build of N articles goes (cProfile,
cumulative seconds of the stages and of the heaviest functions).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "eval"
DAY = "2026-11-26"
TOPICS = {
    "business": ["economy", "market", "shares", "profits", "bank", "company", "growth", "firm"],
    "entertainment": ["film", "music", "award", "band", "album", "actor", "star", "show"],
    "politics": ["election", "labour", "minister", "party", "government", "tory", "blair", "vote"],
    "sport": ["match", "cup", "team", "player", "coach", "win", "champion", "game"],
    "tech": ["software", "computer", "internet", "mobile", "technology", "users", "digital", "phone"],
}
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'“])")
_BLANK = re.compile(r"\n\s*\n")


def write_day(data: Path, count: int, folder: Path) -> Path:
    """`count` article files in `folder`/articles: real BBC and DUC ones, then other versions."""
    files = sorted((data / "bbc" / "articles").rglob("*.txt")) + sorted(
        (data / "duc2006" / "docs").rglob("*.txt")
    )
    rng = random.Random(11)
    rng.shuffle(files)
    articles = folder / "articles"
    articles.mkdir(parents=True)
    texts = [f.read_bytes().decode("utf-8", "replace").strip() for f in files]
    for k in range(count):
        text = texts[k % len(texts)]
        if k >= len(texts):  # another outlet's version of the same article
            title, _, body = text.partition("\n")
            sentences = [s for p in _BLANK.split(body) for s in _SENTENCE.split(p.strip()) if s]
            kept = [s for s in sentences if rng.random() < 0.7] or sentences[:1]
            text = title + "\n\n" + "\n\n".join(kept)
        (articles / f"{k:06d}.txt").write_text(text + "\n", encoding="utf-8")
    return articles


def write_config(folder: Path, topics: bool) -> Path:
    config: dict[str, object] = {
        "title": "Scale benchmark",
        "sources": [{"path": "articles/*.txt", "name": "Wire"}],
        "output": {"dir": "out-topics" if topics else "out", "formats": ["md", "html", "json"]},
    }
    if topics:
        config["topics"] = [{"id": c, "title": c.title(), "keywords": k} for c, k in TOPICS.items()]
    path = folder / ("config-topics.yaml" if topics else "config.yaml")
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def timed_build(code: Path, config: Path, extra: Sequence[str] = ()) -> tuple[float, float] | str:
    """(wall seconds, peak MiB) of `briefing build` run with the code in `code`, or the error."""
    environment = dict(os.environ, PYTHONPATH=str(code), PYTHONHASHSEED="0")
    # Run from the day's folder: `python -m` puts the working directory first on the path,
    # so from a checkout it would import that checkout's code whatever PYTHONPATH says.
    where = config.parent
    probe = [sys.executable, "-c", "import briefing; print(briefing.__file__)"]
    imported = subprocess.run(probe, env=environment, cwd=where, capture_output=True, text=True).stdout
    if not Path(imported.strip()).resolve().is_relative_to(code.resolve()):
        return f"imports {imported.strip()!r}, not the code in {code}"
    command = [sys.executable, "-m", "briefing", "build", "-q", "--config", str(config), "--date", DAY]
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command, *extra], env=environment, cwd=where, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert process.stderr is not None
    error = process.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        return f"exit {process.returncode}: {error.strip().splitlines()[-1][:120] if error.strip() else ''}"
    return wall, usage.ru_maxrss / 1024


def _cell(result: tuple[float, float] | str) -> str:
    if isinstance(result, str):
        return result
    return f"{result[0]:.1f} s, {result[1]:,.0f} MiB"


def growth(options: argparse.Namespace) -> None:
    codes = [("now", REPO)] + ([("before", options.against)] if options.against else [])
    header = [f"{topics} ({name})" for topics in ("no topics", "five topics") for name, _ in codes]
    print("| articles | " + " | ".join(header) + " | time exponent (now, no topics) |")
    print("|---:|" + "---|" * len(header) + "---:|")
    previous: tuple[int, float] | None = None
    for size in options.sizes:
        with tempfile.TemporaryDirectory(prefix="briefing-scale-") as tmp:
            folder = Path(tmp)
            write_day(options.data, size, folder)
            cells = []
            now_plain: tuple[float, float] | str = "-"
            for topics in (False, True):
                config = write_config(folder, topics)
                for name, code in codes:
                    result = timed_build(code, config, options.extra)
                    if name == "now" and not topics:
                        now_plain = result
                    cells.append(_cell(result))
            exponent = "-"
            if previous and not isinstance(now_plain, str):
                exponent = f"{math.log(now_plain[0] / previous[1]) / math.log(size / previous[0]):.2f}"
            if not isinstance(now_plain, str):
                previous = (size, now_plain[0])
            print(f"| {size:,} | " + " | ".join(cells) + f" | {exponent} |", flush=True)


def profile(options: argparse.Namespace) -> None:
    """Where one `briefing build`'s time goes: cProfile over the whole command, by cumulative time."""
    import pstats

    with tempfile.TemporaryDirectory(prefix="briefing-scale-") as tmp:
        folder = Path(tmp)
        write_day(options.data, options.profile, folder)
        config = write_config(folder, options.topics)
        stats = folder / "build.prof"
        command = ["-m", "cProfile", "-o", str(stats), "-m", "briefing", "build", "-q", "--config"]
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, *command, str(config), "--date", DAY, *options.extra],
            env=dict(os.environ, PYTHONPATH=str(REPO)),
            check=True,
        )
        print(
            f"briefing build of {options.profile:,} articles:",
            f"{time.perf_counter() - started:.1f} s under cProfile",
        )
        pstats.Stats(str(stats)).sort_stats("cumulative").print_stats(60)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the public eval folder")
    parser.add_argument("--sizes", default="100,1000,10000", help="day sizes in articles (comma-separated)")
    parser.add_argument("--against", type=Path, help="another checkout to time beside this one")
    parser.add_argument("--profile", type=int, help="profile one build of this many articles instead")
    parser.add_argument("--topics", action="store_true", help="--profile: with the five topics")
    parser.add_argument("--extra", nargs="*", default=[], help="more arguments for `briefing build`")
    options = parser.parse_args(argv)
    options.data = options.data.resolve()
    options.sizes = [int(s) for s in options.sizes.split(",")]
    if options.against:
        options.against = options.against.resolve()
    for needed in ("bbc/articles", "duc2006/docs"):
        if not (options.data / needed).is_dir():
            parser.error(f"{options.data / needed}: not found; pass --data with the public eval folder")
    if options.profile:
        profile(options)
    else:
        growth(options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
