"""Profiles: a rule applies to its profiles and every profile that builds on them."""

from __future__ import annotations

from budgetlint.profiles import applies, chain


def test_chain_includes_ancestors():
    assert chain("jiangxi-2023") == ("jiangxi-2023", "jiangxi", "national")
    assert chain("national") == ("national",)


def test_unknown_profile_still_gets_the_national_minimum():
    assert chain("jiangsu-2024") == ("jiangsu-2024", "national")
    assert applies(("national",), "jiangsu-2024")
    assert not applies(("jiangxi",), "jiangsu-2024")


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
