"""Wire datelines: the place, date and agency a wire story opens with, kept out of its text.

"BRUSSELS (AP) — The EU …", "MADRID, 5 dic (EFE).- El …", "Hamburg (dpa) - Die …",
"TOKYO, Dec. 5 (Reuters) - …", "NEW YORK _ …": the agency is already the article's
source and the place is in the story, so a summary sentence starts where the news
does. Recognised by form, in any language: a place of a few capitalised words (and
the little words of place names: "Frankfurt am Main", "Rio de Janeiro"), up to two
comma-separated parts (a region, a date), then a short agency name in brackets, then
a dash, an underscore or ".-"; or, with no agency, a place in capitals and a spaced
dash. What follows must start like a sentence, or nothing is cut.
"""

from __future__ import annotations

import re

# A word of a place name: capitalised ("Los", "S.D.", "Wash.", "Saint-Denis"), or one of
# the lower-case words place names carry.
_PLACE_WORD = r"(?:[^\W\d_a-z][\w.'’-]*|am|an|de|del|la|le|los|las|sur|upon|on|di|do|da|dos|im)"
_PLACE = rf"[^\W\d_a-z][\w.'’-]*(?:\s{_PLACE_WORD}){{0,4}}"
# A region or a date after a comma: "Belgium", "Dec. 5", "5 déc 2026", "June 12", "5 DIC".
_PART = r"[\w.'’-]+(?:\s[\w.'’-]+){0,3}"
# The agency: one to four words in brackets, the first capitalised or an acronym ("dpa").
_AGENCY = r"\((?:[^\W\d_][\w.&'’-]*)(?:\s[\w.&'’-]+){0,3}\)"
_SEPARATOR = r"(?:\s*(?:[-–—_]{1,2}|\.\s?[-–—])\s*)"
_WITH_AGENCY = re.compile(rf"^(?:{_PLACE}(?:,\s{_PART}){{0,2}}\s)?{_AGENCY}{_SEPARATOR}")
# "(ANSA) - ROMA, 5 DIC - …": the agency first, then perhaps the place in capitals and a date.
_AGENCY_FIRST = re.compile(
    rf"^{_AGENCY}{_SEPARATOR}(?:[^\W\d_a-z]+(?:\s[^\W\d_a-z]+){{0,3}}(?:,\s{_PART})?{_SEPARATOR})?"
)
# "WASHINGTON — …", "NEW YORK _ …", "PINE RIDGE, S.D. -- …": a place in capitals, a spaced dash.
_CAPITALS = re.compile(rf"^(?P<place>{_PLACE})(?:,\s{_PART}){{0,2}}\s[-–—_]{{1,2}}\s")
_SENTENCE_START = re.compile(r"[\"'“‘«(\[]*(?:[^\W\d_a-z]|\d)")
MAX_DATELINE_CHARS = 80
# Only a story's opening paragraphs carry its dateline.
DATELINE_PARAGRAPHS = 3


def strip_dateline(paragraph: str) -> str:
    """The paragraph without the wire dateline it opens with (unchanged if it has none)."""
    head = paragraph[: MAX_DATELINE_CHARS + 40]
    for pattern in (_AGENCY_FIRST, _WITH_AGENCY, _CAPITALS):
        found = pattern.match(head)
        if found is None or found.end() > MAX_DATELINE_CHARS:
            continue
        if pattern is _CAPITALS and not _all_capitals(found.group("place")):
            continue
        rest = paragraph[found.end() :]
        if _SENTENCE_START.match(rest) and len(rest.split()) >= 3:
            return rest
    return paragraph


def _all_capitals(place: str) -> bool:
    """The place of a dateline with no agency is printed in capitals."""
    letters = [c for c in place if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)
