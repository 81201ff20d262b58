"""Region and year profiles: which rules apply to a document (a profile includes its parent's rules)."""

from __future__ import annotations

DEFAULT_PROFILE = "national"

# profile → parent profile. `national` is the national minimum (财预〔2016〕143号 and the
# 基层政务公开 standard catalogue); provincial profiles add their templates' extra tables.
PROFILES: dict[str, str | None] = {
    "national": None,
    "jiangxi": "national",
    "jiangxi-2023": "jiangxi",
}


def chain(profile: str) -> tuple[str, ...]:
    """The profile and its ancestors: jiangxi-2023 → (jiangxi-2023, jiangxi, national).

    A profile budgetlint does not know (a province an auditor's own rules define) still gets
    the national minimum: jiangsu-2024 → (jiangsu-2024, national)."""
    out: list[str] = []
    current: str | None = profile if profile in PROFILES else DEFAULT_PROFILE
    if profile not in PROFILES:
        out.append(profile)
    while current is not None and current not in out:
        out.append(current)
        current = PROFILES.get(current)
    return tuple(out)


def applies(rule_profiles: tuple[str, ...], profile: str) -> bool:
    return not rule_profiles or any(p in rule_profiles for p in chain(profile))
