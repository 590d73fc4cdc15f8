"""Grouping: the day's articles become stories, each titled, ranked and explained."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage

from briefing.ingest.text import parse_plain_text
from briefing.language import stop_words
from briefing.models import Article, Story
from briefing.segment import segment
from briefing.stories import MAX_SIMILARITY, MIN_SIMILARITY, find_stories, story_threshold
from briefing.stories.linkage import average_linkage, similar_pairs
from briefing.stories.titles import hanging_words, phrase, ranked_headlines
from briefing.vectors import normalise_rows
from builders import REPO, SEED_KOSOVO, SEED_TWO_STORIES, SHARED_EVAL

FIXTURES = REPO / "tests" / "fixtures" / "stories"


def read(path: Path, article_id: str, language: str = "english") -> Article:
    parsed = parse_plain_text(path.read_text(encoding="utf-8"))
    return Article(
        id=article_id,
        title=parsed.title or parsed.paragraphs[0][:60],
        source=parsed.source or path.stem,
        paragraphs=parsed.paragraphs,
        path=str(path),
        headline_paragraphs=parsed.headline_paragraphs,
        language=language,
        title_from_text=parsed.title is None,
    )


def stories_of(articles: list[Article]) -> tuple[Story, ...]:
    return find_stories(articles, [segment(a, a.language) for a in articles])


def members(stories: tuple[Story, ...]) -> list[set[str]]:
    return [set(s.article_ids) for s in stories]


def four_article_day(language: str) -> list[Article]:
    folder = FIXTURES / ("en" if language == "english" else "de")
    return [read(path, f"a{k}", language) for k, path in enumerate(sorted(folder.glob("*.txt")), start=1)]


@pytest.mark.parametrize("language", ["english", "german"])
def test_two_clear_stories_of_two_outlets_each_are_two_stories(language: str) -> None:
    articles = four_article_day(language)
    stories = stories_of(articles)
    # files sort flood (a1, a2) before strike (a3, a4)
    assert members(stories) == [{"a1", "a2"}, {"a3", "a4"}]
    for story in stories:
        assert len(story.sources) == 2
        titles = {a.title for a in articles if a.id in story.article_ids}
        assert story.title in titles  # a real headline of its own articles


def seed() -> list[Article]:
    return [read(SEED_KOSOVO, "a1"), read(SEED_TWO_STORIES, "a2")]


def test_an_article_that_turns_to_another_story_feeds_two_stories() -> None:
    kosovo, summit = stories_of(seed())
    assert {(p.article_id, p.index) for p in kosovo.passages} == {
        *(("a1", i) for i in range(17)),
        *(("a2", i) for i in range(9)),
    }
    assert [(p.article_id, p.index) for p in summit.passages] == [("a2", i) for i in range(9, 14)]
    assert summit.title == "Jens Stoltenberg says NATO is facing its biggest strategic crisis in decades"
    assert summit.headlines == (summit.title,)  # the part's own headline, not the article's title
    assert "Kosovo" in kosovo.terms


def test_every_passage_is_in_exactly_one_story_with_its_evidence() -> None:
    articles = seed()
    stories = stories_of(articles)
    placed = [(p.article_id, p.index) for s in stories for p in s.passages]
    assert sorted(placed) == sorted({(a.id, i) for a in articles for i in range(len(a.paragraphs))})
    for story in stories:
        assert len(story.evidence) == len(story.passages)
        assert max(e.score for e in story.evidence) > 0.3


def test_a_story_told_by_more_outlets_ranks_first_and_a_lone_article_is_its_own_story() -> None:
    articles = four_article_day("english")
    lone = Article(
        id="a5",
        title="Museum returns looted bronze statues to Nigeria",
        source="Culture Desk",
        paragraphs=(
            "The museum handed back twelve bronze statues taken from Benin City in 1897 at a ceremony "
            "attended by the Nigerian ambassador on Thursday.",
            "Curators said the return ended years of talks about the collection's future.",
        ),
    )
    # the strike is told by one outlet only: it must rank below the two-outlet flood
    strike_once = [articles[0], articles[1], articles[2], lone]
    stories = stories_of(strike_once)
    assert members(stories) == [{"a1", "a2"}, {"a3"}, {"a5"}] or members(stories) == [
        {"a1", "a2"},
        {"a5"},
        {"a3"},
    ]
    assert stories[0].sources == ("Surrey Herald", "Morning Post")


def test_among_stories_of_equal_coverage_the_newest_ranks_first() -> None:
    articles = four_article_day("english")
    early, late = datetime(2026, 11, 25, 6, tzinfo=UTC), datetime(2026, 11, 25, 18, tzinfo=UTC)
    dated = [replace(a, published=early if a.id in ("a1", "a2") else late) for a in articles]
    assert members(stories_of(dated)) == [{"a3", "a4"}, {"a1", "a2"}]


def test_a_page_heading_is_never_the_title() -> None:
    flood, other = four_article_day("english")[:2]
    heading = replace(flood, title="More news from around the county")
    (story,) = stories_of([heading, other])
    assert story.title == other.title


def test_with_no_headline_the_title_is_a_phrase_of_the_most_central_sentence() -> None:
    articles = [replace(a, title="", title_from_text=True) for a in four_article_day("english")[:2]]
    (story,) = stories_of(articles)
    sentences = {s.text.rstrip(".") for a in articles for p in segment(a) for s in p.sentences}
    assert story.title.endswith("…")  # cut, and says so
    assert any(text.startswith(story.title.removesuffix("…")) for text in sentences)
    assert len(story.title) <= 81 and story.title.split()[-1] not in {"the…", "of…", "in…"}


def test_a_headline_in_capitals_gets_the_case_of_the_text() -> None:
    flood, other = four_article_day("english")[:2]
    shouting = replace(flood, title="RIVER WEY BURSTS ITS BANKS IN GUILDFORD")
    other = replace(other, title="", title_from_text=True)
    (story,) = stories_of([shouting, other])
    assert story.title == "River Wey bursts its banks in Guildford"


def test_a_phrase_is_cut_at_a_word_boundary_never_on_a_stop_word() -> None:
    sentence = "Hundreds of residents were evacuated from their homes in Guildford on Tuesday after the river"
    assert phrase(sentence, frozenset({"the", "after", "on", "in", "of"}), limit=60) == (
        "Hundreds of residents were evacuated from their homes…"
    )


def test_a_headline_ending_in_a_short_word_is_shown_as_its_outlet_wrote_it() -> None:
    flood, other, strike, other_strike = four_article_day("english")
    day = [
        replace(flood, title="Guildford flood waters rise again"),
        replace(other, title="", title_from_text=True),
        replace(strike, title="Rail strike: what it means for you"),
        replace(other_strike, title="", title_from_text=True),
    ]
    titles = {story.title for story in stories_of(day)}
    assert titles == {"Guildford flood waters rise again", "Rail strike: what it means for you"}


# A day's worth of sentences: "and" and "the" in many, ending none; "up" and "again" ending some.
DAY_SENTENCES = [
    *[f"The union and the operator met on day {k} and talked." for k in range(60)],
    *[f"Fares went up by {k} pence, and rose again." for k in range(60)],
    "Prices went up.",
]


def test_the_words_that_leave_a_phrase_hanging_are_those_the_days_sentences_never_end_with() -> None:
    stop = frozenset({"up", "again", "the", "and", "on", "by", "you"})
    # "on" and "by" are used 60 times: too few to tell (a hundred uses are needed), as "you" (none)
    assert hanging_words(DAY_SENTENCES, stop) == {"the", "and"}
    # a word that ends under one in a hundred of its uses hangs
    assert "the" in hanging_words(["The end of the.", *["The day was the day."] * 60], frozenset({"the"}))
    assert "the" not in hanging_words(["Not the.", "The end of the.", *["The day."] * 98], frozenset({"the"}))


def test_a_headline_cut_off_by_its_feed_is_cut_back_to_a_whole_word_and_marked() -> None:
    hanging = hanging_words(DAY_SENTENCES, stop_words("english"))
    ranked = ranked_headlines(
        ["Rail strike talks between union and", "Fares to go up again"],
        lambda texts: np.ones(len(texts)),
        {},
        "english",
        hanging,
    )
    assert [title for _, title in ranked] == ["Fares to go up again", "Rail strike talks between union…"]


def test_a_subhead_inside_one_story_does_not_split_it() -> None:
    flood = four_article_day("english")[0]
    with_subhead = replace(
        flood,
        paragraphs=(*flood.paragraphs[:2], "WHAT HAPPENS NEXT", *flood.paragraphs[2:]),
        headline_paragraphs=frozenset({2}),
    )
    (story,) = stories_of([with_subhead])
    assert len(story.passages) == len(with_subhead.paragraphs)


def test_same_input_same_stories_with_unique_ids() -> None:
    articles = [*four_article_day("english"), *seed()]
    articles = [replace(a, id=f"a{k}") for k, a in enumerate(articles, start=1)]
    first, again = stories_of(articles), stories_of(articles)
    assert first == again
    ids = [s.id for s in first]
    assert len(set(ids)) == len(ids) and all(ids)


def test_average_linkage_groups_as_scipy_does() -> None:
    rng = np.random.default_rng(3)
    centres = rng.random((6, 40)) ** 4
    rows = np.vstack([centres[k % 6] + 0.3 * rng.random(40) ** 6 for k in range(60)])
    vectors = normalise_rows(sp.csr_matrix(rows * (rng.random(rows.shape) > 0.5)))
    for threshold in (0.3, 0.5, 0.7):
        ours = average_linkage(vectors, threshold)
        tree = linkage(vectors.toarray(), method="average", metric="cosine")
        theirs = fcluster(tree, t=1 - threshold, criterion="distance")
        same = ours[:, None] == ours[None, :]
        assert (same == (theirs[:, None] == theirs[None, :])).all()
        assert len(set(ours.tolist())) > 1


@pytest.mark.parametrize("threads", [1, 2])
def test_similar_pairs_are_every_pair_at_or_above_the_threshold_with_its_exact_dot(threads: int) -> None:
    rng = np.random.default_rng(7)
    rows = rng.random((300, 500)) * (rng.random((300, 500)) > 0.9)
    rows[[4, 150]] = 0.0  # rows with no terms
    vectors = normalise_rows(sp.csr_matrix(rows))
    product = (vectors @ vectors.T).tocoo()  # SciPy's own sums
    upper = product.row < product.col
    threshold = float(np.sort(product.data[upper])[-400])  # one pair exactly at it
    expected = upper & (product.data >= threshold)
    first, second, dots = similar_pairs(vectors, threshold, threads)
    found = dict(zip(zip(first.tolist(), second.tolist(), strict=True), dots.tolist(), strict=True))
    pairs = zip(product.row[expected].tolist(), product.col[expected].tolist(), strict=True)
    # the same pairs, and (compared as floats) the same dots to the last bit
    assert found == dict(zip(pairs, product.data[expected].tolist(), strict=True))
    assert len(found) == len(first) >= 400
    assert similar_pairs(vectors[:3], 2.0, threads)[0].size == 0


def naive_linkage(similarity: np.ndarray, threshold: float, margin: float) -> list[set[int]]:
    """Average linkage by its definition: merge the most alike two groups whose average
    similarity clears threshold + margin / sqrt(m n), until none does."""
    groups = [{i} for i in range(len(similarity))]
    while True:
        best, pair = -np.inf, None
        for x in range(len(groups)):
            for y in range(x + 1, len(groups)):
                a, b = sorted(groups[x]), sorted(groups[y])
                average = similarity[np.ix_(a, b)].mean()
                if average >= threshold + margin / np.sqrt(len(a) * len(b)) and average > best:
                    best, pair = average, (x, y)
        if pair is None:
            return groups
        x, y = pair
        groups[x] |= groups.pop(y)


def test_average_linkage_with_a_margin_merges_as_its_definition_says() -> None:
    rng = np.random.default_rng(11)
    centres = rng.random((5, 30)) ** 3
    rows = np.vstack([centres[k % 5] + 0.4 * rng.random(30) ** 4 for k in range(40)])
    vectors = normalise_rows(sp.csr_matrix(rows * (rng.random(rows.shape) > 0.4)))
    similarity = (vectors @ vectors.T).toarray()
    for threshold, margin in ((0.4, 0.0), (0.4, 0.2), (0.55, 0.1), (0.6, 0.2), (0.7, 0.1)):
        labels = average_linkage(vectors, threshold, margin)
        ours = sorted(sorted(np.flatnonzero(labels == g).tolist()) for g in set(labels.tolist()))
        theirs = sorted(sorted(group) for group in naive_linkage(similarity, threshold, margin))
        assert ours == theirs, (threshold, margin)
        assert 1 < len(ours) < len(rows)


def test_average_linkage_merges_as_its_definition_says_where_groups_compete() -> None:
    # Crowded days: a merged group's best partner is often taken by another group first, and
    # the group must then find its next best (its bound in the heap is no longer met).
    for seed in range(12):
        rng = np.random.default_rng(seed)
        centres = rng.random((3, 12)) ** 2
        rows = np.vstack([centres[k % 3] + 0.8 * rng.random(12) ** 3 for k in range(18)])
        vectors = normalise_rows(sp.csr_matrix(rows * (rng.random(rows.shape) > 0.3)))
        similarity = (vectors @ vectors.T).toarray()
        for threshold, margin in ((0.6, 0.0), (0.6, 0.15), (0.7, 0.1)):
            labels = average_linkage(vectors, threshold, margin)
            ours = sorted(sorted(np.flatnonzero(labels == g).tolist()) for g in set(labels.tolist()))
            theirs = sorted(sorted(group) for group in naive_linkage(similarity, threshold, margin))
            assert ours == theirs, (seed, threshold, margin)


def test_the_threshold_comes_from_the_day_within_its_bounds() -> None:
    rng = np.random.default_rng(5)
    loose = normalise_rows(sp.csr_matrix(rng.random((50, 30))))  # everything alike
    sparse = normalise_rows(sp.csr_matrix(rng.random((50, 3000)) * (rng.random((50, 3000)) > 0.99)))
    assert story_threshold(loose) == MAX_SIMILARITY
    assert story_threshold(sparse) == MIN_SIMILARITY
    assert story_threshold(sparse) == story_threshold(sparse)


def test_among_equally_covered_stories_the_top_is_spread_over_subjects() -> None:
    from briefing.stories import rank_stories

    def lone(ident: str, sentences: int) -> Story:
        article = Article(id=ident, title=ident, source="Wire", paragraphs=("A sentence here. " * sentences,))
        passages = segment(article)
        return Story(ident, ident, (), passages, (), (ident,), (ident,), ("Wire",))

    stories = [lone("a1", 9), lone("a2", 8), lone("a3", 2)]
    # a1 and a2 are on one subject (say two tennis matches), a3 on another
    centroids = normalise_rows(sp.csr_matrix(np.array([[1.0, 0.1, 0.0], [1.0, 0.2, 0.0], [0.0, 0.1, 1.0]])))
    assert rank_stories(stories, centroids) == [0, 2, 1]  # not the two tennis stories first
    two_outlets = replace(stories[1], sources=("Wire", "Post"))
    assert rank_stories([stories[0], two_outlets, stories[2]], centroids)[0] == 1  # coverage comes first


def event_vectors(events: int, articles: int, seed: int) -> tuple[sp.csr_matrix, list[int]]:
    """Articles as term vectors: each event's articles share its own terms and a subject's."""
    rng = np.random.default_rng(seed)
    subject = 0.5 * rng.random(40) * (rng.random(40) > 0.5)  # the words every event of the subject uses
    rows = []
    for event in range(events):
        own = np.zeros(40 * (events + 1))
        own[40 * (event + 1) : 40 * (event + 2)] = rng.random(40) * (rng.random(40) > 0.6)
        for _ in range(articles):
            noise = rng.random(own.shape) * (rng.random(own.shape) > 0.97)
            words = np.concatenate([subject, np.zeros(40 * events)]) + own
            rows.append(words * (rng.random(own.shape) > 0.3) + noise)
    return normalise_rows(sp.csr_matrix(np.vstack(rows))), [k for k in range(len(rows))]


def test_two_events_of_one_subject_joined_by_the_linkage_are_split_in_two() -> None:
    from briefing.stories.cohesion import split_events

    vectors, article_of = event_vectors(events=2, articles=6, seed=1)
    everything = [list(range(12))]
    assert len(set(average_linkage(vectors, 0.1).tolist())) == 1  # the linkage alone joins them
    groups, why = split_events(everything, vectors, article_of)
    assert groups == [list(range(6)), list(range(6, 12))]
    for cohesion in why:  # each half was tested again and stood: it says why
        assert cohesion is not None and cohesion.split_cross >= 0.6 * min(cohesion.split_within)


def test_one_event_told_by_many_articles_is_not_split() -> None:
    from briefing.stories.cohesion import split_events

    for seed in range(5):
        vectors, article_of = event_vectors(events=1, articles=12, seed=seed)
        groups, why = split_events([list(range(12))], vectors, article_of)
        assert groups == [list(range(12))]
        assert why[0] is not None and why[0].split_cross > 0.6 * min(why[0].split_within)


def test_a_story_of_a_few_articles_is_not_tested() -> None:
    from briefing.stories.cohesion import MIN_ARTICLES, split_events

    vectors, article_of = event_vectors(events=2, articles=(MIN_ARTICLES - 1) // 2 + 1, seed=2)
    few = list(range(MIN_ARTICLES - 1))
    assert split_events([few], vectors, article_of) == ([few], [None])


@pytest.mark.shared
def test_three_events_forced_into_one_group_come_out_as_three_stories() -> None:
    import briefing.stories.cohesion as cohesion

    docs = SHARED_EVAL / "duc2006" / "docs"
    folders = ("D0640D", "D0617H", "D0622D")  # the Kursk sinking, the EgyptAir crash, West Nile virus
    articles = [
        read(path, f"{folder}-{path.stem}")
        for folder in folders
        for path in sorted((docs / folder).glob("*.txt"))[:8]
    ]
    passages = [segment(a) for a in articles]
    # a threshold so low that the linkage joins all three events …
    found = find_stories(articles, passages, similarity=0.02)
    assert sorted(sorted({a.split("-")[0] for a in s.article_ids}) for s in found) == [
        [f] for f in sorted(folders)
    ]
    assert all(len(s.article_ids) == 8 for s in found)
    # … which the split test, switched off, would have shown as one story
    before = cohesion.MAX_CROSS_SHARE
    try:
        cohesion.MAX_CROSS_SHARE = 0.0
        assert len(find_stories(articles, passages, similarity=0.02)) == 1
    finally:
        cohesion.MAX_CROSS_SHARE = before


@pytest.mark.shared
def test_a_day_of_one_event_is_a_few_stories_with_the_similarity_of_a_mixed_day(tmp_path: Path) -> None:
    """The README's advice for feeds of one subject: `stories.similarity: 0.12`."""
    from briefing.config import parse_config
    from briefing.pipeline import build_briefing

    kursk = SHARED_EVAL / "duc2006" / "docs" / "D0640D"  # 25 reports of the Kursk sinking

    def stories(similarity: object) -> list[Story]:
        config = parse_config(
            {"sources": [{"path": str(kursk / "*.txt")}], "stories": {"similarity": similarity}},
            base_dir=tmp_path,
        )
        return list(build_briefing(config, datetime(2026, 11, 26).date()).stories)

    one_bar = stories(0.12)
    assert len(one_bar) <= 8
    assert max(len(s.article_ids) for s in one_bar) >= 10
    # the default raises the bar on a day of one subject: nearly one story per article
    assert len(stories("auto")) > 2 * len(one_bar)


