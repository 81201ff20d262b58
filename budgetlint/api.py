"""budgetlint's Python API: a run's settings, its rulebook, checking documents, waivers and baselines.

`budgetlint check` is a layer over this module (arguments, output formats, exit codes); a program
that embeds budgetlint uses it directly (docs/api.md):

    from budgetlint.api import Run

    run = Run.from_project()                     # budgetlint.toml / [tool.budgetlint], as the CLI
    for diagnostic in run.check_file("unit.json"):
        print(diagnostic)                        # unit.json:23:6: error META-01 …

Every result is a `Diagnostic` (file, line, column, pointer, message, severity, rule), whether it
comes from a rule, the document's schema, a waiver or an input that cannot be read; a problem of
the run itself (a bad config, a broken rule file) raises `BudgetlintError` with its diagnostics.
Diagnostics are plain named tuples: they pickle, so a distributed engine (Dask, Ray) can map
`Run.check_file` over a folder of documents (docs/api.md, "Many machines").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from budgetlint.config import Config, ConfigError

__all__ = ["BudgetlintError", "Diagnostic", "Post", "Run", "diagnostics_of", "load_rulebook", "render_error"]


class Diagnostic(NamedTuple):
    """One thing budgetlint reports, wherever it comes from (a rule, the schema, a waiver, input)."""

    file: str
    line: int
    column: int
    pointer: str  # JSON Pointer into the document ("" for the whole document or no document)
    message: str
    severity: str  # "error", "warning" or "info"
    # rule id, or "schema", "waiver", "rule-error"; for a problem of an input of the run: "input" (a
    # document), "config", "rule-file", "waivers-file", "baseline-file", "case-file", "usage"
    rule: str
    waived: str | None = None  # the reason, when a waiver accepted it
    baselined: bool = False  # known to the baseline
    fingerprint: str | None = None  # the hash baselines and SARIF use (budgetlint.baseline)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity} {self.rule} {self.message}"


class BudgetlintError(Exception):
    """The run cannot go on (a bad config, a broken rule file, a bad waivers or baseline file)."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(self.lines))

    @property
    def lines(self) -> list[str]:
        """The diagnostics as the CLI prints them (render_error)."""
        return [render_error(d) for d in self.diagnostics]


_WHERE = re.compile(r"^(?P<file>.*?):(?P<line>\d+):(?P<column>\d+): (?P<message>.*)$", re.S)


def _diagnostic(text: str, rule: str, severity: str = "error") -> Diagnostic:
    """A rendered message (`file:line:col: error: …`, `file: …`) as a Diagnostic."""
    m = _WHERE.match(text)
    if m:
        message = m["message"].removeprefix("error: ")
        return Diagnostic(m["file"], int(m["line"]), int(m["column"]), "", message, severity, rule)
    file, _, message = text.partition(": ")
    return Diagnostic(file, 0, 0, "", (message or text).removeprefix("error: "), severity, rule)


def diagnostics_of(err: BaseException | str, rule: str | None = None) -> list[Diagnostic]:
    """The diagnostics of any of budgetlint's errors — an unreadable input (InputError), a config
    (ConfigError), a case file (CaseError), rule files (RulebookError, RuleSyntaxError) or a run
    (BudgetlintError) — as the one Diagnostic type; rule: what the input is, when the error's
    class does not say (a waivers or baseline file is read as an InputError: "waivers-file" …)."""
    from budgetlint.cases import CaseError
    from budgetlint.limits import InputError
    from budgetlint.rulebook import RulebookError

    if isinstance(err, BudgetlintError):
        return list(err.diagnostics)
    if isinstance(err, str):  # a rendered error (a worker's FileResult.error)
        return [_diagnostic(err, rule or "input")]
    if isinstance(err, ConfigError):
        return [
            Diagnostic(
                err.file or "", err.line or 0, err.column or 0, "", err.text, "error", rule or "config"
            )
        ]
    if isinstance(err, InputError | CaseError):
        kind = rule or ("case-file" if isinstance(err, CaseError) else "input")
        return [Diagnostic(err.file or "", err.line or 0, err.column or 0, "", err.message, "error", kind)]
    if isinstance(err, RulebookError):
        return [_diagnostic(p, rule or "rule-file") for p in err.problems]
    render = getattr(err, "render", None)  # RuleSyntaxError: file:line:col: syntax error: …, a caret
    return [_diagnostic(render() if render else str(err), rule or "rule-file")]


