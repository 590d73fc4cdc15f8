"""Which language a text is in: py3langid's model, restricted to the supported languages, fast.

py3langid packages Lui & Baldwin's langid.py model: a naive Bayes over byte n-grams (1 to 6
bytes), whose features it finds by walking an automaton over the text's bytes one at a time
in Python. On a day of 10,000 articles that walk was a sixth of the whole build, and
unpacking the LZMA-compressed model a fifth of a `briefing summarize`. Two changes, each with
py3langid's own rankings (tests/test_language_id.py compares them):

- **Every position at once.** The automaton is the Aho–Corasick machine of the model's
  n-grams: its state after a byte is the node of the longest suffix, of at most 6 bytes, that
  begins one of them, so it depends only on the last 6 bytes. Walking 6 steps from the start
  state, for all positions together (NumPy), reaches the same state at each position as the
  walk over the whole text, and so the same feature counts in the same order. When the model
  is first read the automaton is checked to be that machine (every state's shortest path from
  the start is its node's bytes; a sample of transitions go to the longest suffix's node); if
  it is not (another model), py3langid's own walk is used.
- **The model kept unpacked.** The restricted model (the automaton and the supported
  languages' columns, about 42 MB) is written to the user's cache the first time, keyed by
  py3langid's code and model files, and mapped from there after: no copy is read, only the
  pages a text's walk touches (under 5 ms, against 0.45 s to unpack; processes of a pool
  share them). Without a writable cache folder py3langid is used as it comes: the same
  answers, 0.45 s a process to unpack and its walk. The folder can be deleted any time.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import py3langid.langid as langid
from numpy.typing import NDArray

from briefing.locate import cache_dir

_CACHE_FORMAT = 3  # the arrays one after another, each in NumPy's .npy format
_FIELDS = ("ptc", "pc", "classes", "out_feat", "nextmove", "row")
_MAX_DEPTH = 6  # bytes in a node (the packaged model's longest n-grams; 7 would still fit in int64)
_CHECKED_TRANSITIONS = 200_000

Machine = tuple[
    NDArray[np.integer[Any]], NDArray[np.int64]
]  # next state by row + byte; each state's row × 256


class Identifier(langid.LanguageIdentifier):  # type: ignore[misc]
    """py3langid's identifier whose feature counts come from the window walk, when it may."""

    __slots__ = ("_machine",)

    def __init__(self, *args: Any, machine: Machine | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._machine = machine

    def _raw_score(self, text: bytes) -> Any:
        if self._machine is None:
            return super()._raw_score(text)
        visits = _visits(text, *self._machine, self.tk_output)
        if visits:
            return self._sparse_score(visits, self.nb_ptc)
        fill = 0.0 if self._norm_probs else langid.RAW_FLOOR  # as py3langid: no feature, no guess
        return np.full(len(self.nb_classes), fill, dtype=np.float32)


def _visits(
    text: bytes, nextmove: NDArray[np.integer[Any]], rowbase: NDArray[np.int64], output: NDArray[np.int32]
) -> dict[int, int]:
    """How often each feature occurs in `text`, in order of first occurrence, as py3langid's
    `visit_counts` finds them: after step j, `state[i]` is the state reached by walking from
    the start over the j bytes ending at i (all of them, near the start)."""
    data = np.frombuffer(text, dtype=np.uint8)
    if not len(data):
        return {}
    state = nextmove[rowbase[0] + data]
    for _ in range(_MAX_DEPTH - 1):
        state[1:] = nextmove[rowbase[state[:-1]] + data[1:]]
    features = output[state]
    features = features[features >= 0]
    if not len(features):
        return {}
    unique, first, counts = np.unique(features, return_index=True, return_counts=True)
    order = np.argsort(first)
    return dict(zip(unique[order].tolist(), counts[order].tolist(), strict=True))


@cache
def identifier(codes: tuple[str, ...]) -> langid.LanguageIdentifier:
    """The identifier restricted to the ISO 639-1 `codes`, from the cache when it is there."""
    path = _cache_path(codes)
    if path is not None:
        try:
            return _load(path, codes)
        except Exception:  # absent, damaged, or of another layout: rebuilt below
            pass
    full = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
    full.set_languages(list(codes))
    if path is None or not _writable(path.parent):
        # Checking the machine costs more than the lookup saves on a small day, and with no
        # cache to keep the checked model in every run would pay it: py3langid as it comes.
        return full
    nextmove = np.frombuffer(full.tk_nextmove, dtype=f"u{full.tk_nextmove.itemsize}")
    row = np.frombuffer(full.tk_row, dtype=f"u{full.tk_row.itemsize}")
    if not _is_suffix_machine(nextmove, row.astype(np.int64) * 256):  # py3langid's own walk
        return full
    model = {
        "ptc": np.asarray(full.nb_ptc),
        "pc": np.asarray(full.nb_pc),
        "classes": np.array(full.nb_classes),
        "out_feat": np.asarray(full.tk_output, dtype=np.int32),
        "nextmove": nextmove,
        "row": row,
    }
    _save(model, path)
    return _from_model(model, codes)


def _from_model(model: Any, codes: Sequence[str]) -> Identifier:
    machine = (model["nextmove"], model["row"].astype(np.int64) * 256)
    ident = Identifier(
        model["ptc"], model["pc"], model["classes"].tolist(), (), model["out_feat"],
        norm_probs=True, tk_row=(), machine=machine,
    )  # fmt: skip
    ident.set_languages(list(codes))
    return ident


def _is_suffix_machine(nextmove: NDArray[np.integer[Any]], rowbase: NDArray[np.int64]) -> bool:
    """Whether the automaton is the Aho–Corasick machine of nodes of at most `_MAX_DEPTH` bytes:
    each state is named by its shortest path from the start (a node is first reached from its
    parent), and a sample of transitions go to the node of the longest suffix."""
    n = len(rowbase)
    depth = np.full(n, -1, dtype=np.int64)
    code = np.zeros(n, dtype=np.int64)
    depth[0] = 0
    frontier = np.array([0])
    byte = np.arange(256)
    for d in range(1, _MAX_DEPTH + 2):  # breadth first: a node is first reached from its parent
        children = nextmove[(rowbase[frontier, None] + byte).ravel()]
        new = depth[children] < 0
        if not new.any():
            break
        child, parent, b = children[new], np.repeat(frontier, 256)[new], np.tile(byte, len(frontier))[new]
        if d > _MAX_DEPTH or len(np.unique(child)) != len(child):
            return False
        depth[child], code[child] = d, code[parent] * 256 + b
        frontier = child
    if (depth < 0).any():
        return False
    codes, states = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int32)]
    for d in range(1, _MAX_DEPTH + 1):
        at = np.flatnonzero(depth == d)
        order = np.argsort(code[at])
        codes.append(code[at][order])
        states.append(at[order].astype(np.int32))
    # The machine's transitions, on a sample: from a node on a byte to its longest suffix's node.
    rng = np.random.default_rng(0)
    state, b = rng.integers(0, n, _CHECKED_TRANSITIONS), rng.integers(0, 256, _CHECKED_TRANSITIONS)
    string, length = code[state] * 256 + b, depth[state] + 1
    expected = np.zeros(len(state), dtype=np.int64)
    for k in range(1, _MAX_DEPTH + 1):
        suffix = string % (256**k)
        at = np.searchsorted(codes[k], suffix).clip(max=max(len(codes[k]) - 1, 0))
        found = (length >= k) & (codes[k][at] == suffix) if len(codes[k]) else np.zeros(len(state), bool)
        expected[found] = states[k][at[found]]
    return bool(np.array_equal(expected, nextmove[rowbase[state] + b]))


