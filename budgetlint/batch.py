"""Batches: find the documents named by files, folders, globs and `-`; check them in worker processes."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from budgetlint.findings import Finding

DOCUMENT_SUFFIXES = (".json", ".yaml", ".yml", ".pdf")  # a .pdf is imported on the fly (budgetlint.importer)
# found in folders but not documents: rule test cases, expected findings and the waivers file
SKIPPED_IN_FOLDERS = (".cases.yaml", ".expected.yaml", "budgetlint-waivers.yaml", "budgetlint-waivers.yml")


# Named tuples rather than frozen dataclasses, which cost ~0.5–1 ms each to create when this
# module is imported, on every run.


class Source(NamedTuple):
    name: str  # as shown in findings
    path: str | None  # None: read from `data` (standard input)
    data: bytes | None = None
    problem: str | None = None  # an argument that names nothing
    # found by a folder scan or a glob (or passed by the pre-commit hook, --declared-only): a
    # JSON/YAML file that does not declare itself a budgetlint document is skipped, not judged
    found: bool = False


class FileResult(NamedTuple):
    name: str
    findings: tuple[Finding, ...] = ()
    fingerprints: tuple[str, ...] | None = None
    error: str | None = None  # rendered InputError
    # each finding's identity (baseline.identity: array indices replaced by the elements' names)
    # and, for a version-1 baseline, its legacy fingerprint; None when not asked for
    identities: tuple[str, ...] | None = None
    legacy: tuple[str, ...] | None = None
    skipped: str | None = None  # not a budgetlint document (why): no finding, no failure
    # each rule's time on this document (budgetlint.timings.RuleTimings), measured in the process
    # that checked it; None unless the recipe asks for timings
    timings: object = None


class Recipe(NamedTuple):
    """What a worker needs to rebuild the rulebook (compiled rules are functions, not picklable;
    a worker takes them from the cache of generated code)."""

    rule_paths: tuple[str, ...]
    builtin: bool
    keep: tuple[str, ...] | None  # rule ids to run; None: all
    profile: str | None
    # the run setting setting("rounding_per_item") reads (--tolerance, the config's `tolerance`);
    # None: the default, budgetlint.dsl.scope.SETTINGS
    rounding_per_item: Decimal | None
    fingerprints: bool  # fingerprints and identities of the findings (baselines, waivers, SARIF)
    legacy: bool = False  # also the fingerprints of a version-1 baseline
    timings: bool = False  # each rule's time on each document, returned with its result (--timings)

    def settings(self):
        """The engine's Settings of the run (budgetlint.engine.Settings)."""
        from budgetlint.engine import Settings

        if self.rounding_per_item is None:
            return Settings(self.profile)
        return Settings(self.profile, self.rounding_per_item)


def _has_magic(arg: str) -> bool:
    return any(c in arg for c in "*?[")


