"""Golden vectors of ambiguation v5: the engine (`ambiguate`, `random_guess`) and the specification (`ambiguate_spec`,
`random_guess_spec`) must both reproduce the committed public codes, keys and guesses bit for bit, with numba's JIT on
and off. `python tests/test_ambiguation.py --write` rewrites the file from the specification: only for a deliberate
change of the scheme (with a new domain tag), never to make a failing test pass."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from sparsegroups.ambiguation import (ambiguate, ambiguate_spec, random_guess, random_guess_spec, synthetic_codes,
                                      disambiguate)

GOLDEN = Path(__file__).parent / "golden" / "ambiguation-v5.npz"
CASES = ("code", "images", "odd", "positions")          # what binds the fakes, or which option


def _inputs() -> dict:
    "The golden inputs (seeded): two small code batches, stand-in images, position statistics, two secrets."
    g = torch.Generator().manual_seed(7)
    prior = torch.full((4, 64), 0.1, dtype=torch.float64); prior[:, :32] = 0.9
    return dict(code=synthetic_codes(3, 4, 64, 16, seed=11).numpy(), odd=synthetic_codes(2, 3, 37, 7, seed=12).numpy(),
                images=torch.rand(3, 1, 8, 8, generator=g).numpy(), prior=prior.numpy(),
                positive=torch.rand(4, 64, generator=g, dtype=torch.float64).numpy(),
                secret=np.frombuffer(b"golden-secret-0123456789", np.uint8), secret2=np.frombuffer(b"0123456789abcdef", np.uint8))


def _run(inp: dict, amb, guess) -> dict:
    "Public codes and keys of the four cases, and two guesses, by the given ambiguate and random_guess."
    code, odd = torch.from_numpy(inp["code"]), torch.from_numpy(inp["odd"])
    s, s2 = inp["secret"].tobytes(), inp["secret2"].tobytes()
    pos = {"prior": torch.from_numpy(inp["prior"]), "positive": torch.from_numpy(inp["positive"])}
    out = {"code": amb(code, 40, s), "images": amb(code, 40, s, images=torch.from_numpy(inp["images"])),
           "odd": amb(odd, 20, s2), "positions": amb(code, 40, s, positions=pos)}
    res = {f"{c}_{w}": t.numpy() for c, (p, k) in out.items() for w, t in (("public", p), ("key", k))}
    res["guess_8"] = guess(out["code"][0], 8, torch.Generator().manual_seed(5)).numpy()
    res["guess_odd"] = guess(out["odd"][0], 13, torch.Generator().manual_seed(6)).numpy()
    return res


def _check(amb, guess) -> None:
    gold = np.load(GOLDEN)
    got = _run({k: gold[k] for k in gold.files if not k.endswith(("_public", "_key")) and not k.startswith("guess")},
               amb, guess)
    for name, value in got.items():
        assert value.dtype == gold[name].dtype and np.array_equal(value.view(np.uint8), gold[name].view(np.uint8)), name


def test_golden_files_are_small_and_complete():
    gold = np.load(GOLDEN)
    assert GOLDEN.stat().st_size < 64_000
    assert {f"{c}_{w}" for c in CASES for w in ("public", "key")} | {"guess_8", "guess_odd"} <= set(gold.files)
    code, pub, key = gold["code"], gold["code_public"], gold["code_key"]
    assert ((pub != 0).sum(-1) == 40).all() and np.array_equal(key, code != 0)
    assert torch.equal(disambiguate(torch.from_numpy(pub), torch.from_numpy(key)), torch.from_numpy(code))
    assert not np.array_equal(gold["code_public"], gold["images_public"])       # pixels bind other fakes


def test_engine_equals_golden():
    _check(ambiguate, random_guess)


def test_specification_equals_golden():
    _check(ambiguate_spec, random_guess_spec)


def test_engine_equals_golden_without_jit():
    """The kernels run as plain Python under NUMBA_DISABLE_JIT=1 and give the same bits."""
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    script = ("import numba, sparsegroups.ambiguation as A, tests.test_ambiguation as T\n"
              "assert numba.config.DISABLE_JIT and not hasattr(A._ambiguate_images, 'signatures')\n"
              "T._check(A.ambiguate, A.random_guess); print('ok')")
    r = subprocess.run([sys.executable, "-c", script], env=env, cwd=Path(__file__).parents[1], capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stdout + r.stderr


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    inp = _inputs()
    np.savez_compressed(GOLDEN, **inp, **_run(inp, ambiguate_spec, random_guess_spec))
    print(f"wrote {GOLDEN} ({GOLDEN.stat().st_size} bytes)")
