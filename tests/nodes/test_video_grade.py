"""video.grade: .cube LUTs against colour-science, palette transfer, grain, vignette, refused LUTs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nodes.datatypes import Frames
from nodes.style.model import Style
from nodes.video.grade import GradeParams, grade
from nodes.video.interpolate.synthetic import texture_frame
from nodes.video.lut import import_colour
from server.engine.errors import NodeInputError

from .video_media import context

colour = import_colour()


def write_lut(path: Path, size: int = 9) -> Path:
    """A strong, non-linear look, so that interpolation errors would show."""
    lut = colour.LUT3D(size=size)
    lut.table = np.clip(lut.table**0.6 * np.array([1.0, 0.85, 0.7]) + np.array([0.0, 0.05, 0.1]), 0, 1)
    colour.write_LUT(lut, str(path))
    return path


def frames(count: int = 3) -> Frames:
    return Frames.from_array(np.stack([texture_frame(48, 64, (3.0 * i, 0), seed=9) for i in range(count)]), 24)


def run(folder: Path, source: Frames | None = None, style: Style | None = None, **params) -> np.ndarray:
    out = grade(context(folder, "video.grade"), GradeParams(**params), frames=source or frames(), style=style)
    return out["frames"].to_array()


def test_colour_leaves_no_fake_matplotlib_behind():
    """Other libraries probe for matplotlib (diffusers does on import); a mock there breaks them."""
    import importlib.util
    import sys

    assert "matplotlib" not in sys.modules or sys.modules["matplotlib"].__spec__ is not None
    importlib.util.find_spec("matplotlib")  # raised ValueError while colour's placeholder was there


def test_lut_matches_colour_science(tmp_path):
    write_lut(tmp_path / "look.cube")
    source = frames()
    ours = run(tmp_path, source, lut="look.cube", transfer=0)
    reference = colour.read_LUT(str(tmp_path / "look.cube")).apply(source.to_array() / 255.0)
    assert np.abs(ours.astype(float) - np.clip(reference * 255, 0, 255)).max() <= 1.0


def test_lut_strength_mixes_with_the_original(tmp_path):
    write_lut(tmp_path / "look.cube")
    source = frames(1)
    full, half = run(tmp_path, source, lut="look.cube"), run(tmp_path, source, lut="look.cube", lut_strength=0.5)
    expected = (full.astype(float) + source.to_array()) / 2
    assert np.abs(half - expected).max() <= 1.0


def test_palette_transfer_moves_colours_toward_the_style(tmp_path):
    import cv2

    warm = Style(np.zeros(1, np.float32), ("warmth",), ("warm",), ("#e08030", "#b05020", "#f0c060"), "builtin")
    source = frames(2)
    graded = run(tmp_path, source, style=warm, transfer=1.0)
    before = cv2.cvtColor(source.to_array()[1], cv2.COLOR_RGB2LAB).reshape(-1, 3).mean(axis=0)
    after = cv2.cvtColor(graded[1], cv2.COLOR_RGB2LAB).reshape(-1, 3).mean(axis=0)
    assert after[1] > before[1] + 5 and after[2] > before[2] + 10  # redder and yellower (Lab a, b)
    # one transform for the whole clip: two identical frames stay identical (no flicker)
    still = Frames.from_array(np.repeat(source.to_array()[:1], 3, axis=0), 24)
    out = run(tmp_path, still, style=warm, transfer=1.0)
    assert np.array_equal(out[0], out[2])


def test_vignette_darkens_corners_only(tmp_path):
    flat = Frames.from_array(np.full((1, 60, 80, 3), 200, np.uint8), 24)
    out = run(tmp_path, flat, vignette=0.5)[0].astype(int)
    assert abs(out[30, 40, 0] - 200) <= 1 and out[0, 0, 0] < 120


def test_grain_is_seeded_per_frame_and_strongest_in_midtones(tmp_path):
    grey = Frames.from_array(np.full((2, 64, 64, 3), 128, np.uint8), 24)
    a = run(tmp_path, grey, grain=0.5, seed=1)
    assert np.array_equal(a, run(tmp_path, grey, grain=0.5, seed=1))  # the same file twice
    assert not np.array_equal(a[0], a[1]) and not np.array_equal(a, run(tmp_path, grey, grain=0.5, seed=2))
    assert 3 < a.astype(float).std() < 9  # σ ≈ 6 levels in the mid-tones at strength 0.5
    white = Frames.from_array(np.full((1, 64, 64, 3), 255, np.uint8), 24)
    assert run(tmp_path, white, grain=1.0).min() >= 250


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("LUT_3D_SIZE 4\n0 0 0\n1 1 1\n", "does not match its LUT_3D_SIZE"),
        ("LUT_1D_SIZE 2\n0 0 0\n1 1 1\n", "1D LUT"),
        ("this is not a lut\n", "not a readable .cube"),
    ],
    ids=["wrong-size", "1d", "garbage"],
)
def test_bad_luts_are_refused_by_name(tmp_path, content, words):
    (tmp_path / "bad.cube").write_text(content)
    with pytest.raises(NodeInputError) as caught:
        run(tmp_path, lut="bad.cube")
    assert caught.value.name == "lut" and words in str(caught.value)
    with pytest.raises(NodeInputError) as caught:
        run(tmp_path, lut="absent.cube")
    assert caught.value.name == "lut"
