"Attacks contracts: papermill runs the attacks notebook headless; one schema for every attack; the reference's key falls, ours holds against the magnitude rules and the copies attack."
import json, os, subprocess, sys
from pathlib import Path
import pytest
from conftest import ROOT
from sparsegroups.attacks import ATTACKS, SCHEMES
from sparsegroups.data import shared_data_available

ENV = {**os.environ, "OMP_NUM_THREADS": "1"}
FIELDS = {"attack", "scheme", "n_images", "precision", "chance", "psnr_vs_original", "ssim_vs_original", "psnr_vs_trusted",
          "ssim_vs_trusted", "top1", "top5", "seconds"}

def papermill(out: Path, *params):
    return subprocess.run([str(Path(sys.executable).parent / "papermill"), str(ROOT / "nbs" / "12_attacks.ipynb"), str(out),
                           *params, "--cwd", str(ROOT / "nbs")], capture_output=True, text=True, timeout=1200, env=ENV)

def test_attacks_headless_lfw_mini(tmp_path):
    r = papermill(tmp_path / "out.ipynb", "-p", "run", str(tmp_path / "run"), "-p", "relax_steps", "5", "-p", "n_victims", "16")
    assert r.returncode == 0, r.stderr[-3000:]
    res = json.loads((tmp_path / "run" / "attacks" / "results.json").read_text())
    assert res["n_victims"] == 16 and res["budget"]["relax_steps"] == 5            # papermill's values
    rows = {(x["scheme"], x["attack"]): x for x in res["rows"]}
    assert set(rows) == {(s, a) for s in SCHEMES for a in ["trusted (key holder)", *ATTACKS]}
    assert all(set(x) >= FIELDS for x in rows.values())                           # one schema
    assert rows[("reference", "smallest")]["precision"] > 0.95                      # the reference's key falls
    assert rows[("reference", "copies")]["precision"] > 0.9
    assert rows[("reference", "smallest")]["psnr_vs_original"] > rows[("reference", "random")]["psnr_vs_original"] + 5
    for s in ("ours", "ours+positions"):
        for a in ("random", "largest", "smallest", "copies"):
            assert abs(rows[(s, a)]["precision"] - 0.5) < 0.05, (s, a, rows[(s, a)]["precision"])
    assert rows[("ours+positions", "prior")]["precision"] < rows[("ours", "prior")]["precision"]
    assert (tmp_path / "run" / "attacks" / "figures" / "attacks_ours.png").stat().st_size > 5000
    r = papermill(tmp_path / "out2.ipynb", "-p", "run", str(tmp_path / "run"))
    assert r.returncode != 0 and "already holds attack results" in r.stderr + r.stdout

@pytest.mark.skipif(not shared_data_available("celeba"), reason="needs ../shared/data/celeba")
def test_attacks_headless_celeba64_recognition(tmp_path):
    r = papermill(tmp_path / "out.ipynb", "-p", "model", "celeba64", "-p", "run", str(tmp_path / "run"), "-p", "n_public", "300",
                  "-p", "n_victims", "12", "-p", "attacks", "random,smallest", "-p", "schemes", "ours,reference",
                  "-p", "identifier_epochs", "1", "-p", "distinguisher_epochs", "1", "-p", "denoiser_epochs", "1")
    assert r.returncode == 0, r.stderr[-3000:]
    res = json.loads((tmp_path / "run" / "attacks" / "results.json").read_text())
    assert res["identities"] and res["data"] == "celeba64"
    for x in res["rows"]: assert 0 <= x["top1"] <= x["top5"] <= 1
