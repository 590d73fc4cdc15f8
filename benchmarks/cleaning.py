"""What the reading rules change on clean news: BBC News and DUC 2006, this checkout against another.

    .venv/bin/python benchmarks/cleaning.py --against DIR [--data ../shared/eval]

Every article of the two sets is read as `briefing` reads a file (datelines, tails,
furniture and all), split into sentences, and the sentences a summary may quote
(`is_clean`) are listed, once with this checkout's package and once with the one in
DIR (each in its own process). A sentence of DIR's list that is not in this one's is

- **shortened** when one of this checkout's sentences is its end (a dateline taken off),
- **read** when it is one of them once its entities are read and typesetting codes dropped,
- **too short** when such an end is left but is now under the summary's minimum of words,
- **dropped** otherwise: printed, every one, to be read (clean prose lost is a bug).

Sentences this checkout quotes that DIR did not are counted too.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "eval"
MIN_WORDS = 6  # summary.min_words' default


def _codes_read(sentence: str) -> str:
    from briefing.ingest.text import strip_codes

    return strip_codes(sentence)


def corpus(data: Path) -> list[Path]:
    bbc = sorted((data / "bbc" / "articles").glob("*/*.txt"))
    duc = sorted((data / "duc2006" / "docs").glob("*/*.txt"))
    return bbc + duc


def quotable(paths: list[Path], out: Path) -> None:
    """Write {file: [clean sentences]} for the package on sys.path."""
    from briefing.config import parse_config
    from briefing.ingest import ingest
    from briefing.segment import segment
    from briefing.summarise import is_clean

    folders = sorted({str(path.parent) for path in paths})
    config = parse_config(
        {"sources": [{"path": f"{folder}/*.txt"} for folder in folders], "language": "english"},
        base_dir=REPO,
    )
    found: dict[str, list[str]] = {}
    for path in paths:
        found[str(path)] = found["all:" + str(path)] = []
    for article in ingest(config.ingest, progress=False).articles:
        sentences = [s for p in segment(article) for s in p.sentences]
        found[str(Path(article.path or ""))] = [s.text for s in sentences if is_clean(s, MIN_WORDS)]
        found["all:" + str(Path(article.path or ""))] = [s.text for s in sentences]
    out.write_text(json.dumps(found), encoding="utf-8")


def run(code: Path, paths: list[Path], out: Path) -> dict[str, list[str]]:
    listing = out.with_suffix(".paths")
    listing.write_text("\n".join(map(str, paths)), encoding="utf-8")
    subprocess.run(
        [sys.executable, __file__, "--list", str(listing), "--out", str(out)],
        env=dict(os.environ, PYTHONPATH=str(code)),
        check=True,
        stderr=subprocess.DEVNULL,
    )
    result: dict[str, list[str]] = json.loads(out.read_text(encoding="utf-8"))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--against", type=Path, help="another checkout (its briefing/ package)")
    parser.add_argument("--list", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.list:  # the child: one checkout's sentences
        quotable([Path(p) for p in options.list.read_text(encoding="utf-8").split("\n")], options.out)
        return 0
    if options.against is None:
        parser.error("--against DIR: the checkout to compare with")
    paths = corpus(options.data.resolve())
    with tempfile.TemporaryDirectory(prefix="cleaning-") as tmp:
        now = run(REPO, paths, Path(tmp) / "now.json")
        before = run(options.against.resolve(), paths, Path(tmp) / "before.json")
    for name, subset in (("BBC News", "/bbc/"), ("DUC 2006", "/duc2006/")):
        files = [p for p in map(str, paths) if subset in p]
        total = sum(len(before[f]) for f in files)
        shortened, too_short, read_codes, dropped, added = 0, 0, 0, [], 0
        new_ones: list[tuple[str, str]] = []
        for f in files:
            mine, every = set(now[f]), now["all:" + f]
            for sentence in before[f]:
                if sentence in mine:
                    continue
                if any(len(m) < len(sentence) and sentence.endswith(m) for m in mine):
                    shortened += 1
                elif _codes_read(sentence) in mine or any(
                    _codes_read(sentence).endswith(m) for m in every if len(m) < len(sentence)
                ):
                    read_codes += 1
                elif any(len(m) < len(sentence) and sentence.endswith(m) for m in every):
                    too_short += 1
                else:
                    dropped.append((f, sentence))
            fresh = [m for m in now[f] if m not in set(before[f])]
            added += len(fresh)
            new_ones += [
                (f, m)
                for m in fresh
                if not any(len(m) < len(b) and _codes_read(b).endswith(m) for b in before[f])
            ]
        print(f"### {name}: {len(files)} articles, {total} quotable sentences before\n")
        print(f"- shortened (a dateline taken off): {shortened}")
        print(f"- shortened, and now under {MIN_WORDS} words (too short to quote): {too_short}")
        print(f"- entities read, typesetting codes dropped (&#233; → é, &UR;): {read_codes}")
        print(f"- dropped: {len(dropped)}")
        print(f"- quotable now and not before: {len(new_ones)}\n")
        for f, sentence in dropped:
            print(f"  dropped: {Path(f).parent.name}/{Path(f).name}: {sentence[:120]}")
        for f, sentence in new_ones:
            print(f"  new: {Path(f).parent.name}/{Path(f).name}: {sentence[:120]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
