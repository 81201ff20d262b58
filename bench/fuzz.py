"""Fuzz budgetlint as an adversary and a careless user would (issue 12), and count what went wrong.

    python bench/fuzz.py [--seed N] [--scale X] [--parallel N]

Campaigns (each run is `budgetlint check …` or `budgetlint test …` as a user types it, in a
process forked from this one after the imports, with standard output and error captured and a
2 GiB address-space limit; killed at 60 s):

- documents: the seed and a YAML sample truncated, with invalid UTF-8, raw control characters,
  huge numbers and strings, deep nesting, a value of the wrong type at a random place (every
  place of the seed over the campaign), too many values, BOM/UTF-16, duplicate keys, NaN, YAML
  tags and aliases — checked in batches of 20, alternately with --jobs 1 and 2, --format json -o;
- rules: built-in rule files with tokens deleted, repeated, swapped or replaced, adversarial
  regular expressions, definitions that double, nested loops, text and lists doubled by let,
  expressions nested hundreds deep — each file alone (`check --no-builtin-rules --rules F`), one
  in five run by `test` beside its case file;
- config, waivers, baseline: broken files of each, mutated shapes, types, sizes;
- outputs: -o and --write-baseline at missing folders, folders, inputs, long names, /dev/full;
- batches: 30 documents with 10 % broken ones under --jobs 2 with -o json: every document must be
  in the report or named on standard error, and the report must be valid JSON.

Printed per campaign: runs, tracebacks, "internal error"s, runs over 20 s, runs over 1 GB (peak
RSS of the run and its workers), unclear failures (exit 2 without a message, a crash by signal,
an exit code other than 0/1/2, or a batch that lost a document or its report). Exit 1 if any
count but runs is not zero.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import re
import resource
import shutil
import signal
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "samples" / "xunwu-2023-social-insurance.json"
YAML_SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))
RULES = ROOT / "rules"
SLOW, KILL, BIG = 20.0, 60.0, 1 << 30
ADDRESS_LIMIT = 2 << 30


# --- running one command ------------------------------------------------------------------------
class Outcome:
    def __init__(self, code: int, seconds: float, rss: int, out: str, err: str):
        self.code, self.seconds, self.rss, self.out, self.err = code, seconds, rss, out, err


def run(args: list[str], cwd: Path, stdin: bytes = b"") -> Outcome:
    """`budgetlint ARGS` in a forked child: the imports are paid once, by this process."""
    outcomes: list[Outcome] = []
    runner = Runner(1)
    runner.submit(args, cwd, outcomes.append, stdin)
    runner.drain()
    return outcomes[0]


class Runner:
    """Up to `parallel` runs at a time; each outcome is handed to its callback when it ends."""

    def __init__(self, parallel: int):
        self.parallel = parallel
        self.pending: dict[int, tuple] = {}  # pid → (start, out, err, stdin files, callback)

    def submit(self, args: list[str], cwd: Path, done, stdin: bytes = b"") -> None:
        while len(self.pending) >= self.parallel:
            self._reap()
        # closed when the run ends (a with-block would not outlive the fork)
        out_file, err_file = tempfile.TemporaryFile(), tempfile.TemporaryFile()  # noqa: SIM115
        in_file = tempfile.TemporaryFile()  # noqa: SIM115
        in_file.write(stdin)
        in_file.seek(0)
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            _child(args, cwd, in_file, out_file, err_file)
        self.pending[pid] = (start, out_file, err_file, in_file, done)

    def drain(self) -> None:
        while self.pending:
            self._reap()

    def _reap(self) -> None:
        for pid, (start, out_file, err_file, in_file, done) in list(self.pending.items()):
            finished, status, rusage = os.wait4(pid, os.WNOHANG)
            if not finished:
                if time.monotonic() - start > KILL:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(pid, signal.SIGKILL)
                continue
            del self.pending[pid]
            seconds = time.monotonic() - start
            texts = []
            for f in (out_file, err_file):
                f.seek(0)
                texts.append(f.read().decode("utf-8", "replace"))
                f.close()
            in_file.close()
            done(Outcome(os.waitstatus_to_exitcode(status), seconds, rusage.ru_maxrss * 1024, *texts))
            return
        time.sleep(0.005)


def _child(args, cwd, in_file, out_file, err_file) -> None:
    """The forked child: a user's `budgetlint ARGS`; never returns."""
    code = 70
    try:
        os.setsid()
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_LIMIT, ADDRESS_LIMIT))
        os.chdir(cwd)
        for fd, f in ((0, in_file), (1, out_file), (2, err_file)):
            os.dup2(f.fileno(), fd)
        sys.stdin = io.TextIOWrapper(os.fdopen(0, "rb", closefd=False))
        sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", closefd=False), write_through=True)
        sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb", closefd=False), write_through=True)
        sys.argv = ["budgetlint", *args]
        from budgetlint.cli import main

        try:
            main()
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 2
        except BaseException:  # a traceback a user would see
            import traceback

            traceback.print_exc()
            code = 1
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
    finally:
        os._exit(code)


