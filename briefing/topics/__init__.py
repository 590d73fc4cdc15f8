"""Assign: every passage of every article → one topic.

Each passage scores each configured topic by its matching keywords (phrases
allowed, weights honoured) and, more weakly, title and description words. The
topic sequence of an article is then decoded as a whole (Viterbi): changing
topic costs `SWITCH_COST` unless a headline starts a new segment, so a
paragraph with no topic words of its own stays with its neighbours. Passages
that fit no topic go to "Other news".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from briefing.config import OTHER_TOPIC_ID as OTHER_ID
from briefing.language import content_stems
from briefing.models import AssignedPassage, Evidence, Passage, PassageKind, Topic

# Score units: one keyword occurrence of weight 1 scores 1.
# A lone passage needs more than this to leave "Other news" (half a keyword hit) …
OTHER_SCORE = 0.5
# … and, inside an article, this much more evidence to change topic: about two
# keyword hits, so one stray mention never splits a story.
SWITCH_COST = 2.0
# A headline (or a new article) starts a new segment: changing topic there is nearly free.
HEADLINE_SWITCH_COST = 0.1
# Title and description words are weaker evidence than chosen keywords.
DESCRIPTION_WEIGHT = 0.25


@dataclass(frozen=True, slots=True)
class TopicProfile:
    topic: Topic
    # stem phrase ("strateg concept") → (weight, the term as the user wrote it)
    terms: dict[str, tuple[float, str]]


def build_profile(topic: Topic, weights: Sequence[float], language: str) -> TopicProfile:
    terms: dict[str, tuple[float, str]] = {}
    for text in (topic.title, topic.description):
        for stem in content_stems(text, language):
            terms.setdefault(stem, (DESCRIPTION_WEIGHT, stem))
    for keyword, weight in zip(topic.keywords, weights, strict=True):
        phrase = " ".join(content_stems(keyword, language))
        if phrase:
            terms[phrase] = (weight, keyword)
    return TopicProfile(topic, terms)


def score_passage(stems: Sequence[str], profile: TopicProfile) -> Evidence:
    """Sum over matching terms of weight × (1 + log count): repetition helps, sub-linearly."""
    if not stems or not profile.terms:
        return Evidence(0.0, ())
    joined = f" {' '.join(stems)} "
    singles = Counter(stems)
    hits: list[tuple[float, str]] = []
    for phrase, (weight, shown) in profile.terms.items():
        count = singles[phrase] if " " not in phrase else joined.count(f" {phrase} ")
        if count:
            hits.append((weight * (1.0 + math.log(count)), shown))
    hits.sort(key=lambda hit: (-hit[0], hit[1]))
    return Evidence(round(sum(h[0] for h in hits), 4), tuple(h[1] for h in hits[:5]))


def assign_topics(
    articles: Sequence[Sequence[Passage]],
    profiles: Sequence[TopicProfile],
    language: str = "english",
    titles: Sequence[str] | None = None,
) -> tuple[AssignedPassage, ...]:
    """Topic of every passage, article by article, in reading order.

    An article's title counts as a headline before its first paragraph: it is
    evidence for the opening segment but is not itself assigned.
    """
    assigned: list[AssignedPassage] = []
    for number, passages in enumerate(articles):
        if not passages:
            continue
        title = titles[number] if titles else ""
        texts = [title, *(p.text for p in passages)]
        kinds = [PassageKind.HEADLINE, *(p.kind for p in passages)]
        evidence = [
            [score_passage(content_stems(text, language), profile) for profile in profiles] for text in texts
        ]
        states = _decode(kinds, evidence)[1:]
        evidence = evidence[1:]
        for passage, state, scores in zip(passages, states, evidence, strict=True):
            if state == len(profiles):
                best = max(scores, key=lambda e: e.score, default=Evidence(0.0, ()))
                assigned.append(AssignedPassage(passage, OTHER_ID, Evidence(0.0, best.terms)))
            else:
                assigned.append(AssignedPassage(passage, profiles[state].topic.id, scores[state]))
    return tuple(assigned)


def _decode(kinds: Sequence[PassageKind], evidence: list[list[Evidence]]) -> list[int]:
    """Viterbi over topics + "other" with a cost for changing topic between passages."""
    n_states = len(evidence[0]) + 1
    other = n_states - 1

    def emission(i: int, state: int) -> float:
        return OTHER_SCORE if state == other else evidence[i][state].score

    best = [emission(0, s) for s in range(n_states)]
    back: list[list[int]] = []
    for i in range(1, len(kinds)):
        cost = HEADLINE_SWITCH_COST if kinds[i] is PassageKind.HEADLINE else SWITCH_COST
        stay_or_move = []
        for state in range(n_states):
            # Ties go to staying, then to the lowest state (configured order), for determinism.
            prev = max(
                range(n_states),
                key=lambda p: (best[p] - (0 if p == state else cost), p == state, -p),
            )
            stay_or_move.append((best[prev] - (0 if prev == state else cost) + emission(i, state), prev))
        best = [value for value, _ in stay_or_move]
        back.append([prev for _, prev in stay_or_move])
    state = max(range(n_states), key=lambda s: (best[s], -s))
    path = [state]
    for pointers in reversed(back):
        state = pointers[state]
        path.append(state)
    path.reverse()
    return path


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-") or "topic"
