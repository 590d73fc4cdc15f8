"""Command line: parse arguments, call one `briefing.app` function, print what render made, exit.

Exit codes are `briefing.errors.ExitCode`: 0 success; 1 a run-time failure; 2 bad
configuration or usage; 3 built but not delivered to every recipient; 4 sent but not
recorded; 70 a bug; 75 another run holds the lock (nothing was done); 130 interrupted
(Ctrl-C); 143 stopped by SIGTERM.
"""

from __future__ import annotations

import argparse
import difflib
import logging
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Only light modules here: the signal handlers are in place before the heavy ones (numpy,
# scipy, lxml: a second or two) are imported, so a Ctrl-C during start-up exits cleanly too.
from briefing import interrupts
from briefing.errors import BriefingError, ExitCode, Interrupted
from briefing.locate import CONFIG_ENV, DEFAULT_CONFIG, find_config

if TYPE_CHECKING:
    from briefing import app

# The package's logger: every module logs under it (getLogger(__name__)); this sets its handler.
log = logging.getLogger(__name__.partition(".")[0])


def main(argv: Sequence[str] | None = None, edges: app.Edges | None = None) -> int:
    """Run one command; its exit code. `edges` (the clock, environment, network) default to the real ones."""
    with interrupts.raised():
        try:
            parser = _parser()
            args = parser.parse_args(argv)
            if not hasattr(args, "func"):  # bare `briefing` (or `briefing feeds`): the help, as git does
                (args.command_parser if hasattr(args, "command_parser") else parser).print_help()
                return ExitCode.USAGE
            args.config = getattr(args, "config", None) or args.top_config
            args.level = (
                getattr(args, "verbose", 0) + args.top_verbose - getattr(args, "quiet", 0) - args.top_quiet
            )
            _setup_logging(args.level)
            from briefing import app

            code: int = args.func(args, edges or app.Edges())
            return code
        except BriefingError as error:
            for line in str(error).splitlines() or [type(error).__name__]:
                print(f"briefing: {line}", file=sys.stderr)
            return error.exit_code
        except Interrupted as interrupt:
            print(f"briefing: {interrupts.describe(interrupt)}", file=sys.stderr)
            interrupts.exit_soon(interrupt.exit_code)
            return interrupt.exit_code
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


class _Parser(argparse.ArgumentParser):
    """argparse with "did you mean" for a misspelt command (`bulid` → build), as git has."""

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if isinstance(action, argparse._SubParsersAction) and action.choices and value not in action.choices:
            names = list(action.choices)
            close = difflib.get_close_matches(str(value), names, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise argparse.ArgumentError(
                action, f"unknown command {value!r}{hint} (commands: {', '.join(names)})"
            )
        super()._check_value(action, value)


class _Version(argparse.Action):
    """--version, the installed package's: looked up only when asked (importlib.metadata is slow to load)."""

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        from importlib.metadata import version

        print(f"{parser.prog} {version('briefing')}")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    from briefing.summarise.registry import algorithm_names

    parser = _Parser(
        prog="briefing",
        description="Turn a day's news articles into a short, sourced briefing.",
        epilog="Start with `briefing init` (writes a commented config.yaml), then `briefing check` "
        f"and `briefing build`. The config is --config, else ${CONFIG_ENV}, else ./{DEFAULT_CONFIG}, "
        f"else $XDG_CONFIG_HOME/briefing/{DEFAULT_CONFIG} (~/.config/briefing/{DEFAULT_CONFIG}).",
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="show program's version number and exit")
    # -c, -v and -q go before or after the command: the top-level ones under their own names,
    # the command's (absent unless given) added to them in main().
    _options(parser, prefix="top_", defaults=(None, 0, 0))
    common = _Parser(add_help=False)
    _options(common, prefix="", defaults=(argparse.SUPPRESS,) * 3)
    # build, run and send: one briefing date, and the run lock
    dated = _Parser(add_help=False, parents=[common])
    dated.add_argument(
        "--date",
        type=_date_arg,
        help="briefing date: today, yesterday or YYYY-MM-DD (default: today in the config's timezone); "
        "a future date needs --force",
    )
    dated.add_argument("--wait", **_WAIT)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    build = commands.add_parser("build", parents=[dated], help="build today's briefing into out/<date>/")
    build.add_argument("--out", type=Path, help="output folder (default: output.dir from the config)")
    build.add_argument(
        "--algorithm", choices=algorithm_names(), help="summariser (overrides summary.algorithm)"
    )
    build.add_argument("--force", action="store_true", help="build for a --date in the future")
    build.set_defaults(func=cmd_build)

    force_help = "send even if this date was already sent; also allows a --date in the future"
    run = commands.add_parser(
        "run", parents=[dated], help="build today's briefing and e-mail it, once a day (for cron)"
    )
    run.add_argument("--force", action="store_true", help=force_help)
    run.add_argument(
        "--dry-run", action="store_true", help="build and compose the message, show it; send nothing"
    )
    run.set_defaults(func=cmd_run)

    send = commands.add_parser(
        "send", parents=[dated], help="e-mail a briefing already built in out/<date>/, without rebuilding"
    )
    send.add_argument("--force", action="store_true", help=force_help)
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

    init = commands.add_parser(
        "init",
        parents=[common],
        help=f"write a commented {DEFAULT_CONFIG} to start from (never overwrites one)",
        description=f"Write the commented example {DEFAULT_CONFIG} into DIR (default: the current "
        "folder), and nothing else. An existing one is never overwritten.",
    )
    init.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar="DIR")
    init.set_defaults(func=cmd_init)

    feeds = commands.add_parser("feeds", parents=[common], help="the config's feeds: feeds export (OPML)")
    feeds.set_defaults(command_parser=feeds)
    feed_commands = feeds.add_subparsers(title="commands", metavar="COMMAND")
    export = feed_commands.add_parser(
        "export",
        parents=[common],
        help="write the config's feeds (those of opml: sources included) as OPML 2.0",
    )
    export.add_argument("file", nargs="?", type=Path, metavar="FILE", help="write here (default: stdout)")
    export.set_defaults(func=cmd_feeds_export)
    return parser


def _options(parser: argparse.ArgumentParser, *, prefix: str, defaults: tuple[Any, Any, Any]) -> None:
    config, verbose, quiet = defaults
    parser.add_argument(
        "-c",
        "--config",
        dest=f"{prefix}config",
        default=config,
        type=Path,
        metavar="PATH",
        help=f"config file (default: ${CONFIG_ENV}, ./{DEFAULT_CONFIG}, "
        f"$XDG_CONFIG_HOME/briefing/{DEFAULT_CONFIG}: the first that exists)",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        dest=f"{prefix}verbose",
        action="count",
        default=verbose,
        help="say more (-vv: debug)",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        dest=f"{prefix}quiet",
        action="count",
        default=quiet,
        help="warnings off; errors only",
    )


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


def _date_arg(text: str) -> app.DayChoice:
    if text == "today":
        return "today"
    if text == "yesterday":
        return "yesterday"
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not today, yesterday or a date like 2026-11-26"
        ) from None


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