def _cache_path(codes: Sequence[str]) -> Path | None:
    """The cache file of this py3langid (its code and model files as installed: another
    version or a reinstall is another key) restricted to `codes`."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        code = Path(langid.__file__)
        files = [(s.st_size, s.st_mtime_ns) for s in (code.stat(), (code.parent / langid.MODEL_FILE).stat())]
    except (AttributeError, OSError):
        return None
    key = (_CACHE_FORMAT, files, tuple(codes))
    return folder / f"langid-{hashlib.sha256(repr(key).encode()).hexdigest()[:16]}.model"


def _load(path: Path, codes: Sequence[str]) -> Identifier:
    """The model mapped from the cache file: each array's .npy header, then its bytes in place."""
    model: dict[str, NDArray[Any]] = {}
    with path.open("rb") as f:
        for name in _FIELDS:
            version = np.lib.format.read_magic(f)
            read_header = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )
            shape, fortran, dtype = read_header(f)
            if dtype.hasobject:
                raise ValueError(f"{path}: {name} holds Python objects")
            start = f.tell()
            size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
            mapped = np.memmap(
                f, dtype=dtype, mode="r", offset=start, shape=shape, order="F" if fortran else "C"
            )
            model[name] = np.asarray(mapped)
            f.seek(start + size)
        if f.read(1):
            raise ValueError(f"{path}: more bytes than the model")
    return _from_model(model, codes)


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def _save(model: dict[str, NDArray[Any]], path: Path) -> None:
    """The model, written whole or not at all (a temporary file renamed into place)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".part")
    except OSError:  # a read-only or missing home: run without the cache
        return
    partial = Path(name)
    try:
        with os.fdopen(handle, "wb") as f:
            for name in _FIELDS:
                np.lib.format.write_array(f, np.ascontiguousarray(model[name]), allow_pickle=False)
        os.replace(partial, path)
    except OSError:
        partial.unlink(missing_ok=True)
