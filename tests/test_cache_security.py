"""The rule cache is trusted no more than __pycache__ (issue 12): a tampered, truncated, forged,
foreign-owned or world-writable cache is never loaded, and a run with one gives the same
findings as a run without a cache."""

from __future__ import annotations

import json
import os
import pickle
import stat

import pytest

from budgetlint.dsl import cache
from budgetlint.rulebook import parse_files, rule_files
from tests.conftest import SAMPLE, run_cli

OTHER_UID = 54321  # not the user running the tests
needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file to another user"
)


class Payload:
    """A pickle that creates a file when it is unpickled: the issue's planted entry."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return open, (self.marker, "w")


@pytest.fixture
def folder(tmp_path, monkeypatch):
    path = tmp_path / "cache"
    monkeypatch.setenv("BUDGETLINT_CACHE_DIR", str(path))
    monkeypatch.delenv("BUDGETLINT_NO_CACHE", raising=False)
    return path


RULE = 'rule {id} {{ title "t" title_en "t" severity info basis "b" assert {test} message "m" }}\n'


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Two small rule files: quick to parse, and a rulebook of only the first differs."""
    folder = tmp_path_factory.mktemp("rules")
    (folder / "a.rules").write_text(RULE.format(id="A-01", test="true"), encoding="utf-8")
    (folder / "b.rules").write_text("def two() = 2\n" + RULE.format(id="B-01", test="two() > 1"), "utf-8")
    return rule_files([folder])


