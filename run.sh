#!/usr/bin/env bash
# The main job on the embedded default data (the LFW faces shipped with scikit-image): set up .venv, then run the lab
# notebooks headless with papermill into a new run folder runs/main-<timestamp>/:
#   1. trainGround trains the lfw-mini model (the recipe of the shipped data/models/lfw-mini.md): executed notebook,
#      config, checkpoints, metrics.json and figures;
#   2. noiseLab on that model's test faces: noiselab/ with its executed notebook, metrics.json and figures;
#   3. attacks on that model (the adversary learns from the train faces, attacks the 20 others): attacks/ with its
#      executed notebook, results.json, table.txt and figures.
# Then it prints a short summary table. Extra arguments go to the trainGround papermill call.
set -euo pipefail
cd "$(dirname "$0")"
bash setup.sh
name="main-$(date +%Y%m%d-%H%M%S)"
run="$PWD/runs/$name"
mkdir -p "$run"
.venv/bin/papermill nbs/10_trainGround.ipynb "$run/10_trainGround.ipynb" --cwd nbs \
  -p data lfw-mini -p preset cpu-gray32 -p epochs 150 -p batch_size 16 -p loss mse -p flip True -p seed 0 -p device cpu \
  -p out "$PWD/runs" -p name "$name" "$@"
mkdir -p "$run/noiselab"
.venv/bin/papermill nbs/11_noiseLab.ipynb "$run/noiselab/11_noiseLab.ipynb" --cwd nbs \
  -p model "$run" -p run "$run" -p n_images 10
mkdir -p "$run/attacks"
.venv/bin/papermill nbs/12_attacks.ipynb "$run/attacks/12_attacks.ipynb" --cwd nbs -p model "$run" -p run "$run"
.venv/bin/sparsegroups summary "$run" >/dev/null
