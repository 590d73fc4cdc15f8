"""Concept coverage: the summary that covers the most of what many articles say.

The objective of Gillick & Favre (2009), "A scalable global model for
summarization": a concept is a bigram of stemmed words, its value the number
of the topic's articles that mention it, and a summary is worth the total
value of the concepts it covers, each counted once however many of its
sentences repeat it. So redundancy is part of the objective: a sentence that
only restates what is already covered adds nothing.

That value is a monotone submodular function of the set of sentences, so it is
maximised within the length budget by the budgeted greedy of Khuller, Moss &
Naor (1999) as used for summaries by Lin & Bilmes (2010): add the sentence with
the most new value per word (per sentence under a sentence limit), and keep
the best single sentence instead if it alone is worth more. It is within a
factor 1 − 1/√e of the best summary under a word cap, and 1 − 1/e under a
sentence limit. Solving Gillick & Favre's integer program exactly with HiGHS
scored the same on DUC 2006 but took 0.1–2.8 s a topic (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from briefing.language import stemmer, stop_words, words
from briefing.models import Sentence
from briefing.summarise.attribution import stands_alone
from briefing.summarise.budget import sentence_limit
from briefing.summarise.clean import is_clean, word_count
from briefing.summarise.repeats import Gist, RepeatIndex

if TYPE_CHECKING:
    from briefing.config import SummaryConfig

Scores = NDArray[np.float64]
Concept = tuple[str, str]
# A story's concepts kept for later days (what its articles said): at most this many,
# those the most of its articles mention.
REMEMBERED_CONCEPTS = 300
# What a story's earlier articles said counts this much in its update summary: still worth
# saying (the update is of the same event), but what is new comes first. DUC 2006 split
# into two days (benchmarks/memory.py): 0 made every update differ but lost 1.3 ROUGE-1
# against the human summaries, 0.5 lost 0.5 and made 30 of 37 differ (docs/benchmarks.md).
KNOWN_WEIGHT = 0.5


def concepts(
    sentences: Sequence[Sentence],
    language: str,
    *,
    budget: SummaryConfig,
    min_sources: float = 3,
    known_concepts: Collection[Concept] = (),
) -> Scores:
    """Scores that rank the chosen summary first, in the order it was chosen, then the rest.

    A concept's value is the number of articles whose body mentions it (of
    sentences, when the topic is a single article). Concepts fewer than
    `min_sources` mention are dropped (Gillick & Favre: 3): they are not what
    the topic's sources agree on (with fewer sources than that, those all of
    them mention are kept, and failing any, those the most mention). Only clean sentences are candidates and,
    while `dangling_penalty` is on, only those that stand alone; no two
    chosen sentences are repeats of each other. The sentences not chosen
    follow by the value they would still add.

    `known_concepts` are what the reader was told before (an update summary: what
    the story's earlier articles said): they count KNOWN_WEIGHT of their worth, so
    the summary covers what is new first.
    """
    n = len(sentences)
    if n == 0:
        return np.zeros(0)
    coverage = ConceptCoverage.of(sentences, language, min_sources, known_concepts)
    candidates = [i for i, s in enumerate(sentences) if _eligible(s, budget, language)]
    chosen = _greedy(sentences, candidates, coverage, budget, language)
    remaining = coverage.weights.copy()
    for i in chosen:
        remaining[coverage.occurrence[i].indices] = 0.0
    total = float(coverage.weights.sum()) or 1.0
    scores: Scores = np.asarray(coverage.occurrence @ remaining).ravel() / total
    for order, i in enumerate(chosen):
        scores[i] = 2.0 - order / len(chosen)
    return scores


class ConceptCoverage:
    """Each sentence's concepts (a sentence × concept 0/1 matrix) and each concept's value."""

    def __init__(self, occurrence: sparse.csr_matrix, weights: Scores) -> None:
        self.occurrence = occurrence
        self.weights = weights

    @classmethod
    def of(
        cls,
        sentences: Sequence[Sentence],
        language: str,
        min_sources: float,
        known: Collection[Concept] = (),
    ) -> ConceptCoverage:
        """The sentences' concepts that enough sources mention, each worth its sources
        (KNOWN_WEIGHT of that when `known`)."""
        per_sentence = [sentence_concepts(s.text, language) for s in sentences]
        sources = _sources(sentences, per_sentence)
        # A topic of two articles (or an article of few sentences) cannot have a concept
        # three sources mention: ask for as many as there are, and fewer if none reaches that.
        units = len({u for held in sources.values() for u in held})
        needed = min(min_sources, units)
        while needed > 1 and not any(len(held) >= needed for held in sources.values()):
            needed -= 1
        kept = sorted(c for c, held in sources.items() if len(held) >= needed)
        index = {c: i for i, c in enumerate(kept)}
        rows = [sorted(index[c] for c in found if c in index) for found in per_sentence]
        indptr = np.cumsum([0, *(len(r) for r in rows)])
        indices = np.array([c for r in rows for c in r], dtype=np.int64)
        occurrence = sparse.csr_matrix(
            (np.ones(len(indices)), indices, indptr), shape=(len(rows), len(kept)), dtype=np.float64
        )
        known = frozenset(known)
        worth = [len(sources[c]) * (KNOWN_WEIGHT if c in known else 1.0) for c in kept]
        return cls(occurrence, np.array(worth, dtype=np.float64))

    def value(self, chosen: Sequence[int]) -> float:
        """The summary's worth: the value of the concepts its sentences cover, each once."""
        covered = np.unique(np.concatenate([self.occurrence[i].indices for i in chosen] or [[]]))
        return float(self.weights[covered.astype(np.int64)].sum())


def story_concepts(sentences: Sequence[Sentence], language: str) -> tuple[Concept, ...]:
    """What a story's articles said, for the days after: the concepts two or more of its
    sources mention (its sentences, when it is one article), those the most mention first
    (REMEMBERED_CONCEPTS at most)."""
    sources = _sources(sentences, [sentence_concepts(s.text, language) for s in sentences])
    shared = sorted((-len(held), c) for c, held in sources.items() if len(held) >= 2)
    return tuple(c for _, c in shared[:REMEMBERED_CONCEPTS])


def _sources(
    sentences: Sequence[Sentence], per_sentence: Sequence[frozenset[Concept]]
) -> dict[Concept, set[tuple[str, int, int]]]:
    """Each concept's sources: the articles that mention it; in a single article, its sentences
    (there, what is said again and again is what matters)."""
    single_article = len({s.article_id for s in sentences}) == 1
    sources: dict[Concept, set[tuple[str, int, int]]] = {}
    for sentence, found in zip(sentences, per_sentence, strict=True):
        unit = (sentence.article_id, *((sentence.paragraph, sentence.start) if single_article else (0, 0)))
        for concept in found:
            sources.setdefault(concept, set()).add(unit)
    return sources


# The summary and the memory of the same story read the same sentences: each is read once.
@lru_cache(maxsize=32_768)  # about 2 KB each: tens of MB at most
def sentence_concepts(text: str, language: str) -> frozenset[Concept]:
    """The sentence's bigrams of stemmed words, but for those of two stop words ("of the")."""
    stop = stop_words(language)
    stem = stemmer(language)
    tokens = [w.lower() for w in words(text)]
    stems = [stem(w) for w in tokens]
    return frozenset(
        (stems[k], stems[k + 1])
        for k in range(len(tokens) - 1)
        if not (tokens[k] in stop and tokens[k + 1] in stop)
    )


def _eligible(sentence: Sentence, budget: SummaryConfig, language: str) -> bool:
    if not is_clean(sentence, budget.min_words):
        return False
    if budget.words is not None and word_count(sentence) > budget.words:
        return False
    return budget.dangling_penalty == 0 or stands_alone(sentence, language)


def _greedy(
    sentences: Sequence[Sentence],
    candidates: Sequence[int],
    coverage: ConceptCoverage,
    budget: SummaryConfig,
    language: str,
) -> list[int]:
    """The candidates chosen by value added per word (or per sentence), in the order chosen."""
    limit = sentence_limit(budget, len(sentences))
    if not candidates or limit == 0:
        return []
    held = sparse.csr_matrix(coverage.occurrence[list(candidates)])
    # Under a sentence limit every sentence costs one; under a word cap, its words.
    cost = (
        np.array([float(word_count(sentences[j])) for j in candidates])
        if budget.words is not None
        else np.ones(len(candidates))
    )
    capacity = float(budget.words) if budget.words is not None else float(limit or len(candidates))
    repeats = RepeatIndex([Gist.of(sentences[j].text, language) for j in candidates], budget.redundancy)
    remaining = coverage.weights.copy()
    open_ = np.ones(len(candidates), dtype=bool)
    chosen: list[int] = []
    used = 0.0
    while limit is None or len(chosen) < limit:
        gain = np.asarray(held @ remaining).ravel()
        usable = open_ & (used + cost <= capacity) & (gain > 0)
        if not usable.any():
            break
        # argmax takes the first of equals: ties go to reading order.
        best = int(np.argmax(np.where(usable, gain / cost, -1.0)))
        chosen.append(best)
        used += cost[best]
        open_[best] = False
        open_[repeats.of(best)] = False
        remaining[held[best].indices] = 0.0
    # Khuller et al.'s guard: one sentence worth more than the whole greedy summary replaces it.
    alone = np.asarray(held @ coverage.weights).ravel()
    alone[cost > capacity] = 0.0
    single = int(np.argmax(alone))
    if alone[single] > coverage.value([candidates[j] for j in chosen]):
        chosen = [single]
    return [candidates[j] for j in chosen]
