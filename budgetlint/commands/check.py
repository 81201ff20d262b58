"""`budgetlint check`: arguments, output and exit status over budgetlint.api (config, checking, Post)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import click

from budgetlint.cli import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    EXIT_USAGE,
    cli,
    display_path,
    error_lines,
    fail,
    fail_with,
    load_rulebook_or_exit,
)
from budgetlint.report import FORMATS
from budgetlint.report.printable import printable

SELECTORS = "exact ids, topics (PCT), wildcards (PCT-01*) or tags, comma-separated"


def _split(values) -> tuple[str, ...] | None:
    items = tuple(v.strip() for value in values for v in value.split(",") if v.strip())
    return items or None


def _identity(path) -> tuple:
    """What makes two paths the same file: device and inode when it exists, else the resolved path."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return ("path", os.path.normcase(os.path.realpath(path)))
    return ("file", st.st_dev, st.st_ino)


def _is_special(path) -> bool:
    """An existing file that is not a regular file (/dev/null, a FIFO): writing it destroys nothing."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _rule_files(rule_paths) -> list[Path]:
    """The rule files a run reads, found as the rulebook finds them."""
    files = []
    for p in map(Path, rule_paths):
        files.extend(sorted(p.rglob("*.rules")) if p.is_dir() else [p])
    return files


def check_outputs(outputs: list[tuple[str, str]], inputs: list[tuple[str, object]]) -> None:
    """Before anything is written, refuse an output file whose folder does not exist, that is another
    output, or that is an input. outputs: (option, path); inputs: (what it is, path)."""
    keys: dict[tuple, str] = {}
    for option, path in outputs:
        if _is_special(path):
            continue
        folder = Path(path).parent
        if not folder.is_dir():
            fail(printable(f"budgetlint: {option} {path}: no such folder: {folder}"))
        key = _identity(path)
        if key in keys:
            fail(printable(f"budgetlint: {option} {path} is the same file as {keys[key]}; use another file"))
        keys[key] = f"{option} {path}"
    if not keys:
        return
    for what, path in inputs:
        option = keys.get(_identity(path))
        if option is not None:
            fail(printable(f"budgetlint: {option} would overwrite {what} {path}; use another file"))


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Output format."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "--rules",
    "rule_dirs",
    multiple=True,
    type=click.Path(exists=True),
    help="Extra rule file or directory (repeatable), added to the built-in rulebook.",
)
@click.option(
    "--no-builtin-rules", is_flag=True, help="Use only the rules given with --rules or in the config."
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="Use this config file instead of searching for one.",
)
@click.option("--no-config", is_flag=True, help="Ignore budgetlint.toml and pyproject.toml.")
@click.option("--select", multiple=True, help=f"Only these rules: {SELECTORS}.")
@click.option("--ignore", multiple=True, help=f"Leave out these rules (besides the config's): {SELECTORS}.")
@click.option("--extend-select", multiple=True, help="Rules to select besides `select` (config or --select).")
@click.option("--extend-ignore", multiple=True, help="Rules to leave out besides `ignore` (as --ignore).")
@click.option("--exclude", multiple=True,
              help="Leave out of folder scans and globs: a name (vendor) or a path (a/b/**).")  # fmt: skip
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain (input errors: 2).")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    help="Exit 1 if a finding at or above this severity remains (default: error).",
)
@click.option("--profile", help="Profile of rules to apply (national, jiangxi, jiangxi-2023 …).")
@click.option("--tolerance", "--rounding-per-item", "rounding_per_item",
              help="Rounding allowance per printed item, e.g. 0.005 (rounding_per_item).")  # fmt: skip
@click.option(
    "--waivers",
    "waivers_file",
    type=click.Path(dir_okay=False),
    help="Waivers file (default: budgetlint-waivers.yaml next to the config).",
)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False),
    help="Report only findings not recorded in this baseline.",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False),
    help="Record the current findings in this baseline file; exit 0.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Worker processes (0: one per CPU).",
)
@click.option("--statistics", is_flag=True, help="Count findings per rule after the report.")
@click.option("--stdin-filename", default="<stdin>", help="Name of the document read from '-'.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on standard error (default: on a terminal, for 20+ documents).",
)
@click.option("--lang", type=click.Choice(["zh", "en"]),
              help="Language of messages and titles (default: the config's `lang`, else zh).")  # fmt: skip
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour in text output.")  # fmt: skip
@click.option("--declared-only", is_flag=True,
              help="Skip named JSON/YAML files that do not declare `format: budgetlint/…`, as a folder "
                   "scan does (the pre-commit hook's mode).")  # fmt: skip
@click.option("-v", "--verbose", is_flag=True, help="Name the files skipped as not budgetlint documents.")
@click.option("--timings", is_flag=True,
              help="Each rule's time, summed over the documents (and --jobs workers), after the report, "
                   "on stderr.")  # fmt: skip
@click.option("--timings-top", type=click.IntRange(min=0), default=20, show_default=True,
              help="How many of the costliest rules --timings lists (0: all).")  # fmt: skip
def check(files, fmt, output, rule_dirs, no_builtin_rules, config_file, no_config, select, ignore, fail_on,
          profile, rounding_per_item, waivers_file, baseline_file, write_baseline, jobs, statistics,
          stdin_filename, progress, color, declared_only, verbose, lang, extend_select, extend_ignore,
          exclude, exit_zero, timings, timings_top) -> None:  # fmt: skip
    """Check disclosure documents: files, folders (*.json, *.yaml, *.yml, *.pdf inside), globs, - (stdin).

    A .pdf (or .txt text of one) is imported on the fly; its findings give the page and line as line:column.

    Exit status: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or input error.
    """
    from budgetlint import batch
    from budgetlint.api import Post
    from budgetlint.config import ConfigError, check_selectors, load_config, rule_selected
    from budgetlint.loader import InputError
    from budgetlint.report import Summary, make_reporter

    try:
        config = load_config(config_file, use_files=not no_config)
        config = config.with_flags(
            select=_split(select),
            ignore=_split(ignore),
            extend_select=_split(extend_select),
            extend_ignore=_split(extend_ignore),
            exclude=tuple(exclude) or None,
            fail_on=fail_on,
            profile=profile,
            rounding_per_item=rounding_per_item,
            lang=lang,
        )
        for path in config.rules:
            if not path.exists():
                raise config.error("rules", f"no such rule file or folder: {path}")
    except ConfigError as err:
        fail_with(err)
    rule_paths = tuple(str(p) for p in (*config.rules, *rule_dirs))
    builtin = config.builtin_rules and not no_builtin_rules
    full = load_rulebook_or_exit(rule_paths, builtin=builtin)
    tags = {r.info.id: r.info.tags for r in full.rules}
    try:
        check_selectors(config, tags)
    except ConfigError as err:
        fail_with(err)
    keep = tuple(r.info.id for r in full.rules if rule_selected(config, r.info.id, r.info.tags))
    rulebook = full.only(keep)

    waivers = baseline = writer = None
    waivers_path = Path(waivers_file) if waivers_file else config.waivers
    try:
        if waivers_path is not None:
            from budgetlint.waivers import load_waivers

            waivers = load_waivers(waivers_path, display_path(waivers_path))
    except InputError as err:
        fail_with(err, "waivers-file")
    try:
        if baseline_file:
            from budgetlint.baseline import load_baseline

            baseline = load_baseline(Path(baseline_file))
        if write_baseline:
            from budgetlint.baseline import BaselineWriter

            writer = BaselineWriter(Path(write_baseline))
    except InputError as err:
        fail_with(err, "baseline-file")
    post = Post(config, tags, waivers, baseline, writer)

    from budgetlint.config import excluded

    skip = (lambda path: excluded(config, path)) if config.exclude else None
    sources = batch.discover(files, stdin_filename, declared_only=declared_only, skip=skip)
    if output or write_baseline:
        outputs = [("-o/--output", output), ("--write-baseline", write_baseline)]
        inputs = [("the document", s.path) for s in sources if s.path is not None]
        inputs += [("the waivers file", waivers_path), ("the config file", config.path)]
        inputs += [("the baseline", baseline_file)] + [("the rule file", p) for p in _rule_files(rule_paths)]
        check_outputs([o for o in outputs if o[1]], [i for i in inputs if i[1]])
    need_prints = bool(baseline or writer or waivers) or fmt == "sarif"
    legacy = baseline is not None and baseline.legacy  # a version-1 baseline: its own fingerprints
    recipe = batch.Recipe(
        rule_paths, builtin, keep, config.profile, config.rounding_per_item, need_prints, legacy, timings
    )
    report = None
    if output:
        from budgetlint.atomic import AtomicWriter

        report = AtomicWriter(output)
        try:
            out = report.open()
        except OSError as err:
            fail(printable(f"budgetlint: cannot write the report to {output}: {err.strerror or err}"))
    else:
        out = sys.stdout
    paint = color == "always" or (
        color == "auto" and not output and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    )
    reporter = make_reporter(fmt, out, [r.info for r in rulebook.rules], color=fmt == "text" and paint,
                             fail_on=config.fail_on, lang=config.lang or "zh")  # fmt: skip
    if fmt == "html":  # the report shows each document's tables: it reads the documents again
        reporter.sources = {s.name: s for s in sources}
    post.keep_known = reporter.wants_baselined
    summary = Summary(fail_on=config.fail_on, statistics=statistics)
    if timings:  # each document's, measured where it is checked (a worker too) and returned with it
        from budgetlint.timings import RuleTimings

        spent = RuleTimings()
    bar = batch.Progress(len(sources), enabled=progress)
    skipped: list[str] = []  # found files that are not budgetlint documents: not counted, never failing
    try:
        reporter.begin()
        for result in batch.run(sources, recipe, rulebook, jobs=jobs or os.cpu_count() or 1):
            bar.step()
            if result.timings is not None:
                spent.merge(result.timings)
            if result.skipped:
                skipped.append(result.name)
                continue
            if result.error:
                bar.close()
                click.echo("\n".join(error_lines(result.error)), err=True)
                summary.unreadable += 1
                continue
            items = post.items(result)
            summary.files += 1
            summary.add(items)
            reporter.file(result.name, items)
        bar.close()
        extra = post.waiver_items()
        if extra:
            summary.add(extra)
            reporter.file(waivers.display, extra, document=False)
        if baseline is not None:
            summary.baseline_known, summary.baseline_fixed = baseline.matched, baseline.fixed()
        reporter.end(summary)
    except BaseException:  # an interrupted or failed run leaves the old report, not half a new one
        if report is not None:
            report.discard()
        raise
    if report is not None:
        try:
            report.commit()
        except OSError as err:
            fail(printable(f"budgetlint: cannot write the report to {output}: {err.strerror or err}"))
    if skipped and verbose:
        shown = ", ".join(skipped[:10]) + (f" and {len(skipped) - 10} more" if len(skipped) > 10 else "")
        click.echo(
            printable(f"budgetlint: skipped {len(skipped)} file(s) that do not declare "
                      f"`format: budgetlint/…`: {shown}"),
            err=True,
        )  # fmt: skip
    if statistics and fmt != "text":
        from budgetlint.report.text import statistics_lines

        click.echo("\n".join(statistics_lines(summary, reporter.rules, reporter.lang)), err=True)
    if timings:
        click.echo("\n".join(spent.lines(timings_top)), err=True)
    if writer is not None:
        try:
            n = writer.write()
        except InputError as err:
            fail_with(err, "baseline-file")
        click.echo(printable(f"budgetlint: wrote {n} finding(s) to the baseline {write_baseline}"), err=True)
    if summary.unreadable:
        sys.exit(EXIT_USAGE)
    failing = any(summary.counts[s] for s in summary.counts if config.fails(s))
    sys.exit(EXIT_FINDINGS if failing and writer is None and not exit_zero else EXIT_CLEAN)
