#!/usr/bin/env bash
# The celeba64 sweep of the README (trusted PSNR vs key bytes): for each (L, k), 8 epochs at lr 2e-3, then 4 at
# 2e-4 by resuming with a new learning rate. Runs go to runs/celeba64-L<L>-k<k>/ (metrics.json holds the test
# PSNR/SSIM). About 17 minutes per setting on one core of the 2-core development CPU (OMP_NUM_THREADS=1).
# Data: CelebA under $SPARSEGROUPS_DATA or ../shared/data (pass --root to point elsewhere).
set -euo pipefail
cd "$(dirname "$0")/.."
common="--data celeba64 --preset cpu-rgb64 --m 256 --batch-size 32 --loss mse --flip --amp --device cpu --quiet"
for s in "16 32" "22 32" "11 64" "5 128"; do
  set -- $s
  name="celeba64-L$1-k$2"
  .venv/bin/sparsegroups train $common --L "$1" --k "$2" --epochs 8 --name "$name"
  .venv/bin/sparsegroups train $common --L "$1" --k "$2" --epochs 12 --lr 2e-4 --name "$name" --resume
done
