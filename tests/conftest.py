"""Fixtures; the builders themselves live in builders.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import copy_example


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the example project (config + articles) in a temporary folder."""
    return copy_example(tmp_path / "project")
