#!/usr/bin/env bash
# The main job on the embedded default data (the LFW faces shipped with scikit-image): set up .venv, then run
# the trainGround notebook headless with papermill into a new run folder runs/main-<timestamp>/, which holds the
# executed notebook, config, checkpoints, metrics.json and figures; then print a short summary.
# These defaults are the recipe of the shipped lfw-mini model (data/models/lfw-mini.md).
set -euo pipefail
cd "$(dirname "$0")"
bash setup.sh
name="main-$(date +%Y%m%d-%H%M%S)"
mkdir -p "runs/$name"
.venv/bin/papermill nbs/10_trainGround.ipynb "runs/$name/10_trainGround.ipynb" --cwd nbs \
  -p data lfw-mini -p preset cpu-gray32 -p epochs 150 -p batch_size 16 -p loss mse -p flip True -p seed 0 -p device cpu \
  -p out "$PWD/runs" -p name "$name" "$@"
.venv/bin/sparsegroups summary "runs/$name" >/dev/null
