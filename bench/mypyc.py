"""What compiling the evaluator ahead of time with mypyc would give, counted in instructions.

    pip install mypy setuptools   # not dependencies of budgetlint; valgrind and a C compiler too
    python bench/mypyc.py

Copies the committed tree to a temporary folder, compiles the evaluator's run-time modules (values,
fn_base, functions, fn_text, fn_tables, rules) with mypyc, and runs
bench/instructions.py there and here. Function annotations are stripped in the copy first: mypyc
turns them into checks at run time, and the evaluator's annotations are loose (`Fn`, `object`), so
the compiled code treats every value as an object, as the interpreter does. Nothing here is
changed. ADR 001 reports the figures.
"""

from __future__ import annotations

import ast
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ("values", "fn_base", "functions", "fn_text", "fn_tables", "rules")


class _StripAnnotations(ast.NodeTransformer):
    """Function annotations out, and annotated assignments in function bodies made plain."""

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
            arg.annotation = None
        for arg in (node.args.vararg, node.args.kwarg):
            if arg is not None:
                arg.annotation = None
        node.returns = None
        self.generic_visit(node)
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign):
        if node.value is None:
            return node  # a NamedTuple field: its annotation is needed
        return ast.Assign(targets=[node.target], value=node.value, lineno=node.lineno)

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.ClassDef:
        # class-level fields keep their annotations; methods lose theirs
        node.body = [self.visit(b) if isinstance(b, ast.FunctionDef) else b for b in node.body]
        return node


def _instructions(tree: Path) -> str:
    out = subprocess.run(
        [sys.executable, str(tree / "bench" / "instructions.py")], capture_output=True, text=True, check=True
    )
    return out.stdout.strip().splitlines()[-1]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp)
        archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(copy)
        (copy / "pyproject.toml").unlink()  # mypyc's setuptools build must not read the project's
        (copy / "mypy.ini").write_text("[mypy]\nignore_errors = True\n", encoding="utf-8")
        paths = [copy / "budgetlint" / "dsl" / f"{m}.py" for m in MODULES]
        for path in paths:
            tree = _StripAnnotations().visit(ast.parse(path.read_text(encoding="utf-8")))
            path.write_text(ast.unparse(ast.fix_missing_locations(tree)) + "\n", encoding="utf-8")
        build = subprocess.run(
            [sys.executable, "-m", "mypyc", *[str(p.relative_to(copy)) for p in paths]],
            cwd=copy,
            capture_output=True,
            text=True,
        )
        if build.returncode != 0:
            hint = "pip install mypy setuptools; a C compiler is needed"
            sys.exit(f"mypyc failed ({hint}):\n{build.stdout[-2000:]}")
        print(f"interpreted: {_instructions(ROOT)}")
        print(f"mypyc:       {_instructions(copy)}")


if __name__ == "__main__":
    main()
