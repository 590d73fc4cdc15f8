"""The one list of summarisation algorithms, by name.

Config validation, the CLI's choices and the docs are all derived from
`ALGORITHMS`; `get_algorithm` is the only way to look one up.
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
    # "module:Class" of a sumy summarizer, imported only when used (sumy pulls in nltk).
    sumy_class: str


ALGORITHMS: dict[str, Algorithm] = {
    a.name: a
    for a in (
        Algorithm(
            "lexrank",
            "LexRank: sentence centrality in a cosine-similarity graph (Erkan & Radev 2004)",
            "sumy.summarizers.lex_rank:LexRankSummarizer",
        ),
        Algorithm(
            "textrank",
            "TextRank: PageRank over word-overlap similarity (Mihalcea & Tarau 2004)",
            "sumy.summarizers.text_rank:TextRankSummarizer",
        ),
        Algorithm(
            "lsa",
            "Latent semantic analysis: sentences that carry the main SVD concepts (Steinberger & Jezek 2004)",
            "sumy.summarizers.lsa:LsaSummarizer",
        ),
        Algorithm(
            "luhn",
            "Luhn: clusters of significant words (Luhn 1958)",
            "sumy.summarizers.luhn:LuhnSummarizer",
        ),
        Algorithm(
            "kl",
            "KL-Sum: greedy minimum KL divergence to the word distribution (Haghighi & Vanderwende 2009)",
            "sumy.summarizers.kl:KLSummarizer",
        ),
        Algorithm(
            "sumbasic",
            "SumBasic: word probability with re-weighting (Nenkova & Vanderwende 2005)",
            "sumy.summarizers.sum_basic:SumBasicSummarizer",
        ),
        Algorithm(
            "edmundson",
            "Edmundson: cue, key, title and location words; topic keywords are the bonus words",
            "sumy.summarizers.edmundson:EdmundsonSummarizer",
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


def load_sumy_class(algorithm: Algorithm) -> Callable[..., Any]:
    module_name, _, class_name = algorithm.sumy_class.partition(":")
    cls: Callable[..., Any] = getattr(import_module(module_name), class_name)
    return cls
