#!/usr/bin/env bash
# The attacks lab at full strength (the parameters of bench/celeba64-labs.sh) on one model, scheme and k' of the
# privacy frontier: `bash bench/privacy-attacks.sh MODEL SCHEMES [K_PRIME] [N_VICTIMS]` writes
# runs/frontier-<model>-<schemes>-<k'>/attacks/results.json, which `sparsegroups frontier` reads.
# MODEL is a shipped model name or a run's model.pt; SCHEMES a comma-separated list (ours, ours+positions, decoy, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_WAIT_POLICY=PASSIVE
model="$1"; [ -e "$model" ] && model="$(realpath "$model")"; schemes="$2"; kp="${3:-None}"; nv="${4:-128}"
tag="$(basename "$(dirname "$model")")"; [ -f "$model" ] || tag="$model"
run="$PWD/runs/frontier-$tag-${schemes//[,+]/_}-$kp"
mkdir -p "$run/attacks"
.venv/bin/papermill nbs/12_attacks.ipynb "$run/attacks/12_attacks.ipynb" --cwd nbs -p model "$model" -p run "$run" \
  -p schemes "$schemes" -p k_prime "$kp" -p n_public 4359 -p n_victims "$nv" -p n_train 512 -p inverse_steps 150 \
  -p denoise_steps 60 -p distinguisher_steps 300 -p keynet_steps 100 -p identifier_steps 800 -p overwrite True
echo "$run"
