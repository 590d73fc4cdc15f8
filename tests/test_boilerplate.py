"""Not prose: page furniture, biographies and credits, in every language, never summarised."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.boilerplate import is_byline, not_prose
from briefing.config import SummaryConfig, parse_config
from briefing.ingest import ingest
from briefing.models import Article, PassageKind
from briefing.segment import segment
from briefing.summarise import summarise
from builders import write_article


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Lorem Ipsum is simply dummy text of the printing and typesetting industry.", "placeholder text"),
        ("{{ item.title }} was published on {{ item.date | date }} by the desk.", "template code"),
        ("Ingresa tu rut sin puntos ni guión para continuar.", "form prompt"),
        ("Please enter a valid email address to continue reading.", "form prompt"),
        ("Geben Sie Ihre E-Mail-Adresse ein, um fortzufahren.", "form prompt"),
        ("We use cookies to give you the best experience on our website.", "cookie notice"),
        ("Wir verwenden Cookies, um Ihnen das beste Nutzererlebnis zu bieten.", "cookie notice"),
        ("Utilizamos cookies propias y de terceros para mejorar nuestros servicios.", "cookie notice"),
        ("Ce site utilise des cookies pour améliorer votre navigation.", "cookie notice"),
        ("Subscribe now to read the full story and support our journalism.", "subscription notice"),
        ("Dieser Artikel ist nur für Abonnenten verfügbar.", "subscription notice"),
        ("Este contenido es exclusivo para suscriptores.", "subscription notice"),
        ("Cet article est réservé aux abonnés.", "subscription notice"),
        ("Déjà abonné ? Se connecter", "subscription notice"),
        ("Jane Doe is a senior reporter at the Daily Star covering transport.", "author biography"),
        ("Anna Müller ist Redakteurin im Ressort Politik.", "author biography"),
        ("Juan Pérez es periodista de la sección de economía desde 2010.", "author biography"),
        ("Marie Dupont est journaliste au service politique.", "author biography"),
        ("She has covered politics in Washington since 2015.", "author biography"),
        (
            "Firefighters battle the blaze above the city on Tuesday. (AP Photo/Noah Berger)",
            "photo caption or credit",
        ),
        ("Die Kanzlerin am Montag in Berlin. Foto: dpa/Michael Kappeler", "photo caption or credit"),
        ("El ministro llega al palacio. (Imagen: EFE)", "photo caption or credit"),
        ("Le ministre arrive à l'Élysée. Crédit : AFP", "photo caption or credit"),
        # script code, by the shape of its tokens, whatever the words around it
        (
            '"Contenu publié" : nrco.contentDetailController.content.status === "pending" ? "Oui" : "Non"',
            "script code",
        ),
        (
            "window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);}",
            "script code",
        ),
        ("Die Seite lädt: if (user.isLoggedIn && paywall.active) showOffer();", "script code"),
        ("var el = document.getElementById('player'); el.play();", "script code"),
        ("This material may not be published, broadcast, rewritten or redistributed.", "rights notice"),
        ("© Agencia EFE. Todos los derechos reservados. Prohibida su reproducción.", "rights notice"),
        ("Tutti i diritti riservati. Riproduzione vietata senza autorizzazione.", "rights notice"),
    ],
)
def test_what_is_not_prose_is_recognised_in_every_language(text: str, why: str) -> None:
    assert not_prose(text) == why


@pytest.mark.parametrize(
    "text",
    [
        "Netflix added eight million subscribers in the quarter, the company said on Tuesday.",
        "The minister is a former journalist who joined the party in 2010.",
        "Jens Stoltenberg is the Secretary General of NATO.",
        "The European Commission has reported a rise in cases.",
        "Die Zeitung hat 100.000 Abonnenten, sagte sie am Montag.",
        "El ministro dijo que su gobierno aprobará la ley el próximo mes.",
        "Le gouvernement a présenté mercredi son projet de budget pour 2025.",
        "Credit Suisse shares fell five percent on Monday.",
        # prose with the odd dot, brace or semicolon is still prose
        "Visit bbc.co.uk/news for more; the site had 40 million visits on Monday.",
        "Shares of Amazon.com rose 3%; Apple fell after the results (which were late).",
        "The U.S. and the U.K. signed the accord on Monday, officials said.",
        "PACKARD (Undated) {ndash} A Phoenix man puts up for auction the rights to the famous name.",
        "The company said it reserved the right to appeal the ruling.",
    ],
)
def test_news_prose_is_left_alone(text: str) -> None:
    assert not_prose(text) is None


@pytest.mark.parametrize(
    ("line", "byline"),
    [
        ("By Jane Doe", True),
        ("Von Anna Müller", True),
        ("Por Juan Pérez y Ana Gómez", True),
        ("Par Marie Dupont", True),
        ("Aktualisiert am 15. Mai 2024", True),
        ("Mit Informationen von Kirsten Girschick, ARD-Hauptstadtstudio", True),
        ("Reporting by Ann Saphir; Editing by Andrea Ricci", True),
        ("Por Navidad, las tiendas abren hasta tarde.", False),
        ("By the river", False),
    ],
)
def test_bylines_and_datelines(line: str, byline: bool) -> None:
    assert is_byline(line) is byline


def test_a_biography_is_a_byline_passage_and_never_quoted() -> None:
    news = (
        "The city council approved a new transport plan on Monday after a long debate.",
        "The plan doubles the number of night buses and adds two tram lines by 2030.",
    )
    biography = (
        "Jane Doe is a senior reporter at the Daily Star covering transport. She has covered "
        "city hall since 2015. Follow her on Twitter."
    )
    article = Article(id="a1", title="Transport plan", source="Star", paragraphs=(*news, biography))
    passages = segment(article)
    assert [p.kind for p in passages] == [PassageKind.BODY, PassageKind.BODY, PassageKind.BYLINE]
    # One such sentence inside a body paragraph is never quoted either.
    mixed = f"{news[0]} Jane Doe is a senior reporter at the Daily Star covering transport. {news[1]}"
    loose = Article(id="a2", title="T", source="Star", paragraphs=(mixed,))
    summary = summarise(list(segment(loose)), SummaryConfig(algorithm="lead", sentences=4), "english")
    assert sorted(s.text for s in summary) == sorted(news)


def test_cookie_banners_and_sign_up_forms_are_not_part_of_the_article(tmp_path: Path) -> None:
    write_article(
        tmp_path,
        "page.txt",
        "We use cookies to give you the best experience. By continuing you accept our cookie policy.\n\n"
        "The harbour reopened to ships on Wednesday morning, a week after the storm.\n\n"
        "Enter your email address to get our newsletter every morning.\n\n"
        "Already a subscriber? Log in",
    )
    config = parse_config({"sources": [{"path": "*.txt"}]}, base_dir=tmp_path)
    [article] = ingest(config.ingest).articles
    assert article.paragraphs == (
        "The harbour reopened to ships on Wednesday morning, a week after the storm.",
    )
