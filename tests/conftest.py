import os, sys
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
