"""The table kinds of a disclosure, each declared once.

A kind's declaration is the one source of what the schema's `tables` property lists (its key, the
shape its rows follow and its description), of the table of kinds in docs/document-model.md, and of
the lists the rules read (`table_kinds("functional")`, `table_name(k)`, `table_titles(k, profile)`):
adding a kind is one declaration here, its shape in the schema if it is a new one, and samples and
cases. `python -m budgetlint.table_kinds` rewrites the schema's `tables` block and the docs table
from the declarations; tests/test_table_kinds.py fails while they differ.

Tags: `budget` — a table of a 部门预算 / 单位预算; `final` — one of the nine tables of a 决算
(部门决算 / 单位决算); `required` — one of the eight tables every 部门预算 publishes (财预〔2016〕143号);
`functional` — listed by functional 科目 with 合计 / 基本支出 / 项目支出 columns (revenue: by source);
`rows` — a table with detail rows (every kind but the two two-sided summaries).
"""

from __future__ import annotations

from typing import NamedTuple


class TableKind(NamedTuple):
    key: str  # its property under `tables`
    shape: str  # the schema $defs entry its object follows
    name: str  # its name in the national template, used in messages
    description: str  # what it is, in English, for the schema and the docs
    tags: frozenset[str]
    # its printed titles by profile (a profile inherits its parent's: budgetlint.profiles.chain)
    titles: dict[str, tuple[str, ...]]


def _kind(key, shape, name, description, tags, **titles) -> TableKind:
    return TableKind(
        key,
        shape,
        name,
        description,
        frozenset(tags.split()),
        {k.replace("_", "-"): v for k, v in titles.items()},
    )


TABLE_KINDS: tuple[TableKind, ...] = (
    _kind("budget_summary", "budget_summary", "收支预算总表", "revenue and expenditure summary (two sides)",
          "budget required", jiangxi_2023=("收支预算总表", "部门收支总表", "单位收支总表"),
          shanghai=("预算单位财务收支预算总表", "部门财务收支预算总表")),
    _kind("revenue", "revenue_table", "部门收入总表", "revenue by functional 科目 and source",
          "budget required functional rows", jiangxi_2023=("部门收入总表", "单位收入总表"),
          shanghai=("预算单位收入预算总表", "部门收入预算总表")),
    _kind("expenditure", "functional_table", "部门支出总表",
          "expenditure by functional 科目: basic and project",
          "budget required functional rows", jiangxi_2023=("部门支出总表", "单位支出总表"),
          shanghai=("预算单位支出预算总表", "部门支出预算总表")),
    _kind("fiscal_summary", "fiscal_summary", "财政拨款收支总表", "fiscal appropriation summary (two sides)",
          "budget required", jiangxi_2023=("财政拨款收支总表",),
          shanghai=("预算单位财政拨款收支预算总表", "部门财政拨款收支预算总表")),
    _kind("general_budget", "functional_table", "一般公共预算支出表",
          "general public budget expenditure by functional 科目", "budget required functional rows",
          jiangxi_2023=("一般公共预算支出表",),
          shanghai=("预算单位一般公共预算支出功能分类预算表", "部门一般公共预算支出功能分类预算表")),
    _kind("basic_expenditure", "economic_table", "一般公共预算基本支出表",
          "general public budget basic expenditure by economic 科目: personnel and public", "budget required rows",
          jiangxi_2023=("一般公共预算基本支出表",),
          shanghai=("预算单位一般公共预算基本支出部门预算经济分类预算表",
                    "部门一般公共预算基本支出部门预算经济分类预算表")),
    _kind("three_public", "three_public_table", "“三公”经费支出表",
          "“三公” expenses (and, in Shanghai, 机关运行经费) by unit or as one line", "budget required rows",
          jiangxi_2023=("财政拨款“三公”经费支出表", '财政拨款"三公"经费支出表',
                        "一般公共预算“三公”经费支出表", '一般公共预算"三公"经费支出表'),
          shanghai=("单位“三公”经费和机关运行经费预算表", "部门“三公”经费和机关运行经费预算表")),
    _kind("government_fund", "functional_table", "政府性基金预算支出表",
          "government fund budget expenditure by functional 科目", "budget required functional rows",
          jiangxi_2023=("政府性基金预算支出表",),
          shanghai=("预算单位政府性基金预算支出功能分类预算表", "部门政府性基金预算支出功能分类预算表")),
    _kind("state_capital", "functional_table", "国有资本经营预算支出表",
          "state capital operating budget expenditure by functional 科目", "budget functional rows",
          jiangxi_2023=("国有资本经营预算支出表",),
          shanghai=("预算单位国有资本经营预算支出功能分类预算表", "部门国有资本经营预算支出功能分类预算表")),
    # 决算 (final accounts, 部门决算 / 单位决算): the nine tables of the national and Shanghai
    # templates (财政部 部门决算 template; 上海市 2024 年度部门决算 template).
    _kind("final_summary", "budget_summary", "收入支出决算总表",
          "final accounts: revenue and expenditure summary (two sides, 年初结转和结余 / 年末结转和结余)",
          "final", national=("收入支出决算总表",)),
    _kind("final_revenue", "revenue_table", "收入决算表", "final accounts: revenue by functional 科目 and source",
          "final functional rows", national=("收入决算表",)),
    _kind("final_expenditure", "functional_table", "支出决算表",
          "final accounts: expenditure by functional 科目: basic, project, 上缴上级, 经营, 对附属单位补助",
          "final functional rows", national=("支出决算表",)),
    _kind("final_fiscal_summary", "fiscal_summary", "财政拨款收入支出决算总表",
          "final accounts: fiscal appropriation summary (two sides, 年初 / 年末财政拨款结转和结余)",
          "final", national=("财政拨款收入支出决算总表",)),
    _kind("final_general_budget", "functional_table", "一般公共预算财政拨款支出决算表",
          "final accounts: general public budget expenditure by functional 科目", "final functional rows",
          national=("一般公共预算财政拨款支出决算表",)),
    _kind("final_basic_expenditure", "economic_table", "一般公共预算财政拨款基本支出决算表",
          "final accounts: general public budget basic expenditure by economic 科目 (人员经费合计 / 公用经费合计)",
          "final rows", national=("一般公共预算财政拨款基本支出决算表",)),
    _kind("final_three_public", "final_three_public_table", "财政拨款“三公”经费支出决算表",
          "final accounts: “三公” expenses, 预算数 and 决算数 of each column", "final rows",
          national=("财政拨款“三公”经费支出决算表", '财政拨款"三公"经费支出决算表',
                    "一般公共预算财政拨款“三公”经费支出决算表", '一般公共预算财政拨款"三公"经费支出决算表')),
    _kind("final_government_fund", "functional_table", "政府性基金预算财政拨款收入支出决算表",
          "final accounts: government fund appropriation by functional 科目: 年初结转和结余, 本年收入, 本年支出, 年末结转和结余",
          "final functional rows", national=("政府性基金预算财政拨款收入支出决算表",)),
    _kind("final_state_capital", "functional_table", "国有资本经营预算财政拨款收入支出决算表",
          "final accounts: state capital appropriation by functional 科目: 年初结转和结余, 本年收入, 本年支出, 年末结转和结余",
          "final functional rows",
          national=("国有资本经营预算财政拨款收入支出决算表", "国有资本经营预算财政拨款支出决算表")),
)  # fmt: skip

