"""What the three shipped prompts look like: contact sheets to look at, and checks that the subject,
setting, colours and motion are there in the pixels (not just in the code)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import cv2
import numpy as np
import pytest

from nodes.render.node import animatic
from tests.nodes import render_fixtures as fx


def render(ctx, name: str, width: int, height: int, fps: int = 12):
    scene, shots, style = fx.SCENES[name]
    params = animatic.parse_params({"width": width, "height": height, "fps": fps, "seed": 3})
    return animatic(ctx, params, scene=scene(), shots=shots(), style=style())


def save_sheet(frames, path: Path, columns: int = 4, count: int = 12) -> np.ndarray:
    """Write a grid of ``count`` frames spread over the video, each stamped with its time."""
    picks = np.linspace(0, frames.count - 1, count).round().astype(int)
    tiles = []
    for i in picks:
        tile = frames.read(int(i), int(i) + 1)[0].copy()
        cv2.putText(
            tile, f"{i / frames.fps:.1f}s", (5, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 255, 255), 1, cv2.LINE_AA
        )
        tiles.append(tile)
    rows = [np.concatenate(tiles[r : r + columns], axis=1) for r in range(0, count, columns)]
    sheet = np.concatenate(rows, axis=0)
    fd, tmp = tempfile.mkstemp(suffix=".png", dir=path.parent)
    os.close(fd)
    cv2.imwrite(tmp, cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return sheet


def boxes_of(layout, entity: str) -> list:
    return [next((b["box"] for b in f if b["id"] == entity), None) for f in layout.frames]


def crop(img: np.ndarray, box) -> np.ndarray:
    x0, y0, x1, y1 = (round(v) for v in box)
    return img[y0:y1, x0:x1].reshape(-1, 3).astype(int)


@pytest.mark.parametrize("name", ["tokyo", "lion", "skyline"])
def test_contact_sheet(ctx, test_out, name):
    out = render(ctx, name, 320, 180)
    sheet = save_sheet(out["frames"], test_out / f"render_{name}_sheet.png")
    assert sheet.shape == (540, 1280, 3)
    assert (test_out / f"render_{name}_sheet.png").stat().st_size > 10_000
    assert sheet.std() > 20  # a picture, not a flat fill


def test_tokyo_reads_as_a_woman_in_red_on_a_rainy_neon_night(ctx):
    out = render(ctx, "tokyo", 320, 180)
    frames, layout = out["frames"].to_array(), out["layout"]
    assert frames.mean() < 95  # night
    sat = frames.max(-1).astype(int) - frames.min(-1)
    assert ((sat > 150) & (frames.max(-1) > 200)).mean() > 0.01  # glowing neon
    woman = boxes_of(layout, "e0")
    assert sum(b is not None for b in woman) > 0.9 * len(woman)  # the subject stays in view
    reds = []
    for img, box in zip(frames, woman):
        if box:
            px = crop(img, box)
            reds.append(((px[:, 0] > 110) & (px[:, 1] < 70) & (px[:, 2] < 90)).mean())
    assert np.median(reds) > 0.08  # the long red dress
    crowd = [sum(b["id"].startswith("e8.") for b in f) for f in layout.frames]
    assert np.mean(crowd) >= 8  # many people


def test_lion_is_a_tawny_animal_on_golden_savanna_at_sunset(ctx):
    out = render(ctx, "lion", 320, 180)
    frames, layout = out["frames"].to_array(), out["layout"]
    top, bottom = frames[:, :40].reshape(-1, 3).mean(0), frames[:, -60:].reshape(-1, 3).mean(0)
    assert top[0] > top[2] + 40  # warm sunset sky
    assert bottom[0] > bottom[2] + 60 and bottom[1] > bottom[2]  # golden grass
    lion = boxes_of(layout, "e0")
    assert sum(b is not None for b in lion) > 0.9 * len(lion)
    xs = [(b[0] + b[2]) / 2 for b in lion[:40] if b]
    assert np.ptp(xs) > 0  # it moves (the camera pans with it)


def test_skyline_has_many_flying_cars_moving_at_sunset(ctx):
    out = render(ctx, "skyline", 320, 180)
    layout = out["layout"]
    per_frame = [sum(b["id"].startswith("e1.") for b in f) for f in layout.frames]
    assert np.mean(per_frame) >= 5
    first = {b["id"]: b["box"] for b in layout.frames[10]}
    later = {b["id"]: b["box"] for b in layout.frames[16]}
    moved = [abs(first[k][0] - later[k][0]) for k in first.keys() & later.keys()]
    assert np.median(moved) > 2.0


@pytest.mark.parametrize("name", ["tokyo", "lion", "skyline"])
def test_motion_is_smooth_within_shots_and_jumps_at_cuts(ctx, name):
    out = render(ctx, name, 160, 90, fps=24)
    frames = out["frames"].to_array().astype(np.int16)
    diffs = np.abs(np.diff(frames, axis=0)).mean(axis=(1, 2, 3))  # diffs[i]: frame i → i + 1
    cut_steps = {c - 1 for c in out["frames"].cuts}
    within = np.array([d for i, d in enumerate(diffs) if i not in cut_steps])
    median = float(np.median(within))
    assert median < 12.0  # small: consecutive frames look alike
    assert within.max() < 3.0 * median + 3.0  # steady: no spikes inside a shot
    for i in range(len(diffs) - 1):  # ... and no sudden change of pace from one frame to the next
        if i not in cut_steps and i + 1 not in cut_steps:
            assert abs(diffs[i + 1] - diffs[i]) < 0.5 * median + 1.5, f"pace jumps at frame {i + 1}"
    for step in cut_steps:
        assert diffs[step] > 2.0 * median + 2.0  # a cut is a visible jump
