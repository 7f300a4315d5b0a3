"""Where along the re-encoding attack's own iterations the leak appears, against a random k-subset of the same precision.

`.venv/bin/python bench/privacy-trajectory.py MODEL [MODEL ...]` (shipped model names or model.pt files) fits the
adversary's inverse E' as the attacks lab does (first 512 celeba64 train faces, 150 steps), then on the first 256 test
faces (scheme `ours`, k' = 360) runs the re-encoding attack with E' for 6 passes and prints, per pass, the gap between
the standardised re-encoding agreement of true and fake candidates (what the training terms close) and the support
precision of the k kept; then the same for random k-subsets holding 50, 60 and 75% of the true entries (the training
terms' `midway="random"` states). About 2-7 minutes a model on one core.
"""
import sys, torch
from sparsegroups.model import load
from sparsegroups.data import load_dataset
from sparsegroups.ambiguation import ambiguate
from sparsegroups.attacks import InverseEncoder, _train_inverse, _residual, _standard, _keep_top
from sparsegroups.train import partial_guess

if len(sys.argv) < 2: sys.exit(__doc__)
torch.set_num_threads(1); torch.manual_seed(0)
tr, te = load_dataset("celeba64", split="train"), load_dataset("celeba64", split="test")
x_tr = torch.stack([tr[i]["image"] for i in range(512)])
x_te = torch.stack([te[i]["image"] for i in range(256)])

def gap_and_precision(net, E, public, key, mask, k):
    "Mean over maps of the true - fake gap of the standardised agreement of E'(decode(public * mask)), and the precision of its k best."
    cand = public != 0
    s = _standard(_residual(public, E(net.decode(public * mask))).clamp(min=-10), cand)
    gap = ((s * key).sum(-1) / key.sum(-1) - (s * (cand & ~key)).sum(-1) / (cand & ~key).sum(-1)).mean().item()
    kept = _keep_top(s, cand, k)
    return gap, (kept & key).sum().item() / key.sum().item(), kept

for path in sys.argv[1:]:
    net = load(path).eval(); a = net.config
    with torch.no_grad(): c_tr = net.encode(x_tr); x_dec = net.decode(c_tr); c_te = net.encode(x_te)
    E = _train_inverse(InverseEncoder(tuple(a.image), a.L, a.m), x_dec, c_tr, 150, torch.Generator().manual_seed(1)).eval()
    public, key = ambiguate(c_te, 360, b"privacy-trajectory-secret-0123456", images=x_te)
    out, g = [], torch.Generator().manual_seed(3)
    with torch.no_grad():
        mask = public != 0
        for it in range(6):
            gap, p, mask = gap_and_precision(net, E, public, key, mask, a.k)
            out.append(f"pass {it + 1}: gap {gap:.3f} precision {p:.3f}")
        for rho in (0.5, 0.6, 0.75):
            gap, p, _ = gap_and_precision(net, E, public, key, partial_guess(key, public != 0, rho, g), a.k)
            out.append(f"random {rho:.2f}: gap {gap:.3f} precision {p:.3f}")
    print(f"{path}\n  " + "\n  ".join(out), flush=True)