def test_the_title_is_the_headline_of_the_article_the_summary_quotes_most() -> None:
    from briefing.stories.titles import title_of_summary

    choices = (("a1", "Best headline of the story"), ("a2", "Second headline"), ("a3", "Third headline"))
    assert title_of_summary(choices, ["a2", "a3", "a2"], "A sentence.", "english") == "Second headline"
    assert title_of_summary(choices, ["a3", "a2"], "A sentence.", "english") == "Second headline"  # a tie
    # a headline whose article the summary does not quote is never the title
    quoted = "Officials said the bridge would reopen to traffic on Monday after repairs."
    assert title_of_summary(choices, ["a9"], quoted, "english") == phrase(quoted, frozenset())


def test_every_story_shown_whole_is_titled_from_its_own_summary(tmp_path: Path) -> None:
    from briefing.config import parse_config
    from briefing.pipeline import build_briefing

    config = parse_config({"sources": [{"path": str(FIXTURES / "*" / "*.txt")}]}, base_dir=tmp_path)
    briefing = build_briefing(config, datetime(2026, 11, 26).date())
    shown = [story for section in briefing.sections for story in section.stories]
    assert len(shown) == 4
    for story in shown:
        quoted = {s.article_id for s in story.summary}
        titles = {title for article, title in story.headline_choices if article in quoted}
        assert story.title in titles or any(s.text.startswith(story.title.rstrip("…")) for s in story.summary)


