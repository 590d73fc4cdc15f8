"""What is not news prose, in any supported language: page furniture that reads like text.

Recognised by what it is, never by the page it came from:

- placeholder text: the Lorem ipsum family of Latin filler;
- template code: `{{ item.title }}`, `{% if %}`, `${name}`, `<%= x %>`, left unrendered;
- form prompts: a second-person "enter your …" (Enter your e-mail, Ingresa tu RUT,
  Geben Sie Ihre …, Saisissez votre …) or a field's label ("Required field");
- cookie notices: "cookie" beside consent, use or browsing words;
- subscription and sign-in notices: a subscribe/subscriber word beside a call to
  the reader (now, our, you, only for, log in …);
- notices to the reader about the page: "this article" beside "you" ("Il vous reste
  62 % de cet article à lire");
- headings and labels: nearly every word capitalised;
- author biographies: a name followed by "is a reporter / ist Redakteurin / es
  periodista / est journaliste …", or the sentences that tell a career ("has covered",
  "joined … in 2015", "follow her on");
- photo captions and credits: a credit word opening the text or a credit closing it;
- bylines and datelines: "By …", "Von …", "Por …", "Par …", "Updated …".

`segment` makes such paragraphs bylines (kept, never summarised); `summarise.clean`
never picks such a sentence.
"""

from __future__ import annotations

import re

from briefing.language import split_sentences

