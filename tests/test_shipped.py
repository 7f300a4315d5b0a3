"The shipped models load by name and reproduce their model cards' test PSNR/SSIM."
import re
import pytest
from sparsegroups.model import load, models_dir
from sparsegroups.train import evaluate
from sparsegroups.data import shared_data_available, data_root

def card_figures(name):
    card = (models_dir() / f"{name}.md").read_text()
    psnr = float(re.search(r"\| test PSNR \| ([\d.]+) dB \|", card).group(1))
    ssim = float(re.search(r"\| test SSIM \| ([\d.]+) \|", card).group(1))
    assert f"sparsegroups evaluate {name} --split test" in card
    return psnr, ssim

@pytest.mark.parametrize("name,shape,needs", [("lfw-mini", (1, 32, 32), None),
                                               pytest.param("celeba64", (3, 64, 64), "celeba", marks=pytest.mark.slow),
                                               pytest.param("celeba64-private", (3, 64, 64), "celeba", marks=pytest.mark.slow),
                                               pytest.param("celeba64-support", (3, 64, 64), "celeba", marks=pytest.mark.slow),
                                               pytest.param("celeba64-private-v5", (3, 64, 64), "celeba", marks=pytest.mark.slow),
                                               pytest.param("celeba64-private-v4", (3, 64, 64), "celeba", marks=pytest.mark.slow),
                                               pytest.param("celeba64-private-v3", (3, 64, 64), "celeba", marks=pytest.mark.slow),
                                               pytest.param("celeba64-private-v2", (3, 64, 64), "celeba", marks=pytest.mark.slow),
                                               pytest.param("celeba64-private-v1", (3, 64, 64), "celeba", marks=pytest.mark.slow)])
def test_shipped_model_matches_its_card(name, shape, needs):
    model = load(name)
    assert model.config.image == shape and not model.training
    if needs and not shared_data_available(needs):
        pytest.skip(f"{needs} data not found under {data_root()}: the card's figures need its test split")
    psnr, ssim = card_figures(name)
    r = evaluate(name, split="test")
    assert abs(r["psnr"] - psnr) < 0.01 and abs(r["ssim"] - ssim) < 0.0005, (r, psnr, ssim)

def test_replaced_private_models_carry_their_share_default_and_measured_privacy():
    "The values codes shipped as celeba64-private until stop 38, kept as -v1 .. -v4: each card replays its run and says what the lab measured."
    from sparsegroups.model import read_checkpoint
    assert read_checkpoint("celeba64-private-v4")["extra"]["privacy"] == {"scheme": "ours", "k_prime": 360}
    v4 = (models_dir() / "celeba64-private-v4.md").read_text()
    assert "defaults to scheme `ours` at k' = 360" in v4 and "private: **no**" in v4   # the card says what the lab measured
    assert v4.count("--resume`") == 0 and "--midway attack" in v4 and "--balance-usage mixed" in v4   # one start, replayed
    assert "--init celeba64-private-v3" in v4 and "`sparsegroups evaluate celeba64-private-v4 --split test`" in v4
    v3 = (models_dir() / "celeba64-private-v3.md").read_text()
    assert read_checkpoint("celeba64-private-v3")["extra"]["privacy"] == {"scheme": "ours", "k_prime": 360}
    assert v3.count("--resume`") == 0 and "--balance-decay 0.05" in v3 and "--init celeba64-private-v2 " in v3 and "private: **no**" in v3
    v2 = (models_dir() / "celeba64-private-v2.md").read_text()
    assert read_checkpoint("celeba64-private-v2")["extra"]["privacy"] == {"scheme": "ours", "k_prime": 360}
    assert v2.count("--resume`") == 1 and "--init celeba64-private-v1 " in v2 and "private: **no**" in v2
    v1 = (models_dir() / "celeba64-private-v1.md").read_text()
    assert v1.count("--resume`") == 2 and "--init celeba64 " in v1 and "private: **no**" in v1

@pytest.mark.parametrize("name", ["celeba64-private", "celeba64-private-v5", "celeba64-support"])
def test_support_model_publishes_nothing_and_its_card_replays_its_stages(name):
    """Support codes shared at k' = m, whose cards say what the lab measured and replay their stages: celeba64-support
    (stop 37) and celeba64-private-v5 (stop 38): plain epochs, the guess term, gains calibrated; celeba64-private (stop 39):
    v5's decoder trained on, its encoder, neck and gains left as they were."""
    import torch
    from sparsegroups.model import read_checkpoint
    from sparsegroups.ambiguation import ambiguate, disambiguate
    net = load(name)
    assert net.config.code == "support" and (net.config.L, net.config.m, net.config.k) == (4, 360, 180)
    assert read_checkpoint(name)["extra"]["privacy"] == {"scheme": "ours", "k_prime": 360}
    card = (models_dir() / f"{name}.md").read_text()
    assert "defaults to scheme `ours` at k' = 360" in card and "private: **no**" in card and "--code support" in card
    if name == "celeba64-private":
        assert "--init celeba64-private-v5 --train-part decoder --w-guess 1.0 --privacy-lambda 0.3" in card and "--resume`" not in card
        v5 = load("celeba64-private-v5").state_dict()
        for k, v in net.state_dict().items():                  # the encoder's side is v5's, bit for bit; the decoder learned
            assert torch.equal(v, v5[k]) == (not k.startswith("decoder.")), k
    else:
        assert f"`.venv/bin/python bench/calibrate-gain.py runs/{name} runs/{name}-cal 4359 300`" in card
        assert card.count("--resume`") == 1 and "--w-guess 1.0 --privacy-lambda 0.3" in card   # plain epochs, then the guess term
    rows = [ln.rsplit("|", 2)[1].strip() for ln in card.splitlines() if ln.startswith("| ") and "measured" not in ln and "---" not in ln][-6:]
    assert rows == ["**fails**", "holds", "holds", "holds", "holds", "holds"], rows   # only the trusted PSNR fails
    x = torch.rand(2, 3, 64, 64)
    with torch.no_grad(): code = net.encode(x)
    public, key = ambiguate(code, 360, b"test-secret-0123", images=x)
    assert torch.equal(public, torch.ones_like(public)) and torch.equal(disambiguate(public, key), code)
    from sparsegroups.share import share, reveal, to_8bit
    x = to_8bit(x)
    (pub0, key0), (pub1, key1) = share(net, name, x, 360, b"test-secret-0123")
    assert pub0 == pub1 and key0 != key1                       # two faces' public files are the same bytes
    # format version 3: header (magic and version, the name, weights hash, sizes), body length, thresholds, model bytes,
    # sign byte (0: no sign coded), two words of all-zero magnitude symbols, CRC; version 2 spent 180 bytes more on signs
    assert len(pub0) == 4 + 1 + len(name) + 8 + 12 + 1 + 8 + 4 + 1 + 8 + 4, len(pub0)
    for pub, key, xi in ((pub0, key0, x[0]), (pub1, key1, x[1])):
        with torch.no_grad(): want = net.decode(net.encode(xi[None]))
        assert (reveal(pub, key, net, name) - want).abs().max().item() < 1e-5
