"`import sparsegroups` and its modules work in an environment without Jupyter."
import subprocess, sys

BLOCK = """
import sys, importlib.abc
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split('.')[0] in {'IPython', 'ipywidgets', 'ipykernel', 'jupyter_client', 'jupyterlab', 'notebook',
                                  'nbformat', 'nbdev', 'execnb', 'papermill', 'matplotlib'}:
            raise ImportError('blocked for this test: ' + name)
sys.meta_path.insert(0, Block())
import sparsegroups, sparsegroups.model, sparsegroups.layers, sparsegroups.metrics, sparsegroups.cli, sparsegroups.bench
import sparsegroups.data, sparsegroups.train, sparsegroups.ambiguation
import torch
m = sparsegroups.model.SparseGroupAE.from_preset('cpu-gray32').eval()
with torch.no_grad(): print(tuple(m(torch.rand(2, 1, 32, 32))['code'].shape))
"""

def test_import_without_jupyter():
    r = subprocess.run([sys.executable, "-c", BLOCK], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "(2, 8, 128)"