def render_error(diagnostic: Diagnostic) -> str:
    """A problem of a run's input as the CLI prints it (one path for every kind of input):
    `file:line:col: error: message`, `file: error: message` without a place, `budgetlint: message`
    without a file (a flag); a rule file's problem as the rule checker words it
    (`file:line:col: unbound name …`, `file:line:col: syntax error: …` with the line and a caret)."""
    d = diagnostic
    if not d.file:
        return f"budgetlint: {d.message}"
    where = f"{d.file}:{d.line}:{d.column or 1}" if d.line else d.file
    if d.rule == "rule-file":
        return f"{where}: {d.message}"
    return f"{where}: {d.severity}: {d.message}"


def load_rulebook(rule_paths: Iterable = (), builtin: bool = True, display=str):
    """The built-in rulebook (unless builtin is False: then only its shared definitions) and the rule
    files or folders given; raises BudgetlintError with one diagnostic per problem."""
    from budgetlint.resources import rules_dir
    from budgetlint.rulebook import RulebookError
    from budgetlint.rulebook import load_rulebook as load
    from budgetlint.schema import BUILTIN_SCHEMA

    paths = [rules_dir() if builtin else rules_dir() / "_common.rules"] + [Path(p) for p in rule_paths]
    try:
        return load(paths, BUILTIN_SCHEMA, display=display)
    except RulebookError as err:
        raise BudgetlintError(diagnostics_of(err)) from None


class Post:
    """What happens to a document's findings after the engine: severity, selection, waivers, baseline."""

    keep_known = False  # pass on the findings the baseline knows, marked Item.baselined

    def __init__(self, config, tags, waivers=None, baseline=None, writer=None):
        from budgetlint.config import rule_selected, severity_for

        self.config, self.tags = config, tags
        self.waivers, self.baseline, self.writer = waivers, baseline, writer
        self._selected, self._severity = rule_selected, severity_for

    def adjust(self, finding):
        tags = self.tags.get(finding.rule, ())
        if not self._selected(self.config, finding.rule, tags):
            return None
        severity = self._severity(self.config, finding.rule, tags, finding.severity)
        return finding if severity == finding.severity else finding._replace(severity=severity)

    def items(self, result) -> list:
        from budgetlint.report import Item

        for part in (self.waivers, self.baseline):
            if part is not None:
                part.mark_checked(result.name)
        out = []
        for n, finding in enumerate(result.findings):
            finding = self.adjust(finding)
            if finding is None:
                continue
            digest = result.fingerprints[n] if result.fingerprints else None
            ident = result.identities[n] if result.identities else None
            waiver = self.waivers.find(result.name, finding, ident) if self.waivers else None
            legacy = result.legacy[n] if result.legacy else None
            if (
                waiver is None
                and self.baseline is not None
                and self.baseline.is_known(result.name, finding, digest, ident, legacy)
            ):
                if self.keep_known:  # shown apart by a reporter that wants them (html)
                    out.append(Item(finding, None, digest, True))
                continue
            if waiver is None and self.writer is not None:
                self.writer.add(result.name, finding, digest, ident)
            out.append(Item(finding, waiver, digest))
        return out

    def waiver_items(self) -> list:
        from budgetlint.report import Item

        if self.waivers is None:
            return []
        return [Item(f) for f in map(self.adjust, self.waivers.problems()) if f is not None]


