"""Run the Python code blocks of Markdown files as a reader would, and fail on any error.

Each file's ```python blocks run in order as one script, in a fresh process whose working
folder holds the files the docs name (R-saved fixtures: ``my_model.rds`` is a workflow R
fitted, ``new_data.rds`` its new data, ...). A block whose first line is
``# needs: rpy2 R:recipes`` runs only where those Python modules and R packages exist; the
others are reported as skipped. Needs no pytest, so it runs in a plain user install:

    python tests/doc_blocks.py README.md docs/*.md
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from r_oracle import missing_r

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(os.environ.get("PYKERASNIP_FIXTURES", ROOT.parent / "shared" / "fixtures"))

#: file name the docs use -> the R-saved fixture copied under that name
STAGED = {
    "my_model.rds": "seq_reg_recipe_normalize/workflow.rds",
    "new_data.rds": "seq_reg_recipe_normalize/new_data.rds",
    "new_data.csv": "seq_reg_recipe_normalize/new_data.csv",
    "my_model_bundle.rds": "seq_reg_bundle/bundle.rds",
    "my_classifier.rds": "seq_cls_multiclass_iris/workflow.rds",
    "iris_workflow.rds": "seq_cls_multiclass_iris/workflow.rds",
}
#: a pins board folder holding the pins vetiver-r wrote (tests/r/make_pins.R)
R_PINS = ROOT / "tests" / "data" / "pins"
_BLOCK = re.compile(r"^```python[^\n]*\n(.*?)^```", re.S | re.M)
_NEEDS = re.compile(r"#\s*needs:\s*(.+)")


@dataclass(frozen=True)
class Block:
    """One fenced block: where it starts and what it needs."""

    line: int
    code: str
    needs: tuple[str, ...]


def blocks(markdown: str) -> list[Block]:
    """The ```python blocks of a Markdown text, in order."""
    found = []
    for match in _BLOCK.finditer(markdown):
        code = match.group(1)
        first = code.splitlines()[0] if code.strip() else ""
        needs = _NEEDS.match(first.strip())
        found.append(Block(markdown.count("\n", 0, match.start()) + 1, code,
                           tuple(needs.group(1).split()) if needs else ()))
    return found


def missing(needs: tuple[str, ...]) -> list[str]:
    """The requirements of a block this machine lacks."""
    def has(need: str) -> bool:
        if need.startswith("R:"):
            return not missing_r(need[2:])
        return importlib.util.find_spec(need) is not None
    return [need for need in needs if not has(need)]


def stage(folder: Path) -> None:
    """Put the files the docs name into ``folder``: the fixtures, the R-made pins board
    ``models/`` and, where pyarrow is installed, ``flowers.parquet`` (iris rows with an id)."""
    for name, source in STAGED.items():
        path = FIXTURES / source
        if not path.exists():
            raise FileNotFoundError(f"fixture {path} is missing (set PYKERASNIP_FIXTURES)")
        shutil.copyfile(path, folder / name)
    shutil.copytree(R_PINS, folder / "models")
    if importlib.util.find_spec("pyarrow") is not None:
        import pykerasnip as pk

        flowers = pk.read_rds(FIXTURES / "seq_cls_multiclass_iris" / "new_data.rds").head(8)
        flowers.insert(0, "flower_id", range(1, len(flowers) + 1))
        flowers.to_parquet(folder / "flowers.parquet")


def run_file(path: Path) -> tuple[int, int, str]:
    """(blocks run, blocks skipped, error text or '') for one Markdown file."""
    found = blocks(path.read_text())
    runnable = [b for b in found if not missing(b.needs)]
    if not runnable:
        return 0, len(found), ""
    script = "\n".join(f"# {path.name}:{b.line}\n{b.code}" for b in runnable)
    with tempfile.TemporaryDirectory(prefix="pykerasnip-docs-") as tmp:
        stage(Path(tmp))
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
        out = subprocess.run([sys.executable, "-c", script], cwd=tmp, capture_output=True,
                             text=True, env=env, timeout=900)
    error = "" if out.returncode == 0 else (out.stderr[-3000:] or f"exit {out.returncode}")
    return len(runnable), len(found) - len(runnable), error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    passed = failed = 0
    for path in args.files:
        ran, skipped, error = run_file(path)
        if ran == 0 and skipped == 0:
            continue
        print(f"{path}: {ran} block(s) run, {skipped} skipped"
              f"{'' if not error else ' -- FAILED'}")
        if error:
            print(error)
        failed += bool(error)
        passed += bool(ran and not error)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
