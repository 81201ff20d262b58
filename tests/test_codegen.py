"""Rules are compiled to generated Python (issue 15): the code comes only from the checked AST,
`budgetlint compile --show` prints it, a type error still points at the rule file's line and
column (source map), and the cached code objects are authenticated: a tampered entry (truncated,
bit-flipped, of another format or Python) is rebuilt, never executed."""

from __future__ import annotations

import marshal
import os
from pathlib import Path

import pytest

from budgetlint.dsl import cache
from budgetlint.dsl.parser import parse_rules
from budgetlint.engine import rule_findings
from budgetlint.loader import Document
from budgetlint.resources import rules_dir
from budgetlint.rulebook import build, load_rulebook, read_sources, rule_files
from budgetlint.schema import load_schema
from tests.conftest import SAMPLE, run_cli

DOC = {"items": [{"name": "a", "amount": 1}], "text": "x"}
RULE = """def bad(x) = x * 2
def also_bad(y) = bad(y) + 1
rule T-1 {{
  title "标题" title_en "Title" severity error basis "依据"
  {body}
}}
"""


def _finding(body: str):
    rules, problems = build([parse_rules(RULE.format(body=body), "t.rules")], None)
    assert not problems
    [finding] = rule_findings(Document.in_memory("d.json", DOC), type("B", (), {"rules": tuple(rules)})())
    return finding.rule, finding.line, finding.column


@pytest.mark.parametrize(
    ("body", "line", "column"),
    [
        ("let n = also_bad(text)\n assert true\n message 'm'", 5, 11),  # raised two definitions down
        ("let n = items[bad(it.name) > 1]\n assert true\n message 'm'", 5, 11),  # in a filter
        ("for i in items\n when present(i.name)\n assert false\n at get(i, bad(text))\n message 'm'", 8, 5),
        ("assert false\n message 'm'\n message_en '{bad(text)}'", 7, 13),
        ("for i in items\n let z = 1\n assert [1 for w in text] == z\n message 'm'", 7, 9),
    ],
)
def test_a_type_error_points_at_the_rule_file_through_the_source_map(body, line, column):
    assert _finding(body) == ("rule-error", line, column)


def test_literals_reach_the_code_through_repr_only():
    text = "'); import os; os.system('false'); ('\\n\"\"\"{"
    body = f'assert false\n message "{text.replace(chr(34), chr(92) + chr(34))}"'
    rules, problems = build([parse_rules(RULE.format(body=body), "t.rules")], None)
    assert not problems, problems
    [hit] = rules[0].evaluate(DOC, type("P", (), {"memo": {}, "of": lambda self, v: None})())
    assert hit.message == text.replace("\\n", "\n")


def test_the_generated_module_sees_only_the_runtime_it_is_given():
    rules, _ = build([parse_rules(RULE.format(body="assert true\n message 'm'"), "t.rules")], None)
    names = rules[0].run.__globals__
    assert "open" not in names["__builtins__"] and "__import__" not in names["__builtins__"]
    # min and max: what the inline min()/max() of numbers calls (codegen.INLINE)
    assert set(names["__builtins__"]) == {"len", "abs", "enumerate", "type", "isinstance", "min", "max"}


def test_compile_show_prints_a_rules_code_and_the_definitions_it_calls():
    result = run_cli("compile", "--show", "ARITH-03", env={"BUDGETLINT_NO_CACHE": "1"})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "# rule 'ARITH-03' (rules/arithmetic.rules:" in out
    assert "# definition '_common.functional_tables'" in out
    assert out.index("# definition") < out.index("# rule")
    compile(out, "<shown>", "exec")  # it is the code itself, not a rendering of it
    missing = run_cli("compile", "--show", "ARITH-0", env={"BUDGETLINT_NO_CACHE": "1"})
    assert missing.returncode == 2 and "did you mean" in missing.stderr


# --- the cache of code objects


@pytest.fixture
def folder(tmp_path, monkeypatch):
    path = tmp_path / "cache"
    monkeypatch.setenv("BUDGETLINT_CACHE_DIR", str(path))
    monkeypatch.delenv("BUDGETLINT_NO_CACHE", raising=False)
    return path


def _findings(rulebook):
    doc = Document.in_memory(SAMPLE.name, _seed())
    return [tuple(f) for f in rule_findings(doc, rulebook)]


def _seed():
    import json
    from decimal import Decimal

    return json.loads(SAMPLE.read_text(encoding="utf-8"), parse_float=Decimal, parse_int=Decimal)


@pytest.fixture(scope="module")
def uncached():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BUDGETLINT_NO_CACHE", "1")
        return _findings(load_rulebook([rules_dir()], load_schema()))


def _code_entry(folder):
    [entry] = folder.glob("*" + cache.CODE_SUFFIX)
    return entry


