"""Paper-size training throughput on a GPU (run on the lent device machine; see bench/gpu-results.json).

Images/s of full training steps (forward, BCE loss, backward, Adam) of the paper preset (3x128x128, 3.28 M parameters)
and of the shipped celeba64 architecture, for our model (channels_last) in fp32 and bf16 autocast, and the
reference-style model (contiguous, full-resolution DownII conv) in fp32, each timed in the same process.
Usage: python3 bench/gpu_throughput.py --out results.json
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
    torch.manual_seed(0)
    ours = SparseGroupAE.from_preset(preset, **overrides).cuda().to(memory_format=torch.channels_last).train()
    ref = reference_style(ours).cuda().train()
    x = torch.rand(batch, *ours.config.image, device="cuda")
    x_cl = x.contiguous(memory_format=torch.channels_last)
    res = {"ours_fp32": batch / timed(step_fn(ours, x_cl, False)), "ours_bf16_autocast": batch / timed(step_fn(ours, x_cl, True)),
           "reference_fp32": batch / timed(step_fn(ref, x, False))}
    return dict(preset=preset, batch=batch, overrides={k: list(v) if isinstance(v, tuple) else v for k, v in overrides.items()},
                images_per_s=res, speedup_fp32_vs_reference=res["ours_fp32"] / res["reference_fp32"])

if __name__ == "__main__":
    ap = argparse.ArgumentParser(); ap.add_argument("--out", required=True); a = ap.parse_args()
    torch.backends.cudnn.benchmark = True
    out = dict(device=torch.cuda.get_device_name(), torch=torch.__version__, platform=platform.platform(), runs=[])
    for batch in (8, 64, 256):
        out["runs"].append(measure("paper-celeba128", batch)); print(json.dumps(out["runs"][-1]), flush=True)
    f40 = dict(num_filts=(40, 40, 40, 20), L=4, m=360, k=180)          # the wider celeba64 architecture (bench/celeba64-f40.sh)
    for batch in (64, 512):
        for arch in (shipped_overrides("celeba64"), f40):
            out["runs"].append(measure("cpu-rgb64", batch, **arch)); print(json.dumps(out["runs"][-1]), flush=True)
    json.dump(out, open(a.out, "w"), indent=1)
