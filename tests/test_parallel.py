"""The ambiguation kernels run on the process's thread pool (`ThreadPoolExecutor`, one per process id): a forked child
(a DataLoader worker, a multiprocessing pool) must make its own instead of waiting on the parent's threads, which do
not exist in the child, and concurrent callers and any thread count must get what a lone call gets."""
import multiprocessing as mp
from concurrent.futures import ThreadPoolExecutor

import torch

from sparsegroups.ambiguation import ambiguate, random_guess, synthetic_codes

SECRET = b"0123456789abcdef"


def _child(code):
    torch.set_num_threads(2)                      # the threaded path in the child
    public, _ = ambiguate(code, 16, SECRET)
    return public, random_guess(public, 8, generator=torch.Generator().manual_seed(0))


def test_ambiguate_in_forked_child_after_parent_used_threads():
    torch.set_num_threads(2)
    code = synthetic_codes(6, 3, 32, 8)
    public, _ = ambiguate(code, 16, SECRET)       # the parent makes its pool here
    guess = random_guess(public, 8, generator=torch.Generator().manual_seed(0))
    with mp.get_context("fork").Pool(1) as pool:
        child_public, child_guess = pool.apply_async(_child, (code,)).get(timeout=120)
    assert torch.equal(child_public, public)      # same image, same secret: the same public code in any process
    assert torch.equal(child_guess, guess)
    assert torch.equal((child_guess != 0).sum(-1), torch.full((6, 3), 8))


def test_ambiguate_from_several_threads_at_once():
    """Callers in several threads at once (sharing the pool) get what a lone call gives."""
    torch.set_num_threads(2)
    codes = [synthetic_codes(20, 4, 64, 16, seed=s) for s in range(8)]
    alone = [ambiguate(c, 32, SECRET)[0] for c in codes]
    with ThreadPoolExecutor(4) as ex:
        together = list(ex.map(lambda c: ambiguate(c, 32, SECRET)[0], codes * 3, timeout=120))
    assert all(torch.equal(t, alone[i % 8]) for i, t in enumerate(together))


def test_output_does_not_depend_on_thread_count():
    code = synthetic_codes(9, 5, 100, 20, seed=3)
    n = torch.get_num_threads()
    try:
        runs = []
        for threads in (1, 2, 4):
            torch.set_num_threads(threads)
            public, key = ambiguate(code, 50, SECRET)
            runs.append((public, key, random_guess(public, 30, generator=torch.Generator().manual_seed(1))))
    finally:
        torch.set_num_threads(n)
    assert all(torch.equal(a, b) for run in runs[1:] for a, b in zip(run, runs[0]))
