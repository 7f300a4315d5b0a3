#!/usr/bin/env bash
# What each privacy term costs: the shipped celeba64 fine-tuned for one short epoch (960 train images, 60 steps of 16,
# lr 1e-4) with one term at a fixed weight (privacy_lambda 1, no floor), and a control without terms. Prints, per run,
# the valid PSNR after the epoch and the term's epoch mean relative to its first value (1 = unchanged).
# `bash bench/privacy-ablation.sh` writes runs/ablation-<term>/ and bench/privacy-ablation.json (about 21 minutes on one core).
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
common=(--data celeba64 --preset cpu-rgb64 --num-filts 40 40 40 20 --L 4 --m 360 --k 180 --batch-size 16 --loss mse --flip
        --init celeba64 --max-images 960 --epochs 1 --lr 0.0001 --privacy-lambda 1 --quiet --overwrite)
for term in none balance public reencode distinguisher inverse denoise; do
  w=(); [ "$term" != none ] && w=(--w-$term 1)
  .venv/bin/sparsegroups train "${common[@]}" "${w[@]}" --name "ablation-$term" >/dev/null
done
.venv/bin/python - <<'PY'
import json, torch
from sparsegroups.model import read_checkpoint
out = {}
for term in ("none", "balance", "public", "reencode", "distinguisher", "inverse", "denoise"):
    m = json.load(open(f"runs/ablation-{term}/metrics.json"))
    h = m["history"]
    row = dict(valid_psnr=h["valid_psnr"][-1], test_psnr=m["test"]["psnr"], seconds=m["train_seconds"])
    if term != "none":
        scale = read_checkpoint(f"runs/ablation-{term}/last.pt")["extra"]["privacy"]["scale"][term]
        row.update(term_first=scale, term_epoch_mean=h[term][-1], term_relative=h[term][-1] / scale)
    out[term] = row
base = out["none"]["test_psnr"]
for term, r in out.items():
    r["cost_db_vs_control"] = base - r["test_psnr"]
    print(f"{term:14s} test {r['test_psnr']:.2f} dB (cost {r['cost_db_vs_control']:+.2f} dB vs control)"
          + (f"  term {r['term_relative']:.3f} of its first value" if term != "none" else "") + f"  {r['seconds']:.0f} s")
json.dump(out, open("bench/privacy-ablation.json", "w"), indent=1)
PY