def _planted(marker) -> bytes:
    """A code object that creates marker when it is executed."""
    return marshal.dumps(compile(f"open({str(marker)!r}, 'w').close()\nRULES = ()\n", "<planted>", "exec"))


def test_a_second_run_takes_its_rules_from_the_code_cache(folder, uncached):
    load_rulebook([rules_dir()], load_schema())
    entry = _code_entry(folder)
    assert oct(entry.stat().st_mode & 0o777) == "0o600" and oct(folder.stat().st_mode & 0o777) == "0o700"
    assert entry.read_bytes().startswith(cache.CODE_FORMAT)
    rulebook = load_rulebook([rules_dir()], load_schema())
    assert rulebook.rules[0].run.__code__.co_filename == "<budgetlint rules>"
    assert _findings(rulebook) == uncached


@pytest.mark.parametrize("how", ["truncated", "bit-flipped", "wrong-format", "planted-wrong-key", "not-code"])
def test_a_tampered_code_entry_is_rebuilt_not_executed(folder, uncached, tmp_path, how):
    load_rulebook([rules_dir()], load_schema())
    entry = _code_entry(folder)
    whole = entry.read_bytes()
    marker = tmp_path / "executed"
    header = len(cache.CODE_FORMAT) + cache.MAC_SIZE
    if how == "truncated":
        entry.write_bytes(whole[: len(whole) // 2])
    elif how == "bit-flipped":
        flipped = bytearray(whole)
        flipped[header + 100] ^= 0x01
        entry.write_bytes(bytes(flipped))
    elif how == "wrong-format":  # another version of the generator: its entry is not ours
        payload = whole[header:]
        secret = (folder / cache.KEY_FILE).read_bytes()
        old = b"budgetlint-generated-rules/0\n"
        entry.write_bytes(old + cache._mac(secret, entry.stem, payload, old) + payload)
    elif how == "planted-wrong-key":
        payload = _planted(marker)
        forged = cache._mac(os.urandom(cache.SECRET_SIZE), entry.stem, payload, cache.CODE_FORMAT)
        entry.write_bytes(cache.CODE_FORMAT + forged + payload)
    else:  # MACed with the real key, but not a code object
        payload = marshal.dumps([1, 2, 3])
        secret = (folder / cache.KEY_FILE).read_bytes()
        entry.write_bytes(
            cache.CODE_FORMAT + cache._mac(secret, entry.stem, payload, cache.CODE_FORMAT) + payload
        )
    assert cache.load_code(entry.stem) is None
    rulebook = load_rulebook([rules_dir()], load_schema())
    assert not marker.exists()
    assert _findings(rulebook) == uncached
    assert cache.load_code(entry.stem) is not None  # rebuilt


def test_the_code_is_keyed_by_the_python_version_and_the_schema(folder, monkeypatch):
    from budgetlint.rulebook import _schema_digest
    from budgetlint.schema import BUILTIN_SCHEMA

    sources, _ = read_sources(rule_files([rules_dir()]))
    schema = load_schema()
    key = cache.code_key(sources, _schema_digest(schema))
    # the built-in schema, parsed or not, is one key; any other schema another
    assert cache.code_key(sources, _schema_digest(BUILTIN_SCHEMA)) == key
    assert cache.code_key(sources, _schema_digest({**schema, "title": "other"})) != key
    assert _schema_digest({**schema, "title": "other"}) != _schema_digest({**schema, "title": "else"})
    assert _schema_digest(None) != _schema_digest({})
    monkeypatch.setattr("sys.version", "3.99.0 (another Python)")
    assert cache.code_key(sources, _schema_digest(schema)) != key


def test_the_code_is_keyed_by_the_generator_and_builtins(folder, tmp_path, monkeypatch):
    """budgetlint/dsl/*.py by name, size and modification time: an edit of a builtin (which
    changes its time) makes a new key."""
    import os

    from budgetlint.dsl import cache as cache_module
    from budgetlint.rulebook import _schema_digest

    sources, _ = read_sources(rule_files([rules_dir()]))
    digest = _schema_digest(None)
    key = cache.code_key(sources, digest)
    dsl = Path(cache_module.__file__).parent
    stat = os.stat(dsl / "functions.py")
    real_stat = os.stat

    def touched(path, *args, **kwargs):
        st = real_stat(path, *args, **kwargs)
        if Path(path) == dsl / "functions.py":  # the same file, saved a second later
            extra = {"st_mtime": st.st_mtime + 1, "st_mtime_ns": st.st_mtime_ns + 10**9}
            return os.stat_result(tuple(st), extra)
        return st

    monkeypatch.setattr(os, "stat", touched)
    assert os.stat(dsl / "functions.py").st_mtime_ns != stat.st_mtime_ns
    assert cache.code_key(sources, digest) != key
