"""Region and year profiles: which rules apply to a document (a profile includes its parent's rules)."""

from __future__ import annotations

DEFAULT_PROFILE = "national"

# profile → parent profile. `national` is the national minimum (财预〔2016〕143号 and the
# 基层政务公开 standard catalogue); provincial profiles add their templates' extra tables.
PROFILES: dict[str, str | None] = {
    "national": None,
    "jiangxi": "national",
    "jiangxi-2023": "jiangxi",
    # Shanghai's 区级单位预算 / 部门预算 template: tables in 元, a 财务收支预算总表 with 人员经费 /
    # 公用经费 / 项目支出 columns, a “三公”经费和机关运行经费预算表, a 编制说明 stated per line and per 科目.
    "shanghai": "national",
    "shanghai-2025": "shanghai",
}


def chain(profile: str) -> tuple[str, ...]:
    """The profile and its ancestors: jiangxi-2023 → (jiangxi-2023, jiangxi, national).

    A year profile budgetlint does not know builds on the latest known one of its region up to
    that year, as a template's requirements stay until changed: jiangxi-2024 → (jiangxi-2024,
    jiangxi-2023, jiangxi, national), jiangxi-2022 → (jiangxi-2022, jiangxi, national). A region
    budgetlint does not know (one an auditor's own rules define) still gets the national minimum:
    jiangsu-2024 → (jiangsu-2024, national)."""
    out: list[str] = []
    current: str | None = profile
    if profile not in PROFILES:
        out.append(profile)
        current = _nearest_known(profile)
    while current is not None and current not in out:
        out.append(current)
        current = PROFILES.get(current)
    return tuple(out)


def is_known(profile: str) -> bool:
    """A profile budgetlint knows, or a year of a region it knows (jiangxi-2024)."""
    region, _, year = profile.rpartition("-")
    return profile in PROFILES or (region in PROFILES and len(year) == 4 and year.isdigit())


def _nearest_known(profile: str) -> str:
    region, _, year = profile.rpartition("-")
    if region and year.isdigit():
        earlier = [p for p in PROFILES if p.startswith(region + "-") and p[len(region) + 1 :].isdigit()]
        earlier = [p for p in earlier if int(p[len(region) + 1 :]) <= int(year)]
        if earlier:
            return max(earlier, key=lambda p: int(p[len(region) + 1 :]))
        if region in PROFILES:
            return region
    return DEFAULT_PROFILE


def lineage(profile: str) -> frozenset[str]:
    """The profile and its ancestors as a set (chain), what applies_within tests a rule against:
    computed once per document, not once per rule."""
    return frozenset(chain(profile))


def applies_within(rule_profiles: tuple[str, ...], profiles: frozenset[str]) -> bool:
    """Whether a rule applies to a document of the profile whose lineage() is profiles: when it
    names no profile, or one of them."""
    return not rule_profiles or not profiles.isdisjoint(rule_profiles)


def applies(rule_profiles: tuple[str, ...], profile: str) -> bool:
    return applies_within(rule_profiles, lineage(profile))
