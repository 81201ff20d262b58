"""Configuration: `[tool.budgetlint]` in pyproject.toml or `budgetlint.toml`, merged with flags."""

from __future__ import annotations

import re
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
    "lint-rules",
)
LINT_RULES_KEYS = ("line-length", "select", "ignore")  # of the `lint-rules` table


class ConfigError(Exception):
    """A configuration problem: `where` is the key path (`tool.budgetlint.fail-on`) or the flag
    (`--tolerance`); a key of a config file also has the file and, where the key's line is found
    in the text, its line:column. Rendered `file:line:col: error: key.path: message` (a flag:
    `--flag: message`)."""

    def __init__(self, where: str, message: str, file: str | None = None, line=None, column=None):
        self.where, self.message = where, message
        self.file, self.line, self.column = file, line, column
        super().__init__(self.render())

    @property
    def text(self) -> str:
        """The message with its key path: what a diagnostic's message is."""
        return f"{self.where}: {self.message}" if self.where else self.message

    def render(self) -> str:
        if self.file is None:
            return self.text
        where = self.file if self.line is None else f"{self.file}:{self.line}:{self.column or 1}"
        return f"{where}: error: {self.text}"

    def placed(self, file: str, position: tuple[int, int] | None) -> ConfigError:
        return ConfigError(self.where, self.message, file, *(position or (None, None)))


# Config's empty default mappings: read-only, as a NamedTuple default is shared by every instance.
_EMPTY: Mapping[str, str] = MappingProxyType({})


class LintRulesConfig(NamedTuple):
    """`budgetlint lint-rules`' settings: the `lint-rules` table (`[lint-rules]` in budgetlint.toml,
    `[tool.budgetlint.lint-rules]` in pyproject.toml); its options override them (docs/lint-rules.md)."""

    line_length: int | None = None  # None: budgetlint.lint.DEFAULT_LINE_LENGTH
    select: tuple[str, ...] = ()  # check codes (names given are read as their codes); (): every check
    ignore: tuple[str, ...] = ()


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
    # the run setting rules read as setting("rounding_per_item") (engine.Settings, dsl.scope.SETTINGS);
    # the config's key and the CLI's flag keep the name users know, `tolerance` / --tolerance
    rounding_per_item: Decimal | None = None
    profile: str | None = None
    fail_on: str = "error"
    waivers: Path | None = None
    # key → where it was set, for messages: (key path or flag, config file, line, column)
    origin: Mapping[str, tuple] = _EMPTY
    lang: str | None = None  # "zh" or "en" (--lang overrides); None: zh (README, Configuration)
    # paths to leave out of folder scans, globs and the hook: (folder the pattern is relative to, pattern)
    exclude: tuple[tuple[Path, str], ...] = ()
    extend_select: tuple[str, ...] = ()  # rules selected besides `select` (when `select` narrows)
    lint_rules: LintRulesConfig = LintRulesConfig()  # `budgetlint lint-rules`' own table

    def error(self, key: str, message: str) -> ConfigError:
        """A problem with a key's value, placed where the key was set (the file's line, or a flag)."""
        where, file, line, column = self.origin.get(
            key, (f"{self.prefix}{key}", str(self.path) if self.path else None, None, None)
        )
        return ConfigError(where, message, file, line, column)

    def fails(self, severity: str) -> bool:
        return at_or_above(severity, self.fail_on)

    def with_flags(self, **flags) -> Config:
        """Command-line values (None = not given) override the file; --ignore, --extend-ignore,
        --extend-select and --exclude add to it (as ruff's do)."""
        changes, origin = {}, dict(self.origin)
        if "tolerance" in flags:  # --tolerance, the name users know, is the setting rounding_per_item
            flags = {**flags, "rounding_per_item": flags.get("rounding_per_item") or flags["tolerance"]}
            del flags["tolerance"]
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
            flag = "tolerance" if key == "rounding_per_item" else key.replace("_", "-")
            origin[key.replace("_", "-")] = (f"--{flag}", None, None, None)
        if "fail_on" in changes:
            _choice(changes["fail_on"], SEVERITIES, "--fail-on")
        if "profile" in changes:
            _profile(changes["profile"], "--profile")
        if "rounding_per_item" in changes:
            changes["rounding_per_item"] = _decimal(changes["rounding_per_item"], "--tolerance")
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
            tool = _read(pyproject)[0].get("tool")
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
    table, text = _read(path)
    if prefix:
        where = _Where(path, text, "")
        tool = table.get("tool")
        if tool is not None and not isinstance(tool, dict):
            raise where.error(("tool",), "expected a table [tool]", absolute=True)
        table = (tool or {}).get("budgetlint")
        if table is None:
            raise ConfigError("", "no [tool.budgetlint] table", str(path))
        if not isinstance(table, dict):
            raise where.error(("tool", "budgetlint"), "expected a table [tool.budgetlint]", absolute=True)
    return parse_table(table, path, prefix, text)


