#!/usr/bin/env bash
# The celeba64 figures of the README and the closing notes: the noiseLab and attacks notebooks on the shipped celeba64
# model (headless, papermill) into runs/celeba64-labs-<timestamp>/, copied to bench/noiselab-celeba64.json and
# bench/attacks-celeba64.{json,txt} (figures to bench/figures/noiselab-*.png and attacks-*.png); then the size benchmark
# of the share format on the whole test split, and the one-run benchmark report bench/results.json with its plots.
# `bash bench/celeba64-labs.sh labs` runs the two labs only. The attacks lab takes under 10 minutes on the 2-core
# development CPU, the whole script about 30. Needs CelebA under $SPARSEGROUPS_DATA or ../shared/data. Its learned
# attacks learn from 512 public faces, the budget of the record; the privacy frontier's full strength (4,096 faces,
# which finds more) is bench/privacy-attacks.sh.
# OMP_WAIT_POLICY=PASSIVE: OpenMP threads sleep instead of spinning when they wait, which on a shared 2-core machine
# keeps two torch threads from being several times slower than one.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_WAIT_POLICY=PASSIVE
run="$PWD/runs/celeba64-labs-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run/noiselab" "$run/attacks" bench/figures
.venv/bin/papermill nbs/11_noiseLab.ipynb "$run/noiselab/11_noiseLab.ipynb" --cwd nbs -p model celeba64 -p run "$run" \
  -p n_images 64 -p scheme ours
cp "$run/noiselab/metrics.json" bench/noiselab-celeba64.json
for f in rows rd; do cp "$run/noiselab/figures/noiselab_$f.png" "bench/figures/noiselab-$f.png"; done
.venv/bin/papermill nbs/12_attacks.ipynb "$run/attacks/12_attacks.ipynb" --cwd nbs -p model celeba64 -p run "$run" \
  -p n_public 4359 -p n_victims 128 -p n_train 512 -p inverse_steps 150 -p denoise_steps 60 -p distinguisher_steps 300 \
  -p keynet_steps 100 -p identifier_steps 800 -p schemes ours,ours+positions,reference
cp "$run/attacks/results.json" bench/attacks-celeba64.json
cp "$run/attacks/table.txt" bench/attacks-celeba64.txt
for f in "$run"/attacks/figures/attacks_*.png; do b=$(basename "$f" .png); cp "$f" "bench/figures/${b//_/-}.png"; done
if [ "${1:-}" != labs ]; then
  .venv/bin/sparsegroups sizes --model celeba64 --split test --out bench/sizes-celeba64.json --force >/dev/null
  .venv/bin/sparsegroups bench --out bench/results.json --figures bench/figures --attacks bench/attacks-celeba64.json --force >/dev/null
fi
echo "$run"
