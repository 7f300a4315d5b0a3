"""Give a trained model's neck full rank (n >= m), so each map's dense code can be any vector of R^m.

`.venv/bin/python bench/full-rank-neck.py MODEL OUT [--how widen|cut] [--k K] [--n-faces N]`

Why: with the cpu-rgb64 scales (1, 2, 1, 2) the encoder gives each group n = 16 x 16 = 256 features, and a map's
dense code is W_l h (W_l: m x n). At m = 360 > n every face's dense code lies in the same 256-dimensional subspace
of R^360: a linear constraint that fakes drawn independently of the true values do not satisfy (given a candidate
support S, the true entries must extend to a vector of that subspace whose other entries are all below the k-th
magnitude), and the code's covariance has rank 256, so it cannot be white. The linear code that the attacks cannot
break (pca-white-rot, bench/privacy-linear-code.py) has a square, invertible W per map. Two ways to a full-rank neck,
each a starting point for fine-tuning (`sparsegroups train --init OUT` with the printed architecture):

- `widen` (default): the last encoder block stops striding (scales (1, 2, 1, 1)), so n = 32 x 32 = 1,024 >= m and
  m, k and the key stay. The convolution weights carry over unchanged (a stride-1 block's even pixels are exactly the
  stride-2 block's output); the neck becomes W_l U^T / 2 with U the bilinear x2 upsampling, so the decoder, whose
  first block no longer upsamples, receives about the upsampled maps it was trained on (the tied transpose gives
  U W_l^T code / 2: of the factors 1.4 to 4 tried, 2 gave the best PSNR before training).
- `cut`: keep m = n = 256 rows of W (those the true supports of N train faces use most) and k (default n / 2, so that
  k' = m keeps chance at 0.5): a square neck at the cost of rate.

It prints the test PSNR (`sparsegroups.train.reconstruction_metrics`, 520 faces) before and after, with no training.
"""
import argparse, torch
import torch.nn.functional as F
from pathlib import Path
from sparsegroups.data import load_dataset
from sparsegroups.model import AEConfig, SparseGroupAE, load, save
from sparsegroups.train import reconstruction_metrics

p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
p.add_argument("model", help="shipped model name or a run's model.pt")
p.add_argument("out", help="where to write the new model (.pt); refuses to replace an existing file")
p.add_argument("--how", choices=("widen", "cut"), default="widen")
p.add_argument("--k", type=int, default=None, help="cut: non-zeros per map after the cut (default n / 2)")
p.add_argument("--n-faces", type=int, default=1024, help="cut: train faces whose supports rank the positions")
args = p.parse_args()
if Path(args.out).exists(): p.error(f"{args.out} exists: choose another path")
net = load(args.model).eval()
cfg, n = net.config, net.neck.n
if tuple(cfg.image) != (3, 64, 64): p.error(f"{args.model} takes {tuple(cfg.image)} images; this script measures on celeba64 (3, 64, 64)")
if cfg.m <= n: p.error(f"{args.model} already has m = {cfg.m} <= n = {n}: its neck can have full rank")

def faces(split, count):
    ds = load_dataset("celeba64", split=split)
    return torch.stack([ds[i]["image"] for i in range(min(count, len(ds)))])

torch.set_grad_enabled(False)
sd = net.state_dict()
if args.how == "widen":
    if cfg.scale_factor[-1] != 2: p.error(f"widen needs a last scale factor of 2, got {cfg.scale_factor}")
    new = SparseGroupAE(AEConfig.from_dict({**cfg.to_dict(), "scale_factor": list(cfg.scale_factor[:-1]) + [1]}))
    h, w = net.neck.hw
    U = F.interpolate(torch.eye(h * w).reshape(h * w, 1, h, w), scale_factor=2, mode="bilinear",
                      align_corners=False).reshape(h * w, 4 * h * w).T                   # (4n, n)
    sd["neck.weight"] = net.neck.weight @ U.T / 2
    note = f"scale factors {list(cfg.scale_factor)} -> {list(new.config.scale_factor)}, n {n} -> {new.neck.n}, m {cfg.m}, k {cfg.k}"
else:
    k = args.k if args.k is not None else n // 2
    if not 1 <= k < n: p.error(f"--k must be in 1..{n - 1}, got {k}")
    usage = torch.zeros(cfg.L, cfg.m)
    for b in faces("train", args.n_faces).split(128): usage += (net.encode(b) != 0).float().sum(0)
    keep = usage.argsort(dim=1, descending=True)[:, :n].sort(dim=1).values          # (L, n), in the original order
    new = SparseGroupAE(AEConfig.from_dict({**cfg.to_dict(), "m": n, "k": k}))
    sd["neck.weight"] = torch.stack([net.neck.weight[l, keep[l]] for l in range(cfg.L)])
    sd["neck.gain"] = torch.stack([net.neck.gain[l, keep[l]] for l in range(cfg.L)])
    note = f"m {cfg.m} -> {n}, k {cfg.k} -> {k}, n {n}"
new.load_state_dict(sd)
new.eval()
test = load_dataset("celeba64", split="test")
before, after = (reconstruction_metrics(mdl, test)["psnr"] for mdl in (net, new))
print(f"{args.model} ({args.how}): {note}; condition numbers of the neck {torch.linalg.cond(new.neck.weight).round().tolist()}")
print(f"test PSNR on the {len(test)} test faces: {before:.2f} dB before, {after:.2f} dB after (no training)")
save(new, args.out, overwrite=False, metrics={"made_from": str(args.model), "how": args.how})
print(f"wrote {args.out}")