def _short(text: str) -> str:
    return text if len(text) <= 80 else f"{text[:40]}…{text[-30:]}"


# Where a TOML text can define the table tool.budgetlint: a header [tool.budgetlint…] or [tool]
# ([[…]] too), a dotted key tool.budgetlint… = or tool = {…}, each key bare, "quoted" or
# 'quoted', with blanks around the dots. (Only a quoted key spelt with escapes, "b\u0075dgetlint",
# is missed.) A pyproject that names budgetlint only elsewhere — a dependency, a script, the
# project's own name — is not parsed: importing tomllib is ~17 M instructions of a cold `check`.
_TOOL = rb"""(?:tool|"tool"|'tool')"""
_OURS = rb"""(?:budgetlint|"budgetlint"|'budgetlint')"""
_MAY_DEFINE_OUR_TABLE = re.compile(
    rb"(?m)^[ \t]*\[\[?[ \t]*" + _TOOL + rb"[ \t]*(?:\]|\.[ \t]*" + _OURS + rb")"
    rb"|^[ \t]*" + _TOOL + rb"[ \t]*(?:=|\.[ \t]*" + _OURS + rb")"
)


def _mentions_budgetlint(path: Path) -> bool:
    # Most projects' pyproject.toml belongs to other tools: no need to parse it (or to import a
    # TOML parser) when it cannot define a [tool.budgetlint] table.
    try:
        text = path.read_bytes()
    except OSError:
        return True  # let _read report it
    return b"budgetlint" in text and _MAY_DEFINE_OUR_TABLE.search(text) is not None


