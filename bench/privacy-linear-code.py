"""A linear whitened code scored by the attacks lab at full strength: do near-i.i.d. entries hide the key?

`.venv/bin/python bench/privacy-linear-code.py [--rotate] [--refine STEPS] [--seed N] [--n-train N] [--n-victims N]
[--compare MODEL ...] [--stats-only] [--small] [--out DIR] [--overwrite]`

Why: the scheme `ours` draws each fake from a Gaussian tail above the map's smallest true magnitude t, its scale fitted
to the map's true values. If a map's dense code were m i.i.d. Gaussians, its top k given t would be i.i.d. draws from
that very tail, and no function of the public code (decoders, inverses, key networks) could tell them from the fakes.
A trained SparseGroupAE's code is far from that (positions, signs, magnitudes and their joint structure differ). The
most direct code that is close to it is linear: PCA of the adversary's own public faces (celeba64 train, 4,359 faces),
the first L m = 1,440 components whitened to unit variance and dealt to the L = 4 maps in turn (component i to map
i mod L), with --rotate each map turned by a random orthogonal matrix (seed 0, public) so every position mixes 360
components. encode: top-k (k = 180) of each map's m = 360 entries by magnitude; decode: the pseudo-inverse, plus the
mean face, clipped to [0, 1]. Everything is public, as a trained model is: the adversary knows the matrices.

It first prints the code's statistics on the victims (kurtosis within a map, correlation between a map's positions,
`gauss_loss` of the dense code (the w_gauss training term, on these images' moments), true entries' and fakes'
log(|v| / t)), with --compare MODEL those of trained models too, and what two fixed linear maps from 2,048 public
faces would make of each trained code: every position divided by its spread (selection gains), and every map
whitened (folded into the neck, whose tied transpose then decodes differently); --stats-only stops there.
Then it runs the attacks lab's learn + score_attacks (nbs/12_attacks.ipynb's lab cells) with scheme `ours` at k' = 360
and `sparsegroups.frontier.ADVERSARY` (4,096 public faces, steps 1,200 / 480 / 2,400 / 800, identifier 800, D' 600)
on the first N celeba64 test faces (default 520), and writes <out>/attacks/{results.json,table.txt} in the lab's format
(model `pca-white`, `pca-white-rot`, with --refine `...-cnn`), which `sparsegroups frontier` reads.

--refine STEPS: decode through a residual CNN (five 3x3 convolutions of 32 channels) on top of the linear decode,
trained for STEPS batches of 32 public faces to reconstruct them from their true codes (a decoder that uses what the
linear one leaves). --seed N: another adversary seed and owner secret (a second scoring of the same code).
--n-train N: the learned attacks train on N public faces with ADVERSARY's steps times N / 4,096 (how the leak grows
with the adversary's data; below 4,096 not full strength). --small: a few-second budget (a smoke test, not a
measurement). It refuses to replace an earlier run's results without --overwrite. 10 minutes on two threads at full
strength, 20 with --refine 1500.
"""
import argparse, copy, json, math, time, torch
from pathlib import Path
from types import SimpleNamespace
from torch import nn
from sparsegroups import attacks as A
from sparsegroups.ambiguation import key_bits
from sparsegroups.frontier import ADVERSARY, DECODER_STEPS
from sparsegroups.layers import KBest
from sparsegroups.metrics import psnr
from sparsegroups.train import gauss_loss
from sparsegroups.model import atomic_write

p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
p.add_argument("--rotate", action="store_true", help="turn each map by a random orthogonal matrix (seed 0)")
p.add_argument("--n-victims", type=int, default=520)
p.add_argument("--refine", type=int, default=0, metavar="STEPS",
               help="decode through a residual CNN trained for STEPS batches of 32 public faces on top of the linear decode")
p.add_argument("--seed", type=int, default=0, help="the adversary's seed; N > 0 also takes the owner secret attacks-owner-secret-seedN")
p.add_argument("--n-train", type=int, default=ADVERSARY["n_train"],
               help="public faces the learned attacks train on, their steps scaled with them (below 4,096: not full strength)")
