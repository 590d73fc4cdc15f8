"""Language identification: py3langid's own rankings, from a model kept unpacked in the cache."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import py3langid.langid as langid
import pytest

from briefing import language_id
from briefing.language import DETECT_CHARS, LANGUAGE_CODES, supported_languages
from briefing.locate import CACHE_ENV
from builders import SEEDS

FIXTURES = Path(__file__).parent / "fixtures"
CODES = tuple(sorted(LANGUAGE_CODES[name] for name in supported_languages()))


@pytest.fixture(scope="module")
def reference() -> langid.LanguageIdentifier:
    """py3langid's identifier as it comes, restricted the same way."""
    identifier = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(CODES))
    return identifier


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    language_id.identifier.cache_clear()
    yield folder
    language_id.identifier.cache_clear()


def _texts() -> list[str]:
    """Every fixture and example file, cut where detection cuts, with pieces, capitals, scripts
    the model never saw and bytes of no language."""
    whole = [
        p.read_text(encoding="utf-8", errors="replace")
        for p in sorted([*FIXTURES.rglob("*"), *SEEDS.glob("*")])
        if p.is_file()
    ]
    rng = random.Random(7)
    texts = [t[:DETECT_CHARS] for t in whole]
    for text in whole:
        start = rng.randrange(max(len(text) - 40, 1))
        texts += [text[start : start + rng.randint(1, 80)], text[:300].upper(), text[start:][:DETECT_CHARS]]
    alphabet = "aeiouäöüßçéñøœ ,.–«»\u200b日本語のはしてい。кирилица🙂\x00\n\t"
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 200))) for _ in range(200)]
    scripts = [  # the model's longest n-grams (6 bytes) are two kana or kanji
        "これは日本語の文章です。東京では雨が降っていると言われています。",
        "The minister said そのことについて話していた, and left. Η κυβέρνηση ανακοίνωσε.",
        "Правительство объявило о новых мерах. 政府宣布了新的措施。",
    ]
    return [*texts, *scripts, "", " ", "a", "\ud800 lone surrogate"]


def test_the_features_and_rankings_are_py3langids_own(
    cache: Path, reference: langid.LanguageIdentifier
) -> None:
    ours = language_id.identifier(CODES)
    assert isinstance(ours, language_id.Identifier)  # the window walk, not py3langid's
    texts = _texts()
    assert len(texts) > 300
    for text in texts:
        assert ours.rank(text) == reference.rank(text), text[:80]
        encoded = reference._encode(text)
        walked = langid.visit_counts(reference.tk_nextmove, reference._rowbase, reference.tk_output, encoded)
        counted = language_id._visits(encoded, *ours._machine, ours.tk_output)
        assert list(counted.items()) == list((walked or {}).items()), text[:80]  # the order too


def test_the_model_is_read_from_the_cache_after_the_first_time(
    cache: Path, reference: langid.LanguageIdentifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = "Die Zentralbank hat am Dienstag zum ersten Mal seit zwei Jahren die Zinsen gesenkt."
    first = language_id.identifier(CODES).rank(sample)
    assert len(list(cache.glob("langid-*.model"))) == 1
    assert not list(cache.glob("*.part"))

    language_id.identifier.cache_clear()

    def unpack(*args: object, **kwargs: object) -> None:
        raise AssertionError("the packaged model was unpacked again")

    monkeypatch.setattr(langid.LanguageIdentifier, "from_model_file", unpack)
    assert language_id.identifier(CODES).rank(sample) == first == reference.rank(sample)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:1000],  # a run killed while copying, a full disk
        lambda data: data[:-1],  # the last array one byte short
        lambda data: data + b"\0",  # a byte too many
        lambda data: b"PK\3\4" + data[4:],  # not NumPy arrays (the .npz of an older version)
    ],
    ids=["truncated", "one-byte-short", "one-byte-long", "not-arrays"],
)
def test_a_damaged_cache_is_rebuilt(
    cache: Path, reference: langid.LanguageIdentifier, damage: Callable[[bytes], bytes]
) -> None:
    language_id.identifier(CODES)
    (kept,) = cache.glob("langid-*.model")
    whole = kept.read_bytes()
    kept.write_bytes(damage(whole))
    language_id.identifier.cache_clear()
    sample = "La banque centrale a baissé ses taux mardi pour la première fois depuis deux ans."
    assert language_id.identifier(CODES).rank(sample) == reference.rank(sample)
    assert kept.read_bytes() == whole  # written again, whole


def test_without_a_writable_cache_it_still_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference: langid.LanguageIdentifier
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))
    language_id.identifier.cache_clear()
    try:
        sample = "El banco central bajó los tipos de interés el martes por primera vez en dos años."
        plain = language_id.identifier(CODES)
        assert not isinstance(plain, language_id.Identifier)  # py3langid as it comes: no check to repeat
        assert plain.rank(sample) == reference.rank(sample)
    finally:
        language_id.identifier.cache_clear()


def test_another_machine_is_not_taken_for_the_suffix_machine(reference: langid.LanguageIdentifier) -> None:
    nextmove = np.frombuffer(reference.tk_nextmove, dtype=f"u{reference.tk_nextmove.itemsize}")
    rowbase = np.frombuffer(reference.tk_row, dtype=f"u{reference.tk_row.itemsize}").astype(np.int64) * 256
    assert language_id._is_suffix_machine(nextmove, rowbase)

    redirected = nextmove.copy()
    redirected[rowbase[1:] + ord("e")] = 0  # "…e" no longer goes on from any node but the start
    assert not language_id._is_suffix_machine(redirected, rowbase)
    deeper = nextmove.copy()
    deeper[rowbase + ord(" ")] = len(rowbase) - 1  # every state's space goes to one node
    assert not language_id._is_suffix_machine(deeper, rowbase)


def test_the_cache_folder_follows_the_environment(tmp_path: Path) -> None:
    from briefing.locate import cache_dir

    home = {"HOME": str(tmp_path)}
    assert cache_dir(home) == tmp_path / ".cache" / "briefing"
    assert cache_dir({**home, "XDG_CACHE_HOME": str(tmp_path / "xdg")}) == tmp_path / "xdg" / "briefing"
    # The XDG spec: a relative folder is ignored.
    assert cache_dir({**home, "XDG_CACHE_HOME": "relative"}) == tmp_path / ".cache" / "briefing"
    assert cache_dir({**home, CACHE_ENV: str(tmp_path / "own")}) == tmp_path / "own"