def _walk(folder: Path, shown: str, skip=None) -> Iterator[Source]:
    """The documents under a folder, sorted; not those `skip` (exclude) or git leaves out."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d not in ("node_modules", "__pycache__")
            and not (skip and skip(os.path.join(root, d)))
        )
        rel = Path(root).relative_to(folder)
        for f in sorted(files):
            if (
                f.startswith(".")
                or not f.lower().endswith(DOCUMENT_SUFFIXES)
                or f.endswith(SKIPPED_IN_FOLDERS)
                or (skip and skip(os.path.join(root, f)))
            ):
                continue
            found.append(
                Source(
                    Path(shown, rel, f).as_posix() if shown != "." else (rel / f).as_posix(),
                    str(Path(root, f)),
                    found=True,
                )
            )
    ignored = git_ignored(folder, [s.path for s in found])
    yield from (s for s in found if s.path not in ignored)


def git_ignored(folder: Path, paths: list) -> set:
    """The paths git ignores (.gitignore, .git/info/exclude, core.excludesFile) when the folder is
    in a git work tree and git is installed; else none."""
    if not paths:
        return set()
    import subprocess

    try:
        proc = subprocess.run(
            ["git", "check-ignore", "-z", "--stdin"],
            cwd=folder,
            input="\0".join(os.path.abspath(p) for p in paths).encode(),
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return set()
    if proc.returncode not in (0, 1):  # 128: not a git work tree
        return set()
    out = {os.path.abspath(p) for p in proc.stdout.decode(errors="replace").split("\0") if p}
    return {p for p in paths if os.path.abspath(p) in out}


def discover(
    args: Iterable[str], stdin_name: str = "<stdin>", stdin=None, declared_only: bool = False, skip=None
) -> list[Source]:
    """Sources in the order given: folders recurse (sorted), globs expand, `-` reads standard input.

    Files found in folders and by globs are checked only if they declare themselves budgetlint
    documents (top-level `format: budgetlint/…`); a file named on the command line must declare
    itself, unless declared_only (the pre-commit hook), which treats named files as found.
    skip(path): a found file or folder to leave out (`exclude`); named files too under declared_only.
    Folder scans and globs also leave out what git ignores."""
    out: list[Source] = []
    for arg in args:
        path = Path(arg)
        try:
            path.is_dir()
        except (OSError, ValueError):  # a name too long, a NUL: reported when it is read
            out.append(Source(arg, arg))
            continue
        if arg == "-":
            from budgetlint.loader import InputError, read_capped

            try:
                data = read_capped(stdin or sys.stdin.buffer, stdin_name)
            except InputError as err:
                out.append(Source(stdin_name, None, problem=err.message))
                continue
            out.append(Source(stdin_name, None, data))
        elif path.is_dir():
            found = list(_walk(path, arg.rstrip("/") or "/", skip))
            out.extend(
                found or [Source(arg, None, problem="no .json, .yaml, .yml or .pdf document in this folder")]
            )
        elif _has_magic(arg) and not path.exists():
            import glob  # only a pattern the shell did not expand needs it

            matched = sorted(glob.glob(arg, recursive=True))
            files = [m for m in matched if Path(m).is_file() and not (skip and skip(m))]
            ignored = git_ignored(Path.cwd(), files)
            for m in files:
                if m not in ignored:
                    out.append(Source(Path(m).as_posix(), m, found=True))
            for m in matched:
                if Path(m).is_dir():
                    out.extend(_walk(Path(m), m, skip))
            if not matched:
                out.append(Source(arg, None, problem="no file matches this pattern"))
        elif declared_only and skip and skip(arg):
            continue  # the hook passes every staged file: `exclude` applies to them
        else:
            out.append(Source(arg, arg, found=declared_only))
    return out


# A document declares itself by its top-level `format: budgetlint/…` (department-budget@2 …).
# Before a found file is parsed, its text must at least mention such a key: a package.json or a
# CI workflow is then not even parsed (a workflow's `on:` is YAML's True, which the loader refuses).
_MENTIONS_FORMAT = re.compile(rb"""["']?format["']?[ \t]*:[ \t]*["']?budgetlint/""")
NOT_DECLARED = "not a budgetlint document (no top-level `format: budgetlint/…`)"


def declares_itself(data) -> bool:
    """Whether loaded data is a budgetlint document: a mapping whose `format` is budgetlint/…"""
    return (
        isinstance(data, dict)
        and isinstance(data.get("format"), str)
        and data["format"].startswith("budgetlint/")
    )


# --- checking, in this process or in workers -----------------------------------------------------


class Checker:
    """What checks a document: a run's recipe, its rulebook and its settings. The parent process
    makes one (run, budgetlint.api.Run.check_data); each worker process gets its own from the pool's
    initializer (_init_worker): the parent's, inherited as it is by a forked worker, or one built
    from the recipe by a spawned worker (compiled rules do not pickle)."""

    __slots__ = ("recipe", "rulebook", "settings")

    def __init__(self, recipe: Recipe, rulebook):
        self.recipe, self.rulebook, self.settings = recipe, rulebook, recipe.settings()

    @classmethod
    def from_recipe(cls, recipe: Recipe) -> Checker:
        from budgetlint.api import load_rulebook  # raises, unlike the CLI's: a worker never exits

        rulebook = load_rulebook(recipe.rule_paths, builtin=recipe.builtin)
        return cls(recipe, rulebook if recipe.keep is None else rulebook.only(recipe.keep))

    def check(self, source: Source) -> FileResult:
        return check_source(source, self)


def check_source(source: Source, checker: Checker) -> FileResult:
    """The document's result; with the recipe's timings, each rule's time on it as well, measured
    here (in a worker process, the worker's) and sent back with the result."""
    if not checker.recipe.timings:
        return _check_source(source, checker)
    from budgetlint.timings import measured

    with measured() as spent:
        result = _check_source(source, checker)
    return result._replace(timings=spent) if spent.documents else result


def _check_source(source: Source, checker: Checker) -> FileResult:
    from budgetlint.engine import check_document
    from budgetlint.loader import InputError, load_bytes, load_path, read_file

    if source.problem:
        return FileResult(source.name, error=f"{source.name}: error: {source.problem}")
    if source.path is not None and source.path.lower().endswith((".pdf", ".txt")):
        return _check_disclosure(source, checker)
    try:
        if source.path is None:
            doc = load_bytes(source.data or b"", source.name, _sniff(source))
        elif source.found:
            raw = read_file(source.path, source.name)
            if not _MENTIONS_FORMAT.search(raw):
                return FileResult(source.name, skipped=NOT_DECLARED)
            doc = load_bytes(raw, source.name)
        else:
            doc = load_path(source.path, source.name)
    except InputError as err:
        return FileResult(source.name, error=err.render())
    except (RecursionError, MemoryError):
        too_big = "the document is too large or too deep to read"
        return FileResult(source.name, error=f"{source.name}: error: {too_big}")
    except Exception as err:  # a fault of ours on one document must not stop the batch
        fault = f"internal error {type(err).__name__}: {err} (please report it)"
        return FileResult(source.name, error=f"{source.name}: error: {fault}")
    if not declares_itself(doc.data):
        if source.found:
            return FileResult(source.name, skipped=NOT_DECLARED)
        return FileResult(source.name, error=_undeclared(source.name))
    try:
        findings = tuple(check_document(doc, checker.rulebook, settings=checker.settings))
        prints = idents = legacy = None
        recipe = checker.recipe
        if recipe.fingerprints:
            from budgetlint.baseline import fingerprint, identity, legacy_fingerprint

            idents = tuple(identity(doc.data, f.pointer) for f in findings)
            prints = tuple(fingerprint(doc.data, f, i) for f, i in zip(findings, idents, strict=True))
            if recipe.legacy:
                legacy = tuple(legacy_fingerprint(doc.data, f) for f in findings)
    except (RecursionError, MemoryError):  # data nested hundreds deep: one document, one message
        return FileResult(source.name, error=f"{source.name}: error: the document is too deep to check")
    return FileResult(source.name, findings, prints, identities=idents, legacy=legacy)


def _undeclared(name: str) -> str:
    return (
        f"{name}: error: {NOT_DECLARED}; a disclosure document starts with "
        "`format: budgetlint/department-budget@2` (folder scans and the pre-commit hook skip such files)"
    )


def _check_disclosure(source: Source, checker: Checker) -> FileResult:
    """A published PDF (or its extracted text), imported on the fly; findings point to its pages."""
    from budgetlint.importer.checking import ImportFailure, check_file

    try:
        findings, prints = check_file(
            source.path, source.name, checker.rulebook, checker.settings, checker.recipe.fingerprints
        )
    except ImportFailure as err:
        return FileResult(source.name, error=str(err))
    return FileResult(source.name, findings, prints)


def _sniff(source: Source) -> str:
    name = source.name.lower()
    if name.endswith((".yaml", ".yml")):
        return "yaml"
    if name.endswith(".json"):
        return "json"
    head = (source.data or b"").lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return "json" if head in (b"{", b"[") else "yaml"


# The worker process's own Checker, set by the pool's initializer in that process only (the parent
# never sets it): what pool.imap's function checks each document with.
_worker: Checker | None = None


def _init_worker(given: Checker | Recipe) -> None:
    """A worker's Checker: the parent's, passed as it is to a forked worker (which shares the loaded
    rulebook), or built from the recipe in a spawned one."""
    global _worker
    # Ctrl-C reaches the whole process group: the parent stops the pool and says "aborted"; a
    # worker interrupted too would print "Process ForkPoolWorker-N" and its traceback.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker = given if isinstance(given, Checker) else Checker.from_recipe(given)


def _check_in_worker(source: Source) -> FileResult:
    assert _worker is not None, "a worker's Checker is set by the pool's initializer"
    return check_source(source, _worker)


def run(
    sources: list[Source], recipe: Recipe, rulebook, jobs: int = 1, start_method: str | None = None
) -> Iterator[FileResult]:
    """Results in input order, one document at a time: nothing of a document outlives its result.

    Workers are forked where the system can (they are given the loaded rulebook), else spawned
    (macOS, Windows: each loads the rulebook from the recipe); start_method chooses for tests."""
    checker = Checker(recipe, rulebook)
    if jobs <= 1 or len(sources) < 2:
        for source in sources:
            yield checker.check(source)
        return
    import multiprocessing  # only a parallel batch pays for importing it

    if start_method is None:
        start_method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(start_method)
    # a forked worker's initializer arguments are not pickled: it gets the parent's checker as it is
    given = checker if start_method == "fork" else recipe
    with ctx.Pool(min(jobs, len(sources)), initializer=_init_worker, initargs=(given,)) as pool:
        chunk = max(1, min(16, len(sources) // (jobs * 8)))
        yield from pool.imap(_check_in_worker, sources, chunksize=chunk)


class Progress:
    """`[#####-----] 120/1000` on standard error, only when it is a terminal and the batch is long."""

    def __init__(self, total: int, stream=None, minimum: int = 20, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.enabled = (tty and total >= minimum) if enabled is None else enabled
        self.total, self.done, self.last = total, 0, 0.0

    def step(self) -> None:
        self.done += 1
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < 0.1 and self.done < self.total:
            return
        self.last = now
        width = 30
        filled = width * self.done // max(self.total, 1)
        self.stream.write(f"\r[{'#' * filled}{'-' * (width - filled)}] {self.done}/{self.total} documents")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()
