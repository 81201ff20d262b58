"""Where the grammar, the built-in rulebook, the samples and the schema live (wheel or source tree)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_SOURCE_TREE = _PACKAGE.parent


def data_dir(name: str) -> Path:
    """A top-level data folder: copied into the wheel as `budgetlint/_data/NAME`, else the checkout's."""
    bundled = _PACKAGE / "_data" / name
    return bundled if bundled.is_dir() else _SOURCE_TREE / name


def grammar_path() -> Path:
    return data_dir("grammar") / "budgetlint.lark"


def rules_dir() -> Path:
    return data_dir("rules")


def schema_path() -> Path:
    return _PACKAGE / "schema" / "department-budget.schema.json"
