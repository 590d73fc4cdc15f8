"""Who said it: the speaker of a sentence that quotes someone without naming them.

A sentence inside quotation marks, in the first person, a question or a reply is
someone's words, not the outlet's. When it names its speaker beside a speech
verb ("…," said Smith; according to Smith) it stands alone. Otherwise the speaker
is looked for where news writing puts it:

- the tag before or after the quotation the sentence belongs to (Ms Hewitt said:
  "…"; "…", explained Jens Stoltenberg), a quotation running over several
  paragraphs included;
- a pronoun in that tag or in the sentence (he said, sagte sie, a-t-il dit) stands
  for the last speaker the article named before it;
- a quotation with no tag of its own is the last named speaker's in its
  paragraph (consecutive quotes need no new attribution).

A name is given in the fullest form the article uses ("Stoltenberg" → "Jens
Stoltenberg"). No name found: the sentence keeps `speaker = ""` and a summary
ranks it down like a sentence that leans on the one before (see `stands_alone`).
The cues are short word lists for each supported language; names are runs of
capitalised words, so no tagger or model is needed.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache

from briefing.language import is_dangling, is_stop_word
from briefing.models import Passage, PassageKind, Sentence


@dataclass(frozen=True, slots=True)
class _Cues:
    """A language's words for who speaks: speech verbs, 'according to', pronouns, first person, replies."""

    speech: frozenset[str]
    according: frozenset[str]  # followed by a name: "according to", "laut", "selon"
    pronouns: frozenset[str]  # third-person subject pronouns
    first_person: frozenset[str]  # compared as written where `cased`, else lower-cased
    elided_first_person: tuple[str, ...] = ()  # prefixes: French j', m'
    replies: frozenset[str] = frozenset()  # open a reply before a comma or a stop
    question_marks: str = "?"
    cased: bool = False  # English: "I" and "us" only as written ("US" is a country)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _cues(
    speech: str, according: str, pronouns: str, first_person: str, replies: str, **more: object
) -> _Cues:
    return _Cues(
        _words(speech),
        _words(according),
        _words(pronouns),
        _words(first_person),
        replies=_words(replies),
        **more,  # type: ignore[arg-type]
    )