p.add_argument("--compare", nargs="*", default=[], metavar="MODEL",
               help="also print the code statistics of these trained models (shipped names or model.pt) on the victims")
p.add_argument("--stats-only", action="store_true", help="print the code statistics, skip the attacks lab")
p.add_argument("--small", action="store_true", help="a few-second adversary (smoke test, not a measurement)")
p.add_argument("--overwrite", action="store_true", help="replace the results an earlier run left in the output folder")
p.add_argument("--out", default=None, help="output run folder (default runs/frontier-pca-white[-rot][-cnn]-ours-360[-seedN])")
args = p.parse_args()
if args.n_victims < 1 or args.refine < 0 or args.seed < 0 or not 64 <= args.n_train <= 4096:
    p.error(f"need --n-victims >= 1, --refine >= 0, --seed >= 0 and 64 <= --n-train <= 4096, "
            f"got {args.n_victims}, {args.refine}, {args.seed}, {args.n_train}")
L, m, k, kp = 4, 360, 180, 360
name = "pca-white" + ("-rot" if args.rotate else "") + ("-cnn" if args.refine else "")
tail = (f"-seed{args.seed}" if args.seed else "") + (f"-n{args.n_train}" if args.n_train != ADVERSARY["n_train"] else "")
out = Path(args.out or f"runs/frontier-{name}-ours-360{tail}") / "attacks"
if not args.stats_only and (out / "results.json").exists() and not args.overwrite:
    p.error(f"{out / 'results.json'} exists: pass --overwrite to replace it, or --out another folder")
from sparsegroups.model import load
try: trained = {n: load(n).eval() for n in args.compare}
except (FileNotFoundError, ValueError, KeyError, RuntimeError) as e: p.error(f"--compare: cannot load a model: {e}")

class LinearCode(nn.Module):
    "A linear whitened sparse code with the interface the attacks lab uses (encode, decode, encoder, neck.linear, config)."
    def __init__(self, mu: torch.Tensor, W: torch.Tensor, image: tuple):
        super().__init__()
        self.register_buffer("mu", mu); self.register_buffer("W", W); self.register_buffer("Winv", torch.linalg.pinv(W))
        self.config = SimpleNamespace(L=L, m=m, k=k, image=image)
        self.neck = nn.Module(); self.neck.linear = nn.Identity()
        self.refiner = None
    def encoder(self, x): return ((x.reshape(len(x), -1) - self.mu) @ self.W.T).reshape(len(x), L, m)
    def encode(self, x, k: int | None = None):
        z = self.encoder(x); k = k or self.config.k
        return z * (z.abs() >= z.abs().topk(k, -1).values[..., -1:])
    def linear_decode(self, code): return (code.reshape(len(code), -1) @ self.Winv.T + self.mu).reshape(len(code), *self.config.image)
    def decode(self, code):
        x = self.linear_decode(code)
        return (x if self.refiner is None else self.refiner(x)).clamp(0, 1)

class Refiner(nn.Module):
    "A residual CNN on the linear decode: x + net(x), five 3x3 convolutions of 32 channels."
    def __init__(self, c: int = 3, w: int = 32):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(c, w, 3, padding=1), nn.LeakyReLU(0.1), nn.Conv2d(w, w, 3, padding=1), nn.LeakyReLU(0.1),
                                 nn.Conv2d(w, w, 3, padding=1), nn.LeakyReLU(0.1), nn.Conv2d(w, w, 3, padding=1), nn.LeakyReLU(0.1),
                                 nn.Conv2d(w, c, 3, padding=1))
        nn.init.zeros_(self.net[-1].weight); nn.init.zeros_(self.net[-1].bias)   # starts as the linear decode
    def forward(self, x): return x + self.net(x)

