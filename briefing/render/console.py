"""What the commands print: the story listing, a summary, the dry-run report, one-line news.

Each function turns one result of `briefing.app` into text; the CLI prints it (or
logs it, for the lines only `-v` shows) and does no formatting of its own.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing.models import OTHER_SECTION, Story

if TYPE_CHECKING:
    from briefing.app import Checked
    from briefing.config import EmailConfig
    from briefing.deliver import Mailing
    from briefing.pipeline import Listing, Summary

PASSAGE_CHARS = 60  # a passage's opening, as the listing shows it
TERMS_CHARS = 36  # the terms that tie a passage to its story, as the listing shows them


def listing_json(listing: Listing) -> str:
    """`briefing stories --json`: the sections and stories with the records of briefing.json."""
    from briefing.render.records import article_record, as_json, section_records, skipped_record

    articles = listing.ingested.articles
    return as_json(
        {
            "sections": section_records(listing.sections, articles),
            "articles": [article_record(a) for a in articles],
            "skipped": [skipped_record(k) for k in listing.ingested.skipped],
        }
    )


def listing_text(listing: Listing) -> str:
    """`briefing stories`: every story, with each of its passages and why it joined."""
    articles = listing.ingested.articles
    by_id = {a.id: a for a in articles}
    count = sum(len(section.stories) + len(section.more) for section in listing.sections)
    lines = [f"{count} stories from {len(articles)} articles"]
    number = 0
    for section in listing.sections:
        title = section.title or ("Other news" if section.id == OTHER_SECTION else "")
        if title:
            lines += ["", f"== {title} =="]
        shown: list[tuple[Story, bool]] = [
            *((s, True) for s in section.stories),
            *((s, False) for s in section.more),
        ]
        for story, whole in shown:
            number += 1
            counts = f"{_count(len(story.article_ids), 'article')}, {_count(len(story.sources), 'source')}"
            lines += [
                "",
                f"{number:>3}. {story.title}  ({counts}; {'shown whole' if whole else 'one line'})",
                f"     terms: {', '.join(story.terms) or '-'}",
                f"     {_cohesion(story)}",
            ]
            current = None
            for passage, evidence in zip(story.passages, story.evidence, strict=True):
                if passage.article_id != current:
                    current = passage.article_id
                    article = by_id[current]
                    where = article.path or article.url or ""
                    lines.append(f"     {article.id}  {article.title}  ({article.source}, {where})")
                terms = (", ".join(evidence.terms) or "-")[:TERMS_CHARS]
                text = _clip(passage.text, PASSAGE_CHARS)
                kind = "" if passage.kind.value == "body" else f"[{passage.kind.value}] "
                score, width = f"{evidence.score:5.2f}", TERMS_CHARS
                lines.append(f"       ¶{passage.index:<3} {score}  {terms:<{width}}  {kind}{text}")
    return "\n".join(lines) + "\n"


def _cohesion(story: Story) -> str:
    """Why the story was not split in two: how it hangs together, and the split it rejected."""
    from briefing.stories.cohesion import MAX_CROSS_SHARE, MIN_ARTICLES, MIN_PART_ARTICLES  # `stories` only

    cohesion = story.cohesion
    if cohesion is None:
        return f"one event: not tested (fewer than {MIN_ARTICLES} articles)"
    first, second = cohesion.split_articles
    inside = min(cohesion.split_within)
    if min(first, second) < MIN_PART_ARTICLES:
        reason = f"one half has fewer than {MIN_PART_ARTICLES} articles"
    else:
        reason = f"across is {cohesion.split_cross / inside:.2f} of inside, split below {MAX_CROSS_SHARE:.2f}"
    return (
        f"one event: cohesion {cohesion.within:.2f}; best split {first} + {second} articles, "
        f"{cohesion.split_within[0]:.2f} / {cohesion.split_within[1]:.2f} inside, "
        f"{cohesion.split_cross:.2f} across (kept: {reason})"
    )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def summary_text(summary: Summary) -> str:
    """`briefing summarize`: one sentence a line, like sumy's own command."""
    return "".join(f"{sentence.text}\n" for sentence in summary.sentences)


