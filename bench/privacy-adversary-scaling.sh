#!/usr/bin/env bash
# How much the learned attacks find as the adversary learns from more public faces and for more optimiser steps:
# `bash bench/privacy-adversary-scaling.sh MODEL SCHEME [K_PRIME] [N_VICTIMS]` runs the attacks lab's learned attacks
# (distinguisher, key network, E', E'_d; prior and random beside them) at four budgets, 512 faces at the earlier
# full-strength steps, 512 at 4x the steps, 2,048 at 4x and 4,096 at 8x (sparsegroups.frontier.ADVERSARY), into
# runs/scale-<model>-<scheme>-n<faces>[-steps4x]/, and prints each run's precision table, then one line per budget as in
# bench/privacy-adversary-scaling.txt (the key network's precision, held-out AUC, and its image's top-1 and PSNR).
# About 45 minutes on two threads at 520 victims.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_WAIT_POLICY=PASSIVE
model="$1"; [ -e "$model" ] && model="$(realpath "$model")"; scheme="$2"; kp="${3:-360}"; nv="${4:-520}"
tag="$(basename "$(dirname "$model")")"; [ -f "$model" ] || tag="$model"
for cfg in "512 150 60 300 100 " "512 600 240 1200 400 -steps4x" "2048 600 240 1200 400 " "4096 1200 480 2400 800 "; do
  set -- $cfg
  run="$PWD/runs/scale-$tag-${scheme//+/_}-n$1${6:-}"
  mkdir -p "$run/attacks"
  .venv/bin/papermill nbs/12_attacks.ipynb "$run/attacks/12_attacks.ipynb" --cwd nbs -p model "$model" -p run "$run" \
    -p schemes "$scheme" -p k_prime "$kp" -p n_public 4359 -p n_victims "$nv" -p n_train "$1" -p inverse_steps "$2" \
    -p denoise_steps "$3" -p distinguisher_steps "$4" -p keynet_steps "$5" -p identifier_steps 800 \
    -p attacks random,prior,distinguisher,keynet,reencode_inverse,reencode_denoise -p overwrite True --log-level ERROR
  echo "== $run (faces $1, steps E' $2, E'_d $3, distinguisher $4, key network $5)"
  cat "$run/attacks/table.txt"
done
for run in runs/scale-$tag-${scheme//+/_}-n{512,512-steps4x,2048,4096}; do
  .venv/bin/python - "$run/attacks/results.json" "$scheme" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); c = r["config"]; R = {x["attack"]: x for x in r["rows"] if x["scheme"] == sys.argv[2]}
steps = "/".join(str(c[f]) for f in ("inverse_steps", "denoise_steps", "distinguisher_steps", "keynet_steps"))
print(f"{c['n_train']:>5d} {steps:>20s} {R['distinguisher']['precision']:>13.3f} {R['keynet']['precision']:>7.3f} "
      f"{R['reencode_denoise']['precision']:>6.3f} {R['reencode_inverse']['precision']:>6.3f} {R['prior']['precision']:>6.3f} "
      f"{r['learned'][sys.argv[2]]['auc']['keynet']['held_out']:>6.3f} {R['keynet']['top1']:>6.3f} {R['keynet']['psnr_vs_original']:>6.2f}")
PY
done
