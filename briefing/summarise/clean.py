"""Which sentences a summary may quote: complete prose a reader can take on its own.

Not prose: captions and calls to action (below), and whatever `briefing.boilerplate`
recognises in any supported language (placeholder text, template code, form prompts,
cookie and subscription notices, author biographies, photo credits).

Shared by `select` (which skips the rest) and by the algorithms that choose a
whole summary at once (which never consider the rest).
"""

from __future__ import annotations

import re

from briefing.boilerplate import not_prose
from briefing.models import Sentence

# Captions, credits and calls to action that end like sentences but are not news prose.
_NOT_PROSE = re.compile(
    r"^(?:photo(?:graph)?|picture|image|caption|credit|video|watch|listen|click|tap|read more|"
    r"related|copyright|follow us|sign up|subscribe)\b|\((?:ap|afp|reuters|getty)(?: photo| images?)?\)\s*$",
    re.IGNORECASE,
)
# A sentence must start like one: a capital, a digit, or an opening quote or bracket before one.
_STARTS_LIKE_SENTENCE = re.compile(r"^[\"'“‘«(\[]*[^\W\d_a-z]|^[\"'“‘«(\[]*\d")


def is_clean(sentence: Sentence, min_words: int) -> bool:
    """A sentence a reader can take on its own: complete, long enough, prose, not shouting."""
    text = sentence.text.strip()
    if not sentence.complete or len(text.split()) < min_words:
        return False
    if not _STARTS_LIKE_SENTENCE.match(text) or _NOT_PROSE.search(text) or not_prose(text):
        return False
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) <= 0.5 * len(letters)


def word_count(sentence: Sentence) -> int:
    """Words as a summary's word cap counts them: runs of non-space characters."""
    return len(sentence.text.split())