_CUES: dict[str, _Cues] = {
    "english": _cues(
        "said says say told tells added adds explained explains asked asks answered answers replied "
        "replies insisted insists warned warns argued argues claimed claims stressed stresses noted notes "
        "wrote writes declared declares announced announces admitted admits continued commented comments "
        "concluded recalled recalls suggested suggests acknowledged acknowledges urged urges tweeted "
        "posted predicted predicts confirmed confirms remarked cautioned conceded vowed promised",
        "according",
        "he she they",
        "I I'm I've I'd I'll I’m I’ve I’d I’ll me Me my My mine myself we We we're we've we'd we'll "
        "we’re we’ve we’d we’ll We're We've We'd We'll We’re We’ve We’d We’ll us Us our Our ours ourselves",
        "yes no well indeed exactly sure absolutely okay ok certainly",
        cased=True,
    ),
    "german": _cues(
        "sagte sagt sagten sagen erklärte erklärt erklärten betonte betont meinte meint fügte fügt schrieb "
        "schreibt warnte warnt forderte fordert kritisierte kritisiert berichtete berichtet ergänzte ergänzt "
        "räumte räumt so",
        "laut zufolge",
        "er sie",
        "ich mich mir mein meine meinen meinem meiner meines wir uns unser unsere unseren unserem unserer",
        "ja nein doch genau natürlich klar nun tja",
    ),
    "french": _cues(
        "dit déclaré déclare affirmé affirme expliqué explique ajouté ajoute souligné souligne estimé estime "
        "indiqué indique précisé précise assuré assure rappelé rappelle confié confie insisté insiste "
        "martelé prévenu écrit",
        "selon",
        "il elle ils elles",
        "je moi me mon ma mes nous notre nos",
        "oui non certes exactement bien",
        elided_first_person=("j'", "j’", "m'", "m’"),
    ),
    "spanish": _cues(
        "dijo dice afirmó afirma explicó explica añadió añade aseguró asegura señaló señala declaró declara "
        "indicó indica subrayó subraya destacó destaca advirtió advierte agregó agrega sostuvo sostiene "
        "manifestó comentó precisó",
        "según",
        "él ella ellos ellas",
        "yo me mi mis mío mía míos mías nosotros nosotras nos nuestro nuestra nuestros nuestras conmigo",
        "sí no claro bueno exacto vale",
    ),
    "italian": _cues(
        "detto dice dichiarato dichiara spiegato spiega aggiunto aggiunge affermato afferma sottolineato "
        "sottolinea ribadito ribadisce commentato osservato scritto",
        "secondo",
        "lui lei loro egli",
        "io me mi mio mia miei mie noi nostro nostra nostri nostre",
        "sì no certo beh esatto ecco",
    ),
    "portuguese": _cues(
        "disse diz afirmou afirma explicou explica acrescentou acrescenta declarou declara destacou destaca "
        "salientou ressaltou escreveu",
        "segundo conforme",
        "ele ela eles elas",
        "eu me mim meu minha meus minhas nós nos nosso nossa nossos nossas comigo",
        "sim não claro bem exato",
    ),
    "swedish": _cues(
        "sa sade säger berättade berättar förklarade förklarar skrev skriver menar menade",
        "enligt",
        "han hon de",
        "jag mig mej min mitt mina vi oss vår vårt våra",
        "ja nej jo visst",
    ),
    "polish": _cues(
        "powiedział powiedziała powiedzieli mówi mówił mówiła stwierdził stwierdziła dodał dodała "
        "podkreślił podkreśliła zaznaczył zaznaczyła napisał napisała",
        "według",
        "on ona oni one",
        "ja mnie mi mój moja moje moi mojego my nas nam nasz nasza nasze naszych",
        "tak nie",
    ),
    "czech": _cues(
        "řekl řekla řekli uvedl uvedla uvedli dodal dodala prohlásil prohlásila napsal napsala",
        "podle",
        "on ona oni",
        "já mě mně mi můj moje my nás nám náš naše",
        "ano ne",
    ),
    "greek": _cues(
        "είπε δήλωσε ανέφερε τόνισε πρόσθεσε σημείωσε έγραψε",
        "σύμφωνα",
        "αυτός αυτή αυτοί",
        "εγώ μου με εμείς μας",
        "ναι όχι",
        question_marks="?;",
    ),
}
# Words that join the parts of a name ("Ursula von der Leyen", "Luiz Inácio Lula da Silva").
_PARTICLES = _words("al bin da das de del der di dos du el la le van von y")
# Forms of address and roles before a surname: never taken for a first name.
_TITLES = _words(
    "mr mrs ms miss dr prof sir dame lord lady m mme mlle herr frau sr sra sig dott pan pani "
    "president minister secretary general chancellor governor senator judge chief director coach "
    "captain manager chairman chairwoman leader mayor king queen prince princess pope bishop "
    "ambassador spokesman spokeswoman officer commissioner"
)
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*|[,:;.!?—–]")
_WORD = re.compile(r"\b[^\W\d_]+\b")
_PIECE = re.compile(r"[^\W\d_][\w'’]*")  # a token, or its part before its first hyphen
_WEAK = frozenset({"so"})  # German ", so Merz": a tag only after a comma, before a name
_MAX_NAME_WORDS = 5
_LOOKAHEAD_PARAGRAPHS = 3  # how far a quotation left open at a paragraph's end may run on


def _language(language: str) -> _Cues:
    return _CUES.get(language, _CUES["english"])


# ---- quotation marks -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Mark:
    at: int
    size: int
    opens: bool | None  # None: a straight quote its neighbours could not place


_MARK_CANDIDATES = re.compile("``|''|[„“«»”\"]")


