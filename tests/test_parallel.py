"""The ambiguation kernels run in a thread pool: a forked child (a DataLoader worker, a multiprocessing pool) must get
its own pool instead of waiting forever on the parent's threads, which do not exist in the child."""
import multiprocessing as mp

import torch

from sparsegroups.ambiguation import ambiguate, random_guess, synthetic_codes

SECRET = b"0123456789abcdef"


def _child(code):
    torch.set_num_threads(2)                      # take the threaded path in the child
    public, _ = ambiguate(code, 16, SECRET)
    return public, random_guess(public, 8, generator=torch.Generator().manual_seed(0))


def test_ambiguate_in_forked_child_after_parent_used_the_pool():
    torch.set_num_threads(2)
    code = synthetic_codes(6, 3, 32, 8)
    public, _ = ambiguate(code, 16, SECRET)       # the parent creates its thread pool here
    with mp.get_context("fork").Pool(1) as pool:
        child_public, child_guess = pool.apply_async(_child, (code,)).get(timeout=120)
    assert torch.equal(child_public, public)      # same image, same secret: the same public code in any process
    assert torch.equal((child_guess != 0).sum(-1), torch.full((6, 3), 8))
    assert torch.equal(child_guess[child_guess != 0], public[child_guess != 0])