def summary_json(summary: Summary) -> str:
    """`briefing summarize --format json`: each sentence with where it stands, and the sources."""
    from briefing.render.records import as_json, sentence_record, skipped_record

    articles = summary.ingested.articles
    by_id = {a.id: a for a in articles}
    record: dict[str, Any] = {
        "algorithm": summary.algorithm,
        "summary": [sentence_record(s, by_id[s.article_id]) for s in summary.sentences],
        "sources": [
            {"id": a.id, "title": a.title, "source": a.source, "path": a.path or "", "url": a.url or ""}
            for a in articles
        ],
        "skipped": [skipped_record(k) for k in summary.ingested.skipped],
    }
    return as_json(record)


def dry_run(mailing: Mailing, email: EmailConfig, state: Path) -> str:
    """`--dry-run`: the message's headers, envelope and size, and the server it would go to."""
    assert mailing.outgoing is not None
    outgoing, smtp = mailing.outgoing, email.smtp
    message = outgoing.message
    eml = mailing.folder / "briefing.eml"
    lines = [f"dry run: nothing sent, nothing recorded; the message is in {eml}"]
    lines += [
        f"  {h}: {message[h]}" for h in ("From", "To", "Cc", "Subject", "Date", "Message-ID") if message[h]
    ]
    if email.bcc:
        lines.append(f"  Bcc: {', '.join(email.bcc)}")
    lines.append(f"  envelope: {outgoing.sender} -> {', '.join(outgoing.recipients)}")
    size = len(outgoing.as_bytes())
    lines.append(f"  size: {size // 1024} KB (HTML part {outgoing.html_bytes // 1024} KB)")
    checked = "certificate checked" if smtp.tls_verify else "certificate NOT checked"
    security = smtp.security if smtp.security == "none" else f"{smtp.security}, {checked}"
    login = f", login as {smtp.username} (password from ${smtp.password_env})" if smtp.username else ""
    lines.append(f"  server: {smtp.host}:{smtp.effective_port} ({security}){login}")
    lines.append(f"  state: {state}")
    return "\n".join(lines) + "\n"


def already_sent(mailing: Mailing, *, dry_run: bool = False, today: date | None = None) -> str:
    """The one line for a date whose briefing reached everyone already: "already sent today …"."""
    assert mailing.record is not None
    record = mailing.record
    which = "today's briefing" if mailing.day == today else f"the {mailing.day} briefing"
    line = (
        f"already sent {which} at {record.sent_at:%Y-%m-%d %H:%M %z} to "
        f"{_count(len(record.recipients), 'recipient')} (Message-ID {record.message_id}); "
        "nothing sent (--force sends it again)"
    )
    return f"dry run: {line}\n" if dry_run else line


def sent(mailing: Mailing) -> str:
    """`run` and `send`: 'sent the 2026-11-26 briefing to 4 recipients (Message-ID …)'."""
    assert mailing.record is not None
    return (
        f"sent the {mailing.day} briefing to {_count(len(mailing.record.recipients), 'recipient')} "
        f"(Message-ID {mailing.record.message_id})"
    )


def written(paths: tuple[Path, ...]) -> str:
    """`briefing build`: only the paths it wrote, one a line."""
    return "".join(f"{path}\n" for path in paths)


def unmatched(pattern: str) -> str:
    return f"{pattern}: sources[].path matches no files yet"


def checked(config_path: Path, result: Checked) -> str:
    """`briefing check`'s one line: 'config.yaml: OK — 3 sources, 2 topics, e-mail to 4 recipients'."""
    mail = "no e-mail" if result.recipients is None else f"e-mail to {_count(result.recipients, 'recipient')}"
    return f"{config_path}: OK — {_count(result.sources, 'source')}, {_count(result.topics, 'topic')}, {mail}"


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}" if number == 1 else f"{number} {thing}s"


def initialised(path: Path) -> str:
    """`briefing init`: what was written and what to do next."""
    return f"wrote {path}: edit its sources:, then run `briefing check` and `briefing build`"
