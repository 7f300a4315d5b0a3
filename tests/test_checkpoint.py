"Checkpoints: one file, exact round trip, loading never executes code, mismatches are named."
import os, pickle
import pytest
import torch
from sparsegroups.model import SparseGroupAE, save, load, load_weights, read_checkpoint

class Evil:
    def __reduce__(self): return (os.system, ("touch PWNED_BY_CHECKPOINT",))

def test_loading_never_executes_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with open("evil.pt", "wb") as f: pickle.dump({"format": "sparsegroups-model", "x": Evil()}, f, protocol=2)
    with pytest.raises(ValueError, match="is not a readable sparsegroups checkpoint"):
        load("evil.pt")
    assert not (tmp_path / "PWNED_BY_CHECKPOINT").exists()

def test_round_trip_with_training_state(tmp_path):
    torch.manual_seed(1)
    m = SparseGroupAE.from_preset("cpu-gray32")
    opt = torch.optim.Adam(m.parameters())
    m(torch.rand(2, 1, 32, 32))["logits"].mean().backward(); opt.step()
    rng = torch.get_rng_state()
    p = save(m, tmp_path / "ck.pt", optimizer=opt.state_dict(), epoch=4, rng=rng)
    m2, extra = load(p, return_extra=True)
    assert extra["epoch"] == 4 and torch.equal(extra["rng"], rng)
    opt2 = torch.optim.Adam(m2.parameters()); opt2.load_state_dict(extra["optimizer"])
    for a, b in zip(m.state_dict().values(), m2.state_dict().values()): assert torch.equal(a, b)
    assert list(os.listdir(tmp_path)) == ["ck.pt"]

def test_mismatched_architecture_is_named(tmp_path):
    p = save(SparseGroupAE.from_preset("cpu-gray32"), tmp_path / "a.pt")
    other = SparseGroupAE.from_preset("cpu-gray32", m=64, k=8)
    with pytest.raises(ValueError, match=r"m: 128 vs 64"):
        load_weights(other, p)
    # a state dict whose shapes do not fit its own config (a tampered file) is named too
    obj = read_checkpoint(p); obj["state_dict"]["neck.weight"] = torch.zeros(8, 64, 64)
    torch.save(obj, tmp_path / "b.pt")
    with pytest.raises(ValueError, match=r"neck.weight: \(8, 64, 64\) vs \(8, 128, 64\)"):
        load(tmp_path / "b.pt")

def test_shipped_name_lookup(tmp_path, monkeypatch):
    monkeypatch.setenv("SPARSEGROUPS_MODELS", str(tmp_path))
    save(SparseGroupAE.from_preset("cpu-gray32"), tmp_path / "tiny.pt")
    assert load("tiny").config.L == 8
    with pytest.raises(FileNotFoundError, match="shipped: tiny"):
        load("missing-model")
