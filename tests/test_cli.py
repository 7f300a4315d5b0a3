"The `sparsegroups` console script: JSON on stdout, clear one-line errors, no overwrites without --force."
import json, subprocess
import pytest
from conftest import script
from sparsegroups.cli import main

def run(*args, timeout=300):
    return subprocess.run([script("sparsegroups"), *args], capture_output=True, text=True, timeout=timeout)

def test_smoke_console_script():
    r = run("smoke", "--n", "12")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["x"] == [12, 1, 32, 32] and out["x_hat"] == [12, 1, 32, 32] and out["code"] == [12, 8, 128]
    assert out["nonzeros_per_map"] == out["k"] == 16
    assert 3.0 < out["psnr_mean"] < 30.0 and out["psnr_min"] <= out["psnr_mean"]

def test_smoke_is_deterministic(capsys):
    assert main(["smoke", "--n", "5", "--seed", "3"]) == 0
    a = json.loads(capsys.readouterr().out)
    assert main(["smoke", "--n", "5", "--seed", "3"]) == 0
    b = json.loads(capsys.readouterr().out)
    assert a["psnr_mean"] == b["psnr_mean"]

def test_help_shows_examples():
    for cmd in ("smoke", "bench"):
        r = run(cmd, "--help")
        assert r.returncode == 0 and f"Example: sparsegroups {cmd}" in r.stdout

def test_bad_value_is_one_line_error():
    r = run("smoke", "--n", "0")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert r.stderr.strip() == "sparsegroups smoke: error: n=0: lfw_subset ships 100 faces, choose 1 <= n <= 100"

def test_unknown_command_is_usage_error():
    r = run("frobnicate")
    assert r.returncode == 2 and "invalid choice" in r.stderr and "Traceback" not in r.stderr

@pytest.mark.slow
def test_bench_quick_writes_json_and_never_overwrites(tmp_path):
    out = tmp_path / "b.json"
    r = run("bench", "--quick", "--out", str(out))
    assert r.returncode == 0, r.stderr
    saved = json.loads(out.read_text())
    assert saved == json.loads(r.stdout)
    assert saved["quick"] is True and set(saved) >= {"grouped_linear", "training", "inference", "machine"}
    out.write_text("mine")
    r = run("bench", "--quick", "--out", str(out))
    assert r.returncode == 2 and "exists; pass --force" in r.stderr
    assert out.read_text() == "mine"
