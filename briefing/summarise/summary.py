"""A summary from ranked sentences: the best that are clean, stand alone and repeat nothing
already taken or known, up to the length budget, in reading order; and a developing story's
update, which prefers what is new."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from briefing.models import Passage, Sentence
from briefing.summarise.attribution import attribute, stands_alone
from briefing.summarise.budget import sentence_limit
from briefing.summarise.clean import is_clean
from briefing.summarise.clean import word_count as _word_count
from briefing.summarise.rankers import Ranked, rank_sentences
from briefing.summarise.repeats import Gist, similarity

if TYPE_CHECKING:
    from briefing.config import SummaryConfig


def summarise(
    passages: Sequence[Passage],
    summary: SummaryConfig,
    language: str,
    keywords: Sequence[str] = (),
    known: Sequence[str] = (),
    known_concepts: Collection[tuple[str, str]] = (),
) -> list[Sentence]:
    """The summary of passages already in reading order, best sentence first.

    `summary` is the config's `summary:` section: algorithm, length and repeat rules;
    `known` are sentences the reader has already seen: none is repeated;
    `known_concepts`, what earlier articles said (`story_concepts`): the default
    algorithm counts them half, so the summary prefers what they did not say.
    """
    passages = attribute(passages, language)  # who says what: a quote is never the outlet's own words
    ranked = rank_sentences(
        passages, summary.algorithm, language, keywords, budget=summary, known_concepts=known_concepts
    )
    return select(ranked, summary, language, known)


def summarise_update(
    fresh: Sequence[Passage],
    rest: Sequence[Passage],
    summary: SummaryConfig,
    language: str,
    keywords: Sequence[str] = (),
    known: Sequence[str] = (),
    known_concepts: Collection[tuple[str, str]] = (),
) -> list[Sentence]:
    """A story the reader has seen before (update summarisation, as in DUC 2007 / TAC).

    What its `fresh` passages (today's new articles) say comes first, and of that
    what the story's earlier articles did not say (`known_concepts`); the rest of
    the story fills what length is left; nothing already `known` is said again —
    unless nothing new can be said at all, when the story is summarised as usual.
    """
    first = summarise(fresh, summary, language, keywords, known, known_concepts) if fresh else []
    left = _left_after(summary, first, sum(len(p.sentences) for p in (*fresh, *rest)))
    second = (
        summarise(rest, left, language, keywords, [*known, *(s.text for s in first)], known_concepts)
        if left and rest
        else []
    )
    return [*first, *second] or summarise([*fresh, *rest], summary, language, keywords)


def _left_after(summary: SummaryConfig, chosen: Sequence[Sentence], total: int) -> SummaryConfig | None:
    """The length still free once `chosen` is taken, as a summary section; None when none is."""
    if summary.words is not None:
        words = summary.words - sum(_word_count(s) for s in chosen)
        return summary.model_copy(update={"words": words}) if words >= summary.min_words else None
    limit = sentence_limit(summary, total)
    sentences = (limit if limit is not None else total) - len(chosen)
    return summary.model_copy(update={"sentences": sentences, "ratio": None}) if sentences > 0 else None


def select(
    ranked: Sequence[Ranked | Sentence], summary: SummaryConfig, language: str, known: Sequence[str] = ()
) -> list[Sentence]:
    """Greedy by rank: skip unclean sentences and repeats of one already chosen (or `known`).

    Sentences that do not stand alone (`stands_alone`: they lean on the sentence
    before, or quote someone the article does not name) are moved down the ranking by
    `dangling_penalty` × the number of sentences. Between repeats of equal
    score the earlier is kept, unless a later one says all it says and more.
    With `summary.words`, a sentence that would pass the cap is skipped and a
    shorter one further down may still fit.
    """
    items = [r if isinstance(r, Ranked) else Ranked(r, -float(i)) for i, r in enumerate(ranked)]
    demote = summary.dangling_penalty * len(items)
    order = sorted(
        range(len(items)),
        key=lambda i: (i + (0.0 if stands_alone(items[i].sentence, language) else demote), i),
    )
    pool = _Pool([items[i] for i in order], summary.min_words, language)
    limit = sentence_limit(summary, len(items))
    target = len(items) if limit is None else limit
    budget = summary.words
    chosen: list[tuple[Ranked, Gist]] = []
    seen = [Gist.of(text, language) for text in known]
    used = 0
    taken = [False] * len(pool.items)
    while len(chosen) < target and (budget is None or budget - used >= summary.min_words):
        pick = _next_pick(pool, taken, chosen, summary.mmr)
        if pick is None:
            break
        taken[pick] = True
        item, gist = pool.items[pick], pool.gist(pick)
        length = _word_count(item.sentence)
        if any(gist.repeats(other, summary.redundancy) for other in (*seen, *(g for _, g in chosen))):
            continue
        if budget is not None and used + length > budget:
            continue
        chosen.append((item, gist))
        used += length
    return [item.sentence for item, _ in _prefer_complete(chosen, pool, taken, budget, used, seen, summary)]


def _prefer_complete(
    chosen: list[tuple[Ranked, Gist]],
    pool: _Pool,
    taken: Sequence[bool],
    budget: int | None,
    used: int,
    seen: Sequence[Gist],
    summary: SummaryConfig,
) -> list[tuple[Ranked, Gist]]:
    """Between sentences of equal score, the earlier wins unless a later one says all it says and more.

    Two outlets often print the same sentence, one with an extra clause; the
    fuller one replaces the chosen one if it fits the word budget.
    """
    tied: dict[float, list[int]] = {}
    for k, item in enumerate(pool.items):
        if not taken[k]:
            tied.setdefault(_tie_key(item.score), []).append(k)
    result = list(chosen)
    for n, (held, held_gist) in enumerate(result):
        for k in tied.get(_tie_key(held.score), ()):
            extra = _word_count(pool.items[k].sentence) - _word_count(held.sentence)
            if extra <= 0 or not pool.usable(k) or (budget is not None and used + extra > budget):
                continue
            gist = pool.gist(k)
            if held_gist.stems < gist.stems and not any(
                gist.repeats(old, summary.redundancy) for old in seen
            ):
                held, held_gist = pool.items[k], gist
                used += extra
        result[n] = (held, held_gist)
    return result


def _tie_key(score: float) -> float:
    return float(f"{score:.9g}")


class _Pool:
    """Candidates in demoted rank order; whether each is clean and what it says are
    worked out when first needed (a topic of thousands of sentences looks at a few)."""

    def __init__(self, items: list[Ranked], min_words: int, language: str) -> None:
        self.items = items
        self._language = language
        self._min_words = min_words
        self._gists: dict[int, Gist] = {}
        self._usable: dict[int, bool] = {}

    def usable(self, k: int) -> bool:
        if k not in self._usable:
            sentence = self.items[k].sentence
            self._usable[k] = is_clean(sentence, self._min_words)
        return self._usable[k]

    def gist(self, k: int) -> Gist:
        if k not in self._gists:
            self._gists[k] = Gist.of(self.items[k].sentence.text, self._language)
        return self._gists[k]


def _next_pick(
    pool: _Pool,
    taken: Sequence[bool],
    chosen: Sequence[tuple[Ranked, Gist]],
    mmr: float | None,
) -> int | None:
    """The next candidate: the best remaining by rank, or by maximal marginal relevance
    (Carbonell & Goldstein 1998) when `summary.mmr` is on.

    MMR's relevance is rank-based (1 for the best candidate, falling linearly),
    so it means the same for every algorithm whatever the scale of its scores.
    """
    remaining = (k for k in range(len(pool.items)) if not taken[k] and pool.usable(k))
    if mmr is None or not chosen:
        return next(remaining, None)
    weight = mmr
    size = len(pool.items)
    best, best_value = None, -math.inf
    for k in remaining:
        relevance = 1.0 - k / size
        if weight * relevance <= best_value:
            break  # relevance only falls from here, so no later candidate can win
        novelty = max(similarity(pool.gist(k).stems, gist.stems) for _, gist in chosen)
        value = weight * relevance - (1.0 - weight) * novelty
        if value > best_value:
            best, best_value = k, value
    return best
