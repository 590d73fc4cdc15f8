"""Fixtures; the builders themselves live in builders.py."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from builders import copy_example


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
