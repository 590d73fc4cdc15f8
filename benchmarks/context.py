"""Who said it: how often a summary sentence needs context the reader does not have.

    .venv/bin/python -m benchmarks.context [--bbc ../shared/eval/bbc] [--duc ../shared/eval/duc2006]
        [--limit N] [--jobs 2] [--examples 5] [--dangling-penalty 0.5]

Summarises every BBC article (2,225; the default summary: `concepts`, 4 sentences)
and every DUC 2006 topic (50 topics of 25 articles; at most 250 words, as
`benchmarks/duc.py`) through `briefing.summarise.summarise`, then audits each
summary sentence with the heuristics below. They are written here, apart from
the summariser's own rules, and are wider than those: a sentence the summariser
lets through as attributed (it names the speaker beside it, "— Hewitt, quoted by
BBC") counts as standing alone only for the kinds a named speaker settles.

A sentence needs context when (first matching kind counted):

- **unclosed quote**: its quotation marks do not pair up (it starts or ends
  inside a quotation);
- **opener**: its first word points back — a personal or demonstrative pronoun
  (He, She, It, They, This, These …) or a connective (But, And, However, Also,
  Meanwhile, Instead …);
- **reply**: it opens with Yes, No, Well, Indeed, Exactly, Of course … and a
  comma or stop ("Yes, I agree with Mr Forsyth's views.");
- **question**: it ends in a question mark;
- **first person**: I, me, my, we, us, our … and the sentence itself names no
  speaker (a capitalised name beside a speech verb: "said Smith", "Smith said");
- **unnamed speaker**: most of its characters are inside quotation marks in its
  paragraph (paired by their context, as BBC opens every quoted sentence anew),
  or it is tagged by a pronoun ("…," he said), and it names no speaker.

The last three are settled when the summary attributes the sentence (its
`speaker`). Beside the counts, ROUGE-1 and ROUGE-2 (`rouge-score`, stemmed):
F1 against the BBC article's human summary, and recall against the DUC topic's
four human summaries (cut at 250 words, as `benchmarks/duc.py`), averaged.

"Before": the same script with `briefing` of an earlier commit first on the path,
e.g. `git archive 99bf122 briefing | tar -x -C /tmp/before` and
`PYTHONPATH=/tmp/before:. python -m benchmarks.context` (its sentences have no
`speaker`; the audit is the same). The heuristic misses verbless fragments ("By far the most useful
gadget."); `--examples N` prints N flagged sentences of each kind to check the
heuristic by eye.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import random
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.duc import DEFAULT_DATA as DUC_DATA
from benchmarks.duc import cut, read_topic, references
from benchmarks.summaries import DEFAULT_DATA as BBC_DATA
from benchmarks.summaries import article_files, load_item
from briefing.config import SummaryConfig
from briefing.models import Passage, Sentence
from briefing.summarise import summarise

KINDS = ("unclosed quote", "opener", "reply", "question", "first person", "unnamed speaker")
SETTLED_BY_SPEAKER = frozenset({"reply", "question", "first person", "unnamed speaker"})

_OPENER = re.compile(
    r"^[\"'“‘`]*(?:he|she|it|they|this|that|these|those|his|her|its|their|him|them|also|but|and|or|"
    r"so|yet|still|however|meanwhile|moreover|furthermore|instead|then|thus|therefore|such|"
    r"nevertheless|nonetheless|besides|otherwise|likewise|similarly|in addition|"
    r"as a result|in turn|by contrast|on the other hand|the latter|the former)\b",
    re.IGNORECASE,
)
_REPLY = re.compile(
    r"^[\"'“‘`]*(?:yes|no|well|indeed|exactly|sure|absolutely|of course|okay|ok|right|true|"
    r"certainly|oh|ah)\s*(?:[,.!]|\s[—-])",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(
    r"\bI\b|\bI'(?:m|ve|d|ll)\b|\b(?:[Ww]e|[Ww]e'(?:re|ve|d|ll)|me|us|[Mm]y|[Oo]ur|ours|myself|ourselves)\b"
)
_SPEECH = (
    r"(?:said|says|told|tells|added|adds|explained|asked|answered|replied|insisted|warned|argued|"
    r"claimed|stressed|noted|wrote|declared|announced|admitted|continued|commented|concluded)"
)
_NAME = r"(?:[A-Z][\w'’.-]+)(?:\s+[A-Z][\w'’.-]+)*"
_NAMED = re.compile(
    rf"\b{_SPEECH}\s+{_NAME}|{_NAME},?(?:\s+[^\s,]+){{0,6}}?,?\s+{_SPEECH}\b|according to {_NAME}"
)
_PRONOUN_TAG = re.compile(rf"\b(?:he|she|they|it)\s+{_SPEECH}\b|\b{_SPEECH}\s+(?:he|she|they)\b", re.I)
_PRONOUNS = frozenset({"He", "She", "They", "It", "We", "I", "This", "That", "There"})


def quoted_share(paragraph: str, start: int, end: int) -> float:
    """The share of the sentence's characters inside quotation marks, pairing straight quotes
    by context (an opening one follows a space, a closing one precedes a space or stop)."""
    inside = False
    marks = []
    for k, c in enumerate(paragraph):
        if c in "“«„" or paragraph.startswith("``", k):
            inside = True
        elif c in "”»" or paragraph.startswith("''", k):
            inside = False
        elif c == '"':
            before = paragraph[k - 1] if k else " "
            after = paragraph[k + 1] if k + 1 < len(paragraph) else " "
            if before.isspace() or before in "([—-:":
                inside = True
            elif after.isspace() or after in ".,;:!?)]—-":
                inside = False
            else:
                inside = not inside
        marks.append(inside)
    span = marks[start:end]
    return sum(span) / len(span) if span else 0.0


def names_speaker(text: str) -> bool:
    for found in _NAMED.finditer(text):
        words = found.group().split()
        if not any(w.strip(",") in _PRONOUNS for w in words):
            return True
    return False


def unbalanced(text: str) -> bool:
    # every quotation has two double marks, whichever ("…", “…”, ``…'')
    return (sum(text.count(m) for m in '"“”«»') + text.count("``") + text.count("''")) % 2 == 1


def needs_context(sentence: Sentence, paragraph: str) -> str | None:
    """The kind of context the sentence needs and does not have in a summary, or None."""
    text = sentence.text.strip()
    if unbalanced(text):
        return "unclosed quote"
    if _OPENER.match(text):
        return "opener"
    kind = None
    if _REPLY.match(text):
        kind = "reply"
    elif text.rstrip("\"'”’»)").endswith("?"):
        kind = "question"
    elif _FIRST_PERSON.search(text) and not names_speaker(text):
        kind = "first person"
    elif not names_speaker(text) and (
        quoted_share(paragraph, sentence.start, sentence.end) > 0.5 or _PRONOUN_TAG.search(text)
    ):
        kind = "unnamed speaker"
    if kind is not None and getattr(sentence, "speaker", ""):
        return None  # the summary names who says it
    return kind


@dataclass
class Audit:
    sentences: int = 0
    summaries: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    attributed: int = 0
    flagged_summaries: int = 0
    examples: dict[str, list[str]] = field(default_factory=dict)
    rouge1: float = 0.0  # summed over summaries
    rouge2: float = 0.0

    def score(self, references: Sequence[str], summary: str, recall: bool) -> None:
        from rouge_score import rouge_scorer

        scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
        scores = [scorer.score(reference, summary) for reference in references]
        pick = (lambda s: s.recall) if recall else (lambda s: s.fmeasure)
        self.rouge1 += sum(pick(s["rouge1"]) for s in scores) / max(len(scores), 1)
        self.rouge2 += sum(pick(s["rouge2"]) for s in scores) / max(len(scores), 1)

    def add(self, chosen: Sequence[Sentence], passages: Sequence[Passage]) -> None:
        text = {(p.article_id, p.index): p.text for p in passages}
        self.summaries += 1
        flagged = False
        for sentence in chosen:
            self.sentences += 1
            self.attributed += bool(getattr(sentence, "speaker", ""))
            kind = needs_context(sentence, text[sentence.article_id, sentence.paragraph])
            if kind is not None:
                self.kinds[kind] += 1
                flagged = True
                self.examples.setdefault(kind, []).append(sentence.text)
        self.flagged_summaries += flagged

    def merge(self, other: Audit) -> None:
        self.sentences += other.sentences
        self.summaries += other.summaries
        self.kinds.update(other.kinds)
        self.attributed += other.attributed
        self.flagged_summaries += other.flagged_summaries
        self.rouge1 += other.rouge1
        self.rouge2 += other.rouge2
        for kind, texts in other.examples.items():
            self.examples.setdefault(kind, []).extend(texts)


def audit_bbc(args: tuple[list[Path], float]) -> Audit:
    paths, penalty = args
    audit = Audit()
    options = SummaryConfig(dangling_penalty=penalty)
    for path in paths:
        item = load_item(path.parents[2], path)
        passages = list(item.passages)
        chosen = summarise(passages, options, "english")
        audit.add(chosen, passages)
        audit.score([item.reference], " ".join(s.text for s in chosen), recall=False)
    return audit


def audit_duc(args: tuple[Path, float]) -> Audit:
    folder, penalty = args
    audit = Audit()
    passages = read_topic(folder)
    chosen = summarise(passages, SummaryConfig(words=250, dangling_penalty=penalty), "english")
    audit.add(chosen, passages)
    data = folder.parents[1]
    audit.score(references(data, folder.name), cut(" ".join(s.text for s in chosen)), recall=True)
    return audit


def report(name: str, audit: Audit, examples: int, rouge_kind: str) -> None:
    flagged = sum(audit.kinds.values())
    print(
        f"\n### {name}: {audit.summaries} summaries, {audit.sentences} sentences, "
        f"{audit.attributed} attributed to a speaker\n"
    )
    print("| needs context | sentences | share |")
    print("| --- | ---: | ---: |")
    for kind in KINDS:
        print(f"| {kind} | {audit.kinds[kind]} | {100 * audit.kinds[kind] / max(audit.sentences, 1):.1f} % |")
    print(f"| **any** | **{flagged}** | **{100 * flagged / max(audit.sentences, 1):.1f} %** |")
    n = max(audit.summaries, 1)
    print(f"\nROUGE-1 {audit.rouge1 / n:.4f}, ROUGE-2 {audit.rouge2 / n:.4f} ({rouge_kind})")
    print(
        f"\nSummaries with at least one such sentence: {audit.flagged_summaries} of {audit.summaries} "
        f"({100 * audit.flagged_summaries / max(audit.summaries, 1):.1f} %)"
    )
    chooser = random.Random(13)
    for kind in KINDS:
        texts = audit.examples.get(kind, [])
        for text in chooser.sample(texts, min(examples, len(texts))):
            print(f"- {kind}: {text}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--bbc", type=Path, default=BBC_DATA, help="the BBC News Summary folder")
    parser.add_argument("--duc", type=Path, default=DUC_DATA, help="the DUC 2006 folder")
    parser.add_argument("--limit", type=int, help="only the first N BBC articles and N DUC topics")
    parser.add_argument("--jobs", type=int, default=2, help="processes")
    parser.add_argument("--examples", type=int, default=0, help="flagged sentences to print per kind")
    parser.add_argument("--dangling-penalty", type=float, default=SummaryConfig().dangling_penalty)
    args = parser.parse_args(argv)
    logging.getLogger("briefing").setLevel(logging.ERROR)
    print(f"    {Path(sys.executable).name} -m benchmarks.context {' '.join(argv or sys.argv[1:])}".rstrip())
    files = article_files(args.bbc)[: args.limit]
    chunks = [files[k : k + 50] for k in range(0, len(files), 50)]
    topics = sorted(p for p in (args.duc / "docs").iterdir() if p.is_dir())[: args.limit]
    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        bbc, duc = Audit(), Audit()
        for part in pool.map(audit_bbc, [(c, args.dangling_penalty) for c in chunks]):
            bbc.merge(part)
        for part in pool.map(audit_duc, [(t, args.dangling_penalty) for t in topics], chunksize=1):
            duc.merge(part)
    report("BBC, one summary per article (concepts, 4 sentences)", bbc, args.examples, "F1")
    report("DUC 2006, one summary per topic (concepts, 250 words)", duc, args.examples, "recall")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
