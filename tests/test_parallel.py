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


def test_ambiguate_from_several_threads_at_once():
    """The kernels' worker team serves one caller at a time: callers in other threads wait their turn (no lost task, no
    hang) and get what a lone call gives."""
    from concurrent.futures import ThreadPoolExecutor
    torch.set_num_threads(2)
    codes = [synthetic_codes(20, 4, 64, 16, seed=s) for s in range(8)]
    alone = [ambiguate(c, 32, SECRET)[0] for c in codes]
    with ThreadPoolExecutor(4) as ex:
        together = list(ex.map(lambda c: ambiguate(c, 32, SECRET)[0], codes * 3, timeout=120))
    assert all(torch.equal(t, alone[i % 8]) for i, t in enumerate(together))


def test_worker_team_serves_one_caller_at_a_time():
    """Two callers of the team at once: each run returns only when its own worker task is done (a second caller must
    not take over the first one's job). The worker's task sleeps 50 ms; the callers' own parts return at once."""
    import time
    from concurrent.futures import ThreadPoolExecutor
    from sparsegroups.ambiguation import _team
    team = _team(2)

    def caller(tag):
        box = []
        team.run([(lambda: None, ()), (lambda: (time.sleep(0.05), box.append(tag)), ())])
        return list(box)

    for _ in range(5):
        with ThreadPoolExecutor(2) as ex:
            assert list(ex.map(caller, ["a", "b"], timeout=60)) == [["a"], ["b"]]
