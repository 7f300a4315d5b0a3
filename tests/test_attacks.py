"Attacks contracts: papermill runs the attacks notebook headless; one schema for every attack; the reference's key falls; every learned or iterated attack beats chance on ours and on the reference; the decoy scheme keeps ours' magnitudes and copies at chance; relaxed is never below reencode."
import json, os, subprocess, sys
from pathlib import Path
import pytest
import torch
from conftest import ROOT
from sparsegroups.ambiguation import ambiguate_reference, synthetic_codes
from sparsegroups.attacks import ATTACKS, SCHEMES, NOT_ATTACKS, attack_copies
from sparsegroups.data import shared_data_available

ENV = {**os.environ, "OMP_NUM_THREADS": "1"}
FIELDS = {"attack", "scheme", "n_images", "precision", "median", "p90", "above_0_9", "per_victim", "chance", "psnr_vs_original",
          "ssim_vs_original", "psnr_vs_trusted", "ssim_vs_trusted", "top1", "top5", "seconds"}
NEW = ("distinguisher", "keynet", "reencode", "reencode_inverse", "reencode_denoise", "multistart", "relaxed")

def papermill(out: Path, *params):
    return subprocess.run([str(Path(sys.executable).parent / "papermill"), str(ROOT / "nbs" / "12_attacks.ipynb"), str(out),
                           *params, "--cwd", str(ROOT / "nbs")], capture_output=True, text=True, timeout=1200, env=ENV)

def test_copies_recover_fresh_fakes_exactly():
    "Three copies from a generator that draws fresh fakes per call give the whole key, at k' = m as well (values differ)."
    for kp in (32, 64):
        c = synthetic_codes(32, 4, 64, 16, seed=5)
        copies = [ambiguate_reference(c, kp)[0] for _ in range(3)]
        mask = attack_copies(None, copies[0], 16, None, copies=copies[1:])
        assert torch.equal(mask, c != 0), kp

@pytest.mark.slow
def test_attacks_headless_lfw_mini(tmp_path):
    r = papermill(tmp_path / "out.ipynb", "-p", "run", str(tmp_path / "run"), "-p", "n_victims", "16")
    assert r.returncode == 0, r.stderr[-3000:]
    res = json.loads((tmp_path / "run" / "attacks" / "results.json").read_text())
    assert res["n_victims"] == 16 and res["config"]["n_victims"] == 16              # papermill's values
    assert res["config"]["decoder_steps"] == 40 and res["learned"]["ours"]["seconds"]["public_decoder"] > 0   # D', the default
    rows = {(x["scheme"], x["attack"]): x for x in res["rows"]}
    assert set(rows) == {(s, a) for s in SCHEMES for a in [*NOT_ATTACKS, *ATTACKS]}
    assert all(set(x) >= FIELDS for x in rows.values())                           # one schema
    prec = {k: v["precision"] for k, v in rows.items()}
    assert prec[("reference", "smallest")] > 0.95 and prec[("reference", "copies")] == 1.0   # the reference's key falls
    assert rows[("reference", "smallest")]["psnr_vs_original"] > rows[("reference", "random")]["psnr_vs_original"] + 5
    for s in ("ours", "ours+positions", "decoy", "decoy+positions"):
        for a in ("random", "largest", "smallest", "copies"):
            assert abs(prec[(s, a)] - 0.5) < 0.05, (s, a, prec[(s, a)])
    for a in ("largest", "smallest"):                                              # decoy: exactly ours' magnitudes, map by map
        assert rows[("decoy", a)]["per_victim"] == rows[("ours", a)]["per_victim"], a
    assert prec[("decoy", "reencode")] < prec[("ours", "reencode")] - 0.05           # its fakes are coherent
    assert prec[("ours+positions", "prior")] < prec[("ours", "prior")]
    assert prec[("decoy+positions", "prior")] < prec[("decoy", "prior")]
    for s in ("ours", "reference"):                                               # every new attack beats chance
        for a in NEW: assert prec[(s, a)] > 0.6, (s, a, prec[(s, a)])
    for s in SCHEMES: assert prec[(s, "relaxed")] >= prec[(s, "reencode")], s     # warm-started: never below reencode
    for s in SCHEMES:                                                             # the strongest attack, per scheme
        best = max((v for (s_, a), v in prec.items() if s_ == s and a not in NOT_ATTACKS))
        assert res["strongest"][s]["precision"] == best and res["strongest"][s]["attack"] in ATTACKS
    r0 = rows[("ours", "reencode")]
    assert r0["median"] <= r0["p90"] and 0 <= r0["above_0_9"] <= 1 and len(r0["per_victim"]) == 16
    ms = rows[("ours", "multistart")]                                             # its candidates: 0..starts per victim
    assert 0 < ms["settled"] <= 1 and 0 <= ms["candidates_mean"] <= ms["candidates_max"] <= res["config"]["starts"]
    assert res["learned"]["ours"]["auc"]["distinguisher"]["held_out"] > 0.7         # on held-out public faces
    for f in ("attacks_ours.png", "attacks_hist.png"): assert (tmp_path / "run" / "attacks" / "figures" / f).stat().st_size > 5000
    r = papermill(tmp_path / "out2.ipynb", "-p", "run", str(tmp_path / "run"))
    assert r.returncode != 0 and "already holds attack results" in r.stderr + r.stdout


@pytest.mark.slow
@pytest.mark.skipif(not shared_data_available("celeba"), reason="needs ../shared/data/celeba")
def test_attacks_headless_celeba64_recognition(tmp_path):
    r = papermill(tmp_path / "out.ipynb", "-p", "model", "celeba64", "-p", "run", str(tmp_path / "run"), "-p", "n_public", "300",
                  "-p", "n_victims", "12", "-p", "attacks", "random,smallest", "-p", "schemes", "ours,reference",
                  "-p", "identifier_steps", "5", "-p", "distinguisher_steps", "5", "-p", "inverse_steps", "2",
                  "-p", "denoise_steps", "2", "-p", "keynet_steps", "2", "-p", "decoder_steps", "2", "-p", "n_train", "64",
                  "-p", "n_holdout", "16")
    assert r.returncode == 0, r.stderr[-3000:]
    res = json.loads((tmp_path / "run" / "attacks" / "results.json").read_text())
    assert res["identities"] and res["data"] == "celeba64"
    for x in res["rows"]: assert 0 <= x["top1"] <= x["top5"] <= 1
    assert {r["attack"] for r in res["rows"]} == {*NOT_ATTACKS, "random", "smallest"}