def _marks(text: str) -> list[_Mark]:
    """The paragraph's double quotation marks, each opening or closing.

    Conventions differ: „…“ (German, Czech, Polish) closes with the mark English
    opens with, »…« reverses «…», ”…” (Swedish) uses one mark for both, and a
    straight " is placed by its neighbours (opening after a space, closing before
    one), as BBC style opens every quoted sentence anew.
    """
    low_opening = "„" in text
    reversed_guillemets = "»" in text and ("«" not in text or text.index("»") < text.index("«"))
    marks: list[_Mark] = []
    for found in _MARK_CANDIDATES.finditer(text):  # left to right, a pair before a single mark
        k, c = found.start(), found.group()
        if c == "``":
            marks.append(_Mark(k, 2, True))
        elif c == "''":
            marks.append(_Mark(k, 2, False))
        elif c == "„":
            marks.append(_Mark(k, 1, True))
        elif c == "“":
            marks.append(_Mark(k, 1, not low_opening))
        elif c in "«»":
            marks.append(_Mark(k, 1, (c == "«") != reversed_guillemets))
        elif c == "”" and (low_opening or "“" in text):
            marks.append(_Mark(k, 1, False))
        else:  # a straight " or a ” of a text that has no “
            before = text[k - 1] if k else " "
            after = text[k + 1] if k + 1 < len(text) else " "
            if before.isspace() or before in "([{—–-/:":
                marks.append(_Mark(k, 1, True))
            elif after.isspace() or after in ".,;:!?)]}—–-":
                marks.append(_Mark(k, 1, False))
            else:
                marks.append(_Mark(k, 1, None))
    return marks


@dataclass(slots=True)
class _Quotation:
    """One quotation, over one paragraph or several: where it opens and closes, and its parts."""

    opened: tuple[int, int] | None = None  # (paragraph, position of the mark), when it opens in view
    closed: tuple[int, int] | None = None  # (paragraph, position just after the mark)
    parts: list[tuple[int, int, int]] | None = None  # (paragraph, start, end)


def _quotations(texts: Sequence[str]) -> list[_Quotation]:
    """Every quotation of an article's paragraphs (in order), quotations left open at a
    paragraph's end continued where a later paragraph closes them."""
    marks = [_marks(text) for text in texts]
    found: list[_Quotation] = []
    current: _Quotation | None = None
    for p, text in enumerate(texts):
        start = 0
        if current is not None and not _continues(marks, p):
            current = None
        for mark in marks[p]:
            opening = mark.opens if mark.opens is not None else current is None
            if opening and current is None:
                current = _Quotation(opened=(p, mark.at), parts=[])
                found.append(current)
                start = mark.at
            elif not opening and current is not None:
                assert current.parts is not None
                current.parts.append((p, start, mark.at + mark.size))
                current.closed = (p, mark.at + mark.size)
                current = None
        if current is not None:
            assert current.parts is not None
            current.parts.append((p, start, len(text)))
    return found


def _continues(marks: Sequence[Sequence[_Mark]], p: int) -> bool:
    """Whether a quotation open at the end of paragraph p-1 runs on into paragraph p: a
    paragraph soon after closes it before opening another, or opens with a mark (the
    convention for a quotation of several paragraphs)."""
    for q in range(p, min(p + _LOOKAHEAD_PARAGRAPHS, len(marks))):
        if marks[q]:
            first = marks[q][0]
            return first.opens is not True or (q == p and first.at <= 1)
    return False


# ---- speech tags ---------------------------------------------------------------------------

_PRONOUN = "\x00pronoun"  # a tag whose speaker is a pronoun (or no subject at all: ", dijo.")
_UNSEEN = "\x00unseen"  # a tag whose speaker is described, not named ("the minister said")


@dataclass(frozen=True, slots=True)
class _Tag:
    at: int  # position in the paragraph
    speaker: str  # a name, _PRONOUN or _UNSEEN


def _tokens(text: str, offset: int) -> list[tuple[str, int]]:
    return [(m.group(), offset + m.start()) for m in _TOKEN.finditer(text)]


def _capitalised(word: str) -> bool:
    return word[0].isupper()


