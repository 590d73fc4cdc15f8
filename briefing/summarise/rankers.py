"""Ranking sentences with sumy's summarizers, through sumy's own document model.

sumy's summarizers all end in `_get_best_sentences(sentences, count, rating)`;
a subclass that overrides that one hook returns every sentence ordered by its
rating, so redundancy removal and cleanliness can be applied on top of any
algorithm without re-implementing it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from briefing.language import SumyTokenizer, stemmer, stop_words
from briefing.models import Passage, PassageKind, Sentence
from briefing.summarise.registry import get_algorithm, load_sumy_class


def rank_sentences(
    passages: Sequence[Passage],
    algorithm: str,
    language: str,
    keywords: Sequence[str] = (),
) -> list[Sentence]:
    """Every body sentence of the passages, best first (ties: reading order)."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence

    tokenizer = SumyTokenizer(language)
    ours: dict[int, Sentence] = {}
    paragraphs = []
    for passage in passages:
        if passage.kind is PassageKind.HEADLINE:
            paragraphs.append(Paragraph([SumySentence(passage.text, tokenizer, is_heading=True)]))
        elif passage.sentences:
            sumy_sentences = []
            for sentence in passage.sentences:
                sumy_sentence = SumySentence(sentence.text, tokenizer)
                ours[id(sumy_sentence)] = sentence
                sumy_sentences.append(sumy_sentence)
            paragraphs.append(Paragraph(sumy_sentences))
    if not ours:
        return []
    document = ObjectDocumentModel(paragraphs)
    summarizer = _ranking_summarizer(algorithm)(stemmer(language))
    summarizer.stop_words = stop_words(language)
    if algorithm == "edmundson":
        summarizer.bonus_words = [w for k in keywords for w in k.split()] or ["said"]
        summarizer.stigma_words = ["reportedly", "allegedly"]
        summarizer.null_words = stop_words(language)
    ranked = summarizer(document, len(ours))
    return [ours[id(s)] for s in ranked if id(s) in ours]


@cache
def _ranking_summarizer(algorithm: str) -> Callable[..., Any]:
    base: Any = load_sumy_class(get_algorithm(algorithm))

    class Ranking(base):  # type: ignore[misc]
        @staticmethod
        def _get_best_sentences(sentences: Any, count: Any, rating: Any, *args: Any, **kwargs: Any) -> Any:
            rate = rating.__getitem__ if isinstance(rating, dict) else rating
            scored = [(rate(s, *args, **kwargs), order, s) for order, s in enumerate(sentences)]
            scored.sort(key=lambda item: (-item[0], item[1]))
            return tuple(s for _, _, s in scored)

        def _get_random_ratings(self, sentences: Any) -> Any:
            # sumy shuffles with the global generator; a fixed seed keeps runs reproducible.
            ratings = list(range(len(sentences)))
            random.Random(0).shuffle(ratings)
            return dict(zip(sentences, ratings, strict=True))

    Ranking.__name__ = f"Ranking{base.__name__}"
    return Ranking