class Tally:
    def __init__(self, name: str):
        self.name = name
        self.runs = self.tracebacks = self.internal = self.slow = self.big = self.unclear = 0
        self.longest = 0.0  # seconds of the slowest run
        self.largest = 0  # peak RSS of the largest run, bytes
        self.examples: list[str] = []

    def add(self, outcome: Outcome, what: str, clear: bool = True) -> None:
        self.runs += 1
        self.longest = max(self.longest, outcome.seconds)
        self.largest = max(self.largest, outcome.rss)
        text = outcome.out + outcome.err
        problems = []
        if "Traceback (most recent call last)" in text:
            self.tracebacks += 1
            problems.append("traceback")
        if "internal error" in text:
            self.internal += 1
            problems.append("internal error")
        if outcome.seconds > SLOW:
            self.slow += 1
            problems.append(f"{outcome.seconds:.0f} s")
        if outcome.rss > BIG:
            self.big += 1
            problems.append(f"{outcome.rss >> 20} MiB")
        if not clear or outcome.code not in (0, 1, 2) or (outcome.code == 2 and not outcome.err.strip()):
            self.unclear += 1
            problems.append(f"exit {outcome.code}")
        if problems and len(self.examples) < 5:
            last = outcome.err.strip().splitlines()[-1:] or [""]
            self.examples.append(f"{what}: {', '.join(problems)}: {last[0][:200]}")

    def bad(self) -> int:
        return self.tracebacks + self.internal + self.slow + self.big + self.unclear


# --- documents ----------------------------------------------------------------------------------
def _load(text: str):
    return json.loads(text, parse_float=Decimal, parse_int=Decimal)


def _dump_json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, default=str)


def _dump_yaml(data) -> str:
    import yaml

    def plain(value):
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() and abs(value) < 10**15 else float(value)
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return yaml.safe_dump(plain(data), allow_unicode=True, sort_keys=False)


def _places(data, path=()):
    """Every place of the data: (path, value)."""
    out = [(path, data)]
    if isinstance(data, dict):
        for k, v in data.items():
            out.extend(_places(v, (*path, k)))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.extend(_places(v, (*path, i)))
    return out


def _replace(data, path, value):
    if not path:
        return value
    node = data
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    return data


WRONG = [
    None,
    True,
    False,
    "x",
    "",
    Decimal("-1"),
    Decimal("0"),
    Decimal("1e30"),
    [],
    {},
    [Decimal(1), "a", None],
    {"x": Decimal(1)},
    "1e999999999",
    "\u202e\x1b[31m",
    "{x[1:]}",
]


def _nested(depth: int, kind: str) -> str:
    if kind == "[":
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