_PLACEHOLDER = re.compile(r"\blorem ipsum\b|\bdolor sit amet\b|\bconsectetur adipiscing\b", re.IGNORECASE)
# Bounded inside, so a page of "{{{{…" costs linear time.
_TEMPLATE_CODE = re.compile(
    r"\{\{[^{}]{0,200}\}\}|\{%[^%]{0,200}%\}|\$\{[^{}]{0,100}\}|<%[^%]{0,200}%>|\[\[[^\[\]]{0,200}\]\]|\bng-[a-z]+="
)
# Script code by the shape of its tokens, in any language around it: operators prose never
# uses, calls and blocks, and dotted names with a camel-cased part ("nrco.contentDetail…",
# "window.dataLayer"; a lower-case domain such as bbc.co.uk is not code).
_SCRIPT_CODE = re.compile(
    r"===|!==|&&|\|\||=>|\)\s*\{\s*(?:\}|[\w$.]+\s*[(=;])|\}\s*\)|;\s*\}|\b[A-Za-z_$][\w$]*\([^()]{0,40}\)\s*;"
    r"|\b[a-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\.[a-z][a-z0-9]*[A-Z][\w$]*"
)
_CODE_MARKS = ("===", "!==", "&&", "||", "=>", "{", "}", ";")
_CAMEL_MEMBER = re.compile(r"\.[a-z][a-z0-9]*[A-Z]")  # what a dotted name of code has, and prose not
# The rights line under agency copy ("All rights reserved. This material may not be published …")
# and a syndicate's notes to editors ("EDITORS: …", "To purchase this material contact …").
_RIGHTS = re.compile(
    r"\ball rights reserved\b|\bmay not be (?:published|reproduced|redistributed|rewritten)\b"
    r"|\balle rechte vorbehalten\b|\btous droits réservés\b|\breproduction interdite\b"
    r"|\btodos los derechos reservados\b|\bprohibida su reproducción\b|\btodos os direitos reservados\b"
    r"|\btutti i diritti riservati\b|\bwszelkie prawa zastrzeżone\b|\bvšechna práva vyhrazena\b"
    # a syndicate's note to the papers that buy the story
    r"|^\(?(?:editors?|editor['’]s note|note to editors|nonsubscribers)\s*:"
    r"|\bto purchase this (?:material|article|story)\b|\bit must be purchased\b",
    re.IGNORECASE,
)
_RIGHTS_MARKS = (
    "editor",
    "nonsubscri",
    "purchase",
    "reserv",
    "may not be",
    "vorbehalten",
    "réservés",
    "interdite",
    "prohibida",
    "riservati",
    "zastrze",
    "vyhrazena",
)
_FORM_PROMPT = re.compile(
    r"^(?:please\s+)?(?:enter|type|provide|insert|ingresa|ingrese|introduce|introduzca|escribe|escriba|"
    r"digite|digita|insira|informe|geben sie|gib|tragen sie|saisissez|saisis|entrez|renseignez|inserisci|"
    r"digita|wpisz|podaj|zadejte|vložte|ange|skriv)\s+(?:\w+\s+){0,2}"
    r"(?:your|a valid|tu|su|sus|tus|ihre|ihr|deine|dein|eine gültige|votre|vos|une adresse|seu|sua|o seu|"
    r"a sua|il tuo|la tua|il|swój|swoje|váš|vaše|din|ditt)\b"
    r"|^(?:required field|campo obligatorio|campo requerido|pflichtfeld|champ obligatoire|campo obrigatório|"
    r"campo obbligatorio|pole wymagane|povinné pole|obligatoriskt fält)\b",
    re.IGNORECASE,
)
_COOKIE = re.compile(r"\bcookies?\b", re.IGNORECASE)
_COOKIE_CONTEXT = re.compile(
    r"\b(?:accept\w*|consent\w*|use|uses|using|we|our|you|your|privacy|browsing|browse|settings|"
    r"usamos|utilizamos|utiliza|aceptar|acepta|aceptas|consentimiento|navegación|navegando|privacidad|"
    r"verwenden|nutzen|akzeptieren|zustimm\w*|einwilligung|datenschutz\w*|surfen|weitersurfen|"
    r"utilisons|utilise|accepter|acceptez|consentement|navigation|naviguant|confidentialité|"
    r"usamos|utilizamos|aceitar|aceita|consentimento|navegação|privacidade|"
    r"utilizziamo|accetta|accetti|consenso|navigazione|"
    r"używamy|akceptuj\w*|zgod\w*|používáme|souhlas\w*|använder|godkänn\w*|samtyck\w*)\b",
    re.IGNORECASE,
)
_SUBSCRIPTION = re.compile(
    r"\b(?:subscrib\w*|subscription\w*|newsletter\w*|paywall|suscr[ií]b\w*|suscript\w*|suscripci\w*|"
    r"abonn\w*|abonent\w*|assin[ae]\w*|abbona\w*|prenumer\w*|předplat\w*)",
    re.IGNORECASE,
)
_READER_CALL = re.compile(
    r"\b(?:now|today|our|you|your|only|exclusive\w*|log in|login|sign in|sign up|free|"
    r"ahora|hoy|nuestr[oa]s?|tu|tus|usted|sólo|solo|exclusiv\w*|inicia sesión|regístrate|gratis|"
    r"jetzt|heute|unser\w*|nur|exklusiv\w*|anmelden|einloggen|registrieren|kostenlos|"
    r"maintenant|aujourd'hui|notre|nos|vous|votre|réservé\w*|connect\w*|connexion|inscri\w*|gratuit\w*|"
    r"agora|hoje|nossa?s?|você|apenas|só|cadastr\w*|"
    r"ora|oggi|nostr[oaie]|tuo|tua|solo|accedi|registrati|"
    r"teraz|nasz\w*|tylko|zaloguj\w*|nyní|náš|jen|přihlas\w*|nu|vår\w*|bara|logga in)\b",
    re.IGNORECASE,
)
_ROLE = (
    r"(?:reporter|correspondent|journalist|editor|columnist|writer|producer|contributor|freelancer|"
    r"redakteur(?:in)?|korrespondent(?:in)?|journalistin|autor(?:in)?|kolumnist(?:in)?|reporterin|"
    r"volontär(?:in)?|periodista|corresponsal|redactor[a]?|columnista|editor[a]?|reportera?|"
    r"journaliste|rédacteur|rédactrice|correspondante?|chroniqueu(?:r|se)|reporter|"
    r"jornalista|repórter|correspondente|colunista|giornalista|corrispondente|redattore|redattrice|"
    r"inviat[oa]|dziennikarz|dziennikarka|redaktor(?:ka)?|korespondent(?:ka)?|novinář(?:ka)?|"
    r"reporté?r(?:ka)?|journalist|reporter)"
)
# "Jane Doe is a senior reporter at …", "Anna Müller ist Redakteurin im Ressort …": a name
# (capitalised words, not an article) in the present tense with a newsroom role.
_BIOGRAPHY_ROLE = re.compile(
    rf"^(?P<name>(?:[^\W\d_][\w'’.-]*\s+){{1,4}})(?:is|ist|es|est|é|è|jest|je|är)\s+"
    rf"(?:(?:a|an|the|ein|eine|un|una|une|um|uma|il|la|lo|le)\s+)?(?:[\w-]+\s+){{0,4}}{_ROLE}\b",
    re.IGNORECASE,
)
_NOT_A_NAME = frozenset(
    (
        "the",
        "a",
        "an",
        "this",
        "that",
        "der",
        "die",
        "das",
        "ein",
        "eine",
        "el",
        "la",
        "los",
        "las",
        "le",
        "les",
        "un",
        "une",
        "il",
        "lo",
        "o",
    )
)
# The sentences that tell a career or point to the author's accounts.
_BIOGRAPHY = re.compile(
    r"^(?:he|she|they) (?:has|have) (?:covered|reported on|reported from|written for|written about)\b"
    r"|\bfollow (?:him|her|them) on\b|\bis the author of\b|\bcan be reached at\b"
    r"|\bfolgen sie (?:ihm|ihr)\b|^(?:er|sie) schreibt (?:seit|für|über)\b"
    r"|\bsíguel[oa] en\b|\bsuivez-(?:le|la)\b|\bsiga-(?:o|a) no\b",
    re.IGNORECASE,
)


