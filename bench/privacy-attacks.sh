#!/usr/bin/env bash
# The attacks lab at full strength on one model, scheme and k' of the privacy frontier: the learned attacks train on
# 4,096 of the adversary's 4,359 public faces (128 others score them) with the optimiser steps of
# sparsegroups.frontier.ADVERSARY, the budget a frontier point needs to count, and the adversary's decoder of public
# codes D' trains for sparsegroups.frontier.DECODER_STEPS batches (about 20 minutes on two threads at 520 victims).
# `bash bench/privacy-attacks.sh MODEL SCHEMES [K_PRIME] [N_VICTIMS]` writes
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
  -p schemes "$schemes" -p k_prime "$kp" -p n_public 4359 -p n_victims "$nv" -p n_train 4096 -p inverse_steps 1200 \
  -p denoise_steps 480 -p distinguisher_steps 2400 -p keynet_steps 800 -p identifier_steps 800 -p decoder_steps 600 \
  -p overwrite True
echo "$run"
