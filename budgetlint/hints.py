"""'Did you mean …?' for a misspelt name, shared by rule files, configuration and the CLI."""

from __future__ import annotations

from collections.abc import Iterable


def nearest(word: str, candidates: Iterable[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """The candidates closest to word, best first."""
    from difflib import get_close_matches  # only a mistake pays for importing difflib

    return get_close_matches(word, list(candidates), n=n, cutoff=cutoff)


def did_you_mean(word: str, candidates: Iterable[str], quote: str = "'") -> str:
    """`; did you mean 'x'?`, or "" when nothing is close."""
    near = nearest(word, candidates)
    return f"; did you mean {quote}{near[0]}{quote}?" if near else ""
