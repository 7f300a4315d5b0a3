#!/usr/bin/env bash
# The test command: library in sync with the notebooks, notebooks clean, notebook tests, pytest.
# Exits non-zero on any failure. Sets up .venv first (idempotent). Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")"
bash setup.sh || { echo "test.sh: set-up failed" >&2; exit 1; }
PY=.venv/bin/python
status=0
step() { echo "== $1" >&2; }

# 1-2. Export and clean in a scratch copy, so nothing in the working tree is touched, then compare.
step "nbdev_export / nbdev_clean leave sparsegroups/ and nbs/ unchanged"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp -r settings.ini setup.py pyproject.toml nbs sparsegroups "$tmp"/
( cd "$tmp" && "$OLDPWD/$PY" -c "from nbdev.doclinks import nbdev_export; nbdev_export()" \
            && "$OLDPWD/$PY" -c "from nbdev.clean import nbdev_clean; nbdev_clean()" ) \
  || { echo "FAILED: nbdev_export/nbdev_clean did not run" >&2; status=1; }
find "$tmp" -name __pycache__ -prune -exec rm -rf {} + 2>/dev/null
if ! diff -r -x __pycache__ sparsegroups "$tmp/sparsegroups" >&2; then
  echo "FAILED: sparsegroups/ differs from what the notebooks export: run nbdev_export and commit" >&2; status=1
fi
if ! diff -r -x .ipynb_checkpoints nbs "$tmp/nbs" >/dev/null; then
  diff -r -x .ipynb_checkpoints nbs "$tmp/nbs" | head -20 >&2
  echo "FAILED: notebooks are not clean: run nbdev_clean and commit" >&2; status=1
fi

# 3. The notebooks' own tests (cells flagged slow or cuda are skipped; nbdev_test --flags slow runs them).
step "nbdev_test"
runs_tmp=$(mktemp -d)     # the lab notebooks' own runs go to a scratch folder, not ./runs
SPARSEGROUPS_RUNS="$runs_tmp" .venv/bin/nbdev_test --path nbs || status=1
rm -rf "$runs_tmp"

# 4. Cross-module contracts.
step "pytest"
$PY -m pytest -q tests "$@"; rc=$?
[ $rc -eq 0 ] || status=1

[ $status -eq 0 ] && echo "test.sh: all checks passed" >&2 || echo "test.sh: FAILED" >&2
exit $status
