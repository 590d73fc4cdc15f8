"""Story memory: what is new since yesterday, across consecutive briefings."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from briefing.cli import main
from briefing.config import parse_config
from briefing.ingest import ingest
from briefing.language import content_stems
from briefing.memory import article_key
from briefing.summarise import similarity
from builders import REPO, SEED_KOSOVO, SEED_TWO_STORIES, write_config

DAY1, DAY2 = "2026-11-26", "2026-11-27"
FOLLOW_UP = REPO / "examples" / "day2" / "003_kosovo_agreement.txt"


def build(project: Path, day: str, *extra: str) -> dict[str, Any]:
    assert (
        main(["build", "-q", "--force", "--config", str(project / "config.yaml"), "--date", day, *extra]) == 0
    )
    data: dict[str, Any] = json.loads((project / "out" / day / "briefing.json").read_text(encoding="utf-8"))
    return data


def stories(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {section["id"]: story for section in data["sections"] for story in section["stories"]}


def two_days(project: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    first = build(project, DAY1)
    shutil.copy(FOLLOW_UP, project / "examples" / "articles")  # a new article on the Kosovo story
    return first, build(project, DAY2)


def test_the_next_day_a_story_with_new_articles_is_developing_and_says_what_is_new(project: Path) -> None:
    first, second = two_days(project)
    kosovo = stories(second)["kosovo"]
    assert stories(first)["kosovo"]["status"] == "new"
    assert (kosovo["status"], kosovo["first_seen"]) == ("developing", DAY1)
    # the earlier briefings it was in, each with the id it had there
    assert kosovo["previous"] == [{"date": DAY1, "id": stories(first)["kosovo"]["id"]}]
    # its title may change as it develops; its id (the page's anchor) does not
    assert kosovo["id"] == stories(first)["kosovo"]["id"]
    assert kosovo["shown"] and kosovo["summary"]
    # the new article's sentences come first, and nothing shown yesterday is said again
    new_article = next(a["id"] for a in second["articles"] if a["path"].endswith("003_kosovo_agreement.txt"))
    assert kosovo["summary"][0]["article"] == new_article
    yesterday = [frozenset(content_stems(s["text"])) for s in stories(first)["kosovo"]["summary"]]
    for sentence in kosovo["summary"]:
        assert all(similarity(frozenset(content_stems(sentence["text"])), y) < 0.6 for y in yesterday)


def test_a_story_with_nothing_new_is_still_running_in_one_line_last(project: Path) -> None:
    _, second = two_days(project)
    summit = stories(second)["nato-summit"]
    assert (summit["status"], summit["shown"], summit["summary"]) == ("still-running", False, [])
    assert [day["date"] for day in summit["previous"]] == [DAY1]


def test_building_a_day_again_gives_the_same_briefing(project: Path) -> None:
    two_days(project)

    def built() -> tuple[bytes, dict[str, Any]]:
        record = json.loads((project / "out" / DAY2 / "briefing.json").read_text(encoding="utf-8"))
        record.pop("generated_at")  # when it was built: the one field that must change
        return (project / "out" / DAY2 / "briefing.md").read_bytes(), record

    before = built()
    build(project, DAY2)
    assert built() == before
    # and the first day, built again after the second, still knows nothing of later days
    again = build(project, DAY1)
    assert {s["status"] for s in stories(again).values()} == {"new"}


def test_without_the_store_every_story_is_new(project: Path) -> None:
    build(project, DAY1)
    (project / "out" / "stories.sqlite").unlink()
    shutil.copy(FOLLOW_UP, project / "examples" / "articles")
    assert {s["status"] for s in stories(build(project, DAY2)).values()} == {"new"}


def test_a_damaged_store_is_set_aside_with_a_warning_and_every_story_is_new(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(project, DAY1)
    (project / "out" / "stories.sqlite").write_bytes(b"not a database at all" * 100)
    shutil.copy(FOLLOW_UP, project / "examples" / "articles")
    assert main(["build", "--force", "--config", str(project / "config.yaml"), "--date", DAY2]) == 0
    assert "stories.sqlite: damaged" in capsys.readouterr().err
    assert (project / "out" / "stories.sqlite.damaged").exists()
    assert {s["status"] for s in stories(build(project, DAY2)).values()} == {"new"}
    # the fresh store works: the day after, the stories are known again
    (project / "examples" / "articles" / "003_kosovo_agreement.txt").unlink()
    third = stories(build(project, "2026-11-28"))
    assert third["kosovo"]["status"] == "still-running" and third["kosovo"]["first_seen"] == DAY2


def test_a_store_that_cannot_be_written_loses_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "out" / "stories.sqlite").mkdir(parents=True)  # in the way: the write fails
    assert main(["build", "--force", "--config", str(project / "config.yaml"), "--date", DAY1]) == 0
    assert "cannot remember today's stories" in capsys.readouterr().err
    assert (project / "out" / DAY1 / "briefing.md").exists()  # the briefing is built all the same
    (project / "out" / "stories.sqlite").rmdir()
    build(project, DAY1)  # the next run of the day remembers it
    shutil.copy(FOLLOW_UP, project / "examples" / "articles")
    assert stories(build(project, DAY2))["kosovo"]["status"] == "developing"


def test_memory_reaches_back_memory_days_only(project: Path) -> None:
    write_config(project, stories={"memory_days": 1})
    build(project, DAY1)
    shutil.copy(FOLLOW_UP, project / "examples" / "articles")
    later = stories(build(project, "2026-11-28"))  # two days later: out of reach
    assert {s["status"] for s in later.values()} == {"new"}
    write_config(project, stories={"memory_days": 0})
    assert {s["status"] for s in stories(build(project, DAY2)).values()} == {"new"}


def test_memory_days_is_checked() -> None:
    from briefing.errors import ConfigError

    with pytest.raises(ConfigError, match=r"stories\.memory_days"):
        parse_config({"sources": [{"path": "x"}], "stories": {"memory_days": -1}}, base_dir=REPO)


def test_what_a_storys_articles_said_is_remembered_for_its_update(project: Path) -> None:
    from datetime import date

    from briefing.store.memory import MEMORY_FILE, StoryMemory

    first = build(project, DAY1)
    recalled = StoryMemory(project / "out" / MEMORY_FILE).recall(date.fromisoformat(DAY2), 7)
    kosovo = next(r for r in recalled if r.id == stories(first)["kosovo"]["id"])
    # the bigrams its articles shared, stemmed as the summary counts them: more than it showed
    assert len(kosovo.concepts) > 20 and any("kosovo" in concept for concept in kosovo.concepts)
    shown = {w for s in stories(first)["kosovo"]["summary"] for w in content_stems(s["text"])}
    assert {w for c in kosovo.concepts for w in c} - shown


def test_a_memory_written_before_it_kept_what_articles_said_still_knows_its_stories(project: Path) -> None:
    import sqlite3
    from contextlib import closing

    build(project, DAY1)
    with closing(sqlite3.connect(project / "out" / "stories.sqlite")) as connection, connection:
        connection.execute("DROP TABLE story_concepts")  # as the previous version wrote it
    shutil.copy(FOLLOW_UP, project / "examples" / "articles")
    second = stories(build(project, DAY2))
    assert second["kosovo"]["status"] == "developing" and second["kosovo"]["summary"]
    assert second["nato-summit"]["status"] == "still-running"


def _signature(*groups: tuple[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple((f"{stem}{k}", 1) for stem, n in groups for k in range(n))


def _story(ident: str, signature: tuple[tuple[str, int], ...], articles: int = 1) -> Any:
    """A story of `articles` articles, each from an outlet of its own, with this signature."""
    from briefing.models import Story

    return Story(
        id=ident,
        title=ident,
        terms=(),
        passages=(),
        evidence=(),
        article_ids=tuple(f"{ident}-{k}" for k in range(articles)),
        headlines=(),
        sources=tuple(f"Outlet {k}" for k in range(articles)),
        signature=signature,
    )


def _articles(*stories: Any) -> list[Any]:
    from briefing.models import Article

    return [
        Article(id=i, title=i, source="Wire", paragraphs=(f"Text of {i}.",))
        for story in stories
        for i in story.article_ids
    ]


def _day2_status(today: tuple[tuple[str, int], ...], *earlier: tuple[str, str, Any]) -> str:
    from datetime import date

    from briefing.memory import Remembered, recognise

    story = _story("today", today)
    records = [
        Remembered(
            date.fromisoformat(day), ident, ident, date.fromisoformat(day), (), sig, frozenset({"x"}), ()
        )
        for ident, day, sig in earlier
    ]
    unrelated = [(f"other-{k}", DAY1, _signature((f"o{k}-", 20))) for k in range(5)]
    records += [
        Remembered(date.fromisoformat(d), i, i, date.fromisoformat(d), (), s, frozenset({"x"}), ())
        for i, d, s in unrelated
    ]
    return recognise([story], _articles(story), records, date.fromisoformat(DAY2)).stories[0].status.value


def test_a_story_less_alike_continues_the_one_earlier_story_it_is_clearly_nearest() -> None:
    from briefing import memory

    # 5 of 20 telling stems shared: alike about 0.19, under the 0.2 that alone is enough
    today, earlier = _signature(("s", 5), ("t", 15)), _signature(("s", 5), ("n", 15))
    assert memory.CONTINUES_FLOOR <= 0.17 and memory.CONTINUES_SIMILARITY > 0.19
    assert _day2_status(today, ("kosovo", DAY1, earlier)) == "developing"
    # the same story on two earlier days (about 0.17 each) is one story, not two near ones
    assert _day2_status(today, ("kosovo", DAY1, earlier), ("kosovo", "2026-11-25", earlier)) == "developing"
    # as near to two earlier stories (about 0.2 each): no clear continuation, so new
    crowd = _signature(("s", 5), ("r", 5), ("t", 10))
    other = ("summit", DAY1, _signature(("r", 5), ("m", 15)))
    assert _day2_status(crowd, ("kosovo", DAY1, earlier)) == "developing"
    assert _day2_status(crowd, ("kosovo", DAY1, earlier), other) == "new"
    # 4 shared stems (about 0.15): too little, however clear
    assert (
        _day2_status(_signature(("s", 4), ("t", 16)), ("kosovo", DAY1, _signature(("s", 4), ("n", 16))))
        == "new"
    )


def test_between_stories_as_big_the_one_the_reader_follows_comes_first() -> None:
    from datetime import date

    from briefing.memory import Remembered, recognise

    bigger = _story("bigger", _signature(("b", 20)), articles=2)
    fresh, followed = _story("fresh", _signature(("f", 20))), _story("followed", _signature(("k", 20)))
    articles = _articles(bigger, fresh, followed)
    day1 = date.fromisoformat(DAY1)
    kosovo = Remembered(day1, "kosovo", "Kosovo", day1, (), _signature(("k", 20)), frozenset({"x"}), ())
    others = [
        Remembered(day1, f"o{k}", "", day1, (), _signature((f"o{k}-", 20)), frozenset(), ()) for k in range(3)
    ]
    marked = recognise(
        [bigger, fresh, followed], articles, [kosovo, *others], date.fromisoformat(DAY2)
    ).stories
    # the followed story moves ahead of the new one as big, never ahead of the bigger one
    assert [(s.id, s.status.value) for s in marked] == [
        ("bigger", "new"),
        ("kosovo", "developing"),
        ("fresh", "new"),
    ]


def test_a_read_article_keeps_the_memory_key_earlier_versions_stored(tmp_path: Path) -> None:
    # Memory files hold "text:" + the SHA-256 of a file article's words; the print made
    # while reading must give that same key, or yesterday's articles would look new.
    for seed in (SEED_KOSOVO, SEED_TWO_STORIES):
        shutil.copy(seed, tmp_path / seed.name)
    config = parse_config({"sources": [{"path": "*.txt"}]}, base_dir=tmp_path)
    articles = ingest(config.ingest).articles
    assert len(articles) == 2 and all(article.fingerprint for article in articles)
    for article in articles:
        assert article_key(article) == article_key(replace(article, fingerprint=""))
        assert article_key(article).startswith("text:")