BY_KEY = {kind.key: kind for kind in TABLE_KINDS}


def keys_tagged(tag: str) -> list[str]:
    return [kind.key for kind in TABLE_KINDS if tag in kind.tags]


def titles_for(key: str, profile: str) -> list[str]:
    """The titles a kind may print under a profile: those of the profile or its nearest ancestor
    that declares some (a year's title is printed with its year before it: 2025年预算单位…)."""
    from budgetlint.profiles import chain

    kind = BY_KEY.get(key)
    for name in chain(profile) if kind else ():
        if name in kind.titles:
            return list(kind.titles[name])
    return []


def schema_tables_properties(old: dict) -> dict:
    """The schema's `tables.properties` as the declarations give them (`other` kept as it is)."""
    out = {kind.key: {"$ref": f"#/$defs/{kind.shape}", "description": f"{kind.name}: {kind.description}."}
           for kind in TABLE_KINDS}  # fmt: skip
    out["other"] = old["other"]
    return out


DOCS_BEGIN, DOCS_END = (
    "<!-- table-kinds: generated by python -m budgetlint.table_kinds -->",
    "<!-- /table-kinds -->",
)


def docs_table() -> str:
    lines = [
        DOCS_BEGIN,
        "",
        "| key | shape | name | what it is | tags | titles (profile: titles) |",
        "|---|---|---|---|---|---|",
    ]
    for kind in TABLE_KINDS:
        titles = "; ".join(f"{p}: {'、'.join(t)}" for p, t in kind.titles.items())
        tags = " ".join(sorted(kind.tags))
        lines.append(
            f"| `{kind.key}` | `{kind.shape}` | {kind.name} | {kind.description} | {tags} | {titles} |"
        )
    return "\n".join([*lines, "", DOCS_END])


def _rewrite() -> None:  # pragma: no cover - run by hand after editing a declaration
    import json
    import re

    from budgetlint.resources import schema_path

    root = schema_path().parent.parent.parent
    path = schema_path()
    text = path.read_text(encoding="utf-8")
    schema = json.loads(text)
    tables = schema["properties"]["tables"]
    tables["properties"] = schema_tables_properties(tables["properties"])
    out = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    scalars = r'(?:"(?:[^"\\]|\\.)*"|null|true|false|-?\d+)'
    path.write_text(re.sub(r"\[\n\s*((?:" + scalars + r",?\n\s*)+)\]", _inline, out), encoding="utf-8")
    docs = root / "docs" / "document-model.md"
    body = docs.read_text(encoding="utf-8")
    start, end = body.index(DOCS_BEGIN), body.index(DOCS_END) + len(DOCS_END)
    docs.write_text(body[:start] + docs_table() + body[end:], encoding="utf-8")


def _inline(match) -> str:  # pragma: no cover
    import re

    items = re.findall(r'"(?:[^"\\]|\\.)*"|null|true|false|-?\d+', match.group(1))
    one = "[" + ", ".join(items) + "]"
    return one if len(one) <= 100 else match.group(0)


if __name__ == "__main__":  # pragma: no cover
    _rewrite()
