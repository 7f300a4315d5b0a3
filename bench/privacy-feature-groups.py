"""Which feature group of the attacks lab's distinguisher carries the leak: a distinguisher per group, held-out precision and AUC.

`.venv/bin/python bench/privacy-feature-groups.py MODEL [SCHEME [K_PRIME]]` (a shipped model name or a model.pt) fits
E', E'_d and one distinguisher per feature subset on the first 1,024 celeba64 train faces (768 to learn, 256 held
out), scheme SCHEME (default `ours`) at k' = K_PRIME (default 360); about 5 minutes on one core. The entry features
are split further: the position's log-odds, the sign's agreement with the position's usual one, the magnitude within
its map (log-magnitude, rank, the map's spread and mean) and relative to the position's usual one.

SCHEME `values` (k' = m only) is an experiment, not a scheme `share` runs: every fake takes its value from its own
position's distribution of true values, |v| / t drawn from 64 quantiles of that position's log(|v| / t) over the 1,024
faces' true codes (t the map's smallest true magnitude; scaled by this map's mean log(|v| / t) against the faces'),
its sign with the position's share of positive signs; unkeyed (torch's generator). It measures what the entry
features leave when the fakes follow each position's values, as `ours+positions` makes them follow its positions.
"""
import sys, torch, hashlib, torch.nn.functional as F
from sparsegroups.model import load
from sparsegroups.data import load_dataset
from sparsegroups import attacks as A
torch.set_num_threads(1)
model = load(sys.argv[1]).eval()
scheme = sys.argv[2] if len(sys.argv) > 2 else "ours"
kp = int(sys.argv[3]) if len(sys.argv) > 3 else 360
ds = load_dataset("celeba64", split="train")
n = 1024
x = torch.stack([ds[i]["image"] for i in range(n)])

def value_fakes(codes: torch.Tensor, Q: int = 64):
    "A publish(scheme, code, k', secret, images, ...) whose fakes follow each position's true values in `codes` (k' = m)."
    sup = codes != 0
    t = codes.abs().masked_fill(~sup, float("inf")).amin(-1, keepdim=True)
    lr = (codes.abs() / t).clamp_min(1).log()                      # log(|v| / t) >= 0 on the support
    L, m = codes.shape[1:]
    qs = (torch.arange(Q) + 0.5) / Q
    table, positive = torch.zeros(L, m, Q), torch.full((L, m), 0.5)
    for l in range(L):
        for j in range(m):
            s = sup[:, l, j]
            if s.sum() > 1: table[l, j], positive[l, j] = torch.quantile(lr[s, l, j], qs), (codes[s, l, j] > 0).float().mean()
    spread = (lr * sup).sum((0, 2)) / sup.sum((0, 2))               # (L,) the faces' mean log(|v| / t) per map
    def publish(scheme, code, k_prime, secret, images, positions=None, model=None):
        if k_prime != m: raise ValueError(f"scheme values is built for k' = m = {m}, got k' = {k_prime}")
        g = torch.Generator().manual_seed(int.from_bytes(hashlib.sha256(bytes(secret)).digest()[:8], "little") >> 1)
        s = code != 0
        t = code.abs().masked_fill(~s, float("inf")).amin(-1, keepdim=True)
        scale = ((code.abs() / t).clamp_min(1).log() * s).sum(-1) / s.sum(-1) / spread   # (B, L) this map's spread
        B = len(code)
        q = table.expand(B, L, m, Q).gather(-1, torch.randint(0, Q, (B, L, m), generator=g)[..., None])[..., 0]
        sign = torch.where(torch.rand(B, L, m, generator=g) < positive, 1.0, -1.0)
        return torch.where(s, code, sign * t * (q * scale[..., None]).exp())
    return publish

if scheme == "values":
    A.publish = value_fakes(A._codes(model, x, model.config.k))    # learn() and the figures below publish with it
    scheme = "ours"                                                # learn()'s label only
know = A.learn(model, x, kp, scheme, n_train=768, n_holdout=256, inverse_steps=150, denoise_steps=60,
               distinguisher_steps=0, keynet_steps=0, identifier_steps=0)
tr, ho = know.split
code = know.codes
own = lambda s: hashlib.sha256(f"fg-{s}".encode()).digest()
pub = {s: A.publish(scheme, code[j], kp, own(s), x[j], know.positions, model) for s, j in (("tr", tr), ("ho", ho))}
f = {s: A.attack_features(model, p, know) for s, p in pub.items()}
lab = {s: code[j] != 0 for s, j in (("tr", tr), ("ho", ho))}
groups = {"entry": range(0, 7), "owner1": range(7, 10), "owner2": range(10, 13), "E'": range(13, 16), "E'_d": range(16, 19)}
groups |= {"position": [3], "sign": [2], "magnitude": [0, 1, 5, 6], "relpos": [4]}
subsets = {"position": ["position"], "sign": ["sign"], "magnitude": ["magnitude"], "relpos": ["relpos"], "entry": ["entry"],
           "owner": ["owner1", "owner2"], "E'": ["E'"], "E'_d": ["E'_d"], "entry+E'": ["entry", "E'"],
           "reencodes": ["owner1", "owner2", "E'", "E'_d"], "all": ["entry", "owner1", "owner2", "E'", "E'_d"]}
g = torch.Generator().manual_seed(0)
for name, gs in subsets.items():
    cols = [c for gg in gs for c in groups[gg]]
    c = pub["tr"] != 0
    X, Y = f["tr"][c][:, cols], lab["tr"][c].float()
    net = A._fit(A.Distinguisher(len(cols)), lambda net, j: F.binary_cross_entropy_with_logits(net(X[j]), Y[j]), len(X), 300, 4096, 3e-3, g)
    with torch.no_grad():
        s = net(f["ho"][..., cols])
    ch = pub["ho"] != 0
    mask = A._keep_top(s, ch, know.k)
    prec = A._per_victim(mask, lab["ho"]).mean().item()
    auc = A._auc(s[ch].numpy(), lab["ho"][ch].numpy())
    print(f"{name:10s} held-out precision {prec:.3f} AUC {auc:.3f}", flush=True)
