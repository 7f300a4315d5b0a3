#!/usr/bin/env bash
# The main job on the embedded default data: set up .venv, then run it (JSON summary on stdout).
# Until training and the labs exist, the main job is the smoke run: the 100 LFW faces shipped with
# scikit-image, encoded and decoded by an untrained model (shapes, sparsity, PSNR).
set -euo pipefail
cd "$(dirname "$0")"
bash setup.sh
exec .venv/bin/sparsegroups smoke "$@"
