"""Segment: an Article's paragraphs → Passages of Sentences, offline.

Headlines (and truncated headline fragments) and bylines are recognised here
and kept as passages of their own kind, so that later stages can use them as
boundaries but never summarise them.
"""

from __future__ import annotations

import re

from briefing.boilerplate import is_about_the_author, is_byline
from briefing.ingest.text import ends_like_sentence, is_short_headline
from briefing.language import AUTO, ends_inside_sentence, sentence_spans, supported_languages
from briefing.models import Article, Passage, PassageKind, Sentence


def segment(article: Article, language: str | None = None) -> tuple[Passage, ...]:
    """The article's passages, split into sentences in the article's own language.

    `article.language` decides; `language` (kept for callers that still pass the
    configured one, which may be `auto`) is used only if the article's is unknown.
    """
    own = article.language in supported_languages() or language is None or language == AUTO
    splitting = article.language if own or language is None else language
    return tuple(_passage(article, index, text, splitting) for index, text in enumerate(article.paragraphs))


def _kind(article: Article, index: int, text: str, language: str) -> PassageKind:
    if index in article.headline_paragraphs:
        return PassageKind.HEADLINE
    if is_byline(text) or is_about_the_author(text, language):
        # Bylines, datelines, captions, credits and author biographies: kept, never summarised.
        return PassageKind.BYLINE
    if is_short_headline(text):
        # A short line with no sentence ending, even inside a wrapped paragraph, is not prose.
        return PassageKind.HEADLINE
    return PassageKind.BODY


def _passage(article: Article, index: int, text: str, language: str) -> Passage:
    kind = _kind(article, index, text, language)
    sentences: tuple[Sentence, ...] = ()
    if kind is PassageKind.BODY:
        sentences = tuple(
            Sentence(
                text=text[start:end],
                article_id=article.id,
                paragraph=index,
                start=start,
                end=end,
                complete=_whole(text[start:end], language),
            )
            for start, end in sentence_spans(text, language)
        )
    return Passage(article_id=article.id, index=index, text=text, kind=kind, sentences=sentences)


def _whole(sentence: str, language: str) -> bool:
    """Ends like a sentence: not at a title that always stands before a name ("… Mr."),
    nor with the ellipsis of a teaser cut short ("… after the storm…")."""
    text = sentence.rstrip()
    return (
        ends_like_sentence(text) and not ends_inside_sentence(text, language) and not _CUT_SHORT.search(text)
    )


# A sentence that trails off: a teaser's "…", "..." or "[…]" where its text was cut.
_CUT_SHORT = re.compile(r"(?:…|\.\.\.|\[…\]|\[\.\.\.\])[\"'”’»)\]]*$")
