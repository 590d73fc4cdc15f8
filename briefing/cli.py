"""Command line: parse arguments, call the library, print, exit.

Exit codes: 0 success; 1 a run-time failure; 2 bad configuration or usage;
3 the briefing was built but could not be written or delivered; 70 a bug.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import date, datetime
from importlib.metadata import version
from pathlib import Path

from briefing.config import DEFAULT_CONFIG, Config, FileSource, load_config
from briefing.errors import BriefingError
from briefing.summarise.registry import algorithm_names

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
    except Exception as error:  # a bug: one line for cron, the traceback with -v
        log.debug("internal error", exc_info=True)
        print(
            f"briefing: internal error: {type(error).__name__}: {error} (run with -v for details)",
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
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    build = commands.add_parser("build", parents=[common], help="build today's briefing into out/<date>/")
    build.add_argument(
        "--date",
        type=_iso_date,
        help="briefing date, YYYY-MM-DD (default: today in the config's timezone)",
    )
    build.add_argument("--out", type=Path, help="output folder (default: output.dir from the config)")
    build.add_argument(
        "--algorithm", choices=algorithm_names(), help="summariser (overrides summary.algorithm)"
    )
    build.set_defaults(func=cmd_build)

    topics = commands.add_parser(
        "topics",
        parents=[common],
        help="show which paragraphs of which article went to which topic",
    )
    topics.add_argument(
        "files", nargs="*", type=Path, help="read these files instead of the config's sources"
    )
    topics.add_argument("--json", action="store_true", help="print the passages as JSON, as in briefing.json")
    topics.set_defaults(func=cmd_topics)

    check = commands.add_parser(
        "check", parents=[common], help="validate the config and templates, then exit"
    )
    check.set_defaults(func=cmd_check)
    return parser


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
        overrides["summary"] = {**config.summary.model_dump(), "algorithm": args.algorithm}
    return load_config(args.config, overrides)


def _template_dir(config: Config) -> Path | None:
    return config.resolve(config.templates) if config.templates else None


def cmd_build(args: argparse.Namespace) -> int:
    from briefing.deliver import write_files
    from briefing.pipeline import build_briefing
    from briefing.render import check_templates, render

    config = _load(args)
    check_templates(_template_dir(config), config.output.formats)
    day = args.date or config.today(datetime.now().astimezone())
    briefing = build_briefing(config, day)
    files = render(briefing, config.output.formats, _template_dir(config), config.language)
    out_dir = args.out if args.out else config.resolve(config.output.dir)
    for path in write_files(out_dir, day, files):
        print(path)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from briefing.ingest import files as file_sources
    from briefing.render import check_templates

    config = _load(args)
    check_templates(_template_dir(config), config.output.formats)
    for source in config.sources:
        if not list(file_sources.expand(source.path, config.base_dir)):
            log.warning("%s: sources[].path matches no files yet", source.path)
    log.info("%s: OK (%d sources, %d topics)", args.config, len(config.sources), len(config.topics))
    return 0


def cmd_topics(args: argparse.Namespace) -> int:
    from briefing.ingest import ingest
    from briefing.pipeline import assign
    from briefing.segment import segment

    config = _load(args)
    if args.files:
        sources = tuple(FileSource(path=str(p.resolve())) for p in args.files)
        config = config.model_copy(update={"sources": sources})
    ingested = ingest(config)
    passages = tuple(segment(a, config.language) for a in ingested.articles)
    assignments = assign(config, ingested.articles, passages)
    titles = {t.id: t.title for t in config.topics} | {"other": config.other_title}
    if args.json:
        records = [
            {
                "article": a.passage.article_id,
                "paragraph": a.passage.index,
                "kind": a.passage.kind.value,
                "topic": a.topic_id,
                "score": a.evidence.score,
                "terms": list(a.evidence.terms),
                "text": a.passage.text,
            }
            for a in assignments
        ]
        print(json.dumps({"passages": records}, ensure_ascii=False, indent=2))
        return 0
    by_article = {a.id: a for a in ingested.articles}
    width = min(40, max(len(t) for t in titles.values()))
    current = None
    for item in assignments:
        article = by_article[item.passage.article_id]
        if article.id != current:
            current = article.id
            print(f"\n{article.id}  {article.title}  ({article.source}, {article.path or article.url})")
        terms = ", ".join(item.evidence.terms) or "-"
        text = item.passage.text if len(item.passage.text) <= 70 else item.passage.text[:69] + "…"
        kind = "" if item.passage.kind.value == "body" else f"[{item.passage.kind.value}] "
        print(
            f"  ¶{item.passage.index:<3} {titles[item.topic_id][:width]:<{width}} "
            f"{item.evidence.score:5.2f}  {terms[:40]:<40}  {kind}{text}"
        )
    return 0
