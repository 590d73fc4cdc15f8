"""De-duplication on the BBC News set: how many repeats are found, how fast.

The BBC News Summary articles (../shared/eval/bbc) contain stories published
twice, verbatim or lightly edited. This reads every article as `briefing` does
(a `path:` source), then runs `ingest.dedupe.deduplicate` and, as the baseline
measured in the same run, exact de-duplication only (identical normalised
text) and the all-pairs Jaccard check that MinHash/LSH approximates.

    .venv/bin/python benchmarks/dedupe.py [--data ../shared/eval/bbc]   # ~2 minutes: the all-pairs check
"""

from __future__ import annotations

import argparse
import hashlib
import re
import time
from pathlib import Path

from briefing.errors import SourceError
from briefing.ingest.dedupe import NEAR_DUPLICATE, _shingles, deduplicate, jaccard
from briefing.ingest.files import expand, read_file
from briefing.models import Article

REPO = Path(__file__).resolve().parents[1]
WORDS = re.compile(r"\w+")


def load(data: Path) -> list[Article]:
    articles = []
    for path in expand(str(data / "articles" / "**" / "*.txt"), data):
        try:
            parsed = read_file(path, str(path.relative_to(data)))
        except SourceError:
            continue
        articles.append(
            Article(id="", title=parsed.title or "", source=path.parent.name, paragraphs=parsed.paragraphs)
        )
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "eval" / "bbc")
    args = parser.parse_args()
    articles = load(args.data)

    started = time.perf_counter()
    exact = {
        hashlib.sha256(" ".join(WORDS.findall(" ".join(a.paragraphs).lower())).encode()).hexdigest()
        for a in articles
    }
    exact_time = time.perf_counter() - started

    started = time.perf_counter()
    kept, duplicates = deduplicate(articles)
    lsh_time = time.perf_counter() - started

    started = time.perf_counter()
    sets = [_shingles(WORDS.findall(" ".join(a.paragraphs).lower())) for a in articles]
    pairs = sum(
        1
        for i in range(len(sets))
        for j in range(i + 1, len(sets))
        if jaccard(sets[i], sets[j]) >= NEAR_DUPLICATE
    )
    brute_time = time.perf_counter() - started

    near = sum(1 for d in duplicates if d.why.startswith("near"))
    print(f"{len(articles)} articles read from {args.data}")
    print("| method | repeats dropped | seconds |")
    print("| --- | ---: | ---: |")
    print(f"| exact text only (baseline) | {len(articles) - len(exact)} | {exact_time:.2f} |")
    found = f"{len(duplicates)} ({near} near-identical)"
    print(f"| briefing: exact + MinHash/LSH, J ≥ {NEAR_DUPLICATE} | {found} | {lsh_time:.2f} |")
    print(f"| all pairs, exact Jaccard ≥ {NEAR_DUPLICATE} (pairs found) | {pairs} pairs | {brute_time:.2f} |")
    print(f"{len(kept)} articles kept")


if __name__ == "__main__":
    main()
