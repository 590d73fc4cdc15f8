"""Pages that are not articles: a site's notice in place of the news (a CMS's "page being
edited", "page not found", "under maintenance", "enable JavaScript"), in every supported
language.

Such a page has a title and a few lines of text, so it would be read as a story of
its own; it is skipped and reported instead. Only a notice that *is* the page counts:
its title is (nearly) only the notice, or its text is short and one of its lines is
one. An article that mentions "page not found" in its text is news like any other.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

# What sites print instead of an article, by language. Written as they appear (lower case,
# accents kept); compared with the text lower-cased and its spaces collapsed.
_NOTICES: dict[str, tuple[str, ...]] = {
    "en": (
        "page is being edited",
        "page being edited",
        "this page is being updated",
        "page not found",
        "404 not found",
        "error 404",
        "access denied",
        "under maintenance",
        "temporarily unavailable",
        "please enable javascript",
        "enable javascript to",
        "this content is not available",
        "this page is no longer available",
    ),
    "fr": (
        "modification de page en cours",
        "page en cours de modification",
        "page introuvable",
        "page non trouvée",
        "erreur 404",
        "accès refusé",
        "site en maintenance",
        "en cours de maintenance",
        "activez javascript",
        "contenu indisponible",
    ),
    "de": (
        "seite wird bearbeitet",
        "seite nicht gefunden",
        "fehler 404",
        "zugriff verweigert",
        "wartungsarbeiten",
        "javascript aktivieren",
        "inhalt nicht verfügbar",
    ),
    "es": (
        "página en edición",
        "página no encontrada",
        "error 404",
        "acceso denegado",
        "sitio en mantenimiento",
        "habilite javascript",
        "contenido no disponible",
    ),
    "it": (
        "pagina in modifica",
        "pagina non trovata",
        "errore 404",
        "accesso negato",
        "sito in manutenzione",
    ),
    "pt": ("página em edição", "página não encontrada", "erro 404", "acesso negado", "site em manutenção"),
    "sv": ("sidan redigeras", "sidan hittades inte", "åtkomst nekad", "underhåll pågår"),
    "pl": ("strona w edycji", "nie znaleziono strony", "odmowa dostępu", "przerwa techniczna"),
    "cs": ("stránka se upravuje", "stránka nenalezena", "přístup odepřen", "probíhá údržba"),
    "el": ("η σελίδα δεν βρέθηκε", "υπό συντήρηση", "δεν επιτρέπεται η πρόσβαση"),
}
_PHRASES = tuple(sorted({p for phrases in _NOTICES.values() for p in phrases}, key=len, reverse=True))
_NOTICE = re.compile("|".join(re.escape(p) for p in _PHRASES))
# A notice page is short: a real article has more words than this besides its notice lines.
MAX_NOTICE_WORDS = 120
# A line is a notice when the notice is most of it (a sentence around it is text).
NOTICE_SHARE = 0.5
_LETTERS = re.compile(r"[^\W_]+")


def notice_in(title: str, paragraphs: Sequence[str]) -> str | None:
    """The notice a page is instead of an article ("Modification de page en cours"), or None."""
    if _is_notice(title):
        return title.strip()
    words = sum(len(p.split()) for p in paragraphs)
    if words > MAX_NOTICE_WORDS:
        return None
    for paragraph in paragraphs:
        if _is_notice(paragraph):
            return paragraph.strip()
    return None


def _is_notice(text: str) -> bool:
    """A line that is mostly one notice phrase, counted in letters."""
    line = unicodedata.normalize("NFC", " ".join(text.lower().split()))
    found = _NOTICE.search(line)
    if found is None:
        return False
    letters = sum(len(w) for w in _LETTERS.findall(line))
    notice = sum(len(w) for w in _LETTERS.findall(found.group()))
    return letters > 0 and notice / letters >= NOTICE_SHARE
