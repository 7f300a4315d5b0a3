"Project invariants: nbdev keeps papermill's parameters tag; a lab refuses a mistyped parameter; the README's commands are what CI runs."
import json, os, re, shutil, subprocess, sys
from pathlib import Path
import pytest

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
    "The README's 'Two commands' block holds exactly run.sh and test.sh, both parse, and CI ends by running test.sh."
    readme = (root / "README.md").read_text()
    section = readme.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.split("#")[0].strip()]
    assert commands == ["bash run.sh", "bash test.sh"], commands
    for script in ("run.sh", "test.sh", ".ci/run", "setup.sh"):
        r = subprocess.run(["bash", "-n", str(root / script)], capture_output=True, text=True)
        assert r.returncode == 0, (script, r.stderr)
    ci = [l.strip() for l in (root / ".ci" / "run").read_text().splitlines() if l.strip() and not l.lstrip().startswith("#")]
    assert ci[-1] == "exec bash test.sh", ci[-1]                        # CI runs the README's test command, last
    assert "bash setup.sh" in ci and "bash setup.sh" in (root / "test.sh").read_text()   # and both install what they need

@pytest.mark.slow
@pytest.mark.parametrize("notebook,typo,valid", [("10_trainGround", "epoch", "epochs"), ("11_noiseLab", "n_imagez", "n_images"),
                                                 ("12_attacks", "n_victimz", "n_victims")])
def test_lab_refuses_a_mistyped_parameter(root, tmp_path, notebook, typo, valid):
    "papermill -p <typo> stops the lab before its run does any work, naming the typo and the valid names."
    out, run = tmp_path / "out.ipynb", tmp_path / "run"
    r = subprocess.run([str(Path(sys.executable).parent / "papermill"), str(root / "nbs" / f"{notebook}.ipynb"), str(out),
                        "-p", typo, "4", "-p", "out" if notebook == "10_trainGround" else "run", str(run), "--cwd", str(root / "nbs")],
                       capture_output=True, text=True, timeout=300, env={**os.environ, "OMP_NUM_THREADS": "1"})
    text = r.stderr + (out.read_text() if out.exists() else "")
    assert r.returncode != 0 and f"unknown parameter(s) ['{typo}']" in text and f"'{valid}'" in text
    assert not run.exists() or not any(run.iterdir())                  # nothing written by the run section
