"""Command line: parse arguments, call the library, print, exit.

Exit codes: 0 success; 1 a run-time failure; 2 bad configuration or usage;
3 the briefing was built but could not be written or delivered; 70 a bug;
75 another run holds the lock (nothing was done).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing.config import (
    DEFAULT_CONFIG,
    Config,
    FileSource,
    SummaryConfig,
    load_config,
    parse_config,
)
from briefing.errors import BriefingError, SourceError
from briefing.summarise.registry import algorithm_names

if TYPE_CHECKING:
    from briefing.daily import Outcome

log = logging.getLogger("briefing")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    _setup_logging(args.verbose - args.quiet)
    try:
        code: int = args.func(args)
        return code
    except BriefingError as error:
        for line in str(error).splitlines() or [type(error).__name__]:
            print(f"briefing: {line}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("briefing: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a bug: one line for cron, the traceback with -vv
        log.debug("internal error", exc_info=True)
        print(
            f"briefing: internal error: {type(error).__name__}: {error} "
            "(a bug: run again with -vv for the traceback and please report it)",
            file=sys.stderr,
        )
        return 70


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing", description="Turn a day's news articles into a short, sourced briefing."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version('briefing')}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-c",
        "--config",
        default=DEFAULT_CONFIG,
        type=Path,
        help=f"config file (default: ./{DEFAULT_CONFIG})",
    )
    common.add_argument("-v", "--verbose", action="count", default=0, help="say more (-vv: debug)")
    common.add_argument("-q", "--quiet", action="count", default=0, help="warnings off; errors only")
    parser.set_defaults(verbose=0, quiet=0)
    # build, run and send: one briefing date, and the run lock
    dated = argparse.ArgumentParser(add_help=False, parents=[common])
    dated.add_argument(
        "--date", type=_iso_date, help="briefing date, YYYY-MM-DD (default: today in the config's timezone)"
    )
    dated.add_argument("--wait", **_WAIT)
    # run and send: the mail side
    mailing = argparse.ArgumentParser(add_help=False, parents=[dated])
    mailing.add_argument("--force", action="store_true", help="send even if this date was already sent")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    build = commands.add_parser("build", parents=[dated], help="build today's briefing into out/<date>/")
    build.add_argument("--out", type=Path, help="output folder (default: output.dir from the config)")
    build.add_argument(
        "--algorithm", choices=algorithm_names(), help="summariser (overrides summary.algorithm)"
    )
    build.set_defaults(func=cmd_build)

    run = commands.add_parser(
        "run", parents=[mailing], help="build today's briefing and e-mail it, once a day (for cron)"
    )
    run.add_argument(
        "--dry-run", action="store_true", help="build and compose the message, show it; send nothing"
    )
    run.set_defaults(func=cmd_run)

    send = commands.add_parser(
        "send", parents=[mailing], help="e-mail a briefing already built in out/<date>/, without rebuilding"
    )
    send.add_argument("--dry-run", action="store_true", help="compose the message and show it; send nothing")
    send.set_defaults(func=cmd_send)

    summarize = commands.add_parser(
        "summarize",
        parents=[common],
        help="summarise the given articles as one topic and print the summary",
        description="Summarise the given articles as one topic (like sumy's CLI). Settings not given "
        "here come from the config's summary section if the config file exists.",
    )
    summarize.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="article files, folders or globs"
    )
    summarize.add_argument("--algorithm", choices=algorithm_names(), help="summariser (default: lexrank)")
    length = summarize.add_mutually_exclusive_group()
    length.add_argument("--sentences", type=_positive, metavar="N", help="summary length in sentences")
    length.add_argument("--words", type=_positive, metavar="N", help="at most N words, no sentence cut")
    summarize.add_argument(
        "--format", choices=("text", "json"), default="text", help="text: one sentence a line (default)"
    )
    summarize.set_defaults(func=cmd_summarize)

    topics = commands.add_parser(
        "topics",
        aliases=["stories"],
        parents=[common],
        help="show the day's stories: which paragraphs of which article joined each, and why",
    )
    topics.add_argument(
        "files", nargs="*", type=Path, help="read these files instead of the config's sources"
    )
    topics.add_argument(
        "--discover", action="store_true", help="ignore the configured topics: the plain list of stories"
    )
    topics.add_argument(
        "--json", action="store_true", help="print the sections and stories as JSON, as in briefing.json"
    )
    topics.set_defaults(func=cmd_topics)

    check = commands.add_parser(
        "check", parents=[common], help="validate the config and templates, then exit"
    )
    check.set_defaults(func=cmd_check)
    return parser


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


_WAIT: dict[str, Any] = {
    "nargs": "?",
    "type": float,
    "const": -1.0,
    "default": 0.0,
    "metavar": "SECONDS",
    "help": "if another run holds the lock, wait for it (for SECONDS, default: as long as it takes) "
    "instead of exiting with 'already running'",
}


def _wait_seconds(args: argparse.Namespace) -> float | None:
    wait: float = args.wait
    return None if wait < 0 else wait


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-26") from None


def _setup_logging(level: int) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("briefing: %(levelname)s: %(message)s"))
    log.handlers[:] = [handler]
    log.propagate = False
    log.setLevel(
        {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(max(-1, min(level, 2)), logging.DEBUG)
    )
    logging.addLevelName(logging.WARNING, "warning")
    logging.addLevelName(logging.ERROR, "error")
    logging.addLevelName(logging.INFO, "info")
    logging.addLevelName(logging.DEBUG, "debug")


def _load(args: argparse.Namespace) -> Config:
    overrides = {}
    if getattr(args, "algorithm", None):
        config = load_config(args.config)
        overrides["summary"] = {**config.summary.model_dump(exclude_unset=True), "algorithm": args.algorithm}
    return load_config(args.config, overrides)


def cmd_build(args: argparse.Namespace) -> int:
    from briefing.daily import build_files, lock_path
    from briefing.state import run_lock

    config = _load(args)
    day = args.date or config.today(datetime.now(UTC))
    out_dir = args.out if args.out else config.resolve(config.output.dir)
    with run_lock(lock_path(out_dir), wait=_wait_seconds(args)):
        written = build_files(config, day, out_dir)
    for path in written:
        print(path)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from briefing.daily import run_daily

    return _deliver(args, run_daily)


def cmd_send(args: argparse.Namespace) -> int:
    from briefing.daily import send_built

    return _deliver(args, send_built)


def _deliver(args: argparse.Namespace, action: Callable[..., Outcome]) -> int:
    from briefing.daily import ping
    from briefing.state import AlreadyRunning

    config = _load(args)
    now = datetime.now(UTC)
    day = args.date or config.today(now)
    ping_url = config.email.ping_url if config.email and not args.dry_run else None
    try:
        outcome = action(
            config,
            now=now,
            day=day,
            force=args.force,
            dry_run=args.dry_run,
            wait=_wait_seconds(args),
            environ=os.environ,
        )
    except AlreadyRunning:
        raise
    except BriefingError:
        ping(ping_url, ok=False, settings=config.fetch)
        raise
    ping(ping_url, ok=True, settings=config.fetch)
    if outcome.status == "already-sent" and outcome.record is not None:
        record = outcome.record
        message = (
            f"the {day} briefing was already sent at {record.sent_at:%Y-%m-%d %H:%M %z} to "
            f"{len(record.recipients)} recipient(s) (Message-ID {record.message_id}); "
            "nothing sent (--force sends it again)"
        )
        if args.dry_run:
            print(f"dry run: {message}")
        else:
            log.info("%s", message)
    elif outcome.status == "dry-run" and outcome.outgoing is not None:
        _print_dry_run(config, outcome)
    elif outcome.record is not None:
        log.info(
            "sent the %s briefing to %d recipient(s) (Message-ID %s)",
            day,
            len(outcome.record.recipients),
            outcome.record.message_id,
        )
    return 0


def _print_dry_run(config: Config, outcome: Outcome) -> None:
    from briefing.daily import EML_FILE, state_path

    assert outcome.outgoing is not None and config.email is not None
    message, smtp = outcome.outgoing.message, config.email.smtp
    size = len(outcome.outgoing.as_bytes())
    print(f"dry run: nothing sent, nothing recorded; the message is in {outcome.folder / EML_FILE}")
    for header in ("From", "To", "Cc", "Subject", "Date", "Message-ID"):
        if message[header]:
            print(f"  {header}: {message[header]}")
    if config.email.bcc:
        print(f"  Bcc: {', '.join(config.email.bcc)}")
    print(f"  envelope: {outcome.outgoing.sender} -> {', '.join(outcome.outgoing.recipients)}")
    print(f"  size: {size // 1024} KB (HTML part {outcome.outgoing.html_bytes // 1024} KB)")
    checked = "certificate checked" if smtp.tls_verify else "certificate NOT checked"
    security = smtp.security if smtp.security == "none" else f"{smtp.security}, {checked}"
    login = f", login as {smtp.username} (password from ${smtp.password_env})" if smtp.username else ""
    print(f"  server: {smtp.host}:{smtp.effective_port} ({security}){login}")
    print(f"  state: {state_path(config)}")


def cmd_check(args: argparse.Namespace) -> int:
    from briefing.daily import check_rendering
    from briefing.ingest import files as file_sources

    config = _load(args)
    check_rendering(config, config.today(datetime.now(UTC)))
    for source in config.sources:
        if isinstance(source, FileSource) and not list(file_sources.expand(source.path, config.base_dir)):
            log.warning("%s: sources[].path matches no files yet", source.path)
    log.info("%s: OK (%d sources, %d topics)", args.config, len(config.sources), len(config.topics))
    return 0


def cmd_topics(args: argparse.Namespace) -> int:
    from briefing.models import Briefing
    from briefing.pipeline import stories_of
    from briefing.render import article_record, section_records

    config = _load(args)
    if args.files:
        sources = tuple(FileSource(path=str(p.resolve())) for p in args.files)
        config = config.model_copy(update={"sources": sources})
    ingested, sections = stories_of(config, use_topics=not args.discover)
    if not ingested.articles and ingested.skipped:
        raise SourceError("nothing could be read (see the warnings above); no stories to show")
    if args.json:
        listing = Briefing(config.title, config.today(datetime.now(UTC)), sections, ingested.articles)
        record = {
            "sections": section_records(listing),
            "articles": [article_record(a) for a in ingested.articles],
            "skipped": [{"source": k.source, "reason": k.reason} for k in ingested.skipped],
        }
        print(json.dumps(record, ensure_ascii=False, indent=2))
        return 0
    by_id = {a.id: a for a in ingested.articles}
    count = sum(len(section.stories) + len(section.more) for section in sections)
    print(f"{count} stories from {len(ingested.articles)} articles")
    number = 0
    for section in sections:
        if section.title:
            print(f"\n== {section.title} ==")
        for story, shown in [*((s, True) for s in section.stories), *((s, False) for s in section.more)]:
            number += 1
            shown_as = "shown whole" if shown else "one line"
            counts = f"{len(story.article_ids)} articles, {len(story.sources)} sources"
            print(f"\n{number:>3}. {story.title}  ({counts}; {shown_as})")
            print(f"     terms: {', '.join(story.terms) or '-'}")
            current = None
            for passage, evidence in zip(story.passages, story.evidence, strict=True):
                if passage.article_id != current:
                    current = passage.article_id
                    article = by_id[current]
                    where = article.path or article.url or ""
                    print(f"     {article.id}  {article.title}  ({article.source}, {where})")
                terms = ", ".join(evidence.terms) or "-"
                text = passage.text if len(passage.text) <= 60 else passage.text[:59] + "…"
                kind = "" if passage.kind.value == "body" else f"[{passage.kind.value}] "
                print(f"       ¶{passage.index:<3} {evidence.score:5.2f}  {terms[:36]:<36}  {kind}{text}")
    return 0


def cmd_summarize(args: argparse.Namespace) -> int:
    from briefing.pipeline import summary_of

    files = tuple(FileSource.from_command_line(str(p.resolve())) for p in args.paths)
    if args.config.exists():
        config = load_config(args.config)
    else:
        config = parse_config({"sources": [{"path": f.path} for f in files]}, base_dir=Path.cwd())
    config = config.model_copy(update={"sources": files})
    summary = config.summary.model_dump(exclude_unset=True)
    if args.algorithm:
        summary["algorithm"] = args.algorithm
    if args.sentences or args.words:
        summary = {k: v for k, v in summary.items() if k not in {"sentences", "words", "ratio"}}
        summary["sentences" if args.sentences else "words"] = args.sentences or args.words
    config = config.model_copy(update={"summary": SummaryConfig.model_validate(summary)})
    ingested, result = summary_of(config)
    if args.format == "text":
        for sentence in result:
            print(sentence.text)
        return 0
    by_id = {a.id: a for a in ingested.articles}
    record = {
        "algorithm": config.summary.algorithm,
        "summary": [
            {
                "text": s.text,
                "article": s.article_id,
                "source": by_id[s.article_id].source,
                "paragraph": s.paragraph,
                "start": s.start,
                "end": s.end,
            }
            for s in result
        ],
        "sources": [
            {"id": a.id, "title": a.title, "source": a.source, "path": a.path or "", "url": a.url or ""}
            for a in ingested.articles
        ],
        "skipped": [{"source": k.source, "reason": k.reason} for k in ingested.skipped],
    }
    print(json.dumps(record, ensure_ascii=False, indent=2))
    return 0
