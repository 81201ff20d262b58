"""Caches of parsed rule files and of the rules' generated code, so a run whose rule files have
not changed skips Lark, and one whose generator, schema and Python have not changed either skips
compiling as well: its rules are the marshalled code object of the generated module
(budgetlint/dsl/codegen.py), authenticated like a parsed entry before it is unmarshalled.

Keyed by the content of every rule file (and its displayed name, which spans carry), the
grammar and the budgetlint version; stored under $BUDGETLINT_CACHE_DIR, else
$XDG_CACHE_HOME/budgetlint, else ~/.cache/budgetlint. Set BUDGETLINT_NO_CACHE=1 to disable.
Every edit of a rule file makes a new entry, so only the KEEP most recently used are kept.

The cache is trusted no more than Python trusts __pycache__, and the entries are authenticated:

- The folder must be a real folder (not a symlink) owned by the effective user and writable by
  nobody else; a folder that is not, including one named by an environment variable, is neither
  read nor written (the rule files are parsed, as without a cache). A folder the cache creates
  is created 0700. Entries and the key are opened relative to the folder's descriptor with
  O_NOFOLLOW, and each must be a regular file owned by the user and not group/world-writable.
- Each entry is FORMAT, a MAC, then the pickled value. The MAC is keyed BLAKE2b (a keyed hash
  that is a MAC by design, with no need for the HMAC construction) over FORMAT, the entry's key
  and the payload, with a 32-byte secret from os.urandom kept in the file `key` (0600, checked
  like an entry) in the same folder. It is checked BEFORE anything is unpickled, so only bytes
  written by a budgetlint run holding the secret, that is by this user, are ever unpickled; an
  entry copied under another entry's name fails too, since the name is covered.
- The value read must have the shape parse_files stores: a non-empty list of ast.RuleFile; a
  code entry must unmarshal to a code object, and is keyed (code_key) by the rule files, the
  schema, the generator and builtins (budgetlint/dsl/*.py by name, size and time), the version and
  the Python version and implementation; it is MACed under its own FORMAT.
- Every failure (no folder, wrong owner or mode, symlink, no key, wrong header, bad MAC,
  truncation, any exception while unpickling, wrong shape) is a miss: the rule files are
  parsed again and the entry rewritten. A cache can make a run slower, never fail it or empty it.
- Entries are written to a temporary file in the folder and renamed over the entry (atomic).

Why keep pickle behind a MAC rather than a data format that cannot run code: the cached ASTs
are ~15 000 named tuples with Decimals, which the C unpickler rebuilds in ~4 ms; a JSON or
marshal encoding would need Python code to rebuild every node (several times slower, on every
run), and the MAC over the ~380 KB payload costs ~0.6 ms. A MAC is also the stronger check: it
rejects a corrupted or swapped entry as well as a malicious one, where a safe format would still
load a well-formed but wrong one (such as an empty rulebook).
"""

from __future__ import annotations

import contextlib
import marshal
import os
import stat
import sys
from pathlib import Path

# The C modules behind hashlib.blake2b, pickle.loads and hmac.compare_digest, imported directly
# as `random` does with its hash: hashlib (and hmac, which imports it) would load OpenSSL (~3 ms
# of a cold run) and pickle.py adds ~1 ms, all for nothing the key or the load use. The public
# modules serve where the C ones are missing.
try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter built without it
    from hashlib import blake2b
try:
    from _pickle import loads as _unpickle
except ImportError:  # pragma: no cover - an interpreter built without it
    from pickle import loads as _unpickle
try:
    from _operator import _compare_digest
except ImportError:  # pragma: no cover - an interpreter built without it
    from hmac import compare_digest as _compare_digest

from budgetlint import __version__
from budgetlint.resources import grammar_path

# bump when the AST classes, the key, the layout or what the parser refuses change (7: nesting;
# 8: Rule.message_en; 9: Check steps, records, templates, imports; 10: Check.guard)
FORMAT = b"budgetlint-parsed-rules/10\n"
# bump when the generated module's layout (RULES, the runtime names) changes
CODE_FORMAT = b"budgetlint-generated-rules/3\n"
CODE_SUFFIX = ".code"
KEEP = 16
KEY_FILE = "key"
SECRET_SIZE = 32
MAC_SIZE = 32
MAX_ENTRY = 64 << 20  # far above a real rulebook (~0.4 MB); a larger file is not read