def _pronoun(word: str, cues: _Cues) -> bool:
    lowered = word.lower()
    return lowered in cues.pronouns or lowered.endswith(("-il", "-elle", "-ils", "-elles"))


class _Tagger:
    """Finds speech tags in an article's text and reads the name in each."""

    def __init__(self, texts: Sequence[str], language: str) -> None:
        self.cues = _language(language)
        self.cue_words = self.cues.speech | self.cues.according
        self.language = language
        # Words the article also writes in lower case are common words even when capitalised
        # at a sentence's start ("Officials said").
        self.lower = {w for text in texts for w in filter(str.islower, _WORD.findall(text))}

    def tags(self, text: str, offset: int, sentence_start: bool) -> list[_Tag]:
        """The speech tags in a stretch of text outside quotation marks."""
        # Most stretches have no speech verb, no "according to" and no "dit-il": no tag. The
        # pieces between hyphens hold every token without one and the head of every token
        # with one (no cue word has a hyphen).
        if self.cue_words.isdisjoint(map(str.lower, _PIECE.findall(text))):
            return []
        tokens = _tokens(text, offset)
        found = []
        for i, (word, at) in enumerate(tokens):
            lowered = word.lower()
            if lowered in self.cues.according:
                k = i + 1
                while k < len(tokens) and tokens[k][0].lower() in {"to", "με"}:
                    k += 1
                found.append(_Tag(at, self._right(tokens, k, sentence_start and i == 0)))
            elif lowered in self.cues.speech or ("-" in lowered and _speech_inverted(lowered, self.cues)):
                if "-" in lowered:  # "dit-il", "a-t-elle"
                    found.append(_Tag(at, _PRONOUN))
                    continue
                left = self._left(tokens, i, sentence_start)
                right = self._right(tokens, i + 1, False)
                if lowered in _WEAK and not (i and tokens[i - 1][0] == "," and right not in ("", _UNSEEN)):
                    continue  # German "so" is a tag only as in ", so Merz"
                found.append(_Tag(at, _tag_speaker(left, right)))
        return found

    def _right(self, tokens: Sequence[tuple[str, int]], k: int, at_start: bool) -> str:
        """The name (or pronoun, or description) starting at token k; "" for none."""
        if k >= len(tokens) or not tokens[k][0][0].isalpha():
            return ""
        word = tokens[k][0]
        if _pronoun(word, self.cues) or (word.lower() in {"his", "her", "their", "seinen", "ihren"}):
            return _PRONOUN
        run: list[str] = []
        while k < len(tokens) and len(run) < _MAX_NAME_WORDS + 1:
            word = tokens[k][0]
            if _capitalised(word) or (word.lower() in _PARTICLES and run and k + 1 < len(tokens)):
                run.append(word)
            elif word == "." and run and len(run[-1]) <= 3:
                pass
            else:
                break
            k += 1
        return self._name(run, at_start) or _UNSEEN

    def _left(self, tokens: Sequence[tuple[str, int]], i: int, sentence_start: bool) -> str:
        """The subject before the speech verb at token i: a name, a pronoun, a description, or ""."""
        k = i - 1
        skipped = 0
        while k >= 0 and skipped < 2 and tokens[k][0].islower() and is_stop_word(tokens[k][0], self.language):
            if _pronoun(tokens[k][0], self.cues):
                return _PRONOUN
            k -= 1
            skipped += 1
        if k < 0:
            return ""
        if tokens[k][0] == ",":  # "Theresa May, said" or "Smith, the chief executive, said"
            name = self._run_left(tokens, k - 1, sentence_start)
            if name:
                return name
            back = k - 1
            while back >= 0 and k - back <= 10 and tokens[back][0] != ",":
                back -= 1
            if back < 0 or tokens[back][0] != ",":
                return ""
            return self._run_left(tokens, back - 1, sentence_start) or _UNSEEN
        if _pronoun(tokens[k][0], self.cues):
            return _PRONOUN
        if not tokens[k][0][0].isalpha():
            return ""
        return self._run_left(tokens, k, sentence_start) or _UNSEEN

    def _run_left(self, tokens: Sequence[tuple[str, int]], k: int, sentence_start: bool) -> str:
        run: list[str] = []
        while k >= 0 and len(run) <= _MAX_NAME_WORDS:
            word = tokens[k][0]
            if _capitalised(word) or (word.lower() in _PARTICLES and run):
                run.insert(0, word)
            elif word == "." and k > 0 and len(tokens[k - 1][0]) <= 3 and _capitalised(tokens[k - 1][0]):
                pass
            else:
                break
            k -= 1
        return self._name(run, sentence_start and k < 0)

    def _name(self, run: list[str], at_start: bool) -> str:
        """The run of capitalised words as a name, or "" when it is no name."""
        while run and (is_stop_word(run[0], self.language) or run[0].lower() in _PARTICLES):
            run = run[1:]
            at_start = False
        while run and run[-1].lower() in _PARTICLES:
            run = run[:-1]
        if not run or len(run) > _MAX_NAME_WORDS or _pronoun(run[0], self.cues):
            return ""
        if at_start and len(run) == 1 and run[0].lower() in self.lower:
            return ""  # "Officials said": a common word, capitalised as the sentence's first
        return " ".join(run)