@pytest.fixture(scope="module")
def uncached(files):
    """The parsed rule files and the seed's findings with the built-in rules, without a cache."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BUDGETLINT_NO_CACHE", "1")
        parsed, problems = parse_files(files)
    assert not problems and len(parsed) == 2
    return parsed, findings(BUDGETLINT_NO_CACHE="1")


def findings(**env):
    """`budgetlint check` on the seed sample, as a user runs it: exit status and findings."""
    result = run_cli("check", str(SAMPLE), "--format", "json", "--no-config", env=env)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    return result.returncode, json.loads(result.stdout)["findings"]


def cli_findings(folder):
    """The findings of a run with this cache folder, its parsed entry read: without the entry of
    generated code (a run that finds it does not parse; those entries: tests/test_codegen.py)."""
    for code in folder.glob("*" + cache.CODE_SUFFIX):
        code.unlink()
    return findings(BUDGETLINT_CACHE_DIR=str(folder))


def the_entry(folder):
    [entry] = folder.glob("*.pickle")
    return entry


def forge(entry, value, secret: bytes | None = None):
    """Write value as entry, MACed with secret (by default the real key, as only this user can)."""
    secret = (entry.parent / cache.KEY_FILE).read_bytes() if secret is None else secret
    payload = value if isinstance(value, bytes) else pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    entry.write_bytes(cache.FORMAT + cache._mac(secret, entry.stem, payload) + payload)


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


# --- what the cache creates


def test_the_folder_is_created_0700_and_the_key_and_entries_0600(folder, files, uncached, monkeypatch):
    nested = folder / "deeper"
    monkeypatch.setenv("BUDGETLINT_CACHE_DIR", str(nested))
    old_umask = os.umask(0)  # the most permissive umask: the modes must not depend on it
    try:
        parsed, problems = parse_files(files)
    finally:
        os.umask(old_umask)
    assert not problems and parsed == uncached[0]
    assert mode(nested) == 0o700
    assert mode(nested / cache.KEY_FILE) == 0o600
    assert len((nested / cache.KEY_FILE).read_bytes()) == cache.SECRET_SIZE
    assert mode(the_entry(nested)) == 0o600
    assert the_entry(nested).read_bytes().startswith(cache.FORMAT)
    assert [p.name for p in nested.iterdir() if p.suffix == ".tmp"] == []


def test_a_genuine_entry_is_used(folder, files, uncached):
    """The control for the tests below: an entry MACed with the real key is loaded, so a forged
    rulebook (only the first rule file) would change the result if its folder were trusted."""
    parse_files(files)
    forge(the_entry(folder), uncached[0][:1])
    parsed, _ = parse_files(files)
    assert parsed == uncached[0][:1] != uncached[0]


def test_the_key_is_kept_across_runs(folder, files):
    parse_files(files)
    secret = (folder / cache.KEY_FILE).read_bytes()
    the_entry(folder).unlink()
    parse_files(files)
    assert (folder / cache.KEY_FILE).read_bytes() == secret
    assert cache.load(the_entry(folder).stem) is not None


# --- planted, forged and broken entries


def test_a_planted_malicious_pickle_does_not_run_and_the_findings_are_unchanged(folder, tmp_path, uncached):
    control = tmp_path / "control"
    pickle.loads(pickle.dumps(Payload(control)))
    assert control.exists()  # the payload does run when unpickled

    assert cli_findings(folder) == uncached[1]  # fills the cache
    entry = the_entry(folder)
    marker = tmp_path / "pwned"
    entry.write_bytes(pickle.dumps(Payload(marker)))  # the attack: a bare pickle, same name
    assert cli_findings(folder) == uncached[1]
    assert not marker.exists()


@pytest.mark.parametrize("how", ["bare", "header-no-mac", "wrong-key", "mac-of-another-entry"])
def test_a_forged_malicious_entry_is_not_unpickled(folder, files, tmp_path, uncached, how):
    parse_files(files)
    entry = the_entry(folder)
    marker = tmp_path / "pwned"
    payload = pickle.dumps(Payload(marker))
    if how == "bare":
        entry.write_bytes(payload)
    elif how == "header-no-mac":
        entry.write_bytes(cache.FORMAT + payload)
    elif how == "wrong-key":
        forge(entry, payload, secret=os.urandom(cache.SECRET_SIZE))
    else:  # a genuine MAC, made for another entry's name
        secret = (folder / cache.KEY_FILE).read_bytes()
        entry.write_bytes(cache.FORMAT + cache._mac(secret, "0" * 64, payload) + payload)
    parsed, problems = parse_files(files)
    assert not marker.exists()
    assert not problems and parsed == uncached[0]
    assert cache.load(entry.stem) == uncached[0]  # rebuilt


def test_a_truncated_entry_is_rebuilt(folder, files, uncached):
    parse_files(files)
    entry = the_entry(folder)
    whole = entry.read_bytes()
    for size in (len(whole) - 1, len(whole) // 2, len(cache.FORMAT) + cache.MAC_SIZE, 5, 0):
        entry.write_bytes(whole[:size])
        parsed, problems = parse_files(files)
        assert not problems and parsed == uncached[0]
        assert entry.read_bytes() == whole  # written again, whole


def test_a_truncated_entry_gives_the_findings_of_no_cache(folder, uncached):
    assert cli_findings(folder) == uncached[1]
    entry = the_entry(folder)
    whole = entry.read_bytes()
    entry.write_bytes(whole[: len(whole) // 2])
    assert cli_findings(folder) == uncached[1]
    assert entry.read_bytes() == whole


def test_an_empty_rulebook_forged_without_the_key_does_not_disable_the_rules(folder, uncached):
    assert cli_findings(folder) == uncached[1]
    entry = the_entry(folder)
    forge(entry, [], secret=os.urandom(cache.SECRET_SIZE))
    status, found = cli_findings(folder)
    assert found and (status, found) == uncached[1]


@pytest.mark.parametrize(
    "value",
    [[], (), None, {}, [1, 2], "rules", [("x", (), ())]],
    ids=["empty-list", "tuple", "none", "dict", "ints", "str", "plain-tuple"],
)
def test_a_value_of_the_wrong_shape_is_a_miss_even_with_a_valid_mac(folder, files, uncached, value):
    parse_files(files)
    forge(the_entry(folder), value)
    assert cache.load(the_entry(folder).stem) is None
    parsed, problems = parse_files(files)
    assert not problems and parsed == uncached[0]


@pytest.mark.parametrize(
    "payload",
    [b"\x80\x05garbage", b"\x80\x99.", pickle.dumps(Payload)[:-1], b"cno_such_module\nX\n."],
    ids=["garbage", "protocol", "truncated-pickle", "missing-module"],
)
def test_an_entry_that_fails_to_unpickle_is_a_miss(folder, files, uncached, payload):
    parse_files(files)
    forge(the_entry(folder), payload)
    assert cache.load(the_entry(folder).stem) is None
    parsed, problems = parse_files(files)
    assert not problems and parsed == uncached[0]


# --- folders and files that are not the user's alone


@pytest.mark.parametrize("bits", [0o777, 0o722, 0o702, 0o770, 0o720], ids=oct)
def test_a_folder_others_can_write_is_not_used(folder, files, uncached, bits):
    parse_files(files)
    entry = the_entry(folder)
    forge(entry, uncached[0][:1])  # loaded if the folder were trusted (see test_a_genuine_entry_is_used)
    folder.chmod(bits)
    parsed, problems = parse_files(files)
    assert not problems and parsed == uncached[0]
    entry.unlink()
    parse_files(files)
    assert list(folder.glob("*.pickle")) == []  # nor written


def test_a_world_writable_folder_gives_the_findings_of_no_cache(folder, uncached):
    assert cli_findings(folder) == uncached[1]
    forge(the_entry(folder), [])  # even with the real key
    folder.chmod(0o777)
    assert cli_findings(folder) == uncached[1]


def test_a_fresh_world_writable_folder_is_left_alone(folder, files, uncached):
    folder.mkdir()
    folder.chmod(0o777)
    parsed, _ = parse_files(files)
    assert parsed == uncached[0]
    assert list(folder.iterdir()) == []  # no key, no entry, no temporary file


def test_a_group_writable_folder_named_by_xdg_cache_home_is_not_used(tmp_path, monkeypatch, files, uncached):
    monkeypatch.delenv("BUDGETLINT_CACHE_DIR", raising=False)
    monkeypatch.delenv("BUDGETLINT_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = tmp_path / "budgetlint"
    parse_files(files)
    forge(the_entry(folder), uncached[0][:1])
    folder.chmod(0o770)
    parsed, _ = parse_files(files)
    assert parsed == uncached[0]


def test_a_symlink_as_the_folder_is_not_followed(tmp_path, monkeypatch, files, uncached):
    real = tmp_path / "real"
    monkeypatch.setenv("BUDGETLINT_CACHE_DIR", str(real))
    monkeypatch.delenv("BUDGETLINT_NO_CACHE", raising=False)
    parse_files(files)
    forge(the_entry(real), uncached[0][:1])
    link = tmp_path / "link"
    link.symlink_to(real)
    monkeypatch.setenv("BUDGETLINT_CACHE_DIR", str(link))
    parsed, _ = parse_files(files)
    assert parsed == uncached[0]


@pytest.mark.parametrize("bits", [0o666, 0o622, 0o620], ids=oct)
def test_an_entry_others_can_write_is_not_used(folder, files, uncached, bits):
    parse_files(files)
    entry = the_entry(folder)
    forge(entry, uncached[0][:1])
    entry.chmod(bits)
    parsed, _ = parse_files(files)
    assert parsed == uncached[0]


def test_a_symlinked_entry_is_not_followed(folder, files, uncached, tmp_path):
    parse_files(files)
    entry = the_entry(folder)
    forge(entry, uncached[0][:1])
    elsewhere = tmp_path / "elsewhere.pickle"
    entry.rename(elsewhere)
    entry.symlink_to(elsewhere)
    parsed, _ = parse_files(files)
    assert parsed == uncached[0]
    assert not entry.is_symlink()  # replaced by a real entry, the target untouched
    assert elsewhere.read_bytes() != entry.read_bytes()


@pytest.mark.parametrize("bits", [0o644, 0o640, 0o666], ids=oct)
def test_a_key_others_can_read_or_write_is_not_trusted_and_is_replaced(folder, files, uncached, bits):
    parse_files(files)
    key_file = folder / cache.KEY_FILE
    old_secret = key_file.read_bytes()
    forge(the_entry(folder), uncached[0][:1])
    key_file.chmod(bits)
    parsed, _ = parse_files(files)
    assert parsed == uncached[0]
    assert mode(key_file) == 0o600 and key_file.read_bytes() != old_secret


@needs_root
def test_a_folder_owned_by_another_user_is_not_used(folder, files, uncached):
    parse_files(files)
    forge(the_entry(folder), uncached[0][:1])
    os.chown(folder, OTHER_UID, -1)
    parsed, _ = parse_files(files)
    assert parsed == uncached[0]


@needs_root
def test_a_folder_owned_by_another_user_gives_the_findings_of_no_cache(folder, uncached):
    assert cli_findings(folder) == uncached[1]
    forge(the_entry(folder), [])
    os.chown(folder, OTHER_UID, -1)
    assert cli_findings(folder) == uncached[1]


@needs_root
def test_an_entry_owned_by_another_user_is_not_used(folder, files, uncached):
    parse_files(files)
    entry = the_entry(folder)
    forge(entry, uncached[0][:1])
    os.chown(entry, OTHER_UID, -1)
    parsed, _ = parse_files(files)
    assert parsed == uncached[0]


@needs_root
def test_a_key_owned_by_another_user_is_not_trusted(folder, files, uncached):
    parse_files(files)
    forge(the_entry(folder), uncached[0][:1])
    os.chown(folder / cache.KEY_FILE, OTHER_UID, -1)
    parsed, _ = parse_files(files)
    assert parsed == uncached[0]
