"""Configuration: `[tool.budgetlint]` in pyproject.toml or `budgetlint.toml`, merged with flags."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from budgetlint.findings import LANGS, SEVERITIES, at_or_above

WAIVERS_NAME = "budgetlint-waivers.yaml"
# findings that do not come from a rule of the rulebook: `select` keeps them, only `ignore` by
# their exact id drops them (a broken document must not pass because a selection left it out)
SPECIAL_IDS = ("schema", "rule-error", "waiver")
KEYS = (
    "rules",
    "builtin-rules",
    "select",
    "ignore",
    "severity",
    "tolerance",
    "profile",
    "fail-on",
    "waivers",
    "lang",
    "exclude",
    "extend-select",
    "extend-ignore",
)


class ConfigError(Exception):
    """A configuration problem, rendered `file: key.path: message`."""

    def __init__(self, where: str, message: str):
        self.where, self.message = where, message
        super().__init__(f"{where}: {message}")


# Config's empty default mappings: read-only, as a NamedTuple default is shared by every instance.
_EMPTY: Mapping[str, str] = MappingProxyType({})


class Config(NamedTuple):
    """The settings of a run. A named tuple, immutable and compared by value: a frozen dataclass
    costs ~1 ms to create at import, on every run."""

    path: Path | None = None  # the config file, None without one
    prefix: str = ""  # "tool.budgetlint." in pyproject.toml, "" in budgetlint.toml
    rules: tuple[Path, ...] = ()
    builtin_rules: bool = True
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, str] = _EMPTY
    tolerance: Decimal | None = None
    profile: str | None = None
    fail_on: str = "error"
    waivers: Path | None = None
    origin: Mapping[str, str] = _EMPTY  # key → where it was set, for messages
    lang: str | None = None  # "zh" or "en" (--lang overrides); None: zh (README, Configuration)
    # paths to leave out of folder scans, globs and the hook: (folder the pattern is relative to, pattern)
    exclude: tuple[tuple[Path, str], ...] = ()
    extend_select: tuple[str, ...] = ()  # rules selected besides `select` (when `select` narrows)

    def where(self, key: str) -> str:
        return self.origin.get(key, f"{self.path}: {self.prefix}{key}" if self.path else key)

    def fails(self, severity: str) -> bool:
        return at_or_above(severity, self.fail_on)

    def with_flags(self, **flags) -> Config:
        """Command-line values (None = not given) override the file; --ignore, --extend-ignore,
        --extend-select and --exclude add to it (as ruff's do)."""
        changes, origin = {}, dict(self.origin)
        for key, value in flags.items():
            if value is None or value == ():
                continue
            if key in ("ignore", "extend_ignore"):
                key, value = "ignore", (*changes.get("ignore", self.ignore), *value)
            elif key == "extend_select":
                value = (*self.extend_select, *value)
            elif key == "exclude":
                value = (*self.exclude, *((Path.cwd(), v) for v in value))
            changes[key] = value
            origin[key.replace("_", "-")] = f"--{key.replace('_', '-')}"
        if "fail_on" in changes:
            _choice(changes["fail_on"], SEVERITIES, "--fail-on")
        if "profile" in changes:
            _profile(changes["profile"], "--profile")
        if "tolerance" in changes:
            changes["tolerance"] = _decimal(changes["tolerance"], "--tolerance")
        if "lang" in changes:
            _choice(changes["lang"], LANGS, "--lang")
        return self._replace(origin=origin, **changes)


def find_config(start: Path) -> tuple[Path, str] | None:
    """Walk up from start: the first budgetlint.toml, or pyproject.toml with [tool.budgetlint]."""
    for folder in [start, *start.parents]:
        own = folder / "budgetlint.toml"
        if own.is_file():
            return own, ""
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _mentions_budgetlint(pyproject):
            tool = _read(pyproject).get("tool")
            if isinstance(tool, dict) and "budgetlint" in tool:
                return pyproject, "tool.budgetlint."
    return None


def load_config(explicit: str | None = None, use_files: bool = True, start: Path | None = None) -> Config:
    if explicit is not None:
        path = Path(explicit)
        try:
            is_file = path.is_file()
        except (OSError, ValueError) as err:  # a name too long …
            why = getattr(err, "strerror", None) or err
            raise ConfigError(_short(explicit), f"cannot read: {why}") from None
        if not is_file:
            raise ConfigError(explicit, "no such config file")
        prefix = "tool.budgetlint." if path.name == "pyproject.toml" else ""
        found = (path, prefix)
    elif not use_files:
        return Config()
    else:
        found = find_config(start or Path.cwd())
    if found is None:
        return Config()
    path, prefix = found
    table = _read(path)
    if prefix:
        tool = table.get("tool")
        if tool is not None and not isinstance(tool, dict):
            raise ConfigError(f"{path}: tool", "expected a table [tool]")
        table = (tool or {}).get("budgetlint")
        if table is None:
            raise ConfigError(str(path), "no [tool.budgetlint] table")
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: tool.budgetlint", "expected a table [tool.budgetlint]")
    return parse_table(table, path, prefix)


def _short(text: str) -> str:
    return text if len(text) <= 80 else f"{text[:40]}…{text[-30:]}"


def _mentions_budgetlint(path: Path) -> bool:
    # Most projects' pyproject.toml belongs to other tools: no need to parse it (or to import a
    # TOML parser) when the word does not even occur. A [tool.budgetlint] table always has it.
    try:
        return b"budgetlint" in path.read_bytes()
    except OSError:
        return True  # let _read report it


def _read(path: Path) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    from budgetlint.loader import InputError, read_file

    try:
        text = read_file(path, str(path), limit=1 << 20).decode("utf-8")
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(str(path), f"invalid TOML: {err}") from None
    except InputError as err:
        raise ConfigError(str(path), err.message.replace("the file is larger", "larger")) from None
    except UnicodeDecodeError as err:
        raise ConfigError(str(path), f"cannot read: {err}") from None
    except RecursionError:  # arrays or tables nested thousands deep
        raise ConfigError(str(path), "invalid TOML: nested too deeply") from None


def parse_table(table: dict, path: Path, prefix: str = "") -> Config:
    def where(key: str) -> str:
        return f"{path}: {prefix}{key}"

    values: dict = {}
    for key, value in table.items():
        if key not in KEYS:
            from budgetlint.hints import did_you_mean

            hint = did_you_mean(key, KEYS) or f" (known: {', '.join(KEYS)})"
            raise ConfigError(where(key), f"unknown key{hint}")
        if key in ("rules", "select", "ignore", "extend-select", "extend-ignore", "exclude"):
            items = _strings(value, where(key))
            if key == "rules":
                values[key] = tuple(path.parent / i for i in items)
            elif key == "exclude":
                values[key] = tuple((path.parent, i) for i in items)
            elif key == "extend-ignore":
                values["ignore"] = (*values.get("ignore", ()), *items)
            elif key == "ignore":
                values[key] = (*items, *values.get("ignore", ()))
            else:
                values[key.replace("-", "_")] = tuple(items)
        elif key == "builtin-rules":
            if not isinstance(value, bool):
                raise ConfigError(where(key), "expected true or false")
            values["builtin_rules"] = value
        elif key == "severity":
            if not isinstance(value, dict):
                raise ConfigError(where(key), 'expected a table, e.g. [severity] "PERF-04" = "error"')
            values[key] = {k: _choice(v, SEVERITIES, where(f'{key}."{k}"')) for k, v in value.items()}
        elif key == "tolerance":
            values[key] = _decimal(value, where(key))
        elif key == "profile":
            values[key] = _profile(value, where(key))
        elif key == "fail-on":
            values["fail_on"] = _choice(value, SEVERITIES, where(key))
        elif key == "lang":
            values[key] = _choice(value, LANGS, where(key))
        elif key == "waivers":
            if not isinstance(value, str):
                raise ConfigError(where(key), "expected a path (text)")
            values[key] = path.parent / value
    if "waivers" not in values and (path.parent / WAIVERS_NAME).is_file():
        values["waivers"] = path.parent / WAIVERS_NAME
    origin = {k: where(k) for k in table}
    return Config(path=path, prefix=prefix, origin=origin, **values)


def _strings(value, where: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(where, "expected a list of non-empty strings")
    return value


def _choice(value, choices, where: str) -> str:
    if value not in choices:
        raise ConfigError(where, f"{value!r} is not one of {', '.join(choices)}")
    return value


def _decimal(value, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise ConfigError(where, f"expected a number, got {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ConfigError(where, f"{value!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise ConfigError(where, f"{value} must be a finite number ≥ 0")
    from budgetlint.loader import number_out_of_range

    problem = number_out_of_range(number)
    if problem:
        raise ConfigError(where, f"{str(value)[:24]}: {problem}")
    return number


def _profile(value, where: str) -> str:
    from budgetlint.profiles import PROFILES, is_known

    if isinstance(value, str) and is_known(value):
        return value
    known = ", ".join(PROFILES)
    raise ConfigError(where, f"{value!r} is not one of {known}, nor a year of one of them (jiangxi-2024)")


# --- selection by id, group or tag ---------------------------------------------------------------
#
# A selector is one of: a rule id, exact (`PCT-01` is PCT-01 only, never PCT-01T); a topic, the id's
# part before its first dash (`PCT`: PCT-01, PCT-01T, PCT-02 …); a wildcard (`PCT-01*`: PCT-01 and
# PCT-01T; `*`, `?` and `[…]` as in shell patterns); or a tag (`three-public`).


def _is_wildcard(selector: str) -> bool:
    return any(c in selector for c in "*?[")


def matches(selector: str, rule_id: str, tags: tuple[str, ...] = ()) -> bool:
    if rule_id in SPECIAL_IDS:
        return selector == rule_id
    if selector == rule_id or selector in tags:
        return True
    if _is_wildcard(selector):
        from fnmatch import fnmatchcase

        return fnmatchcase(rule_id, selector)
    return "-" not in selector and rule_id.startswith(selector + "-")


def _rank(selector: str, rule_id: str) -> tuple:
    """How specific a matching selector is: an exact id, then a wildcard, a topic, a tag."""
    if selector == rule_id:
        kind = 0
    elif _is_wildcard(selector):
        kind = 1
    elif "-" not in selector and rule_id.startswith(selector + "-"):
        kind = 2
    else:
        kind = 3
    return (kind, -len(selector))


def check_selectors(config: Config, infos: dict[str, tuple[str, ...]]) -> None:
    """Every selector must match a rule (or a special id): a typo would silently select nothing."""
    for key, selectors in (
        ("select", config.select),
        ("extend-select", config.extend_select),
        ("ignore", config.ignore),
        ("severity", config.severity),
    ):
        for s in selectors:
            if s in SPECIAL_IDS or any(matches(s, rid, tags) for rid, tags in infos.items()):
                continue
            from budgetlint.hints import did_you_mean

            if not _is_wildcard(s) and any(rid.startswith(s) for rid in infos):
                hint = f"; ids are exact: write {s}* for the rules whose id starts with {s}"
            else:
                hint = did_you_mean(s, infos, quote="")
            raise ConfigError(config.where(key), f"{s!r} matches no rule id, topic, wildcard or tag{hint}")


def rule_selected(config: Config, rule_id: str, tags: tuple[str, ...] = ()) -> bool:
    if any(matches(s, rule_id, tags) for s in config.ignore):
        return False
    if not config.select or rule_id in SPECIAL_IDS:
        return True
    return any(matches(s, rule_id, tags) for s in (*config.select, *config.extend_select))


def excluded(config: Config, path: str | Path) -> bool:
    """Whether a path is left out by `exclude` / --exclude. A pattern without a slash matches a
    file or folder name anywhere (`vendor`, `*.draft.json`); one with a slash matches the path
    from the config's folder (`archive/2019`, `drafts/**/*.yaml`), and everything under it."""
    if not config.exclude:
        return False
    from fnmatch import fnmatchcase

    full = Path(path).resolve()
    for base, pattern in config.exclude:
        try:
            parts = full.relative_to(base.resolve()).parts
        except ValueError:
            parts = full.parts if "/" not in pattern.strip("/") else ()
        anchored = pattern.strip("/")
        if "/" not in anchored:
            if any(fnmatchcase(part, anchored) for part in parts):
                return True
        elif any(fnmatchcase("/".join(parts[:n]), anchored) for n in range(1, len(parts) + 1)):
            return True
    return False


def severity_for(config: Config, rule_id: str, tags: tuple[str, ...], default: str) -> str:
    """The override of the most specific selector: an exact id, then a wildcard, a topic, a tag."""
    best, best_rank = default, None
    for selector, severity in config.severity.items():
        if not matches(selector, rule_id, tags):
            continue
        rank = _rank(selector, rule_id)
        if best_rank is None or rank < best_rank:
            best, best_rank = severity, rank
    return best
