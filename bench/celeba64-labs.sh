#!/usr/bin/env bash
# The celeba64 figures of the README and the closing notes: the noiseLab and attacks notebooks on the shipped celeba64
# model (headless, papermill) into runs/celeba64-labs-<timestamp>/, the size benchmark of the share format on the whole
# test split, and the one-run benchmark report bench/results.json with its plots in bench/figures/.
# About 30 minutes on the 2-core development CPU. Needs CelebA under $SPARSEGROUPS_DATA or ../shared/data.
set -euo pipefail
cd "$(dirname "$0")/.."
run="$PWD/runs/celeba64-labs-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run/noiselab" "$run/attacks"
.venv/bin/sparsegroups sizes --model celeba64 --split test --out bench/sizes-celeba64.json --force >/dev/null
.venv/bin/papermill nbs/11_noiseLab.ipynb "$run/noiselab/11_noiseLab.ipynb" --cwd nbs -p model celeba64 -p run "$run" \
  -p n_images 64
.venv/bin/papermill nbs/12_attacks.ipynb "$run/attacks/12_attacks.ipynb" --cwd nbs -p model celeba64 -p run "$run" \
  -p n_public 4359 -p n_victims 128 -p relax_steps 15 -p identifier_epochs 6
.venv/bin/sparsegroups bench --out bench/results.json --figures bench/figures --attacks "$run/attacks/results.json" --force >/dev/null
echo "$run"
