"""video.upscale: tiny spandrel networks saved and loaded back, tiling, the classical path, bad weights."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from nodes.datatypes import Frames
from nodes.video.classical import upscale_classical
from nodes.video.interpolate.synthetic import texture_frame
from nodes.video.metrics import psnr
from nodes.video.spandrel_compat import import_spandrel
from nodes.video.tiles import run_tiled
from nodes.video.upscale import UpscaleParams, upscale
from server.engine.errors import NodeInputError
from server.models.catalog import find_models
from server.models.upscalers import load_upscaler

from .video_media import context

spandrel = import_spandrel()


def tiny_esrgan(scale: int = 2):
    from spandrel.architectures.ESRGAN import ESRGAN

    torch.manual_seed(0)
    return ESRGAN(in_nc=3, out_nc=3, num_filters=8, num_blocks=1, scale=scale)


def tiny_compact(scale: int = 4):
    from spandrel.architectures.Compact import Compact

    torch.manual_seed(1)
    return Compact(num_in_ch=3, num_out_ch=3, num_feat=8, num_conv=2, upscale=scale)


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> Path:
    """A model root with tiny random upscalers as users keep them: <root>/upscale_models/…"""
    root = tmp_path_factory.mktemp("models")
    folder = root / "upscale_models"
    folder.mkdir()
    save_file(tiny_esrgan().state_dict(), folder / "tiny_esrgan_x2.safetensors")
    torch.save({"params_ema": tiny_compact().state_dict()}, folder / "tiny_compact_x4.pth")  # BasicSR's layout
    from spandrel.architectures.DnCNN import DnCNN

    save_file(DnCNN(in_nc=3, out_nc=3, nc=8, nb=17).state_dict(), folder / "denoiser.safetensors")
    (folder / "broken.safetensors").write_bytes(b"\x00" * 64)
    return root


def clip(count: int = 3, h: int = 40, w: int = 56) -> Frames:
    return Frames.from_array(np.stack([texture_frame(h, w, (2.0 * i, 1.0), seed=4) for i in range(count)]), 24, (2,))


def run(tmp_path: Path, frames: Frames, **params) -> Frames:
    return upscale(context(tmp_path, "video.upscale"), UpscaleParams(**params), frames=frames)["frames"]


def test_the_catalog_lists_upscaler_files_by_kind(models):
    found = {m.name: m for m in find_models([models], None) if m.kind == "upscaler"}
    assert set(found) >= {"upscale_models/tiny_esrgan_x2.safetensors", "upscale_models/tiny_compact_x4.pth"}
    entry = found["upscale_models/tiny_esrgan_x2.safetensors"]
    assert entry.source == "file" and Path(entry.value).is_file() and entry.size_bytes > 0


def test_learned_upscale_matches_the_network_run_directly(tmp_path, models):
    path = models / "upscale_models" / "tiny_esrgan_x2.safetensors"
    frames = clip()
    out = run(tmp_path, frames, model=str(path), tile=32)  # tiles smaller than the frame (56×40)
    assert (out.count, out.width, out.height, out.cuts) == (3, 112, 80, (2,))
    reference = spandrel.ModelLoader().load_from_file(str(path)).eval()
    with torch.inference_mode():
        x = torch.from_numpy(frames.read(1, 2)[0]).permute(2, 0, 1)[None].float() / 255
        direct = (reference(x)[0].clamp(0, 1) * 255).round().byte().permute(1, 2, 0).numpy()
    got = out.read(1, 2)[0]
    assert np.abs(got.astype(int) - direct).max() <= 1  # tiling with overlap leaves no seams


def test_a_pth_model_of_another_factor_is_resized_to_the_asked_scale(tmp_path, models):
    out = run(tmp_path, clip(1), model="tiny_compact_x4.pth", scale=2)  # found by name in a model root
    assert (out.width, out.height) == (112, 80) and out.read(0, 1).std() > 0


@pytest.fixture(autouse=True)
def model_root(models, monkeypatch):
    monkeypatch.setenv("REELGRAPH_MODELS", str(models))


def test_tiles_cover_odd_sizes_exactly(models):
    model = load_upscaler(models / "upscale_models" / "tiny_esrgan_x2.safetensors")
    frame = texture_frame(37, 53, seed=2)
    whole, tiled = run_tiled(model, frame, 512), run_tiled(model, frame, 20)
    assert whole.shape == (74, 106, 3) and np.abs(whole.astype(int) - tiled).max() <= 1


@pytest.mark.parametrize(
    ("model", "words"),
    [
        ("denoiser.safetensors", "not super-resolution"),
        ("broken.safetensors", "cannot read the weights"),
        ("nothing_here.pth", "no upscaler weights"),
    ],
)
def test_bad_weights_are_refused_by_name(tmp_path, model, words):
    with pytest.raises(NodeInputError) as caught:
        run(tmp_path, clip(1), model=model)
    assert caught.value.name == "model" and words in str(caught.value)


def test_a_too_large_output_is_refused(tmp_path):
    frames = Frames.from_array(np.zeros((1, 1100, 2000, 3), np.uint8), 24)
    with pytest.raises(NodeInputError) as caught:
        run(tmp_path, frames, scale=5)
    assert caught.value.name == "scale" and "8192" in str(caught.value)


@pytest.mark.parametrize("kind", ["texture", "shapes"])
def test_classical_beats_bicubic_by_half_a_decibel(kind):
    """Downscale a detailed picture by 2 with an area filter, enlarge it back, compare with the original."""
    if kind == "texture":
        truth = texture_frame(192, 256, seed=7, fmax=0.45)
    else:  # hard-edged shapes like the animatic's
        truth = np.full((192, 256, 3), 30, np.uint8)
        rng = np.random.default_rng(3)
        for _ in range(40):
            x, y, r = rng.integers(0, 256), rng.integers(0, 192), int(rng.integers(4, 30))
            cv2.circle(truth, (int(x), int(y)), r, tuple(int(c) for c in rng.integers(0, 255, 3)), -1, cv2.LINE_AA)
    small = cv2.resize(truth, (128, 96), interpolation=cv2.INTER_AREA)
    bicubic = cv2.resize(small, (256, 192), interpolation=cv2.INTER_CUBIC)
    ours = upscale_classical(small, 256, 192)
    assert psnr(ours, truth) >= psnr(bicubic, truth) + 0.5


def test_classical_node_keeps_cuts_and_any_scale(tmp_path):
    out = run(tmp_path, clip(), scale=1.5)
    assert (out.width, out.height, out.cuts) == (84, 60, (2,))
    assert out.to_array().shape == (3, 60, 84, 3)
