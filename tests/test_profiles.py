"""Profiles: a rule applies to its profiles and every profile that builds on them."""

from __future__ import annotations

from budgetlint.profiles import applies, chain, is_known


def test_chain_includes_ancestors():
    assert chain("jiangxi-2023") == ("jiangxi-2023", "jiangxi", "national")
    assert chain("national") == ("national",)


def test_unknown_profile_still_gets_the_national_minimum():
    assert chain("jiangsu-2024") == ("jiangsu-2024", "national")
    assert applies(("national",), "jiangsu-2024")
    assert not applies(("jiangxi",), "jiangsu-2024")


def test_a_later_year_builds_on_the_latest_known_year_of_its_region():
    # the Jiangxi template's additions of 2023 (COMP-04 …) hold in 2024 too, and not in 2022
    assert chain("jiangxi-2024") == ("jiangxi-2024", "jiangxi-2023", "jiangxi", "national")
    assert applies(("jiangxi-2023",), "jiangxi-2024")
    assert chain("jiangxi-2022") == ("jiangxi-2022", "jiangxi", "national")
    assert not applies(("jiangxi-2023",), "jiangxi-2022")
    assert chain("jiangsu-2024") == ("jiangsu-2024", "national")
    assert chain("jiangxi-draft") == ("jiangxi-draft", "national")  # not a year: nothing to build on


def test_known_profiles_and_their_years():
    assert is_known("jiangxi-2023") and is_known("jiangxi-2024") and is_known("national")
    assert not is_known("jiangsu-2024") and not is_known("jiangxi-24") and not is_known("mars")


def test_rules_without_profiles_apply_everywhere():
    assert applies((), "anything")


def test_provincial_rules_do_not_apply_to_the_national_profile():
    assert applies(("jiangxi-2023",), "jiangxi-2023")
    assert not applies(("jiangxi-2023",), "jiangxi")
    assert not applies(("jiangxi",), "national")


def test_engine_skips_rules_of_other_profiles(rulebook, sample_data):
    from budgetlint.engine import Settings, rule_findings
    from budgetlint.loader import Document

    doc = Document.in_memory("seed", sample_data)
    provincial = {r.info.id for r in rulebook.rules if r.info.profiles and "national" not in r.info.profiles}
    national_run = {f.rule for f in rule_findings(doc, rulebook, settings=Settings(profile="national"))}
    jiangxi_run = {f.rule for f in rule_findings(doc, rulebook, settings=Settings(profile="jiangxi-2023"))}
    assert not national_run & provincial
    assert "COMP-04" in jiangxi_run  # the Jiangxi 2023 template's 部门整体支出绩效目标表


def test_the_engine_runs_exactly_the_rules_applies_accepts_in_their_order(rulebook):
    from budgetlint.engine import applicable
    from budgetlint.profiles import lineage

    assert any(r.info.profiles for r in rulebook.rules)  # else this would test nothing
    for profile in ("national", "jiangxi-2023", "jiangxi-2024", "jiangxi-2022", "shanghai-2025", "mars"):
        chosen = applicable(rulebook.rules, lineage(profile))
        assert chosen == tuple(r for r in rulebook.rules if applies(r.info.profiles, profile))
        assert applicable(rulebook.rules, lineage(profile)) is chosen  # chosen once, not per document