def test_an_article_that_stays_on_one_subject_is_one_story() -> None:
    from briefing.stories import _undo_lone_cuts
    from briefing.stories.segments import Segment

    # article 0 was cut twice at weak cuts; article 1 was cut once, and its second part
    # joined article 2's story: that cut found a second event and stands
    segments = [
        Segment(0, (0,), "A", True),
        Segment(0, (1,), "", False, firm=False),
        Segment(0, (2,), "", False, firm=False),
        Segment(1, (3,), "B", True),
        Segment(1, (4,), "", False, firm=False),
        Segment(2, (5,), "C", True),
    ]
    groups = [[0], [1], [2], [3], [4, 5]]
    joined, why = _undo_lone_cuts(groups, [None] * 5, segments)
    assert joined == [[0, 1, 2], [3], [4, 5]]
    assert why == [None, None, None]
    firm = [replace(s, firm=True) for s in segments]
    assert _undo_lone_cuts(groups, [None] * 5, firm)[0] == groups  # a firm cut always stands


def test_an_in_text_headline_that_reads_as_one_always_cuts() -> None:
    # the seed's a2 alone is still two stories: its summit part stands under its own headline
    assert len(stories_of([seed()[1]])) == 2


@pytest.mark.shared
def test_a_page_is_cut_at_a_change_of_vocabulary_only_where_another_article_confirms_it() -> None:
    docs = SHARED_EVAL / "duc2006" / "docs"
    kursk, virus = sorted((docs / "D0640D").glob("*.txt")), sorted((docs / "D0622D").glob("*.txt"))
    first, second = read(kursk[0], "p1"), read(virus[0], "x")
    # one page: a report on the Kursk, then, with no headline between, one on West Nile virus
    page = replace(first, paragraphs=(*first.paragraphs, *second.paragraphs[1:]))
    (alone,) = stories_of([page])  # nothing else tells either part: one story, not two of its own
    assert len(alone.passages) == len(page.paragraphs)
    # with other reports of the virus, that part is another event: the cut stands
    others = [read(path, f"v{k}") for k, path in enumerate(virus[1:4], start=1)]
    stories = stories_of([page, *others])
    virus_story = next(s for s in stories if "v1" in s.article_ids)
    assert "p1" in virus_story.article_ids
    assert {p.index for p in virus_story.passages if p.article_id == "p1"} == set(
        range(len(first.paragraphs), len(page.paragraphs))
    )
