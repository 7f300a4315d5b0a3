#!/usr/bin/env bash
# The celeba64 sweep of the README (trusted PSNR vs key bytes): for each (L, m, k), 8 epochs at lr 2e-3, then 4 at
# 2e-4 by resuming with a new learning rate. Runs go to runs/celeba64-L<L>-m<m>-k<k>/ (metrics.json holds the test
# PSNR/SSIM). About 17 minutes per setting on one core of the 2-core development CPU (OMP_NUM_THREADS=1).
# Data: CelebA under $SPARSEGROUPS_DATA or ../shared/data (pass --root to point elsewhere).
set -euo pipefail
cd "$(dirname "$0")/.."
common="--data celeba64 --preset cpu-rgb64 --batch-size 32 --loss mse --flip --amp --device cpu --quiet"
for s in "16 256 32" "22 256 32" "11 256 64" "5 256 128" "3 384 192"; do
  set -- $s
  name="celeba64-L$1-m$2-k$3"
  .venv/bin/sparsegroups train $common --L "$1" --m "$2" --k "$3" --epochs 8 --name "$name"
  .venv/bin/sparsegroups train $common --L "$1" --m "$2" --k "$3" --epochs 12 --lr 2e-4 --name "$name" --resume
done
