"noiseLab contracts: papermill runs it headless into a run folder, its metrics.json holds what the issue asks, reruns refuse to overwrite."
import json, math, os, subprocess, sys
from pathlib import Path
import pytest
from conftest import ROOT
from sparsegroups.ambiguation import key_bits
from sparsegroups.data import shared_data_available

ENV = {**os.environ, "OMP_NUM_THREADS": "1"}

def papermill(out: Path, *params, env=ENV):
    return subprocess.run([str(Path(sys.executable).parent / "papermill"), str(ROOT / "nbs" / "11_noiseLab.ipynb"), str(out),
                           *params, "--cwd", str(ROOT / "nbs")], capture_output=True, text=True, timeout=900, env=env)

def check_metrics(m: dict, L: int, k: int, k_prime: int):
    assert (m["L"], m["k"], m["k_prime"]) == (L, k, k_prime)
    assert m["key_bytes"] == pytest.approx(key_bits(L, k, k_prime) / 8) and m["key_bits"] == pytest.approx(L * math.log2(math.comb(k_prime, k)))
    assert m["trusted"]["psnr"] > m["ambiguated"]["psnr"] + 0.5 and m["trusted"]["psnr"] > m["guessed"]["psnr"] + 3
    assert m["trusted"]["ssim"] > m["guessed"]["ssim"]
    assert abs(m["guessed"]["support_precision"] - k / k_prime) < 0.05          # random guesses find chance, no more
    for codec in ("jpeg", "webp"):
        c = m["codecs"][codec]
        assert c["reached"] == m["n_images"] and c["bytes_at_trusted_psnr"] > 0
    sealed = m["codecs"]["webp+chacha20poly1305"]                              # the standard-encryption reference
    assert sealed["key_bytes"] == 32 and sealed["reached"] == m["n_images"]
    assert sealed["bytes_at_trusted_psnr"] == pytest.approx(m["codecs"]["webp"]["bytes_at_trusted_psnr"] + 28)

@pytest.mark.slow
def test_noiselab_headless_lfw_mini(tmp_path):
    r = papermill(tmp_path / "out.ipynb", "-p", "run", str(tmp_path / "run"), "-p", "n_images", "10", "-p", "k_prime", "40")
    assert r.returncode == 0, r.stderr[-3000:]
    lab = tmp_path / "run" / "noiselab"
    m = json.loads((lab / "metrics.json").read_text())
    assert m["n_images"] == 10 and m["model"] == "lfw-mini"                    # papermill's values, not the defaults
    check_metrics(m, L=8, k=16, k_prime=40)
    assert m["codecs"]["webp"]["bytes_at_trusted_psnr"] > m["key_bytes"]       # the key is smaller than a WebP at equal PSNR
    for f in ("noiselab_rows.png", "noiselab_rd.png"): assert (lab / "figures" / f).stat().st_size > 5000
    # a second run into the same folder is refused, and the first result is untouched
    before = (lab / "metrics.json").read_bytes()
    r = papermill(tmp_path / "out2.ipynb", "-p", "run", str(tmp_path / "run"))
    assert r.returncode != 0 and "already holds a noiseLab result" in r.stderr + r.stdout
    assert (lab / "metrics.json").read_bytes() == before

@pytest.mark.slow
@pytest.mark.skipif(not shared_data_available("celeba"), reason="needs ../shared/data/celeba")
def test_noiselab_headless_celeba64(tmp_path):
    r = papermill(tmp_path / "out.ipynb", "-p", "model", "celeba64", "-p", "run", str(tmp_path / "run"), "-p", "n_images", "8")
    assert r.returncode == 0, r.stderr[-3000:]
    m = json.loads((tmp_path / "run" / "noiselab" / "metrics.json").read_text())
    assert m["data"] == "celeba64" and m["n_images"] == 8
    check_metrics(m, L=m["L"], k=m["k"], k_prime=2 * m["k"])

@pytest.mark.slow
def test_noiselab_scheme_from_the_model_or_the_parameters(tmp_path):
    "A model with a privacy record: the lab takes its scheme and k'; -p scheme overrides it; an unknown scheme stops the run."
    import torch
    from sparsegroups.ambiguation import position_stats
    from sparsegroups.data import lfw_mini
    from sparsegroups.model import load, save
    net, extra = load("lfw-mini", return_extra=True)
    with torch.no_grad(): pos = position_stats(net.encode(lfw_mini("train").images[:64]))
    save(net, tmp_path / "models" / "lfw-private.pt", **extra, privacy=dict(scheme="ours+positions", k_prime=40, positions=pos))
    (tmp_path / "models" / "lfw-mini.pt").symlink_to(ROOT / "data" / "models" / "lfw-mini.pt")   # the lab's own checks use it
    env = {**ENV, "SPARSEGROUPS_MODELS": str(tmp_path / "models")}              # a temporary models folder
    r = papermill(tmp_path / "out.ipynb", "-p", "model", "lfw-private", "-p", "run", str(tmp_path / "run"), env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    m = json.loads((tmp_path / "run" / "noiselab" / "metrics.json").read_text())
    assert (m["model"], m["scheme"], m["k_prime"]) == ("lfw-private", "ours+positions", 40)
    check_metrics(m, L=8, k=16, k_prime=40)
    assert m["public_over_guess_db"] == pytest.approx(m["ambiguated"]["psnr"] - m["guessed"]["psnr"], abs=1e-9)
    assert any(row["row"] == "ambiguated, ours+positions (k'=40)" for row in m["rows"])
    r = papermill(tmp_path / "out2.ipynb", "-p", "model", "lfw-private", "-p", "scheme", "ourz", "-p", "run", str(tmp_path / "run2"), env=env)
    assert r.returncode != 0 and "scheme='ourz' is unknown; valid: ours, ours+positions" in r.stderr + r.stdout
    assert not (tmp_path / "run2" / "noiselab" / "metrics.json").exists()