_BIOGRAPHY_MARKS = (
    "covered",
    "reported",
    "written",
    "follow",
    "author of",
    "reached at",
    "folgen sie",
    "schreibt",
    "síguel",
    "suivez",
    "siga-",
)


def _is_biography(text: str) -> bool:
    role = _BIOGRAPHY_ROLE.match(text)
    if role:
        name = role.group("name").split()
        if name[0].lower() not in _NOT_A_NAME and all(word[:1].isupper() for word in name):
            return True
    low = text.lower()
    return any(mark in low for mark in _BIOGRAPHY_MARKS) and bool(_BIOGRAPHY.search(text))


# A byline or dateline opens with one of these, then a name, a date or a time.
_BYLINE = re.compile(
    r"^(?:by|reporting by|written by|additional reporting by|photo(?:graph)?:|image:|credit:|copyright|©|"
    r"(?P<name_only>von|por|par|di|av|door)|autor:|autora:|texto:|text:|"
    r"(?:with )?(?:additional )?reporting by|edit(?:ing|ed) by|mit (?:informationen|material) von|"
    r"con información de|avec (?:les )?agences|com informações de|"
    r"updated|published|aktualisiert|veröffentlicht|stand:|actualizado|publicado|actualización|"
    r"mis à jour|publié|atualizado|aggiornato|pubblicato|zaktualizowano|aktualizováno|uppdaterad)\s+"
    r"(?P<next>\S+)",
    re.IGNORECASE,
)
_DATE_WORDS = frozenset(("on", "am", "le", "el", "em", "il", "at", "um", "à", "a"))
BYLINE_MAX_WORDS = 12


