"""Paper-size training throughput on a GPU (run on the lent device machine; see bench/gpu-results.json).

Images/s of full training steps (forward, BCE loss, backward, Adam) of the paper preset (3x128x128, 3.28 M parameters)
and of the shipped celeba64 architecture, for our model (channels_last) in fp32 and bf16 autocast, and the
reference-style model (contiguous, full-resolution DownII conv) in fp32, each timed in the same process.
Usage: python3 bench/gpu_throughput.py --group paper --out paper.json (groups: paper, celeba64, celeba64-narrow)
"""
import argparse, json, platform, time
import torch
from sparsegroups.bench import _train_step_fn, reference_style, shipped_overrides
from sparsegroups.model import SparseGroupAE

def step_fn(model, x, amp): return _train_step_fn(model, x, amp, device_type="cuda")

def timed(fn, steps=20, warmup=5):
    for _ in range(warmup): fn()
    torch.cuda.synchronize(); t = time.perf_counter()
    for _ in range(steps): fn()
    torch.cuda.synchronize(); return (time.perf_counter() - t) / steps

def measure(preset, batch, **overrides):
    "One configuration's images/s; an error (a cuDNN failure, say) is recorded instead of ending the run."
    try: return _measure(preset, batch, **overrides)
    except RuntimeError as e:
        torch.cuda.empty_cache()
        return dict(preset=preset, batch=batch, overrides={k: list(v) if isinstance(v, tuple) else v for k, v in overrides.items()},
                    error=str(e).splitlines()[0][:300])

def _measure(preset, batch, **overrides):
    torch.manual_seed(0)
    ours = SparseGroupAE.from_preset(preset, **overrides).cuda().to(memory_format=torch.channels_last).train()
    ref = reference_style(ours).cuda().train()
    x = torch.rand(batch, *ours.config.image, device="cuda")
    x_cl = x.contiguous(memory_format=torch.channels_last)
    res = {"ours_fp32": batch / timed(step_fn(ours, x_cl, False)), "reference_fp32": batch / timed(step_fn(ref, x, False))}
    try: res["ours_bf16_autocast"] = batch / timed(step_fn(ours, x_cl, True))
    except RuntimeError as e: res["ours_bf16_autocast_error"] = str(e).splitlines()[0][:300]
    return dict(preset=preset, batch=batch, overrides={k: list(v) if isinstance(v, tuple) else v for k, v in overrides.items()},
                images_per_s=res, speedup_fp32_vs_reference=res["ours_fp32"] / res["reference_fp32"])

GROUPS = {   # name -> [(preset, batch, overrides)]; run each group in its own process (a cuDNN failure can poison the context)
    "paper": [("paper-celeba128", b, {}) for b in (8, 64, 256)],
    "celeba64": [("cpu-rgb64", b, "shipped") for b in (64, 512)],                       # the shipped celeba64 model
    "celeba64-narrow": [("cpu-rgb64", b, dict(num_filts=(20, 20, 20, 10), L=3, m=384, k=192)) for b in (64, 512)],
}

if __name__ == "__main__":
    ap = argparse.ArgumentParser(); ap.add_argument("--out", required=True); ap.add_argument("--group", choices=GROUPS, required=True)
    a = ap.parse_args()
    torch.backends.cudnn.benchmark = True
    out = dict(device=torch.cuda.get_device_name(), torch=torch.__version__, platform=platform.platform(), group=a.group, runs=[])
    for preset, batch, over in GROUPS[a.group]:
        out["runs"].append(measure(preset, batch, **(shipped_overrides("celeba64") if over == "shipped" else over)))
        print(json.dumps(out["runs"][-1]), flush=True)
    json.dump(out, open(a.out, "w"), indent=1)
