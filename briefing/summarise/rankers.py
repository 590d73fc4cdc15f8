"""Ranking sentences by any registered algorithm: every body sentence, best first.

Ours (vectorised LexRank/TextRank, lead) take the body sentences and return a
score each. sumy's summarizers all end in `_get_best_sentences(sentences,
count, rating)`; a subclass that overrides that one hook returns every sentence
with its rating, so redundancy removal and cleanliness apply on top of any
algorithm without re-implementing it.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any

from briefing.language import SumyTokenizer, stemmer, stop_words
from briefing.models import Passage, PassageKind, Sentence
from briefing.summarise.budget import default_summary
from briefing.summarise.registry import Algorithm, get_algorithm, load_implementation

if TYPE_CHECKING:
    from briefing.config import SummaryConfig


@dataclass(frozen=True, slots=True)
class Ranked:
    sentence: Sentence
    score: float


def rank_sentences(
    passages: Sequence[Passage],
    algorithm: str,
    language: str,
    keywords: Sequence[str] = (),
    budget: SummaryConfig | None = None,
    known_concepts: Collection[tuple[str, str]] = (),
) -> list[Ranked]:
    """Every body sentence of the passages, best first (ties: reading order).

    An algorithm that chooses the whole summary at once (`Algorithm.chooses_set`)
    is given `budget`, the `summary:` rules (default: the schema's), and ranks its chosen
    sentences first; and `known_concepts`, what the reader was told before, which it
    counts for less.
    """
    spec = get_algorithm(algorithm)
    if spec.is_sumy:
        return _rank_with_sumy(spec, passages, language, keywords)
    sentences = [s for p in passages if p.kind is PassageKind.BODY for s in p.sentences]
    if not sentences:
        return []
    extra: dict[str, object] = {}
    if spec.chooses_set:
        extra["budget"] = budget or default_summary()
        if known_concepts:
            extra["known_concepts"] = known_concepts
    scores = load_implementation(spec)(sentences, language, **dict(spec.params), **extra)
    return _best_first(sentences, [float(s) for s in scores])


def _best_first(sentences: Sequence[Sentence], scores: Sequence[float]) -> list[Ranked]:
    # Scores equal to 12 significant digits are ties, so float noise from the order
    # of a sparse sum never beats reading order.
    top = max((abs(s) for s in scores), default=0.0) or 1.0
    order = sorted(range(len(sentences)), key=lambda i: (-round(scores[i] / top, 12), i))
    return [Ranked(sentences[i], scores[i]) for i in order]


def _rank_with_sumy(
    spec: Algorithm, passages: Sequence[Passage], language: str, keywords: Sequence[str]
) -> list[Ranked]:
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence

    tokenizer = SumyTokenizer(language)
    ours: dict[int, Sentence] = {}
    paragraphs = []
    for passage in passages:
        if passage.kind is PassageKind.HEADLINE:
            paragraphs.append(Paragraph([SumySentence(passage.text, tokenizer, is_heading=True)]))
        elif passage.kind is PassageKind.BODY and passage.sentences:
            sumy_sentences = []
            for sentence in passage.sentences:
                sumy_sentence = SumySentence(sentence.text, tokenizer)
                ours[id(sumy_sentence)] = sentence
                sumy_sentences.append(sumy_sentence)
            paragraphs.append(Paragraph(sumy_sentences))
    if not ours:
        return []
    document = ObjectDocumentModel(paragraphs)
    summarizer = _ranking_summarizer(spec.implementation)(stemmer(language))
    summarizer.stop_words = stop_words(language)
    if spec.name == "edmundson":
        summarizer.bonus_words = [w for k in keywords for w in k.split()] or ["said"]
        summarizer.stigma_words = ["reportedly", "allegedly"]
        summarizer.null_words = stop_words(language)
    ranked = [
        Ranked(ours[id(s)], float(score)) for s, score in summarizer(document, len(ours)) if id(s) in ours
    ]
    # Some return nothing for a text of stop words only (LSA); the rest follow in reading order.
    seen = {id(r.sentence) for r in ranked}
    return ranked + [Ranked(s, -math.inf) for s in ours.values() if id(s) not in seen]


@cache
def _ranking_summarizer(implementation: str) -> Callable[..., Any]:
    """sumy's summarizer class ("sumy.…:Class"), made to rank every sentence."""
    module_name, _, attribute = implementation.partition(":")
    base: Any = getattr(import_module(module_name), attribute)

    class Ranking(base):  # type: ignore[misc]
        @staticmethod
        def _get_best_sentences(sentences: Any, count: Any, rating: Any, *args: Any, **kwargs: Any) -> Any:
            rate = rating.__getitem__ if isinstance(rating, dict) else rating
            scored = [(rate(s, *args, **kwargs), order, s) for order, s in enumerate(sentences)]
            scored.sort(key=lambda item: (-item[0], item[1]))
            return tuple((s, score) for score, _, s in scored)

        def _get_random_ratings(self, sentences: Any) -> Any:
            # sumy shuffles with the global generator; a fixed seed keeps runs reproducible.
            ratings = list(range(len(sentences)))
            random.Random(0).shuffle(ratings)
            return dict(zip(sentences, ratings, strict=True))

    if hasattr(base, "_create_dictionary"):

        def _create_dictionary(self: Any, document: Any) -> Any:
            # sumy's LSA numbers words in frozenset order, which changes with the hash
            # seed and, through the SVD, the ranking; sorted words rank the same every run.
            words = base._create_dictionary(self, document)
            return {w: i for i, w in enumerate(sorted(words))}

        Ranking._create_dictionary = _create_dictionary

    if hasattr(base, "_get_significant_words"):

        def _get_significant_words(self: Any, words: Any) -> Any:
            # sumy's Luhn returns its significant stems as a tuple and looks every word of every
            # sentence up in it; the same stems as a set make a 25-article topic 10× faster.
            return frozenset(base._get_significant_words(self, words))

        Ranking._get_significant_words = _get_significant_words

    Ranking.__name__ = f"Ranking{base.__name__}"
    return Ranking
