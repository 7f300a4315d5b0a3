#!/usr/bin/env bash
# The test command, what CI runs: the library in sync with the notebooks and the notebooks clean; the notebooks' own
# tests (nbdev_test; the labs' run sections carry the `lab` flag and are skipped there); then pytest: each lab once
# through papermill on lfw-mini, the CLI, file-format and training contracts, the browser test and the fuzzing.
# Prints each step's time; exits non-zero on any failure. Sets up .venv first (idempotent).
#   bash test.sh                everything (the checks marked slow included)
#   bash test.sh --quick        the developers' inner loop: the same without the checks marked slow
# Further arguments go to pytest (e.g. bash test.sh -k share).
set -uo pipefail
cd "$(dirname "$0")"
markers="not cuda"; nbflags="long"
if [ "${1:-}" = "--quick" ]; then markers="not slow and not cuda"; nbflags=""; shift; fi
bash setup.sh || { echo "test.sh: set-up failed" >&2; exit 1; }
PY=.venv/bin/python
# torch's OpenMP threads sleep instead of spinning while they wait: on a shared 2-core machine spinning threads of
# several processes slowed training steps 5x (0.485 against 0.097 s, measured by the attacks lab).
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
status=0
start=$SECONDS; t0=$SECONDS
step() { echo "== $1" >&2; t0=$SECONDS; }
took() { echo "   ($1: $((SECONDS - t0)) s)" >&2; }

# 1. Export and clean in a scratch copy, so nothing in the working tree is touched, then compare.
step "nbdev_export / nbdev_clean leave sparsegroups/ and nbs/ unchanged"
tmp=$(mktemp -d); runs_tmp=$(mktemp -d); trap 'rm -rf "$tmp" "$runs_tmp"' EXIT
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
took sync

# 2. The notebooks' own tests. Skipped: cells flagged lab (the labs' run sections, which pytest runs through
#    papermill), cuda, and slow (celeba64 demonstrations: nbdev_test --flags slow runs them); cells flagged long run
#    here but not with --quick.
step "nbdev_test${nbflags:+ --flags $nbflags}"
SPARSEGROUPS_RUNS="$runs_tmp" .venv/bin/nbdev_test --path nbs ${nbflags:+--flags "$nbflags"} || status=1
took nbdev_test

# 3. Cross-module contracts, the labs through papermill, the browser, fuzzing.
step "pytest -m \"$markers\""
# pytest-xdist spreads the test files over the cores (a file's module fixtures then run once)
$PY -m pytest -q -m "$markers" --numprocesses auto --maxprocesses 4 --dist loadfile tests "$@" || status=1
took pytest

echo "test.sh: $((SECONDS - start)) s after set-up" >&2
[ $status -eq 0 ] && echo "test.sh: all checks passed" >&2 || echo "test.sh: FAILED" >&2
exit $status
