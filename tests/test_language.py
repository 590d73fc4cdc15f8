"""Languages: whole sentences in each language, `auto` and ISO codes, stop words."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.config import parse_config
from briefing.errors import ConfigError
from briefing.ingest import ingest
from briefing.language import (
    content_stems,
    detect_language,
    ends_inside_sentence,
    guess_language,
    is_stop_word,
    resolve_language,
    split_sentences,
)
from briefing.models import Article
from briefing.segment import segment
from builders import write_article


@pytest.mark.parametrize(
    ("language", "text", "sentences"),
    [
        (
            "english",
            "The plan was approved on Tuesday, Mr. Powers said. It starts in May.",
            ["The plan was approved on Tuesday, Mr. Powers said.", "It starts in May."],
        ),
        (
            "english",
            "Gov. Newsom and Sen. Warren met at 5 p.m. on Jan. 5. They talked.",
            ["Gov. Newsom and Sen. Warren met at 5 p.m. on Jan. 5.", "They talked."],
        ),
        (
            "english",
            "No. 10 Downing St. said it was fine. He lives on Main St. The house is old.",
            ["No. 10 Downing St. said it was fine.", "He lives on Main St.", "The house is old."],
        ),
        (
            "german",
            "Die Wahl findet am 15. Mai statt. Am 3. Oktober feierte z. B. die Stadt. Prof. Dr. Klaus "
            "Schmidt sagte, es sei gut.",
            [
                "Die Wahl findet am 15. Mai statt.",
                "Am 3. Oktober feierte z. B. die Stadt.",
                "Prof. Dr. Klaus Schmidt sagte, es sei gut.",
            ],
        ),
        (
            "french",
            "M. Macron a parlé lundi. Le 1er janv. 2024, la loi est entrée en vigueur. Voir p. 12 et suiv. "
            "pour plus.",
            [
                "M. Macron a parlé lundi.",
                "Le 1er janv. 2024, la loi est entrée en vigueur.",
                "Voir p. 12 et suiv. pour plus.",
            ],
        ),
        (
            "spanish",
            "La Sra. López lo confirmó. El 15 de sept. de 2018 se votó. El Dr. Pérez, de EE. UU., habló.",
            [
                "La Sra. López lo confirmó.",
                "El 15 de sept. de 2018 se votó.",
                "El Dr. Pérez, de EE. UU., habló.",
            ],
        ),
    ],
)
def test_titles_dates_initials_and_abbreviations_never_end_a_sentence(
    language: str, text: str, sentences: list[str]
) -> None:
    assert split_sentences(text, language) == sentences


@pytest.mark.parametrize(
    ("language", "text", "sentences"),
    [
        (
            "french",
            "Le mur mesure 5 m. Il a été construit en 1990.",
            ["Le mur mesure 5 m.", "Il a été construit en 1990."],
        ),
        (
            "english",
            "The test took 30 ms. Ms. Smith said so.",
            ["The test took 30 ms.", "Ms. Smith said so."],
        ),
        (
            "german",
            "Der Stau war 12 km lang. Er reichte 5 km. Danach ging es.",
            ["Der Stau war 12 km lang.", "Er reichte 5 km.", "Danach ging es."],
        ),
    ],
)
def test_a_unit_after_a_number_ends_a_sentence_before_a_capital(
    language: str, text: str, sentences: list[str]
) -> None:
    assert split_sentences(text, language) == sentences


def test_a_day_and_its_month_stay_together_even_in_the_wrong_language() -> None:
    german = "Die Wahl findet am 15. Mai statt. Das sagte der Minister."
    assert split_sentences(german, "english") == [
        "Die Wahl findet am 15. Mai statt.",
        "Das sagte der Minister.",
    ]


def test_a_piece_cut_at_a_title_is_never_a_complete_sentence() -> None:
    # Whatever the splitter did, a sentence ending at "Mr." is not whole and so never quoted.
    article = Article(id="a1", title="T", source="S", paragraphs=("He met Mr.", "Officials said so."))
    first, second = (p.sentences for p in segment(article))
    assert [s.complete for s in first] == [False]
    assert [s.complete for s in second] == [True]


def test_segment_splits_each_article_in_its_own_language() -> None:
    text = "Der Vertrag gilt ab dem 1. Januar. Er wurde am 15. Mai unterzeichnet."
    german = Article(id="a1", title="T", source="S", paragraphs=(text,), language="german")
    # The configured language ("auto", or a wrong one) does not override the article's.
    for configured in (None, "auto", "english"):
        [passage] = segment(german, configured)
        assert [s.text for s in passage.sentences] == [
            "Der Vertrag gilt ab dem 1. Januar.",
            "Er wurde am 15. Mai unterzeichnet.",
        ]


@pytest.mark.parametrize(
    ("given", "name"),
    [("german", "german"), ("German", "german"), ("de", "german"), ("DE", "german"), ("pt-BR", "portuguese")],
)
def test_a_language_by_name_or_iso_code(given: str, name: str) -> None:
    assert resolve_language(given) == name


def test_config_language_accepts_codes_and_auto_and_lists_both_when_wrong(tmp_path: Path) -> None:
    sources = [{"path": "*.txt"}]
    assert parse_config({"sources": sources, "language": "es"}, base_dir=tmp_path).language == "spanish"
    assert parse_config({"sources": sources, "language": "auto"}, base_dir=tmp_path).language == "auto"
    with pytest.raises(ConfigError) as error:
        parse_config({"sources": sources, "language": "klingon"}, base_dir=tmp_path)
    message = str(error.value)
    assert "language: 'klingon' is not one of czech, english" in message
    assert "(or their codes cs, de" in message and "or auto" in message


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The central bank cut interest rates on Tuesday for the first time in two years.", "english"),
        ("Die Zentralbank hat am Dienstag zum ersten Mal seit zwei Jahren die Zinsen gesenkt.", "german"),
        ("La banque centrale a baissé ses taux mardi pour la première fois depuis deux ans.", "french"),
        ("El banco central bajó los tipos de interés el martes por primera vez en dos años.", "spanish"),
        ("O banco central cortou os juros na terça-feira pela primeira vez em dois anos.", "portuguese"),
    ],
)
def test_languages_are_detected_offline(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_a_text_too_short_to_tell_is_not_guessed() -> None:
    assert guess_language("Leer") is None
    assert detect_language("Leer", default="german") == "german"


def test_auto_gives_each_article_its_language_and_the_short_ones_the_days(tmp_path: Path) -> None:
    write_article(
        tmp_path, "en.txt", "The council approved the budget on Monday after a long debate in the hall."
    )
    write_article(
        tmp_path, "de.txt", "Der Stadtrat hat am Montag nach langer Debatte den Haushalt beschlossen."
    )
    write_article(tmp_path, "es.txt", "El ayuntamiento aprobó el lunes el presupuesto tras un largo debate.")
    write_article(tmp_path, "fr.txt", "Le conseil municipal a adopté lundi le budget après un long débat.")
    write_article(
        tmp_path, "en2.txt", "Rain is forecast for the whole weekend across the north of the country."
    )
    write_article(tmp_path, "x.txt", "Ok.")  # too short to tell: the day's most common language
    config = parse_config({"sources": [{"path": "*.txt"}], "language": "auto"}, base_dir=tmp_path)
    languages = {Path(a.path or "").stem: a.language for a in ingest(config.ingest).articles}
    assert languages == {
        "de": "german",
        "en": "english",
        "en2": "english",
        "es": "spanish",
        "fr": "french",
        "x": "english",
    }
    fixed = parse_config({"sources": [{"path": "*.txt"}], "language": "fr"}, base_dir=tmp_path)
    assert {a.language for a in ingest(fixed.ingest).articles} == {"french"}


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("german", ["hat", "will", "habe", "um", "wurde", "sagte"]),
        ("french", ["de", "une", "un", "selon", "après"]),
        ("spanish", ["de", "que", "según", "más", "dijo"]),
        ("portuguese", ["não", "é", "também", "disse"]),
        ("english", ["the", "said", "told"]),
    ],
)
def test_the_stop_words_sumy_lacks_are_stop_words(language: str, words: list[str]) -> None:
    assert [w for w in words if not is_stop_word(w, language)] == []


def test_key_terms_never_include_function_words() -> None:
    assert content_stems("Relotius habe um die Ecke gesehen, hat er gesagt und will mehr", "german") == [
        "relotius",
        "eck",
        "geseh",
        "gesagt",
    ]
    assert content_stems("Une réforme de la loi", "french") == ["réform", "loi"]


@pytest.mark.parametrize("language", ["english", "german", "french", "spanish", "italian", "portuguese"])
@pytest.mark.parametrize(
    "text",
    [
        "The council met on Tuesday.",
        "The council met on Tuesday",
        "Wow!!!",
        'He said "yes."',
        "(Hi there.)",
        "The storm passed…",
        "  Leading spaces and a trailing run.   ",
        "It cost 3 million",
        "Ends in a quote!»",
        "Der Stau war 12 km lang.",
        "¿Qué pasó?",
        ".",
    ],
)
def test_a_paragraph_is_split_as_punkt_splits_it_even_on_the_short_path(language: str, text: str) -> None:
    # A paragraph whose only sentence-ending character is its last skips Punkt: same answer.
    from briefing.language import _after_units, _sentence_tokenizer

    tokenizer = _sentence_tokenizer(language)
    punkt = [p for a, b in tokenizer.span_tokenize(text) for p in _after_units(text, a, b)]
    assert split_sentences(text, language) == [text[a:b] for a, b in punkt] == [text.rstrip()]


@pytest.mark.parametrize(
    ("text", "inside"),
    [
        ("He met Mr.", True),
        ("Mr.", True),
        ('The letter was signed "Dr.', True),
        ("He met (Mr.)", True),
        ("He met Mr. ", True),
        ("It ended.", False),
        ("He met e-Mr.", False),  # a title is a word of its own
        ("It cost 5.", False),
        ("He met Mr", False),
        ("", False),
    ],
)
def test_a_piece_ends_inside_a_sentence_at_a_title_standing_as_a_word(text: str, inside: bool) -> None:
    assert ends_inside_sentence(text, "english") is inside


def test_the_packaged_month_names_are_babels() -> None:
    """briefing/months.json (read by the sentence splitter instead of loading ten locales) is what
    the installed Babel says; UPDATE_GOLDEN=1 rewrites it."""
    import json
    import os

    from briefing.language import MONTHS_FILE, month_table

    packaged = Path(__file__).parents[1] / "briefing" / MONTHS_FILE
    table = month_table()
    if os.environ.get("UPDATE_GOLDEN") == "1":
        packaged.write_text(
            json.dumps(table, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
    assert json.loads(packaged.read_text(encoding="utf-8")) == table, (
        f"{packaged} differs from Babel's month names; if Babel changed them, rerun with UPDATE_GOLDEN=1"
    )
