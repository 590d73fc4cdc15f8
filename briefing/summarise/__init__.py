"""Summarise: a topic's passages → a short extractive summary, every sentence sourced.

The passages of all the topic's articles form one multi-document input. A
ranker (sumy's algorithms, by name from the registry) orders every sentence;
the summary then takes the best ones that are clean (complete, long enough, not
a headline) and not a repeat of a sentence already taken, and shows them in
reading order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from briefing.language import content_stems, is_dangling
from briefing.models import Passage, PassageKind, Sentence, Topic, TopicSummary
from briefing.summarise.rankers import rank_sentences


@dataclass(frozen=True, slots=True)
class SummaryOptions:
    algorithm: str = "lexrank"
    sentences: int = 4
    redundancy: float = 0.6
    order: str = "source"
    min_words: int = 6
    language: str = "english"
    # 0 = off; 1 = a sentence that leans on what came before ("He said…", "This…")
    # is taken only after every sentence that stands alone.
    dangling_penalty: float = 0.5


def summarise_topic(
    topic: Topic,
    passages: Sequence[Passage],
    options: SummaryOptions,
    article_order: Sequence[str],
) -> TopicSummary:
    position = {article_id: i for i, article_id in enumerate(article_order)}
    ordered = sorted(passages, key=lambda p: (position[p.article_id], p.index))
    ranked = rank_sentences(ordered, options.algorithm, options.language, keywords=topic.keywords)
    chosen = select(ranked, options)
    if options.order == "source":
        chosen = sorted(chosen, key=lambda s: (position[s.article_id], s.paragraph, s.start))
    article_ids = tuple(dict.fromkeys(p.article_id for p in ordered if p.kind is PassageKind.BODY))
    return TopicSummary(topic=topic, summary=tuple(chosen), passages=tuple(ordered), article_ids=article_ids)


def is_clean(sentence: Sentence, min_words: int) -> bool:
    """A sentence a reader can take on its own: complete and not a scrap."""
    return sentence.complete and len(sentence.text.split()) >= min_words


def select(ranked: Sequence[Sentence], options: SummaryOptions) -> list[Sentence]:
    """Greedy by rank: skip unclean sentences and repeats of one already chosen.

    Sentences that do not stand alone are moved down the ranking by
    `dangling_penalty` × the number of sentences.
    """
    demote = options.dangling_penalty * len(ranked)
    order = sorted(
        range(len(ranked)),
        key=lambda i: i + (demote if is_dangling(ranked[i].text, options.language) else 0.0),
    )
    chosen: list[Sentence] = []
    chosen_stems: list[frozenset[str]] = []
    for sentence in (ranked[i] for i in order):
        if len(chosen) == options.sentences:
            break
        if not is_clean(sentence, options.min_words):
            continue
        stems = frozenset(content_stems(sentence.text, options.language))
        if any(similarity(stems, other) >= options.redundancy for other in chosen_stems):
            continue
        chosen.append(sentence)
        chosen_stems.append(stems)
    return chosen


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap of two sets of content stems: the share of the smaller set found in the other.

    A short sentence whose words are mostly inside a longer one says nothing new
    (a quote and the report of it), which cosine similarity would miss.
    """
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
