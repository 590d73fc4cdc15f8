"""What a summary may hold, for the algorithms that choose the whole summary at once.

`select` enforces these rules pick by pick for every algorithm; an algorithm
that optimises the summary as a set (the concept ILP) needs them up front, so
that the set it finds is one `select` will keep as it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Budget:
    # At most this many words (a cap never exceeded, no sentence cut); None = no cap.
    words: int | None = None
    # At most this many sentences, or this share of the input's; both None = no limit.
    sentences: int | None = 4
    ratio: float | None = None
    min_words: int = 6
    redundancy: float = 0.6
    dangling_penalty: float = 0.5

    def sentence_limit(self, total: int) -> int | None:
        """The most sentences allowed out of `total` (None: only the word cap limits)."""
        if self.words is not None:
            return None
        if self.ratio is not None:
            return max(1, math.ceil(self.ratio * total)) if total else 0
        return self.sentences
