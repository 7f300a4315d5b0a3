#!/usr/bin/env bash
# The shipped celeba64 model: a wider encoder/decoder (filters 40, 40, 40, 20) with L=4 maps of m=360, k=180
# (key 4 log2 C(360, 180) = 1422 bits = 177.7 bytes at k'=2k). Learning rate 1e-3 for 12 epochs, then 3e-4 to epoch 17
# (the drop is a resume with a new --lr). One core of the 2-core development CPU (OMP_NUM_THREADS=1): about 3 minutes an
# epoch when the machine is otherwise idle. Data: CelebA under $SPARSEGROUPS_DATA or ../shared/data.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:-celeba64-L4-m360-k180-f40}
common="--data celeba64 --preset cpu-rgb64 --num-filts 40 40 40 20 --L 4 --m 360 --k 180 --batch-size 32 --loss mse
        --flip --amp --device cpu --quiet --name $name"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
[ -f "runs/$name/last.pt" ] && resume=--resume || resume=
.venv/bin/sparsegroups train $common --epochs 12 --lr 1e-3 $resume
.venv/bin/sparsegroups train $common --epochs 17 --lr 3e-4 --resume
