"""`--format html`: the report as a reviewer sees it — its structure parsed, every finding present once,
every highlighted cell the one its finding points at, document text never markup, a batch under
2 MB, a golden file, and a screenshot in headless Chromium where it is installed.

Regenerate the golden with `BUDGETLINT_UPDATE_GOLDEN=1 python -m pytest tests/test_report_html.py`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from budgetlint import __version__
from tests.conftest import ROOT, SAMPLE
from tests.conftest import run_cli as run
from tests.test_report_formats import check_golden, normalized

CHROMIUM = Path("/usr/bin/chromium")
VOID = {"meta", "br", "img", "input", "link", "hr", "wbr", "col", "area", "base", "source"}
HOSTILE = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')


class Page(HTMLParser):
    """What the tests look at: findings, highlighted elements and the links in them, ids, text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.findings: list[dict] = []  # {id, rule, pointer, links}
        self.hits: list[dict] = []  # {tag, pointer, links}
        self.ids: dict[str, dict] = {}
        self.tags: Counter = Counter()
        self.attributes: set[str] = set()
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags[tag] += 1
        self.attributes.update(attrs)
        if "id" in attrs:
            assert attrs["id"] not in self.ids, f"duplicate id {attrs['id']}"
            self.ids[attrs["id"]] = attrs
        if tag == "a" and "href" in attrs:
            for _, rec in reversed(self.stack):  # the innermost highlighted element or finding
                if rec is not None:
                    rec["links"].append(attrs["href"])
                    break
        if tag in VOID:
            return
        rec = None
        if tag == "article" and "finding" in attrs.get("class", ""):
            rec = {
                "id": attrs["id"],
                "rule": attrs["data-rule"],
                "pointer": attrs["data-pointer"],
                "links": [],
            }
            self.findings.append(rec)
        elif "hit" in (attrs.get("class") or "").split():
            rec = {"tag": tag, "id": attrs.get("id"), "pointer": attrs.get("data-pointer"), "links": []}
            self.hits.append(rec)
        self.stack.append((tag, rec))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        open_tag, _ = self.stack.pop()
        assert open_tag == tag, f"</{tag}> closes <{open_tag}>"

    def handle_data(self, data):
        self.text.append(data)


def check(*args, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return run("check", "--no-config", *args, cwd=cwd)


def html_report(tmp_path: Path, *args, name: str = "report.html") -> tuple[Page, str]:
    out = tmp_path / name
    proc = check("--format", "html", "-o", str(out), *args)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    text = out.read_text(encoding="utf-8")
    return Page(text), text


def json_findings(*args) -> list[dict]:
    proc = check("--format", "json", *args)
    return json.loads(proc.stdout)["findings"]


def test_the_seed_report_shows_every_finding_once_and_highlights_the_cells_they_point_at(tmp_path):
    page, text = html_report(tmp_path, str(SAMPLE))
    expected = json_findings(str(SAMPLE))
    assert len(expected) > 50
    assert Counter((f["rule"], f["pointer"]) for f in page.findings) == Counter(
        (f["rule"], f["pointer"]) for f in expected
    )
    messages = "".join(page.text)
    for f in expected:
        assert f["message"] in messages
    findings = {f["id"]: f for f in page.findings}
    # every highlighted cell, row or caption links to findings that point at exactly it
    assert len(page.hits) > 20
    for hit in page.hits:
        targets = [findings[h[1:]] for h in hit["links"] if h[1:] in findings]
        assert targets, hit
        assert all(t["pointer"] == hit["pointer"] for t in targets), hit
    # a finding on a table value is highlighted there, and links to it
    in_cells = [f for f in page.findings if f["pointer"].startswith("/tables/") and "/rows/" in f["pointer"]]
    assert len(in_cells) >= 6
    for f in page.findings:
        to_cell = [h for h in f["links"] if h[1:] in page.ids and h[1:] not in findings]
        for href in to_cell:
            assert page.ids[href[1:]]["data-pointer"] == f["pointer"]
        if f in in_cells:
            assert to_cell, f
    # the summary: the counts, the rule groups, an inline chart; nothing loaded from elsewhere
    assert page.tags["svg"] == 1 and page.tags["script"] == 0
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in text
    assert not {"src", "srcset"} & page.attributes
    assert "PCT-01" in messages and "YOY" in messages
    # the narrative sentence of a narrative finding is quoted, its figure marked
    assert "<mark>83</mark>%" in text
    # figures as printed, with the table's unit
    assert ">2457.00<" in text and "万元" in text


def test_document_text_is_never_markup(tmp_path):
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    script, img = HOSTILE
    data["entity"]["name"] = script
    data["title"]["text"] = img
    data["tables"]["expenditure"]["rows"][3]["name"] = script + img
    data["tables"]["expenditure"]["title"] = img
    data["narrative"]["revenue"]["text"] = f"收入{script}减少 83%{img}"
    data["performance_goals"][1]["indicators"][1]["value"] = img
    data["headings"][1]["text"] = f"第二部分 {script} 2022 年部门预算表"
    doc = tmp_path / f"{img.replace('/', '_')}.json"
    doc.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        json.dumps([{"document": "*", "rule": "META-01", "reason": script, "approved_by": img}]),
        encoding="utf-8",
    )
    page, text = html_report(tmp_path, "--waivers", str(waivers), str(doc))
    assert page.tags["script"] == 0 and page.tags["img"] == 0
    assert not any(a.startswith("on") for a in page.attributes)
    shown = "".join(page.text)
    assert script in shown and img in shown
    assert "<script" not in text and "<img" not in text


