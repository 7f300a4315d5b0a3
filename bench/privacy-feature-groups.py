"""Which feature group of the attacks lab's distinguisher carries the leak: a distinguisher per group, held-out precision and AUC.

`.venv/bin/python bench/privacy-feature-groups.py MODEL [SCHEME [K_PRIME]]` (a shipped model name or a model.pt) fits
E', E'_d and one distinguisher per feature subset on the first 1,024 celeba64 train faces (768 to learn, 256 held
out), scheme SCHEME (default `ours`) at k' = K_PRIME (default 360); about 5 minutes on one core. The entry features
are split further: the position's log-odds, the sign's agreement with the position's usual one, the magnitude within
its map (log-magnitude, rank, the map's spread and mean) and relative to the position's usual one.
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