# Without these (Windows), ownership and symlinks cannot be checked: no cache.
_SUPPORTED = (
    hasattr(os, "geteuid")
    and hasattr(os, "O_NOFOLLOW")
    and hasattr(os, "O_DIRECTORY")
    and {os.open, os.unlink, os.rename} <= os.supports_dir_fd  # os.replace is rename(2) too
    and os.scandir in os.supports_fd
)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | _CLOEXEC
# O_NONBLOCK: opening a FIFO does not wait (it then fails the regular-file check)
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | _CLOEXEC
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | _CLOEXEC


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


def code_key(sources: list[tuple[str, bytes]], schema_digest: bytes) -> str:
    """The key of the generated code of these rule files: also what else the code depends on —
    the schema (by schema_digest, rulebook._schema_digest), Python, and the generator, runtime
    helpers and builtins (budgetlint/dsl/*.py). Those modules are keyed by name, size and
    modification time, as Python keys a module's cached bytecode: hashing their 160 KB of text
    cost ~4 M instructions of every cold run, and an edit that keeps both size and time to the
    nanosecond is not one an editor or git makes."""
    digest = blake2b(CODE_FORMAT + key(sources).encode(), digest_size=32)
    digest.update(f"\0{sys.version}\0{sys.implementation.cache_tag}\0".encode())
    digest.update(schema_digest)
    dsl = Path(__file__).parent
    for name in sorted(os.listdir(dsl)):
        if name.endswith(".py"):
            st = os.stat(dsl / name)
            digest.update(f"\0{name}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    return digest.hexdigest()


def load(cache_key: str):
    """The parsed rule files stored under cache_key, or None: missing, untrusted or invalid are
    all a miss."""
    return _load(cache_key, FORMAT, ".pickle", _unpickle, _valid)


def load_code(cache_key: str):
    """The code object stored under cache_key, or None (as load())."""
    return _load(cache_key, CODE_FORMAT, CODE_SUFFIX, marshal.loads, _valid_code)


def store(cache_key: str, value) -> None:
    """Store parsed rule files under cache_key, if the folder can be trusted; failures are ignored."""
    if not _valid(value):
        return
    # Only a run that parsed its rule files writes them: a run that reads the cache does without
    # pickle.py (~1 ms of a cold start).
    import pickle

    _store(cache_key, FORMAT, ".pickle", lambda v: pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL), value)


def store_code(cache_key: str, code) -> None:
    """Store a generated module's code object under cache_key (as store())."""
    if _valid_code(code):
        _store(cache_key, CODE_FORMAT, CODE_SUFFIX, marshal.dumps, code)


def _load(cache_key: str, fmt: bytes, suffix: str, decode, valid):
    try:
        folder = _open_folder(create=False)
        if folder is None:
            return None
        try:
            secret = _read_secret(folder)
            if secret is None:
                return None
            fd = _open_private(_entry_name(cache_key, suffix), folder)
            if fd is None:
                return None
            with open(fd, "rb") as fh:
                if os.fstat(fd).st_size > MAX_ENTRY:
                    return None
                data = fh.read(MAX_ENTRY + 1)  # the size could have grown since
                header = len(fmt) + MAC_SIZE
                if len(data) <= header or len(data) > MAX_ENTRY or not data.startswith(fmt):
                    return None
                mac, payload = data[len(fmt) : header], data[header:]
                if not _compare_digest(mac, _mac(secret, cache_key, payload, fmt)):
                    return None
                value = decode(payload)  # authenticated: written by a run holding the secret
                if not valid(value):
                    return None
                with contextlib.suppress(OSError, NotImplementedError):
                    os.utime(fh.fileno())  # recently used: kept when older entries are pruned
                return value
        finally:
            os.close(folder)
    except Exception:  # whatever went wrong, the rule files are parsed instead
        return None


def _store(cache_key: str, fmt: bytes, suffix: str, encode, value) -> None:
    try:
        folder = _open_folder(create=True)
        if folder is None:
            return
        try:
            secret = _read_secret(folder) or _new_secret(folder)
            if secret is None:
                return
            payload = encode(value)
            data = fmt + _mac(secret, cache_key, payload, fmt) + payload
            _write_atomically(folder, _entry_name(cache_key, suffix), data)
            _prune(folder)
        finally:
            os.close(folder)
    except Exception:  # a cache that cannot be written is only slower
        return


