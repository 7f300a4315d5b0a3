"""How much the in-loop adversaries of a privacy run still find, and whether a fresh distinguisher finds more on their features.

`.venv/bin/python bench/privacy-inloop-adversaries.py RUN [STEPS]` loads RUN/last.pt (the model and the adversaries of
`PrivacyTerms` as the run left them: E', E'_d, the distinguisher, its feature scale and code statistics), draws 1,280
random celeba64 train faces, publishes them with `publish_in_loop` (scheme `ours`, the run's k') and computes the
run's own features (`privacy_features`, the run's `midway`). It prints, on the last 256 faces, the held-out AUC and
top-k support precision of: the run's distinguisher as it is; a fresh distinguisher fitted as the attacks lab fits
one (STEPS, default 2,400, batches of 4,096 entries, Adam 3e-3) on the first 1,024 faces; and fresh ones on each
feature group alone (the 7 entry features, the owner's two re-encodings, E''s, E'_d's; STEPS / 2). About 6 minutes
on two threads. It separates the distinguisher's training from what its features carry: the adversaries the run
trained against, not fresh full-strength ones (the attacks lab's).
"""
import sys, hashlib, time, torch, torch.nn.functional as F
from sparsegroups.model import load
from sparsegroups.train import TrainConfig, PrivacyTerms, publish_in_loop, privacy_features
from sparsegroups.attacks import _auc, _keep_top, _per_victim, Distinguisher, _fit
from sparsegroups.data import load_dataset
torch.set_num_threads(2)
run, steps = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 2400
net, extra = load(f"{run}/last.pt", return_extra=True); net.eval()
if not extra.get("privacy"): raise SystemExit(f"{run}/last.pt holds no privacy terms' state: not a privacy run")
cfg = TrainConfig.from_dict(extra["train_config"] | dict(adv_images=16))     # a 16-face warm-up, then the run's state
ds = load_dataset("celeba64", split="train")
g = torch.Generator().manual_seed(123)
x = torch.stack([ds[int(i)]["image"] for i in torch.randperm(len(ds), generator=g)[:1280]])
pt = PrivacyTerms(cfg, net, x[:16]); pt.load(extra["privacy"])
if pt.k_prime != net.config.m: raise SystemExit(f"the run's k' is {pt.k_prime}: this script scores runs at k' = m = {net.config.m} only")
t0, fs, keys = time.time(), [], []
with torch.no_grad():
    for i in range(0, len(x), 128):
        public, key = publish_in_loop(net.encode(x[i:i + 128]), x[i:i + 128], pt.k_prime, hashlib.sha256(f"fresh-{i}".encode()).digest())
        fs.append(privacy_features(net, public, key, pt.stats, pt.g, None, pt.inverses, cfg.midway)[0]); keys.append(key)
f, key = torch.cat(fs), torch.cat(keys)          # k' = m: every entry is a candidate
print(f"features {tuple(f.shape)} in {time.time() - t0:.0f} s", flush=True)

def score(name, s):
    s, k = s[1024:], key[1024:]
    prec = _per_victim(_keep_top(s, torch.ones_like(k), pt.k), k).mean()   # every victim holds L k true entries
    print(f"{name:28s} held-out AUC {_auc(s.flatten().numpy(), k.flatten().numpy()):.3f}  top-k precision {prec.item():.3f}", flush=True)

with torch.no_grad(): score("the run's distinguisher", pt.dist((f - pt.feat[0]) / pt.feat[1]))
mu, sd = f[:1024].flatten(0, 2).mean(0), f[:1024].flatten(0, 2).std(0).clamp_min(1e-6)
fn = (f - mu) / sd
X, Y = fn[:1024].flatten(0, 2), key[:1024].flatten().float()
fit = lambda Xg, n: _fit(Distinguisher(Xg.shape[-1]), lambda d, j: F.binary_cross_entropy_with_logits(d(Xg[j]), Y[j]), len(Xg), n, 4096, 3e-3, g)
d = fit(X, steps)
with torch.no_grad(): score(f"fresh, {steps} steps", d(fn))
for grp, cols in (("entry features", slice(0, 7)), ("owner re-encodings", slice(7, 13)), ("E'", slice(13, 16)), ("E'_d", slice(16, 19))):
    d = fit(X[:, cols], steps // 2)
    with torch.no_grad(): score(f"fresh on {grp}", d(fn[..., cols]))
