"""A trained model with its selection gains calibrated once, without training: `calibrate_gain` on N training faces.

    .venv/bin/python bench/calibrate-gain.py celeba64-private runs/priv-h-gain [1024]

writes OUT/model.pt and OUT/config.json (the model's training config), a model the labs read:
`bash bench/privacy-attacks.sh runs/priv-h-gain/model.pt ours 360 520` scores it.
"""
import json, sys
from pathlib import Path
import torch
from sparsegroups.data import load_dataset
from sparsegroups.model import load, save
from sparsegroups.train import calibrate_gain

if len(sys.argv) not in (3, 4): sys.exit(__doc__)
model, out, n = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) == 4 else 1024
if (out / "model.pt").exists(): sys.exit(f"{out / 'model.pt'} exists: remove it or choose another folder")
net, extra = load(model, return_extra=True)
cfg = extra.get("train_config") or extra.get("metrics", {}).get("config")
if not cfg or not cfg.get("data"): sys.exit(f"{model} does not record its training data set")
ds = load_dataset(cfg["data"], split="train", cache=False)
idx = torch.randperm(len(ds), generator=torch.Generator().manual_seed(0))[:n]
before, after = calibrate_gain(net, torch.stack([ds[int(i)]["image"] for i in idx]), net.config.k)
print(f"usage spread on {len(idx)} training images: {before:.4f} -> {after:.4f}")
out.mkdir(parents=True, exist_ok=True)
save(net, out / "model.pt", metrics={"config": cfg})
(out / "config.json").write_text(json.dumps(cfg, indent=1) + "\n")
