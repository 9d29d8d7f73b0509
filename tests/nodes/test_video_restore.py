"""video.denoise and video.deflicker: measured against the clean clip, laziness, cuts, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from nodes.datatypes import Frames
from nodes.video.deflicker import DeflickerParams, deflicker
from nodes.video.denoise import DenoiseParams, denoise
from nodes.video.interpolate.synthetic import texture_frame
from nodes.video.metrics import flicker_index, psnr, ssim
from nodes.video.temporal_denoise import estimate_sigma, estimate_sigma_temporal
from nodes.video.window import WindowedProducer
from server.engine.errors import NodeInputError

from .video_media import context

H, W = 96, 128


def panning(count: int, seed: int = 5) -> np.ndarray:
    """A detailed texture moving 2.3 px right and 0.7 px down per frame, plus a bright square moving left."""
    frames = np.stack([texture_frame(H, W, (2.3 * i, 0.7 * i), seed=seed, fmax=0.3) for i in range(count)])
    for i in range(count):
        x = 90 - 3 * i
        frames[i, 30:60, max(0, x) : max(0, x + 24)] = (230, 220, 60)
    return frames


def noisy(clean: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(clean + rng.normal(0, sigma, clean.shape), 0, 255).round().astype(np.uint8)


def nlm(frames: np.ndarray, sigma: float) -> np.ndarray:
    import cv2

    h = 0.8 * sigma
    return np.stack([cv2.fastNlMeansDenoisingColored(f, None, h, h, 7, 21) for f in frames])


@pytest.fixture(scope="module")
def clean() -> np.ndarray:
    return panning(12)


def test_estimated_sigma_is_close(clean):
    assert estimate_sigma(clean[0]) < 3
    assert abs(estimate_sigma(noisy(clean, 15)[0]) - 15) < 3
    assert estimate_sigma_temporal(clean[:4]) < 2  # a clean pan is not mistaken for noise
    for sigma in (5, 15):
        assert abs(estimate_sigma_temporal(noisy(clean[:4], sigma)) - sigma) < 1.5


def test_denoise_gains_4_db_and_beats_per_frame_nlm(tmp_path, clean):
    dirty = noisy(clean, 15)
    out = denoise(context(tmp_path, "video.denoise"), DenoiseParams(), frames=Frames.from_array(dirty, 24))
    cleaned = out["frames"].to_array()
    inner = slice(2, -2)  # frames with two neighbours each side
    before, after = psnr(dirty[inner], clean[inner]), psnr(cleaned[inner], clean[inner])
    assert after >= before + 4, (before, after)
    assert after >= psnr(nlm(dirty[inner], 15), clean[inner]) + 1


def test_denoise_never_blends_across_a_cut(tmp_path):
    a, b = panning(6, seed=1), panning(6, seed=2)
    frames = Frames.from_array(np.concatenate([a, b]), 24, cuts=(6,))
    out = denoise(context(tmp_path, "video.denoise"), DenoiseParams(sigma=10, spatial=0), frames=frames)["frames"]
    assert out.cuts == (6,)
    alone = denoise(
        context(tmp_path, "video.denoise"), DenoiseParams(sigma=10, spatial=0), frames=Frames.from_array(b, 24)
    )
    assert np.array_equal(out.read(6, 9), alone["frames"].read(0, 3))  # nothing from shot A leaked in
    producer = out._producer
    assert isinstance(producer, WindowedProducer) and producer.window(5) == (3, 6) and producer.window(6) == (6, 9)


def test_windowed_reads_decode_each_source_frame_about_once(tmp_path, clean):
    reads: list[tuple[int, int]] = []

    def source(a: int, b: int) -> np.ndarray:
        reads.append((a, b))
        return clean[a:b]

    frames = Frames(source, count=12, width=W, height=H, fps=24)
    out = deflicker(context(tmp_path, "video.deflicker"), DeflickerParams(radius=2), frames=frames)["frames"]
    assert reads == []  # lazy
    for _ in out.chunks(4):
        pass
    assert sum(b - a for a, b in reads) == 12, reads  # kept margins: no frame read twice


def test_deflicker_removes_70_percent_of_flicker_keeping_the_picture(tmp_path):
    clean = panning(36)
    rng = np.random.default_rng(3)
    gains = rng.uniform(0.8, 1.2, (36, 1, 1, 1)) * rng.uniform(0.92, 1.08, (36, 1, 1, 3))
    flickered = np.clip(clean * gains, 0, 255).round().astype(np.uint8)
    out = deflicker(context(tmp_path, "video.deflicker"), DeflickerParams(), frames=Frames.from_array(flickered, 24))
    steady = out["frames"].to_array()
    assert flicker_index(steady) <= 0.3 * flicker_index(flickered)
    assert np.mean([ssim(a, b) for a, b in zip(steady, clean, strict=True)]) >= 0.95
    # motion is not smeared: the moving square stays sharp-edged where it is
    assert psnr(steady[18, 30:60], clean[18, 30:60]) > 25


def test_deflicker_keeps_a_slow_fade(tmp_path):
    clean = panning(40)
    fade = np.linspace(1.0, 0.5, 40)[:, None, None, None]
    faded = np.clip(clean * fade, 0, 255).round().astype(np.uint8)
    out = deflicker(
        context(tmp_path, "video.deflicker"), DeflickerParams(radius=4), frames=Frames.from_array(faded, 24)
    )
    steady = out["frames"].to_array()
    assert abs(steady[35].mean() / steady[5].mean() - faded[35].mean() / faded[5].mean()) < 0.05


@pytest.mark.parametrize("node_fn, params", [(denoise, DenoiseParams()), (deflicker, DeflickerParams())])
def test_empty_input_is_refused(tmp_path, node_fn, params):
    empty = Frames.from_array(np.zeros((0, 8, 8, 3), np.uint8), 24)
    with pytest.raises(NodeInputError) as caught:
        node_fn(context(tmp_path, node_fn.id), params, frames=empty)
    assert caught.value.name == "frames"
