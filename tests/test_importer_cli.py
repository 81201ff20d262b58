"""`budgetlint import` and `budgetlint check FILE.pdf`: outputs, the report, findings on pages, and
one clear message (exit 2, no traceback, nothing written) for a file that is not a readable
disclosure: not a PDF, damaged, encrypted, scanned (no text layer), not a disclosure, empty."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from budgetlint.loader import load_path
from tests.conftest import ROOT, run_cli

pytest.importorskip("pdfplumber")

PDF = ROOT / "tests" / "fixtures" / "pdf" / "shanghai-putuo-shangwuwei-2025-danwei-yusuan.pdf"


def make_pdf(lines=("Hello world",), encrypt=False) -> bytes:
    """A minimal one-page PDF of Helvetica text lines; with encrypt, a Standard-handler /Encrypt
    dictionary whose user password is not empty."""
    content = "BT /F1 12 Tf 72 720 Td " + " ".join(f"({t}) Tj 0 -16 Td" for t in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if encrypt:
        objects.append(
            "<< /Filter /Standard /V 1 /R 2 /O <" + "11" * 32 + "> /U <" + "22" * 32 + "> /P -4 >>"
        )
    out, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    trailer = f"/Size {len(objects) + 1} /Root 1 0 R"
    if encrypt:
        trailer += f" /Encrypt {len(objects)} 0 R /ID [<{'ab' * 16}> <{'ab' * 16}>]"
    return out + f"trailer\n<< {trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()


def scanned_pdf(path) -> None:
    from PIL import Image

    Image.new("RGB", (200, 300), "white").save(path)


@pytest.fixture(scope="module")
def imported_json(tmp_path_factory):
    out = tmp_path_factory.mktemp("imp") / "s.json"
    proc = run_cli("import", str(PDF), "-o", str(out), "--report")
    return proc, out


def test_import_writes_the_document_and_reports(imported_json):
    proc, out = imported_json
    assert proc.returncode == 0, proc.stderr
    assert "tables: 9 of 9 expected found" in proc.stdout
    assert "figures: 300 of 300 printed in those tables placed (100.0 %)" in proc.stdout
    assert "import findings: none" in proc.stdout
    doc = load_path(out).data
    assert str(doc["tables"]["revenue"]["total"]["total"]) == "371514655.00"  # as printed, decimals kept
    where = doc["source"]["locations"]["/tables/revenue/total/total"]
    assert where["page"] == 11 and "371,514,655.00" in where["text"]


def test_import_yaml_is_the_same_document(imported_json, tmp_path):
    from budgetlint.importer.output import to_yaml

    _, out = imported_json
    doc = load_path(out).data
    yaml_out = tmp_path / "s.yaml"
    yaml_out.write_text(to_yaml(doc), encoding="utf-8")
    assert load_path(yaml_out).data == doc
    # the command writes YAML for a .yaml output (the seed's text: fast)
    seed, as_json = ROOT / "samples" / "xunwu-2023-social-insurance.txt", tmp_path / "seed.json"
    run_cli("import", str(seed), "-o", str(yaml_out))
    run_cli("import", str(seed), "-o", str(as_json))
    assert yaml_out.read_text(encoding="utf-8").startswith("format: budgetlint/department-budget@2")
    assert load_path(yaml_out).data == load_path(as_json).data


def test_import_refuses_to_overwrite_its_input(tmp_path):
    source = tmp_path / "d.txt"
    shutil.copy(ROOT / "samples" / "xunwu-2023-social-insurance.txt", source)
    before = source.read_bytes()
    proc = run_cli("import", str(source), "-o", str(source))
    assert proc.returncode == 2 and "would overwrite" in proc.stderr
    assert source.read_bytes() == before


def test_import_with_unplaced_figures_exits_1_and_says_incomplete(tmp_path):
    # the seed without its “三公” section: nothing then says which of the 三公 table's four
    # columns its second 2.00 is in, so that figure is unplaced
    text = (ROOT / "samples" / "xunwu-2023-social-insurance.txt").read_text(encoding="utf-8")
    start, end = text.index("二、2023 年“三公”经费预算情况说明"), text.index("第四部分 名词解释")
    source = tmp_path / "seed.txt"
    source.write_text(text[:start] + text[end:], encoding="utf-8")
    out = tmp_path / "seed.json"
    proc = run_cli("import", str(source), "-o", str(out))
    assert proc.returncode == 1
    assert "IMPORT-01" in proc.stdout
    assert "outbound、reception、vehicle_operation、vehicle_purchase" in proc.stdout
    assert json.loads(out.read_text(encoding="utf-8"))["source"]["note"].startswith("INCOMPLETE")


def test_check_a_pdf_points_to_its_pages(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(PDF, folder / "s.pdf")
    shutil.copy(ROOT / "samples" / "shanghai-putuo-zhengfuban-2025.yaml", folder / "z.yaml")
    proc = run_cli("check", "--no-config", str(folder))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert any(
        line.startswith(f"{folder}/s.pdf:7:4: warning YOY-08") and "(p. 7: 「" in line for line in lines
    )
    assert "in 2 files" in lines[-1]


BAD = {
    "not-a-pdf.pdf": (b"\x00\x01 binary", "not a PDF file"),
    "damaged.pdf": (make_pdf()[:200], "not a readable PDF"),
    "encrypted.pdf": (make_pdf(encrypt=True), "encrypted"),
    "letter.pdf": (make_pdf(["Dear colleague,", "see you on Monday."]), "no budget table found"),
    "empty.txt": (b"", "the file is empty"),
    "gbk.txt": ("收支预算总表".encode("gbk"), "neither a PDF nor UTF-8 text"),
}


def run_in_process(args, monkeypatch, capsys) -> tuple[int, str, str]:
    """The command line in this process (a subprocess per case would cost a second each)."""
    from budgetlint.cli import main

    monkeypatch.setattr(sys, "argv", ["budgetlint", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


@pytest.mark.parametrize("name", [*BAD, "scanned.pdf"])
@pytest.mark.parametrize("command", ["import", "check"])
def test_bad_input_is_one_clear_message(name, command, tmp_path, monkeypatch, capsys):
    path = tmp_path / name
    if name == "scanned.pdf":
        scanned_pdf(path)
        expected = "no text layer"
    else:
        path.write_bytes(BAD[name][0])
        expected = BAD[name][1]
    out = tmp_path / "out.json"
    args = (
        ["import", str(path), "-o", str(out)] if command == "import" else ["check", "--no-config", str(path)]
    )
    code, _, err = run_in_process(args, monkeypatch, capsys)
    assert code == 2
    assert "Traceback" not in err and "internal error" not in err
    errors = [line for line in err.splitlines() if "error" in line]
    assert len(errors) == 1 and expected in errors[0] and name in errors[0], err
    assert not out.exists()


def test_checking_json_does_not_import_pdfplumber():
    code = (
        "import sys\nfrom budgetlint.cli import main\nsys.argv = ['budgetlint', 'check', '--no-config', "
        f"{str(ROOT / 'samples' / 'shanghai-putuo-zhengfuban-2025.yaml')!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\nprint('pdfplumber' in sys.modules, file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.stderr.strip().splitlines()[-1] == "False"


def test_a_final_accounts_disclosure_is_refused_not_misread():
    from budgetlint.importer.document import NotADisclosure, import_layout
    from budgetlint.importer.model import Layout, Table

    titles = ["收入支出决算总表", "收入决算表", "支出决算表", "财政拨款收入支出决算总表"]
    layout = Layout("j.pdf", "pdf", tables=[Table(title=t, pages=[1], method="ruled") for t in titles])
    with pytest.raises(NotADisclosure, match="决算"):
        import_layout(layout, "j.pdf")
