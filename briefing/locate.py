"""Where the config file is: --config, $BRIEFING_CONFIG, ./config.yaml, then the XDG one;
and the cache folder for derived files that are safe to delete.

Its own small module so that the command line can find the file (and say where it
looked) before the heavy modules are imported.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from briefing.errors import ConfigError

DEFAULT_CONFIG = "config.yaml"
CONFIG_ENV = "BRIEFING_CONFIG"
CACHE_ENV = "BRIEFING_CACHE_DIR"


def config_candidates(environ: Mapping[str, str], cwd: Path) -> list[Path]:
    """Where a config is looked for when --config is not given, in order: $BRIEFING_CONFIG,
    ./config.yaml, $XDG_CONFIG_HOME/briefing/config.yaml (XDG_CONFIG_HOME default: ~/.config)."""
    candidates = [Path(environ[CONFIG_ENV]).expanduser()] if environ.get(CONFIG_ENV) else []
    config_home = _xdg_home(environ, "XDG_CONFIG_HOME", ".config")
    return [*candidates, _shown_in(cwd, DEFAULT_CONFIG), config_home / "briefing" / DEFAULT_CONFIG]


def cache_dir(environ: Mapping[str, str] = os.environ) -> Path | None:
    """Where derived files that are safe to delete are kept (the unpacked language model):
    $BRIEFING_CACHE_DIR, else $XDG_CACHE_HOME/briefing (default ~/.cache/briefing); None when
    there is no home directory to put it in (some service accounts)."""
    if environ.get(CACHE_ENV):
        return Path(environ[CACHE_ENV]).expanduser()
    try:
        return _xdg_home(environ, "XDG_CACHE_HOME", ".cache") / "briefing"
    except RuntimeError:
        return None


def _xdg_home(environ: Mapping[str, str], variable: str, default: str) -> Path:
    """An XDG base folder: the variable's value when it is absolute (the spec: a relative one
    is invalid and ignored), else `default` under the home directory."""
    xdg = environ.get(variable) or ""
    if os.path.isabs(xdg):
        return Path(xdg)
    home = Path(environ["HOME"]) if environ.get("HOME") else Path.home()
    return home / default


def _shown_in(cwd: Path, name: str) -> Path:
    """./config.yaml is shown as config.yaml when it is the current folder's."""
    return Path(name) if cwd.resolve() == Path.cwd().resolve() else cwd / name


def find_config(
    given: Path | None, environ: Mapping[str, str], cwd: Path, *, required: bool = True
) -> Path | None:
    """The config file to read: --config, else $BRIEFING_CONFIG (even if missing: a name
    given on purpose), else the first of ./config.yaml and the XDG one that exists."""
    if given is not None:
        return given
    candidates = config_candidates(environ, cwd)
    if environ.get(CONFIG_ENV):
        return candidates[0]
    found = next((path for path in candidates if path.is_file()), None)
    if found is None and required:
        looked = ", ".join(str(path) for path in candidates)
        raise ConfigError(
            f"no config file found (looked for {looked}); run `briefing init` to write one here, "
            f"or pass --config PATH or set {CONFIG_ENV}"
        )
    return found
