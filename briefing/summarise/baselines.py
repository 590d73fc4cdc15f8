"""Position baselines: what a reader of the first paragraphs would get."""

from __future__ import annotations

from collections.abc import Sequence

from briefing.models import Sentence


def lead(sentences: Sequence[Sentence], language: str) -> list[float]:
    """Each article's first sentence, then each one's second, and so on.

    The score is minus the sentence's position in its article; equal scores
    keep reading order, so the firsts of all articles come in article order.
    """
    seen: dict[str, int] = {}
    scores = []
    for sentence in sentences:
        position = seen.get(sentence.article_id, 0)
        seen[sentence.article_id] = position + 1
        scores.append(-float(position))
    return scores
