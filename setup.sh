#!/usr/bin/env bash
# Set up the project's virtual environment in .venv (idempotent: a second run installs nothing new).
# torch: the CPU wheel 2.13.0 where no torch is present (a bare `torch` requirement would pull a CUDA build).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
VPY=.venv/bin/python
"$VPY" -m pip install -q --upgrade pip >/dev/null
if ! "$VPY" -c "import torch" 2>/dev/null; then
  echo "setup: installing torch==2.13.0 (CPU)" >&2
  "$VPY" -m pip install -q "torch==2.13.0" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
fi
stamp=.venv/.sparsegroups-installed
if [ ! -f "$stamp" ] || [ settings.ini -nt "$stamp" ] || [ setup.py -nt "$stamp" ]; then
  echo "setup: installing sparsegroups and its requirements" >&2
  "$VPY" -m pip install -q -e ".[dev]" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
  touch "$stamp"
fi
