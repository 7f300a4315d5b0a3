"Project invariants: nbdev keeps papermill's parameters tag; the README's commands are what CI runs."
import json, shutil, subprocess, sys
from pathlib import Path

def test_nbdev_clean_keeps_parameters_tag(tmp_path, root):
    for f in ("settings.ini",): shutil.copy(root / f, tmp_path / f)
    (tmp_path / "nbs").mkdir()
    nb = {"cells": [{"cell_type": "code", "execution_count": 3, "id": "x", "outputs": [],
                     "metadata": {"tags": ["parameters"], "scrolled": True}, "source": ["k = 128\n"]}],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "python3", "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    p = tmp_path / "nbs" / "t.ipynb"; p.write_text(json.dumps(nb))
    r = subprocess.run([sys.executable, "-c", "from nbdev.clean import nbdev_clean; nbdev_clean()"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    cell = json.loads(p.read_text())["cells"][0]
    assert cell["metadata"] == {"tags": ["parameters"]} and cell["execution_count"] is None

def test_readme_commands_and_ci(root):
    readme = (root / "README.md").read_text()
    assert "bash run.sh" in readme and "bash test.sh" in readme
    assert "bash test.sh" in (root / ".ci" / "run").read_text()
