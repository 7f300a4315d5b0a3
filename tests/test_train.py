"Training contracts: SIGKILL + resume, torchrun with gloo, papermill, run folders never reused silently."
import json, math, os, signal, subprocess, sys, time
from pathlib import Path
import pytest
from conftest import script, ROOT, cli_main
from sparsegroups.model import load, read_checkpoint

TINY = ["--data", "lfw-mini", "--epochs", "4", "--batch-size", "4", "--max-images", "40", "--seed", "1",
        "--device", "cpu", "--quiet"]
ENV = {**os.environ, "OMP_NUM_THREADS": "1"}

def run_cli(*args, timeout=600):
    "The console script in a subprocess (for signals and torchrun)."
    return subprocess.run([script("sparsegroups"), *args], capture_output=True, text=True, timeout=timeout, env=ENV)

def run_main(*args) -> tuple[int, str]:
    "(exit status, stderr) of the CLI's main(argv) in this process, on one torch thread as ENV gives the subprocesses."
    r = cli_main(*args, threads=1)
    return r.returncode, r.stderr

@pytest.mark.slow
def test_sigkill_then_resume_matches_uninterrupted(tmp_path):
    ref = run_cli("train", *TINY, "--out", str(tmp_path), "--name", "straight")
    assert ref.returncode == 0, ref.stderr
    straight = json.loads((tmp_path / "straight" / "metrics.json").read_text())
    assert straight["steps"] == 4 * math.ceil(40 / 4)
    # the same run, killed with SIGKILL once its first epoch is checkpointed (so mid-way through a later epoch)
    p = subprocess.Popen([script("sparsegroups"), "train", *TINY, "--out", str(tmp_path), "--name", "killed"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    ck = tmp_path / "killed" / "last.pt"
    deadline = time.time() + 300
    while time.time() < deadline and p.poll() is None:
        if ck.exists():
            try: epoch = read_checkpoint(ck)["extra"]["epoch"]
            except ValueError: epoch = 0                       # never half-written, but be safe
            if epoch >= 1: break
        time.sleep(0.05)
    time.sleep(0.3)
    p.send_signal(signal.SIGKILL); p.wait()
    assert p.returncode == -signal.SIGKILL, "the training finished before it could be killed: make it longer"
    saved = read_checkpoint(ck)["extra"]
    assert 1 <= saved["epoch"] < 4 and not (tmp_path / "killed" / "metrics.json").exists()
    res = run_cli("train", *TINY, "--out", str(tmp_path), "--name", "killed", "--resume")
    assert res.returncode == 0, res.stderr
    resumed = json.loads((tmp_path / "killed" / "metrics.json").read_text())
    assert resumed["steps"] == straight["steps"] == 40
    assert resumed["history"]["epoch"] == [1, 2, 3, 4]
    a, b = resumed["history"]["valid_loss"][-1], straight["history"]["valid_loss"][-1]
    assert a <= b * 1.02, (a, b)                               # no worse than uninterrupted, within noise
    assert abs(resumed["test"]["psnr"] - straight["test"]["psnr"]) < 0.5

def test_existing_run_is_never_overwritten_silently(tmp_path):
    assert run_main("train", *TINY, "--epochs", "1", "--out", str(tmp_path), "--name", "r")[0] == 0
    before = (tmp_path / "r" / "metrics.json").read_bytes()
    rc, err = run_main("train", *TINY, "--epochs", "1", "--out", str(tmp_path), "--name", "r")
    assert rc == 2 and "exists; pass resume=True (--resume)" in err and "Traceback" not in err
    assert (tmp_path / "r" / "metrics.json").read_bytes() == before
    rc, err = run_main("train", *TINY, "--k", "8", "--epochs", "2", "--out", str(tmp_path), "--name", "r", "--resume")
    assert rc == 2 and "different k" in err

@pytest.mark.slow
def test_torchrun_two_processes_gloo(tmp_path):
    torchrun = str(Path(sys.executable).parent / "torchrun")
    r = subprocess.run([torchrun, "--standalone", "--nproc_per_node=2", "-m", "sparsegroups", "train",
                        "--data", "lfw-mini", "--epochs", "2", "--batch-size", "8", "--device", "cpu", "--quiet",
                        "--out", str(tmp_path), "--name", "ddp"], capture_output=True, text=True, timeout=600, env=ENV)
    assert r.returncode == 0, r.stderr[-3000:]
    m = json.loads((tmp_path / "ddp" / "metrics.json").read_text())
    assert m["world_size"] == 2
    assert m["steps"] == 2 * math.ceil(80 / 2 / 8)             # each rank takes half of the 80 images per epoch
    assert m["history"]["epoch"] == [1, 2] and all(math.isfinite(v) for v in m["history"]["valid_loss"])
    model = load(tmp_path / "ddp" / "model.pt")
    assert model.config.L == 8
    ck = read_checkpoint(tmp_path / "ddp" / "last.pt")
    assert ck["extra"]["epoch"] == 2 and not any(k.startswith("module.") for k in ck["state_dict"])
    assert sorted(p.name for p in (tmp_path / "ddp").iterdir()) == ["config.json", "figures", "last.pt", "metrics.json", "model.pt"]

@pytest.mark.slow
def test_papermill_runs_trainground_headless(tmp_path):
    out = tmp_path / "run1" / "10_trainGround.ipynb"
    out.parent.mkdir()
    r = subprocess.run([str(Path(sys.executable).parent / "papermill"), str(ROOT / "nbs" / "10_trainGround.ipynb"), str(out),
                        "-p", "epochs", "1", "-p", "out", str(tmp_path), "-p", "name", "run1", "-p", "device", "cpu",
                        "--cwd", str(ROOT / "nbs")], capture_output=True, text=True, timeout=900, env=ENV)
    assert r.returncode == 0, r.stderr[-3000:]
    m = json.loads((tmp_path / "run1" / "metrics.json").read_text())
    assert m["config"]["epochs"] == 1 and m["steps"] == math.ceil(80 / 16)      # papermill's value, not the default 2
    assert (tmp_path / "run1" / "figures" / "reconstructions.png").stat().st_size > 1000
    nb = json.loads(out.read_text())
    assert any("injected-parameters" in c["metadata"].get("tags", []) for c in nb["cells"])

def test_trainconfig_errors_at_the_cli(tmp_path):
    rc, err = run_main("train", "--data", "lfw-mini", "--k", "400", "--out", str(tmp_path))
    assert rc == 2 and "1 <= k <= m, here m=128" in err and "Traceback" not in err
    rc, err = run_main("train", "--data", "celeba64", "--preset", "cpu-rgb64", "--root", "/nonexistent/celeba", "--out", str(tmp_path))
    assert rc == 2 and "/nonexistent/celeba does not exist" in err and "Traceback" not in err
    rc, err = run_main("train", "--data", "lfw-mini", "--preset", "cpu-rgb64", "--out", str(tmp_path))
    assert rc == 2 and "lfw-mini train images are (1, 32, 32) but the model expects (3, 64, 64)" in err
    assert list(tmp_path.iterdir()) == []                      # a failed start leaves no run folder behind

def test_resume_can_extend_and_fine_tune(tmp_path):
    assert run_main("train", *TINY, "--epochs", "1", "--out", str(tmp_path), "--name", "ft")[0] == 0
    rc, err = run_main("train", *TINY, "--epochs", "2", "--lr", "1e-4", "--out", str(tmp_path), "--name", "ft", "--resume")
    assert rc == 0, err
    m = json.loads((tmp_path / "ft" / "metrics.json").read_text())
    assert m["history"]["epoch"] == [1, 2] and m["steps"] == 2 * 10
    assert m["history"]["lr"] == [2e-3, 1e-4]

PRIVACY = ["--w-balance", "1", "--w-public", "1", "--w-reencode", "1", "--w-distinguisher", "1", "--w-inverse", "1", "--w-denoise", "1", "--psnr-floor", "15", "--lr", "1e-3"]

def _public_gap(model, x) -> float:
    "Mean squared distance of the public codes' decodes (k' = 2k) to the images' mean: what w_public lowers."
    import torch
    from sparsegroups.ambiguation import ambiguate
    with torch.no_grad():
        public = ambiguate(model.encode(x), 2 * model.config.k, b"test-secret-0123", images=x)[0]
        return (model.decode(public) - x.mean(0)).square().mean().item()

def test_privacy_finetune_resumes_exactly_and_records_its_terms(tmp_path):
    import torch
    from sparsegroups.data import lfw_mini
    assert run_main("train", *TINY, "--epochs", "2", "--out", str(tmp_path), "--name", "base")[0] == 0
    base = tmp_path / "base" / "model.pt"
    args = ["train", *TINY, *PRIVACY, "--adv-refit", "7", "--balance-decay", "0.1", "--balance-usage", "hard", "--init", str(base), "--out", str(tmp_path)]
    assert run_main(*args, "--epochs", "2", "--name", "straight")[0] == 0
    assert run_main(*args, "--epochs", "1", "--name", "cut")[0] == 0
    rc, err = run_main(*args, "--epochs", "2", "--name", "cut", "--resume")
    assert rc == 0, err
    a, b = (json.loads((tmp_path / n / "metrics.json").read_text()) for n in ("straight", "cut"))
    terms = ("balance", "public", "reencode", "distinguisher", "inverse", "denoise", "lambda")
    assert all(len(a["history"][t]) == 2 for t in terms)
    for t in terms + ("valid_loss",):                          # the adversary, lambda and generators resume exactly
        assert a["history"][t] == pytest.approx(b["history"][t], rel=1e-5), t
    assert [s for s, _ in a["history"]["refits"]] == [s for s, _ in b["history"]["refits"]] == [7, 14]   # fresh adversaries, one after the cut
    for (_, ta), (_, tb) in zip(a["history"]["refits"], b["history"]["refits"]):
        assert set(ta) == set(terms) and ta == pytest.approx(tb, rel=1e-5)
    assert a["privacy"]["k_prime"] == 32 and set(a["privacy"]["weights"]) == set(terms[:6])
    assert read_checkpoint(tmp_path / "straight" / "model.pt")["extra"]["privacy"] == {"scheme": "ours", "k_prime": 32}
    x = torch.stack([lfw_mini("valid")[i]["image"] for i in range(10)])
    assert _public_gap(load(tmp_path / "straight" / "model.pt"), x) < 0.8 * _public_gap(load(base), x)
    rc, err = run_main(*args, "--epochs", "3", "--w-public", "2", "--name", "cut", "--resume")   # reweighed on resume
    assert rc == 0, err
    c = json.loads((tmp_path / "cut" / "metrics.json").read_text())
    assert [(e, sc["w_public"]) for e, sc in c["history"]["starts"]] == [(0, 1.0), (2, 2.0)]
    from sparsegroups.train import model_card
    card = model_card("p", c)
    assert "--w-public 1.0" in card and "--epochs 2 --lr 0.001 --name p`; then" in card and "--w-public 2.0" in card
    assert card.count("--resume") == 1 and "--epochs 3 --lr 0.001 --name p --resume`" in card
    rc, err = run_main("train", *TINY, "--w-public", "-1", "--out", str(tmp_path))
    assert rc == 2 and "privacy weights must be numbers >= 0" in err and "Traceback" not in err
    rc, err = run_main("train", *TINY, "--w-public", "1", "--adv-refit", "-3", "--out", str(tmp_path))
    assert rc == 2 and "adv_refit must be an integer >= 0" in err and "Traceback" not in err
    rc, err = run_main("train", *TINY, "--w-inverse", "1", "--adv-images", "8", "--out", str(tmp_path))
    assert rc == 2 and "adv_images must be an integer >= 16" in err and "Traceback" not in err
    rc, err = run_main("train", *TINY, "--w-inverse", "1", "--adv-fit-scale", "0", "--out", str(tmp_path))
    assert rc == 2 and "adv_fit_scale must be an integer >= 1" in err and "Traceback" not in err

@pytest.mark.slow
def test_persistent_adversaries_resume_exactly(tmp_path):
    "--adv-persist: refits continue the adversaries; a run cut between refits and resumed matches one that was not."
    assert run_main("train", *TINY, "--epochs", "1", "--out", str(tmp_path), "--name", "base")[0] == 0
    args = ["train", *TINY, "--w-inverse", "1", "--w-denoise", "1", "--w-distinguisher", "1", "--adv-refit", "7",
            "--adv-persist", "--adv-images", "24", "--init", str(tmp_path / "base" / "model.pt"), "--out", str(tmp_path)]
    for name, epochs, more in (("straight", "2", ()), ("fresh", "2", ("--no-adv-persist",)), ("cut", "1", ()), ("cut", "2", ("--resume",))):
        rc, err = run_main(*args, *more, "--epochs", epochs, "--name", name)
        assert rc == 0, err
    a, f, b = (json.loads((tmp_path / n / "metrics.json").read_text()) for n in ("straight", "fresh", "cut"))
    assert a["config"]["adv_persist"] is True and a["config"]["adv_images"] == 24 and f["config"]["adv_persist"] is False
    terms = ("inverse", "denoise", "distinguisher", "lambda")
    for t in terms + ("valid_loss",):
        assert a["history"][t] == pytest.approx(b["history"][t], rel=1e-5), t
    assert [s for s, _ in a["history"]["refits"]] == [7, 14] and a["history"]["refits"] == b["history"]["refits"]
    # the warm-up is the same; from the first refit on, continued adversaries are not fresh ones
    assert a["history"]["refits"][0][1]["distinguisher"] != pytest.approx(f["history"]["refits"][0][1]["distinguisher"], rel=1e-3)

def test_ship_records_the_share_default_and_the_positions_its_fakes_follow(tmp_path, monkeypatch):
    import torch
    from sparsegroups.ambiguation import position_stats
    from sparsegroups.data import lfw_mini
    from sparsegroups.share import privacy_settings
    assert run_main("train", *TINY, "--epochs", "1", "--out", str(tmp_path), "--name", "r")[0] == 0
    monkeypatch.setenv("SPARSEGROUPS_MODELS", str(tmp_path / "models"))
    rc, err = run_main("ship", str(tmp_path / "r"), "--as", "tiny-p", "--scheme", "ours+positions")
    assert rc == 0, err
    net, extra = load("tiny-p", return_extra=True)
    k_prime = min(2 * net.config.k, net.config.m)
    assert extra["privacy"]["scheme"] == "ours+positions" and extra["privacy"]["k_prime"] == k_prime
    ds = lfw_mini("train")                                     # the run's 40 training images (--max-images 40)
    with torch.no_grad(): want = position_stats(net.encode(torch.stack([ds[i]["image"] for i in range(40)])))
    for t in ("prior", "positive"): torch.testing.assert_close(extra["privacy"]["positions"][t], want[t])
    ps = privacy_settings(net, "tiny-p", extra)
    assert ps["scheme"] == "ours+positions" and ps["positions"] is extra["privacy"]["positions"] and ps["k_prime"] == k_prime
    assert "defaults to scheme `ours+positions`" in (tmp_path / "models" / "tiny-p.md").read_text()
    rc, err = run_main("ship", str(tmp_path / "r"), "--as", "tiny-p", "--scheme", "ours")
    assert rc == 2 and "tiny-p.pt exists; pass force=True (--force)" in err and "Traceback" not in err
    assert run_main("ship", str(tmp_path / "r"), "--as", "tiny-p", "--scheme", "ours", "--force")[0] == 0
    assert load("tiny-p", return_extra=True)[1]["privacy"] == {"scheme": "ours", "k_prime": k_prime}   # ours draws no positions

def test_card_privacy_section_names_the_adversary():
    "A model card's privacy table says what the learned attacks learned from, and fails a point whose adversary was weaker than ADVERSARY."
    from sparsegroups.frontier import frontier_point
    from sparsegroups.train import _privacy_card
    rec = json.loads((ROOT / "bench" / "attacks-celeba64.json").read_text())     # the run of record: 512 faces
    card = _privacy_card({}, frontier_point(rec, "ours", n_identities=180))
    assert "| adversary: what the learned attacks learn from | 512 public faces; short of the budget in n_train, inverse_steps, denoise_steps, distinguisher_steps, keynet_steps | >= 4,096 faces" in card, card
    assert [ln.rsplit("|", 2)[1].strip() for ln in card.splitlines() if ln.startswith("| ") and "measured" not in ln] == \
        ["holds", "**fails**", "**fails**", "**fails**", "holds", "**fails**"], card

def test_support_code_trains_shares_and_publishes_nothing_at_k_prime_m(tmp_path):
    "--code support (stop 36): codes of 0 and 1, whose fakes are 1 too; at k' = m the public code is all ones, the key decodes."
    import torch
    from sparsegroups.ambiguation import ambiguate, disambiguate
    from sparsegroups.data import lfw_mini
    from sparsegroups.metrics import psnr
    rc, err = run_main("train", *TINY, "--epochs", "2", "--init", "lfw-mini", "--code", "support", "--lr", "1e-3",
                       "--w-guess", "1", "--privacy-lambda", "0.01", "--out", str(tmp_path), "--name", "sup")   # the privacy path
    assert rc == 0, err
    model = load(tmp_path / "sup" / "model.pt")
    assert model.config.code == "support" and read_checkpoint(tmp_path / "sup" / "model.pt")["config"]["code"] == "support"
    x = lfw_mini("test").images[:16]
    with torch.no_grad():
        code = model.encode(x)
        assert set(code.unique().tolist()) == {0.0, 1.0} and bool(((code != 0).sum(-1) == model.config.k).all())
        m = model.config.m
        public, key = ambiguate(code, m, b"test-secret-0123", images=x)
        assert torch.equal(public, torch.ones_like(public))                       # the file holds nothing but its shape
        trusted, shown = model.decode(disambiguate(public, key)), model.decode(public)
        assert torch.equal(disambiguate(public, key), code)
        assert (shown - shown[:1]).abs().max().item() == 0                         # every face's public decode is the same image
        assert psnr(x, trusted).mean().item() > psnr(x, shown).mean().item() + 1.0, (psnr(x, trusted).mean(), psnr(x, shown).mean())
    assert run_main("train", *TINY, "--code", "binary", "--out", str(tmp_path), "--name", "bad")[1].count("valid are 'values'") == 1
    # the selection gains calibrated once after training (bench/calibrate-gain.py), re-measured and shipped with a card that replays it
    from sparsegroups.train import ship, evaluate
    p = subprocess.run([sys.executable, str(ROOT / "bench" / "calibrate-gain.py"), str(tmp_path / "sup"), str(tmp_path / "sup-cal"), "40", "50"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    cal = json.loads((tmp_path / "sup-cal" / "metrics.json").read_text())
    c = cal["calibration"]
    assert c["images"] == 40 and c["iters"] == 50 and c["spread_after"] < c["spread_before"], c
    assert c["test_before"] == json.loads((tmp_path / "sup" / "metrics.json").read_text())["test"]
    assert cal["test"]["psnr"] == pytest.approx(evaluate(tmp_path / "sup-cal" / "model.pt", "lfw-mini", "test")["psnr"], abs=1e-4)
    assert f"{cal['test']['psnr']:.2f} dB" in p.stdout
    ship(tmp_path / "sup-cal", "tiny-s", models=tmp_path / "models")
    card = (tmp_path / "models" / "tiny-s.md").read_text()
    assert "--code support" in card and "then `.venv/bin/python bench/calibrate-gain.py runs/tiny-s runs/tiny-s-cal 40 50`" in card, card
    assert f"| test PSNR | {cal['test']['psnr']:.2f} dB |" in card and "`sparsegroups ship runs/tiny-s-cal --as tiny-s`" in card
    assert load(tmp_path / "models" / "tiny-s.pt").config.code == "support"
    p = subprocess.run([sys.executable, str(ROOT / "bench" / "calibrate-gain.py"), str(tmp_path / "sup"), str(tmp_path / "sup-cal")],
                       capture_output=True, text=True)
    assert p.returncode != 0 and "exists: remove it or choose another folder" in p.stderr

def test_train_part_decoder_keeps_the_encoder_its_gains_and_every_support(tmp_path):
    "--train-part decoder (stop 39): only the decoder's convolutions learn; codes, public files and keys stay the same bytes."
    import torch
    from sparsegroups.data import lfw_mini
    from sparsegroups.metrics import psnr
    from sparsegroups.train import calibrate_gain
    base = load("lfw-mini")
    x = lfw_mini("train").images[:40]
    calibrate_gain(base, x, base.config.k, iters=20)                          # calibrated gains, as the support codes ship with
    assert base.neck.gain.abs().max().item() > 0
    from sparsegroups.model import save
    save(base, tmp_path / "base.pt")
    rc, err = run_main("train", *TINY, "--epochs", "2", "--init", str(tmp_path / "base.pt"), "--train-part", "decoder", "--lr", "3e-3",
                       "--out", str(tmp_path), "--name", "dec")
    assert rc == 0, err
    net = load(tmp_path / "dec" / "model.pt")
    before, after = base.state_dict(), net.state_dict()
    changed = {k for k in after if not torch.equal(after[k], before[k])}
    assert changed and all(k.startswith("decoder.") for k in changed), changed          # BatchNorm statistics and gains included
    assert sum(k.startswith("decoder.") for k in changed) == sum(k.startswith("decoder.") for k in after)   # every decoder tensor learned
    xt = lfw_mini("test").images
    with torch.no_grad():
        assert torch.equal(net.encode(xt) != 0, base.encode(xt) != 0)
        gain = psnr(xt, net(xt)["x_hat"]).mean().item() - psnr(xt, base(xt)["x_hat"]).mean().item()
    assert gain > 0.05, gain                                                      # 2 epochs at a high rate: the decoder improved
    rc, err = run_main("train", *TINY, "--train-part", "decoder", "--balance-gain", "5", "--out", str(tmp_path), "--name", "bad")
    assert rc == 2 and "train_part=\"decoder\" fixes the encoder and its gains" in err and "Traceback" not in err
    rc, err = run_main("train", *TINY, "--train-part", "encoder", "--out", str(tmp_path), "--name", "bad")
    assert rc == 2 and "valid are \"all\" and \"decoder\"" in err
