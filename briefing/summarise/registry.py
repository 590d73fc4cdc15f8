"""The one list of summarisation algorithms, by name.

Config validation, the CLI's choices and the README table are all derived from
`ALGORITHMS`; `get_algorithm` is the only way to look one up.

An algorithm is either a sumy summarizer class ("sumy.…:Class", wrapped so it
ranks every sentence) or one of ours ("briefing.…:function", called with the
body sentences and returning a score each, higher is better). `params` are its
defaults, passed as keyword arguments (sumy's own defaults where it has them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from briefing.errors import UnknownAlgorithmError


@dataclass(frozen=True, slots=True)
class Algorithm:
    name: str
    summary: str
    # "module:attribute", imported only when used (sumy pulls in nltk).
    implementation: str
    params: tuple[tuple[str, float], ...] = ()
    # Chooses the summary as a whole under the length budget (which it is given as
    # `budget=`) and ranks the sentences it chose first, rather than scoring each alone.
    chooses_set: bool = False

    @property
    def is_sumy(self) -> bool:
        return self.implementation.startswith("sumy.")


ALGORITHMS: dict[str, Algorithm] = {
    a.name: a
    for a in (
        Algorithm(
            "concepts",
            "Concept coverage: the sentences that together cover the most content-word bigrams, "
            "each worth the number of articles that mention it and counted once (Gillick & Favre 2009), "
            "chosen within the length budget by the budgeted submodular greedy (Lin & Bilmes 2010)",
            "briefing.summarise.concepts:concepts",
            (("min_sources", 3),),
            chooses_set=True,
        ),
        Algorithm(
            "lexrank",
            "LexRank: sentence centrality in a cosine-similarity graph (Erkan & Radev 2004); "
            "vectorised, ranks as sumy's",
            "briefing.summarise.graph:lexrank",
            (("threshold", 0.1), ("epsilon", 0.1)),
        ),
        Algorithm(
            "textrank",
            "TextRank: PageRank over word-overlap similarity (Mihalcea & Tarau 2004); "
            "vectorised, ranks as sumy's",
            "briefing.summarise.graph:textrank",
            (("damping", 0.85), ("epsilon", 1e-4)),
        ),
        Algorithm(
            "lsa",
            "Latent semantic analysis: sentences that carry the main SVD concepts "
            "(Steinberger & Jezek 2004); ranks as sumy's, which keeps every dimension, "
            "so computed without the SVD",
            "briefing.summarise.latent:lsa",
        ),
        Algorithm(
            "luhn",
            "Luhn: clusters of significant words (Luhn 1958)",
            "sumy.summarizers.luhn:LuhnSummarizer",
        ),
        Algorithm(
            "kl",
            "KL-Sum: greedy minimum KL(topic ‖ summary) of content-word distributions, add-one smoothed "
            "(Haghighi & Vanderwende 2009); vectorised",
            "briefing.summarise.frequency:kl_sum",
            (("smoothing", 1.0),),
        ),
        Algorithm(
            "sumbasic",
            "SumBasic: word probability with re-weighting (Nenkova & Vanderwende 2005); "
            "vectorised, ranks as sumy's",
            "briefing.summarise.frequency:sumbasic",
        ),
        Algorithm(
            "edmundson",
            "Edmundson: cue, title and location words; topic keywords are the bonus words",
            "sumy.summarizers.edmundson:EdmundsonSummarizer",
        ),
        Algorithm(
            "reduction",
            "Reduction: sum of word-overlap edge weights of each sentence (sumy's graph baseline); "
            "vectorised, ranks as sumy's",
            "briefing.summarise.graph:reduction",
        ),
        Algorithm(
            "lead",
            "Lead: each article's first sentences, interleaved across articles (the news baseline)",
            "briefing.summarise.baselines:lead",
        ),
        Algorithm(
            "random",
            "Random: a fixed-seed shuffle (a floor to compare with)",
            "sumy.summarizers.random:RandomSummarizer",
        ),
        Algorithm(
            "lexrank-sumy",
            "sumy's own pure-Python LexRank, O(n²) in Python calls (for comparison and benchmarks)",
            "sumy.summarizers.lex_rank:LexRankSummarizer",
        ),
        Algorithm(
            "textrank-sumy",
            "sumy's own pure-Python TextRank (for comparison and benchmarks)",
            "sumy.summarizers.text_rank:TextRankSummarizer",
        ),
    )
}


def algorithm_names() -> tuple[str, ...]:
    return tuple(ALGORITHMS)


def get_algorithm(name: str) -> Algorithm:
    try:
        return ALGORITHMS[name]
    except KeyError:
        raise UnknownAlgorithmError(
            f"unknown summary algorithm {name!r}; choose one of {', '.join(ALGORITHMS)}"
        ) from None


def load_implementation(algorithm: Algorithm) -> Callable[..., Any]:
    module_name, _, attribute = algorithm.implementation.partition(":")
    implementation: Callable[..., Any] = getattr(import_module(module_name), attribute)
    return implementation


def markdown_table() -> str:
    """The README's table of algorithms, generated from `ALGORITHMS`."""
    lines = ["| name | what it does | defaults |", "| --- | --- | --- |"]
    for a in ALGORITHMS.values():
        defaults = ", ".join(f"{k}={v:g}" for k, v in a.params) or ("sumy's" if a.is_sumy else "none")
        lines.append(f"| `{a.name}` | {a.summary} | {defaults} |")
    return "\n".join(lines)
