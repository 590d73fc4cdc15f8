"""Command line: parse arguments, call one `briefing.app` function, print what render made, exit.

Exit codes are `briefing.errors.ExitCode`: 0 success; 1 a run-time failure; 2 bad
configuration or usage; 3 built but not delivered to every recipient; 4 sent but not
recorded; 70 a bug; 75 another run holds the lock (nothing was done); 130 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import Any

from briefing import app
from briefing.config import DEFAULT_CONFIG
from briefing.errors import BriefingError, ExitCode
from briefing.render import console
from briefing.summarise.registry import algorithm_names

# The package's logger: every module logs under it (getLogger(__name__)); this sets its handler.
log = logging.getLogger(__name__.partition(".")[0])


def main(argv: Sequence[str] | None = None, edges: app.Edges | None = None) -> int:
    """Run one command; its exit code. `edges` (the clock, environment, network) default to the real ones."""
    parser = _parser()
    args = parser.parse_args(argv)
    _setup_logging(args.verbose - args.quiet)
    edges = edges or app.Edges()
    try:
        code: int = args.func(args, edges)
        return code
    except BriefingError as error:
        for line in str(error).splitlines() or [type(error).__name__]:
            print(f"briefing: {line}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("briefing: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except Exception as error:  # a bug: one line for cron, the traceback with -vv
        log.debug("internal error", exc_info=True)
        print(
            f"briefing: internal error: {type(error).__name__}: {error} "
            "(a bug: run again with -vv for the traceback and please report it)",
            file=sys.stderr,
        )
        return ExitCode.INTERNAL


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
    summarize.add_argument(
        "--algorithm",
        choices=algorithm_names(),
        help="summariser (default: summary.algorithm in the config, else concepts)",
    )
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
    topics.set_defaults(func=cmd_stories)

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


class _Formatter(logging.Formatter):
    """'briefing: warning: …': level names in lower case, for this handler only."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return f"briefing: {record.levelname.lower()}: {record.message}"


def _setup_logging(level: int) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    log.handlers[:] = [handler]
    log.propagate = False
    log.setLevel(
        {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(max(-1, min(level, 2)), logging.DEBUG)
    )


def _out(text: str) -> None:
    sys.stdout.write(text)


def cmd_build(args: argparse.Namespace, edges: app.Edges) -> int:
    config = app.load(args.config, algorithm=args.algorithm)
    written = app.build(config, day=args.date, out=args.out, wait=_wait_seconds(args), edges=edges)
    _out(console.written(written))
    return ExitCode.OK


def cmd_run(args: argparse.Namespace, edges: app.Edges) -> int:
    return _mail(args, edges, build=True)


def cmd_send(args: argparse.Namespace, edges: app.Edges) -> int:
    return _mail(args, edges, build=False)


def _mail(args: argparse.Namespace, edges: app.Edges, *, build: bool) -> int:
    config = app.load(args.config)
    wait = _wait_seconds(args)
    mailing = app.run(
        config, build=build, day=args.date, force=args.force, dry_run=args.dry_run, wait=wait, edges=edges
    )
    if mailing.status == "already-sent" and mailing.record is not None:
        if args.dry_run:
            _out(console.already_sent(mailing, dry_run=True))
        else:
            log.info("%s", console.already_sent(mailing))
    elif mailing.status == "dry-run" and config.email is not None:
        _out(console.dry_run(mailing, config.email, app.store_of(config).state_path))
    elif mailing.record is not None:
        log.info("%s", console.sent(mailing))
    return ExitCode.OK


def cmd_check(args: argparse.Namespace, edges: app.Edges) -> int:
    result = app.check(app.load(args.config), edges=edges)
    for pattern in result.unmatched:
        log.warning("%s", console.unmatched(pattern))
    log.info("%s", console.checked(args.config, result))
    return ExitCode.OK


def cmd_stories(args: argparse.Namespace, edges: app.Edges) -> int:
    listing = app.stories(app.load(args.config), files=args.files, use_topics=not args.discover, edges=edges)
    _out(console.listing_json(listing) if args.json else console.listing_text(listing))
    return ExitCode.OK


def cmd_summarize(args: argparse.Namespace, edges: app.Edges) -> int:
    summary = app.summarize(
        args.config, args.paths, algorithm=args.algorithm, sentences=args.sentences, words=args.words
    )
    _out(console.summary_json(summary) if args.format == "json" else console.summary_text(summary))
    return ExitCode.OK