def _entry_name(cache_key: str, suffix: str = ".pickle") -> str:
    if len(cache_key) != 64 or not all(c in "0123456789abcdef" for c in cache_key):
        raise ValueError("not a cache key")  # never a path
    return f"{cache_key}{suffix}"


def _mac(secret: bytes, cache_key: str, payload: bytes, fmt: bytes = FORMAT) -> bytes:
    mac = blake2b(fmt + cache_key.encode() + b"\0", key=secret, digest_size=MAC_SIZE)
    mac.update(payload)
    return mac.digest()


def _valid(value) -> bool:
    """The shape parse_files stores: a non-empty list of parsed rule files."""
    from budgetlint.dsl.ast import RuleFile

    return (
        type(value) is list
        and bool(value)
        and all(
            type(f) is RuleFile
            and type(f.path) is str
            and type(f.rules) in (list, tuple)
            and type(f.defines) in (list, tuple)
            for f in value
        )
    )


_CODE = type(_valid.__code__)


def _valid_code(value) -> bool:
    return type(value) is _CODE


def _trusted(st: os.stat_result) -> bool:
    """Owned by the effective user, and writable by nobody else."""
    return st.st_uid == os.geteuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _open_folder(create: bool) -> int | None:
    """A descriptor of the cache folder, if it is a trusted folder (created 0700 if asked)."""
    folder = cache_dir()
    if folder is None or not _SUPPORTED:
        return None
    if create:
        folder.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder, 0o700)  # an existing folder is used as it is, if it passes below
    try:
        fd = os.open(folder, _DIR_FLAGS)  # O_NOFOLLOW: a symlink named as the folder fails here
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode) and _trusted(st):
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def _open_private(name: str, folder: int, secret: bool = False) -> int | None:
    """A descriptor of the file `name` in folder, if it is a regular file owned by the user and not
    group/world-writable (nor readable by them, for the secret); else None."""
    try:
        fd = os.open(name, _READ_FLAGS, dir_fd=folder)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        mask = 0o077 if secret else 0
        if stat.S_ISREG(st.st_mode) and _trusted(st) and not st.st_mode & mask:
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def _read_secret(folder: int) -> bytes | None:
    fd = _open_private(KEY_FILE, folder, secret=True)
    if fd is None:
        return None
    with open(fd, "rb") as fh:
        secret = fh.read(SECRET_SIZE + 1)
    return secret if len(secret) == SECRET_SIZE else None


def _new_secret(folder: int) -> bytes | None:
    """A new secret, published atomically: a concurrent run that made one first wins (its entries
    stay valid); a key file that is missing is linked into place, one that is invalid replaced."""
    secret = os.urandom(SECRET_SIZE)
    tmp = _write_temp(folder, KEY_FILE, secret)
    try:
        try:
            os.link(tmp, KEY_FILE, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=False)
        except FileExistsError:
            existing = _read_secret(folder)
            if existing is not None:
                return existing
            os.replace(tmp, KEY_FILE, src_dir_fd=folder, dst_dir_fd=folder)
        except (OSError, NotImplementedError, TypeError):  # no hard links here
            os.replace(tmp, KEY_FILE, src_dir_fd=folder, dst_dir_fd=folder)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp, dir_fd=folder)
    return _read_secret(folder)


def _write_temp(folder: int, stem: str, data: bytes) -> str:
    """A new file in folder (0600, exclusive, never through a symlink) holding data; its name."""
    name = f"{stem}.{os.getpid()}.{os.urandom(6).hex()}.tmp"
    fd = os.open(name, _CREATE_FLAGS, 0o600, dir_fd=folder)
    try:
        with open(fd, "wb") as fh:
            fh.write(data)
    except BaseException:
        os.unlink(name, dir_fd=folder)
        raise
    return name


def _write_atomically(folder: int, name: str, data: bytes) -> None:
    tmp = _write_temp(folder, name, data)
    try:
        os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        os.unlink(tmp, dir_fd=folder)
        raise


def _prune(folder: int) -> None:
    """Keep the KEEP most recently used entries of each kind."""
    for suffix in (".pickle", CODE_SUFFIX):
        entries = []
        with os.scandir(folder) as it:
            for entry in it:
                if entry.name.endswith(suffix):
                    with contextlib.suppress(OSError):
                        entries.append((entry.stat(follow_symlinks=False).st_mtime, entry.name))
        entries.sort(reverse=True)
        for _, name in entries[KEEP:]:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name, dir_fd=folder)
