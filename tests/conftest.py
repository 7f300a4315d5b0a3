import contextlib, io, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent

@pytest.fixture
def root() -> Path: return ROOT

def script(name: str) -> str:
    "Path of a console script installed beside the running interpreter."
    p = VENV_BIN / name
    if not p.exists(): pytest.fail(f"console script {name} is not installed in {VENV_BIN}: run bash setup.sh")
    return str(p)

def cli_main(*args, threads: int | None = None) -> subprocess.CompletedProcess:
    "The CLI's main(argv) in this process (no interpreter start-up), as run by subprocess; threads: torch threads meanwhile."
    import torch
    from sparsegroups.cli import main
    out, err, before = io.StringIO(), io.StringIO(), torch.get_num_threads()
    if threads: torch.set_num_threads(threads)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err): rc = main([str(a) for a in args])
    finally: torch.set_num_threads(before)
    return subprocess.CompletedProcess(args, rc, out.getvalue(), err.getvalue())
