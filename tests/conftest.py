"""Fixtures; the builders themselves live in builders.py."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from builders import SHARED_EVAL, copy_example


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--shared",
        action="store_true",
        help=f"also run the tests marked shared, which read {SHARED_EVAL} (public data outside the repo)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--shared"):
        if not SHARED_EVAL.is_dir():
            raise pytest.UsageError(f"--shared: {SHARED_EVAL} is not there")
        return
    skip = pytest.mark.skip(reason=f"reads {SHARED_EVAL}: run with --shared")
    for item in items:
        if "shared" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True, scope="session")
def own_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The tests' derived files (the unpacked language model) in a folder of their own, not the
    user's ~/.cache; commands run as subprocesses inherit it."""
    before = os.environ.get("BRIEFING_CACHE_DIR")
    os.environ["BRIEFING_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        del os.environ["BRIEFING_CACHE_DIR"]
    else:
        os.environ["BRIEFING_CACHE_DIR"] = before


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the example project (config + articles) in a temporary folder."""
    return copy_example(tmp_path / "project")


@pytest.fixture(autouse=True)
def fresh_logging() -> Iterator[None]:
    """The package logger as a test found it: `main()` gives it a handler and a level (-q, -v)."""
    top = logging.getLogger("briefing")
    handlers, level, propagate = top.handlers[:], top.level, top.propagate
    yield
    top.handlers[:], top.level, top.propagate = handlers, level, propagate