def _config(args: argparse.Namespace, edges: app.Edges) -> Path:
    found = find_config(args.config, edges.environ, Path.cwd())
    assert found is not None
    return found


def cmd_build(args: argparse.Namespace, edges: app.Edges) -> int:
    from briefing import app
    from briefing.render import console

    config = app.load(_config(args, edges), algorithm=args.algorithm)
    day = app.briefing_day(config, args.date, force=args.force, edges=edges)
    written = app.build(config, day=day, out=args.out, wait=_wait_seconds(args), edges=edges)
    _out(console.written(written))
    return ExitCode.OK


def cmd_run(args: argparse.Namespace, edges: app.Edges) -> int:
    return _mail(args, edges, build=True)


def cmd_send(args: argparse.Namespace, edges: app.Edges) -> int:
    return _mail(args, edges, build=False)


def _mail(args: argparse.Namespace, edges: app.Edges, *, build: bool) -> int:
    from briefing import app
    from briefing.render import console

    config = app.load(_config(args, edges))
    day = app.briefing_day(config, args.date, force=args.force, edges=edges)
    wait = _wait_seconds(args)
    mailing = app.run(
        config, build=build, day=day, force=args.force, dry_run=args.dry_run, wait=wait, edges=edges
    )
    # A person at a terminal hears in one line what happened; cron (no terminal) hears nothing.
    at_terminal = sys.stdout.isatty() and args.level >= 0  # -q: errors only, even at a terminal
    say = _out_line if at_terminal else lambda line: log.info("%s", line)
    if mailing.status == "already-sent" and mailing.record is not None:
        if args.dry_run:
            _out(console.already_sent(mailing, dry_run=True))
        else:
            say(console.already_sent(mailing, today=app.today(config, edges)))
    elif mailing.status == "dry-run" and config.email is not None:
        _out(console.dry_run(mailing, config.email, app.store_of(config).state_path))
    elif mailing.record is not None:
        say(console.sent(mailing))
    return ExitCode.OK


def _out_line(line: str) -> None:
    _out(f"{line}\n")


def cmd_check(args: argparse.Namespace, edges: app.Edges) -> int:
    from briefing import app
    from briefing.render import console

    path = _config(args, edges)
    result = app.check(app.load(path), edges=edges)
    for pattern in result.unmatched:
        log.warning("%s", console.unmatched(pattern))
    _out_line(console.checked(path, result))
    return ExitCode.OK


def cmd_stories(args: argparse.Namespace, edges: app.Edges) -> int:
    from briefing import app
    from briefing.render import console

    config = app.load(_config(args, edges))
    listing = app.stories(config, files=args.files, use_topics=not args.discover, edges=edges)
    _out(console.listing_json(listing) if args.json else console.listing_text(listing))
    return ExitCode.OK


def cmd_summarize(args: argparse.Namespace, edges: app.Edges) -> int:
    from briefing import app
    from briefing.render import console

    config = find_config(args.config, edges.environ, Path.cwd(), required=False)
    summary = app.summarize(
        config, args.paths, algorithm=args.algorithm, sentences=args.sentences, words=args.words
    )
    _out(console.summary_json(summary) if args.format == "json" else console.summary_text(summary))
    return ExitCode.OK


def cmd_init(args: argparse.Namespace, edges: app.Edges) -> int:
    from briefing import app
    from briefing.render import console

    written = app.init(args.dir)
    _out_line(console.initialised(written))
    return ExitCode.OK


def cmd_feeds_export(args: argparse.Namespace, edges: app.Edges) -> int:
    from briefing import app

    document = app.export_feeds(app.load(_config(args, edges)))
    if args.file is None:
        _out(document)
    else:
        app.write_file(args.file, document)
    return ExitCode.OK