def _tag_speaker(left: str, right: str) -> str:
    """Who a speech verb's tag names: its subject before it ("Smith said", "he said"), else
    after it ("said Smith", "said he"); a verb with no subject at all (", dijo.") has the
    pronoun the language left out."""
    return left or right or _PRONOUN


def _speech_inverted(word: str, cues: _Cues) -> bool:
    """French inversion: "dit-il", "a-t-elle" (the verb carries its pronoun)."""
    head, _, tail = word.partition("-")
    return bool(tail) and tail.split("-")[-1] in {"il", "elle", "ils", "elles"} and head in cues.speech


# ---- sentences -----------------------------------------------------------------------------


def _first_person(text: str, cues: _Cues) -> bool:
    for word in re.findall(r"[^\W\d_]+(?:['’][^\W\d_]*)*", text):
        form = word if cues.cased else word.lower()
        if form in cues.first_person or (
            cues.elided_first_person and form.startswith(cues.elided_first_person)
        ):
            return True
    return False


_OPENING_MARKS = "\"'“‘„«»`([ "


def _reply(text: str, cues: _Cues) -> bool:
    stripped = text.lstrip(_OPENING_MARKS)
    found = re.match(r"([^\W\d_]+)\s*[,!.…]", stripped)
    return bool(found) and found.group(1).lower() in cues.replies  # type: ignore[union-attr]


def _question(text: str, cues: _Cues) -> bool:
    return text.rstrip().rstrip("\"'”’»«“)]").endswith(tuple(cues.question_marks))


def speaks_unseen(text: str, language: str) -> bool:
    """In the first person, a question or a reply: someone's words that need their speaker."""
    cues = _language(language)
    return _first_person(text, cues) or _question(text, cues) or _reply(text, cues)


def quotes_unnamed(sentence: Sentence) -> bool:
    """Someone's words whose speaker neither the sentence nor the article around it names:
    ranked down in a summary, where they would read as the outlet's own."""
    return sentence.needs_speaker and not sentence.speaker


def stands_alone(sentence: Sentence, language: str) -> bool:
    """A reader can take the sentence without what came before it: it does not lean on the
    sentence before (`is_dangling`), and if it quotes someone it does not name, the
    article named them (`speaker`)."""
    return not quotes_unnamed(sentence) and not is_dangling(sentence.text, language)


def attribute(passages: Sequence[Passage], language: str) -> tuple[Passage, ...]:
    """The passages with each body sentence's `needs_speaker` and `speaker` filled in.

    Passages of several articles are read article by article, in their order."""
    by_article: dict[str, list[int]] = {}
    for k, passage in enumerate(passages):
        if passage.kind is PassageKind.BODY:
            by_article.setdefault(passage.article_id, []).append(k)
    result = list(passages)
    for indices in by_article.values():
        ordered = sorted(indices, key=lambda k: passages[k].index)
        attributed = _attribute_article([passages[k] for k in ordered], language)
        for k, passage in zip(ordered, attributed, strict=True):
            result[k] = passage
    return tuple(result)