# Photo captions and credits, in the supported languages: a credit word opening the
# text ("Photo: …", "Foto: dpa", "Imagen: EFE", "©"), or a credit closing it
# ("… (AP Photo/Jae C. Hong)", "… Foto: dpa/Michael Kappeler", "… | Getty Images").
_CREDIT_WORDS = (
    r"photo(?:graph)?s?|pictures?|images?|credits?|caption|video|foto(?:s|grafie|grafía|grafia)?|bild(?:er)?|"
    r"bildquelle|quelle|imagen(?:es)?|crédit(?:o|s)?|créditos|illustration|ilustración|zdjęcie|źródło|"
    r"φωτογραφία|φωτο"
)
_AGENCIES = (
    r"ap|afp|reuters|dpa|efe|epa|getty(?: images)?|ansa|anp|tt|ctk|čtk|pap|ap images|shutterstock|imago"
)
_CAPTION = re.compile(
    rf"^(?:©|\(c\)\s|(?:{_CREDIT_WORDS})\s*[:/|]\s)"
    rf"|[(\[]\s*(?:(?:{_AGENCIES})\s*)?(?:{_CREDIT_WORDS}|©)[^)\]]{{0,80}}[)\]]\s*\.?$"
    rf"|[(\[]\s*(?:{_AGENCIES})\s*[)\]]\s*\.?$"
    rf"|(?:^|[.!?|/–—-]\s*)(?:{_CREDIT_WORDS}|©)\s*[:©]\s*[^.!?]{{1,80}}$"
    rf"|(?:\s[|/]\s*|\s)(?:{_AGENCIES}) via getty images\s*$|\sgetty images\s*$",
    re.IGNORECASE,
)


def is_caption(text: str) -> bool:
    """A photo caption or credit line: never prose, whatever language it is in."""
    return bool(_CAPTION.search(text.strip()))


# What a page prints around an article, never part of it: dropped from the article at ingest.
PAGE_FURNITURE = frozenset(
    {
        "placeholder text",
        "template code",
        "form prompt",
        "cookie notice",
        "subscription notice",
        "notice to the reader",
    }
)


# Talking to the reader about the page itself: "You have 62% of this article left to read".
_PAGE_WORDS = (
    "article", "story", "page", "artikel", "beitrag", "seite", "artículo", "nota", "contenido", "página",
    "articolo", "contenuto", "artigo", "conteúdo", "matéria", "článek", "stránka", "artykuł", "strona",
    "artikeln", "sida",
)  # fmt: skip
_THIS_PAGE = re.compile(
    r"\b(?:this|cet|cette|dieser|diesen|diesem|dieses|este|esta|questo|questa|tento|ten|ta|denna|denne)\s+"
    rf"(?:{'|'.join(_PAGE_WORDS)})\b",
    re.IGNORECASE,
)
_YOU = re.compile(
    r"\b(?:you|your|vous|votre|vos|ihnen|sie|usted|ustedes|tu|te|você|voce|lei|voi|vi|ni|du|dig)\b",
    re.IGNORECASE,
)
# Nearly every word capitalised: a heading or a label ("Our Standards: The Trust Principles.").
LABEL_MIN_WORDS = 5
LABEL_CAPITALISED = 0.75
_WORD_INITIAL = re.compile(r"(?:^|(?<=\s))[\"'“‘«(]*([^\W\d_])")  # each word's first letter


FURNITURE_LINE_WORDS = 25  # a line of a form or a banner, read whole


# Plain substrings one of which each kind of furniture must contain: a sentence with
# none of them skips that kind's regular expressions (most sentences, most kinds).
_TEMPLATE_MARKS = ("{{", "{%", "${", "<%", "[[", "ng-")
_SUBSCRIPTION_STEMS = (
    "subscri",
    "newsletter",
    "paywall",
    "suscri",
    "suscripc",
    "abonn",
    "abonent",
    "assina",
    "assine",
    "abbona",
    "prenumer",
    "předplat",
)
_CAPTION_MARKS = ("(", "[", ":", "©", "/", "|", "getty")


