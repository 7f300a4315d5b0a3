"Data layer contracts: the development data sets' splits and shapes, loaders with workers, bad input named."
import warnings
import cv2
import numpy as np
import pytest
import torch
from sparsegroups.data import (load_dataset, make_loader, make_splits, read_split, data_root, shared_data_available,
                               ImageFileError)

needs_celeba = pytest.mark.skipif(not (shared_data_available("celeba") and shared_data_available("splits")),
                                  reason=f"CelebA development data not found under {data_root()} (set SPARSEGROUPS_DATA)")
needs_cyale = pytest.mark.skipif(not (shared_data_available("CroppedYale") and shared_data_available("splits")),
                                 reason=f"Cropped Yale B development data not found under {data_root()}")

@needs_celeba
def test_celeba64_present_splits_and_identities():
    sizes = {s: len(load_dataset("celeba64", split=s)) for s in ("train", "valid", "test")}
    assert sizes == {"train": 4359, "valid": 521, "test": 520}
    ds = load_dataset("celeba64", split="valid")
    names = set(ds.names) | set(load_dataset("celeba64", split="train").names) | set(load_dataset("celeba64", split="test").names)
    assert len(names) == 5400                                          # the three splits are disjoint and complete
    b = next(iter(make_loader(ds, batch_size=32, num_workers=2)))
    assert b["image"].shape == (32, 3, 64, 64) and b["image"].dtype == torch.float32
    assert 0 <= b["image"].min() and b["image"].max() <= 1 and (b["identity"] >= 1).all()

@needs_celeba
def test_celeba_crop_is_the_papers():
    ds = load_dataset("celeba128", split="test")
    img = cv2.imread(str(data_root() / "celeba" / ds.names[0]), cv2.IMREAD_UNCHANGED)[..., ::-1]
    ref = torch.from_numpy(img[45:173, 25:153].copy()).permute(2, 0, 1).float() / 255
    assert torch.equal(ds[0]["image"], ref)
    small = load_dataset("celeba32", split="test")[0]["image"]
    area = cv2.resize(img[45:173, 25:153].copy(), (32, 32), interpolation=cv2.INTER_AREA)
    assert torch.equal(small, torch.from_numpy(area).permute(2, 0, 1).float() / 255)

@needs_cyale
def test_cyale_test_split():
    ds = load_dataset("cyale", split="test")
    assert len(ds) == 241
    shapes = {tuple(ds[i]["image"].shape) for i in range(0, 241, 40)}
    assert shapes == {(1, 192, 168)}
    assert {ds[i]["identity"] for i in range(241)} <= set(range(1, 40)) - {14}

@needs_celeba
def test_full_split_list_with_missing_names_is_counted(tmp_path):
    full = data_root() / "splits" / "CelebA" / "CelebA_test.txt"
    total = len(read_split(full))
    with pytest.raises(FileNotFoundError, match=rf"{total - 520} of {total} listed images do not exist"):
        load_dataset("celeba64", split="test", split_file=full)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ds = load_dataset("celeba64", split="test", split_file=full, skip_missing=True)
    assert len(ds) == 520 and any("skipping" in str(x.message) for x in w)

def test_lfw_mini_offline_and_seeded():
    tr, va, te = (load_dataset("lfw-mini", split=s) for s in ("train", "valid", "test"))
    assert (len(tr), len(va), len(te)) == (80, 10, 10)
    assert not set(tr.names) & set(te.names)
    assert tr[0]["image"].shape == (1, 32, 32)
    assert load_dataset("lfw-mini", split="test", seed=1).names != te.names

def _folder(tmp_path):
    for i in range(10): cv2.imwrite(str(tmp_path / f"{i:02d}.png"), np.full((12, 10, 3), 20 * i, np.uint8))
    return tmp_path

def test_folder_with_written_splits_and_workers(tmp_path):
    (tmp_path / "imgs").mkdir(); root = _folder(tmp_path / "imgs")
    make_splits(root, root, seed=3)
    parts = {s: load_dataset("folder", root=root, split=s) for s in ("train", "valid", "test")}
    assert [len(p) for p in parts.values()] == [8, 1, 1]
    loader = make_loader(parts["train"], batch_size=4, num_workers=2, shuffle=True, seed=0)
    seen = [n for b in loader for n in b["name"]]
    assert sorted(seen) == sorted(parts["train"].names)
    assert [n for b in make_loader(parts["train"], 4, True, 2, seed=0) for n in b["name"]] == seen   # seeded order

def test_bad_inputs_are_named(tmp_path):
    root = _folder(tmp_path)
    cv2.imwrite(str(root / "gray.pgm"), np.full((12, 10), 7, np.uint8))
    (root / "cut.jpg").write_bytes(cv2.imencode(".jpg", np.zeros((12, 10, 3), np.uint8))[1].tobytes()[:60])
    (root / "list.txt").write_text("./00.png\n01.png\nnope.png\n")
    with pytest.raises(FileNotFoundError, match=r"1 of 3 listed images do not exist .* e.g. nope.png"):
        load_dataset("folder", root=root, split="test", split_file=root / "list.txt")
    (root / "list.txt").write_text("00.png\ncut.jpg\n")
    with pytest.raises(ImageFileError, match=r"cut.jpg is a truncated JPEG"):
        load_dataset("folder", root=root, split="test", split_file=root / "list.txt")[1]
    with pytest.warns(UserWarning, match="skipping 1 unreadable images of 2"):
        assert len(load_dataset("folder", root=root, split="test", split_file=root / "list.txt", skip_corrupt=True)) == 1
    (root / "list.txt").write_text("00.png\ngray.pgm\n")
    assert load_dataset("folder", root=root, split="test", split_file=root / "list.txt")[1]["image"].shape == (3, 12, 10)
    with pytest.raises(ImageFileError, match="gray.pgm is grayscale but this data set is RGB"):
        load_dataset("folder", root=root, split="test", split_file=root / "list.txt", convert=False)[1]
    assert load_dataset("folder", root=root, split="test", split_file=root / "list.txt", channels=1)[0]["image"].shape == (1, 12, 10)
    (root / "empty.txt").write_text("\n\n")
    with pytest.raises(ValueError, match="empty.txt is empty"):
        load_dataset("folder", root=root, split="test", split_file=root / "empty.txt")
    with pytest.raises(FileNotFoundError, match="does not exist. CelebA's aligned images"):
        load_dataset("celeba64", root=tmp_path / "no-celeba")

def test_image_smaller_than_celeba_crop(tmp_path):
    root = tmp_path / "celeba"; root.mkdir()
    cv2.imwrite(str(root / "000001.jpg"), np.zeros((100, 90, 3), np.uint8))
    (root / "CelebA_test.txt").write_text("000001.jpg\n")
    with pytest.raises(ImageFileError, match=r"000001.jpg is 90x100 \(width x height\), smaller than the crop"):
        load_dataset("celeba64", root=root, split="test")[0]