@dataclass(frozen=True, slots=True)
class _Said:
    paragraph: int
    at: int
    name: str


def _attribute_article(passages: Sequence[Passage], language: str) -> list[Passage]:
    texts = [p.text for p in passages]
    cues = _language(language)
    tagger = _Tagger(texts, language)
    quotations = _quotations(texts)
    quoted: list[list[tuple[int, int, int]]] = [[] for _ in texts]  # (start, end, quotation)
    for q, quotation in enumerate(quotations):
        for p, start, end in quotation.parts or ():
            quoted[p].append((start, end, q))
    # Every tag outside quotation marks, in reading order, with the sentence it is in.
    tags: dict[tuple[int, int], list[_Tag]] = {}
    for p, passage in enumerate(passages):
        for s, sentence in enumerate(passage.sentences):
            tags[p, s] = [
                tag
                for start, end in _outside(sentence.start, sentence.end, quoted[p])
                for tag in tagger.tags(passage.text[start:end], start, start == sentence.start)
            ]
    named = _Named(
        [
            _Said(p, tag.at, tag.speaker)
            for (p, _), found in sorted(tags.items())
            for tag in found
            if not tag.speaker.startswith("\x00")
        ]
    )
    speakers = [_quotation_speaker(quotation, passages, tags, named) for quotation in quotations]
    fullest = _Fullest(texts, language)
    result = []
    for p, passage in enumerate(passages):
        sentences = []
        for s, sentence in enumerate(passage.sentences):
            own = tags[p, s]
            text = sentence.text
            if any(t.speaker != _PRONOUN for t in own):
                sentences.append(sentence)  # it names (or describes: "the mayor said") its speaker itself
                continue
            inside = _inside(sentence, quoted[p])
            pronoun = next((t for t in own if t.speaker == _PRONOUN), None)
            if inside is None and pronoun is None and not speaks_unseen(text, language):
                sentences.append(sentence)
                continue
            speaker = ""
            if pronoun is not None:
                speaker = named.last_before(p, pronoun.at)
            elif inside is not None:
                speaker = speakers[inside] or named.last_before(p, sentence.start, same_paragraph=True)
            elif _question(text, cues) or _first_person(text, cues) or _reply(text, cues):
                speaker = _colon_tag(passage, sentence, tagger)
            sentences.append(replace(sentence, needs_speaker=True, speaker=fullest(speaker)))
        result.append(replace(passage, sentences=tuple(sentences)))
    return result