class Run:
    """A configured run: its settings (a budgetlint.config.Config), rulebook, waivers and baseline.

    Run(config) takes a Config (budgetlint.config.load_config reads one; Config() is the defaults);
    Run.from_project() finds the project's config as the CLI does. The rulebook is loaded once, when
    first needed."""

    def __init__(self, config: Config | None = None, *, waivers=None, baseline=None):
        self.config = config if config is not None else Config()
        self._waivers_path = Path(waivers) if waivers else self.config.waivers
        self._baseline_path = Path(baseline) if baseline else None
        self._rulebook = None
        self._post: Post | None = None

    @classmethod
    def from_project(
        cls, start: str | Path | None = None, config_file: str | None = None, use_config: bool = True, **flags
    ) -> Run:
        """The config of the project around `start` (default: the working folder) or config_file,
        or none (use_config=False), with flags as the CLI's (select=("PCT",), ignore=…, fail_on=…,
        profile=…, tolerance=… (or rounding_per_item=…, the setting's own name))."""
        from budgetlint.config import load_config

        try:
            config = load_config(config_file, use_files=use_config, start=Path(start) if start else None)
            config = config.with_flags(**flags)
        except ConfigError as err:
            raise BudgetlintError(diagnostics_of(err)) from None
        return cls(config)

    # --- the rulebook, waivers and baseline, loaded when first needed

    @property
    def rule_paths(self) -> tuple[str, ...]:
        return tuple(str(p) for p in self.config.rules)

    @property
    def rulebook(self):
        if self._rulebook is None:
            from budgetlint.config import check_selectors, rule_selected

            for path in self.config.rules:
                if not path.exists():
                    error = self.config.error("rules", f"no such rule file or folder: {path}")
                    raise BudgetlintError(diagnostics_of(error))
            full = load_rulebook(self.rule_paths, self.config.builtin_rules)
            self.tags = {r.info.id: r.info.tags for r in full.rules}
            try:
                check_selectors(self.config, self.tags)
            except ConfigError as err:
                raise BudgetlintError(diagnostics_of(err)) from None
            keep = tuple(r.info.id for r in full.rules if rule_selected(self.config, r.info.id, r.info.tags))
            self.keep = keep
            self._rulebook = full.only(keep)
        return self._rulebook

    @property
    def post(self) -> Post:
        if self._post is None:
            from budgetlint.loader import InputError

            rulebook = self.rulebook  # noqa: F841 - sets self.tags
            waivers = baseline = None
            try:
                if self._waivers_path is not None:
                    from budgetlint.waivers import load_waivers

                    waivers = load_waivers(self._waivers_path)
            except InputError as err:
                raise BudgetlintError(diagnostics_of(err, "waivers-file")) from None
            try:
                if self._baseline_path is not None:
                    from budgetlint.baseline import load_baseline

                    baseline = load_baseline(self._baseline_path)
            except InputError as err:
                raise BudgetlintError(diagnostics_of(err, "baseline-file")) from None
            self._post = Post(self.config, self.tags, waivers, baseline)
        return self._post

    def recipe(self):
        """What a worker process needs to rebuild this run's rulebook (budgetlint.batch.Recipe)."""
        from budgetlint import batch

        rulebook = self.rulebook  # noqa: F841 - sets self.keep
        post = self.post
        prints = post.waivers is not None or post.baseline is not None
        legacy = post.baseline is not None and post.baseline.legacy
        return batch.Recipe(
            self.rule_paths,
            self.config.builtin_rules,
            self.keep,
            self.config.profile,
            self.config.rounding_per_item,
            prints,
            legacy,
        )

    # --- checking

    def check_paths(self, paths: Iterable[str], jobs: int = 1) -> Iterator[tuple[str, list[Diagnostic]]]:
        """(name, diagnostics) per document found under paths (files, folders, globs), in order, as
        `budgetlint check` finds and checks them; an unreadable document gives one diagnostic of
        rule "input". Waiver problems come last, under the waivers file's name."""
        from budgetlint import batch
        from budgetlint.config import excluded

        recipe = self.recipe()
        skip = (lambda path: excluded(self.config, path)) if self.config.exclude else None
        sources = batch.discover(paths, skip=skip)
        for result in batch.run(sources, recipe, self.rulebook, jobs=jobs):
            if result.skipped:
                continue
            if result.error:
                yield result.name, [_diagnostic(result.error, "input")]
                continue
            yield result.name, [_from_item(i) for i in self.post.items(result)]
        problems = self.post.waiver_items()
        if problems:
            yield self.post.waivers.display, [_from_item(i) for i in problems]

    def check_file(self, path: str | Path) -> list[Diagnostic]:
        """The diagnostics of one document (JSON, YAML, or a PDF imported on the fly)."""
        out: list[Diagnostic] = []
        for _name, diagnostics in self.check_paths([str(path)]):
            out.extend(diagnostics)
        return out

    def check_data(self, data, name: str = "<data>") -> list[Diagnostic]:
        """The diagnostics of a document given as data (a dict as the JSON would load; positions 1:1)."""
        from budgetlint import batch
        from budgetlint.engine import check_document
        from budgetlint.loader import Document

        recipe = self.recipe()
        findings = tuple(check_document(Document.in_memory(name, data), self.rulebook, recipe.settings()))
        result = batch.FileResult(name, findings)
        if recipe.fingerprints:
            from budgetlint.baseline import fingerprint, identity

            idents = tuple(identity(data, f.pointer) for f in findings)
            prints = tuple(fingerprint(data, f, i) for f, i in zip(findings, idents, strict=True))
            result = result._replace(fingerprints=prints, identities=idents)
        return [_from_item(i) for i in self.post.items(result)]


def _from_item(item) -> Diagnostic:
    f = item.finding
    waived = item.waived.reason if item.waived is not None else None
    return Diagnostic(f.file, f.line, f.column, f.pointer, f.message, f.severity, f.rule, waived,
                      item.baselined, item.fingerprint)  # fmt: skip
