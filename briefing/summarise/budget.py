"""What a summary may hold: the length and repeat rules of `summary:` (`SummaryConfig`).

`select` enforces them pick by pick for every algorithm; an algorithm that
optimises the summary as a set (concepts) is given them up front, so that the
set it finds is one `select` will keep as it is. The rules and their defaults
are the config schema's; nothing here repeats them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the schema imports the registry of this package: no import at run time
    from briefing.config import SummaryConfig


def sentence_limit(summary: SummaryConfig, total: int) -> int | None:
    """The most sentences allowed out of `total` (None: only the word cap limits).

    `words`, then `ratio`, win over `sentences` (the config allows only one of them).
    """
    if summary.words is not None:
        return None
    if summary.ratio is not None:
        return max(1, math.ceil(summary.ratio * total)) if total else 0
    return summary.sentences


def default_summary() -> SummaryConfig:
    """`summary:` as the schema's defaults make it."""
    from briefing.config import SummaryConfig

    return SummaryConfig()