def _outside(start: int, end: int, quoted: Iterable[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """The parts of [start, end) outside quotation marks."""
    parts = [(start, end)]
    for q_start, q_end, _ in quoted:
        parts = [
            piece
            for a, b in parts
            for piece in ((a, min(b, q_start)), (max(a, q_end), b))
            if piece[1] - piece[0] > 0
        ]
    return parts


def _inside(sentence: Sentence, quoted: Sequence[tuple[int, int, int]]) -> int | None:
    """The quotation most of the sentence is inside, if any."""
    length = len(sentence.text.strip()) or 1
    best, best_share = None, 0.5
    for start, end, q in quoted:
        share = (min(end, sentence.end) - max(start, sentence.start)) / length
        if share > best_share:
            best, best_share = q, share
    return best


def _quotation_speaker(
    quotation: _Quotation,
    passages: Sequence[Passage],
    tags: dict[tuple[int, int], list[_Tag]],
    named: _Named,
) -> str:
    """The speaker its tags name: after it closes, then before it opens; a pronoun is the last
    speaker named before the tag."""
    candidates = []
    if quotation.closed is not None:
        p, at = quotation.closed
        s = _sentence_at(passages[p], at - 1)
        candidates += [(p, t) for t in tags.get((p, s), []) if t.at >= at]
    if quotation.opened is not None:
        p, at = quotation.opened
        s = _sentence_at(passages[p], at)
        candidates += [(p, t) for t in reversed(tags.get((p, s), [])) if t.at < at]
    for p, tag in candidates:
        if tag.speaker == _PRONOUN:
            return named.last_before(p, tag.at)
        if tag.speaker != _UNSEEN:
            return tag.speaker
        return ""
    return ""


def _sentence_at(passage: Passage, at: int) -> int:
    for s, sentence in enumerate(passage.sentences):
        if sentence.start <= at < sentence.end:
            return s
    return -1


class _Named:
    """The speakers tags name outside quotation marks, in reading order."""

    def __init__(self, said: Sequence[_Said]) -> None:
        self.said = sorted(said, key=lambda s: (s.paragraph, s.at))
        self.keys = [(s.paragraph, s.at) for s in self.said]

    def last_before(self, paragraph: int, at: int, *, same_paragraph: bool = False) -> str:
        """The last speaker named before position `at` of a paragraph (in that paragraph only,
        with `same_paragraph`); "" for none."""
        i = bisect_left(self.keys, (paragraph, at))
        if not i or (same_paragraph and self.said[i - 1].paragraph != paragraph):
            return ""
        return self.said[i - 1].name


def _colon_tag(passage: Passage, sentence: Sentence, tagger: _Tagger) -> str:
    """The speaker of words given after a colon without quotation marks: "Smith said: We …"."""
    before = passage.text[: sentence.start].rstrip()
    if not before.endswith(":"):
        return ""
    tail = before[max(0, before.rfind(".") + 1) :]
    for tag in reversed(tagger.tags(tail, 0, True)):
        return "" if tag.speaker.startswith("\x00") else tag.speaker
    return ""


# Characters looked at before a surname for the word before it (a word and its spaces are shorter).
_NEAR = 200


class _Fullest:
    """A surname as the article writes the whole name: "Stoltenberg", "Ms Hewitt" → "Jens
    Stoltenberg", "Patricia Hewitt" (the first name most often written before it)."""

    def __init__(self, texts: Sequence[str], language: str) -> None:
        self.text = "\n".join(texts)
        self.language = language
        self.found: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        if name not in self.found:
            self.found[name] = self._fullest(name)
        return self.found[name]

    def _fullest(self, name: str) -> str:
        words = name.split()
        if not words or len(words) > 2 or (len(words) == 2 and words[0].lower().rstrip(".") not in _TITLES):
            return name
        surname = words[-1]
        before = Counter(
            self.text[start:end]
            for start, end in self._before(surname)
            if _first_name(self.text[start:end], self.language)
        )
        return f"{before.most_common(1)[0][0]} {surname}" if before else name

    def _before(self, surname: str) -> set[tuple[int, int]]:
        """Where a word stands right before the surname (its span), as one search of the
        whole text would find them, but searched only near each place the surname is:
        a long article costs its length once, not once a name."""
        pattern = re.compile(rf"\b([^\W\d_][\w'’-]*)\s+{re.escape(surname)}\b")
        found: set[tuple[int, int]] = set()
        place = self.text.find(surname)
        while place >= 0:
            # from a space well before it (a word is never split there) to just after it
            start = self.text.rfind(" ", 0, max(0, place - _NEAR))
            window_end = min(len(self.text), place + len(surname) + 1)
            found.update(m.span(1) for m in pattern.finditer(self.text, max(0, start), window_end))
            place = self.text.find(surname, place + 1)
        return found


@cache
def _first_name_pattern() -> re.Pattern[str]:
    return re.compile(r"[^\W\d_][^\W\d_'’-]*(?:-[^\W\d_]+)?")


def _first_name(word: str, language: str) -> bool:
    return (
        word[0].isupper()
        and not word.isupper()
        and word.lower().rstrip(".") not in _TITLES
        and _first_name_pattern().fullmatch(word) is not None
        and not is_stop_word(word, language)
    )