t0 = time.perf_counter()
torch.manual_seed(0)
net0 = SimpleNamespace(config=SimpleNamespace(image=(3, 64, 64)))
pub_x, pub_id, vic_x, vic_id, data = A.victims_and_public(net0, {"data": "celeba64"}, None, 4359, args.n_victims)
X = pub_x.reshape(len(pub_x), -1).double()
mu = X.mean(0)
_, S, Vh = torch.linalg.svd(X - mu, full_matrices=False)
n = L * m
W = Vh[:n] / (S[:n, None] / math.sqrt(len(X) - 1))                 # whitened: unit variance on the public faces
W = W.reshape(m, L, -1).transpose(0, 1)                              # component i -> map i mod L, slot i // L
if args.rotate:
    g = torch.Generator().manual_seed(0)
    W = torch.stack([torch.linalg.qr(torch.randn(m, m, generator=g, dtype=torch.double))[0] @ W[l] for l in range(L)])
net = LinearCode(mu.float(), W.reshape(n, -1).float(), tuple(pub_x.shape[1:])).eval()
print(f"{name}: PCA of {len(X)} public faces, {n} components ({time.perf_counter() - t0:.0f} s)", flush=True)
if args.refine:                                                      # trained on the public faces' true codes
    with torch.no_grad(): lin = torch.cat([net.linear_decode(net.encode(pub_x[i:i + 256])) for i in range(0, len(pub_x), 256)])
    ref, g = Refiner(), torch.Generator().manual_seed(0)
    opt = torch.optim.Adam(ref.parameters(), 1e-3)
    for step in range(args.refine):
        j = torch.randint(0, len(pub_x), (32,), generator=g)
        if step == 2 * args.refine // 3: opt.param_groups[0]["lr"] = 3e-4
        opt.zero_grad(); loss = (ref(lin[j]) - pub_x[j]).square().mean(); loss.backward(); opt.step()
        if step % 250 == 0: print(f"refiner step {step}: mse {loss.item():.5f}", flush=True)
    net.refiner = ref.eval().requires_grad_(False)

def code_shape(label: str, z: torch.Tensor, code: torch.Tensor, x: torch.Tensor):
    "How close a dense code z (B, L, m) is to i.i.d. per map, and its true entries (code) to `ours`' fakes."
    # kurtosis of each map's entries scaled by the map's rms (3 for i.i.d. Gaussians); the mean |correlation| between
    # a map's positions over the images (about 0.8 / sqrt(B) for independent ones); quantiles of log(|v| / t) for the
    # true entries above the map's smallest one t and for the fakes of one ambiguation at k' = m.
    from sparsegroups.ambiguation import ambiguate
    kurt = ((z / z.square().mean(-1, keepdim=True).sqrt()) ** 4).mean().item()
    zs = (z - z.mean(0)) / z.std(0)
    corr = [(lambda c: c[~torch.eye(len(c), dtype=torch.bool)].abs().mean().item())(torch.corrcoef(zs[:, l].T)) for l in range(z.shape[1])]
    pub, key = ambiguate(code, code.shape[-1], b"code-shape-secret-0123456789", images=x)
    r = (pub.abs() / code.abs().masked_fill(code == 0, float("inf")).amin(-1, keepdim=True)).log()
    q = torch.tensor([0.1, 0.5, 0.9, 0.99])
    print(f"{label}: kurtosis within a map {kurt:.2f}; mean |corr| between positions per map {[round(c, 3) for c in corr]} "
          f"({len(z)} images); gauss_loss {' + '.join(f'{n} {v.item():.2f}' for n, v in gauss_loss(z, parts=True).items())}; log(|v|/t) quantiles 0.1/0.5/0.9/0.99 true {r[key & (r > 1e-6)].quantile(q).numpy().round(3)} "
          f"fakes {r[~key].quantile(q).numpy().round(3)}", flush=True)

