"""video.interpolate: flow quality against known in-between frames, retiming, cuts, laziness."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from nodes.datatypes import Frames
from nodes.video.interpolate.flow import DisInterpolator, linear_blend
from nodes.video.interpolate.node import InterpolateParams, interpolate
from nodes.video.interpolate.synthetic import psnr, texture_frame
from nodes.video.interpolate.timing import RetimePlan, Sample
from server.engine.contract import NodeDef
from server.engine.errors import NodeInputError

H, W = 128, 160
MARGIN = 16  # content entering through the border is unknowable; PSNR is measured inside


class CountingSource:
    """A lazy producer that records every read, so tests can see what was pulled and when."""

    def __init__(self, frames: np.ndarray) -> None:
        self.frames = frames
        self.reads: list[tuple[int, int]] = []

    def __call__(self, start: int, stop: int) -> np.ndarray:
        self.reads.append((start, stop))
        return self.frames[start:stop].copy()

    @property
    def frames_read(self) -> int:
        return sum(b - a for a, b in self.reads)


def panning(count: int, step: tuple[float, float], seed: int = 0, h: int = H, w: int = W) -> np.ndarray:
    return np.stack([texture_frame(h, w, (step[0] * i, step[1] * i), seed=seed) for i in range(count)])


def two_shots(count_a: int, count_b: int) -> np.ndarray:
    """A pan over one texture, then a hard cut to a pan over another."""
    return shots(count_a, count_b)


def shots(*counts: int) -> np.ndarray:
    """Pans over different textures, one per shot, joined by hard cuts."""
    steps = [(3.0, 1.0), (-2.0, 2.0), (1.0, -3.0)]
    return np.concatenate([panning(n, steps[k % 3], seed=1 + k, h=64, w=80) for k, n in enumerate(counts)])


# --- quality ------------------------------------------------------------------------------


@pytest.mark.parametrize("quality", ["fast", "balanced", "quality"])
@pytest.mark.parametrize(
    "motion", [(2.6, 1.4), (-1.3, 2.2), (9.4, -5.2), (-11.4, 2.6)], ids=["small", "small2", "medium", "medium2"]
)
def test_flow_middle_frame_beats_linear_blend_by_10db(quality: str, motion: tuple[float, float]) -> None:
    f0 = texture_frame(H, W)
    f1 = texture_frame(H, W, motion)
    truth = texture_frame(H, W, (motion[0] / 2, motion[1] / 2))
    dis = DisInterpolator(quality)  # type: ignore[arg-type]
    middle = dis.synthesize(dis.prepare(f0, f1), [0.5])[0]
    flow_db = psnr(middle, truth, MARGIN)
    blend_db = psnr(linear_blend(f0, f1, 0.5), truth, MARGIN)
    assert flow_db >= blend_db + 10.0, f"{quality} {motion}: flow {flow_db:.1f} dB vs blend {blend_db:.1f} dB"


def test_flow_at_other_times_follows_the_motion(test_out: Path) -> None:
    motion = (10.0, -4.0)
    f0, f1 = texture_frame(H, W), texture_frame(H, W, motion)
    dis = DisInterpolator("balanced")
    made = dis.synthesize(dis.prepare(f0, f1), [0.25, 0.75])
    for t, frame in zip([0.25, 0.75], made, strict=True):
        truth = texture_frame(H, W, (motion[0] * t, motion[1] * t))
        assert psnr(frame, truth, MARGIN) >= psnr(linear_blend(f0, f1, t), truth, MARGIN) + 10.0
    truth = texture_frame(H, W, (5.0, -2.0))
    middle = dis.synthesize(dis.prepare(f0, f1), [0.5])[0]
    sheet = np.concatenate([np.hstack([f0, truth, f1]), np.hstack([linear_blend(f0, f1, 0.5), middle, truth])])
    _save(test_out / "interpolate_middle_frame.png", sheet)  # top: f0, truth, f1; bottom: blend, ours, truth


def _save(path: Path, rgb: np.ndarray) -> None:
    import cv2

    cv2.imwrite(str(path), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))


# --- timing -------------------------------------------------------------------------------


@pytest.mark.parametrize("multiplier", [2, 3, 4])
def test_multiplier_keeps_duration_and_places_frames_evenly(multiplier: int) -> None:
    plan = RetimePlan(10, Fraction(24), Fraction(24 * multiplier))
    assert plan.out_count == 10 * multiplier
    samples = [plan.sample(j) for j in range(plan.out_count)]
    assert samples[0] == Sample(0)
    assert samples[multiplier] == Sample(1)
    assert [s.t for s in samples[1:multiplier]] == pytest.approx([k / multiplier for k in range(1, multiplier)])
    assert all(s == Sample(9) for s in samples[9 * multiplier :])  # the last frame is held to the end


def test_retime_30_to_24_fps() -> None:
    plan = RetimePlan(30, Fraction(30), Fraction(24))
    assert plan.out_count == 24
    assert plan.sample(4) == Sample(5)  # 4/24 s = 5/30 s
    assert plan.sample(1) == Sample(1, 0.25)


def test_pairs_across_a_cut_hold_the_nearer_frame() -> None:
    plan = RetimePlan(10, Fraction(24), Fraction(96), cuts=(5,))
    assert [plan.sample(j) for j in range(16, 21)] == [Sample(4), Sample(4), Sample(4), Sample(5), Sample(5)]
    assert plan.sample(15) == Sample(3, 0.75)
    assert plan.out_cuts() == (19,)  # a tie (t = 0.5) holds the earlier frame


def test_cuts_are_mapped_when_slowing_the_rate_down() -> None:
    plan = RetimePlan(60, Fraction(60), Fraction(24), cuts=(7, 31))
    cuts = plan.out_cuts()
    assert len(cuts) == 2
    for j in cuts:
        before, at = plan.sample(j - 1), plan.sample(j)
        assert plan.shot(before.index) != plan.shot(at.index)


# --- the node -----------------------------------------------------------------------------


def test_node_contract() -> None:
    assert isinstance(interpolate, NodeDef)
    assert interpolate.id == "video.interpolate"
    assert list(interpolate.inputs) == ["frames"] and list(interpolate.outputs) == ["frames"]
    schema = interpolate.to_json()["params"]["properties"]
    assert schema["quality"]["enum"] == ["fast", "balanced", "quality"]
    assert schema["multiplier"]["minimum"] == 1 and schema["multiplier"]["maximum"] == 4


def test_node_doubles_the_rate_and_keeps_source_frames(ctx) -> None:
    src = panning(6, (4.0, 1.0))
    out = interpolate(ctx, InterpolateParams(multiplier=2), frames=Frames.from_array(src, 12))["frames"]
    assert (out.count, out.fps, out.width, out.height) == (12, 24.0, W, H)
    frames = out.to_array()
    assert np.array_equal(frames[::2], src)
    truth = texture_frame(H, W, (2.0, 0.5))
    assert psnr(frames[1], truth, MARGIN) > psnr(linear_blend(src[0], src[1], 0.5), truth, MARGIN) + 10


def test_multiplier_one_without_target_is_the_identity(ctx) -> None:
    src = panning(5, (2.0, 0.0), h=32, w=48)
    out = interpolate(ctx, InterpolateParams(multiplier=1), frames=Frames.from_array(src, 24, cuts=(3,)))["frames"]
    assert out.count == 5 and out.cuts == (3,)
    assert np.array_equal(out.to_array(), src)


def test_target_fps_overrides_multiplier(ctx) -> None:
    src = panning(30, (1.0, 0.0), h=32, w=48)
    params = InterpolateParams(multiplier=4, target_fps=24.0)
    out = interpolate(ctx, params, frames=Frames.from_array(src, 30))["frames"]
    assert (out.count, out.fps) == (24, 24.0)
    assert np.array_equal(out.read(4, 5)[0], src[5])


def test_never_blends_across_a_declared_cut(ctx) -> None:
    src = two_shots(5, 5)
    params = InterpolateParams(multiplier=2, cut_detection="off")
    out = interpolate(ctx, params, frames=Frames.from_array(src, 24, cuts=(5,)))["frames"]
    frames = out.to_array()
    assert out.cuts == (10,)
    assert np.array_equal(frames[9], src[4])  # held, not a cross-fade of two shots
    assert np.array_equal(frames[10], src[5])


def test_detects_an_undeclared_cut(ctx, progress) -> None:
    src = two_shots(6, 4)
    out = interpolate(ctx, InterpolateParams(multiplier=2), frames=Frames.from_array(src, 24))["frames"]
    assert out.cuts == (12,)
    assert np.array_equal(out.read(11, 12)[0], src[5])
    assert progress.calls and progress.calls[-1][:2] == (10, 10)
    off = interpolate(ctx, InterpolateParams(multiplier=2, cut_detection="off"), frames=Frames.from_array(src, 24))
    blended = off["frames"].read(11, 12)[0]
    assert off["frames"].cuts == ()
    assert not np.array_equal(blended, src[5]) and not np.array_equal(blended, src[6])


def test_declared_cuts_are_trusted_unless_asked_to_look(ctx) -> None:
    src = shots(4, 4, 4)  # cuts at 4 (declared) and 8 (not declared)
    source = CountingSource(src)
    frames = Frames(source, count=12, width=80, height=64, fps=24, cuts=(4,))
    auto = interpolate(ctx, InterpolateParams(multiplier=2), frames=frames)["frames"]
    assert source.reads == [] and auto.cuts == (8,)  # not read twice: the declared cut is mapped
    always = interpolate(ctx, InterpolateParams(multiplier=2, cut_detection="always"), frames=frames)["frames"]
    assert always.cuts == (8, 16)
    assert np.array_equal(always.read(15, 16)[0], src[7])


def test_motion_and_flicker_are_not_cuts(ctx) -> None:
    src = panning(8, (9.0, -4.0), h=72, w=96)
    src[4:] = (src[4:] * 0.6).astype(np.uint8)  # a light goes down
    out = interpolate(ctx, InterpolateParams(), frames=Frames.from_array(src, 24))["frames"]
    assert out.cuts == ()


def test_output_is_lazy_and_reads_each_source_frame_once(ctx) -> None:
    source = CountingSource(panning(20, (3.0, 1.0), h=32, w=48))
    frames = Frames(source, count=20, width=48, height=32, fps=24)
    out = interpolate(ctx, InterpolateParams(multiplier=3, cut_detection="off"), frames=frames)["frames"]
    assert source.reads == []  # nothing computed until read
    chunks = list(out.chunks(7))
    assert sum(len(c) for c in chunks) == out.count == 60
    assert source.frames_read == 20  # chunks share a pair; it is kept, not re-read
    assert max(b - a for a, b in source.reads) <= 4
    assert np.array_equal(np.concatenate(chunks), out.read(0, 60))  # chunked == whole


def test_cut_detection_reads_the_source_once_in_chunks(ctx) -> None:
    source = CountingSource(panning(40, (3.0, 1.0), h=32, w=48))
    interpolate(ctx, InterpolateParams(), frames=Frames(source, count=40, width=48, height=32, fps=24))
    assert source.frames_read == 40
    assert max(b - a for a, b in source.reads) <= 32


def test_zero_frames_is_an_input_error(ctx) -> None:
    empty = Frames(lambda a, b: np.zeros((0, 8, 8, 3), np.uint8), count=0, width=8, height=8, fps=24)
    with pytest.raises(NodeInputError) as err:
        interpolate(ctx, InterpolateParams(), frames=empty)
    assert err.value.name == "frames"


def test_single_frame_is_held(ctx) -> None:
    src = panning(1, (0.0, 0.0), h=16, w=16)
    out = interpolate(ctx, InterpolateParams(multiplier=3), frames=Frames.from_array(src, 10))["frames"]
    assert out.count == 3 and all(np.array_equal(f, src[0]) for f in out.to_array())


def test_params_reject_out_of_range_values() -> None:
    from pydantic import ValidationError

    bads = ({"multiplier": 5}, {"target_fps": -1}, {"quality": "best"}, {"backend": "rife"}, {"cut_detection": "maybe"})
    for bad in (*bads, {"cut_threshold": 0.0}, {"x": 1}):
        with pytest.raises(ValidationError):
            InterpolateParams(**bad)


def test_odd_sizes_keep_their_shape(ctx) -> None:
    src = panning(3, (2.0, 1.0), h=37, w=45)
    for quality in ("fast", "quality"):
        params = InterpolateParams(multiplier=3, quality=quality, cut_detection="off")
        out = interpolate(ctx, params, frames=Frames.from_array(src, 24))["frames"].to_array()
        assert out.shape == (9, 37, 45, 3)


@pytest.mark.parametrize("side", [8, 16, 24])
def test_thumbnail_sizes_interpolate(ctx, side: int) -> None:
    """Tiny frames (previews, tiny test models) are below DIS's minimum once halved: the flow
    runs at full size, or not at all under 12 px, and in-betweens still fall between the frames."""
    src = panning(3, (1.0, 0.5), h=side, w=side)
    for quality in ("fast", "balanced"):
        params = InterpolateParams(multiplier=2, quality=quality, cut_detection="off")
        out = interpolate(ctx, params, frames=Frames.from_array(src, 16))["frames"].to_array()
        assert out.shape == (6, side, side, 3)
        low, high = np.minimum(src[0], src[1]).astype(int), np.maximum(src[0], src[1]).astype(int)
        assert np.mean((out[1] >= low - 24) & (out[1] <= high + 24)) > 0.9
