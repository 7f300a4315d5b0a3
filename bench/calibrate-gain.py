"""A trained model with its selection gains calibrated once, without training: `calibrate_gain` on N training faces.

    .venv/bin/python bench/calibrate-gain.py MODEL OUT [N [ITERS]]
    .venv/bin/python bench/calibrate-gain.py celeba64-private-v4 runs/priv-h-gain         # 1,024 faces, 100 iterations
    .venv/bin/python bench/calibrate-gain.py runs/support-h runs/support-h-cal 4359 300   # a run folder: all 4,359 train faces

writes OUT/model.pt and OUT/config.json (the model's training config), a model the labs read:
`bash bench/privacy-attacks.sh runs/priv-h-gain/model.pt ours 360 520` scores it. MODEL may be a run folder
(runs/NAME, holding model.pt and metrics.json): OUT/metrics.json is then the run's, with the test figures measured
again on the calibrated model and a `calibration` record, so `sparsegroups ship OUT --as NAME` writes a card that says so.
"""
import json, sys
from pathlib import Path
import torch
from sparsegroups.data import load_dataset
from sparsegroups.model import load, save
from sparsegroups.train import calibrate_gain, evaluate

if len(sys.argv) not in (3, 4, 5): sys.exit(__doc__)
model, out = sys.argv[1], Path(sys.argv[2])
n, iters = (sys.argv[3] if len(sys.argv) > 3 else "1024"), (sys.argv[4] if len(sys.argv) > 4 else "100")
if not (n.isdigit() and iters.isdigit() and int(n) >= 1 and int(iters) >= 1):
    sys.exit(f"N ({n}) and ITERS ({iters}) must be positive integers: how many training faces, how many iterations")
n, iters = int(n), int(iters)
if (out / "model.pt").exists(): sys.exit(f"{out / 'model.pt'} exists: remove it or choose another folder")
run = Path(model) if Path(model).is_dir() else None
if run is not None and not ((run / "model.pt").is_file() and (run / "metrics.json").is_file()):
    sys.exit(f"{run} is not a finished run folder: it needs model.pt and metrics.json")
try: net, extra = load(run / "model.pt" if run else model, return_extra=True)
except (FileNotFoundError, ValueError) as e: sys.exit(str(e))
cfg = extra.get("train_config") or extra.get("metrics", {}).get("config")
if not cfg or not cfg.get("data"): sys.exit(f"{model} does not record its training data set")
ds = load_dataset(cfg["data"], split="train", cache=False)
idx = torch.randperm(len(ds), generator=torch.Generator().manual_seed(0))[:n]
before, after = calibrate_gain(net, torch.stack([ds[int(i)]["image"] for i in idx]), net.config.k, iters=iters)
print(f"usage spread on {len(idx)} training images, {iters} iterations: {before:.4f} -> {after:.4f}")
out.mkdir(parents=True, exist_ok=True)
metrics = json.loads((run / "metrics.json").read_text()) if run else None
if metrics is not None:
    test = evaluate(net, cfg["data"], "test", cfg.get("root"))
    print(f"test PSNR {metrics['test']['psnr']:.2f} -> {test['psnr']:.2f} dB, SSIM {metrics['test']['ssim']:.4f} -> {test['ssim']:.4f}")
    metrics["calibration"] = dict(source=str(run), images=len(idx), iters=iters, spread_before=before, spread_after=after,
                                  test_before=metrics["test"], command=f"bench/calibrate-gain.py {run} {out} {n} {iters}")
    metrics["test"] = test
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1))
save(net, out / "model.pt", metrics={k: v for k, v in metrics.items() if k != "history"} if metrics else {"config": cfg},
     **({"privacy": extra["privacy"]} if extra.get("privacy") else {}))
(out / "config.json").write_text(json.dumps(cfg, indent=1) + "\n")