def not_prose(text: str) -> str | None:
    """Why a sentence or paragraph is not news prose ("template code", …), or None if it is."""
    stripped = text.strip()
    furniture = _furniture(stripped)
    if furniture:
        return furniture
    if _is_biography(stripped):
        return "author biography"
    low = stripped.lower()
    if any(mark in low for mark in _CAPTION_MARKS) and is_caption(stripped):
        return "photo caption or credit"
    initials = _WORD_INITIAL.findall(stripped)
    if len(initials) >= LABEL_MIN_WORDS and sum(c.isupper() for c in initials) >= LABEL_CAPITALISED * len(
        initials
    ):
        return "heading or label"
    return None


def _furniture(stripped: str) -> str | None:
    """Which kind of PAGE_FURNITURE a stripped text is, or None."""
    low = stripped.lower()
    if ("lorem" in low or "dolor sit" in low or "adipiscing" in low) and _PLACEHOLDER.search(stripped):
        return "placeholder text"
    if any(mark in low for mark in _TEMPLATE_MARKS) and _TEMPLATE_CODE.search(stripped):
        return "template code"
    code = any(mark in stripped for mark in _CODE_MARKS) or _CAMEL_MEMBER.search(stripped)
    if code and _SCRIPT_CODE.search(stripped):
        return "script code"
    if any(mark in low for mark in _RIGHTS_MARKS) and _RIGHTS.search(stripped):
        return "rights notice"
    if _FORM_PROMPT.match(stripped):
        return "form prompt"
    if "cookie" in low and _COOKIE_CONTEXT.search(stripped):
        return "cookie notice"
    subscription = any(stem in low for stem in _SUBSCRIPTION_STEMS) and _SUBSCRIPTION.search(stripped)
    if subscription and _READER_CALL.search(stripped):
        return "subscription notice"
    if any(word in low for word in _PAGE_WORDS) and _THIS_PAGE.search(stripped) and _YOU.search(stripped):
        return "notice to the reader"
    return None


def is_furniture(paragraph: str, language: str) -> bool:
    """A paragraph that is only page furniture (a cookie banner, a sign-up form …): a short
    one as a whole ("Déjà abonné ? Se connecter"), a longer one sentence by sentence."""
    stripped = paragraph.strip()
    line = len(paragraph.split()) <= FURNITURE_LINE_WORDS
    if line and _furniture(stripped):
        return True
    sentences = split_sentences(paragraph, language) or [paragraph]
    if line and len(sentences) == 1 and sentences[0].strip() == stripped:
        return False  # its one sentence is the line just read
    return all(_furniture(s.strip()) for s in sentences)


def is_about_the_author(paragraph: str, language: str) -> bool:
    """A paragraph that is mostly an author's biography, captions or credits."""
    sentences = split_sentences(paragraph, language) or [paragraph]
    flagged = sum(_about_the_author(s.strip()) for s in sentences)
    return flagged * 2 >= len(sentences) and flagged > 0


def _about_the_author(stripped: str) -> bool:
    """not_prose(text) in {"author biography", "photo caption or credit"}, rarest test first."""
    low = stripped.lower()
    caption = any(mark in low for mark in _CAPTION_MARKS) and is_caption(stripped)
    return (caption or _is_biography(stripped)) and not _furniture(stripped)


def is_byline(text: str) -> bool:
    """A short byline, credit or dateline line: "By Jane Doe", "Von Anna Müller", "Updated 9:30"."""
    stripped = text.strip()
    if len(stripped.split()) > BYLINE_MAX_WORDS:
        return False
    found = _BYLINE.match(stripped)
    if not found:
        return False
    after = found.group("next")
    if found.group("name_only"):
        # "Von Anna Müller", "Por Juan Pérez y Ana Gómez": names, not "Por Navidad, las tiendas …"
        rest = stripped[found.start("next") :].split()
        return after[:1].isupper() and sum(w[:1].isupper() for w in rest) * 2 >= len(rest)
    return after[:1].isupper() or after[:1].isdigit() or after.lower() in _DATE_WORDS
