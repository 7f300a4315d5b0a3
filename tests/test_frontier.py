"""The privacy frontier (issue 17 item 4): `sparsegroups frontier` turns attacks runs into points, merges them into the frontier
file without losing earlier points, draws the figure; the committed frontier's points are its committed records'."""
import json, shutil
from pathlib import Path
import pytest
from conftest import ROOT, cli_main
from sparsegroups.frontier import frontier_point, identity_count, read_frontier

RECORD = ROOT / "bench" / "attacks-celeba64.json"
FRONTIER = ROOT / "bench" / "privacy-frontier.json"

def test_frontier_command_adds_replaces_and_keeps(tmp_path):
    out, fig = tmp_path / "f.json", tmp_path / "figs" / "f.png"
    r = cli_main("frontier", RECORD, "--out", out, "--figure", fig)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    lines = r.stdout.splitlines()
    assert [ln.split()[1] for ln in lines[1:4]] == ["ours", "ours+positions", "reference"] and "3 points added" in lines[-1]
    pts = {q["scheme"]: q for q in read_frontier(out)["points"]}
    ours = pts["ours"]
    assert (ours["strongest"]["attack"], ours["k"], ours["k_prime"]) == ("relaxed", 180, 360)
    assert ours["strongest"]["precision"] == pytest.approx(0.79690, abs=1e-4) and ours["trusted_psnr"] == pytest.approx(26.604, abs=1e-3)
    assert ours["public_minus_random_db"] == pytest.approx(20.3315 - 16.5626, abs=1e-3) and ours["key_bytes"] == pytest.approx(177.714, abs=1e-3)
    assert pts["reference"]["strongest"]["attack"] == "copies" and pts["reference"]["verdict"]["attacks_at_chance"]["above_0_9"] == 1.0
    assert not any(q["verdict"]["private"] for q in pts.values())
    assert fig.stat().st_size > 20000
    # a user's own point in the file survives a second run; the run's own points are replaced and named on stderr
    d = json.loads(out.read_text())
    d["points"].append({**ours, "model": "mine", "label": "my own point"})
    out.write_text(json.dumps(d))
    (tmp_path / "run" / "attacks").mkdir(parents=True)
    shutil.copy(RECORD, tmp_path / "run" / "attacks" / "results.json")            # a run folder this time
    r = cli_main("frontier", tmp_path / "run", "--out", out, "--figure", "none", "--json")
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)["replaced"]) == 3 and r.stderr.count("replaced the earlier point") == 3, r.stderr
    got = read_frontier(out)["points"]
    assert [(q["model"], q["scheme"]) for q in got] == [("celeba64", "ours"), ("celeba64", "ours+positions"),
                                                        ("celeba64", "reference"), ("mine", "ours")]
    assert got[0]["source"] == str(tmp_path / "run" / "attacks" / "results.json")
    r = cli_main("frontier", RECORD, "--out", tmp_path / "only.json", "--figure", "none", "--schemes", "reference", "--json")
    assert r.returncode == 0 and [q["scheme"] for q in json.loads(r.stdout)["points"]] == ["reference"], r.stderr

def test_frontier_refuses_bad_inputs_in_one_line(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.json").write_text("my notes, not a frontier")
    cases = [(["frontier", tmp_path / "empty", "--out", tmp_path / "f.json"], f"{tmp_path / 'empty'} holds no attacks results"),
             (["frontier", tmp_path / "missing", "--out", tmp_path / "f.json"], "missing: no such folder or file"),
             (["frontier", RECORD, "--out", tmp_path / "notes.json"], "notes.json is not a frontier file (not JSON")]
    for args, problem in cases:
        r = cli_main(*args)
        assert r.returncode == 2 and r.stdout == "" and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
        assert r.stderr.startswith("sparsegroups frontier: error: ") and problem in r.stderr, r.stderr
    assert (tmp_path / "notes.json").read_text() == "my notes, not a frontier" and not (tmp_path / "f.json").exists()

def test_committed_frontier_is_its_records():
    "Every point of bench/privacy-frontier.json whose source is a committed record is that record's point (regenerate: sparsegroups frontier FILE)."
    points = read_frontier(FRONTIER)["points"]
    mine = [q for q in points if q["source"].startswith("bench/")]
    for q in mine:
        rec = json.loads((ROOT / q["source"]).read_text())
        want = frontier_point(rec, q["scheme"], n_identities=rec.get("n_identities") or 180)   # 180 identities in the 4,359 public faces
        same = lambda p: {k: v for k, v in p.items() if k not in ("source", "model", "label")}   # a model renamed since keeps its figures
        assert same(q) == same(json.loads(json.dumps(want))), (q["source"], q["scheme"])
    have = {(q["model"], q["scheme"], q["k_prime"]): q for q in points}
    assert {("celeba64", s, 360) for s in ("ours+positions", "reference")} <= {(q["model"], q["scheme"], q["k_prime"]) for q in mine}
    full = {k for k, q in have.items() if q["verdict"]["adversary"]["ok"]}       # scored by the full-strength adversary
    assert {("celeba64", "ours", 360), ("priv-h", "ours", 360), ("priv-o", "ours+positions", 360), ("priv-r", "ours", 360), ("priv-s", "ours", 360), ("priv-t", "ours", 360),
            ("pca-white", "ours", 360), ("pca-white-rot", "ours", 360), ("pca-white-rot-cnn", "ours", 360),
            ("priv-w", "ours", 360), ("priv-y", "ours", 360),
            ("wide-b", "ours", 360), ("wide-c", "ours", 360), ("wide-d", "ours", 360), ("wide-g1", "ours", 360), ("wide-g10", "ours", 360)} <= full, full
    assert all(have[k]["source"].startswith("bench/attacks-") for k in full)     # each with its committed record
    assert (ROOT / "bench" / "figures" / "privacy-frontier.png").stat().st_size > 20000

def test_identity_count_without_a_classifier_is_unknown():
    assert identity_count({"identities": False, "data": "lfw-mini", "n_public": 80}) is None
    assert identity_count({"n_identities": 42}) == 42