def documents(rng: random.Random, count: int):
    """(file name, bytes) of broken documents."""
    seed_text = SAMPLE.read_text(encoding="utf-8")
    seed = _load(seed_text)
    places = _places(seed)
    numbers = [m.start() for m in re.finditer(r"(?<=: )-?\d[\d.]*", seed_text)]
    strings = [m.start() + 1 for m in re.finditer(r'(?<=: )"', seed_text)]
    yamls = [p.read_text(encoding="utf-8") for p in YAML_SAMPLES[:2]] or [_dump_yaml(seed)]
    kinds = ["truncate", "utf8", "control", "huge", "deep", "wrong", "wrong-yaml", "syntax", "yaml", "big"]
    for n in range(count):
        kind = kinds[n % len(kinds)]
        name = f"doc{n:05}-{kind}"
        if kind == "truncate":
            cut = rng.randrange(len(seed_text))
            yield f"{name}.json", seed_text[:cut].encode()
        elif kind == "utf8":
            raw = bytearray(seed_text.encode())
            raw[rng.randrange(len(raw)) : 0] = rng.choice(
                [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\xfe\xff"]
            )
            yield f"{name}.json", bytes(raw)
        elif kind == "control":
            at = rng.choice(strings)
            char = chr(rng.choice([0, 7, 8, 11, 12, 27, 127, 0x85, 0x2028]))
            text = seed_text[:at] + char + seed_text[at:]
            if rng.random() < 0.5:
                yield f"{name}.json", text.encode()
            else:
                yaml_text = rng.choice(yamls)
                lines = yaml_text.splitlines()
                i = rng.randrange(len(lines))
                lines[i] += char
                yield f"{name}.yaml", "\n".join(lines).encode("utf-8", "surrogatepass")
        elif kind == "huge":
            at = rng.choice(numbers)
            end = re.match(r"-?\d[\d.]*", seed_text[at:]).end() + at
            big = rng.choice(
                ["1e999999999", "-1e-999999999", "9" * 5000, "0e999999", "1" + "0" * 31, "1.5e+30"]
            )
            if rng.random() < 0.3:
                big = json.dumps("字" * rng.choice([100_000, 1_000_000]))
            yield f"{name}.json", (seed_text[:at] + big + seed_text[end:]).encode()
        elif kind == "deep":
            at = rng.choice(numbers)
            end = re.match(r"-?\d[\d.]*", seed_text[at:]).end() + at
            deep = _nested(rng.choice([50, 99, 101, 500, 990, 5000, 100_000]), rng.choice("[{"))
            if rng.random() < 0.5:
                yield f"{name}.json", (seed_text[:at] + deep + seed_text[end:]).encode()
            else:
                yield f"{name}.yaml", ("title: " + deep + "\n").encode()
        elif kind in ("wrong", "wrong-yaml"):
            data = _load(seed_text)
            path, _ = places[(n * 7919) % len(places)]  # over the campaign: every place
            data = _replace(data, path, rng.choice(WRONG))
            if kind == "wrong":
                yield f"{name}.json", _dump_json(data).encode()
            else:
                yield f"{name}.yaml", _dump_yaml(data).encode()
        elif kind == "syntax":
            variants = [
                b"",
                b"   \n",
                b"[]",
                b"42",
                b"null",
                b'"text"',
                b"\xef\xbb\xbf" + seed_text.encode(),
                seed_text.encode("utf-16"),
                b'{"a": 1, "a": 2}',
                b'{"a": NaN}',
                b'{"a": -Infinity}',
                b'{"a": [1, 2,]}',
                b"{" * 3 + b"}" * 2,
                b'{"\\ud800": 1}',
                b'{"a": "\\u0000"}',
            ]
            yield f"{name}.json", rng.choice(variants)
        elif kind == "yaml":
            variants = [
                "a: &a [1, 2]\nb: [*a, *a]\n",
                "a: &a [*a]\n",
                "".join(
                    f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9 if i else ["x"] * 9) + "]\n"
                    for i in range(9)
                ),
                "a: !!python/object/apply:os.system ['true']\n",
                "a: 1\na: 2\n",
                "? [1, 2]\n: 3\n",
                "a:\t1\n",
                "a: 1.0e+999999\n",
                "a: 0x" + "f" * 5000 + "\n",
                "- 1\n" * 300_000,
                "a: [" + ", ".join(["{}"] * 300_000) + "]\n",
                "%YAML 9.9\n---\na: 1\n",
                "a: 1\n---\nb: 2\n",
            ]
            yield f"{name}.yaml", rng.choice(variants).encode()
        else:  # big
            size = rng.choice([100_000, 260_000, 3_000_000])
            filler = rng.choice(["0", "{}", '"a,b"', "[]"])
            yield f"{name}.json", ("[" + ",".join([filler] * size) + "]").encode()


