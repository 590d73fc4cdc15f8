"""Summaries: every algorithm by name, clean and non-repeating sentences, lengths, speed.

The vectorised LexRank and TextRank are checked against sumy's own on real
BBC articles (marked `shared`: they run with `pytest --shared`, which needs ../shared/eval).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from briefing.cli import main
from briefing.config import SummaryConfig, parse_config
from briefing.errors import ConfigError
from briefing.ingest import ingest
from briefing.language import SumyTokenizer, stemmer, stop_words
from briefing.models import Article, Evidence, Passage, PassageKind, Sentence, Story
from briefing.segment import segment
from briefing.summarise import is_clean, story_concepts, summarise
from briefing.summarise.concepts import sentence_concepts
from briefing.summarise.graph import sentence_tokens
from briefing.summarise.rankers import Ranked, _rank_with_sumy, rank_sentences
from briefing.summarise.registry import Algorithm, algorithm_names, get_algorithm, markdown_table
from builders import REPO, SEEDS, SHARED_EVAL, write_article

BBC = SHARED_EVAL / "bbc" / "articles"
needs_bbc = pytest.mark.shared


def article(article_id: str, *paragraphs: str, title: str = "A title") -> Article:
    return Article(id=article_id, title=title, source=f"Outlet {article_id}", paragraphs=paragraphs)


def passages_of(*articles: Article) -> list[Passage]:
    return [p for a in articles for p in segment(a)]


def read_articles(paths: Sequence[Path]) -> list[Article]:
    config = parse_config({"sources": [{"path": str(p)} for p in paths]}, base_dir=REPO)
    return list(ingest(config.ingest).articles)


def summary_of(articles: Sequence[Article], **options: object) -> list[Sentence]:
    return summarise(passages_of(*articles), SummaryConfig.model_validate(options), "english")


# ---- the vectorised graph rankers rank as sumy's ---------------------------------------------


def top(passages: Sequence[Passage], algorithm: str, k: int) -> list[tuple[Sentence, float]]:
    return top_of(rank_sentences(passages, algorithm, "english"), passages, k)


def top_of(ranked: list[Ranked], passages: Sequence[Passage], k: int) -> list[tuple[Sentence, float]]:
    """The k best sentences, scores equal to 9 digits counting as ties broken by reading order.

    sumy breaks such ties by float noise (the last bit of a sum), which says
    nothing about the sentences; ours keeps reading order.
    """
    reading = {s: i for i, s in enumerate(s for p in passages for s in p.sentences)}
    best = max(abs(r.score) for r in ranked) or 1.0
    ranked = sorted(ranked, key=lambda r: (-round(r.score / best, 9), reading[r.sentence]))
    return [(r.sentence, round(r.score / best, 9)) for r in ranked[:k]]


# sumy's own summarizers of the algorithms that now run vectorised and rank the same.
SUMY_ORIGINALS = {
    "lsa": "sumy.summarizers.lsa:LsaSummarizer",
    "reduction": "sumy.summarizers.reduction:ReductionSummarizer",
    "sumbasic": "sumy.summarizers.sum_basic:SumBasicSummarizer",
}


def sumy_top(passages: Sequence[Passage], algorithm: str, k: int) -> list[Sentence]:
    original = Algorithm(algorithm, "sumy's own", SUMY_ORIGINALS[algorithm])
    return [s for s, _ in top_of(_rank_with_sumy(original, passages, "english", ()), passages, k)]


def our_top(passages: Sequence[Passage], algorithm: str, k: int) -> list[Sentence]:
    # Sentences only: sumy's LSA also counts the headlines' words, which adds the same
    # amount to every squared score, so the order is the same but not the values.
    return [s for s, _ in top(passages, algorithm, k)]


@pytest.mark.parametrize("algorithm", sorted(SUMY_ORIGINALS))
def test_vectorised_lsa_reduction_and_sumbasic_rank_the_example_as_sumy(algorithm: str) -> None:
    passages = passages_of(*read_articles(sorted(SEEDS.glob("*.txt"))))
    assert our_top(passages, algorithm, 15) == sumy_top(passages, algorithm, 15)


@needs_bbc
@pytest.mark.parametrize("category", ["business", "politics", "tech"])
def test_vectorised_lsa_reduction_and_sumbasic_rank_bbc_articles_as_sumy(category: str) -> None:
    passages = passages_of(*read_articles(sorted((BBC / category).glob("*.txt"))[:6]))
    for algorithm in SUMY_ORIGINALS:
        assert our_top(passages, algorithm, 10) == sumy_top(passages, algorithm, 10), algorithm


def test_luhn_scores_every_sentence_as_sumys_own_luhn() -> None:
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence
    from sumy.summarizers.luhn import LuhnSummarizer

    passages = passages_of(*read_articles(sorted(SEEDS.glob("*.txt"))))
    tokenizer = SumyTokenizer("english")
    document = ObjectDocumentModel(
        [
            Paragraph([SumySentence(p.text, tokenizer, is_heading=True)])
            if p.kind is PassageKind.HEADLINE
            else Paragraph([SumySentence(s.text, tokenizer) for s in p.sentences])
            for p in passages
            if p.kind is PassageKind.HEADLINE or (p.kind is PassageKind.BODY and p.sentences)
        ]
    )
    luhn = LuhnSummarizer(stemmer("english"))
    luhn.stop_words = stop_words("english")
    significant = luhn._get_significant_words(document.words)  # sumy's own: a tuple
    theirs = {s._text: luhn.rate_sentence(s, significant) for s in document.sentences}
    ours = {r.sentence.text: r.score for r in rank_sentences(passages, "luhn", "english")}
    assert ours == theirs and any(theirs.values())


def test_kl_adds_the_sentence_that_brings_the_summary_closest_to_the_topic_in_kl_divergence() -> None:
    passages = passages_of(*read_articles(sorted(SEEDS.glob("*.txt"))))
    sentences = [s for p in passages if p.kind is PassageKind.BODY for s in p.sentences]
    tokens = [sentence_tokens(s.text, "english") for s in sentences]
    topic = Counter(t for ts in tokens for t in ts)
    size = sum(topic.values())

    def divergence(summary: Counter[str]) -> float:
        # KL(P_topic ‖ Q_summary), Q with one added to every word's count, written out plainly.
        length = sum(summary.values()) + len(topic)
        return sum(c / size * math.log((c / size) / ((summary[w] + 1) / length)) for w, c in topic.items())

    summary: Counter[str] = Counter()
    expected = []
    left = list(range(len(sentences)))
    for _ in range(5):
        best = min(left, key=lambda i: (divergence(summary + Counter(tokens[i])), i))
        expected.append(sentences[best])
        summary += Counter(tokens[best])
        left.remove(best)
    assert [r.sentence for r in rank_sentences(passages, "kl", "english")[:5]] == expected


@needs_bbc
@pytest.mark.parametrize("category", ["business", "entertainment", "politics", "sport", "tech"])
def test_vectorised_lexrank_and_textrank_pick_the_same_top_sentences_as_sumy(category: str) -> None:
    articles = read_articles(sorted((BBC / category).glob("*.txt"))[:6])
    for one in articles:
        passages = passages_of(one)
        assert top(passages, "lexrank", 5) == top(passages, "lexrank-sumy", 5), one.path
        assert top(passages, "textrank", 5) == top(passages, "textrank-sumy", 5), one.path
    # and on all six together, as one multi-document topic
    passages = passages_of(*articles)
    assert top(passages, "lexrank", 10) == top(passages, "lexrank-sumy", 10)
    assert top(passages, "textrank", 10) == top(passages, "textrank-sumy", 10)


@needs_bbc
def test_vectorised_lexrank_ranks_two_thousand_sentences_in_well_under_a_few_seconds() -> None:
    articles = read_articles(sorted((BBC / "politics").glob("*.txt"))[:110])
    passages = passages_of(*articles)
    count = sum(len(p.sentences) for p in passages)
    assert count >= 2000
    started = time.perf_counter()
    ranked = rank_sentences(passages, "lexrank", "english")
    assert time.perf_counter() - started < 5
    assert len(ranked) == count


# ---- every algorithm by name ------------------------------------------------------------------


def test_the_registry_has_every_sumy_summarizer_lead_and_sumys_own_lexrank() -> None:
    names = algorithm_names()
    for name in (
        "concepts",
        "lexrank",
        "textrank",
        "lsa",
        "luhn",
        "kl",
        "sumbasic",
        "edmundson",
        "reduction",
        "random",
    ):
        assert name in names
    assert {"lead", "lexrank-sumy", "textrank-sumy"} <= set(names)
    assert names[0] == "concepts"  # the default
    assert all(f"| `{name}` |" in markdown_table() for name in names)


def test_the_readme_shows_the_registrys_table_of_algorithms() -> None:
    # After changing the registry, paste the output of
    # python -c "from briefing.summarise import registry as r; print(r.markdown_table())"
    assert markdown_table() in (REPO / "README.md").read_text(encoding="utf-8")


def test_an_unknown_algorithm_is_a_config_error_listing_the_names() -> None:
    with pytest.raises(
        ConfigError, match="unknown summary algorithm 'lexrnk'; choose one of concepts, lexrank, "
    ):
        get_algorithm("lexrnk")


@pytest.mark.parametrize("algorithm", algorithm_names())
def test_every_algorithm_gives_clean_distinct_sourced_sentences(algorithm: str) -> None:
    articles = read_articles(sorted(SEEDS.glob("*.txt")))
    passages = passages_of(*articles)
    by_article = {a.id: a for a in articles}
    chosen = summarise(passages, SummaryConfig(algorithm=algorithm, sentences=4), "english")
    assert len(chosen) == 4
    assert len(set(chosen)) == 4
    for sentence in chosen:
        paragraph = by_article[sentence.article_id].paragraphs[sentence.paragraph]
        assert paragraph[sentence.start : sentence.end] == sentence.text
        assert sentence.text.lstrip("\"'“‘(")[0].isupper() and sentence.text.rstrip("\"'”’)")[-1] in ".!?"
        assert len(sentence.text.split()) >= 6


def test_lead_takes_each_articles_first_sentence_in_article_order() -> None:
    one = article("a1", "Storms closed the coastal road overnight. Ferries stayed in port until noon today.")
    two = article("a2", "Voters in the city elect a mayor tomorrow. Polls open at seven in the morning.")
    chosen = summary_of([one, two], algorithm="lead", sentences=3, order="score")
    assert [s.text for s in chosen] == [
        "Storms closed the coastal road overnight.",
        "Voters in the city elect a mayor tomorrow.",
        "Ferries stayed in port until noon today.",
    ]


# ---- clean sentences only ---------------------------------------------------------------------

STORY = (
    "The council approved the new budget for schools on Monday evening.",
    "The budget for schools rises by four percent, the council said in its statement.",
    "Parents welcomed the new budget for schools at the council meeting.",
)


def test_headlines_bylines_captions_fragments_and_scraps_are_never_chosen() -> None:
    messy = article(
        "a1",
        "Council approves school budget",  # a headline
        "By Jane Doe, Education Correspondent",  # a byline
        "Photo: the council approved the budget for schools on Monday.",  # a caption
        f"{STORY[0]} Budget for schools.",  # a scrap of three words
        f"{STORY[1]} \u201c",  # a bare quote mark
        "and the council approved the budget for schools after a long debate.",  # starts mid-sentence
        "THE COUNCIL APPROVED THE BUDGET FOR SCHOOLS ON MONDAY NIGHT.",  # shouting
        f"{STORY[2]} The council said the budget for schools would be",  # truncated
    )
    chosen = summary_of([messy], sentences=10, redundancy=1.0)
    assert [s.text for s in chosen] == list(STORY)


def test_a_sentence_that_leans_on_the_one_before_comes_after_those_that_stand_alone() -> None:
    text = (
        "He said the budget for schools was the largest the council had ever approved. "
        "The council approved the largest budget for schools in its history on Monday. "
        "Teachers across the county said the budget for schools was welcome news."
    )
    chosen = summary_of([article("a1", text)], algorithm="lead", sentences=2, order="score")
    assert [s.text[:3] for s in chosen] == ["The", "Tea"]
    unpenalised = summary_of([article("a1", text)], algorithm="lead", sentences=2, dangling_penalty=0.0)
    assert unpenalised[0].text.startswith("He said")


# ---- no repetition ----------------------------------------------------------------------------


def test_the_same_statement_from_two_outlets_appears_once_from_the_earlier_article() -> None:
    shared = "The central bank raised interest rates to five percent on Thursday afternoon."
    one = article("a1", f"{shared} Markets fell sharply in early trading after the surprise decision.")
    two = article("a2", f"{shared} Economists had expected the central bank to hold rates steady.")
    for algorithm in ("lexrank", "textrank", "lead", "luhn"):
        chosen = summary_of([one, two], algorithm=algorithm, sentences=3)
        texts = [s.text for s in chosen]
        assert texts.count(shared) == 1, algorithm
        assert next(s for s in chosen if s.text == shared).article_id == "a1", algorithm


def test_a_quote_printed_by_two_outlets_appears_once_but_a_shared_name_is_no_repeat() -> None:
    report = (
        "Jens Stoltenberg said the mission in the north is closely watching events "
        "and is ready to intervene if stability is threatened."
    )
    quote = "“NATO is ready to intervene if stability is threatened, based on its mandate,” he wrote."
    other = "Prime Minister Tony Blair visited the troops in Basra on Friday morning."
    same_name = "Prime Minister Tony Blair said the election would be held in May next year."
    chosen = summary_of(
        [article("a1", report, other), article("a2", quote, same_name)], algorithm="lead", sentences=4
    )
    assert [s.text for s in chosen] == [report, other, same_name]


def test_a_tied_repeat_that_says_more_replaces_the_shorter_one() -> None:
    short = "The central bank raised interest rates on Thursday."
    longer = "The central bank raised interest rates on Thursday, its first rise in a decade."
    chosen = summary_of(
        [article("a1", short), article("a2", longer)], algorithm="lead", sentences=1, redundancy=0.6
    )
    assert [s.text for s in chosen] == [longer]


def test_mmr_prefers_a_new_fact_over_a_near_repeat() -> None:
    text = (
        "The central bank raised interest rates to five percent on Thursday. "
        "The central bank said interest rates at five percent would curb prices, analysts noted. "
        "Unemployment fell to a record low in the spring, official figures showed."
    )
    plain = summary_of([article("a1", text)], algorithm="lead", sentences=2, redundancy=0.9)
    diverse = summary_of([article("a1", text)], algorithm="lead", sentences=2, redundancy=0.9, mmr=0.3)
    assert [s.text[:12] for s in plain] == ["The central ", "The central "]
    assert [s.text[:12] for s in diverse] == ["The central ", "Unemployment"]


# ---- concept coverage (the default) -----------------------------------------------------------

# Worded so that no two share a six-word run: select would not call them repeats.
RATES = (
    "The central bank raised interest rates to five percent on Thursday, its first rise in a decade.",
    "Interest rates were raised to five percent by the central bank on Thursday, the first rise in a decade.",
    "Borrowers face higher costs now that the central bank has lifted interest rates to five percent.",
)
JOBS = (
    "Unemployment fell to a record low in the spring, official figures showed.",
    "Official figures showed unemployment at a record low in the spring.",
    "Unemployment fell to a record low as factories hired again.",
)
COLOUR = (
    "Rain swept across the capital as commuters queued for buses in the early morning.",
    "Shoppers in the old market square were out early on a bright and windy day.",
    "Traffic on the ring road moved slowly past the roadworks near the river bridge.",
)


def three_outlets() -> list[Article]:
    """Three reports of one day: each opens with colour of its own, then the two facts all three report."""
    return [article(f"a{i + 1}", f"{COLOUR[i]} {RATES[i]} {JOBS[i]}") for i in range(3)]


def test_concepts_takes_what_every_outlet_reports_where_lead_takes_each_opening() -> None:
    concepts = summary_of(three_outlets(), algorithm="concepts", sentences=2)
    lead = summary_of(three_outlets(), algorithm="lead", sentences=2)
    assert [s.text for s in lead] == [COLOUR[0], COLOUR[1]]
    texts = [s.text for s in concepts]
    assert sum(t in RATES for t in texts) == 1 and sum(t in JOBS for t in texts) == 1


def test_concepts_counts_a_fact_once_so_the_second_sentence_brings_a_new_one() -> None:
    # redundancy 1.0: no two of these count as repeats for select, so only the objective keeps
    # a second report of the rate rise out of a two-sentence summary.
    chosen = summary_of(three_outlets(), algorithm="concepts", sentences=2, redundancy=1.0)
    assert {t in RATES for t in (s.text for s in chosen)} == {True, False}


def test_an_update_leads_with_what_the_storys_earlier_articles_did_not_say() -> None:
    today = passages_of(*three_outlets())
    one = SummaryConfig.model_validate({"sentences": 1})
    assert summarise(today, one, "english")[0].text in RATES  # from scratch: the rate rise
    yesterday = passages_of(*(article(f"y{i}", RATES[i]) for i in range(3)))  # all about the rate rise
    said = story_concepts([s for p in yesterday for s in p.sentences], "english")
    assert ("interest", "rate") in said
    assert summarise(today, one, "english", known_concepts=said)[0].text in JOBS
    # what was said before still counts (less): a longer update tells both, the new fact first
    two = summarise(today, SummaryConfig.model_validate({"sentences": 2}), "english", known_concepts=said)
    assert [t in JOBS for t in (s.text for s in two)] == [True, False]


@pytest.mark.parametrize("cap", [10, 20, 35, 60])
def test_concepts_never_passes_a_word_cap_and_quotes_whole_clean_sentences(cap: int) -> None:
    articles = read_articles(sorted(SEEDS.glob("*.txt")))
    passages = passages_of(*articles)
    clean = {s.text for p in passages for s in p.sentences if is_clean(s, 6)}
    chosen = summarise(passages, SummaryConfig(algorithm="concepts", words=cap), "english")
    assert sum(len(s.text.split()) for s in chosen) <= cap
    assert chosen and all(s.text in clean for s in chosen)


def test_concepts_leaves_out_a_sentence_that_leans_on_the_one_before_while_the_penalty_is_on() -> None:
    leaning = "He said the central bank raised interest rates and unemployment fell to a record low."
    articles = [article(f"a{i + 1}", f"{RATES[i]} {leaning if i == 0 else JOBS[i]}") for i in range(3)]
    assert leaning not in [s.text for s in summary_of(articles, algorithm="concepts", sentences=1)]
    free = summary_of(articles, algorithm="concepts", sentences=1, dangling_penalty=0)
    assert [s.text for s in free] == [leaning]


def test_concepts_are_bigrams_of_the_configured_languages_stems_without_two_stop_words() -> None:
    assert sentence_concepts("Die Regierung und die Banken", "german") == {
        ("die", "regier"),
        ("regier", "und"),
        ("die", "bank"),
    }
    assert sentence_concepts("The banks of the river", "english") == {
        ("the", "bank"),
        ("bank", "of"),
        ("the", "river"),
    }


def test_the_default_summary_is_the_same_whatever_the_hash_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # This process hashes strings with a random seed; the child with a fixed one.
    monkeypatch.chdir(tmp_path)
    argv = ["summarize", str(SEEDS), "--words", "120"]
    assert main(argv) == 0
    here = capsys.readouterr().out
    there = subprocess.run(
        [sys.executable, "-m", "briefing", *argv],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONHASHSEED": "1"},
    ).stdout
    assert here.strip() and here == there


# ---- length -----------------------------------------------------------------------------------


@needs_bbc
@pytest.mark.parametrize("cap", [15, 40, 100, 250])
def test_a_word_cap_is_never_exceeded_and_no_sentence_is_cut(cap: int) -> None:
    articles = read_articles(sorted((BBC / "business").glob("*.txt"))[:5])
    passages = passages_of(*articles)
    texts = {s.text for p in passages for s in p.sentences}
    chosen = summarise(passages, SummaryConfig(words=cap), "english")
    assert sum(len(s.text.split()) for s in chosen) <= cap
    assert all(s.text in texts for s in chosen)
    assert chosen, "a cap above a sentence's length picks at least one"


def test_a_ratio_takes_that_share_of_the_sentences() -> None:
    subjects = ["bank", "storm", "mayor", "ferry", "school", "river", "train", "museum", "budget", "harvest"]
    text = " ".join(f"This report is about the {subject} and nothing else today." for subject in subjects)
    chosen = summary_of([article("a1", text)], ratio=0.3, redundancy=0.9, dangling_penalty=0)
    assert len(chosen) == 3


def test_summary_length_keys_are_exclusive_in_the_config() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"sources": [{"path": "x"}], "summary": {"sentences": 3, "words": 80}}, base_dir=REPO)
    assert (
        str(caught.value)
        == "config.yaml: summary: give only one of sentences, words, ratio (got sentences, words)"
    )
    config = parse_config(
        {"sources": [{"path": "x"}], "summary": {"words": 80, "dangling_penalty": 0, "mmr": 0.7}},
        base_dir=REPO,
    )
    assert (config.summary.words, config.summary.dangling_penalty, config.summary.mmr) == (80, 0, 0.7)


# ---- a story's summary -----------------------------------------------------------------------------


def test_a_story_summary_is_in_reading_order_and_quotes_only_the_story() -> None:
    from briefing.pipeline import summarise_story

    one = article("a1", "Markets fell sharply in early trading after the surprise decision.", *STORY)
    two = article("a2", "Economists had expected the central bank to hold rates steady all year.")
    passages = tuple(passages_of(one, two))
    story = Story(
        id="s",
        title="T",
        terms=(),
        passages=passages,
        evidence=(Evidence(1.0, ()),) * len(passages),
        article_ids=("a1", "a2"),
        headlines=("A title", "A title"),
        sources=("Test",),
    )
    result = summarise_story(story, SummaryConfig(sentences=3), [one, two])
    keys = [(s.article_id, s.paragraph, s.start) for s in result.summary]
    assert len(keys) == 3 and keys == sorted(keys)
    quoted = {(p.article_id, p.index) for p in passages}
    assert {(s.article_id, s.paragraph) for s in result.summary} <= quoted


# ---- briefing summarize -----------------------------------------------------------------------


def test_summarize_prints_one_sentence_a_line_from_the_given_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no config.yaml here: defaults apply
    paths = sorted(SEEDS.glob("*.txt"))
    assert main(["summarize", *map(str, paths), "--sentences", "3"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 3 and err == ""
    text = " ".join(" ".join(p.read_text(encoding="utf-8").split()) for p in paths)
    assert all(line in text for line in lines)


def test_summarize_of_files_starts_without_delivery_http_or_grouping(tmp_path: Path) -> None:
    # Start-up is most of `summarize`'s time: what a day of files never uses is not imported.
    code = (
        "import sys; from briefing.cli import main; code = main(sys.argv[1:]); "
        "print(' '.join(sorted(m for m in sys.modules if m.startswith(('briefing.', 'feedparser', "
        "'urllib3', 'trafilatura', 'jinja2', 'markdown', 'babel', 'tqdm', 'lxml', 'yaml')))))"
    )
    paths = [str(p) for p in sorted(SEEDS.glob("*.txt"))]
    result = subprocess.run(
        [sys.executable, "-c", code, "summarize", *paths, "--sentences", "2"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    loaded = set(result.stdout.splitlines()[-1].split())
    assert "briefing.summarise" in loaded and "briefing.ingest.files" in loaded
    unused = {
        "briefing.deliver",
        "briefing.mail",
        "briefing.store",
        "briefing.ingest.http",
        "briefing.ingest.web",
    }
    unused |= {
        "briefing.ingest.pages",
        "briefing.ingest.html",
        "briefing.stories",
        "briefing.topics",
        "briefing.memory",
    }
    unused |= {"lxml", "lxml.etree", "yaml"}  # no HTML to parse, no config file to read
    unused |= {"feedparser", "urllib3", "trafilatura", "jinja2", "markdown", "markdown_it", "babel", "tqdm"}
    assert not loaded & unused


def test_summarize_json_has_spans_sources_and_respects_a_word_cap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    one = write_article(tmp_path, "one.txt", "Rates rise\n\n" + " ".join(STORY))
    two = write_article(
        tmp_path, "two.txt", "Markets fall\n\nMarkets fell sharply in early trading after the decision."
    )
    argv = ["summarize", str(one), str(two), "--words", "30", "--algorithm", "textrank", "--format", "json"]
    assert main(argv) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["algorithm"] == "textrank"
    first, second = (s["id"] for s in record["sources"])
    assert sum(len(s["text"].split()) for s in record["summary"]) <= 30
    paragraphs = {first: " ".join(STORY), second: "Markets fell sharply in early trading after the decision."}
    for item in record["summary"]:
        assert paragraphs[item["article"]][item["start"] : item["end"]] == item["text"]


def test_summarize_rejects_sentences_with_words_and_an_unknown_algorithm(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for argv in (["--sentences", "2", "--words", "50"], ["--algorithm", "lexrnk"]):
        with pytest.raises(SystemExit) as stopped:
            main(["summarize", "x.txt", *argv])
        assert stopped.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_summarize_exits_non_zero_when_nothing_could_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    empty = write_article(tmp_path, "empty.txt", " \n")
    assert main(["summarize", str(empty), str(tmp_path / "missing.txt")]) == 1
    err = capsys.readouterr().err
    assert "empty.txt: file is empty; skipped" in err
    assert "missing.txt: matched no files; check the path given on the command line" in err
    assert err.splitlines()[-1] == "briefing: no readable article to summarise (see the warnings above)"


def test_a_surname_takes_the_first_name_the_article_writes_before_it_however_long_the_article() -> None:
    from briefing.summarise.attribution import _Fullest

    filler = ["The talks went on into the night, officials said."] * 3000
    texts = ["Secretary General Jens Stoltenberg arrived.", *filler, "Later, Mr Stoltenberg spoke."]
    texts += ["Stoltenberg, Jens, is the file name.", "Maria Stoltenberg was away, Jens Stoltenberg said."]
    fullest = _Fullest(texts, "english")
    assert fullest("Stoltenberg") == "Jens Stoltenberg"  # twice "Jens" before it, once "Maria", "Mr" no name
    assert fullest("Mr Stoltenberg") == "Jens Stoltenberg"
    assert fullest("Hewitt") == "Hewitt"  # never written whole


@pytest.mark.parametrize(
    ("language", "text", "tags"),
    [
        ("french", "Nous restons, dit-il.", [(14, "\x00pronoun")]),  # the verb carries its pronoun
        ("french", "Nous restons, a-t-elle ajouté.", [(23, "\x00pronoun")]),
        ("english", "The well-known plan works, Smith SAID.", [(33, "Smith")]),  # any case
        ("english", "According to Jens Stoltenberg, it holds.", [(0, "Jens Stoltenberg")]),
        ("german", "Wir bleiben, so Merz.", [(13, "Merz")]),
        ("english", "The well-known plan works for Smith-Jones.", []),  # no speech verb: no tag
    ],
)
def test_speech_tags_are_found_in_any_case_and_after_hyphens(
    language: str, text: str, tags: list[tuple[int, str]]
) -> None:
    from briefing.summarise.attribution import _CUES, _Tagger

    assert [(t.at, t.speaker) for t in _Tagger([text], language).tags(text, 0, True)] == tags
    # A stretch is tokenised only when a piece between hyphens is a cue word: none has a hyphen.
    assert not [w for cues in _CUES.values() for w in cues.speech | cues.according if "-" in w]


def test_a_sentences_repeats_are_those_its_gist_repeats_among_all() -> None:
    from briefing.summarise.repeats import Gist, RepeatIndex, repeat_pairs

    passages = passages_of(*read_articles(sorted(SEEDS.glob("*.txt"))))
    texts = [s.text for p in passages for s in p.sentences]
    # one sentence printed again with a clause more, one quote inside another sentence, one with no content
    texts += [texts[0] + " officials said on Monday.", f"He said: {texts[3]}", "It is."]
    gists = [Gist.of(text, "english") for text in texts]
    index = RepeatIndex(gists, 0.6)
    pairs = {tuple(pair) for pair in repeat_pairs(gists, 0.6).tolist()}
    for i, gist in enumerate(gists):
        expected = [j for j, other in enumerate(gists) if j != i and gist.repeats(other, 0.6)]
        assert index.of(i) == expected
        assert expected == sorted({b for a, b in pairs if a == i} | {a for a, b in pairs if b == i})
    assert len(texts) - 3 in index.of(0) and len(texts) - 2 in index.of(3)
    assert index.of(len(texts) - 1) == []


@pytest.mark.parametrize(
    ("text", "marks"),
    [
        ("„Wir bleiben“, sagte sie.", [(0, True), (12, False)]),  # German closes with English's opening mark
        ("“We stay,” she said.", [(0, True), (9, False)]),
        ("«Nous restons», dit-elle.", [(0, True), (13, False)]),
        ("»Wir bleiben«, sagte sie.", [(0, True), (12, False)]),  # reversed guillemets
        ("”Vi stannar”, sa hon.", [(0, True), (11, False)]),  # Swedish: one mark for both
        ('He said "we stay" and left.', [(8, True), (16, False)]),  # straight: placed by neighbours
        ('a"b', [(1, None)]),
        ("``We stay,'' she said.", [(0, True), (10, False)]),  # typewriter pairs, two characters each
    ],
)
def test_quotation_marks_of_each_convention_open_and_close(
    text: str, marks: list[tuple[int, bool | None]]
) -> None:
    from briefing.summarise.attribution import _marks

    assert [(m.at, m.opens) for m in _marks(text)] == marks