def _read(path: Path) -> tuple[dict, str]:
    """The TOML file's table and its text (for the lines of its keys)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    from budgetlint.loader import InputError, read_file

    name = str(path)
    try:
        text = read_file(path, name, limit=1 << 20).decode("utf-8")
        return tomllib.loads(text, parse_float=Decimal), text
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        at = _TOML_AT.search(message)
        place = (int(at[1]), int(at[2])) if at else (None, None)
        raise ConfigError("", f"invalid TOML: {_TOML_AT.sub('', message)}", name, *place) from None
    except InputError as err:
        raise ConfigError("", err.message.replace("the file is larger", "larger"), name) from None
    except UnicodeDecodeError as err:
        raise ConfigError("", f"cannot read: {err}", name) from None
    except RecursionError:  # arrays or tables nested thousands deep
        raise ConfigError("", "invalid TOML: nested too deeply", name) from None


_TOML_AT = re.compile(r" *\(at line (\d+), column (\d+)\)")
# TOML keys, bare or quoted, dotted; a table header; an assignment (tomllib gives no positions:
# the key's line is found in the text, best effort: the first line that assigns that key path)
_KEY = r"""[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'"""
_DOTTED = rf"(?:{_KEY})(?:[ \t]*\.[ \t]*(?:{_KEY}))*"
_HEADER = rf"^([ \t]*)\[\[?[ \t]*({_DOTTED})[ \t]*\]"
_ASSIGN = rf"^([ \t]*)({_DOTTED})[ \t]*="


def _key_tokens(dotted: str) -> tuple[str, ...]:
    out = []
    for key in re.findall(_KEY, dotted):
        if key.startswith('"'):
            import json

            try:
                key = json.loads(key)
            except ValueError:
                key = key[1:-1]
        elif key.startswith("'"):
            key = key[1:-1]
        out.append(key)
    return tuple(out)


def key_lines(text: str) -> dict[tuple[str, ...], tuple[int, int]]:
    """Each key path of a TOML text (table headers and assignments) → the (line, column) of its
    first line; lines inside multi-line strings are skipped."""
    # compiled here, not when the module loads: a run reads a config's positions only to report
    # an error in it, and compiling these two costs ~3 % of a cold `check` (re caches them)
    header_at, assign_at = re.compile(_HEADER).match, re.compile(_ASSIGN).match
    found: dict[tuple[str, ...], tuple[int, int]] = {}
    table: tuple[str, ...] = ()
    in_string = None
    for number, line in enumerate(text.splitlines(), 1):
        if in_string is not None:
            if line.count(in_string) % 2:
                in_string = None
            continue
        header = header_at(line)
        if header:
            table = _key_tokens(header[2])
            found.setdefault(table, (number, len(header[1]) + 1))
            continue
        assign = assign_at(line)
        if assign:
            found.setdefault(table + _key_tokens(assign[2]), (number, len(assign[1]) + 1))
            rest = line[assign.end() :]
            for quotes in ('"""', "'''"):
                if rest.count(quotes) % 2:
                    in_string = quotes
    return found


class _Where:
    """Key paths of a config file, as messages name them and as its text places them."""

    def __init__(self, path: Path, text: str | None, prefix: str):
        self.path, self.prefix = path, prefix
        self.tokens = tuple(prefix.rstrip(".").split(".")) if prefix else ()
        self._text = text
        self._found: dict | None = None  # key_lines(text), read when a message needs a place

    @property
    def _lines(self) -> dict:
        if self._found is None:
            self._found = key_lines(self._text) if self._text else {}
        return self._found

    def label(self, keys) -> str:
        out = self.prefix
        for n, key in enumerate(keys):
            if isinstance(key, int):
                out += f"[{key}]"
            elif n == 0:
                out += key
            elif keys[0] == "lint-rules" and re.fullmatch("[A-Za-z0-9_-]+", key):  # its own keys, bare
                out += f".{key}"
            else:
                out += f'."{key}"'
        return out

    def position(self, keys, absolute: bool = False) -> tuple[int, int] | None:
        """The line:column of the key (or of its nearest parent whose line is found); keys from the
        budgetlint table, or from the file's top (absolute)."""
        path = () if absolute else self.tokens
        path += tuple(k for k in keys if not isinstance(k, int))
        while path:
            if path in self._lines:
                return self._lines[path]
            path = path[:-1]
        return None

    def error(self, keys, message: str, absolute: bool = False) -> ConfigError:
        label = ".".join(keys) if absolute else self.label(keys)
        return ConfigError(label, message, str(self.path), *(self.position(keys, absolute) or (None, None)))


def _keys_of(data, pointer: str) -> tuple:
    """A JSON Pointer into the table as its keys, array indices as ints."""
    from budgetlint.findings import unescape_pointer_token

    out: list = []
    for token in pointer.split("/")[1:]:
        token = unescape_pointer_token(token)
        if isinstance(data, list) and token.isdigit():
            out.append(int(token))
            data = data[int(token)] if int(token) < len(data) else None
        else:
            out.append(token)
            data = data.get(token) if isinstance(data, dict) else None
    return tuple(out)


def parse_table(table: dict, path: Path, prefix: str = "", text: str | None = None) -> Config:
    """A config from its table, validated against budgetlint/schema/config.schema.json (types, known
    keys and values), then for what a schema cannot say (a profile's year, a number's range)."""
    from budgetlint.schema.inputs import first, problems

    here = _Where(path, text, prefix)
    problem = first(problems("config", table), lambda p: here.position(_keys_of(table, p)))
    if problem is not None:
        keys = _keys_of(table, problem.pointer)
        message = problem.message
        if problem.keyword == "additionalProperties" and len(keys) == 1:
            from budgetlint.hints import did_you_mean

            message = "unknown key" + (did_you_mean(keys[0], KEYS) or f" (known: {', '.join(KEYS)})")
        elif problem.keyword == "additionalProperties" and keys[:1] == ("lint-rules",) and len(keys) == 2:
            from budgetlint.hints import did_you_mean

            known = LINT_RULES_KEYS
            message = "unknown key" + (did_you_mean(keys[1], known) or f" (known: {', '.join(known)})")
        raise here.error(keys, message)

    values: dict = {}
    for key, value in table.items():
        try:
            if key in ("rules", "select", "ignore", "extend-select", "extend-ignore", "exclude"):
                items = [value] if isinstance(value, str) else value
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
                values["builtin_rules"] = value
            elif key == "severity":
                values[key] = dict(value)
            elif key == "tolerance":
                values["rounding_per_item"] = _decimal(value, here.label((key,)))
            elif key == "profile":
                values[key] = _profile(value, here.label((key,)))
            elif key == "fail-on":
                values["fail_on"] = value
            elif key == "lang":
                values[key] = value
            elif key == "waivers":
                values[key] = path.parent / value
            elif key == "lint-rules":
                values["lint_rules"] = _lint_rules(value, here)
        except ConfigError as err:
            if err.file is not None:  # placed already, at a key inside the table
                raise
            raise err.placed(str(path), here.position((key,))) from None
    if "waivers" not in values and (path.parent / WAIVERS_NAME).is_file():
        values["waivers"] = path.parent / WAIVERS_NAME
    origin = {k: (here.label((k,)), str(path), *(here.position((k,)) or (None, None))) for k in table}
    for k in table.get("lint-rules", {}):  # "lint-rules.select" …: where lint-rules' own keys were set
        keys = ("lint-rules", k)
        origin[".".join(keys)] = (here.label(keys), str(path), *(here.position(keys) or (None, None)))
    return Config(path=path, prefix=prefix, origin=origin, **values)


def _lint_rules(table: dict, here: _Where) -> LintRulesConfig:
    """The `lint-rules` table (its types checked by the schema): check names read as their codes,
    an unknown check refused at its key's line as any bad value is."""
    from budgetlint.lint.model import codes_of

    codes = {}
    for key in ("select", "ignore"):
        value = table.get(key, ())
        try:
            codes[key] = tuple(sorted(codes_of([value] if isinstance(value, str) else value, key)))
        except ValueError as err:
            raise here.error(("lint-rules", key), str(err).split(": ", 1)[1]) from None
    length = table.get("line-length")
    return LintRulesConfig(None if length is None else int(length), codes["select"], codes["ignore"])


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
            raise config.error(key, f"{s!r} matches no rule id, topic, wildcard or tag{hint}")


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
