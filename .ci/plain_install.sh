#!/usr/bin/env bash
# A user's install, as the docs give it: the built wheel with only the [tensorflow] extra in a
# fresh virtual environment (nothing from dev). Every Python block of README.md and docs/*.md
# must run there, and so must `pykerasnip demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$PY" -m pip wheel -q --no-deps --disable-pip-version-check -w "$work/dist" .
"$PY" -m venv "$work/venv"
wheel=$(ls "$work"/dist/pykerasnip-*.whl)
"$work/venv/bin/python" -m pip install -q --disable-pip-version-check "$wheel[tensorflow]"
"$work/venv/bin/python" tests/doc_blocks.py README.md docs/*.md
(cd "$work" && "$work/venv/bin/pykerasnip" demo)
echo "plain install: wheel, docs blocks and demo OK"
