"""Summarise: a story's passages → a short extractive summary, every sentence sourced.

The passages of all the story's articles form one multi-document input. A
ranker (by name from the registry) orders every sentence; the summary then
takes the best ones that are clean (complete, long enough, not a caption or a
scrap) and not a repeat of a sentence already taken, up to a length in
sentences, words or a share of the input, and shows them in reading order.

The names below are imported on first use: the config reads the registry's
algorithm names, and a command that only checks a config or prints its help
has no sentence to rank (NumPy, SciPy and the language models stay unloaded).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from briefing.summarise.clean import is_clean as is_clean
    from briefing.summarise.concepts import story_concepts as story_concepts
    from briefing.summarise.repeats import similarity as similarity
    from briefing.summarise.summary import select as select
    from briefing.summarise.summary import summarise as summarise
    from briefing.summarise.summary import summarise_update as summarise_update

__all__ = ["is_clean", "select", "similarity", "story_concepts", "summarise", "summarise_update"]
# The module of each.
_MODULES = {"is_clean": "clean", "similarity": "repeats", "story_concepts": "concepts"}
_MODULES |= dict.fromkeys(("select", "summarise", "summarise_update"), "summary")


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_MODULES[name]}"), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