def what_if(label: str, t):
    "A trained model's code made more like i.i.d. by fixed linear maps from 2,048 public faces (no training): each position divided by its spread, and each map whitened."
    # Scaled: the selection gains set to -log(std) of each position (decode divides them out, so only the support
    # changes). Whitened: each map's dense code times its symmetric whitening matrix C^(-1/2), folded into the neck's
    # weights; the neck's decoder is their tied transpose, so the decoder changes too (the trusted PSNR says by how much).
    zp = torch.cat([t.neck.linear(t.encoder(pub_x[i:i + 256])) for i in range(0, 2048, 256)])
    z = t.neck.linear(t.encoder(vic_x))
    code_shape(f"{label} scaled per position", z / zp.std(0), KBest(z / zp.std(0), k), vic_x)
    w = copy.deepcopy(t)
    T = [(lambda e, V: V @ torch.diag(e.clamp_min(1e-8).rsqrt()) @ V.T)(*torch.linalg.eigh(torch.cov(zp[:, l].T.double()))).float()
         for l in range(zp.shape[1])]
    w.neck.weight.copy_(torch.stack([T[l] @ (t.neck.gain[l].exp()[:, None] * t.neck.weight[l]) for l in range(len(T))]))
    w.neck.gain.zero_()
    trusted = lambda net: psnr(vic_x, net.decode(net.encode(vic_x))).mean().item()
    print(f"{label} whitened per map: trusted PSNR {trusted(w):.2f} dB (as is {trusted(t):.2f} dB); gauss_loss "
          + " + ".join(f"{n} {v.item():.2f}" for n, v in gauss_loss(w.neck.linear(w.encoder(vic_x)), parts=True).items()), flush=True)

with torch.no_grad():
    code_shape(name, net.encoder(vic_x), net.encode(vic_x), vic_x)
    for mname, t in trained.items():
        code_shape(mname, t.neck.linear(t.encoder(vic_x)), t.encode(vic_x), vic_x)
        what_if(mname, t)
if args.stats_only: raise SystemExit(0)

steps = (dict(n_train=512, inverse_steps=20, denoise_steps=5, distinguisher_steps=40, keynet_steps=10, identifier_steps=50)
         if args.small else {f: v * args.n_train // ADVERSARY["n_train"] for f, v in ADVERSARY.items()} | dict(identifier_steps=800))
steps["decoder_steps"] = 20 if args.small else DECODER_STEPS        # D', the adversary's decoder of public codes
cfg = A.AttacksConfig(model=name, data=data, n_public=len(pub_x), n_victims=len(vic_x), k_prime=kp, schemes="ours",
                      n_holdout=128, run=str(out.parent), overwrite=True, seed=args.seed,
                      secret=f"attacks-owner-secret-seed{args.seed}" if args.seed else "attacks-owner-secret", **steps)
t = time.perf_counter()
kn = A.learn(net, pub_x, kp, "ours", identities=pub_id, budget=cfg.budget, **cfg.learn_args)
t_learn = time.perf_counter() - t
res = A.score_attacks(net, vic_x, kn, cfg.secret.encode(), cfg.attack_names, vic_id, cfg.n_copies, cfg.budget)
learned = {"ours": dict(seconds=kn.seconds, learn_seconds=t_learn, attack_seconds=time.perf_counter() - t - t_learn,
                        shared_seconds=res["shared_seconds"], auc=kn.auc, held_out=kn.held_out, warm_start=kn.warm_start)}
rows = res["rows"]
table = A.results_table(rows)
print(table)
summary = dict(model=name, code=dict(pca_components=n, rotate=args.rotate, refine_steps=args.refine), data=data, L=L, m=m, k=k, k_prime=kp, key_bytes=key_bits(L, k, kp) / 8, n_public=len(pub_x),
               n_victims=len(vic_x), identities=pub_id is not None, n_identities=len(kn.classes) if kn.classes else None,
               config=cfg.to_dict(), budget=cfg.budget, n_copies=cfg.n_copies, learned=learned, rows=rows,
               strongest=A.strongest(rows), total_seconds=time.perf_counter() - t0)
out.mkdir(parents=True, exist_ok=True)
atomic_write(out / "results.json", lambda f: f.write(json.dumps(summary, indent=1).encode()))
(out / "table.txt").write_text(table + "\n")
print(f"wrote {out / 'results.json'}; strongest {summary['strongest']}; AUC {kn.auc}; {summary['total_seconds']:.0f} s")
