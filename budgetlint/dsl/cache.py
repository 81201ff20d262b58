"""A cache of parsed rule files, so a run whose rule files have not changed skips Lark entirely.

Keyed by the content of every rule file (and its displayed name, which spans carry), the
grammar and the budgetlint version; stored under $BUDGETLINT_CACHE_DIR or ~/.cache/budgetlint.
Set BUDGETLINT_NO_CACHE=1 to disable. A cache that cannot be read or written is ignored.
Every edit of a rule file makes a new entry, so only the KEEP most recently used are kept.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

# The C modules behind hashlib.blake2b and pickle.load, imported directly as `random` does with
# its hash: hashlib would load OpenSSL (~3 ms of a cold run) and pickle.py adds ~1 ms, both for
# nothing the key or the load use. The public modules serve where the C ones are missing.
try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter built without it
    from hashlib import blake2b
try:
    from _pickle import PickleError
    from _pickle import load as _unpickle
except ImportError:  # pragma: no cover - an interpreter built without it
    from pickle import PickleError
    from pickle import load as _unpickle

from budgetlint import __version__
from budgetlint.resources import grammar_path

FORMAT = b"budgetlint-parsed-rules/5"  # bump when the AST classes or the key change
KEEP = 16


def cache_dir() -> Path | None:
    if os.environ.get("BUDGETLINT_NO_CACHE"):
        return None
    base = os.environ.get("BUDGETLINT_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg) / "budgetlint" if xdg else Path.home() / ".cache" / "budgetlint"


def key(sources: list[tuple[str, bytes]]) -> str:
    digest = blake2b(FORMAT + __version__.encode(), digest_size=32)
    digest.update(grammar_path().read_bytes())
    for name, content in sources:
        digest.update(b"\0" + name.encode() + b"\0" + blake2b(content, digest_size=32).digest())
    return digest.hexdigest()


def load(cache_key: str):
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / f"{cache_key}.pickle"
    try:
        with open(path, "rb") as fh:
            value = _unpickle(fh)  # our own file, written below from our own AST
    except (OSError, PickleError, EOFError, AttributeError, ImportError, TypeError):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: kept when older entries are pruned
    return value


def store(cache_key: str, value) -> None:
    # Only a run that parsed its rule files writes them: a run that reads the cache does without
    # pickle.py and tempfile (which brings shutil, random, bz2 and lzma: ~4 ms of a cold start).
    import pickle
    import tempfile

    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"{cache_key}.pickle")
        _prune(folder)
    except OSError:
        return


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in entries[KEEP:]:
        stale.unlink(missing_ok=True)