def campaign_documents(rng, count: int, work: Path) -> Tally:
    tally = Tally("documents")
    batch: list[Path] = []
    folder = work / "docs"

    def flush(index: int):
        report = work / "report.json"
        jobs = "2" if index % 2 else "1"
        outcome = run(
            ["check", "--no-config", "-j", jobs, "--format", "json", "-o", str(report), str(folder)], work
        )
        clear = _batch_complete(outcome, report, batch)
        tally.add(outcome, f"batch {index} (-j {jobs})", clear)
        shutil.rmtree(folder)
        batch.clear()

    folder.mkdir()
    for n, (name, raw) in enumerate(documents(rng, count)):
        (folder / name).write_bytes(raw)
        batch.append(folder / name)
        if len(batch) == 20:
            flush(n // 20)
            folder.mkdir()
    if batch:
        flush(count)
    tally.documents = count
    return tally


def _batch_complete(outcome: Outcome, report: Path, docs: list[Path]) -> bool:
    """Every document that declares itself is in the report or named on standard error, and the
    report is JSON. A file found in a folder whose text does not even mention `format:
    budgetlint/…` is not budgetlint's to judge (issue 16) and is skipped without a word (said
    only under --verbose): a truncated or garbled document can lose its declaration that way."""
    from budgetlint.batch import _MENTIONS_FORMAT

    if outcome.code not in (0, 1, 2):
        return False
    try:
        files = set(json.loads(report.read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError):
        return False
    shown = {name.rsplit("/", 1)[-1] for name in files}
    shown |= {line.split(":", 1)[0].rsplit("/", 1)[-1] for line in outcome.err.splitlines()}
    declared = [doc for doc in docs if _MENTIONS_FORMAT.search(doc.read_bytes())]
    return all(doc.name in shown for doc in declared)


# --- rule files ---------------------------------------------------------------------------------
_TOKEN = re.compile(r'"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|\w[\w-]*|\S')
POOL = [
    "rule",
    "def",
    "for",
    "in",
    "let",
    "when",
    "assert",
    "message",
    "at",
    "title",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    ".",
    "==",
    "!=",
    "<",
    "+",
    "-",
    "*",
    "/",
    "±",
    "and",
    "or",
    "not",
    "if",
    "then",
    "else",
    "null",
    "true",
    "it",
    "1e999999",
    "0",
    "-1",
    '"',
    "'",
    '"{x[1:]}"',
    '"{"',
    '"}"',
    '"{{"',
    "matches",
    "sum(",
    "count(",
    "tables",
    "narrative",
    "X-1",
    '"\\u0000"',
    "for x in tables.revenue.rows",
]
REGEXES = [
    "((a+))+$",
    "(a|a)+$",
    "((a)+)+$",
    "a*a*a*a*a*a*!!",
    "(x+x+)+y",
    "(.*a){20}",
    "(\\w+\\s?)+$",
    "(?<=a)b",
    "(a)\\1",
    "\\b",
    "a{1001}",
    "(",
    "[",
    "(?P<x>a)(?P=x)",
    "(?x) a b",
    "\\p{Han}",
    "[\\W]",
    "(?i)" + "a?" * 30 + "a" * 30,
    "^(([a-z])+.)+[A-Z]([a-z])+$",
    "x" * 300,
    "\\u4e00+",
    "(?#c)a",
]
HEAD = 'title "t" title_en "t" severity error basis "b"'


def rule_texts(rng: random.Random, count: int):
    """(name, text) of broken, adversarial or runaway rule files."""
    sources = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(RULES.glob("*.rules"))]
    for n in range(count):
        kind = n % 5
        if kind < 3:  # token mutations of a built-in file
            name, text = rng.choice(sources)
            tokens = _TOKEN.findall(text)
            for _ in range(rng.randint(1, 4)):
                i = rng.randrange(len(tokens))
                op = rng.choice("drsiT")
                if op == "d":
                    del tokens[i]
                elif op == "r":
                    tokens.insert(i, tokens[i])
                elif op == "s" and i + 1 < len(tokens):
                    tokens[i], tokens[i + 1] = tokens[i + 1], tokens[i]
                elif op == "i":
                    tokens.insert(i, rng.choice(POOL))
                else:
                    tokens[i] = rng.choice(POOL)
            if name == "_common.rules":  # alone it would be a duplicate of the built-in one
                tokens = [t.replace("def ", "def f_") if t.startswith("def") else t for t in tokens]
            yield f"m{n:04}-{name}", " ".join(tokens)
        elif kind == 3:  # adversarial regular expressions
            pattern = rng.choice(REGEXES).replace("\\", "\\\\").replace("'", "\\'")
            yield (
                f"re{n:04}.rules",
                (
                    f"rule RE-1 {{ {HEAD}\n  for s in narrative.sections\n"
                    f"  assert not matches(s.title + s.title + s.title, '{pattern}') message \"m\" }}\n"
                ),
            )
        else:  # runaway definitions, loops, doubling, nesting
            yield f"run{n:04}.rules", _runaway(rng)


def _runaway(rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        depth = rng.randint(8, 45)
        defs = "def e0(x) = x\n" + "".join(f"def e{i + 1}(x) = e{i}(x) + e{i}(x)\n" for i in range(depth))
        return defs + f'rule RUN-1 {{ {HEAD} assert e{depth}(1) > 0 message "m" }}\n'
    if kind == 1:
        loops = "\n".join(f"  for x{i} in tables.revenue.rows" for i in range(rng.randint(3, 8)))
        return f'rule RUN-2 {{ {HEAD}\n{loops}\n  assert true message "m" }}\n'
    if kind == 2:
        lets = "\n".join(f"  let s{i + 1} = s{i} + s{i}" for i in range(rng.randint(20, 64)))
        return f'rule RUN-3 {{ {HEAD}\n  let s0 = title.text\n{lets}\n  assert true message "m" }}\n'
    if kind == 3:
        lets = "\n".join(f"  let l{i + 1} = [y for y in l{i} + l{i}]" for i in range(rng.randint(20, 64)))
        return f'rule RUN-4 {{ {HEAD}\n  let l0 = tables.revenue.rows\n{lets}\n  assert true message "m" }}\n'
    if kind == 4:
        depth = rng.choice([50, 99, 101, 1000, 10_000])
        expr = rng.choice(
            [
                "not " * depth + "true",
                "- " * depth + "1",
                "[" * depth + "]" * depth,
                "a" + ".b" * depth,
                " + ".join(["1"] * depth),
                "if true then " * depth + "1" + " else 2" * depth,
            ]
        )
        return f'rule RUN-5 {{ {HEAD}\n  assert {expr} == 1 message "m" }}\n'
    width = rng.randint(2, 6)
    return (
        f"rule RUN-6 {{ {HEAD}\n  for a in tables.revenue.rows\n"
        f"  let n = count([x for x in tables.revenue.rows for y in tables.revenue.rows if x == y])\n"
        + "".join(
            f"  let m{i} = count(tables.revenue.rows[count(tables.revenue.rows) > {i}])\n"
            for i in range(width)
        )
        + '  assert n > 0 message "{n}" }\n'
    )


def campaign_rules(rng, count: int, work: Path, parallel: int) -> Tally:
    tally = Tally("rule files")
    runner = Runner(parallel)
    for n, (name, text) in enumerate(rule_texts(rng, count)):
        folder = work / f"rules{n}"
        folder.mkdir()
        path = folder / (name if name.endswith(".rules") else name + ".rules")
        path.write_text(text, encoding="utf-8")
        if n % 5 == 4 and name.startswith("m"):  # `test`, with the built-in cases of that file
            cases = RULES / name.split("-", 1)[1].replace(".rules", ".cases.yaml")
            if cases.exists():
                shutil.copy(cases, folder / cases.name)
            args = ["test", "--no-builtin-rules", str(folder)]
        else:
            args = ["check", "--no-config", "--no-builtin-rules", "--rules", str(path), str(SAMPLE)]

        def done(outcome, name=name, folder=folder):
            tally.add(outcome, name)
            shutil.rmtree(folder)

        runner.submit(args, work, done)
    runner.drain()
    tally.rule_files = count
    return tally


# --- config, waivers, baseline, outputs ---------------------------------------------------------
def configs(rng: random.Random, count: int):
    values = [
        '"error"',
        "1",
        "1e400",
        "-1",
        "true",
        "[]",
        '["x", 1]',
        "{}",
        '"/nowhere"',
        '"' + "a" * 5000 + '"',
        "[" * 2000 + "]" * 2000,
        '"\\u0000"',
        "0.005",
        '"national"',
        '"PCT"',
        "nan",
        "inf",
    ]
    keys = [
        "rules",
        "builtin-rules",
        "select",
        "ignore",
        "severity",
        "tolerance",
        "profile",
        "fail-on",
        "waivers",
        "x",
    ]
    for n in range(count):
        if n % 4 == 0:
            yield (
                "pyproject.toml",
                rng.choice(
                    [
                        "[tool]\nbudgetlint = 1\n",
                        "tool = 1\n",
                        "[tool.budgetlint]\n" + "x" * 100,
                        "[tool.budgetlint\n",
                        "\x00",
                    ]
                ),
            )
        else:
            lines = [f"{rng.choice(keys)} = {rng.choice(values)}" for _ in range(rng.randint(1, 3))]
            yield "budgetlint.toml", "\n".join(lines) + "\n"


def waivers_texts(rng: random.Random, count: int):
    entries = [
        "document: '*'",
        "document: /nowhere/*.json",
        "document: [1]",
        "document: ''",
        "rule: PCT-01",
        "rule: 5",
        "reason: r",
        "reason: \x07",
        "expires: 2020-01-01",
        "expires: 99999-01-01",
        "expires: x",
        "pointer: nope",
        "pointer: /a",
        "approved_by: [x]",
        "extra: 1",
        "document: '" + "a/" * 3000 + "'",
    ]
    for n in range(count):
        if n % 10 == 0:
            yield rng.choice(["", "x: 1\n", "- 1\n", "waivers: 5\n", "a: [\n", "- &a [*a]\n", "\x1b"])
            continue
        items = []
        for _ in range(rng.randint(1, 4)):
            chosen = ["document: '*'", "rule: PCT-01", "reason: r"]
            chosen[rng.randrange(3)] = rng.choice(entries)
            items.append("- " + "\n  ".join(chosen))
        yield "\n".join(items) + "\n"


def baselines(rng: random.Random, count: int):
    head = '{"format": "budgetlint-baseline", "version": 1, "findings": '
    entry = '"file": "x.json", "rule": "R", "pointer": "", "hash": "h"'
    shapes = [
        head + "5}",
        head + "[5]}",
        head + "null}",
        head + "[{" + entry + ', "count": 1e400}]}',
        head + "[{" + entry + ', "count": 1' + "0" * 5000 + "}]}",
        head + "[{" + entry + ', "count": -1}]}',
        head + '[{"file": 1}]}',
        "[" * 100_000,
        "{}",
        '{"format": "budgetlint-baseline", "version": "1"}',
        '{"format": "budgetlint-baseline", "version": 1e999999999}',
        head + "[{" + entry + "}]}",
        "\xff",
    ]
    for _ in range(count):
        yield rng.choice(shapes)


def campaign_settings(rng, count: int, work: Path, parallel: int) -> Tally:
    tally = Tally("config, waivers, baseline")
    runner = Runner(parallel)

    def done_with(path: Path, what: str):
        def done(outcome):
            tally.add(outcome, what)
            shutil.rmtree(path) if path.is_dir() else path.unlink()

        return done

    for n, (name, text) in enumerate(configs(rng, count)):
        folder = work / f"c{n}"
        folder.mkdir()
        (folder / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        runner.submit(["check", str(SAMPLE)], folder, done_with(folder, f"config {text[:60]!r}"))
    for n, text in enumerate(waivers_texts(rng, count)):
        path = work / f"w{n}.yaml"
        path.write_text(text, encoding="utf-8")
        args = ["check", "--no-config", "--waivers", str(path), str(SAMPLE)]
        runner.submit(args, work, done_with(path, f"waivers {text[:60]!r}"))
    for n, text in enumerate(baselines(rng, count)):
        path = work / f"b{n}.json"
        path.write_text(text, encoding="utf-8")
        args = ["check", "--no-config", "--baseline", str(path), str(SAMPLE)]
        runner.submit(args, work, done_with(path, f"baseline {text[:60]!r}"))
    runner.drain()
    return tally


def campaign_outputs(rng, work: Path) -> Tally:
    tally = Tally("output paths")
    doc = work / "doc.json"
    shutil.copy(SAMPLE, doc)
    (work / "folder").mkdir(exist_ok=True)
    targets = [
        "no/such/dir/x.json",
        "folder",
        str(doc),
        "a" * 5000,
        ("a/" * 3000) + "x",
        "/dev/full",
        "/dev/null",
        "/proc/version",
        "",
        "-",
        str(work / "folder" / "ok.json"),
    ]
    for option in ("-o", "--write-baseline"):
        for target in targets:
            outcome = run(["check", "--no-config", option, target, str(doc)], work)
            tally.add(outcome, f"{option} {target[:40]}")
    return tally


def campaign_batches(rng, count: int, work: Path) -> Tally:
    tally = Tally("batches (--jobs 2)")
    broken = list(documents(rng, 3 * count))
    for n in range(count):
        folder = work / "batch"
        folder.mkdir()
        docs = []
        for i in range(30):
            if i % 10 == 3:
                name, raw = broken[(3 * n + i // 10) % len(broken)]
            else:
                name, raw = f"good{i:02}.json", SAMPLE.read_bytes()
            (folder / name).write_bytes(raw)
            docs.append(folder / name)
        report = work / "batch-report.json"
        outcome = run(
            ["check", "--no-config", "-j", "2", "--format", "json", "-o", str(report), str(folder)], work
        )
        tally.add(outcome, f"batch {n}", _batch_complete(outcome, report, docs))
        shutil.rmtree(folder)
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every campaign's size")
    parser.add_argument("--parallel", type=int, default=2, help="runs at a time (rules, settings)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    import budgetlint.cli  # imported once, before the forks
    import budgetlint.commands.authoring
    import budgetlint.commands.check  # noqa: F401

    def size(n: int) -> int:
        return max(1, round(n * args.scale))

    start = time.monotonic()
    tallies = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for label, make in (
            ("documents", lambda: campaign_documents(rng, size(1000), work)),
            ("rules", lambda: campaign_rules(rng, size(500), work, args.parallel)),
            ("settings", lambda: campaign_settings(rng, size(100), work, args.parallel)),
            ("outputs", lambda: campaign_outputs(rng, work)),
            ("batches", lambda: campaign_batches(rng, size(10), work)),
        ):
            began = time.monotonic()
            tally = make()
            tally.seconds = time.monotonic() - began
            tallies.append(tally)
            print(f"… {label} done in {tally.seconds:.0f} s", file=sys.stderr)
    header = f"{'campaign':<28}{'runs':>6}{'inputs':>8}{'traceback':>10}{'internal':>9}"
    header += f"{'>20 s':>6}{'>1 GB':>6}{'unclear':>8}{'slowest':>9}{'peak MiB':>9}"
    print(header)
    for t in tallies:
        inputs = getattr(t, "documents", getattr(t, "rule_files", t.runs))
        print(
            f"{t.name:<28}{t.runs:>6}{inputs:>8}{t.tracebacks:>10}{t.internal:>9}{t.slow:>6}{t.big:>6}{t.unclear:>8}"
            f"{t.longest:>8.1f}s{t.largest >> 20:>9}"
        )
    print(f"seed {args.seed}, {time.monotonic() - start:.0f} s")
    for t in tallies:
        for example in t.examples:
            print(f"  {t.name}: {example}")
    return 1 if any(t.bad() for t in tallies) else 0


if __name__ == "__main__":
    sys.exit(main())