def test_a_document_that_breaks_the_schema_still_renders(tmp_path):
    doc = tmp_path / "odd.json"
    doc.write_text(
        json.dumps({
            "format": "budgetlint/department-budget@2", "fiscal_year": "x", "title": [1],
            "tables": {"revenue": {"rows": "x", "columns": [1, {"key": 5}], "total": 3},
                       "expenditure": {"rows": [1, {"code": 7, "name": {"a": 1}, "total": [2]}],
                                       "columns": [{"key": "total", "label": None}]},
                       "budget_summary": {"income": [1], "expenditure": {"a": 2}, "sides": 4},
                       "other": [3, {"rows": [{}]}]},
            "performance_goals": ["a", {"indicators": "z", "funds": []}],
            "narrative": {"revenue": {"text": 5, "change": {"pct": 83}}},
        }),
        encoding="utf-8",
    )  # fmt: skip
    page, _ = html_report(tmp_path, str(doc))
    assert page.findings


def test_waived_and_baselined_findings_are_shown_apart_with_the_reason(tmp_path):
    baseline = tmp_path / "baseline.json"
    proc = check("--write-baseline", str(baseline), "--select", "PERF", str(SAMPLE))
    assert proc.returncode == 0, proc.stderr
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "- document: '*'\n  rule: META-01\n  reason: 标题年度按原文\n  approved_by: 李审核\n",
        encoding="utf-8",
    )
    page, text = html_report(tmp_path, "--baseline", str(baseline), "--waivers", str(waivers), str(SAMPLE))
    assert len(page.findings) == len(json_findings(str(SAMPLE)))
    aside = text[text.index('<details class="aside-block">') :]
    aside = aside[: aside.index("</details>\n<h3")]
    assert "标题年度按原文" in aside and "李审核" in aside and 'data-rule="META-01"' in aside
    assert aside.count('data-rule="PERF-') == sum(
        1 for f in json_findings(str(SAMPLE)) if f["rule"].startswith("PERF")
    )
    main = text[: text.index('<details class="aside-block">')]
    assert 'data-rule="PERF-' not in main and 'data-rule="META-01"' not in main


def test_a_batch_over_the_samples_is_one_file_under_2_mb(tmp_path):
    page, text = html_report(tmp_path, "samples/")
    size = len(text.encode("utf-8"))
    assert size < 2 * 1024 * 1024, size
    files = json.loads(check("--format", "json", "samples/").stdout)["files"]
    assert text.count('<section class="doc"') == len(files)
    assert len(page.findings) == len(json_findings("samples/"))
    # the worst documents first: the sections in order of errors, most first
    errors = [int(e) for e in re.findall(r'<span class="badge sev-error[^"]*">(\d+) ', text)]
    assert errors == sorted(errors, reverse=True)


def test_a_pdf_finding_gives_its_page(tmp_path):
    pytest.importorskip("pdfplumber")
    pdf = "samples/shanghai-putuo-shangwuwei-2025-danwei-yusuan.pdf"
    page, text = html_report(tmp_path, pdf)
    assert page.findings
    assert text.count('<span class="page">') >= len(page.findings) - 1
    # the imported tables are shown, their figures as printed in their unit (元, not converted)
    assert '<details class="table"' in text and ">371514655.00<" in text


def test_golden_html(tmp_path):
    out = tmp_path / "r.html"
    waivers = ("--waivers", "tests/fixtures/budgetlint-waivers.yaml")
    args = (
        "--no-builtin-rules",
        "--rules",
        "tests/fixtures/rules",
        *waivers,
        "tests/fixtures/docs/unit-a.json",
    )
    # --lang en: the report's own words in English (the default, zh, is tested in test_lang.py)
    proc = check("--format", "html", "--lang", "en", "-o", str(out), *args)
    assert proc.returncode == 1 and proc.stderr == ""
    text = out.read_text(encoding="utf-8").replace(f"budgetlint {__version__}", "budgetlint <version>")
    check_golden("html.txt", normalized(text))


def test_checking_json_does_not_import_jinja2():
    code = (
        "import sys\nfrom budgetlint.cli import main\nsys.argv = ['budgetlint', 'check', '--no-config', "
        f"'--format', 'json', {str(SAMPLE)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('jinja2' in sys.modules, 'budgetlint.report.html' in sys.modules, file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.stderr.strip().splitlines()[-1] == "False False"


def test_the_template_is_packaged():
    template = ROOT / "budgetlint" / "report" / "templates" / "report.html.j2"
    assert template.exists()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'packages = ["budgetlint"]' in pyproject  # the wheel takes the whole package folder


@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium (/usr/bin/chromium) is not installed")
def test_the_report_opens_in_headless_chromium(tmp_path):
    _, _ = html_report(tmp_path, str(SAMPLE))
    shot = tmp_path / "report.png"
    proc = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         "--enable-logging=stderr", "--v=0", "--window-size=1280,2400", f"--screenshot={shot}",
         (tmp_path / "report.html").as_uri()],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert shot.exists() and shot.stat().st_size > 20_000, proc.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    console = [line for line in proc.stderr.splitlines() if "CONSOLE" in line]
    assert not console, console
    keep = os.environ.get("BUDGETLINT_SCREENSHOT")
    if keep:
        shutil.copy(shot, keep)
