"""The generated docs are up to date with the code, and the generator reads the code right."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import MANIFEST, ROOT
import doc_blocks
from pykerasnip import docs_tables
from pykerasnip.recipes.recipe import STEPS
from pykerasnip.recipes.steps.base import Step

DOCS = ROOT / "docs"


def _generated(*args: str) -> str:
    out = subprocess.run([sys.executable, "-m", "pykerasnip.docs_tables", *args], cwd=ROOT,
                         capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2",
                              "PATH": "/usr/bin:/bin"})
    return out.stdout


@pytest.mark.parametrize("name, args", [("steps.md", []), ("api.md", ["--api"])])
def test_committed_doc_equals_the_generator_output(name: str, args: list[str]) -> None:
    regenerate = f"python -m pykerasnip.docs_tables {' '.join(args)} > docs/{name}".replace("  ", " ")
    assert (DOCS / name).read_text() == _generated(*args), f"out of date: run `{regenerate}`"


def test_step_table_has_one_row_per_registered_step() -> None:
    rows = [line for line in docs_tables.steps_markdown().splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == sorted(STEPS, key=str.lower)


def test_every_recipe_step_the_fixtures_use_is_in_the_table() -> None:
    table = docs_tables.steps_markdown()
    used = {step["step"] for case in MANIFEST["cases"] for f in case.get("files", [])
            for step in (f.get("object") or {}).get("recipe_steps") or []}
    assert used and all(f"| `{step}` |" in table for step in used)


def test_step_support_is_read_from_overrides() -> None:
    class Half(Step):
        """``step_half``: only bakes. More text here."""

        r_class = "step_half"

        def bake(self, data):
            return data

    assert docs_tables.step_support(Half, Step) == {"from_r": True, "bake": True, "prep": False,
                                                   "to_r": False}
    assert docs_tables.first_sentence(Half) == "`step_half`: only bakes."


def test_first_sentence_keeps_abbreviations_and_converts_rst_roles() -> None:
    def f() -> None:
        """Uses :func:`~pykerasnip.io.read_rds`, i.e. the reader. Second sentence."""

    assert docs_tables.first_sentence(f) == "Uses `read_rds`, i.e. the reader."


def test_api_reference_lists_every_public_name_with_its_signature() -> None:
    import pykerasnip as pk

    text = docs_tables.api_markdown()
    for name in pk.__all__:
        if name in pk._SUBMODULES:
            assert f"- `pykerasnip.{name}`: " in text
        else:
            assert f"### `{name}`" in text
    assert "function read_rds(path: str | os.PathLike, *, safe_mode: bool = True" in text
    assert "- `.predict(new_data: pd.DataFrame, type: str | None = None, level: float = 0.95" in text


@pytest.mark.parametrize("path", [ROOT / "README.md", *sorted(DOCS.glob("*.md"))],
                         ids=lambda p: p.name)
def test_python_blocks_of_the_docs_run(path) -> None:
    _, _, error = doc_blocks.run_file(path)
    assert not error


def test_doc_runner_reports_a_failing_block_and_skips_unmet_needs(tmp_path) -> None:
    page = tmp_path / "page.md"
    page.write_text("```python\nx = 1\n```\n\n```python\n# needs: no_such_module_xyz\n"
                    "import no_such_module_xyz\n```\n\n```python\nassert x == 2, 'x is 1'\n```\n")
    ran, skipped, error = doc_blocks.run_file(page)
    assert (ran, skipped) == (2, 1)
    assert "x is 1" in error
