"""How far from white each map's dense code is: the neck's singular values, the code covariance's effective rank, and
gauss_loss's parts.

`.venv/bin/python bench/code-spectrum.py MODEL [MODEL ...] [--n-faces N]`

For each model (a shipped name or a run's model.pt), on the first N celeba64 train faces (default 1,024), per code map:
the ratio of the smallest to the largest singular value of the gain-scaled neck weight (0 where m > n: the map's code
then lies in an n-dimensional subspace), the effective rank of the dense code's covariance (participation ratio
(sum of eigenvalues)^2 / sum of squared eigenvalues: m for a white code, about m / (1 + correlation part) for equal
variances) and the share of its variance past the 256th eigenvalue; then `gauss_loss`'s seven parts over the maps
(each 0 for i.i.d. Gaussian entries, up to sampling: about 0.35 for the correlation and squares parts at 1,024 faces).
One thread; 73 seconds for six models here.
"""
import argparse, torch
from sparsegroups.data import load_dataset
from sparsegroups.model import load
from sparsegroups.train import gauss_loss

p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
p.add_argument("models", nargs="+", metavar="MODEL", help="shipped model names or runs' model.pt")
p.add_argument("--n-faces", type=int, default=1024, help="celeba64 train faces to measure on (64..4359)")
args = p.parse_args()
if not 64 <= args.n_faces <= 4359: p.error(f"--n-faces must be in 64..4359, got {args.n_faces}")
try: nets = {n: load(n).eval() for n in args.models}
except (FileNotFoundError, ValueError, KeyError, RuntimeError) as e: p.error(f"cannot load a model: {e}")
wrong = [f"{n} takes {tuple(m.config.image)}" for n, m in nets.items() if tuple(m.config.image) != (3, 64, 64)]
if wrong: p.error(f"measured on celeba64 (3, 64, 64) images, but {', '.join(wrong)}")
torch.set_num_threads(1); torch.set_grad_enabled(False)
ds = load_dataset("celeba64", split="train")
x = torch.stack([ds[i]["image"] for i in range(args.n_faces)])
for name, net in nets.items():
    neck = net.neck
    s = torch.linalg.svdvals(neck.weight * neck.gain.exp()[..., None])                   # (L, min(m, n))
    ratio = [0.0 if neck.m > neck.n else round((v[-1] / v[0]).item(), 4) for v in s]
    z = torch.cat([neck.linear(net.encoder(b)) for b in x.split(128)])                  # (N, L, m)
    eff, past = [], []
    for l in range(z.shape[1]):
        e = torch.linalg.eigvalsh(torch.cov(z[:, l].T)).flip(0).clamp(min=0)
        eff.append(round((e.sum() ** 2 / e.square().sum()).item(), 1)); past.append(round((e[256:].sum() / e.sum()).item(), 4))
    parts = {k: round(float(v), 2) for k, v in gauss_loss(z, parts=True).items()}
    print(f"{name}: m {neck.m}, n {neck.n}; s_min / s_max {ratio}; effective rank {eff}; variance past 256 {past}")
    print(f"  gauss_loss parts on {args.n_faces} train faces: {parts}")
