"""Builders shared by the tests: configs, articles, and the bundled example."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "examples" / "articles"
# Public evaluation data kept beside the repository, not in it: tests that read it are marked
# `shared` and run only with `pytest --shared` (conftest.py).
SHARED_EVAL = REPO.parent / "shared" / "eval"
SEED_KOSOVO = SEEDS / "000_e50c418ec5df4c7c.txt"  # one story: Kosovo
SEED_TWO_STORIES = SEEDS / "002_da18b38522dca5f0.txt"  # Kosovo, then the Madrid Summit


def example_config() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    return data


def copy_example(tmp_path: Path) -> Path:
    """A copy of the example project (config + articles) in a temporary folder."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "config.yaml", tmp_path / "config.yaml")
    shutil.copytree(SEEDS, tmp_path / "examples" / "articles")
    return tmp_path


def write_config(folder: Path, **overrides: Any) -> Path:
    """The example config with top-level keys replaced; returns its path."""
    data = example_config()
    data.update(overrides)
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_article(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path
